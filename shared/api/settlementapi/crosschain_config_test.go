package settlementapi_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settle: cross-chain configs ----

// A config paid out on another chain than its payments needs cross_chain
// of the customer's tier: a customer without it (not verified, or no
// customer: the default tier) is refused when the config is put, by name,
// and nothing is written (no config, the wallet's customer unchanged);
// the same chain needs nothing, and a customer verified into a tier with
// cross_chain is accepted.
func TestCrossChainConfigNeedsTheCapability(t *testing.T) {
	st, cust, stls := memstore.New(), memstore.NewCustomers(), memstore.NewSettlements()
	now := time.Now().UTC()
	plain, standard := sg.NewID(sg.CustomerIDPrefix, now), sg.NewID(sg.CustomerIDPrefix, now.Add(time.Millisecond))
	for id, kyc := range map[string]sg.KYC{plain: {Status: sg.KYCNone},
		standard: {Status: sg.KYCVerified, Tier: sg.TierStandard, VerifiedAt: now}} {
		if err := cust.CreateCustomer(bg, sg.Customer{ID: id, TenantID: "acme", CreatedAt: now, UpdatedAt: now, KYC: kyc}); err != nil {
			t.Fatal(err)
		}
	}
	h := settlementapi.Handlers{Svc: &settlement.Service{Fees: &settlement.Fees{Schedules: stls}, Configs: stls, Store: stls},
		Wallets: oneWallet{st}, Customers: cust, Owners: st, WalletReader: st, Tiers: &compliance.Limits{Store: cust, Counters: cust}}
	routes := settlementapi.Routes(map[string]httpapi.Handler{"PUT /v1/settlement-config": h.PutConfig})
	put := func(customer, dest string, version int) (int, map[string]any) {
		c := ""
		if customer != "" {
			c = `"customer_id":"` + customer + `",`
		}
		addr := map[string]string{"tron": "TQrY8tryqsYVCYS3MFbtffiPp2ccyn4STm", "ethereum": "0x52908400098527886E0F7030069857D2E4169EE7"}[dest]
		return configCall(t, routes, "acme", "PUT", `{"chain":"tron","mode":"instant",`+c+
			`"destination":{"chain":"`+dest+`","address":"`+addr+`"},"version":`+strconv.Itoa(version)+`}`)
	}
	for name, customer := range map[string]string{"an unverified customer": plain, "no customer (the default tier)": ""} {
		status, out := put(customer, "ethereum", 0)
		if status != 422 || errCode(out) != sg.ErrSettlementCrossChainNotAllowed.Code {
			t.Fatalf("%s, paid out on ethereum: %d %v", name, status, out)
		}
	}
	if _, err := stls.SettlementConfig(bg, "acme", sg.Tron); err == nil {
		t.Fatal("a refused put wrote a config")
	}
	ws, _, _ := st.Wallets(bg, "acme", sg.Page{})
	if len(ws) != 1 || sg.LimitSubject(ws[0]) != ws[0].ID {
		t.Fatalf("a refused put gave the settlement wallet a customer: %+v", ws)
	}
	if status, out := put(plain, "tron", 0); status != 200 {
		t.Fatalf("the same chain, unverified: %d %v", status, out)
	}
	if status, out := put(standard, "ethereum", 1); status != 200 || out["customer_id"] != standard {
		t.Fatalf("cross-chain, verified standard: %d %v", status, out)
	}
}
