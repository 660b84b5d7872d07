package ledger

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// heard is a sg.DepositListener that records what it hears and can fail.
type heard struct {
	got  []sg.WalletDeposit
	fail bool
}

func (h *heard) OnDeposit(_ context.Context, d sg.WalletDeposit) error {
	if h.fail {
		return sg.Unavailable("test.listener", errors.New("down"))
	}
	h.got = append(h.got, d)
	return nil
}

// The sink tells its listener of each deposit after the ledger recorded
// it, in the state recorded, with the wallet, the transfer and its ref; a
// listener that fails fails the call (the watcher repeats it, and the
// ledger's side is idempotent), and the ledger keeps what it recorded.
func TestDepositSinkTellsItsListener(t *testing.T) {
	f := newFixture(t)
	w := f.wallet(t)
	addr := strings.ToLower(w.Addresses[0].Address)
	h := &heard{}
	s := DepositSink{Deposits: &Deposits{Service: f.svc, Mover: f.st}, Owners: OwnerMap{addr: {Tenant: f.tenant, Wallet: w.ID}},
		Listener: h}
	d := SeenDeposit{Chain: sg.Ethereum, To: addr, Amount: big.NewInt(2_500_000), Ref: "ethereum:0xab:0:0xcd", Block: 9, TxHash: "0xab", From: "0xfeed"}
	if err := s.Seen(bg, d); err != nil {
		t.Fatal(err)
	}
	d.Confirmations = 12
	if err := s.Confirm(bg, d); err != nil {
		t.Fatal(err)
	}
	if len(h.got) != 2 {
		t.Fatalf("heard %d deposits, want 2: %+v", len(h.got), h.got)
	}
	for i, want := range []sg.DepositState{sg.DepositSeen, sg.DepositConfirmed} {
		g := h.got[i]
		if g.State != want || g.Tenant != f.tenant || g.Wallet != w.ID || g.Amount != 2_500_000 || g.Ref != d.Ref ||
			g.TxHash != "0xab" || g.From != "0xfeed" || g.Chain != sg.Ethereum || g.Block != 9 || g.Address != addr {
			t.Errorf("heard %d: %+v", i, g)
		}
	}
	if h.got[1].Confirmations != 12 {
		t.Errorf("confirmations %d", h.got[1].Confirmations)
	}

	t.Run("a failing listener fails the call; the ledger keeps its record and a repeat tells it", func(t *testing.T) {
		h.fail = true
		d2 := SeenDeposit{Chain: sg.Ethereum, To: addr, Amount: big.NewInt(1_000_000), Ref: "ethereum:0xef:0:0xcd", Block: 10, TxHash: "0xef"}
		if err := s.Seen(bg, d2); err == nil {
			t.Fatal("a failed listener went unreported")
		}
		if b := f.balance(t, w); b.Pending != 1_000_000 || b.Available != 2_500_000 {
			t.Fatalf("balance %+v", b)
		}
		h.fail = false
		if err := s.Seen(bg, d2); err != nil {
			t.Fatal(err)
		}
		if b := f.balance(t, w); b.Pending != 1_000_000 {
			t.Fatalf("a repeat credited twice: %+v", b)
		}
		if last := h.got[len(h.got)-1]; last.Ref != d2.Ref || last.State != sg.DepositSeen {
			t.Fatalf("the repeat told %+v", last)
		}
		if err := s.Reverse(bg, d2); err != nil {
			t.Fatal(err)
		}
		if last := h.got[len(h.got)-1]; last.Ref != d2.Ref || last.State != sg.DepositReversed {
			t.Fatalf("the reversal told %+v", last)
		}
	})
}
