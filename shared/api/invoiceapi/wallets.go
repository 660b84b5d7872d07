package invoiceapi

import (
	"context"

	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// WalletEnsurer is what InvoiceWallets needs of the wallet service.
type WalletEnsurer interface {
	Ensure(ctx context.Context, tenant string, idem wallet.Idem, in wallet.CreateInput) (sg.Wallet, error)
}

var _ WalletEnsurer = (*wallet.Service)(nil)

// InvoiceWallets makes an invoice's wallet with the wallet service
// (sg.InvoiceAddresses): an ordinary wallet of the tenant's, so watchers,
// confirmations, balances and sweeps treat its deposits as every other.
// The wallet is created under an idempotency key made from the invoice id
// (one no API request can send: it holds a space), so a retried invoice
// create gets the same wallet and never a second one.
type InvoiceWallets struct {
	Wallets WalletEnsurer
}

var _ sg.InvoiceAddresses = InvoiceWallets{}

// NewInvoiceWallet implements sg.InvoiceAddresses.
func (w InvoiceWallets) NewInvoiceWallet(ctx context.Context, tenant, invoiceID string, _ []sg.Chain) (sg.Wallet, error) {
	kp, ok := sg.KeyPart("inv", invoiceID)
	if !ok {
		return sg.Wallet{}, sg.Internal("invoiceapi.NewInvoiceWallet", errNotInvoice)
	}
	idem := wallet.Idem{Key: "invoice " + kp, Hash: "invoice-wallet " + invoiceID}
	in := wallet.CreateInput{CustomerRef: "invoice:" + invoiceID, Label: "Invoice " + invoiceID, Metadata: map[string]string{"invoice_id": invoiceID}}
	return w.Wallets.Ensure(ctx, tenant, idem, in)
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errNotInvoice = constErr("invoiceapi: not an invoice wallet")
