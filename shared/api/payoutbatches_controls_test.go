package api

import (
	"testing"
)

// Attacks on a payout batch request (audit, session 12; the matrix is in
// shared/ledger/paths_controls_test.go): an unknown field inside a row is
// refused as at the top level, and a batch from another tenant's wallet
// creates nothing and holds nothing there, in JSON and in CSV.
func TestPayoutBatchRowsRefuseUnknownFieldsAndOtherTenantsWallets(t *testing.T) {
	e := newEnv(t)
	h := e.batches()
	w := e.wallet("acme", "payroll")
	theirs := e.wallet("globex", "theirs")
	e.fund("acme", w.ID, 50_000_000)
	e.fund("globex", theirs.ID, 50_000_000)
	row := `{"chain":"ethereum","to_address":"0x52908400098527886E0F7030069857D2E4169EE7","amount":"5"`
	e.do("payout-batches-create", h.Create, call{key: "u1", body: `{"wallet_id":"` + w.ID + `","asset":"USDT","payouts":[` + row + `,"from_wallet_id":"` + theirs.ID + `"}]}`}).
		wantError(t, 400, "unknown_field", "from_wallet_id")
	for _, c := range []call{
		{key: "o1", body: `{"wallet_id":"` + theirs.ID + `","asset":"USDT","payouts":[` + row + `}]}`},
		{key: "o2", ctype: "text/csv", body: "wallet_id,chain,to_address,amount\n" + theirs.ID + ",ethereum,0x52908400098527886E0F7030069857D2E4169EE7,5\n"},
	} {
		r := e.do("payout-batches-create", h.Create, c)
		r.wantOK(t, 201)
		var v PayoutBatchView
		r.decode(t, &v)
		if len(v.Payouts) != 1 || v.Payouts[0].Error == nil || v.Payouts[0].Error.Code != "wallet_not_found" || v.Payouts[0].TransferID != "" {
			t.Fatalf("%s: a batch from another tenant's wallet answered %+v; want its row refused wallet_not_found", c.key, v)
		}
	}
	if b := e.balance("globex", theirs.ID); b.Held != "0.000000" || b.Available != "50.000000" {
		t.Fatalf("the other tenant's wallet: %+v; want untouched", b)
	}
	if b := e.balance("acme", w.ID); b.Held != "0.000000" {
		t.Fatalf("held %s after refused requests; want nothing", b.Held)
	}
}
