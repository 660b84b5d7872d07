package tron

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
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

// A pass with nothing pending is one events read: the solid head is asked
// for only when a deposit waits for it.
func TestPassWithNothingPendingIsOneRead(t *testing.T) {
	paths := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths[r.URL.Path]++
		if strings.HasPrefix(r.URL.Path, "/v1/contracts/") {
			fmt.Fprint(w, `{"data":[],"success":true,"meta":{}}`)
			return
		}
		fmt.Fprint(w, `{"block_header":{"raw_data":{"number":100,"timestamp":1}}}`)
	}))
	defer srv.Close()
	g := &Grid{URL: srv.URL, HTTP: srv.Client()}
	w := &Watcher{Grid: g, Token: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", Watched: func(address.Account) bool { return true }}
	st := State{CursorTS: 1}
	for i := 0; i < 3; i++ {
		var err error
		if st, err = w.Poll(context.Background(), st); err != nil {
			t.Fatal(err)
		}
	}
	if g.Calls != 3 || len(paths) != 1 {
		t.Fatalf("%d requests over 3 passes (%v); want one events read a pass", g.Calls, paths)
	}
}
