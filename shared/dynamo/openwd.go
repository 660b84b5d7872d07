package dynamo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Open withdrawals are indexed, so the jobs that look after them read only
// them, never the whole table: a withdrawal record carries GSI1PK =
// OPENWD#<shard> while it is not final, and the move to a final state
// removes it (the index is sparse). The shard spreads the index over a few
// partitions; the set is what is in flight, not the history. GSI1SK orders
// each shard by when the record next has something that can lapse (its
// hold's expiry, or its wait for approvals when that ends first); records
// where nothing can lapse (holding a nonce, signed, on their chain) sort
// last. The expiry job reads each shard up to now and no further: what it
// reads is what is due, however many payouts wait for approvals or their
// chain. (Records written before the key was a deadline carry their
// creation time: they sort as due and are read until they end.)
const (
	attrGSI1PK = "GSI1PK"
	attrGSI1SK = "GSI1SK"
	gsi1       = "GSI1"
	openShards = 4
)

func openShard(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("OPENWD#%d", h.Sum32()%openShards)
}

// openSort is a new open withdrawal's place in its shard: its hold's expiry.
func openSort(t sg.Transfer) string { return dueSort(t.ExpiresAt, t.ID) }

// dueSort is the index key of a record next due at due (none: the zero
// time), then its id.
func dueSort(due time.Time, id string) string {
	if due.IsZero() {
		return noDue + id
	}
	return fmt.Sprintf("%016d#%s", due.UnixMicro(), id)
}

// noDue sorts after every deadline.
const noDue = "9999999999999999#"

// lapses reports whether a withdrawal in state s has a hold or wait that
// can lapse (unless it holds a nonce).
func lapses(s sg.TransferState) bool {
	return s == sg.StatePending || s == sg.StateApproved || s == sg.StateAwaitingSigner || s == sg.StateAwaitingApproval
}

// voids reports whether a move to state to voids a hold before the payout
// reaches its chain (so it must not happen to one holding a nonce).
func voids(to sg.TransferState) bool {
	return to == sg.StateCancelled || to == sg.StateExpired || to == sg.StateRejected
}

// openWithdrawals reads the open withdrawals matching filter (with vals);
// with before, only those due before it.
func (st *Withdrawals) openWithdrawals(ctx context.Context, op, filter string, vals map[string]types.AttributeValue, before ...time.Time) ([]sg.Transfer, error) {
	var out []sg.Transfer
	for shard := 0; shard < openShards; shard++ {
		v := map[string]types.AttributeValue{":pk": s(fmt.Sprintf("OPENWD#%d", shard))}
		for k, x := range vals {
			v[k] = x
		}
		cond := attrGSI1PK + " = :pk"
		if len(before) > 0 {
			cond += " AND " + attrGSI1SK + " < :due"
			v[":due"] = s(fmt.Sprintf("%016d#", before[0].UnixMicro()))
		}
		p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{TableName: &st.table, IndexName: aws.String(gsi1),
			KeyConditionExpression: aws.String(cond), FilterExpression: aws.String(filter), ExpressionAttributeValues: v})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, classify(op, err)
			}
			for _, it := range page.Items {
				out = append(out, decodeTransfer(strings.TrimPrefix(getS(it, attrPK), tenantPrefix), it))
			}
		}
	}
	return out, nil
}

// ExpiredHolds finds open withdrawals whose unsigned hold has lapsed (and
// that hold no nonce), and those whose wait for approvals has ended. It
// reads the index of open withdrawals up to now, in the order of their
// deadlines: the due ones, not the table nor every open one.
func (st *Withdrawals) ExpiredHolds(ctx context.Context, now time.Time) ([]sg.Transfer, error) {
	return st.openWithdrawals(ctx, "dynamo.ExpiredHolds",
		"(hx < :now AND st IN (:p, :a, :s, :aw) AND attribute_not_exists(nc)) OR (ad < :now AND st = :aw)",
		map[string]types.AttributeValue{
			":now": n(now.Unix()), ":p": s(string(sg.StatePending)), ":a": s(string(sg.StateApproved)),
			":s": s(string(sg.StateAwaitingSigner)), ":aw": s(string(sg.StateAwaitingApproval)),
		}, now.Truncate(time.Second))
}

// StalledWithdrawals finds open withdrawals that the worker should be
// moving but that have not changed since before: pending, approved or
// signed ones (a lost queue message leaves them so). Payouts waiting for
// people (approvals), a signer, or their chain (broadcast: the tracker
// follows those) are not stalled.
func (st *Withdrawals) StalledWithdrawals(ctx context.Context, before time.Time) ([]sg.Transfer, error) {
	return st.openWithdrawals(ctx, "dynamo.StalledWithdrawals", "ut < :before AND st IN (:p, :a, :sg)",
		map[string]types.AttributeValue{
			":before": n(before.UnixMicro()), ":p": s(string(sg.StatePending)), ":a": s(string(sg.StateApproved)),
			":sg": s(string(sg.StateSigned)),
		})
}

// MarkWaiting shows why a withdrawal in state waits (nil clears it),
// if it is still in that state; the next move clears it too.
func (st *Withdrawals) MarkWaiting(ctx context.Context, tenant, id string, state sg.TransferState, why *sg.Reason) error {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.ErrNotFound.WithParam("transfer_id")
	}
	in := &dynamodb.UpdateItemInput{TableName: &st.table, Key: key(tenantPK(tenant), txnPrefix+kp),
		ConditionExpression:       aws.String("st = :st"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":st": s(string(state))}}
	if why == nil {
		in.UpdateExpression = aws.String("REMOVE wr, wm, ws")
	} else {
		in.UpdateExpression = aws.String("SET wr = :wr, wm = :wm, ws = if_not_exists(ws, :ws)")
		in.ExpressionAttributeValues[":wr"], in.ExpressionAttributeValues[":wm"] = s(why.Code), s(why.Message)
		in.ExpressionAttributeValues[":ws"] = n(why.Since.UnixMicro())
	}
	_, err := st.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return sg.ErrStateChanged
	}
	return classifyOrNil("dynamo.MarkWaiting", err)
}

// useQuote marks a fee quote as used by t's idempotency key: a quote is
// honoured for one withdrawal (a retry under the same key uses it again).
func (st *Table) useQuote(t sg.Transfer) types.TransactWriteItem {
	kp, _ := sg.KeyPart("txn", t.ID)
	return types.TransactWriteItem{Update: &types.Update{TableName: &st.table, Key: key(tenantPK(t.TenantID), "QUOTE#"+t.QuoteID),
		UpdateExpression:          aws.String("SET used_by = :k"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND (attribute_not_exists(used_by) OR used_by = :k)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": s(kp)}}}
}

// NonceHolders counts the open withdrawals that hold a nonce of a hot
// address and have not been broadcast yet (a hot key rotation waits for
// them: each must be sent from the key whose nonce it holds).
func (st *Withdrawals) NonceHolders(ctx context.Context) (int, error) {
	ts, err := st.openWithdrawals(ctx, "dynamo.NonceHolders", "attribute_exists(nc) AND st IN (:a, :s, :sg)",
		map[string]types.AttributeValue{":a": s(string(sg.StateApproved)), ":s": s(string(sg.StateAwaitingSigner)), ":sg": s(string(sg.StateSigned))})
	return len(ts), err
}
