package tests

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/fn/payoutfn"
)

// settlementHeldJSON is a settlement as the list shows it, with its hold.
type settlementHeldJSON struct {
	ID               string `json:"id"`
	Status           string `json:"status"`
	PayoutTransferID string `json:"payout_transfer_id"`
	Held             *struct {
		Code, Message, Since string
	} `json:"held"`
}

// settleLater runs the settlement job once, in this process with the
// stack's environment for it, as its run at a later time would: a held
// settlement is asked about again only after its recheck time.
func settleLater(t *testing.T, after time.Duration) {
	t.Helper()
	svc, err := payoutfn.Settlements(functionGetenv(t, "settlements-close"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CloseDue(context.Background(), time.Now().Add(after)); err != nil {
		t.Fatalf("the settlement job: %v", err)
	}
}

// A merchant's settlement under its own tier (issue 15): the config names
// the merchant as a customer of the tenant (another tenant's customer is a
// named refusal); a paid invoice's instant settlement above what the
// unverified customer's default tier allows is held, closed and named,
// not failed; once the customer is verified the job pays it.
func TestSettlement_HeldByTheMerchantsTierUntilVerified(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten, "invoices:read", "invoices:write", "wallets:read", "transfers:read", "policies:write", "compliance")
	skipUnlessInvoices(t, e, tok)
	hdr := map[string]string{"Content-Type": "application/json"}

	// The tenant's tiers: unverified, 1 USDT a payment; verified, 100.
	tiers := `{"version":0,"default":"none","verified":"basic","kyc_validity_days":90,"tiers":[` +
		`{"name":"none","total":{"single":"1","day":"1","month":"1"},"capabilities":["payouts","invoices"]},` +
		`{"name":"basic","total":{"single":"100","day":"100","month":"100"},"capabilities":["payouts","invoices"]}]}`
	if r := e.do(t, "PUT", "/v1/compliance/tiers", tok, hdr, []byte(tiers)); r.status != 200 {
		t.Fatalf("put tiers: %d %s", r.status, r.body)
	}
	merchant := custCreate(t, e, tok, `{"name":"Merchant Owner","country":"DE"}`)
	stranger := custCreate(t, e, custToken(t, e, tenant()), `{"name":"Someone Else","country":"FR"}`)

	payee := common.BytesToAddress(crypto.Keccak256([]byte(randHex(8)))[:20]).Hex()
	cfg := func(customer string) reply {
		return e.do(t, "PUT", "/v1/settlement-config", tok, hdr, []byte(`{"chain":"ethereum","mode":"instant","customer_id":"`+customer+
			`","destination":{"chain":"ethereum","address":"`+payee+`"},"version":0}`))
	}
	if r := cfg(stranger.ID); r.status != 404 || r.errCode() != "settlement_customer_not_found" {
		t.Fatalf("another tenant's customer: %d %s", r.status, r.body)
	}
	var config struct {
		CustomerID string `json:"customer_id"`
		WalletID   string `json:"wallet_id"`
	}
	if r := cfg(merchant.ID); r.status != 200 {
		t.Fatalf("config: %d %s", r.status, r.body)
	} else if r.json(t, &config); config.CustomerID != merchant.ID || config.WalletID == "" {
		t.Fatalf("config %s; want the merchant's customer", r.body)
	}

	// A 2 USDT invoice paid: its instant settlement is over the default tier.
	inv := e.createInvoice(t, tok, `{"amount":"2","chains":["ethereum"]}`)
	sendEthUSDT(t, inv.address(t, "ethereum"), "2")
	e.waitInvoice(t, tok, inv.ID, "paid", func(v invoiceJSON) bool { return v.Status == "paid" })
	wait := func(what string, ok func(settlementHeldJSON) bool) settlementHeldJSON {
		t.Helper()
		var list struct{ Data []settlementHeldJSON }
		for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(300 * time.Millisecond) {
			e.do(t, "GET", "/v1/settlements", tok, nil, nil).json(t, &list)
			if len(list.Data) == 1 && ok(list.Data[0]) {
				return list.Data[0]
			}
			if time.Now().After(deadline) {
				t.Fatalf("no settlement %s: %+v", what, list.Data)
			}
		}
	}
	held := wait("held by the tier", func(s settlementHeldJSON) bool { return s.Held != nil })
	if held.Status != "closed" || held.Held.Code != "tier_limit_single" || held.PayoutTransferID != "" {
		t.Fatalf("held settlement %+v (%+v); want closed, tier_limit_single, no payout", held, held.Held)
	}

	// The merchant is verified into basic: the job's next ask pays it.
	r := e.do(t, "POST", "/v1/customers/"+merchant.ID+"/kyc", tok, nil, []byte(`{"tier":"basic"}`))
	var start struct {
		ProviderRef string `json:"provider_ref"`
	}
	if r.json(t, &start); r.status != 200 || start.ProviderRef == "" {
		t.Fatalf("kyc start: %d %s", r.status, r.body)
	}
	custKycdev(t, start.ProviderRef, "verify")
	settleLater(t, 2*time.Minute)
	paid := wait("paying once verified", func(s settlementHeldJSON) bool { return s.Status == "paying" || s.Status == "paid" })
	if paid.ID != held.ID || paid.Held != nil || paid.PayoutTransferID == "" {
		t.Fatalf("after verification: %+v", paid)
	}
}
