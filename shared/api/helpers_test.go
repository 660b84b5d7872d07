package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// The handlers' package tests run over the in-memory twin
// (shared/memstore), which shared/storetest holds to the DynamoDB adapter:
// each route is called as its function calls it (through httpapi.Wrap),
// with the claims and scopes the JWT authorizer passes.

var bg = context.Background()

// testClock moves only when told.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// ethDeriver gives wallet index i the Ethereum address 0x…(i+1) and a
// distinct stand-in on other chains.
type ethDeriver struct{}

func (ethDeriver) DepositAddress(c sg.Chain, index uint32) (sg.DepositAddress, error) {
	addr := fmt.Sprintf("0x%040x", index+1)
	if c != sg.Ethereum {
		addr = fmt.Sprintf("%s-%d", c, index+1)
	}
	return sg.DepositAddress{Chain: c, Asset: sg.USDT, Address: addr, Scheme: sg.SchemeBIP32, Path: fmt.Sprintf("m/44'/60'/0'/0/%d", index)}, nil
}

// prefixSealer "seals" by prefixing.
type prefixSealer struct{}

func (prefixSealer) Seal(_ context.Context, _ sg.SealContext, p []byte) ([]byte, error) {
	return append([]byte("sealed:"), p...), nil
}

func (prefixSealer) Open(_ context.Context, _ sg.SealContext, b []byte) ([]byte, error) {
	return b[len("sealed:"):], nil
}

// fixedQuoter quotes a flat fee.
type fixedQuoter sg.Amount

func (q fixedQuoter) Quote(context.Context, string, sg.Amount) (sg.Amount, map[string]string, error) {
	return sg.Amount(q), map[string]string{"gas": "65000"}, nil
}

// withdrawalFee is the flat fee every payout holds in these tests.
const withdrawalFee = sg.Amount(2_000_000)

// env holds the services over one twin and the routes over them.
type env struct {
	t     *testing.T
	st    *memstore.Store
	clock *testClock
	l     *ledger.Service
	wd    *ledger.Withdrawals
	cust  *custody.Service

	wallets     Wallets
	transfers   Transfers
	withdrawals Withdrawals
	history     History
	quotes      Quotes
	custody     Custody
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := &testClock{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	st := memstore.New()
	st.Now = c.Now
	l := &ledger.Service{Store: st, Wallets: st, Now: c.Now}
	wd := &ledger.Withdrawals{Service: l, Mover: st, Queue: &memstore.Queue{}, Policy: custody.Rules{Store: st, Now: c.Now}, Freezes: st, Quotes: st,
		Destinations: st, Waits: st, Fee: func(sg.Chain) sg.Amount { return withdrawalFee }, Payouts: map[sg.Chain]ledger.Payout{}}
	cs := &custody.Service{Store: st, Wallets: st, Withdrawals: wd, Now: c.Now, PlatformUnfreezeApprovals: 2, Sealer: prefixSealer{}, Rotations: st}
	ws := &wallet.Service{Store: st, Idem: st, Balances: st, Deriver: ethDeriver{}, Freezes: st, Now: c.Now}
	return &env{t: t, st: st, clock: c, l: l, wd: wd, cust: cs,
		wallets: Wallets{Svc: ws}, transfers: Transfers{Ledger: l, Idem: st}, withdrawals: Withdrawals{W: wd},
		history: History{Store: st, Wallets: st},
		quotes:  Quotes{Q: &ledger.Quotes{Store: st, Quoters: map[sg.Chain]sg.FeeQuoter{sg.Ethereum: fixedQuoter(1_250_000)}, Now: c.Now}},
		custody: Custody{Svc: cs}}
}

// call is one request to a route.
type call struct {
	tenant  string // "acme" when empty
	scopes  []string
	key     string // the Idempotency-Key; none when empty
	ctype   string // application/json when empty
	path    map[string]string
	query   map[string]string
	body    string
	noClaim bool            // a request that did not come through the authorizer
	sub     string          // the token's subject; "alice" when empty
	ctx     context.Context // the request's context; bg when nil
}

// reply is a route's answer.
type reply struct {
	status  int
	headers map[string]string
	body    string
}

// errorBody is the Error schema.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Param   string `json:"param"`
	} `json:"error"`
}

func (e *env) do(name string, h httpapi.Handler, c call) reply {
	e.t.Helper()
	tenant := c.tenant
	if tenant == "" {
		tenant = "acme"
	}
	sub := c.sub
	if sub == "" {
		sub = "alice"
	}
	ct := c.ctype
	if ct == "" {
		ct = "application/json"
	}
	req := httpapi.Request{
		Headers:               map[string]string{"content-type": ct},
		Body:                  c.body,
		PathParameters:        c.path,
		QueryStringParameters: c.query,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1",
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: tenant, "sub": sub}, Scopes: c.scopes}},
		},
	}
	if c.noClaim {
		req.RequestContext.Authorizer = nil
	}
	if c.key != "" {
		req.Headers["idempotency-key"] = c.key
	}
	ctx := c.ctx
	if ctx == nil {
		ctx = bg
	}
	resp, err := httpapi.Wrap(name, h)(ctx, req)
	if err != nil {
		e.t.Fatalf("%s: Wrap returned an error: %v", name, err)
	}
	return reply{status: resp.StatusCode, headers: resp.Headers, body: resp.Body}
}

// decode reads the reply's JSON body into v.
func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

// wantOK fails unless the reply has the status.
func (r reply) wantOK(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, body %s; want %d", r.status, r.body, status)
	}
}

// wantError fails unless the reply is the error (status, code, param).
func (r reply) wantError(t *testing.T, status int, code, param string) {
	t.Helper()
	var e errorBody
	r.decode(t, &e)
	if r.status != status || e.Error.Code != code || e.Error.Param != param {
		t.Fatalf("got %d %s (param %q); want %d %s (param %q); body %s", r.status, e.Error.Code, e.Error.Param, status, code, param, r.body)
	}
	if e.Error.Message == "" {
		t.Fatalf("error %s has no message", code)
	}
}

// wallet creates a wallet of tenant through the API and returns it.
func (e *env) wallet(tenant, ref string) WalletView {
	e.t.Helper()
	r := e.do("wallets-create", e.wallets.Create, call{tenant: tenant, key: "w-" + ref, body: `{"customer_ref":"` + ref + `"}`})
	r.wantOK(e.t, 201)
	var w WalletView
	r.decode(e.t, &w)
	return w
}

// fund credits the wallet's available Ethereum USDT balance.
func (e *env) fund(tenant, walletID string, amount sg.Amount) {
	e.t.Helper()
	if _, err := e.l.CreditWallet(bg, tenant, ledger.Credit{Wallet: walletID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount,
		Ref: "fund-" + walletID + "-" + amount.String()}); err != nil {
		e.t.Fatal(err)
	}
}

// balance reads the wallet's Ethereum USDT balance through the API.
func (e *env) balance(tenant, walletID string) BalanceView {
	e.t.Helper()
	r := e.do("wallets-balances", e.wallets.Balances, call{tenant: tenant, path: map[string]string{"wallet_id": walletID}})
	r.wantOK(e.t, 200)
	var b WalletBalances
	r.decode(e.t, &b)
	for _, v := range b.Balances {
		if v.Chain == sg.Ethereum && v.Asset == sg.USDT {
			return v
		}
	}
	return BalanceView{Chain: sg.Ethereum, Asset: sg.USDT, Available: "0.000000", Pending: "0.000000", Held: "0.000000"}
}

// jsonOf renders v as a JSON body.
func jsonOf(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// lines splits a CSV body into its lines.
func lines(body string) []string {
	return strings.Split(strings.TrimRight(body, "\n"), "\n")
}
