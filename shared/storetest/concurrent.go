package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// concurrentCases: the guards hold when writers race.
var concurrentCases = []Case{
	{"Concurrent/racing debits never take a wallet below zero", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		fund(t, st, w, sg.Available, 100)
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				tr := hold(w, fmt.Sprintf("race-%d", i), 30)
				errs[i] = retry(func() error { return st.ApplyTransfer(ctx, tr) })
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, sg.ErrInsufficientFunds):
			default:
				t.Fatalf("ApplyTransfer = %v; want success or insufficient funds", err)
			}
		}
		if ok != 3 {
			t.Fatalf("%d holds of 30 on 100 succeeded; want 3", ok)
		}
		wantBalance(t, st, w, 100-30*sg.Amount(ok), 0, 30*sg.Amount(ok))
	}},
	{"Concurrent/of racing moves from one state, one wins", func(t *testing.T, st Store) {
		w, tr := pending(t, st)
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				m := move(tr, sg.StatePending, sg.StateCancelled, void(w, 40))
				errs[i] = retry(func() error { return st.Transition(ctx, tr.TenantID, tr.ID, m) })
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, sg.ErrStateChanged):
			default:
				t.Fatalf("Transition = %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of the racing moves applied; want exactly 1", ok)
		}
		got := mustState(t, st, tr, sg.StateCancelled)
		if len(got.Events) != 2 {
			t.Fatalf("%d events; want the move once", len(got.Events))
		}
		wantBalance(t, st, w, 100, 0, 0)
	}},
}

// retry runs f again while it fails with a retryable conflict (as callers
// do with an unavailable store), up to a generous bound.
func retry(f func() error) error {
	var err error
	for attempt := 0; attempt < 100; attempt++ {
		if err = f(); err == nil || sg.KindOf(err) != sg.KindUnavailable {
			return err
		}
		time.Sleep(time.Duration(attempt%10+1) * time.Millisecond)
	}
	return err
}
