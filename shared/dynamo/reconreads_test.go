package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Reconciliation's batched reads give what the one-at-a-time reads give:
// AccountBalances (BatchGetItem over every shard of many accounts, one
// with none) equals AccountBalance account by account, and
// TenantTransferPages hands over exactly the tenant's transfers.
func TestReconBatchedReads(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local; reconciliation's tests run on the twin under -short")
	st := dynamo.New(db, contractTable(t, db))
	ctx := context.Background()
	tenant := fmt.Sprintf("ten_%d", time.Now().UnixNano())
	at := time.Now().UTC()
	var accts []sg.Account
	var shards []int
	var ids []string
	for i := range 130 { // more keys than one BatchGetItem takes
		a := sg.WalletAccount(tenant, fmt.Sprintf("wal_%03d", i), sg.Ethereum, sg.USDT)
		sh := 1
		if i%10 == 0 {
			sh = 4 // a high-volume wallet: its balance in shards
		}
		accts, shards = append(accts, a), append(shards, sh)
		if i == 7 {
			continue // no balance item at all
		}
		tr := sg.Transfer{ID: sg.NewKeyedID("txn", at, tenant, "rr", fmt.Sprint(i)), TenantID: tenant, Type: sg.TransferDeposit, State: sg.StatePosted,
			Chain: sg.Ethereum, Asset: sg.USDT, Amount: sg.Amount(100 + i), ToWallet: a.Wallet, CreatedAt: at, UpdatedAt: at, RequestHash: "h",
			Events: []sg.Event{{State: sg.StatePosted, At: at}}, Entry: sg.Entry{Postings: []sg.Posting{
				{Account: sg.SystemAccount(sg.SysDevFaucet, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: -sg.Amount(100 + i)},
				{Account: a, Bucket: sg.Available, Delta: sg.Amount(100 + i), Shards: sh}}}}
		if err := st.Ledger.ApplyTransfer(ctx, tr); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tr.ID)
	}
	got, err := st.Ledger.AccountBalances(ctx, accts, shards)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range accts {
		want, err := st.Ledger.AccountBalance(ctx, a, shards[i])
		if err != nil {
			t.Fatal(err)
		}
		if got[i] != want {
			t.Fatalf("%s: batched %+v, alone %+v", a.Wallet, got[i], want)
		}
	}
	if got[7].Available != 0 || got[8].Available != 108 {
		t.Fatalf("balances %+v, %+v; want 0 and 108", got[7], got[8])
	}
	var paged []string
	if err := st.Ledger.TenantTransferPages(ctx, tenant, func(ts []sg.Transfer) error {
		for _, tr := range ts {
			paged = append(paged, tr.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(paged)
	slices.Sort(ids)
	if !slices.Equal(paged, ids) {
		t.Fatalf("TenantTransferPages gave %d transfers; want the tenant's %d", len(paged), len(ids))
	}
}
