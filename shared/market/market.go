// Package market reads the market the WebSocket market channel pushes
// (sg.MarketSource): USDT's price in each configured fiat currency from a
// rate source (shared/fxrate's static or HTTP source) and each served
// chain's fee level from its fee quoter (shared/chain/quote), pricing a
// typical payout of Amount. A source that fails leaves its part out of the
// snapshot rather than failing the whole of it; a snapshot with nothing in
// it is an error.
package market

import (
	"context"
	"errors"
	"sort"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Source is the deployment's market source.
type Source struct {
	Rates      sg.RateSource
	Currencies []string
	Quoters    map[sg.Chain]sg.FeeQuoter
	// QuoteTo is the address a chain's typical payout is priced to (the
	// fee does not depend on it beyond a fresh holder's extra cost).
	QuoteTo map[sg.Chain]string
	// Amount is the typical payout priced (USDT base units).
	Amount sg.Amount
}

var _ sg.MarketSource = (*Source)(nil)

// ErrNothing: no rate and no fee could be read.
var ErrNothing = errors.New("market: no source answered")

// Market reads every price and fee level now.
func (s *Source) Market(ctx context.Context) (sg.MarketSnapshot, error) {
	snap := sg.MarketSnapshot{Prices: map[string]string{}, Fees: map[string]sg.FeeLevel{}}
	var firstErr error
	keep := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	cur := append([]string(nil), s.Currencies...)
	sort.Strings(cur)
	for _, c := range cur {
		r, err := s.Rates.Rate(ctx, c)
		if err != nil {
			keep(err)
			continue
		}
		snap.Prices[c] = r.PerUSDT
	}
	for chain, q := range s.Quoters {
		fee, network, err := q.Quote(ctx, s.QuoteTo[chain], s.Amount)
		if err != nil {
			keep(err)
			continue
		}
		snap.Fees[string(chain)] = sg.FeeLevel{Fee: fee.String(), Network: network}
	}
	if len(snap.Prices) == 0 && len(snap.Fees) == 0 {
		if firstErr == nil {
			firstErr = ErrNothing
		}
		return snap, firstErr
	}
	return snap, nil
}
