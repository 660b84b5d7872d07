package ledger

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// QuoteStore keeps fee quotes (sg.QuoteStore).
type QuoteStore = sg.QuoteStore

// Quotes prices payouts and remembers the prices for QuoteTTL.
type Quotes struct {
	Store   QuoteStore
	Quoters map[sg.Chain]sg.FeeQuoter
	Now     func() time.Time
}

// Create quotes a payout of amount to to on chain c.
func (q *Quotes) Create(ctx context.Context, tenant string, c sg.Chain, to string, amount sg.Amount) (sg.FeeQuote, error) {
	quoter, ok := q.Quoters[c]
	if !ok {
		return sg.FeeQuote{}, sg.ErrChainNotConfigured
	}
	dst, err := address.Parse(c, to)
	if err != nil {
		return sg.FeeQuote{}, err
	}
	fee, network, err := quoter.Quote(ctx, dst.Format(c), amount)
	if err != nil {
		return sg.FeeQuote{}, err
	}
	now := q.Now().UTC().Truncate(time.Millisecond)
	fq := sg.FeeQuote{ID: sg.NewID("fq", now), TenantID: tenant, Chain: c, Asset: sg.USDT, ToAddress: dst.Format(c), Amount: amount,
		Fee: fee, Network: network, CreatedAt: now, ExpiresAt: now.Add(sg.QuoteTTL)}
	return fq, q.Store.PutQuote(ctx, fq)
}

// honour returns the fee of quote id for the withdrawal in, or why not.
func honour(ctx context.Context, st QuoteStore, now time.Time, tenant, id string, in Withdraw) (sg.Amount, error) {
	if !sg.ValidID("fq", id) {
		return 0, sg.ErrQuoteNotFound
	}
	q, err := st.Quote(ctx, tenant, id)
	if err != nil {
		return 0, err
	}
	if q.Chain != in.Chain || q.Asset != in.Asset || q.ToAddress != in.ToAddress || q.Amount != in.Amount {
		return 0, sg.ErrQuoteMismatch
	}
	if !now.Before(q.ExpiresAt) {
		return 0, sg.ErrQuoteExpired
	}
	return q.Fee, nil
}
