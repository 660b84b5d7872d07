package invoiceapi

import (
	"context"
	"encoding/json"
	"net/http"

	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// WalletCreator is what InvoiceWallets needs of the wallet service.
type WalletCreator interface {
	Create(ctx context.Context, tenant string, idem wallet.Idem, in wallet.CreateInput, render wallet.Render) (wallet.Rendered, error)
	Get(ctx context.Context, tenant, id string) (sg.Wallet, error)
}

var _ WalletCreator = (*wallet.Service)(nil)

// InvoiceWallets makes an invoice's wallet with the wallet service
// (sg.InvoiceAddresses): an ordinary wallet of the tenant's, so watchers,
// confirmations, balances and sweeps treat its deposits as every other.
// The wallet is created under an idempotency key made from the invoice id
// (one no API request can send: it holds a space), so a retried invoice
// create gets the same wallet and never a second one.
type InvoiceWallets struct {
	Wallets WalletCreator
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
	r, err := w.Wallets.Create(ctx, tenant, idem, in, func(wal sg.Wallet) (int, []byte, error) {
		b, err := json.Marshal(walletRef{ID: wal.ID})
		return http.StatusCreated, b, err
	})
	if err != nil {
		return sg.Wallet{}, err
	}
	var ref walletRef
	if err := json.Unmarshal(r.Body, &ref); err != nil || ref.ID == "" {
		return sg.Wallet{}, sg.Internal("invoiceapi.NewInvoiceWallet", errNotInvoice)
	}
	return w.Wallets.Get(ctx, tenant, ref.ID)
}

// walletRef is what the wallet service keeps as the creation's answer.
type walletRef struct {
	ID string `json:"id"`
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errNotInvoice = constErr("invoiceapi: not an invoice wallet")
