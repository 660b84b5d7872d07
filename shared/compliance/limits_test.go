package compliance_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// lim is a limit in base units: 1,000 USDT.
const lim = sg.Amount(1_000_000_000)

// limTable puts one tier, "t", holding every customer (default and
// verified), with limits only in window w of scope (a chain, or all).
func limTable(t *testing.T, r *kcRig, w sg.LimitWindow, scope string) {
	t.Helper()
	l := sg.TierLimits{}
	switch w {
	case sg.WindowSingle:
		l.Single = lim
	case sg.WindowDay:
		l.Day = lim
	case sg.WindowMonth:
		l.Month = lim
	}
	tier := sg.Tier{Name: "t", Capabilities: []sg.Capability{sg.CapPayouts, sg.CapInvoices, sg.CapCrossChain}}
	if scope == sg.ScopeAll {
		tier.Total = l
	} else {
		tier.PerChain = map[sg.Chain]sg.TierLimits{sg.Chain(scope): l}
	}
	tt := sg.TierTable{TenantID: r.tenant, Default: "t", Verified: "t", KYCValidity: 365 * 24 * time.Hour, Tiers: []sg.Tier{tier}}
	if _, err := r.tiers.Put(context.Background(), tt); err != nil {
		t.Fatal(err)
	}
}

// Must-show 2: at every window, on each chain and across both chains,
// exactly the limit passes, one base unit more is refused with the
// window's code, and a release frees what it held. Earlier payments inside
// the window count (on the other chain too, for the cross-chain scope);
// payments older than the window do not.
func TestLimitEdges(t *testing.T) {
	pay := sg.LimitOp{Kind: sg.OpPayout}
	type prior struct {
		chain  sg.Chain
		amount sg.Amount
		ago    time.Duration
	}
	cases := []struct {
		name   string
		window sg.LimitWindow
		scope  string
		chain  sg.Chain // of the payments at the edge
		prior  []prior
		code   *sg.Error
	}{
		{"single on ethereum", sg.WindowSingle, "ethereum", sg.Ethereum, nil, sg.ErrTierLimitSingle},
		{"single on tron", sg.WindowSingle, "tron", sg.Tron, nil, sg.ErrTierLimitSingle},
		{"single across chains", sg.WindowSingle, sg.ScopeAll, sg.Tron, nil, sg.ErrTierLimitSingle},
		{"day on ethereum, 23 hours of history in the window", sg.WindowDay, "ethereum", sg.Ethereum,
			[]prior{{sg.Ethereum, 300_000_000, 23 * time.Hour}, {sg.Ethereum, 100_000_000, time.Hour}, {sg.Tron, 999_000_000, time.Hour}}, sg.ErrTierLimitDaily},
		{"day on tron", sg.WindowDay, "tron", sg.Tron,
			[]prior{{sg.Tron, 400_000_000, 2 * time.Hour}, {sg.Ethereum, 999_000_000, time.Hour}}, sg.ErrTierLimitDaily},
		{"day across chains, both chains count", sg.WindowDay, sg.ScopeAll, sg.Ethereum,
			[]prior{{sg.Tron, 400_000_000, 5 * time.Hour}, {sg.Ethereum, 100_000_000, time.Hour}}, sg.ErrTierLimitDaily},
		{"day: a payment 25 hours ago has left the window", sg.WindowDay, sg.ScopeAll, sg.Tron,
			[]prior{{sg.Tron, 400_000_000, 3 * time.Hour}, {sg.Ethereum, 900_000_000, 25 * time.Hour}}, sg.ErrTierLimitDaily},
		{"month on ethereum, 29 days of history in the window", sg.WindowMonth, "ethereum", sg.Ethereum,
			[]prior{{sg.Ethereum, 300_000_000, 29 * 24 * time.Hour}, {sg.Ethereum, 200_000_000, 10 * 24 * time.Hour}, {sg.Tron, 999_000_000, time.Hour}}, sg.ErrTierLimitMonthly},
		{"month on tron", sg.WindowMonth, "tron", sg.Tron,
			[]prior{{sg.Tron, 700_000_000, 20 * 24 * time.Hour}}, sg.ErrTierLimitMonthly},
		{"month across chains, both chains count", sg.WindowMonth, sg.ScopeAll, sg.Tron,
			[]prior{{sg.Ethereum, 600_000_000, 15 * 24 * time.Hour}, {sg.Tron, 100_000_000, 3 * 24 * time.Hour}}, sg.ErrTierLimitMonthly},
		{"month: a payment 31 days ago has left the window", sg.WindowMonth, sg.ScopeAll, sg.Ethereum,
			[]prior{{sg.Ethereum, 900_000_000, 31 * 24 * time.Hour}, {sg.Tron, 250_000_000, 24 * time.Hour}}, sg.ErrTierLimitMonthly},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newKCRig(t)
			ctx := context.Background()
			limTable(t, r, c.window, c.scope)
			cus := r.create(t, "k1", kcPII("Edge Case"))
			now := r.clock.Now()
			used := sg.Amount(0)
			for i, p := range c.prior {
				if err := r.lim.Spend(ctx, r.tenant, cus.ID, fmt.Sprintf("prior-%d", i), p.chain, p.amount, pay, now.Add(-p.ago)); err != nil {
					t.Fatalf("prior payment %d: %v", i, err)
				}
				inWindow := (c.window == sg.WindowDay && p.ago < 24*time.Hour) || (c.window == sg.WindowMonth && p.ago < 30*24*time.Hour)
				if inWindow && (c.scope == sg.ScopeAll || c.scope == string(p.chain)) {
					used += p.amount
				}
			}
			exact := lim - used
			kcWant(t, "Check of one unit over", r.lim.Check(ctx, r.tenant, cus.ID, c.chain, exact+1, pay, now), c.code, "amount")
			kcWant(t, "Reserve of one unit over", r.lim.Reserve(ctx, r.tenant, cus.ID, "over", c.chain, exact+1, pay, now), c.code, "amount")
			kcWant(t, "Check of exactly the limit", r.lim.Check(ctx, r.tenant, cus.ID, c.chain, exact, pay, now), nil, "")
			kcWant(t, "Reserve of exactly the limit", r.lim.Reserve(ctx, r.tenant, cus.ID, "exact", c.chain, exact, pay, now), nil, "")
			if c.window != sg.WindowSingle {
				kcWant(t, "one base unit more", r.lim.Reserve(ctx, r.tenant, cus.ID, "one", c.chain, 1, pay, now), c.code, "amount")
				kcWant(t, "release", r.lim.Release(ctx, r.tenant, cus.ID, "exact"), nil, "")
				kcWant(t, "the unit after the release", r.lim.Reserve(ctx, r.tenant, cus.ID, "one", c.chain, 1, pay, now), nil, "")
				kcWant(t, "the whole limit again", r.lim.Reserve(ctx, r.tenant, cus.ID, "again", c.chain, exact, pay, now), c.code, "amount")
				kcWant(t, "the limit less the unit", r.lim.Reserve(ctx, r.tenant, cus.ID, "again", c.chain, exact-1, pay, now), nil, "")
			}
		})
	}
}

// A reservation is counted once however often it is made; commit keeps
// it, release of a committed one changes nothing, release of a reserved
// one gives it back once.
func TestLimitReservationIsIdempotent(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	limTable(t, r, sg.WindowDay, sg.ScopeAll)
	cus := r.create(t, "k1", kcPII("Idem Potent"))
	now := r.clock.Now()
	pay := sg.LimitOp{Kind: sg.OpPayout}
	for i := 0; i < 3; i++ {
		kcWant(t, "reserve (redelivered)", r.lim.Reserve(ctx, r.tenant, cus.ID, "tr_a", sg.Ethereum, 600_000_000, pay, now), nil, "")
	}
	kcWant(t, "the rest", r.lim.Reserve(ctx, r.tenant, cus.ID, "tr_b", sg.Ethereum, 400_000_000, pay, now), nil, "")
	kcWant(t, "commit a", r.lim.Commit(ctx, r.tenant, cus.ID, "tr_a"), nil, "")
	kcWant(t, "release a after commit", r.lim.Release(ctx, r.tenant, cus.ID, "tr_a"), nil, "")
	kcWant(t, "one more unit", r.lim.Check(ctx, r.tenant, cus.ID, sg.Tron, 1, pay, now), sg.ErrTierLimitDaily, "amount")
	for i := 0; i < 3; i++ {
		kcWant(t, "release b (redelivered)", r.lim.Release(ctx, r.tenant, cus.ID, "tr_b"), nil, "")
	}
	kcWant(t, "b's amount is free again, once", r.lim.Check(ctx, r.tenant, cus.ID, sg.Tron, 400_000_000, pay, now), nil, "")
	kcWant(t, "but no more", r.lim.Check(ctx, r.tenant, cus.ID, sg.Tron, 400_000_001, pay, now), sg.ErrTierLimitDaily, "amount")
	kcWant(t, "release of a reservation never made", r.lim.Release(ctx, r.tenant, cus.ID, "tr_none"), nil, "")
}

// Many payouts racing for one limit: exactly as many pass as fit, on each
// chain and across both (run with -race).
func TestLimitConcurrentReservationsNeverExceed(t *testing.T) {
	for _, scope := range []string{"ethereum", sg.ScopeAll} {
		t.Run(scope, func(t *testing.T) {
			r := newKCRig(t)
			ctx := context.Background()
			limTable(t, r, sg.WindowDay, scope)
			cus := r.create(t, "k1", kcPII("Race Condition"))
			now := r.clock.Now()
			const workers, each = 40, sg.Amount(100_000_000) // ten fit
			var wg sync.WaitGroup
			var mu sync.Mutex
			passed, refused := 0, 0
			for i := 0; i < workers; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					chain := sg.Ethereum
					if scope == sg.ScopeAll && i%2 == 1 {
						chain = sg.Tron
					}
					err := r.lim.Reserve(ctx, r.tenant, cus.ID, fmt.Sprintf("tr_%d", i), chain, each, sg.LimitOp{Kind: sg.OpPayout}, now)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						passed++
					case errors.Is(err, sg.ErrTierLimitDaily):
						refused++
					default:
						t.Errorf("reserve %d: %v", i, err)
					}
				}(i)
			}
			wg.Wait()
			if passed != 10 || refused != workers-10 {
				t.Fatalf("%d passed, %d refused; want 10 and %d", passed, refused, workers-10)
			}
			u, _ := r.store.LimitUsage(ctx, r.tenant, cus.ID)
			if got := u.Used(scope, sg.WindowDay, now); got != lim {
				t.Fatalf("usage %v; want exactly the limit %v", got, lim)
			}
		})
	}
}

// A tier names what it may do: cross-chain and cross-border need the
// higher tiers; an unverified customer is asked for KYC, an expired one
// to verify again, a verified one for a higher tier.
func TestTierCapabilities(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	now := r.clock.Now()
	unverified := r.create(t, "u", kcPII("Una Verified"))
	basic := r.create(t, "b", kcPII("Basil Basic"))
	r.verify(t, basic.ID, sg.TierBasic)
	standard := r.create(t, "s", kcPII("Stan Dard"))
	r.verify(t, standard.ID, sg.TierStandard)
	plus := r.create(t, "p", kcPII("Plus Ultra"))
	r.verify(t, plus.ID, sg.TierPlus)
	expiring := r.create(t, "e", kcPII("Ex Pired"))
	exp := r.verify(t, expiring.ID, sg.TierPlus)
	later := exp.KYC.ExpiresAt.Add(time.Second)

	small := sg.Amount(1_000_000)
	cases := []struct {
		name   string
		subj   string
		op     sg.LimitOp
		at     time.Time
		code   *sg.Error
		param  string
		reject bool
	}{
		{"a wallet with no customer may pay out on its default tier", "wal_nocustomer", sg.LimitOp{Kind: sg.OpPayout}, now, nil, "", false},
		{"a wallet with no customer may not go cross-chain", "wal_nocustomer", sg.LimitOp{Kind: sg.OpPayout, CrossChain: true}, now, sg.ErrKYCRequired, "customer", true},
		{"unverified: a plain payout passes", unverified.ID, sg.LimitOp{Kind: sg.OpPayout}, now, nil, "", false},
		{"unverified: cross-chain needs KYC", unverified.ID, sg.LimitOp{Kind: sg.OpTransfer, CrossChain: true}, now, sg.ErrKYCRequired, "customer", true},
		{"basic: cross-chain needs a higher tier", basic.ID, sg.LimitOp{Kind: sg.OpPayout, CrossChain: true}, now, sg.ErrTierCapabilityMissing, "cross_chain", true},
		{"standard: cross-chain passes", standard.ID, sg.LimitOp{Kind: sg.OpPayout, CrossChain: true}, now, nil, "", false},
		{"standard: cross-border needs a higher tier", standard.ID, sg.LimitOp{Kind: sg.OpPayout, CrossBorder: true}, now, sg.ErrTierCapabilityMissing, "cross_border", true},
		{"plus: cross-chain and cross-border pass", plus.ID, sg.LimitOp{Kind: sg.OpPayout, CrossChain: true, CrossBorder: true}, now, nil, "", false},
		{"plus, expired: cross-border asks to verify again", expiring.ID, sg.LimitOp{Kind: sg.OpPayout, CrossBorder: true}, later, sg.ErrKYCExpired, "customer", true},
		{"plus, expired: a plain small payout falls to the default tier", expiring.ID, sg.LimitOp{Kind: sg.OpPayout}, later, nil, "", false},
		{"plus, expired: above the default tier's single limit", expiring.ID, sg.LimitOp{Kind: sg.OpPayout}, later, sg.ErrTierLimitSingle, "amount", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			amount := small
			if c.code == sg.ErrTierLimitSingle {
				amount = 5_000_000_000 // over none's 1,000 USDT
			}
			kcWant(t, "Check", r.lim.Check(ctx, r.tenant, c.subj, sg.Tron, amount, c.op, c.at), c.code, c.param)
		})
	}

	// A tier without invoices may not settle invoices.
	tt, _ := r.tiers.Get(ctx, r.tenant)
	tt.Tiers[0].Capabilities = []sg.Capability{sg.CapPayouts}
	if _, err := r.tiers.Put(ctx, tt); err != nil {
		t.Fatal(err)
	}
	kcWant(t, "unverified invoice settlement on a tier without invoices",
		r.lim.Check(ctx, r.tenant, unverified.ID, sg.Ethereum, small, sg.LimitOp{Kind: sg.OpInvoice}, now), sg.ErrKYCRequired, "")
	kcWant(t, "verified basic may settle invoices",
		r.lim.Check(ctx, r.tenant, basic.ID, sg.Ethereum, small, sg.LimitOp{Kind: sg.OpInvoice}, now), nil, "")
}

type kcWallets map[string]sg.Wallet

func (w kcWallets) Wallet(_ context.Context, tenant, id string) (sg.Wallet, error) {
	if x, ok := w[id]; ok && x.TenantID == tenant {
		return x, nil
	}
	return sg.Wallet{}, sg.ErrNotFound
}

// The withdrawal pipeline's policy step reserves each payout against the
// wallet's customer (or the wallet itself), refuses with the named code,
// and its reservation ends with the payout: released on failure, kept on
// confirmation; redelivery never counts twice.
func TestLimitPolicy(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	limTable(t, r, sg.WindowDay, sg.ScopeAll)
	cus := r.create(t, "k1", kcPII("Polly Policy"))
	wallets := kcWallets{
		"wal_a": {ID: "wal_a", TenantID: r.tenant, CustomerRef: cus.ID},
		"wal_b": {ID: "wal_b", TenantID: r.tenant, CustomerRef: cus.ID},
		"wal_c": {ID: "wal_c", TenantID: r.tenant, CustomerRef: "merchant's own text"},
	}
	p := compliance.LimitPolicy{Limits: r.lim, Wallets: wallets}
	var _ compliance.Policy = p
	tr := func(id, wallet string, chain sg.Chain, amount sg.Amount) sg.Transfer {
		return sg.Transfer{ID: id, TenantID: r.tenant, FromWallet: wallet, Chain: chain, Amount: amount, CreatedAt: r.clock.Now(), State: sg.StatePending}
	}
	eval := func(t sg.Transfer) sg.Decision {
		d, err := p.Evaluate(ctx, t)
		if err != nil {
			panic(err)
		}
		return d
	}
	a := tr("tr_a", "wal_a", sg.Ethereum, 700_000_000)
	if d := eval(a); d.Outcome != sg.OutcomeApprove {
		t.Fatalf("first payout: %+v", d)
	}
	if d := eval(a); d.Outcome != sg.OutcomeApprove {
		t.Fatalf("redelivered payout: %+v", d)
	}
	b := tr("tr_b", "wal_b", sg.Tron, 300_000_001) // another wallet of the same customer, the other chain
	if d := eval(b); d.Outcome != sg.OutcomeReject || len(d.Matched) != 1 || d.Matched[0] != "tier_limit_daily" {
		t.Fatalf("over the customer's day across wallets and chains: %+v", d)
	}
	b.Amount = 300_000_000
	if d := eval(b); d.Outcome != sg.OutcomeApprove {
		t.Fatalf("exactly the rest: %+v", d)
	}
	// wal_c has no customer: its own limits.
	if d := eval(tr("tr_c", "wal_c", sg.Tron, lim)); d.Outcome != sg.OutcomeApprove {
		t.Fatalf("customer-less wallet: %+v", d)
	}
	a.State = sg.StateFailed
	if err := p.Settle(ctx, a); err != nil {
		t.Fatal(err)
	}
	b.State = sg.StateConfirmed
	if err := p.Settle(ctx, b); err != nil {
		t.Fatal(err)
	}
	if d := eval(tr("tr_d", "wal_b", sg.Ethereum, 700_000_000)); d.Outcome != sg.OutcomeApprove {
		t.Fatalf("after the failed payout released its amount: %+v", d)
	}
	if d := eval(tr("tr_e", "wal_a", sg.Ethereum, 1)); d.Outcome != sg.OutcomeReject {
		t.Fatalf("the confirmed payout still counts: %+v", d)
	}
}

// The compliance view shows the customer's KYC, tier, and each window's
// limit, use and remainder, with no PII.
func TestComplianceView(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	cus := r.create(t, "k1", kcPII("Vera View"))
	r.verify(t, cus.ID, sg.TierStandard)
	now := r.clock.Now()
	if err := r.lim.Spend(ctx, r.tenant, cus.ID, "tr_1", sg.Ethereum, 50_000_000_000, sg.LimitOp{Kind: sg.OpPayout}, now); err != nil {
		t.Fatal(err)
	}
	v, err := (&compliance.ComplianceViews{Customers: r.cus, Limits: r.lim}).View(ctx, r.tenant, cus.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if v.CustomerID != cus.ID || v.KYCStatus != sg.KYCVerified || v.Tier != sg.TierStandard || v.Screening.Status != "not_screened" || v.OpenCases != 0 {
		t.Fatalf("view %+v", v)
	}
	found := false
	for _, l := range v.Limits {
		if l.Scope == sg.ScopeAll && l.Window == sg.WindowDay {
			found = l.Limit == 200_000_000_000 && l.Used == 50_000_000_000 && l.Remaining == 150_000_000_000
		}
	}
	if !found {
		t.Fatalf("day limits %+v", v.Limits)
	}
	_, err = (&compliance.ComplianceViews{Customers: r.cus, Limits: r.lim}).View(ctx, "another-tenant", cus.ID, now)
	kcWant(t, "another tenant's customer", err, sg.ErrNotFound, "")
}
