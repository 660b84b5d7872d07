package settlement

import (
	"context"
	"sort"

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
