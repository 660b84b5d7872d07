package live

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/jwt"
	"github.com/stablegate/stablegate/shared/live/push/pushtest"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// checkouts resolves tokens as the acquiring service would: a token names
// one tenant's invoice; a removed token is not found.
type checkouts struct {
	mu     sync.Mutex
	byTok  map[string][2]string
	outage bool
}

func (c *checkouts) CheckoutByToken(_ context.Context, token string) (string, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.outage {
		return "", "", sg.Unavailable("test.CheckoutByToken", errors.New("store down"))
	}
	v, ok := c.byTok[token]
	if !ok {
		return "", "", sg.ErrNotFound
	}
	return v[0], v[1], nil
}

// posts records what each connection was pushed (pushtest.Posts).
type posts = pushtest.Posts

type checkoutFixture struct {
	s                *Service
	st               *memstore.Store
	ck               *checkouts
	p                *posts
	wallet           string
	invA, invB       string
	tokA, tokB, tokC string // tokC: another tenant's invoice
}

func newCheckoutFixture(t *testing.T) *checkoutFixture {
	t.Helper()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	st := memstore.New()
	st.Now = func() time.Time { return now }
	f := &checkoutFixture{st: st, wallet: sg.NewID("wal", now),
		invA: sg.NewID("inv", now), invB: sg.NewID("inv", now),
		tokA: "chk_aaaaaaaaaaaaaaaaaaaaaaaa", tokB: "chk_bbbbbbbbbbbbbbbbbbbbbbbb", tokC: "chk_cccccccccccccccccccccccc"}
	invC := sg.NewID("inv", now)
	if err := st.CreateWallet(context.Background(), sg.Wallet{ID: f.wallet, TenantID: "acme", CreatedAt: now},
		sg.Idempotency{TenantID: "acme", Operation: "createWallet", Key: "k1"}); err != nil {
		t.Fatal(err)
	}
	f.ck = &checkouts{byTok: map[string][2]string{f.tokA: {"acme", f.invA}, f.tokB: {"acme", f.invB}, f.tokC: {"globex", invC}}}
	f.p = pushtest.NewPosts(ErrGone)
	f.s = &Service{Store: st, Poster: f.p, Checkouts: f.ck}
	return f
}

func (f *checkoutFixture) connect(t *testing.T, conn string, query map[string]string) Response {
	t.Helper()
	req := Request{QueryStringParameters: query}
	req.RequestContext.ConnectionID = conn
	resp, err := f.s.Connect(context.Background(), req)
	if err != nil {
		t.Fatalf("$connect: %v", err)
	}
	return resp
}

func (f *checkoutFixture) send(t *testing.T, conn, body string) (int, map[string]string) {
	t.Helper()
	req := Request{Body: body}
	req.RequestContext.ConnectionID = conn
	resp, err := f.s.Subscribe(context.Background(), req)
	if err != nil {
		t.Fatalf("message %s: %v", body, err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(resp.Body), &m); err != nil {
		t.Fatalf("message %s: answer %q: %v", body, resp.Body, err)
	}
	return resp.StatusCode, m
}

func subscribeCheckout(tok string) string {
	b, _ := json.Marshal(CheckoutSubscribeMessage{Action: ActionSubscribeCheckout, Token: tok})
	return string(b)
}

// A connection that carries a checkout token and no JWT is admitted only
// for a token that names a checkout; anything else is refused at $connect
// and nothing is recorded.
func TestCheckoutConnect(t *testing.T) {
	for _, tc := range []struct {
		name   string
		query  map[string]string
		status int
	}{
		{"a checkout's token", map[string]string{"checkout": "chk_aaaaaaaaaaaaaaaaaaaaaaaa"}, 200},
		{"an unknown token", map[string]string{"checkout": "chk_zzzzzzzzzzzzzzzzzzzzzzzz"}, 401},
		{"an empty token", map[string]string{"checkout": ""}, 401},
		{"a token with a space", map[string]string{"checkout": "chk_aaaa aaaaaaaaaaaaaaaaaaa"}, 401},
		{"a token with a #", map[string]string{"checkout": "chk_aaaa#aaaaaaaaaaaaaaaaaaa"}, 401},
		{"a token too long", map[string]string{"checkout": "chk_" + string(make([]byte, 200))}, 401},
		{"neither a JWT nor a checkout token", map[string]string{}, 401},
		{"a bad JWT beside a good checkout token", map[string]string{"token": "not.a.jwt", "checkout": "chk_aaaaaaaaaaaaaaaaaaaaaaaa"}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newCheckoutFixture(t)
			if tc.query["token"] != "" || len(tc.query) == 0 {
				f.s.Verifier = newVerifier(t)
			}
			resp := f.connect(t, "c1", tc.query)
			if resp.StatusCode != tc.status {
				t.Fatalf("$connect: %d %s; want %d", resp.StatusCode, resp.Body, tc.status)
			}
			_, err := f.st.ConnectionTenant(context.Background(), "c1")
			if recorded := err == nil; recorded != (tc.status == 200) {
				t.Fatalf("connection recorded: %v; want %v", recorded, tc.status == 200)
			}
		})
	}
	t.Run("refused when the service has no checkout lookup", func(t *testing.T) {
		f := newCheckoutFixture(t)
		f.s.Checkouts = nil
		if resp := f.connect(t, "c1", map[string]string{"checkout": f.tokA}); resp.StatusCode != 401 {
			t.Fatalf("$connect: %d; want 401", resp.StatusCode)
		}
	})
	t.Run("a lookup outage is a fault, not a refusal", func(t *testing.T) {
		f := newCheckoutFixture(t)
		f.ck.outage = true
		req := Request{QueryStringParameters: map[string]string{"checkout": f.tokA}}
		req.RequestContext.ConnectionID = "c1"
		if _, err := f.s.Connect(context.Background(), req); err == nil {
			t.Fatal("$connect during an outage answered; want an error (API Gateway answers 500)")
		}
	})
}

// A checkout connection follows its own invoice and reads nothing else:
// not a wallet of the same tenant, not another invoice, not another
// tenant's checkout; a token revoked since $connect is refused.
func TestCheckoutConnectionReadsOnlyItsInvoice(t *testing.T) {
	f := newCheckoutFixture(t)
	if resp := f.connect(t, "c1", map[string]string{"checkout": f.tokA}); resp.StatusCode != 200 {
		t.Fatalf("$connect: %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"a wallet of the invoice's tenant", `{"action":"subscribe","wallet_id":"` + f.wallet + `"}`, 403, "checkout_only"},
		{"another invoice of the tenant", subscribeCheckout(f.tokB), 404, "checkout_not_found"},
		{"another tenant's checkout", subscribeCheckout(f.tokC), 404, "checkout_not_found"},
		{"an unknown token", subscribeCheckout("chk_zzzzzzzzzzzzzzzzzzzzzzzz"), 404, "checkout_not_found"},
		{"a malformed token", subscribeCheckout("x"), 400, "validation_failed"},
		{"a body that is not JSON", `{"action":"subscribe_checkout",`, 400, "unknown_action"},
		{"another action", `{"action":"unsubscribe","wallet_id":"` + f.wallet + `"}`, 400, "unknown_action"},
		{"its own checkout", subscribeCheckout(f.tokA), 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, m := f.send(t, "c1", tc.body)
			if status != tc.status || m["code"] != tc.code {
				t.Fatalf("answer %d %v; want %d %q", status, m, tc.status, tc.code)
			}
		})
	}
	// Only its own invoice holds the connection.
	for name, key := range map[string]string{"wallet": f.wallet, "invoice B": f.invB} {
		if subs, _ := f.st.Subscribers(context.Background(), "acme", key); len(subs) != 0 {
			t.Errorf("%s has subscribers %v", name, subs)
		}
	}
	if subs, _ := f.st.Subscribers(context.Background(), "acme", f.invA); len(subs) != 1 || subs[0] != "c1" {
		t.Errorf("invoice A subscribers %v; want [c1]", subs)
	}

	t.Run("a token revoked after $connect", func(t *testing.T) {
		f := newCheckoutFixture(t)
		f.connect(t, "c2", map[string]string{"checkout": f.tokA})
		delete(f.ck.byTok, f.tokA)
		if status, m := f.send(t, "c2", subscribeCheckout(f.tokA)); status != 404 || m["code"] != "checkout_not_found" {
			t.Fatalf("answer %d %v; want 404 checkout_not_found", status, m)
		}
	})
	t.Run("a tenant's JWT connection cannot follow a checkout by token", func(t *testing.T) {
		f := newCheckoutFixture(t)
		if err := f.st.PutConnection(context.Background(), "jwt1", "acme"); err != nil {
			t.Fatal(err)
		}
		if status, m := f.send(t, "jwt1", subscribeCheckout(f.tokA)); status != 404 || m["code"] != "checkout_not_found" {
			t.Fatalf("answer %d %v; want 404 checkout_not_found", status, m)
		}
	})
	t.Run("a connection that was never opened", func(t *testing.T) {
		f := newCheckoutFixture(t)
		if status, m := f.send(t, "nobody", subscribeCheckout(f.tokA)); status != 401 || m["code"] != "unauthenticated" {
			t.Fatalf("answer %d %v; want 401 unauthenticated", status, m)
		}
	})
}

// A change of an invoice reaches the connections following that invoice,
// and no other; a gone connection is dropped and the others still get it.
func TestNotifyCheckoutReachesOnlyThatInvoice(t *testing.T) {
	f := newCheckoutFixture(t)
	ctx := context.Background()
	for conn, tok := range map[string]string{"a1": f.tokA, "a2": f.tokA, "b1": f.tokB} {
		f.connect(t, conn, map[string]string{"checkout": tok})
		if status, m := f.send(t, conn, subscribeCheckout(tok)); status != 200 {
			t.Fatalf("%s subscribe: %d %v", conn, status, m)
		}
	}
	// A tenant connection following the wallet.
	if err := f.st.PutConnection(ctx, "w1", "acme"); err != nil {
		t.Fatal(err)
	}
	if status, m := f.send(t, "w1", `{"action":"subscribe","wallet_id":"`+f.wallet+`"}`); status != 200 {
		t.Fatalf("wallet subscribe: %d %v", status, m)
	}
	f.p.Gone["a2"] = true
	view := map[string]any{"object": "checkout", "invoice": f.invA, "status": "paid", "paid": "108.695653"}
	if err := f.s.NotifyCheckout(ctx, "acme", f.invA, view); err != nil {
		t.Fatal(err)
	}
	if len(f.p.Got["a1"]) != 1 {
		t.Fatalf("a1 got %v; want one push", f.p.Got["a1"])
	}
	var u struct {
		Type     string         `json:"type"`
		Checkout map[string]any `json:"checkout"`
	}
	if err := json.Unmarshal([]byte(f.p.Got["a1"][0]), &u); err != nil || u.Type != "checkout" || u.Checkout["status"] != "paid" || u.Checkout["invoice"] != f.invA {
		t.Fatalf("a1 got %s (%v)", f.p.Got["a1"][0], err)
	}
	for _, other := range []string{"b1", "w1", "a2"} {
		if len(f.p.Got[other]) != 0 {
			t.Errorf("%s was pushed %v", other, f.p.Got[other])
		}
	}
	if subs, _ := f.st.Subscribers(ctx, "acme", f.invA); len(subs) != 1 || subs[0] != "a1" {
		t.Errorf("after a push to a gone connection, invoice A subscribers %v; want [a1]", subs)
	}
	// The same invoice id under another tenant reaches nobody.
	if err := f.s.NotifyCheckout(ctx, "globex", f.invA, view); err != nil {
		t.Fatal(err)
	}
	if len(f.p.Got["a1"]) != 1 {
		t.Errorf("a push under another tenant reached a1: %v", f.p.Got["a1"])
	}
	if err := f.s.NotifyCheckout(ctx, "acme", f.wallet, view); err == nil {
		t.Error("NotifyCheckout took a wallet id; want an error")
	}
}

// Whatever a checkout connection sends, it is subscribed to its own
// invoice or to nothing.
func FuzzCheckoutMessage(f *testing.F) {
	for _, s := range []string{subscribeCheckout("chk_aaaaaaaaaaaaaaaaaaaaaaaa"), subscribeCheckout("chk_bbbbbbbbbbbbbbbbbbbbbbbb"),
		`{"action":"subscribe","wallet_id":"wal_x"}`, `{"action":"subscribe_checkout","token":null}`, `[]`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fx := newCheckoutFixture(t)
		fx.connect(t, "c1", map[string]string{"checkout": fx.tokA})
		req := Request{Body: body}
		req.RequestContext.ConnectionID = "c1"
		if _, err := fx.s.Subscribe(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{fx.wallet, fx.invB} {
			if subs, _ := fx.st.Subscribers(context.Background(), "acme", key); len(subs) != 0 {
				t.Fatalf("%s: subscribed to %s", body, key)
			}
		}
	})
}

func newVerifier(t *testing.T) *jwt.Verifier {
	return &jwt.Verifier{Issuer: newTestIssuer(t).url, Audience: "api"}
}

// The table's stream pushes each change of an invoice (or of one of its
// payments) to that checkout's subscribers, as CheckoutChange renders it;
// transfers still reach wallets; a failed rendering fails the record, so
// the stream delivers it again.
func TestNotifyPushesCheckoutChangesFromTheStream(t *testing.T) {
	f := newCheckoutFixture(t)
	ctx := context.Background()
	f.connect(t, "a1", map[string]string{"checkout": f.tokA})
	if status, m := f.send(t, "a1", subscribeCheckout(f.tokA)); status != 200 {
		t.Fatalf("subscribe: %d %v", status, m)
	}
	f.s.Decode = func(img map[string]types.AttributeValue) (sg.Transfer, bool) { return sg.Transfer{}, false }
	f.s.CheckoutChange = func(_ context.Context, img map[string]types.AttributeValue) (string, string, any, bool, error) {
		sk, _ := img["SK"].(*types.AttributeValueMemberS)
		switch {
		case sk == nil:
			return "", "", nil, false, nil
		case sk.Value == "boom":
			return "", "", nil, false, errors.New("invoice store down")
		case strings.HasPrefix(sk.Value, "INV#"):
			inv := strings.TrimPrefix(sk.Value, "INV#")
			st, _ := img["status"].(*types.AttributeValueMemberS)
			return "acme", inv, map[string]string{"invoice": inv, "status": st.Value}, true, nil
		}
		return "", "", nil, false, nil
	}
	rec := func(name, seq, sk, status string) events.DynamoDBEventRecord {
		var r events.DynamoDBEventRecord
		r.EventName, r.Change.SequenceNumber = name, seq
		r.Change.NewImage = map[string]events.DynamoDBAttributeValue{"SK": events.NewStringAttribute(sk), "status": events.NewStringAttribute(status)}
		return r
	}
	resp, err := f.s.Notify(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		rec("INSERT", "1", "INV#"+f.invA, "open"),
		rec("MODIFY", "2", "INV#"+f.invB, "paid"),
		rec("REMOVE", "3", "INV#"+f.invA, "expired"),
		rec("MODIFY", "4", "WAL#x", "n/a"),
		rec("MODIFY", "5", "INV#"+f.invA, "paid"),
		rec("MODIFY", "6", "boom", ""),
		rec("MODIFY", "7", "INV#"+f.invA, "overpaid"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "6" {
		t.Fatalf("failures %+v; want record 6 only", resp.BatchItemFailures)
	}
	var got []string
	for _, m := range f.p.Got["a1"] {
		var u struct{ Checkout map[string]string }
		if err := json.Unmarshal([]byte(m), &u); err != nil {
			t.Fatal(err)
		}
		got = append(got, u.Checkout["status"])
	}
	if strings.Join(got, ",") != "open,paid" {
		t.Fatalf("a1 was pushed %v; want open then paid (its own invoice, up to the failed record)", got)
	}
}

// The refusal written out as a literal is the one reply would build.
func TestUnauthorizedIsTheJSONReply(t *testing.T) {
	if want := reply(401, map[string]string{"message": "Unauthorized"}); !reflect.DeepEqual(unauthorized, want) {
		t.Errorf("unauthorized = %+v, want %+v", unauthorized, want)
	}
}
