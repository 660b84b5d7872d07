package ledger

import (
	"errors"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Attacks on the controls of payout batches (audit, session 12): a freeze
// over the source wallet, another tenant's wallet, a cancelled or failed
// row, a redelivered batch message. The matrix of controls by money path
// is in paths_controls_test.go.

// A freeze over the batch's wallet holds on every row: frozen before the
// request, every row is refused by name and nothing is held or paid;
// frozen after the request but before the build, no row is claimed for
// the batch transaction (each waits, parked) and none is paid until the
// freeze is lifted, when each goes on as a single payout.
func TestBatchRowsHeldByAFreezeOverTheirWallet(t *testing.T) {
	t.Run("frozen before the request", func(t *testing.T) {
		bf := newBatchFixture(t)
		w := bf.wallet(t)
		bf.fund(t, w, 1000)
		bf.freeze(t, sg.FreezeWallet, w.ID)
		b, _, err := bf.bs.Create(bg, bf.tenant, "k", "h", bf.request(w, 10, 20))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range b.Rows {
			if r.TransferID != "" || r.Code != sg.ErrFrozen.Code {
				t.Fatalf("row %d: transfer %q, code %q; want refused %s", r.Index, r.TransferID, r.Code, sg.ErrFrozen.Code)
			}
		}
		b = bf.settle(t, b.ID)
		if len(members(b)) != 0 || bf.chain.signs != 0 {
			t.Fatalf("members %v, batch signatures %d; want none", members(b), bf.chain.signs)
		}
		bf.wantBalance(t, w, 1000, 0)
	})
	t.Run("frozen before the build", func(t *testing.T) {
		bf := newBatchFixture(t)
		w := bf.wallet(t)
		bf.fund(t, w, 1000)
		b, _, err := bf.bs.Create(bg, bf.tenant, "k", "h", bf.request(w, 10, 20))
		if err != nil {
			t.Fatal(err)
		}
		fr := bf.freeze(t, sg.FreezeWallet, w.ID)
		b = bf.settle(t, b.ID)
		if len(members(b)) != 0 || bf.chain.signs != 0 {
			t.Fatalf("members %v, batch signatures %d; want no row claimed under the freeze", members(b), bf.chain.signs)
		}
		for _, r := range b.Rows {
			tr := bf.state(t, r.TransferID)
			if tr.State != sg.StatePending || tr.NonceHeld || tr.TxHash != "" {
				t.Fatalf("row %d under the freeze: %s, nonce %v, tx %q; want pending, unsigned", r.Index, tr.State, tr.NonceHeld, tr.TxHash)
			}
		}
		parked, err := bf.st.Parked(bg, fr)
		if err != nil || len(parked) != 2 {
			t.Fatalf("parked %v, %v; want both rows", parked, err)
		}
		bf.wantBalance(t, w, 1000-10-20-2*2, 10+20+2*2)
		bf.lift(t, fr)
		for _, r := range b.Rows {
			got, _, err := bf.wd.Advance(bg, bf.tenant, r.TransferID)
			if err != nil {
				t.Fatal(err)
			}
			wantState(t, got, sg.StatePosted)
			if got.TxHash != "0xsigned-"+got.ID {
				t.Fatalf("row %d paid by %q; want its own transaction after the lift", r.Index, got.TxHash)
			}
		}
	})
}

// A batch naming another tenant's wallet finds no wallet: every row is
// refused wallet_not_found, and the other tenant's balance is untouched.
func TestBatchFromAnotherTenantsWalletIsNotFound(t *testing.T) {
	bf := newBatchFixture(t)
	bf.tenant = "globex"
	theirs := bf.wallet(t)
	bf.fund(t, theirs, 1000)
	bf.tenant = "acme"
	b, _, err := bf.bs.Create(bg, "acme", "k", "h", bf.request(theirs, 10, 20))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Rows {
		if r.TransferID != "" || r.Code != sg.ErrWalletNotFound.Code {
			t.Fatalf("row %d: transfer %q, code %q; want refused %s", r.Index, r.TransferID, r.Code, sg.ErrWalletNotFound.Code)
		}
	}
	bf.settle(t, b.ID)
	bf.tenant = "globex"
	bf.wantBalance(t, theirs, 1000, 0)
	if _, err := bf.bs.Store.PayoutBatch(bg, "globex", b.ID); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("the batch read as the other tenant: %v; want not found", err)
	}
}

// A row cancelled before its batch is built, and a row whose recipient the
// token refuses, stall nothing: the batch pays its other rows, and the
// wallet's next batch is built, signed and paid as usual. Every hold ends
// (voided or posted), and a redelivered message of a finished batch pays
// nothing twice.
func TestCancelledOrFailedRowsStallNoLaterBatch(t *testing.T) {
	bf := newBatchFixture(t)
	w := bf.wallet(t)
	bf.fund(t, w, 1000)
	in := bf.request(w, 10, 20, 30)
	bf.chain.refused[in.Payouts[2].ToAddress] = true
	b, _, err := bf.bs.Create(bg, bf.tenant, "first", "h1", in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bf.wd.Cancel(bg, bf.tenant, b.Rows[1].TransferID); err != nil {
		t.Fatal(err)
	}
	b = bf.settle(t, b.ID)
	if len(members(b)) != 2 || members(b)[0] != b.Rows[0].TransferID || members(b)[1] != b.Rows[2].TransferID {
		t.Fatalf("members %v; want rows 0 and 2", members(b))
	}
	wantState(t, bf.state(t, b.Rows[0].TransferID), sg.StatePosted)
	wantState(t, bf.state(t, b.Rows[1].TransferID), sg.StateCancelled)
	wantState(t, bf.state(t, b.Rows[2].TransferID), sg.StateFailed)
	// Row 0 posted with a fee of 1 of the 2 held; the others voided.
	bf.wantBalance(t, w, 1000-10-1, 0)

	next, _, err := bf.bs.Create(bg, bf.tenant, "second", "h2", bf.request(w, 40, 50))
	if err != nil {
		t.Fatal(err)
	}
	next = bf.settle(t, next.ID)
	if len(members(next)) != 2 || bf.chain.signs != 2 {
		t.Fatalf("the next batch: members %v, batch signatures %d; want 2 members, 2 batches signed", members(next), bf.chain.signs)
	}
	for _, r := range next.Rows {
		wantState(t, bf.state(t, r.TransferID), sg.StatePosted)
	}
	bf.wantBalance(t, w, 1000-10-1-40-1-50-1, 0)

	// The queue redelivers the first batch's message: nothing moves.
	for i := 0; i < 2; i++ {
		if _, err := bf.bs.Run(bg, bf.tenant, b.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range members(b) {
			if _, _, err := bf.wd.Advance(bg, bf.tenant, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	if bf.chain.signs != 2 || bf.chain.paid[in.Payouts[0].ToAddress] != 1 || bf.chain.paid[in.Payouts[2].ToAddress] != 0 {
		t.Fatalf("after redelivery: %d batch signatures, paid %v; want each recipient paid at most once", bf.chain.signs, bf.chain.paid)
	}
	bf.wantBalance(t, w, 1000-10-1-40-1-50-1, 0)
}

// members are the transfers a batch's transactions pay, every chain's leg
// in order.
func members(b sg.PayoutBatch) []string {
	var ids []string
	for _, l := range b.Legs {
		ids = append(ids, l.Members...)
	}
	return ids
}
