package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// POST /v1/transfers end to end over the in-memory twins, wired as the
// function is (the limits claimed in the transfer's own step, read with
// the wallets; the rate limiter and its configs the OAuth twin): with the
// rate-limit decision made beside the handler, a refused transfer is
// answered 429 rate_limited with Retry-After and the RateLimit fields,
// and wrote nothing: no transfer under its key, no money moved, no limit
// usage added, no reservation.
func TestRefusedTransferWritesNothing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	const tenant = "acme"
	st, cust, oauth := memstore.New(), memstore.NewCustomers(), memstore.NewOAuth()
	st.Now, oauth.Now = clock, clock
	limits := &compliance.Limits{Store: cust, Counters: cust, Now: clock}
	if _, err := cust.PutTiers(ctx, sg.TierTable{TenantID: tenant, Default: "small", Verified: "small", KYCValidity: 365 * 24 * time.Hour,
		Tiers: []sg.Tier{{Name: "small", Total: sg.TierLimits{Single: 10_000_000, Day: 25_000_000}}}}); err != nil {
		t.Fatal(err)
	}
	cl := memstore.Claiming{Store: st, Counters: cust}
	l := &ledger.Service{Store: cl, Wallets: cl, Now: clock, Limits: limits}
	wallet := func(funds sg.Amount) sg.Wallet {
		idx, _ := st.NextIndex(ctx)
		w := sg.Wallet{ID: sg.NewID("wal", now), TenantID: tenant, Index: idx, CreatedAt: now}
		if err := st.CreateWallet(ctx, w, sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: w.ID}); err != nil {
			t.Fatal(err)
		}
		if funds > 0 {
			if _, err := l.CreditWallet(ctx, tenant, ledger.Credit{Wallet: w.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: funds, Ref: "fund-" + w.ID}); err != nil {
				t.Fatal(err)
			}
		}
		return w
	}
	from, to := wallet(100_000_000), wallet(0)
	if err := oauth.PutTenantRateLimit(ctx, tenant, sg.RateLimit{Rate: 0.5, Burst: 1}); err != nil {
		t.Fatal(err)
	}
	httpapi.UseRateLimits(&httpapi.RateLimits{Limiter: oauth, Configs: oauth, Now: clock})
	defer httpapi.UseRateLimits(nil)
	h := httpapi.WrapTo("transfers-create", api.Transfers{Ledger: l}.Create, io.Discard)
	post := func(key string) httpapi.Response {
		r, err := h(ctx, httpapi.Request{RouteKey: "POST /v1/transfers", RawPath: "/v1/transfers",
			Body:    fmt.Sprintf(`{"from_wallet_id":%q,"to_wallet_id":%q,"chain":"tron","asset":"USDT","amount":"5"}`, from.ID, to.ID),
			Headers: map[string]string{"content-type": "application/json", "idempotency-key": key},
			RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: key, Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"tenant": tenant, "sub": "s"}, Scopes: []string{"transfers:write"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// state is what the transfers under keys have written.
	state := func(keys ...string) string {
		var out string
		for _, k := range keys {
			_, err := st.TransferByKey(ctx, tenant, sg.KeyHash(tenant, ledger.OpTransfer, k))
			_, rerr := cust.LimitReservation(ctx, tenant, from.ID, "transfer:"+sg.KeyHash(tenant, ledger.OpTransfer, k))
			out += fmt.Sprintf("%s: transfer %t, reservation %t; ", k, err == nil, rerr == nil)
			if !errors.Is(err, sg.ErrNotFound) && err != nil || !errors.Is(rerr, sg.ErrNotFound) && rerr != nil {
				t.Fatal(err, rerr)
			}
		}
		a, _ := st.AccountBalance(ctx, sg.WalletAccount(tenant, from.ID, sg.Tron, sg.USDT), from.Shards())
		u, _ := cust.LimitUsage(ctx, tenant, from.ID)
		return out + fmt.Sprintf("available %s, used %s", a.Available, u.Used(sg.ScopeAll, sg.WindowDay, now))
	}

	if r := post("t-1"); r.StatusCode != 201 || r.Headers["ratelimit"] != `"tenant";r=0;t=2` {
		t.Fatalf("the first transfer: %d %v %s", r.StatusCode, r.Headers, r.Body)
	}
	r := post("t-2") // the bucket (burst 1) is empty
	if r.StatusCode != 429 || r.Headers["retry-after"] != "2" || r.Headers["ratelimit"] != `"tenant";r=0;t=2` ||
		r.Headers["ratelimit-policy"] != `"tenant";q=1;w=2` || r.Body != `{"error":{"code":"rate_limited","message":"`+sg.ErrRateLimited.Message+`","request_id":"t-2"}}` {
		t.Fatalf("the refused transfer: %d %v %s", r.StatusCode, r.Headers, r.Body)
	}
	want := "t-1: transfer true, reservation true; t-2: transfer false, reservation false; available 95.000000, used 5.000000"
	if got := state("t-1", "t-2"); got != want {
		t.Fatalf("after the refusal: %s\nwant %s", got, want)
	}
	// Once the bucket has refilled the same request posts.
	now = now.Add(2 * time.Second)
	if r := post("t-2"); r.StatusCode != 201 {
		t.Fatalf("after Retry-After: %d %s", r.StatusCode, r.Body)
	}
	want = "t-2: transfer true, reservation true; available 90.000000, used 10.000000"
	if got := state("t-2"); got != want {
		t.Fatalf("after the retry: %s\nwant %s", got, want)
	}
}
