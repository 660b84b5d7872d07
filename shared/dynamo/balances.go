package dynamo

import (
	"context"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Balances reads the balance of each account of the wallet (one per chain
// it has an address on), all shards summed; accounts nothing has moved
// through yet read as zero.
func (st *Ledger) Balances(ctx context.Context, w sg.Wallet) ([]sg.Balance, error) {
	out := make([]sg.Balance, 0, len(w.Addresses))
	for _, a := range w.Addresses {
		b, err := st.AccountBalance(ctx, sg.WalletAccount(w.TenantID, w.ID, a.Chain, a.Asset), w.Shards())
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
