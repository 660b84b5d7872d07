package tron

import (
	"encoding/hex"
	"testing"

	"github.com/stablegate/stablegate/shared/address"
)

func transferEvent(from, to string) TransferEvent {
	e := TransferEvent{TxID: "ab", Block: 7, Name: "Transfer"}
	e.Result.From, e.Result.To, e.Result.Value = from, to, "5000000"
	return e
}

// A Transfer event's sender is read in both forms the events API uses
// (0x41-prefixed hex and base58); one it cannot read is left zero, so the
// deposit is screened as from an unknown sender.
func TestDepositReadsTheSender(t *testing.T) {
	const to, from = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"
	a, err := address.Parse("tron", from)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, want string }{
		{"base58", from, from},
		{"hex with the 41 prefix", "0x41" + hex.EncodeToString(a[:]), from},
		{"unreadable", "nonsense", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, ok := deposit(transferEvent(c.from, to))
			if !ok {
				t.Fatal("event not read")
			}
			got := ""
			if d.From != (address.Account{}) {
				got = d.From.Tron()
			}
			if got != c.want || d.To.Tron() != to {
				t.Fatalf("from %q to %q; want from %q to %q", got, d.To.Tron(), c.want, to)
			}
		})
	}
}
