package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settle: refunds ----

// RefundCaps is the contract of sg.RefundCaps: a refund is reserved once
// per key, the sum never passes the limit (not even under racing
// reservations), a release gives a key's amount back once.
func RefundCaps(t *testing.T, open func(t *testing.T) sg.RefundCaps) {
	ctx := context.Background()
	t.Run("reserves within the limit, once per key", func(t *testing.T) {
		r := open(t)
		inv := fmt.Sprintf("inv_%p", t)
		if err := r.ReserveRefund(ctx, "acme", inv, "k1", 4_000_000, 10_000_000); err != nil {
			t.Fatal(err)
		}
		if err := r.ReserveRefund(ctx, "acme", inv, "k1", 4_000_000, 10_000_000); err != nil {
			t.Fatalf("the same key again: %v", err)
		}
		if err := r.ReserveRefund(ctx, "acme", inv, "k2", 7_000_000, 10_000_000); !errors.Is(err, sg.ErrRefundExceedsPaid) {
			t.Fatalf("4 + 7 of 10: %v", err)
		}
		if err := r.ReserveRefund(ctx, "acme", inv, "k3", 6_000_000, 10_000_000); err != nil {
			t.Fatalf("4 + 6 of 10: %v", err)
		}
		if got, err := r.Refunded(ctx, "acme", inv); err != nil || got != 10_000_000 {
			t.Fatalf("refunded %s %v, want 10", got, err)
		}
		if got, _ := r.Refunded(ctx, "other", inv); got != 0 {
			t.Fatalf("another tenant's invoice shows %s refunded", got)
		}
	})
	t.Run("a release gives the amount back once", func(t *testing.T) {
		r := open(t)
		inv := fmt.Sprintf("inv_%p", t)
		if err := r.ReserveRefund(ctx, "acme", inv, "k1", 8_000_000, 10_000_000); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := r.ReleaseRefund(ctx, "acme", inv, "k1"); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := r.Refunded(ctx, "acme", inv); got != 0 {
			t.Fatalf("after the release %s refunded", got)
		}
		if err := r.ReserveRefund(ctx, "acme", inv, "k2", 10_000_000, 10_000_000); err != nil {
			t.Fatalf("the full amount after the release: %v", err)
		}
	})
	t.Run("racing reservations never pass the limit", func(t *testing.T) {
		r := open(t)
		inv := fmt.Sprintf("inv_%p", t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for attempt := 0; attempt < 20; attempt++ {
					err := r.ReserveRefund(ctx, "acme", inv, fmt.Sprintf("k%d", i), 3_000_000, 10_000_000)
					if sg.KindOf(err) == sg.KindUnavailable {
						continue // a transaction conflict: retried, as callers do
					}
					if err == nil {
						mu.Lock()
						ok++
						mu.Unlock()
					}
					return
				}
			}()
		}
		wg.Wait()
		if got, _ := r.Refunded(ctx, "acme", inv); ok != 3 || got != 9_000_000 {
			t.Fatalf("%d reservations of 3 within 10, refunded %s; want 3 and 9", ok, got)
		}
	})
}
