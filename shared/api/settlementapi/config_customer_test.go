package settlementapi_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// oneWallet is each tenant's settlement wallet, made on first use.
type oneWallet struct{ st *memstore.Store }

func (o oneWallet) SettlementWallet(ctx context.Context, tenant string) (sg.Wallet, error) {
	ws, _, err := o.st.Wallets(ctx, tenant, sg.Page{})
	if err != nil || len(ws) > 0 {
		return ws[0], err
	}
	idx, _ := o.st.NextIndex(ctx)
	w := sg.Wallet{ID: sg.NewID("wal", time.Now()), TenantID: tenant, CustomerRef: "settlement", Index: idx, CreatedAt: time.Now()}
	return w, o.st.CreateWallet(ctx, w, sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: "settlement wallet"})
}

func configCall(t *testing.T, h httpapi.Handler, tenant, method, body string) (int, map[string]any) {
	t.Helper()
	req := httpapi.Request{Headers: map[string]string{"content-type": "application/json"}, Body: body,
		QueryStringParameters: map[string]string{"chain": "tron"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1", RouteKey: method + " /v1/settlement-config",
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: tenant, "sub": "merchant-admin"}, Scopes: []string{"policies:write", "invoices:read"}}}}}
	req.RouteKey = method + " /v1/settlement-config"
	resp, err := httpapi.Wrap("settlement-settings-test", h)(bg, req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.Unmarshal([]byte(resp.Body), &out)
	return resp.StatusCode, out
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// The config names the merchant as one of the tenant's customers: the
// settlement wallet becomes that customer's (so its payouts meet that
// customer's tier); a customer that is not the tenant's is a named
// refusal that changes nothing.
func TestSettlementConfigNamesTheMerchantsCustomer(t *testing.T) {
	st, cust, stls := memstore.New(), memstore.NewCustomers(), memstore.NewSettlements()
	now := time.Now().UTC()
	mine, theirs := sg.NewID(sg.CustomerIDPrefix, now), sg.NewID(sg.CustomerIDPrefix, now.Add(time.Millisecond))
	for ten, id := range map[string]string{"acme": mine, "globex": theirs} {
		if err := cust.CreateCustomer(bg, sg.Customer{ID: id, TenantID: ten, CreatedAt: now, UpdatedAt: now, KYC: sg.KYC{Status: sg.KYCNone}}); err != nil {
			t.Fatal(err)
		}
	}
	h := settlementapi.Handlers{Svc: &settlement.Service{Fees: &settlement.Fees{Schedules: stls}, Configs: stls, Store: stls},
		Wallets: oneWallet{st}, Customers: cust, Owners: st, WalletReader: st}
	routes := settlementapi.Routes(map[string]httpapi.Handler{"GET /v1/settlement-config": h.GetConfig, "PUT /v1/settlement-config": h.PutConfig})
	put := func(customer string, version int) (int, map[string]any) {
		c := ""
		if customer != "" {
			c = `"customer_id":"` + customer + `",`
		}
		return configCall(t, routes, "acme", "PUT", `{"chain":"tron","mode":"instant",`+c+
			`"destination":{"chain":"tron","address":"TQrY8tryqsYVCYS3MFbtffiPp2ccyn4STm"},"version":`+strconv.Itoa(version)+`}`)
	}
	for name, id := range map[string]string{"another tenant's customer": theirs, "no customer id": "merchant-1", "an unknown customer": sg.NewID(sg.CustomerIDPrefix, now.Add(time.Second))} {
		if status, out := put(id, 0); status != 404 || errCode(out) != sg.ErrSettlementCustomerNotFound.Code {
			t.Fatalf("%s: %d %v", name, status, out)
		}
	}
	if _, err := stls.SettlementConfig(bg, "acme", sg.Tron); err == nil {
		t.Fatal("a refused put wrote a config")
	}
	status, out := put(mine, 0)
	if status != 200 || out["customer_id"] != mine || out["wallet_id"] == "" {
		t.Fatalf("put: %d %v", status, out)
	}
	w, err := st.Wallet(bg, "acme", out["wallet_id"].(string))
	if err != nil || sg.LimitSubject(w) != mine {
		t.Fatalf("the settlement wallet %+v (%v): want it the customer's %s", w, err, mine)
	}
	// A put that names none keeps the customer; a read shows it.
	if status, out = put("", 1); status != 200 || out["customer_id"] != mine {
		t.Fatalf("put without customer_id: %d %v", status, out)
	}
	if status, out = configCall(t, routes, "acme", "GET", ""); status != 200 || out["customer_id"] != mine {
		t.Fatalf("get: %d %v", status, out)
	}
}
