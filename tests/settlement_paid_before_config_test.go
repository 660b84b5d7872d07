package tests

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// ---- settlefix: a refund of an invoice paid before its chain was settled ----

// An invoice paid on Ethereum before the merchant had a settlement config
// for Ethereum kept its money in the invoice's wallet (no settlement counted
// it). After the config is put, a partial refund and a chargeback of it are
// taken from that wallet (not from the new, empty settlement wallet: before
// the fix both answered insufficient_funds), share the invoice's cap, and no
// settlement nets them.
func TestSettlementRefundPaidBeforeConfig(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten, "invoices:read", "invoices:write", "wallets:read", "transfers:read", "policies:write")
	skipUnlessInvoices(t, e, tok)
	if r := e.do(t, "GET", "/v1/settlements", tok, nil, nil); r.status == 404 {
		t.Skipf("GET /v1/settlements answers 404 %s: the settlement routes are not on this stack", r.errCode())
	}
	inv := e.createInvoice(t, tok, `{"amount":"10","chains":["ethereum"]}`)
	sendEthUSDT(t, inv.address(t, "ethereum"), "10")
	e.waitInvoice(t, tok, inv.ID, "paid on Ethereum", func(v invoiceJSON) bool { return v.Status == "paid" })
	// The deposit is in the invoice's wallet (the settlement hook, which ran
	// with the invoice's update, found no config and moved nothing).
	for deadline := time.Now().Add(60 * time.Second); e.balances(t, tok, inv.WalletID)["ethereum"].Available != "10.000000"; time.Sleep(300 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the invoice's wallet never held the payment: %+v", e.balances(t, tok, inv.WalletID))
		}
	}

	payee := common.BytesToAddress(crypto.Keccak256([]byte(randHex(8)))[:20]).Hex()
	var cfg struct {
		WalletID string `json:"wallet_id"`
	}
	if r := e.do(t, "PUT", "/v1/settlement-config", tok, map[string]string{"Content-Type": "application/json"},
		[]byte(`{"chain":"ethereum","mode":"scheduled","schedule":"threshold","threshold":"1000.000000","destination":{"chain":"ethereum","address":"`+payee+`"},"version":0}`)); r.status != 200 {
		t.Fatalf("ethereum config: %d %s", r.status, r.body)
	} else {
		r.json(t, &cfg)
	}
	if cfg.WalletID == "" || cfg.WalletID == inv.WalletID {
		t.Fatalf("settlement wallet %q, invoice wallet %q", cfg.WalletID, inv.WalletID)
	}

	post := func(route, token, key, body string) reply {
		return e.do(t, "POST", "/v1/invoices/"+inv.ID+"/"+route, token, map[string]string{"Idempotency-Key": key, "Content-Type": "application/json"}, []byte(body))
	}
	var rf transferJSON
	if r := post("refunds", tok, "r-"+randHex(6), `{"amount":"3.000000","reason":"one item returned"}`); r.status != 201 {
		t.Fatalf("refund of an invoice paid before the config: %d %s", r.status, r.body)
	} else {
		r.json(t, &rf)
	}
	if rf.From == nil || *rf.From != inv.WalletID {
		t.Fatalf("the refund left %v; want the invoice's wallet %s", rf.From, inv.WalletID)
	}
	ops := e.token(t, ten, "disputes:write")
	var cb struct {
		WalletID     string `json:"wallet_id"`
		SettlementID string `json:"settlement_id"`
	}
	if r := post("chargebacks", ops, "c-"+randHex(6), `{"amount":"2.000000","reason":"dispute lost"}`); r.status != 201 {
		t.Fatalf("chargeback of an invoice paid before the config: %d %s", r.status, r.body)
	} else {
		r.json(t, &cb)
	}
	if cb.WalletID != inv.WalletID || cb.SettlementID != "" {
		t.Fatalf("the chargeback left %s netted by %q; want the invoice's wallet %s, no settlement", cb.WalletID, cb.SettlementID, inv.WalletID)
	}
	// 10 paid, 3 refunded, 2 charged back: 5 left under the shared cap.
	if r := post("refunds", tok, "r-"+randHex(6), `{"amount":"5.000001"}`); r.status != 422 || r.errCode() != "refund_exceeds_paid" {
		t.Fatalf("a refund above what is left: %d %s", r.status, r.body)
	}
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	e.do(t, "GET", "/v1/settlements", tok, nil, nil).json(t, &list)
	if len(list.Data) != 0 {
		t.Fatalf("settlements %+v: none counted the invoice, none nets its reversals", list.Data)
	}
}
