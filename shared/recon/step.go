package recon

// ---- bigrun: reconciliation in bounded steps (issue 18) ----

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// RangePager reads one of several key ranges of a tenant's transfers
// (sg.KeyRange), from just after a key part, a page at a time; page gets
// the key part of the page's last transfer, the cursor to resume from.
type RangePager interface {
	TenantTransferRange(ctx context.Context, tenant string, segment, segments int, after string,
		page func(ts []sg.Transfer, last string) error) error
}

// WalletPager reads a tenant's wallets (ids, deposit addresses, shards) a
// page at a time.
type WalletPager interface {
	WalletAccountPages(ctx context.Context, tenant, after string, page func([]sg.Wallet) error) error
}

// Segments is how many key ranges of a tenant's journal a step reads side
// by side when the store reads ranges (DynamoDB's practice for one large
// item collection: parallel queries over sort-key ranges).
const Segments = 4

// wkey is one wallet account.
type wkey struct {
	Wallet string
	Chain  sg.Chain
	Asset  sg.Asset
}

// sums is what the journal says one wallet account holds, per bucket, and
// the holds of its withdrawals that have not ended.
type sums struct {
	Available, Pending, Held, Holds sg.Amount
}

func (s *sums) add(b sg.Bucket, d sg.Amount) {
	switch b {
	case sg.Available:
		s.Available += d
	case sg.Pending:
		s.Pending += d
	case sg.Held:
		s.Held += d
	}
}

func (s *sums) bucket(b sg.Bucket) sg.Amount {
	switch b {
	case sg.Available:
		return s.Available
	case sg.Pending:
		return s.Pending
	case sg.Held:
		return s.Held
	}
	return 0
}

// Progress is a tenant's reconciliation part way: where each key range of
// the journal was read to, and the running per-wallet sums of what was
// read. A step that runs out of time returns it; the next step (the next
// invocation, from the checkpoint MarshalBinary made) reads on from there,
// never the pages already folded. Its size grows with the tenant's
// wallet accounts, not with its transfers.
type Progress struct {
	after       []string // per key range: the last key part folded
	done        []bool
	sums        map[wkey]*sums
	quarantined map[sg.Chain]sg.Amount
	balanced    Check
	pages       int
	// The wallets' check, once the journal is read: the last wallet
	// checked (its page's last) and the checks so far.
	walletAfter         string
	walletsDone         bool
	floors, match, held Check
	// ---- reconckpt: accounts that differ, verified again ----
	// suspects are the wallet accounts whose balance differed from the
	// journal's sums when checked (see settle); suspectAt is how many of
	// them are verified, settled how many of those held up on the
	// second look, settleLines the history lines read for them.
	suspects                        []suspect
	suspectAt, settled, settleLines int
}

// suspect is a wallet account to verify again.
type suspect struct {
	K      wkey
	Shards int
}

// maxListed bounds the differences a check lists (in the report and the
// checkpoint); the rest are counted (Check.Unlisted) and said in Detail.
const maxListed = 1000

// differ records a difference on c, listing at most maxListed.
func differ(c *Check, d Difference) {
	if len(c.Differences) >= maxListed {
		c.Unlisted++
		return
	}
	c.Differences = append(c.Differences, d)
}

// Pages is how many journal pages this progress has folded.
func (p *Progress) Pages() int { return p.pages }

// Transfers is how many transfers this progress has folded.
func (p *Progress) Transfers() int { return p.balanced.Checked }

// Accounts is how many wallet accounts the running sums hold.
func (p *Progress) Accounts() int { return len(p.sums) }

func (p *Progress) at(k wkey) *sums {
	s := p.sums[k]
	if s == nil {
		s = &sums{}
		p.sums[k] = s
	}
	return s
}

// fold adds one transfer to the sums: its postings, then the state-change
// entries (holds posted or voided, deposits confirmed) applied with its
// transitions and not in its creating postings.
func (p *Progress) fold(t sg.Transfer) {
	p.balanced.Checked++
	if err := t.Entry.Check(); err != nil {
		differ(&p.balanced, Difference{Subject: t.ID, Expected: "postings sum to zero", Actual: err.Error()})
	}
	for _, q := range t.Entry.Postings {
		if q.Account.IsSystem() {
			continue
		}
		p.at(wkey{q.Account.Wallet, q.Account.Chain, q.Account.Asset}).add(q.Bucket, q.Delta)
	}
	if t.Type == sg.TransferWithdrawal && !t.State.Final() {
		p.at(wkey{t.FromWallet, t.Chain, t.Asset}).Holds += t.Amount + t.Fee
	}
	// A chain deposit is credited as pending; confirming it moves it to
	// available (or to the quarantine), reversing it takes it back. One
	// whose sender's screening hit when seen was credited to the
	// quarantine, not the wallet: only an officer's release (posted)
	// brings it to the wallet's available balance.
	if t.Type == sg.TransferDeposit && len(t.Entry.Postings) == 2 && t.Entry.Postings[1].Bucket == sg.Pending {
		s := p.at(wkey{t.ToWallet, t.Chain, t.Asset})
		atSeen := t.Entry.Postings[1].Account == quarantineAccount(t.Chain, t.Asset)
		if !atSeen && (t.State == sg.StatePosted || t.State == sg.StateReversed || t.State == sg.StateQuarantined) {
			s.Pending -= t.Amount
		}
		switch {
		case t.State == sg.StatePosted:
			s.Available += t.Amount
		case t.State == sg.StateQuarantined, t.State == sg.StatePending && atSeen:
			p.quarantined[t.Chain] += t.Amount
		}
		return
	}
	if t.Type != sg.TransferWithdrawal || !t.State.Final() {
		return
	}
	s := p.at(wkey{t.FromWallet, t.Chain, t.Asset})
	hold := t.Amount + t.Fee
	s.Held -= hold
	switch t.State {
	case sg.StatePosted:
		s.Available += t.Fee - min(t.NetworkFee, t.Fee)
	default:
		s.Available += hold
	}
}

// ReadGrace is how long past its deadline a step's reads may run: half
// the platform run's DeadlineMargin (the other half is the checkpoint's
// save and the report).
func ReadGrace() time.Duration { return DeadlineMargin / 2 }

// errOutOfTime stops a range's reading at a page boundary.
var errOutOfTime = errors.New("recon: out of time")

// TenantStep reads on through the tenant's journal from p until it is
// read or until passes (zero: no deadline; checked between pages), then,
// once the journal is read, checks the wallets' balances against the sums
// (see Tenant). It reports done when the report is complete; otherwise p
// is where the next step reads on. With a RangePager the journal's key
// ranges are read side by side, each a page at a time.
func TenantStep(ctx context.Context, st Store, tenant string, now time.Time, p *Progress, until time.Time) (Report, bool, error) {
	r := Report{Object: "reconciliation", Scope: "tenant", CheckedAt: now.UTC().Format(time.RFC3339), OK: true}
	if p.sums == nil {
		n := 1
		if st.Ranges != nil {
			n = Segments
		}
		*p = Progress{after: make([]string, n), done: make([]bool, n), sums: map[wkey]*sums{},
			quarantined: map[sg.Chain]sg.Amount{}, balanced: Check{Name: "entries_balanced"},
			floors: Check{Name: "floors"}, match: Check{Name: "balances_match_journal"}, held: Check{Name: "holds_match_open_withdrawals"}}
	}
	// ---- reconckpt: reads in flight at the deadline are cut off ----
	// With a deadline, the reads get until it plus ReadGrace: a page still
	// being read then (DynamoDB Local takes seconds a page on a large
	// table) is abandoned, not folded, and the step ends as out of time
	// with the progress it has, leaving the rest of the margin for the
	// checkpoint's save. Without the cut, the invocation's own deadline
	// would fail the whole step and no progress would ever be kept.
	rctx := ctx
	if !until.IsZero() {
		var cancel context.CancelFunc
		rctx, cancel = context.WithDeadline(ctx, until.Add(ReadGrace()))
		defer cancel()
	}
	stopped := func(err error) bool { return errors.Is(err, errOutOfTime) || rctx.Err() != nil && ctx.Err() == nil }
	if err := p.readJournal(rctx, st, tenant, until); err != nil {
		if stopped(err) {
			return r, false, nil
		}
		return r, false, err
	}
	if !p.walletsDone {
		if err := p.checkWallets(rctx, st, tenant, until); err != nil {
			if stopped(err) {
				return r, false, nil
			}
			return r, false, err
		}
		p.walletsDone = true
	}
	if err := p.settle(rctx, st, tenant, until); err != nil {
		if stopped(err) {
			return r, false, nil
		}
		return r, false, err
	}
	if p.settled > 0 {
		p.match.Detail = settledNote(p.settled)
	}
	for _, c := range []Check{p.balanced, p.floors, p.match, p.held} {
		if c.Unlisted > 0 {
			c.Detail = strings.TrimPrefix(c.Detail+fmt.Sprintf("; %d more differences not listed", c.Unlisted), "; ")
		}
		r.add(c)
	}
	return r, true, nil
}

// readJournal folds the journal's unread pages into p.
func (p *Progress) readJournal(ctx context.Context, st Store, tenant string, until time.Time) error {
	var mu sync.Mutex
	outOfTime := func() bool { return !until.IsZero() && time.Now().After(until) }
	if st.Ranges == nil {
		if p.done[0] {
			return nil
		}
		// A store with no ranges reads the journal in one go.
		if err := st.transferPages(ctx, tenant, func(page []sg.Transfer) error {
			for _, t := range page {
				p.fold(t)
			}
			p.pages++
			return ctx.Err()
		}); err != nil {
			return err
		}
		p.done[0] = true
		return nil
	}
	errs := make([]error, len(p.after))
	var wg sync.WaitGroup
	for i := range p.after {
		if p.done[i] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.Ranges.TenantTransferRange(ctx, tenant, i, len(p.after), p.after[i], func(ts []sg.Transfer, last string) error {
				mu.Lock()
				for _, t := range ts {
					p.fold(t)
				}
				p.after[i] = last
				p.pages++
				mu.Unlock()
				if outOfTime() {
					return errOutOfTime
				}
				return ctx.Err()
			})
			if errs[i] == nil {
				p.done[i] = true
			}
		}()
	}
	wg.Wait()
	var stopped bool
	for _, err := range errs {
		switch {
		case errors.Is(err, errOutOfTime):
			stopped = true
		case err != nil:
			return err
		}
	}
	if stopped {
		return errOutOfTime
	}
	return nil
}

// checkWallets compares each wallet account's balance with the sums,
// reading the wallets a page at a time from where the last step stopped
// and their balances in batches of balanceBatch, Segments batches side by
// side; with a deadline it stops at a page's end once it passes.
func (p *Progress) checkWallets(ctx context.Context, st Store, tenant string, until time.Time) error {
	type wacct struct {
		k      wkey
		acct   sg.Account
		shards int
	}
	compare := func(batch []wacct, bs []sg.Balance) {
		for i, x := range batch {
			b, k := bs[i], x.k
			p.floors.Checked++
			p.match.Checked++
			p.held.Checked++
			for _, v := range []sg.Amount{b.Available, b.Pending, b.Held} {
				if v < 0 {
					for _, d := range floorDiffs(k, b) {
						differ(&p.floors, d)
					}
					break
				}
			}
			match, held := sumDiffs(k, p.sums[k], b)
			if len(match)+len(held) == 0 {
				continue
			}
			// ---- reconckpt: a difference is looked at twice ----
			// With the wallets' histories to read, an account that
			// differs is verified again before it is reported (settle).
			if st.History != nil && len(p.suspects) < maxSuspects {
				p.suspects = append(p.suspects, suspect{K: k, Shards: x.shards})
				continue
			}
			for _, d := range match {
				differ(&p.match, d)
			}
			for _, d := range held {
				differ(&p.held, d)
			}
		}
	}
	// check reads the accounts' balances, Segments batches side by side,
	// and compares them in order.
	check := func(accts []wacct) error {
		var chunks [][]wacct
		for len(accts) > 0 {
			n := min(len(accts), balanceBatch)
			chunks, accts = append(chunks, accts[:n]), accts[n:]
		}
		for len(chunks) > 0 {
			group := chunks[:min(len(chunks), Segments)]
			chunks = chunks[len(group):]
			got := make([][]sg.Balance, len(group))
			errs := make([]error, len(group))
			var wg sync.WaitGroup
			for i, c := range group {
				wg.Add(1)
				go func() {
					defer wg.Done()
					as, shards := make([]sg.Account, len(c)), make([]int, len(c))
					for j, x := range c {
						as[j], shards[j] = x.acct, x.shards
					}
					got[i], errs[i] = st.balances(ctx, as, shards)
				}()
			}
			wg.Wait()
			for i, c := range group {
				if errs[i] != nil {
					return errs[i]
				}
				compare(c, got[i])
			}
		}
		return nil
	}
	walletPage := func(ws []sg.Wallet) error {
		var accts []wacct
		for _, w := range ws {
			for _, a := range w.Addresses {
				accts = append(accts, wacct{wkey{w.ID, a.Chain, a.Asset}, sg.WalletAccount(tenant, w.ID, a.Chain, a.Asset), w.Shards()})
			}
		}
		// A page is checked whole or not at all: one cut short (its
		// reads cancelled at the deadline) leaves the checks as they were,
		// and the next step checks the page again.
		floors, match, held, suspects := p.floors, p.match, p.held, len(p.suspects)
		if err := check(accts); err != nil {
			p.floors, p.match, p.held, p.suspects = floors, match, held, p.suspects[:suspects]
			return err
		}
		if len(ws) > 0 {
			p.walletAfter = ws[len(ws)-1].ID
		}
		if !until.IsZero() && time.Now().After(until) {
			return errOutOfTime
		}
		return ctx.Err()
	}
	if st.Wallets != nil {
		return st.Wallets.WalletAccountPages(ctx, tenant, p.walletAfter, walletPage)
	}
	ws, err := st.TenantWallets(ctx, tenant)
	if err != nil {
		return err
	}
	return walletPage(ws)
}

// floorDiffs is each bucket of b below zero.
func floorDiffs(k wkey, b sg.Balance) []Difference {
	var out []Difference
	for _, v := range []struct {
		bucket sg.Bucket
		v      sg.Amount
	}{{sg.Available, b.Available}, {sg.Pending, b.Pending}, {sg.Held, b.Held}} {
		if v.v < 0 {
			out = append(out, Difference{fmt.Sprintf("%s/%s/%s %s", k.Wallet, k.Chain, k.Asset, v.bucket), ">= 0", v.v.String()})
		}
	}
	return out
}

// sumDiffs compares an account's balance b with what the journal says it
// holds (want; nil: nothing): each bucket, and the held bucket with the
// holds of its open withdrawals.
func sumDiffs(k wkey, want *sums, b sg.Balance) (match, held []Difference) {
	if want == nil {
		want = &sums{}
	}
	for _, v := range []struct {
		bucket sg.Bucket
		v      sg.Amount
	}{{sg.Available, b.Available}, {sg.Pending, b.Pending}, {sg.Held, b.Held}} {
		if w := want.bucket(v.bucket); w != v.v {
			match = append(match, Difference{fmt.Sprintf("%s/%s/%s %s", k.Wallet, k.Chain, k.Asset, v.bucket), w.String(), v.v.String()})
		}
	}
	if want.Holds != b.Held {
		held = append(held, Difference{fmt.Sprintf("%s/%s/%s held", k.Wallet, k.Chain, k.Asset), want.Holds.String(), b.Held.String()})
	}
	return match, held
}
