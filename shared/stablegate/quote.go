package stablegate

import (
	"context"
	"time"
)

// FeeQuote is the network fee of one payout as the chain prices it now,
// in the asset's base units, honoured by a withdrawal that names it before
// ExpiresAt. Network holds the chain's own figures (gas and fee per gas in
// wei on Ethereum; energy, bandwidth and their prices in sun on Tron).
type FeeQuote struct {
	ID        string
	TenantID  string
	Chain     Chain
	Asset     Asset
	ToAddress string
	Amount    Amount
	Fee       Amount
	Network   map[string]string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// QuoteTTL is how long a fee quote is honoured.
const QuoteTTL = 60 * time.Second

// FeeQuoter prices a payout's network fee on one chain.
type FeeQuoter interface {
	// Quote returns the fee (in the asset's base units) and the chain's
	// own figures for a payout of amount to to.
	Quote(ctx context.Context, to string, amount Amount) (Amount, map[string]string, error)
}

// Named rejections of quoted withdrawals.
var (
	// ErrQuoteNotFound: the quote does not exist for this tenant.
	ErrQuoteNotFound = &Error{Kind: KindNotFound, Code: "fee_quote_not_found", Message: "no such fee quote", Param: "quote_id"}
	// ErrQuoteExpired: the quote is past its expires_at.
	ErrQuoteExpired = &Error{Kind: KindRefused, Code: "fee_quote_expired", Message: "the fee quote has expired; ask for a new one", Param: "quote_id"}
	// ErrQuoteMismatch: the withdrawal's chain, destination or amount is not the quote's.
	ErrQuoteMismatch = &Error{Kind: KindInvalid, Code: "fee_quote_mismatch", Message: "the fee quote was made for another chain, destination or amount", Param: "quote_id"}
	// ErrChainNotConfigured: the deployment has no endpoint for the chain.
	ErrChainNotConfigured = &Error{Kind: KindRefused, Code: "chain_not_configured", Message: "this deployment has no endpoint for the chain", Param: "chain"}
)
