package ledger

import (
	"errors"
	"math/big"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The one deposit sink reads both chains alike: the owner by the address
// in lower case (a Tron base58 address as issued, an Ethereum hex one), and
// an amount no Amount can hold is refused, never wrapped into a negative
// credit.
func TestDepositSinkCredits(t *testing.T) {
	s := DepositSink{Owners: OwnerMap{
		"0x52908400098527886e0f7030069857d2e4169ee7": {Tenant: "acme", Wallet: "wal_e"},
		"tjrabprwbzy45sbavfcjinpjc18kjprtv8":         {Tenant: "acme", Wallet: "wal_t"},
	}}
	huge := new(big.Int).Lsh(big.NewInt(1), 63)
	cases := []struct {
		name   string
		d      SeenDeposit
		wallet string
		err    error
	}{
		{"ethereum", SeenDeposit{Chain: sg.Ethereum, To: "0x52908400098527886e0f7030069857d2e4169ee7", Amount: big.NewInt(5_000_000), Ref: "r1"}, "wal_e", nil},
		{"tron, base58 as issued", SeenDeposit{Chain: sg.Tron, To: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", Amount: big.NewInt(7), Ref: "r2"}, "wal_t", nil},
		{"2^63 base units", SeenDeposit{Chain: sg.Ethereum, To: "0x52908400098527886e0f7030069857d2e4169ee7", Amount: huge, Ref: "r3"}, "", sg.ErrInternal},
		{"negative", SeenDeposit{Chain: sg.Tron, To: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", Amount: big.NewInt(-1), Ref: "r4"}, "", sg.ErrInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := s.credit(c.d)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("credit: %v, want %v", err, c.err)
				}
				return
			}
			if err != nil || got.Wallet != c.wallet || got.Chain != c.d.Chain || int64(got.Amount) != c.d.Amount.Int64() || got.Ref != c.d.Ref {
				t.Fatalf("credit: %+v %v", got, err)
			}
		})
	}
}
