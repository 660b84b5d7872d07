package recon

// ---- reconckpt: accounts that differ are verified again (issue 18) ----

import (
	"context"
	"fmt"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The journal is no snapshot, and a run spread over invocations reads it
// over hours. Its key is a hash of the tenant, operation and idempotency
// key (sg.KeyHash), not a time: a transfer made while the run is under
// way lands at a random place in its key range, as likely behind that
// range's cursor (never folded by this run) as ahead of it (folded), and a
// transfer already folded may change state afterwards (a withdrawal
// posted, a deposit confirmed). The balances, read after the journal,
// include all of it. So an account that moved during the run can differ
// from the sums although nothing is wrong, and one that did not move
// cannot.
//
// An account that differs is therefore not reported at once: it is a
// suspect, verified again on its own. settle reads its balance, folds its
// whole history (every transfer that names the wallet, each at its latest
// state; history lines are ordered by creation time, so one made during
// the run is there too), and reads the balance again: if the balance held
// still across the fold and the fold matches it, the account moved during
// the run and is right (counted in the check's detail); otherwise it is
// read again (the history is written from the table's stream and may lag
// a few seconds) and after settleReads reads the difference is reported,
// against the history's sums. A balance edited behind the ledger's back
// matches neither the journal nor the history, and is reported.
//
// Bounds: at most maxSuspects suspects per run (more differ: the rest are
// reported as found, unverified) and settleLineBudget history lines read
// for them per run (a suspect past it is reported as found). A transfer
// that posts to a wallet account without naming the wallet as its sender
// or receiver (a settlement's collection) is in no history line of it:
// such an account, when it differs, stays a difference.

// maxSuspects bounds the accounts a run verifies again.
const maxSuspects = 10_000

// settleLineBudget bounds the history lines a run reads to verify them.
var settleLineBudget = 500_000

// settleReads is how many times a suspect is read before it is reported.
const settleReads = 3

// settle verifies the suspects from where the last step stopped.
func (p *Progress) settle(ctx context.Context, st Store, tenant string, until time.Time) error {
	for p.suspectAt < len(p.suspects) {
		s := p.suspects[p.suspectAt]
		match, held, err := p.verify(ctx, st, tenant, s)
		if err != nil {
			return err
		}
		if len(match)+len(held) == 0 {
			p.settled++
		}
		for _, d := range match {
			differ(&p.match, d)
		}
		for _, d := range held {
			differ(&p.held, d)
		}
		p.suspectAt++
		if !until.IsZero() && time.Now().After(until) && p.suspectAt < len(p.suspects) {
			return errOutOfTime
		}
	}
	return nil
}

// verify reads one suspect again (see settle) and gives its differences:
// none if it only moved while the journal was read.
func (p *Progress) verify(ctx context.Context, st Store, tenant string, s suspect) (match, held []Difference, err error) {
	acct := sg.WalletAccount(tenant, s.K.Wallet, s.K.Chain, s.K.Asset)
	balance := func() (sg.Balance, error) {
		bs, err := st.balances(ctx, []sg.Account{acct}, []int{s.Shards})
		if err != nil {
			return sg.Balance{}, err
		}
		return bs[0], nil
	}
	for read := 1; ; read++ {
		before, err := balance()
		if err != nil {
			return nil, nil, err
		}
		h := Progress{sums: map[wkey]*sums{}, quarantined: map[sg.Chain]sg.Amount{}}
		cursor, over := "", false
		for {
			ts, next, err := st.History.History(ctx, tenant, s.K.Wallet, sg.HistoryFilter{}, sg.Page{Limit: 100, Cursor: cursor})
			if err != nil {
				return nil, nil, err
			}
			for _, t := range ts {
				h.fold(t)
			}
			p.settleLines += len(ts)
			if p.settleLines > settleLineBudget {
				over = true
				break
			}
			if next == "" {
				break
			}
			cursor = next
		}
		after, err := balance()
		if err != nil {
			return nil, nil, err
		}
		if over {
			match, held = sumDiffs(s.K, p.sums[s.K], after)
			for i := range match {
				match[i].Actual += " (not verified again: the run's history budget is spent)"
			}
			return match, held, nil
		}
		match, held = sumDiffs(s.K, h.sums[s.K], after)
		if before == after && len(match)+len(held) == 0 || read == settleReads {
			return match, held, nil
		}
		if SkewWait <= 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(SkewWait):
		}
	}
}

// settledNote is what a check's detail says of the suspects that held up.
func settledNote(n int) string {
	return fmt.Sprintf("%d wallet accounts moved while the books were read: each matched its own history when read again", n)
}
