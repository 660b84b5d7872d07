package ledger

import (
	"context"
	"fmt"
	"math/big"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SeenDeposit is one token transfer into a deposit address as either
// chain's watcher reports it, reduced to what the ledger needs.
type SeenDeposit struct {
	Chain sg.Chain
	// To is the deposit address as the chain's sweeper marks it (lower-case
	// hex on Ethereum, base58 on Tron); owners are looked up lower-case.
	To string
	// Amount is the token's base units as its event says.
	Amount *big.Int
	// Ref identifies the event on its branch of the chain (see ChainDeposit).
	Ref   string
	Block uint64
	// TxHash names the transfer's transaction and From its sender ("" when
	// the watcher does not say), for the listener's receipts.
	TxHash string
	From   string
	// Confirmations is how deep the deposit is when reported (0: unknown).
	Confirmations int
}

// SweepMarks records confirmed deposits for a sweeper (sg.SweepMarker).
type SweepMarks = sg.SweepMarker

// DepositSink credits the ledger from a chain's deposit watcher, the same
// way on every chain: a deposit seen is credited pending, a confirmed one
// made available and (with Marks) its address marked for the sweeper, one
// whose block left the chain reversed. With Screen, a deposit whose
// sender's screening hits is held in the platform's quarantine instead:
// never in the wallet's balance, never sent back by itself, never told to
// the listener (so it settles no invoice), until an officer releases it.
type DepositSink struct {
	Deposits *Deposits
	// Owners finds deposit addresses' wallets (Owners, or OwnerMap).
	Owners OwnerLookup
	// Marks, when set, marks confirmed deposits' addresses for the
	// sweeper under Scope.
	Marks SweepMarks
	Scope string
	// Screen, when set, screens each deposit's sender before the ledger
	// first credits it (seen) and again before it makes a clear one
	// available (confirmed: the list may have changed in between). A hit
	// opens its case (by key, so asking again names the same case) and
	// quarantines the deposit; a screening that cannot be made (no list
	// loaded) fails the call, so the watcher repeats it and nothing is
	// credited unscreened.
	Screen sg.DepositScreen
	// Listener, when set, hears of every deposit that is not quarantined
	// after the ledger (and the sweep mark) recorded it: the acquiring
	// service settles the invoice whose wallet took it, the monitor
	// records it (Listeners fans out to several). Its error fails the
	// call, so the watcher repeats it; both sides are idempotent by the
	// deposit's Ref.
	Listener sg.DepositListener
}

// Listeners tells each listener of a deposit in turn; the first error
// stops (the watcher repeats the call, and each listener is idempotent by
// Ref and State).
type Listeners []sg.DepositListener

// OnDeposit tells d to each listener.
func (ls Listeners) OnDeposit(ctx context.Context, d sg.WalletDeposit) error {
	for _, l := range ls {
		if l == nil {
			continue
		}
		if err := l.OnDeposit(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// walletDeposit is d as listeners and the screen see it, in state st.
func walletDeposit(c ChainDeposit, d SeenDeposit, st sg.DepositState) sg.WalletDeposit {
	return sg.WalletDeposit{Tenant: c.Tenant, Wallet: c.Wallet, Chain: c.Chain, Address: d.To, From: d.From,
		Amount: c.Amount, Ref: c.Ref, TxHash: d.TxHash, Block: c.Block, State: st, Confirmations: d.Confirmations}
}

// tell reports d to the listener in state st.
func (s DepositSink) tell(ctx context.Context, c ChainDeposit, d SeenDeposit, st sg.DepositState) error {
	if s.Listener == nil {
		return nil
	}
	return s.Listener.OnDeposit(ctx, walletDeposit(c, d, st))
}

// screen asks the screen about d's sender and records a hit on c.
func (s DepositSink) screen(ctx context.Context, c *ChainDeposit, d SeenDeposit, st sg.DepositState) error {
	if s.Screen == nil {
		return nil
	}
	dec, err := s.Screen.ScreenWalletDeposit(ctx, walletDeposit(*c, d, st))
	if err != nil {
		return err
	}
	c.Quarantine = QuarantineOf(dec)
	return nil
}

// credit is d as the ledger records it. An amount an Amount cannot hold is
// refused (USDT's supply fits many times over: such an event is not USDT's).
func (s DepositSink) credit(d SeenDeposit) (ChainDeposit, sg.AddressOwner, error) {
	var o sg.AddressOwner
	if s.Owners != nil {
		o, _ = s.Owners.Owner(d.To)
	}
	amount, err := sg.AmountOf(d.Amount)
	if err != nil {
		return ChainDeposit{}, o, sg.Internal("ledger.deposit", fmt.Errorf("%s deposit %s of %s base units: %w", d.Chain, d.Ref, d.Amount, err))
	}
	return ChainDeposit{Tenant: o.Tenant, Wallet: o.Wallet, Chain: d.Chain, Asset: sg.USDT, Amount: amount, Ref: d.Ref, Block: d.Block}, o, nil
}

// Seen credits a deposit as pending: screened first (once: a deposit
// already recorded keeps its first record), to the quarantine on a hit.
func (s DepositSink) Seen(ctx context.Context, d SeenDeposit) error {
	c, _, err := s.credit(d)
	if err != nil {
		return err
	}
	if _, ok, err := s.Deposits.Recorded(ctx, c); err != nil {
		return err
	} else if !ok {
		if err := s.screen(ctx, &c, d, sg.DepositSeen); err != nil {
			return err
		}
	}
	t, err := s.Deposits.Seen(ctx, c)
	if err != nil || Quarantined(t) {
		return err
	}
	return s.tell(ctx, c, d, sg.DepositSeen)
}

// Confirm makes a deposit available and, with Marks, marks its address for
// the next sweep (after the credit: a crash between the two leaves the
// tokens where they are until the address's next deposit, never lost). A
// deposit held at seen, or whose sender's screening hits now, is
// quarantined instead: not marked, not told.
func (s DepositSink) Confirm(ctx context.Context, d SeenDeposit) error {
	c, o, err := s.credit(d)
	if err != nil {
		return err
	}
	rec, ok, err := s.Deposits.Recorded(ctx, c)
	if err != nil {
		return err
	}
	if ok && rec.State == sg.StatePending && !Quarantined(rec) {
		if err := s.screen(ctx, &c, d, sg.DepositConfirmed); err != nil {
			return err
		}
	}
	t, err := s.Deposits.Confirm(ctx, c)
	if err != nil || Quarantined(t) {
		return err
	}
	if s.Marks != nil {
		if err := s.Marks.MarkForSweep(ctx, s.Scope, d.To, o.Index, c.Ref); err != nil {
			return err
		}
	}
	return s.tell(ctx, c, d, sg.DepositConfirmed)
}

// Reverse takes back a deposit whose block left the chain (from the
// quarantine if it was held there: then the listener, which never heard
// of it, is not told).
func (s DepositSink) Reverse(ctx context.Context, d SeenDeposit) error {
	c, _, err := s.credit(d)
	if err != nil {
		return err
	}
	t, err := s.Deposits.Reverse(ctx, c)
	if err != nil || heldAtSeen(t) {
		return err
	}
	return s.tell(ctx, c, d, sg.DepositReversed)
}
