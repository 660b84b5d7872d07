package tests

import (
	"context"
	"math/big"
	"net/url"
	"strconv"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type quoteJSON struct {
	ID, Chain, Asset, Fee, Amount string
	ToAddress                     string            `json:"to_address"`
	ExpiresAt                     string            `json:"expires_at"`
	Network                       map[string]string `json:"network"`
}

func (e *env) quote(t *testing.T, tok, chain, to, amount string) (reply, quoteJSON) {
	t.Helper()
	q := url.Values{"chain": {chain}, "to_address": {to}, "amount": {amount}}
	r := e.do(t, "GET", "/v1/fee-quotes?"+q.Encode(), tok, nil, nil)
	var fq quoteJSON
	if r.status == 200 {
		r.json(t, &fq)
	}
	return r, fq
}

func bigOf(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("%q is not an integer", s)
	}
	return v
}

// ceilDiv is a*b/c rounded up.
func ceilDiv(a, b, c *big.Int) *big.Int {
	n := new(big.Int).Mul(a, b)
	n.Add(n, new(big.Int).Sub(c, big.NewInt(1)))
	return n.Div(n, c)
}

// Quotes on both chains price the payout from the chain's own figures
// (gas and fee per gas on the local Ethereum node; energy and bandwidth on
// the Tron stand-in, more energy for a new holder) at the deployment's
// prices, and a withdrawal naming a quote holds exactly its fee.
func TestFeeQuotesPriceThePayoutAndAreHonoured(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	r, eq := e.quote(t, tok, "ethereum", ethDest, "10")
	if r.status != 200 || eq.Network["unit"] != "wei" || eq.Chain != "ethereum" || eq.Amount != "10.000000" {
		t.Fatalf("ethereum quote: %d %s", r.status, r.body)
	}
	wei := new(big.Int).Mul(bigOf(t, eq.Network["gas_limit"]), bigOf(t, eq.Network["max_fee_per_gas"]))
	if wei.Cmp(bigOf(t, eq.Network["native_fee"])) != 0 {
		t.Fatalf("native fee %s is not gas x max fee %s", eq.Network["native_fee"], wei)
	}
	// 3,000 USDT per ETH (the template's default EthPriceUsdt), rounded up to a base unit.
	want := ceilDiv(wei, big.NewInt(3_000_000_000), new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))
	if fee, _ := sg.ParseAmount(eq.Fee, 6); int64(fee) != want.Int64() || fee <= 0 {
		t.Fatalf("fee %s; want %s base units", eq.Fee, want)
	}
	if exp, err := time.Parse(time.RFC3339Nano, eq.ExpiresAt); err != nil || time.Until(exp) > time.Minute || time.Until(exp) < 50*time.Second {
		t.Fatalf("expires_at %s: want about 60 s from now", eq.ExpiresAt)
	}

	fresh := tronPayee()
	r, tq := e.quote(t, tok, "tron", fresh, "25")
	if r.status != 200 || tq.Network["unit"] != "sun" || tq.Network["energy"] != "29650" {
		t.Fatalf("tron quote to a new holder: %d %s", r.status, r.body)
	}
	// The hot account's staked energy and free bandwidth cover what they
	// can; the rest is burnt at the chain's prices.
	covered, bwCovered := bigOf(t, tq.Network["energy_covered"]).Int64(), bigOf(t, tq.Network["bandwidth_covered"]).Int64()
	bandwidth := bigOf(t, tq.Network["bandwidth"]).Int64()
	if covered < 0 || covered > 29650 || (bwCovered != 0 && bwCovered != bandwidth) {
		t.Fatalf("tron quote covers %d energy and %d bytes: %s", covered, bwCovered, r.body)
	}
	sun := (29650-covered)*bigOf(t, tq.Network["energy_price"]).Int64() + (bandwidth-bwCovered)*bigOf(t, tq.Network["bandwidth_price"]).Int64()
	if strconv.FormatInt(sun, 10) != tq.Network["native_fee"] {
		t.Fatalf("native fee %s; energy and bandwidth at their prices make %d", tq.Network["native_fee"], sun)
	}
	// 0.25 USDT per TRX (TrxPriceUsdt).
	if fee, _ := sg.ParseAmount(tq.Fee, 6); int64(fee) != (sun*250_000+999_999)/1_000_000 {
		t.Fatalf("tron fee %s for %d sun", tq.Fee, sun)
	}
	l, st := ledgerOn(t, rawDB(t))
	w := e.newWallet(t, tok, false)
	fund(t, l, ten, w.ID, sg.Tron, "100")
	body := func(to, amount, quoteID string) []byte {
		return []byte(`{"wallet_id":"` + w.ID + `","chain":"tron","asset":"USDT","to_address":"` + to + `","amount":"` + amount + `","quote_id":"` + quoteID + `"}`)
	}
	// Another payout than the quote's, another tenant's quote, an expired one.
	if r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), body(fresh, "26", tq.ID)); r.status != 400 || r.errCode() != "fee_quote_mismatch" || r.errParam() != "quote_id" {
		t.Fatalf("another amount: %d %s", r.status, r.body)
	}
	otherTok := e.token(t, tenant())
	_, foreign := e.quote(t, otherTok, "tron", fresh, "25")
	if r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), body(fresh, "25", foreign.ID)); r.status != 404 || r.errCode() != "fee_quote_not_found" {
		t.Fatalf("another tenant's quote: %d %s", r.status, r.body)
	}
	old := sg.FeeQuote{ID: sg.NewID("fq", time.Now().Add(-2*time.Minute)), TenantID: ten, Chain: sg.Tron, Asset: sg.USDT, ToAddress: fresh,
		Amount: 25_000_000, Fee: 1, CreatedAt: time.Now().Add(-2 * time.Minute), ExpiresAt: time.Now().Add(-time.Minute)}
	if err := st.Withdrawals.PutQuote(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), body(fresh, "25", old.ID)); r.status != 422 || r.errCode() != "fee_quote_expired" {
		t.Fatalf("an expired quote: %d %s", r.status, r.body)
	}
	if b := e.balances(t, tok, w.ID)["tron"]; b.Available != "100.000000" {
		t.Fatalf("a refused withdrawal changed the balance: %+v", b)
	}
	r = e.do(t, "POST", "/v1/withdrawals", tok, idem(), body(fresh, "25", tq.ID))
	var wd withdrawalJSON
	r.json(t, &wd)
	if r.status != 201 || wd.Fee != tq.Fee {
		t.Fatalf("quoted withdrawal: %d %s; want the quote's fee %s held", r.status, r.body, tq.Fee)
	}
	done := e.waitState(t, tok, wd.ID, "posted")
	if nf, _ := sg.ParseAmount(*done.NetworkFee, 6); nf.String() != tq.Fee {
		t.Fatalf("network fee %s; the quote said %s for exactly this transfer", nf, tq.Fee)
	}
}

// Bad quote requests are refused with the field named.
func TestFeeQuoteRefusals(t *testing.T) {
	e := stack(t)
	tok := e.token(t, tenant())
	for _, c := range []struct{ chain, to, amount, code, param string }{
		{"bitcoin", ethDest, "1", "validation_failed", "chain"},
		{"ethereum", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "1", "invalid_address", "to_address"},
		{"tron", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "1", "invalid_address", "to_address"},
		{"ethereum", ethDest, "1.0000001", "amount_too_precise", "amount"},
		{"ethereum", ethDest, "0", "amount_not_positive", "amount"},
		{"tron", "", "1", "validation_failed", "to_address"},
	} {
		r, _ := e.quote(t, tok, c.chain, c.to, c.amount)
		if r.status != 400 || r.errCode() != c.code || r.errParam() != c.param {
			t.Errorf("%s %q %s: %d %s; want 400 %s (%s)", c.chain, c.to, c.amount, r.status, r.body, c.code, c.param)
		}
	}
	if r := e.do(t, "GET", "/v1/fee-quotes?chain=tron&to_address=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=1", e.token(t, tenant(), "wallets:read"), nil, nil); r.status != 403 {
		t.Fatalf("without withdrawals:write: %d", r.status)
	}
}
