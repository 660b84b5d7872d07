package tron

import (
	"context"
	"encoding/hex"
	"errors"
	"math/big"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ColdStore keeps cold payouts (the domain's port; the dynamo adapter
// implements it).
type ColdStore = sg.ColdStore

// Cold is the Tron side of the platform's cold payouts (package coldapi
// keeps their records): a TRC20 transfer from the Tron cold address, its
// header (reference block, expiration, fee limit) fixed in the bundle when
// it is prepared, signed offline (coldsign), then broadcast and followed
// by a Sender without a signer until its block is solidified. Tron has no
// nonces, so nothing but the expiration ties the bundle to the chain: one
// that comes back too late is refused, and one nobody took before its
// expiration ends failed.
type Cold struct {
	Grid  *Grid
	Store ColdStore
	// Send keeps, broadcasts and follows the offline-signed transfer (its
	// Signer is not used).
	Send    *Sender
	Token   address.Account
	Address address.Account
	// TTL is how long a bundle may be away (at most MaxColdTTL: a Tron
	// transaction expires at most a day after its reference block).
	TTL time.Duration
	// FeeLimit caps the TRX (sun) the transfer may burn (0: 50 TRX).
	FeeLimit int64
	// Hot and Float: a cold payout to the hot address refills it, and is
	// recorded as platform float once solidified.
	Hot   func(ctx context.Context) (address.Account, error)
	Float func(ctx context.Context, amount sg.Amount, ref string) error
	Now   func() time.Time
}

// MaxColdTTL is the longest a Tron cold bundle may be away: its
// transaction expires a minute after the bundle, within Tron's day.
const MaxColdTTL = 23 * time.Hour

// transferBytes is about what a TRC20 transfer takes of bandwidth (its
// raw_data, signature and protobuf overhead).
const transferBytes = 350

func (c *Cold) ttl() time.Duration { return min(c.TTL, MaxColdTTL) }

func (c *Cold) feeLimit() int64 {
	if c.FeeLimit > 0 {
		return c.FeeLimit
	}
	return 50_000_000
}

// Bundle builds the unsigned bundle of r's transfer (r.ID and r.Amount) to
// to from the cold address, on the head block. ErrColdCannotPay if the
// cold account does not exist, holds less USDT than the amount, or cannot
// pay the transfer's energy and bandwidth (with its own resources or TRX,
// within the fee limit); sg.ErrDestinationDenied for a destination where
// the tokens are lost (the token contract, the zero address).
func (c *Cold) Bundle(ctx context.Context, r sg.ColdRecord, to address.Account, purpose string) (sg.ColdRecord, error) {
	switch to {
	case c.Address:
		return r, address.ErrInvalid.WithParam("to_address").WithMessage("the cold address cannot pay itself")
	case c.Token, address.Account{}: // the token contract, the zero address (T9yD14…): tokens lost
		return r, sg.ErrDestinationDenied
	}
	if err := c.canPay(ctx, to, r.Amount); err != nil {
		return r, err
	}
	head, err := c.Grid.NowBlock(ctx, false)
	if err != nil {
		return r, sg.Unavailable("tron.Cold", err)
	}
	rb, rh, err := head.RefBlock()
	if err != nil {
		return r, sg.Unavailable("tron.Cold", err)
	}
	ttl := c.ttl()
	b := airgap.TronCold{Format: airgap.FormatTronCold, ID: r.ID, Chain: string(sg.Tron), From: c.Address.Tron(), Token: c.Token.Tron(),
		RefBlockBytes: hex.EncodeToString(rb[:]), RefBlockHash: hex.EncodeToString(rh[:]),
		// The transaction expires a minute after the bundle, so one
		// imported in time can still be sent.
		Timestamp: head.Timestamp, Expiration: head.Timestamp + ttl.Milliseconds() + 60_000, FeeLimit: c.feeLimit(),
		Summary:   airgap.Summary{Amount: r.Amount.String(), Asset: string(sg.USDT), To: to.Tron(), Purpose: purpose},
		ExpiresAt: r.CreatedAt.Add(ttl).Truncate(time.Second)}
	if err := b.ComputeTxID(); err != nil {
		return r, sg.Internal("tron.Cold", err)
	}
	r.Chain, r.Bundle, r.ExpiresAt, r.To = string(sg.Tron), airgap.Marshal(b), b.ExpiresAt, to.Tron()
	return r, nil
}

// canPay checks the cold account can make the transfer now: it exists,
// holds the USDT, and can pay the energy (its own, else TRX burnt within
// the fee limit) and the bandwidth.
func (c *Cold) canPay(ctx context.Context, to address.Account, amount sg.Amount) error {
	from := c.Address.Tron()
	acct, err := c.Grid.Account(ctx, from)
	if err != nil {
		return sg.Unavailable("tron.Cold", err)
	}
	if !acct.Exists {
		return sg.ErrColdCannotPay.WithMessage("the Tron cold address %s has no account on chain (send it TRX first)", from)
	}
	bal, err := c.Grid.TRC20Balance(ctx, from, c.Token.Tron())
	if err != nil {
		return sg.Unavailable("tron.Cold", err)
	}
	if bal.Cmp(big.NewInt(int64(amount))) < 0 {
		held, _ := sg.AmountOf(bal) // below the amount, so it fits
		return sg.ErrColdCannotPay.WithMessage("the Tron cold address holds %s USDT", held)
	}
	energy, err := c.Grid.EstimateEnergy(ctx, from, c.Token.Tron(), erc20.Transfer(to, big.NewInt(int64(amount))))
	if err != nil {
		return sg.ErrColdCannotPay.WithMessage("the node cannot run the transfer from the Tron cold address")
	}
	res, err := c.Grid.AccountResources(ctx, from)
	if err != nil {
		return sg.Unavailable("tron.Cold", err)
	}
	prices, err := c.Grid.Prices(ctx)
	if err != nil {
		return sg.Unavailable("tron.Cold", err)
	}
	burn := max(energy-res.Energy, 0) * prices.Energy
	need := burn
	if res.FreeNet+res.Net < transferBytes {
		need += transferBytes * prices.Bandwidth
	}
	if burn > c.feeLimit() || need > acct.TRX {
		return sg.ErrColdCannotPay.WithMessage("the Tron cold address cannot pay the network fee (about %s TRX; it holds %s TRX)",
			sg.Amount(need), sg.Amount(acct.TRX))
	}
	return nil
}

// Signed checks a signed bundle file against r: exactly the bundle
// prepared, from the deployment's Tron cold address, its signature that
// address's. It returns the transaction as broadcasttransaction takes it,
// and its id.
func (c *Cold) Signed(r sg.ColdRecord, file []byte) ([]byte, string, error) {
	s, err := airgap.ParseTronColdSigned(file)
	if err != nil {
		return nil, "", err
	}
	if string(airgap.Marshal(s.Bundle)) != string(r.Bundle) {
		return nil, "", sg.ErrColdBundleMismatch
	}
	if s.Bundle.From != c.Address.Tron() {
		return nil, "", sg.ErrColdBundleMismatch.WithMessage("the bundle pays from %s, not the deployment's Tron cold address", s.Bundle.From)
	}
	body, err := s.Transaction()
	if err != nil {
		return nil, "", err
	}
	return body, s.Bundle.TxID, nil
}

// Advance moves a signed cold payout on: broadcast, then confirmed once
// its block is solidified, or failed (it ran and failed, or expired
// untaken). It reports whether the payout has ended.
func (c *Cold) Advance(ctx context.Context, tenant, id string) (bool, error) {
	for range 3 {
		r, err := c.Store.ColdBundle(ctx, tenant, id, false)
		if err != nil {
			return false, err
		}
		switch r.State {
		case sg.ColdSigned:
			if err := c.Send.Broadcast(ctx, id); err != nil {
				return false, err
			}
			if err := c.Store.MoveCold(ctx, r, sg.ColdSigned, sg.ColdSent, ""); err != nil && !errors.Is(err, sg.ErrStateChanged) {
				return false, err
			}
		case sg.ColdSent:
			st, err := c.Send.Follow(ctx, id, nil)
			switch {
			case err != nil:
				return false, err
			case st.Expired || st.Found && !st.Success:
				return true, c.Store.MoveCold(ctx, r, sg.ColdSent, sg.ColdFailed, st.TxID)
			case !st.Found || !st.Solid:
				return false, nil
			}
			if c.Hot != nil && c.Float != nil {
				hot, err := c.Hot(ctx)
				if err != nil {
					return false, err
				}
				if hot.Tron() == r.To {
					if err := c.Float(ctx, r.Amount, "cold-"+id); err != nil {
						return false, err
					}
				}
			}
			err = c.Store.MoveCold(ctx, r, sg.ColdSent, sg.ColdDone, st.TxID)
			return err == nil, err
		default:
			return true, nil
		}
	}
	return false, nil
}
