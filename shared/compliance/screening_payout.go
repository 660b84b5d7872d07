package compliance

import (
	"context"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ScreenedPayout guards a chain's payout adapter (sg.Payout): Sign
// screens the destination again right before signing, against the list
// in use then. The policy step screened it when the payout was created,
// but a payout may wait for approvals (up to 7 days) or a signer while a
// new list is published; this is the last check before a key is used. A
// hit opens its case (the same one, by key, if screening already did)
// and Sign returns the named refusal: nothing is signed, no nonce is
// taken, and the payout stays unsigned until the ledger rejects it or its
// hold lapses. Broadcast and Receipt pass through.
type ScreenedPayout struct {
	sg.Payout
	Screening *Screening
}

var _ sg.Payout = ScreenedPayout{}

// Sign screens t's destination, then signs with the adapter.
//
// A payout that already holds a nonce of the hot address is signed without
// screening again: it was screened clean by this guard right before its
// nonce was taken (an attempt that stopped between the nonce and the
// signature), so the decision to pay was made then, against the list in
// use then. Its nonce must get its transaction: refusing it now would
// leave a gap no later payout of the hot address can pass, stalling every
// one of them behind a payout that can never be sent.
func (p ScreenedPayout) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	if t.NonceHeld {
		return p.Payout.Sign(ctx, t)
	}
	if _, err := p.Screening.ScreenTransfer(ctx, t); err != nil {
		return "", err
	}
	return p.Payout.Sign(ctx, t)
}
