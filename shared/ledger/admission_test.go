package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// pendingAdmission is a rate-limit decision the test makes by hand:
// awaited is closed when the service first waits for it, and the service
// goes on only when the test decides.
type pendingAdmission struct {
	awaited chan struct{}
	decided chan struct{}
	err     error // set before decided is closed
	first   bool
}

func newPending() *pendingAdmission {
	return &pendingAdmission{awaited: make(chan struct{}), decided: make(chan struct{})}
}

// Await implements sg.Admission. Only the transfer's goroutine calls it.
func (p *pendingAdmission) Await(ctx context.Context) error {
	if !p.first {
		p.first = true
		close(p.awaited)
	}
	select {
	case <-p.decided:
		return p.err
	case <-ctx.Done():
		return sg.Unavailable("test", ctx.Err())
	}
}

func (p *pendingAdmission) decide(err error) {
	p.err = err
	close(p.decided)
}

// A transfer whose rate-limit decision is still being made (the edge's
// admission, carried in the context) reads, then waits for the decision
// before it writes anything: at the moment it waits, no transfer, no limit
// usage and no reservation exist and no money moved. Refused, it answers
// the refusal and still nothing is written; admitted, it posts as it
// would have. Checked on every way the limits are taken (reserved around
// the transfer, claimed in its transaction, claimed from the wallets'
// read) and without limits, for a customer's wallet and for a wallet that
// is its own limit subject.
func TestTransferWritesNothingBeforeAdmission(t *testing.T) {
	modes := func(t *testing.T, f func(t *testing.T, r *rig)) {
		bothPaths(t, f)
		t.Run("without limits", func(t *testing.T) {
			r := newRig(t)
			r.svc.Limits = nil
			f(t, r)
		})
	}
	for _, c := range []struct {
		name     string
		decision error
	}{
		{"refused", sg.ErrRateLimited},
		{"admitted after a slow decision", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			modes(t, func(t *testing.T, r *rig) {
				for _, source := range []string{"customer's wallet", "wallet of no customer"} {
					t.Run(source, func(t *testing.T) {
						customer := r.customer
						if source == "wallet of no customer" {
							customer = ""
						}
						transferUnderAdmission(t, r, customer, c.decision)
					})
				}
			})
		})
	}
}

func transferUnderAdmission(t *testing.T, r *rig, customer string, decision error) {
	from, to := r.wallet(t, customer, usdt(100)), r.wallet(t, "", 0)
	key := "k-" + from.ID
	subject := sg.LimitSubject(from)
	spent := "transfer:" + sg.KeyHash(r.tenant, ledger.OpTransfer, key)
	// written lists what the transfer has written so far.
	written := func() []string {
		t.Helper()
		ctx := context.Background()
		var out []string
		if _, err := r.st.TransferByKey(ctx, r.tenant, sg.KeyHash(r.tenant, ledger.OpTransfer, key)); !errors.Is(err, sg.ErrNotFound) {
			out = append(out, fmt.Sprintf("the transfer (%v)", err))
		}
		if a, b := r.available(t, from), r.available(t, to); a != usdt(100) || b != 0 {
			out = append(out, fmt.Sprintf("balances %d, %d", a, b))
		}
		u, err := r.cust.LimitUsage(ctx, r.tenant, subject)
		if err != nil {
			t.Fatal(err)
		}
		if used := u.Used(sg.ScopeAll, sg.WindowDay, r.st.Now()); used != 0 || u.Version != 0 {
			out = append(out, fmt.Sprintf("limit usage %d", used)) // a usage given back still moved its version
		}
		if res, err := r.cust.LimitReservation(ctx, r.tenant, subject, spent); !errors.Is(err, sg.ErrNotFound) {
			out = append(out, fmt.Sprintf("the reservation (%s, %v)", res.State, err))
		}
		return out
	}

	gate := newPending()
	ctx := sg.WithAdmission(context.Background(), gate)
	type answer struct {
		res ledger.Result
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := r.svc.Transfer(ctx, r.tenant, key, "hash", ledger.Internal{From: from.ID, To: to.ID, Chain: sg.Tron, Asset: sg.USDT, Amount: usdt(5)})
		done <- answer{res, err}
	}()
	select {
	case <-gate.awaited:
	case a := <-done:
		t.Fatalf("the transfer ended (%q, %v) without awaiting its admission", a.res.Transfer.ID, a.err)
	}
	if w := written(); len(w) > 0 {
		t.Fatalf("written before the decision: %v", w)
	}
	gate.decide(decision)
	a := <-done
	if decision != nil {
		if !errors.Is(a.err, decision) {
			t.Fatalf("refused: %+v, %v; want %v", a.res, a.err, decision)
		}
		if w := written(); len(w) > 0 {
			t.Fatalf("written by a refused request: %v", w)
		}
		return
	}
	if a.err != nil || a.res.Transfer.State != sg.StatePosted || a.res.Replayed {
		t.Fatalf("admitted: %+v, %v", a.res, a.err)
	}
	want := []string{"the transfer (<nil>)", fmt.Sprintf("balances %d, %d", usdt(95), usdt(5))}
	if r.svc.Limits != nil {
		want = append(want, fmt.Sprintf("limit usage %d", usdt(5)), "the reservation (committed, <nil>)")
	}
	if w := written(); !slices.Equal(w, want) {
		t.Fatalf("an admitted transfer wrote %q; want %q", w, want)
	}
}

// A withdrawal whose rate-limit decision is still being made reads (the
// wallet, its freezes, the destination, a quote) and waits for the
// decision before it places its hold: at that moment no withdrawal
// exists, nothing is held and nothing is queued. Refused, it answers the
// refusal and writes nothing; admitted, it holds and queues as it would.
func TestWithdrawalWritesNothingBeforeAdmission(t *testing.T) {
	for _, c := range []struct {
		name     string
		decision error
	}{
		{"refused", sg.ErrRateLimited},
		{"admitted after a slow decision", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			from := r.wallet(t, r.customer, usdt(100))
			queue := r.w.Queue.(*memstore.Queue)
			key := "w-" + from.ID
			written := func() []string {
				t.Helper()
				var out []string
				if _, err := r.st.TransferByKey(context.Background(), r.tenant, sg.KeyHash(r.tenant, ledger.OpWithdraw, key)); !errors.Is(err, sg.ErrNotFound) {
					out = append(out, fmt.Sprintf("the withdrawal (%v)", err))
				}
				b, err := r.st.AccountBalance(context.Background(), sg.WalletAccount(r.tenant, from.ID, sg.Tron, sg.USDT), from.Shards())
				if err != nil {
					t.Fatal(err)
				}
				if b.Available != usdt(100) || b.Held != 0 {
					out = append(out, fmt.Sprintf("available %d, held %d", b.Available, b.Held))
				}
				if n := len(queue.Sent()); n > 0 {
					out = append(out, fmt.Sprintf("%d queued", n))
				}
				return out
			}
			gate := newPending()
			ctx := sg.WithAdmission(context.Background(), gate)
			type answer struct {
				res ledger.Result
				err error
			}
			done := make(chan answer, 1)
			go func() {
				res, err := r.w.Create(ctx, r.tenant, key, "hash", ledger.Withdraw{Wallet: from.ID, Chain: sg.Tron, Asset: sg.USDT, ToAddress: cleanTRX, Amount: usdt(5)})
				done <- answer{res, err}
			}()
			select {
			case <-gate.awaited:
			case a := <-done:
				t.Fatalf("the withdrawal ended (%q, %v) without awaiting its admission", a.res.Transfer.ID, a.err)
			}
			if w := written(); len(w) > 0 {
				t.Fatalf("written before the decision: %v", w)
			}
			gate.decide(c.decision)
			a := <-done
			if c.decision != nil {
				if !errors.Is(a.err, c.decision) {
					t.Fatalf("refused: %+v, %v", a.res, a.err)
				}
				if w := written(); len(w) > 0 {
					t.Fatalf("written by a refused request: %v", w)
				}
				return
			}
			if a.err != nil || a.res.Transfer.State != sg.StatePending {
				t.Fatalf("admitted: %+v, %v", a.res, a.err)
			}
			want := []string{"the withdrawal (<nil>)", fmt.Sprintf("available %d, held %d", usdt(95), usdt(5)), "1 queued"}
			if w := written(); !slices.Equal(w, want) {
				t.Fatalf("an admitted withdrawal wrote %q; want %q", w, want)
			}
		})
	}
}
