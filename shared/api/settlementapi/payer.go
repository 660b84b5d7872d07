package settlementapi

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/settlepay"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// The payers are package settlepay's (the settlements-close job links no
// routes); these names keep the routes' and tests' spelling.
type (
	Payer      = settlepay.Payer
	BatchPayer = settlepay.BatchPayer
	TierCheck  = settlepay.TierCheck
	OwnTravel  = settlepay.OwnTravel
)

// The payers' idempotency operations.
const (
	OpPay      = settlepay.OpPay
	OpPayBatch = settlepay.OpPayBatch
)

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
