package dynamo

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Bulk loads: items in the form the stores write them, for a bench or a
// migration that writes many at once (BatchWriteItem) rather than one
// transaction each. They carry no idempotency record and no history line,
// and the caller keeps balances and transfers in agreement.

// TransferItem is t's record.
func (st *Table) TransferItem(t sg.Transfer) (map[string]types.AttributeValue, error) {
	return st.transferItem(t)
}

// BalanceItem is one shard of an account's balance.
func BalanceItem(a sg.Account, shard int, b sg.Balance) map[string]types.AttributeValue {
	it := balanceKey(a, shard)
	it["type"], it["chain"], it["asset"] = s("balance"), s(string(a.Chain)), s(string(a.Asset))
	it[attrGSI2PK] = s(balanceIndexKey(getS(it, attrPK)))
	if !a.IsSystem() {
		it["wallet_id"] = s(a.Wallet)
	}
	it["available"], it["pending"], it["held"] = n(int64(b.Available)), n(int64(b.Pending)), n(int64(b.Held))
	return it
}

// WalletItem is w's record, its reference unsealed (a table without
// envelope encryption).
func WalletItem(w sg.Wallet) map[string]types.AttributeValue {
	addrs := make([]types.AttributeValue, 0, len(w.Addresses))
	for _, a := range w.Addresses {
		addrs = append(addrs, &types.AttributeValueMemberM{Value: item{
			"chain": s(string(a.Chain)), "asset": s(string(a.Asset)), "address": s(a.Address), "path": s(a.Path), "scheme": s(a.Scheme),
		}})
	}
	it := item{
		attrPK: s(tenantPK(w.TenantID)), attrSK: s(walletPrefix + w.ID), "type": s("wallet"), "id": s(w.ID),
		"tenant": s(w.TenantID), "hd_index": n(int64(w.Index)), "customer_ref": s(w.CustomerRef),
		"addresses": &types.AttributeValueMemberL{Value: addrs}, "created_at": s(w.CreatedAt.UTC().Format(time.RFC3339Nano)),
	}
	if w.HighVolume {
		it["high_volume"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	return it
}
