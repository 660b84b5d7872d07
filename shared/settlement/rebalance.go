package settlement

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sources of a rebalancing move.
const (
	SourceHot  = "hot"  // another chain's hot wallet surplus (a cross-chain conversion)
	SourceCold = "cold" // the chain's own cold wallet
)

// Instruction asks operations to move Amount of USDT to To's hot wallet:
// from From's hot wallet (Source hot, a cross-chain conversion at 1:1)
// or from To's own cold wallet (Source cold, From == To).
type Instruction struct {
	From   sg.Chain
	To     sg.Chain
	Amount sg.Amount
	Source string
}

// Rebalance compares what is owed on each chain (liabilities) with what
// each chain's hot wallet holds (liquidity) and says how to cover every
// shortfall: first from other chains' surplus, largest surplus first,
// then from the short chain's cold wallet. It is pure: the lead raises
// the alert and the instructions. Chains are taken in name order, so the
// answer is deterministic; no instruction when nothing is short.
func Rebalance(liabilities, liquidity map[sg.Chain]sg.Amount) []Instruction {
	seen := map[sg.Chain]bool{}
	var chains []sg.Chain
	for _, m := range []map[sg.Chain]sg.Amount{liabilities, liquidity} {
		for c := range m {
			if !seen[c] {
				seen[c] = true
				chains = append(chains, c)
			}
		}
	}
	sort.Slice(chains, func(i, j int) bool { return chains[i] < chains[j] })
	surplus := map[sg.Chain]sg.Amount{}
	var short []sg.Chain
	for _, c := range chains {
		switch d := liquidity[c] - max(liabilities[c], 0); {
		case d > 0:
			surplus[c] = d
		case d < 0:
			short = append(short, c)
		}
	}
	var out []Instruction
	for _, to := range short {
		need := max(liabilities[to], 0) - liquidity[to]
		donors := make([]sg.Chain, 0, len(surplus))
		for c, a := range surplus {
			if a > 0 {
				donors = append(donors, c)
			}
		}
		sort.Slice(donors, func(i, j int) bool {
			if surplus[donors[i]] != surplus[donors[j]] {
				return surplus[donors[i]] > surplus[donors[j]]
			}
			return donors[i] < donors[j]
		})
		for _, from := range donors {
			if need == 0 {
				break
			}
			take := min(need, surplus[from])
			surplus[from] -= take
			need -= take
			out = append(out, Instruction{From: from, To: to, Amount: take, Source: SourceHot})
		}
		if need > 0 {
			out = append(out, Instruction{From: to, To: to, Amount: need, Source: SourceCold})
		}
	}
	return out
}

// EventRebalance is the platform alert a liquidity check raises when a
// chain's hot wallet holds less than the settlements owe on it.
const EventRebalance = "settlement.rebalance_needed"

// Liquidity reads what each chain's hot wallet holds for payouts.
type Liquidity interface {
	HotLiquidity(ctx context.Context, c sg.Chain) (sg.Amount, error)
}

// Alerts takes the platform's operational alerts (a log line, a metric, an
// operator's webhook).
type Alerts interface {
	Alert(ctx context.Context, kind string, instructions []Instruction) error
}

// CheckLiquidity compares the settlements' liabilities per payout chain
// (a counter, never a scan) with each chain's hot-wallet liquidity and,
// when a chain is short, raises EventRebalance with the instructions that
// cover it (Rebalance). A payout the hot wallet cannot cover meanwhile
// waits in the withdrawal pipeline (waiting for liquidity, retried) and
// goes on when the liquidity returns: it never fails for it.
func (s *Service) CheckLiquidity(ctx context.Context, liq Liquidity, alerts Alerts) ([]Instruction, error) {
	owed, err := s.Store.SettlementLiabilities(ctx)
	if err != nil {
		return nil, err
	}
	have := map[sg.Chain]sg.Amount{}
	for _, c := range sg.Chains {
		if have[c], err = liq.HotLiquidity(ctx, c); err != nil {
			return nil, err
		}
	}
	ins := Rebalance(owed, have)
	if len(ins) > 0 && alerts != nil {
		if err := alerts.Alert(ctx, EventRebalance, ins); err != nil {
			return ins, err
		}
	}
	return ins, nil
}

// BooksLiquidity reads a chain's hot-wallet liquidity from the books: the
// hot wallet's USDT account (one balance item, no scan).
type BooksLiquidity struct {
	Books sg.LedgerStore
}

var _ Liquidity = BooksLiquidity{}

// HotLiquidity implements Liquidity.
func (b BooksLiquidity) HotLiquidity(ctx context.Context, c sg.Chain) (sg.Amount, error) {
	bal, err := b.Books.AccountBalance(ctx, sg.SystemAccount(sg.SysHotWallet, c, sg.USDT), 0)
	if err != nil {
		return 0, err
	}
	return bal.Available, nil
}

// LogAlerts raises the rebalancing alert as an error-level log line per
// instruction (chains, amount and source only): the operations alarm on
// the function's errors picks it up.
type LogAlerts struct {
	Log *slog.Logger
}

var _ Alerts = LogAlerts{}

// Alert implements Alerts.
func (a LogAlerts) Alert(ctx context.Context, kind string, ins []Instruction) error {
	for _, in := range ins {
		a.Log.ErrorContext(ctx, kind, "from_chain", in.From, "to_chain", in.To, "amount", in.Amount.String(), "source", in.Source)
	}
	return nil
}

// Owed reads what a chain's hot wallet already owes: the amounts of the
// withdrawals on it not yet final (held, queued, awaiting approval,
// signed, broadcast), read from the open-withdrawals index, never a scan.
type Owed interface {
	OpenWithdrawalsOwed(ctx context.Context, c sg.Chain) (sg.Amount, error)
}

// liquidityRetry is how long a payout held back for liquidity waits before
// the job looks at it again (it leaves the head of the due index to the
// settlements behind it meanwhile).
const liquidityRetry = 5 * time.Minute

// holdShort keeps the payouts this run would request on a chain within
// what the chain's hot wallet holds less what payouts in flight or queued
// already owe it (Owed): settlements are taken in order while
// they fit; the rest wait (closed, Waiting set, due again after
// liquidityRetry), and when any wait the alert is raised with the
// rebalancing instructions that would cover the run (from another chain's
// surplus over its own payouts, else the chain's cold wallet). Without a
// Liquidity reader every group is paid.
func (s *Service) holdShort(ctx context.Context, groups []*group, now time.Time, res *JobResult) ([]*group, error) {
	if s.Liquidity == nil || len(groups) == 0 {
		return groups, nil
	}
	owed := map[sg.Chain]sg.Amount{}
	for _, g := range groups {
		for _, stl := range g.stls {
			owed[g.chain] += max(stl.Totals.Net, 0)
		}
	}
	have := map[sg.Chain]sg.Amount{}
	left := map[sg.Chain]sg.Amount{}
	for c := range owed {
		h, err := s.Liquidity.HotLiquidity(ctx, c)
		if err != nil {
			return nil, err
		}
		have[c], left[c] = h, h
	}
	// What the hot wallet already owes comes first: payouts in flight or
	// queued (any tenant's withdrawals, batch rows and settlements paying)
	// are paid before this run's, so only what is left covers the run.
	if s.Owed != nil {
		for _, c := range sg.Chains {
			if _, ok := owed[c]; !ok {
				continue
			}
			o, err := s.Owed.OpenWithdrawalsOwed(ctx, c)
			if err != nil {
				return nil, err
			}
			owed[c] += o
			left[c] -= o
		}
	}
	var pay []*group
	var first error
	short := false
	for _, g := range groups {
		kept := &group{tenant: g.tenant, chain: g.chain}
		for i, stl := range g.stls {
			if n := max(stl.Totals.Net, 0); n <= left[g.chain] {
				left[g.chain] -= n
				kept.stls, kept.was = append(kept.stls, stl), append(kept.was, g.was[i])
				continue
			}
			short = true
			out, err := s.wait(ctx, stl, now)
			if err != nil {
				res.Errors++
				if first == nil {
					first = err
				}
				continue
			}
			res.Waiting++
			res.count(g.was[i], out)
		}
		if len(kept.stls) > 0 {
			pay = append(pay, kept)
		}
	}
	if short {
		ins := Rebalance(owed, have)
		s.log().WarnContext(ctx, "settlement.payouts_wait_for_liquidity", "instructions", len(ins))
		if s.Alerts != nil {
			if err := s.Alerts.Alert(ctx, EventRebalance, ins); err != nil && first == nil {
				first = err
			}
		}
	}
	return pay, first
}

// wait records that a closed settlement's payout waits for liquidity.
func (s *Service) wait(ctx context.Context, stl sg.Settlement, now time.Time) (sg.Settlement, error) {
	for range maxAttempts {
		if stl.Status != sg.SettlementClosed {
			return stl, nil
		}
		stl.Waiting, stl.DueAt = sg.WaitLiquidity, now.Add(liquidityRetry)
		out, err := s.Store.UpdateSettlement(ctx, stl)
		if errors.Is(err, sg.ErrSettlementChanged) {
			if stl, err = s.Store.Settlement(ctx, stl.TenantID, stl.ID); err != nil {
				return sg.Settlement{}, err
			}
			continue
		}
		return out, err
	}
	return sg.Settlement{}, sg.Unavailable("settlement.wait", errors.New("the settlement kept changing"))
}
