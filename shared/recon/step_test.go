package recon

// ---- bigrun: reconciliation in bounded steps ----

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// stepped runs TenantStep from an empty progress, each step with a deadline
// already past (so it folds one page per key range and stops), handing the
// progress from step to step through its checkpoint as the scheduler's
// invocations would. It returns the report and the steps taken.
func stepped(t *testing.T, st Store, now time.Time) (Report, int) {
	t.Helper()
	var cp []byte
	for steps := 1; steps < 1000; steps++ {
		var p Progress
		if cp != nil {
			if err := p.UnmarshalBinary(cp); err != nil {
				t.Fatal(err)
			}
		}
		r, done, err := TenantStep(bg, st, tenant, now, &p, time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if done {
			return r, steps
		}
		if cp, err = p.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("reconciliation never finished")
	return Report{}, 0
}

// Read in key ranges side by side, in steps that each stop after a page
// and resume from a checkpoint, a tenant's books give the report they
// give read whole: every transfer folded once, none twice, and a hold
// released behind the ledger's back found either way.
func TestTenantStepsResumeFromCheckpoint(t *testing.T) {
	b, w, _ := busy(t)
	v := b.wallet(t, tenant)
	for i := range 40 {
		if _, err := b.l.Transfer(bg, tenant, fmt.Sprint("int-", i), "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	whole := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st}
	ranged := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: b.st, Wallets: b.st}
	want, err := Tenant(bg, whole, tenant, b.now)
	if err != nil {
		t.Fatal(err)
	}
	got, steps := stepped(t, ranged, b.now)
	if !want.OK || !reflect.DeepEqual(got, want) || steps < 3 {
		t.Fatalf("in %d steps: %+v; read whole: %+v", steps, got, want)
	}
	tr := b.withdraw(t, w, 40)
	if err := b.st.Transition(bg, tenant, tr.ID, sg.Move{From: sg.StatePending, To: sg.StateCancelled,
		Event: sg.Event{State: sg.StateCancelled, At: b.now}}); err != nil {
		t.Fatal(err)
	}
	want, _ = Tenant(bg, whole, tenant, b.now)
	got, _ = stepped(t, ranged, b.now)
	if want.OK || !reflect.DeepEqual(got, want) {
		t.Fatalf("after a hold released behind the ledger: stepped %v, whole %v", failing(got), failing(want))
	}
}

// The key ranges cover every key part once, whatever their number.
func TestKeyRangesCoverKeyPartsOnce(t *testing.T) {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	for _, n := range []int{1, 3, Segments, 7, 32} {
		for _, c := range alphabet {
			in := 0
			for i := range n {
				if sg.InKeyRange(string(c)+"X", i, n) {
					in++
				}
			}
			if in != 1 {
				t.Fatalf("%d ranges: %c in %d of them", n, c, in)
			}
		}
	}
}

// A platform run whose deadline comes before a tenant's books are read
// reports that tenant as not read (a difference: the alarm tells), with
// how far it got, instead of losing the whole report to the timeout; with
// time enough the same books are read whole and clean.
func TestPlatformRunReportsTenantsNotReadByItsDeadline(t *testing.T) {
	b, w, _ := busy(t)
	v := b.wallet(t, tenant)
	for i := range 40 {
		if _, err := b.l.Transfer(bg, tenant, fmt.Sprint("int-", i), "h", ledger.Internal{From: w.ID, To: v.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: b.st, Wallets: b.st}
	notRead := func(r Report) []Difference {
		for _, c := range r.Checks {
			if c.Name == "tenants_read" {
				return c.Differences
			}
		}
		t.Fatalf("no tenants_read check in %+v", r)
		return nil
	}
	ctx, cancel := context.WithTimeout(bg, time.Hour)
	defer cancel()
	r, err := Platform(ctx, st, b.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := notRead(r); !r.OK || len(d) != 0 {
		t.Fatalf("with an hour to go: ok %v, not read %v (failing %v)", r.OK, d, failing(r))
	}
	defer func(m time.Duration) { DeadlineMargin = m }(DeadlineMargin)
	DeadlineMargin = 2 * time.Hour // the deadline, less the margin, has passed
	r, err = Platform(ctx, st, b.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := notRead(r); r.OK || len(d) != 1 || d[0].Subject != tenant || !strings.Contains(d[0].Actual, "transfers read") {
		t.Fatalf("past the deadline: ok %v, not read %+v", r.OK, d)
	}
}
