package stablegate

import "errors"

// Refusals and waits of payouts to outside addresses.
var (
	// ErrOwnAddress: the destination is one of the deployment's own
	// addresses (a hot, cold or deposit address). Tokens sent there leave no
	// customer's hands and the chain's holdings stop matching the books.
	ErrOwnAddress = &Error{Kind: KindRefused, Code: "own_address", Param: "to_address",
		Message: "the destination is one of this deployment's own addresses (hot, cold or deposit); move funds between wallets with POST /v1/transfers"}
	// ErrDestinationDenied: tokens sent to the destination are lost (the
	// zero address, a burn address, the token contract itself).
	ErrDestinationDenied = &Error{Kind: KindRefused, Code: "destination_denied", Param: "to_address",
		Message: "tokens sent to this address are lost (the zero address, a burn address or the token contract)"}
	// ErrQuoteUsed: the fee quote was honoured for another withdrawal.
	ErrQuoteUsed = &Error{Kind: KindRefused, Code: "fee_quote_used", Param: "quote_id",
		Message: "this fee quote was used by another withdrawal; a quote is honoured for one withdrawal"}

	// ErrHotWalletShort: the hot wallet's tokens (or its coin for gas) on
	// chain cannot cover the payout now. The payout waits, holding no nonce,
	// and may be cancelled; it goes out once the float is refilled.
	ErrHotWalletShort = &Error{Kind: KindUnavailable, Code: "hot_wallet_short",
		Message: "the hot wallet's balance on chain cannot cover this payout now; it is sent once the float is refilled, and may be cancelled meanwhile"}
	// ErrPayoutWouldRevert: the chain refuses the payout's transaction in
	// simulation (the token blacklists the destination, say). It waits,
	// holding no nonce, and may be cancelled.
	ErrPayoutWouldRevert = &Error{Kind: KindUnavailable, Code: "payout_would_revert",
		Message: "the token contract refuses this transfer in simulation; it is tried again, and may be cancelled meanwhile"}
)

// PayoutWait reports whether err says a payout cannot go out now for a
// reason worth showing on it (and no nonce was taken): the reason, or nil.
func PayoutWait(err error) *Error {
	var e *Error
	if errors.As(err, &e) && (e.Code == ErrHotWalletShort.Code || e.Code == ErrPayoutWouldRevert.Code || e.Code == ErrBatchAssembling.Code) {
		return e
	}
	return nil
}
