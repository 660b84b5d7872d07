package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// scanCounter counts the items the index queries read (ScannedCount:
// what DynamoDB charges for, before any filter).
type scanCounter struct {
	*dynamodb.Client
	read atomic.Int64
}

func (c *scanCounter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.Client.Query(ctx, in, o...)
	if err == nil && aws.ToString(in.IndexName) == "GSI1" {
		c.read.Add(int64(out.ScannedCount))
	}
	return out, err
}

// Hold expiry reads the open withdrawals in the order of their deadlines
// and stops at now: with many payouts open for days (waiting for their
// approvers, their chain, or holding a nonce), the job reads the due ones
// only. A move re-keys a record: a wait for approvals that ends before the
// hold makes it due then, a nonce taken or a signature takes it out of the
// order, a final state out of the index.
func TestExpiredHoldsReadOnlyWhatIsDue(t *testing.T) {
	db := &scanCounter{Client: localDB(t, "needs DynamoDB Local; the twin's ExpiredHolds runs in the contract under -short")}
	st := dynamo.New(db, contractTable(t, db.Client))
	ctx := context.Background()
	tenant := "ten_" + fmt.Sprint(time.Now().UnixNano())
	acct := sg.WalletAccount(tenant, "wal_exp", sg.Ethereum, sg.USDT)
	now := time.Now().UTC().Truncate(time.Microsecond)
	at := now.Add(-2 * time.Hour)
	mk := func(key string, typ sg.TransferType, state sg.TransferState, ps ...sg.Posting) sg.Transfer {
		return sg.Transfer{ID: sg.NewKeyedID("txn", at, tenant, "exp", key), TenantID: tenant, Type: typ, State: state,
			Chain: sg.Ethereum, Asset: sg.USDT, Amount: 10, CreatedAt: at, UpdatedAt: at, RequestHash: "h",
			Events: []sg.Event{{State: state, At: at}}, Entry: sg.Entry{Postings: ps}}
	}
	fund := mk("fund", sg.TransferDeposit, sg.StatePosted,
		sg.Posting{Account: sg.SystemAccount(sg.SysDevFaucet, sg.Ethereum, sg.USDT), Bucket: sg.Available, Delta: -1000},
		sg.Posting{Account: acct, Bucket: sg.Available, Delta: 1000, Shards: 1})
	fund.ToWallet = "wal_exp"
	if err := st.Ledger.ApplyTransfer(ctx, fund); err != nil {
		t.Fatal(err)
	}
	hold := func(key string, expires time.Time) sg.Transfer {
		tr := mk(key, sg.TransferWithdrawal, sg.StatePending,
			sg.Posting{Account: acct, Bucket: sg.Available, Delta: -10, Shards: 1},
			sg.Posting{Account: acct, Bucket: sg.Held, Delta: 10, Shards: 1})
		tr.FromWallet, tr.ToAddress, tr.ExpiresAt = "wal_exp", "0x00000000000000000000000000000000000b0b01", expires
		if err := st.Ledger.ApplyTransfer(ctx, tr); err != nil {
			t.Fatal(err)
		}
		return tr
	}
	move := func(tr sg.Transfer, from, to sg.TransferState, m sg.Move) {
		m.From, m.To, m.Event = from, to, sg.Event{State: to, At: now}
		if err := st.Ledger.Transition(ctx, tenant, tr.ID, m); err != nil {
			t.Fatalf("%s to %s: %v", tr.ID, to, err)
		}
	}
	const open = 30
	for i := range open { // open for days: not due
		hold(fmt.Sprintf("open-%d", i), now.Add(72*time.Hour))
	}
	lapsed := hold("lapsed", now.Add(-time.Minute))
	waited := hold("waited", now.Add(72*time.Hour)) // its wait ends first
	move(waited, sg.StatePending, sg.StateAwaitingApproval, sg.Move{Approvals: &sg.ApprovalWait{Required: 2, Deadline: now.Add(-time.Minute)},
		Due: now.Add(-time.Minute)})
	nonced := hold("nonced", now.Add(-time.Minute)) // lapsed, but holds a nonce
	move(nonced, sg.StatePending, sg.StateApproved, sg.Move{Due: nonced.ExpiresAt})
	if _, err := st.Withdrawals.AllocateNonce(ctx, sg.Ethereum, "0x00000000000000000000000000000000000a11ce", nonced.ID, 0, dynamo.NonceClaim{},
		&sg.NonceGuard{Tenant: tenant, TransferID: nonced.ID, States: []sg.TransferState{sg.StateApproved}}); err != nil {
		t.Fatal(err)
	}
	signed := hold("signed", now.Add(-time.Minute)) // lapsed before it was signed: no longer lapses
	move(signed, sg.StatePending, sg.StateApproved, sg.Move{Due: signed.ExpiresAt})
	move(signed, sg.StateApproved, sg.StateSigned, sg.Move{Due: signed.ExpiresAt})
	ended := hold("ended", now.Add(-time.Minute))
	move(ended, sg.StatePending, sg.StateCancelled, sg.Move{Entry: sg.Entry{Postings: []sg.Posting{
		{Account: acct, Bucket: sg.Held, Delta: -10, Shards: 1}, {Account: acct, Bucket: sg.Available, Delta: 10, Shards: 1}}}})

	want := []string{lapsed.ID, waited.ID}
	slices.Sort(want)
	var got []string
	var read int64
	for deadline := time.Now().Add(30 * time.Second); ; { // the index is eventually consistent
		db.read.Store(0)
		ts, err := st.Withdrawals.ExpiredHolds(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		read, got = db.read.Load(), nil
		for _, tr := range ts {
			got = append(got, tr.ID)
		}
		slices.Sort(got)
		if slices.Equal(got, want) && read == int64(len(want)) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ExpiredHolds found %v; want %v", got, want)
	}
	if read != int64(len(want)) {
		t.Fatalf("ExpiredHolds read %d index items for %d due (of %d open): it must read only what is due", read, len(want), open+4)
	}
	// Stalled payouts are still found among all the open ones.
	if ts, err := st.Withdrawals.StalledWithdrawals(ctx, now); err != nil || len(ts) < open {
		t.Fatalf("StalledWithdrawals found %d (%v); want the %d pending ones at least", len(ts), err, open)
	}
}
