package settlementapi

import (
	"context"
	"strconv"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// Payer pays a closed settlement as ONE payout through the withdrawal
// pipeline (sg.SettlementPayer): a withdrawal of the settlement's net from
// the tenant's settlement wallet to its destination, so it meets the same
// freezes, policy chain (custody rules, screening, travel rule, limits),
// approvals and liquidity waits as any withdrawal, and never a side door.
// The port is one method: a batch payer (one multisend transaction for
// many settlements) can take its place without the settlement service
// changing.
type Payer struct {
	W   *ledger.Withdrawals
	Svc *settlement.Service
}

var _ sg.SettlementPayer = Payer{}

// OpPay names the payout's idempotency key: one per settlement attempt.
const OpPay = "settlement.pay"

// Pay implements sg.SettlementPayer: idempotent by (settlement, attempt),
// so a retried call returns the payout the first made.
func (p Payer) Pay(ctx context.Context, stl sg.Settlement) (string, error) {
	if stl.Totals.Net <= 0 {
		return "", sg.ErrAmountNotPositive
	}
	fee := sg.Amount(0)
	if p.W.Fee != nil {
		fee = p.W.Fee(stl.Chain)
	}
	walletID, err := p.Svc.PayoutWallet(ctx, stl, fee)
	if err != nil {
		return "", err
	}
	attempt := strconv.Itoa(stl.Attempt)
	key := "settlement " + stl.ID + " " + attempt // holds a space: no API request can send it
	hash := sg.KeyHash(stl.TenantID, OpPay, key)
	r, err := p.W.Create(ctx, stl.TenantID, key, hash, ledger.Withdraw{Wallet: walletID, Chain: stl.Chain, Asset: sg.USDT,
		ToAddress: stl.Destination.Address, Amount: stl.Totals.Net, Memo: "settlement " + stl.ID,
		Metadata: map[string]string{"settlement_id": stl.ID, "attempt": attempt}, RequestedBy: "settlement"})
	if err != nil {
		return "", err
	}
	return r.Transfer.ID, nil
}

// WalletEnsurer is what Wallets needs of the wallet service.
type WalletEnsurer interface {
	Ensure(ctx context.Context, tenant string, idem wallet.Idem, in wallet.CreateInput) (sg.Wallet, error)
}

var _ WalletEnsurer = (*wallet.Service)(nil)

// Wallets makes a tenant's settlement wallet with the wallet service: an
// ordinary wallet of the tenant's (balances, statements and freezes apply
// as to any other), created under a key no API request can send (it holds
// a space), so every call gets the one wallet.
type Wallets struct {
	Wallets WalletEnsurer
}

var _ SettlementWallets = Wallets{}

// SettlementWallet implements SettlementWallets.
func (w Wallets) SettlementWallet(ctx context.Context, tenant string) (sg.Wallet, error) {
	idem := wallet.Idem{Key: "settlement wallet", Hash: "settlement-wallet " + tenant}
	in := wallet.CreateInput{CustomerRef: "settlement", Label: "Settlement", Metadata: map[string]string{"purpose": "settlement"}}
	return w.Wallets.Ensure(ctx, tenant, idem, in)
}
