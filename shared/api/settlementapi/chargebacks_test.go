package settlementapi

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// oneInvoice reads one invoice, its tenant's only.
type oneInvoice struct{ inv sg.Invoice }

func (o oneInvoice) Invoice(_ context.Context, tenant, id string) (sg.Invoice, error) {
	if tenant != o.inv.TenantID || id != o.inv.ID {
		return sg.Invoice{}, sg.ErrNotFound
	}
	return o.inv, nil
}

// The chargeback route as its function serves it: the operator's scope,
// a strict body, named refusals that change nothing, another tenant's
// invoice not found, and the Idempotency-Key (a replay is the first
// answer, the key with another body idempotency_key_reused).
func TestChargebackRoute(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	st, led := memstore.NewSettlements(), memstore.New()
	svc := &settlement.Service{Fees: &settlement.Fees{Schedules: st, Now: func() time.Time { return now }}, Configs: st, Store: st,
		Ledger: led, Refunds: memstore.NewRefundCaps(), Now: func() time.Time { return now }}
	const tenant = "acme"
	w := sg.Wallet{ID: sg.NewID("wal", now), TenantID: tenant, Index: 1, CreatedAt: now}
	if err := led.CreateWallet(ctx, w, sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: w.ID, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	inv := sg.Invoice{ID: sg.NewID("inv", now), TenantID: tenant, WalletID: w.ID, Amount: 10_000_000, Paid: 10_000_000, Chains: []sg.Chain{sg.Tron},
		Status: sg.InvoicePaid, CreatedAt: now, ExpiresAt: now.Add(time.Hour), Policy: sg.DefaultInvoicePolicy,
		Payments: []sg.InvoicePayment{{Ref: "p1", Chain: sg.Tron, Amount: 10_000_000, State: sg.PaymentConfirmed, SeenAt: now}}}
	fund := sg.Transfer{ID: sg.NewID("txn", now), TenantID: tenant, Type: sg.TransferDeposit, State: sg.StatePosted, ToWallet: w.ID, Chain: sg.Tron,
		Asset: sg.USDT, Amount: inv.Paid, CreatedAt: now, UpdatedAt: now, Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysInbound, sg.Tron, sg.USDT), Bucket: sg.Available, Delta: -inv.Paid},
			{Account: sg.WalletAccount(tenant, w.ID, sg.Tron, sg.USDT), Bucket: sg.Available, Delta: inv.Paid}}}}
	if err := led.ApplyTransfer(ctx, fund); err != nil {
		t.Fatal(err)
	}
	h := httpapi.Wrap("invoices-refund-test", Serve(Refunds{}, Chargebacks{Invoices: oneInvoice{inv}, Svc: svc, Idem: led, Now: func() time.Time { return now }}))
	call := func(ten, key, body string, scopes ...string) (int, map[string]any) {
		t.Helper()
		req := httpapi.Request{Headers: map[string]string{"content-type": "application/json", "idempotency-key": key}, Body: body,
			PathParameters: map[string]string{"invoice_id": inv.ID},
			RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1",
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{httpapi.TenantClaim: ten, "sub": "ops"}, Scopes: scopes}}}}
		req.RouteKey = "POST /v1/invoices/{invoice_id}/chargebacks"
		resp, err := h(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		_ = json.Unmarshal([]byte(resp.Body), &out)
		return resp.StatusCode, out
	}
	balance := func() sg.Amount {
		b, err := led.AccountBalance(ctx, sg.WalletAccount(tenant, w.ID, sg.Tron, sg.USDT), 1)
		if err != nil {
			t.Fatal(err)
		}
		return b.Available
	}
	body := `{"amount":"4.000000","reason":"item not received"}`
	for _, c := range []struct {
		name, tenant, key, body string
		scopes                  []string
		status                  int
		code                    string
	}{
		{"without the operator's scope", tenant, "k0", body, []string{"invoices:write"}, 403, "forbidden"},
		{"an unknown field", tenant, "k0", `{"amount":"4.000000","reason":"x","refund_to":"T..."}`, []string{ScopeChargebacks}, 400, "unknown_field"},
		{"no reason", tenant, "k0", `{"amount":"4.000000"}`, []string{ScopeChargebacks}, 400, "validation_failed"},
		{"seven decimals", tenant, "k0", `{"amount":"4.0000001","reason":"x"}`, []string{ScopeChargebacks}, 400, "amount_too_precise"},
		{"more than paid", tenant, "k0", `{"amount":"10.000001","reason":"x"}`, []string{ScopeChargebacks}, 422, "chargeback_exceeds_paid"},
		{"a chain not paid on", tenant, "k0", `{"amount":"1","chain":"ethereum","reason":"x"}`, []string{ScopeChargebacks}, 400, "chargeback_chain_not_paid"},
		{"another tenant's invoice", "other", "k0", body, []string{ScopeChargebacks}, 404, "not_found"},
	} {
		status, out := call(c.tenant, c.key, c.body, c.scopes...)
		e, _ := out["error"].(map[string]any)
		if status != c.status || e["code"] != c.code {
			t.Errorf("%s: %d %v; want %d %s", c.name, status, out, c.status, c.code)
		}
	}
	if b := balance(); b != inv.Paid {
		t.Fatalf("refusals moved money: %s", b)
	}
	status, first := call(tenant, "k1", body, ScopeChargebacks)
	if status != 201 || first["object"] != "chargeback" || first["amount"] != "4.000000" || first["chain"] != "tron" || first["wallet_id"] != w.ID {
		t.Fatalf("chargeback: %d %v", status, first)
	}
	if status, again := call(tenant, "k1", body, ScopeChargebacks); status != 201 || again["id"] != first["id"] {
		t.Fatalf("replay: %d %v; first %v", status, again, first)
	}
	if status, out := call(tenant, "k1", `{"amount":"5.000000","reason":"item not received"}`, ScopeChargebacks); status != 409 ||
		out["error"].(map[string]any)["code"] != "idempotency_key_reused" {
		t.Fatalf("the key with another body: %d %v", status, out)
	}
	if b := balance(); b != inv.Paid-4_000_000 {
		t.Fatalf("after a chargeback and its replays the wallet holds %s, want 6", b)
	}
}
