// Package marketfn builds the market publisher, which prices fees from the
// hot address (read from KMS) and so is apart from pushfn: the stream push
// and the WebSocket routes link no KMS client.
package marketfn

import (
	"context"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/fn/acquirefn/acquiretable"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/pushfn"
	"github.com/stablegate/stablegate/shared/fn/quotefn/quoters"
	"github.com/stablegate/stablegate/shared/fxrate"
	"github.com/stablegate/stablegate/shared/market"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// MarketPublish builds the scheduled market publisher (the WebSocket market
// channel, push.Service.PublishMarket): prices from MARKET_FX_URL (an HTTP
// JSON rate source read at MARKET_FX_FIELD, "rates.{currency}" by default)
// or, without one, the static FX_RATES; currencies MARKET_CURRENCIES
// (comma-separated; default those FX_RATES prices); fee levels from the
// fee quoters of the served chains, pricing a 100 USDT payout to the hot
// address at ETH_PRICE_USDT and TRX_PRICE_USDT.
func MarketPublish(ctx context.Context, env core.Env) (core.Job, error) {
	return hotkeyfn.JobOnHotKey(marketPublish)(ctx, env)
}

func marketPublish(ctx context.Context, env core.Env) (core.Job, error) {
	s, _, err := pushfn.Service(env)
	if err != nil {
		return nil, err
	}
	static, err := acquiretable.Rates(env)
	if err != nil {
		return nil, err
	}
	src := &market.Source{Rates: static, Currencies: static.Currencies(), QuoteTo: map[sg.Chain]string{}, Amount: 100_000_000}
	if u := env("MARKET_FX_URL"); u != "" {
		field := env("MARKET_FX_FIELD")
		if field == "" {
			field = "rates.{currency}"
		}
		src.Rates = &fxrate.HTTP{URL: u, Field: field, Timeout: 5 * time.Second}
	}
	if c := env("MARKET_CURRENCIES"); c != "" {
		src.Currencies = strings.Split(c, ",")
	}
	served, err := hotkeyfn.ServedChains(ctx, env)
	if err != nil {
		return nil, err
	}
	if src.Quoters, err = quoters.For(env, served); err != nil {
		return nil, err
	}
	for _, c := range served {
		src.QuoteTo[c.Net.Chain] = c.Hot.Format(c.Net.Chain)
	}
	s.Market = src
	return func(ctx context.Context) (any, error) {
		pushed, err := s.PublishMarket(ctx)
		return map[string]bool{"pushed": pushed}, err
	}, nil
}
