package api

import (
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Finding 13: a payout shows the fee it was charged once posted, the most
// it may cost (fee_held) throughout, and its statement line says the same
// as its JSON, including a network fee of zero.
func TestFinding13_FeeShowsWhatWasCharged(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	base := sg.Transfer{ID: "txn_x", Type: sg.TransferWithdrawal, FromWallet: "wal_a", Chain: sg.Tron, Asset: sg.USDT,
		Amount: 40_000_000, Fee: 1_500_000, ToAddress: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", CreatedAt: at, UpdatedAt: at}
	col := map[string]int{}
	for i, h := range statementHeader {
		col[h] = i
	}
	cases := []struct {
		name                 string
		state                sg.TransferState
		networkFee           sg.Amount
		fee, feeHeld, netFee string // netFee "" when absent
	}{
		{"before posting: the fee held", sg.StateBroadcast, 0, "1.500000", "1.500000", ""},
		{"posted on Tron: what was burnt", sg.StatePosted, 85_000, "0.085000", "1.500000", "0.085000"},
		{"posted for nothing (staked energy, or rounding on Ethereum)", sg.StatePosted, 0, "0.000000", "1.500000", "0.000000"},
		{"posted above the quote: the quote caps the charge", sg.StatePosted, 2_000_000, "1.500000", "1.500000", "2.000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := base
			tr.State, tr.NetworkFee = c.state, c.networkFee
			v := ViewTransfer(tr)
			nf := ""
			if v.NetworkFee != nil {
				nf = *v.NetworkFee
			}
			if v.Fee != c.fee || v.FeeHeld == nil || *v.FeeHeld != c.feeHeld || nf != c.netFee {
				t.Fatalf("JSON fee %s, fee_held %v, network_fee %q; want %s, %s, %q", v.Fee, v.FeeHeld, nf, c.fee, c.feeHeld, c.netFee)
			}
			row := StatementRow(tr, "wal_a")
			if row[col["fee"]] != c.fee || row[col["network_fee"]] != c.netFee {
				t.Fatalf("statement fee %q, network_fee %q; want %q, %q", row[col["fee"]], row[col["network_fee"]], c.fee, c.netFee)
			}
		})
	}
}
