package ledger

import (
	"context"
	"fmt"
	"math/big"
	"strings"

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
// whose block left the chain reversed.
type DepositSink struct {
	Deposits *Deposits
	// Owners maps lower-case deposit addresses to their wallets.
	Owners map[string]sg.AddressOwner
	// Marks, when set, marks confirmed deposits' addresses for the
	// sweeper under Scope.
	Marks SweepMarks
	Scope string
	// Listener, when set, hears of every deposit after the ledger (and the
	// sweep mark) recorded it: the acquiring service settles the invoice
	// whose wallet took it. Its error fails the call, so the watcher
	// repeats it; both sides are idempotent by the deposit's Ref.
	Listener sg.DepositListener
}

// tell reports d to the listener in state st.
func (s DepositSink) tell(ctx context.Context, c ChainDeposit, d SeenDeposit, st sg.DepositState) error {
	if s.Listener == nil {
		return nil
	}
	return s.Listener.OnDeposit(ctx, sg.WalletDeposit{Tenant: c.Tenant, Wallet: c.Wallet, Chain: c.Chain, Address: d.To, From: d.From,
		Amount: c.Amount, Ref: c.Ref, TxHash: d.TxHash, Block: c.Block, State: st, Confirmations: d.Confirmations})
}

// credit is d as the ledger records it. An amount an Amount cannot hold is
// refused (USDT's supply fits many times over: such an event is not USDT's).
func (s DepositSink) credit(d SeenDeposit) (ChainDeposit, sg.AddressOwner, error) {
	o := s.Owners[strings.ToLower(d.To)]
	amount, err := sg.AmountOf(d.Amount)
	if err != nil {
		return ChainDeposit{}, o, sg.Internal("ledger.deposit", fmt.Errorf("%s deposit %s of %s base units: %w", d.Chain, d.Ref, d.Amount, err))
	}
	return ChainDeposit{Tenant: o.Tenant, Wallet: o.Wallet, Chain: d.Chain, Asset: sg.USDT, Amount: amount, Ref: d.Ref, Block: d.Block}, o, nil
}

// Seen credits a deposit as pending.
func (s DepositSink) Seen(ctx context.Context, d SeenDeposit) error {
	c, _, err := s.credit(d)
	if err != nil {
		return err
	}
	if _, err = s.Deposits.Seen(ctx, c); err != nil {
		return err
	}
	return s.tell(ctx, c, d, sg.DepositSeen)
}

// Confirm makes a deposit available and, with Marks, marks its address for
// the next sweep (after the credit: a crash between the two leaves the
// tokens where they are until the address's next deposit, never lost).
func (s DepositSink) Confirm(ctx context.Context, d SeenDeposit) error {
	c, o, err := s.credit(d)
	if err != nil {
		return err
	}
	if err := s.Deposits.Confirm(ctx, c); err != nil {
		return err
	}
	if s.Marks != nil {
		if err := s.Marks.MarkForSweep(ctx, s.Scope, d.To, o.Index, c.Ref); err != nil {
			return err
		}
	}
	return s.tell(ctx, c, d, sg.DepositConfirmed)
}

// Reverse takes back a deposit whose block left the chain.
func (s DepositSink) Reverse(ctx context.Context, d SeenDeposit) error {
	c, _, err := s.credit(d)
	if err != nil {
		return err
	}
	if err := s.Deposits.Reverse(ctx, c); err != nil {
		return err
	}
	return s.tell(ctx, c, d, sg.DepositReversed)
}
