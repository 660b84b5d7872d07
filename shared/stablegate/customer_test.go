package stablegate

import (
	"testing"
	"time"
)

// Usage windows: the rolling day is the 24 hourly buckets up to the hour
// of the time asked, the month the 30 daily buckets up to its day; both
// chains add to "all"; pruning drops only what no window can reach.
func TestLimitUsageWindows(t *testing.T) {
	at := time.Date(2026, 5, 31, 15, 40, 0, 0, time.UTC)
	var u LimitUsage
	u.Add(Ethereum, at, 10)
	u.Add(Tron, at.Add(-23*time.Hour), 20)      // in the day
	u.Add(Tron, at.Add(-24*time.Hour), 40)      // out of the day, in the month
	u.Add(Ethereum, at.AddDate(0, 0, -29), 80)  // in the month
	u.Add(Ethereum, at.AddDate(0, 0, -30), 160) // out of the month
	cases := []struct {
		name  string
		scope string
		w     LimitWindow
		want  Amount
	}{
		{"day, all chains", ScopeAll, WindowDay, 30},
		{"day, ethereum", "ethereum", WindowDay, 10},
		{"day, tron", "tron", WindowDay, 20},
		{"month, all chains", ScopeAll, WindowMonth, 150},
		{"month, ethereum", "ethereum", WindowMonth, 90},
		{"month, tron", "tron", WindowMonth, 60},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := u.Used(c.scope, c.w, at); got != c.want {
				t.Fatalf("Used = %d; want %d", got, c.want)
			}
		})
	}
	u.Prune(at)
	if got := u.Used(ScopeAll, WindowMonth, at); got != 150 {
		t.Fatalf("after Prune the month is %d; want 150", got)
	}
	if len(u.Buckets) != 10 { // hours: now and -23h, each chain's and all's (4); days: today, yesterday and 29 days ago, each chain's and all's (6)
		t.Fatalf("%d buckets after Prune: %v", len(u.Buckets), u.BucketKeys())
	}
	u.Add(Ethereum, at, -10)
	if got := u.Used(ScopeAll, WindowDay, at); got != 20 {
		t.Fatalf("after a release the day is %d; want 20", got)
	}
}

func TestWalletCustomerID(t *testing.T) {
	id := NewID(CustomerIDPrefix, time.Now())
	cases := []struct {
		name, ref, want, subject string
	}{
		{"a customer id links the wallet", id, id, id},
		{"no reference: no customer, the wallet is its own subject", "", "", "wal_1"},
		{"the merchant's own text: no customer", "customer 42", "", "wal_1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := Wallet{ID: "wal_1", CustomerRef: c.ref}
			if got := WalletCustomerID(w); got != c.want {
				t.Fatalf("WalletCustomerID = %q; want %q", got, c.want)
			}
			if got := LimitSubject(w); got != c.subject {
				t.Fatalf("LimitSubject = %q; want %q", got, c.subject)
			}
		})
	}
}
