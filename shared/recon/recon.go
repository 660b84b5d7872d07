// Package recon proves the ledger's invariants and reports any difference.
// It never edits the books, whatever it finds; the scheduled run writes
// only its own checkpoint (Store.Checkpoints).
package recon

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Store is what reconciliation reads: the ledger, the tenants' wallets and
// the payouts followed on chain. With Pages, a tenant's transfers are read
// a page at a time and folded into per-wallet sums as they come: the run
// holds one page and the sums, never the tenant's history.
type Store struct {
	sg.LedgerReads
	sg.TenantWalletLister
	sg.TrackedReader
	Pages TransferPager
	// Balances, if set, reads wallets' balances many at a time.
	Balances BalanceBatcher
	// ---- bigrun: ranged journal reads, paged wallet reads ----
	// Ranges, if set, reads the journal's key ranges side by side (it
	// takes precedence over Pages); Wallets, if set, reads the wallets a
	// page at a time.
	Ranges  RangePager
	Wallets WalletPager
	// ---- reconckpt: verification and checkpoints ----
	// History, if set, reads a wallet's history: an account that differs
	// from the journal is verified against it before it is reported
	// (settle). Checkpoints, if set, keeps each tenant's run between the
	// platform run's invocations (PlatformStep).
	History     sg.HistoryReader
	Checkpoints sg.ReconCheckpoints
}

// BalanceBatcher reads many accounts' balances in one call (account i
// with shards[i] shards).
type BalanceBatcher interface {
	AccountBalances(ctx context.Context, as []sg.Account, shards []int) ([]sg.Balance, error)
}

// balanceBatch is how many accounts are read at a time (a BatchGetItem
// takes 100 keys: the store splits a batch into as many as it needs).
const balanceBatch = 100

// balances reads the accounts' balances, in batches when the store can.
func (st Store) balances(ctx context.Context, as []sg.Account, shards []int) ([]sg.Balance, error) {
	if st.Balances != nil {
		return st.Balances.AccountBalances(ctx, as, shards)
	}
	out := make([]sg.Balance, len(as))
	for i, a := range as {
		b, err := st.AccountBalance(ctx, a, shards[i])
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// TransferPager reads a tenant's transfers a page at a time, calling page
// with each (the slice is the callee's only until it returns).
type TransferPager interface {
	TenantTransferPages(ctx context.Context, tenant string, page func([]sg.Transfer) error) error
}

// transferPages reads the tenant's transfers page by page (in one page
// when the store has no pager).
func (st Store) transferPages(ctx context.Context, tenant string, page func([]sg.Transfer) error) error {
	if st.Pages != nil {
		return st.Pages.TenantTransferPages(ctx, tenant, page)
	}
	ts, err := st.TenantTransfers(ctx, tenant)
	if err != nil {
		return err
	}
	return page(ts)
}

// OnChain reads what the platform holds of USDT on one chain: every deposit
// address and the hot wallet.
type OnChain interface {
	Holdings(ctx context.Context) (sg.Amount, error)
}

// Report is the outcome of one run.
type Report struct {
	Object    string  `json:"object"`
	Scope     string  `json:"scope"`
	CheckedAt string  `json:"checked_at"`
	OK        bool    `json:"ok"`
	Checks    []Check `json:"checks"`
}

// Check is one invariant.
type Check struct {
	Name        string       `json:"name"`
	OK          bool         `json:"ok"`
	Checked     int          `json:"checked"`
	Detail      string       `json:"detail,omitempty"`
	Differences []Difference `json:"differences"`
	// Unlisted counts the differences past the first maxListed, which
	// are not listed (Detail says how many).
	Unlisted int `json:"-"`
}

// Count is how many differences the check found, listed or not.
func (c Check) Count() int { return len(c.Differences) + c.Unlisted }

// Difference is one place an invariant does not hold.
type Difference struct {
	Subject  string `json:"subject"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
}

func (r *Report) add(c Check) {
	c.OK = len(c.Differences) == 0
	if c.Differences == nil {
		c.Differences = []Difference{}
	}
	if c.Count() > 0 {
		c.OK = false
		r.OK = false
	}
	r.Checks = append(r.Checks, c)
}

// Tenant checks one tenant's books:
//   - entries_balanced: every transfer's postings sum to zero;
//   - floors: no wallet account bucket is below zero;
//   - balances_match_journal: each wallet account's buckets equal the sum of
//     the postings of the tenant's journal to it;
//   - holds_match_open_withdrawals: each account's held bucket equals the
//     holds of its withdrawals that have not ended.
//
// A deposit held in quarantine (its sender's screening hit) is in no
// wallet's balance: its amount is in the platform's quarantine account
// (Platform checks that account against the deposits it holds).
func Tenant(ctx context.Context, st Store, tenant string, now time.Time) (Report, error) {
	r, _, err := tenantBooks(ctx, st, tenant, now)
	return r, err
}

// quarantineAccount is the platform's account of quarantined deposits.
func quarantineAccount(c sg.Chain, a sg.Asset) sg.Account {
	return sg.SystemAccount(sg.SysQuarantine, c, a)
}

// tenantBooks is Tenant, with the amounts of the tenant's deposits held in
// quarantine per chain: every step of TenantStep, with no deadline.
func tenantBooks(ctx context.Context, st Store, tenant string, now time.Time) (Report, map[sg.Chain]sg.Amount, error) {
	var p Progress
	r, done, err := TenantStep(ctx, st, tenant, now, &p, time.Time{})
	if err == nil && !done {
		err = sg.Internal("recon.tenantBooks", fmt.Errorf("a step with no deadline left %s unfinished", tenant))
	}
	return r, p.quarantined, err
}

// DeadlineMargin is what a platform run leaves before its context's
// deadline for its last checks and its report.
var DeadlineMargin = 30 * time.Second

// SkewWait is how long Platform waits before it reads the balance totals
// again when they do not sum to zero (see settledTotals).
var SkewWait = 2 * time.Second

// totalsReads bounds how many times settledTotals reads the totals.
const totalsReads = 3

// settledTotals reads the platform's balance totals until they sum to zero
// per chain and asset, or read the same imbalance twice. A scan of the
// balances is no snapshot: a transfer committed while it runs can be read
// on one side of its entry and not the other (a payout's hold in the
// wallet's shard, not yet in the system account), an imbalance the next
// read does not repeat. One read twice alike (a balance edited behind the
// ledger's back) is real; after totalsReads reads the last is reported as
// it is, so a fault is never hidden by activity.
func settledTotals(ctx context.Context, st Store) (system, wallets map[[2]string]sg.Balance, tenants []string, err error) {
	var prev map[[2]string]sg.Amount
	for read := 1; ; read++ {
		if system, wallets, tenants, err = st.BalanceTotals(ctx); err != nil {
			return nil, nil, nil, err
		}
		cur := imbalances(system, wallets)
		if len(cur) == 0 || (prev != nil && maps.Equal(cur, prev)) || read == totalsReads {
			return system, wallets, tenants, nil
		}
		prev = cur
		select {
		case <-ctx.Done():
			return nil, nil, nil, ctx.Err()
		case <-time.After(SkewWait):
		}
	}
}

// imbalances is each (chain, asset) whose accounts do not sum to zero.
func imbalances(system, wallets map[[2]string]sg.Balance) map[[2]string]sg.Amount {
	out := map[[2]string]sg.Amount{}
	for _, m := range []map[[2]string]sg.Balance{system, wallets} {
		for k, b := range m {
			out[k] += b.Available + b.Pending + b.Held
		}
	}
	for k, v := range out {
		if v == 0 {
			delete(out, k)
		}
	}
	return out
}

// Platform checks the whole platform: every tenant's books, that all
// accounts together sum to zero per chain and asset (double entry), and, on
// each chain with a reader, that the tokens held on chain match the books:
// deposits credited, less payouts posted, plus the platform's own float
// (-(inbound + outbound + float)), less payouts mined but not yet posted.
// Those in flight are not known to be mined or not, so the holdings must
// lie between the books less every payout in flight and the books.
func Platform(ctx context.Context, st Store, now time.Time, chains map[sg.Chain]OnChain) (Report, error) {
	r := Report{Object: "reconciliation", Scope: "platform", CheckedAt: now.UTC().Format(time.RFC3339), OK: true}
	system, wallets, tenants, err := settledTotals(ctx, st)
	if err != nil {
		return r, err
	}
	zero := Check{Name: "platform_sums_to_zero"}
	keys := map[[2]string]bool{}
	for k := range system {
		keys[k] = true
	}
	for k := range wallets {
		keys[k] = true
	}
	var sorted [][2]string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i][0]+sorted[i][1] < sorted[j][0]+sorted[j][1] })
	for _, k := range sorted {
		zero.Checked++
		s, w := system[k], wallets[k]
		if total := s.Available + s.Pending + s.Held + w.Available + w.Pending + w.Held; total != 0 {
			zero.Differences = append(zero.Differences, Difference{k[0] + "/" + k[1], "0", total.String()})
		}
	}
	r.add(zero)
	onchain, err := holdingsCheck(ctx, st, chains)
	if err != nil {
		return r, err
	}
	r.add(onchain)
	quarantined := map[sg.Chain]sg.Amount{}
	// ---- bigrun: a run ends its reading before its deadline ----
	// With a deadline, the tenants' books are read until DeadlineMargin
	// before it: a tenant not read by then is reported (a difference, so
	// the alarm tells), not lost with the whole report to the timeout.
	var until time.Time
	if d, ok := ctx.Deadline(); ok {
		until = d.Add(-DeadlineMargin)
	}
	unfinished := Check{Name: "tenants_read"}
	if st.Checkpoints != nil {
		// ---- reconckpt: each tenant's run resumes from its checkpoint ----
		if err := st.tenantRuns(ctx, r.add, &unfinished, tenants, now, until, quarantined); err != nil {
			return r, err
		}
		tenants = nil
	}
	for _, t := range tenants {
		var p Progress
		tr, done, err := TenantStep(ctx, st, t, now, &p, until)
		if err != nil {
			return r, err
		}
		unfinished.Checked++
		for c, a := range p.quarantined {
			quarantined[c] += a
		}
		if !done {
			unfinished.Differences = append(unfinished.Differences, Difference{Subject: t, Expected: "books read before the run's deadline",
				Actual: fmt.Sprintf("%d transfers read, %d wallet accounts checked", p.Transfers(), p.match.Checked)})
			continue
		}
		for _, c := range tr.Checks {
			c.Name = t + ":" + c.Name
			r.add(c)
		}
	}
	r.add(unfinished)
	q, err := quarantineCheck(ctx, st, quarantined)
	if err != nil {
		return r, err
	}
	r.add(q)
	return r, nil
}

// quarantineCheck compares each chain's quarantine account with the
// deposits it holds (those quarantined, and those held when seen that are
// not yet confirmed or reversed). Quarantined tokens are on chain at their
// deposit address (or swept with its later deposits) and owed to nobody
// yet: the holdings check counts them through the inbound account like
// any deposit, and this check that the quarantine holds what the deposits
// say. A tenant whose only deposits are quarantined has no balance item
// and is not among the tenants BalanceTotals lists, so the quarantine may
// hold more than the listed tenants' deposits, never less, and never a
// negative amount.
func quarantineCheck(ctx context.Context, st Store, deposits map[sg.Chain]sg.Amount) (Check, error) {
	c := Check{Name: "quarantine_covers_deposits"}
	var details []string
	for _, chain := range sg.Chains {
		b, err := st.AccountBalance(ctx, quarantineAccount(chain, sg.USDT), 0)
		if err != nil {
			return c, err
		}
		c.Checked++
		held := b.Available + b.Pending + b.Held
		details = append(details, fmt.Sprintf("%s: %s held in quarantine, %s of it confirmed", chain, held, b.Available))
		subject := string(chain) + "/USDT quarantine"
		if held < deposits[chain] {
			c.Differences = append(c.Differences, Difference{Subject: subject, Expected: ">= " + deposits[chain].String(), Actual: held.String()})
		}
		if b.Available < 0 || b.Pending < 0 || b.Held != 0 {
			c.Differences = append(c.Differences, Difference{Subject: subject + " buckets", Expected: "available, pending >= 0, held 0",
				Actual: fmt.Sprintf("%s, %s, %s", b.Available, b.Pending, b.Held)})
		}
	}
	c.Detail = strings.Join(details, "; ")
	return c, nil
}

// holdingsCheck compares each chain's holdings with the books.
func holdingsCheck(ctx context.Context, st Store, chains map[sg.Chain]OnChain) (Check, error) {
	c := Check{Name: "onchain_holdings"}
	var details []string
	for _, chain := range sg.Chains {
		reader, ok := chains[chain]
		if !ok {
			details = append(details, string(chain)+": no chain reader configured, not compared")
			continue
		}
		h, err := stableHoldings(ctx, st, chain, reader)
		if err != nil {
			return c, err
		}
		c.Checked++
		details = append(details, fmt.Sprintf("%s: on chain %s, books %s, payouts in flight %s", chain, h.held, h.books, h.inFlight))
		if h.held > h.books || h.held < h.books-h.inFlight {
			want := h.books.String()
			if h.inFlight > 0 {
				want = fmt.Sprintf("%s to %s", h.books-h.inFlight, h.books)
			}
			c.Differences = append(c.Differences, Difference{Subject: string(chain) + "/USDT on chain", Expected: want, Actual: h.held.String()})
		}
	}
	c.Detail = strings.Join(details, "; ")
	return c, nil
}

type holdingsRead struct{ books, inFlight, held sg.Amount }

// stableHoldings reads one chain's books, its payouts in flight and its
// holdings, and the books again: a payout posted or a deposit credited
// between the reads would compare one moment's books with another's
// holdings and report a difference that is not there, so the three are
// read again (a few times) until the books held still around them.
func stableHoldings(ctx context.Context, st Store, chain sg.Chain, reader OnChain) (holdingsRead, error) {
	var h holdingsRead
	for attempt := 0; ; attempt++ {
		books, err := chainBooks(ctx, st, chain)
		if err != nil {
			return h, err
		}
		tracked, err := st.Tracked(ctx, chain)
		if err != nil {
			return h, err
		}
		var inFlight sg.Amount
		for _, p := range tracked {
			if p.Kind == sg.TrackedCold {
				// A cold payout leaves the cold wallet, which the books
				// and the holdings read here leave out: not in flight
				// from what is compared.
				continue
			}
			t, err := st.Transfer(ctx, p.Tenant, p.ID)
			if err != nil {
				return h, err
			}
			if !t.State.Final() {
				inFlight += t.Amount
			}
		}
		held, err := reader.Holdings(ctx)
		if err != nil {
			return h, err
		}
		h = holdingsRead{books: books, inFlight: inFlight, held: held}
		after, err := chainBooks(ctx, st, chain)
		if err != nil {
			return h, err
		}
		if after == books || attempt == 4 {
			return h, nil
		}
	}
}

// chainBooks is what the books say one chain's addresses hold:
// -(inbound + outbound + float).
func chainBooks(ctx context.Context, st Store, chain sg.Chain) (sg.Amount, error) {
	var books sg.Amount
	for _, name := range []string{sg.SysInbound, sg.SysOutbound, sg.SysFloat} {
		b, err := st.AccountBalance(ctx, sg.SystemAccount(name, chain, sg.USDT), 0)
		if err != nil {
			return 0, err
		}
		books -= b.Available + b.Pending + b.Held
	}
	return books, nil
}
