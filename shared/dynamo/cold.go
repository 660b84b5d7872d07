package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Cold payouts are the platform's (the cold wallet is the deployment's
// treasury; only platform admins make them): TENANT#~platform /
// COLD#<key part> holds one prepared bundle and its state; PLATFORM /
// COLDLOCK#<chain> is the one cold bundle open per chain (on Ethereum its
// nonce is the cold address's next), held until the bundle ends or,
// unsigned, until it expires. The signed transaction is kept as any
// payout's (SaveSignedTx under the bundle id). Bundles made before cold
// payouts became the platform's are under their tenant's TENANT#t; the
// tracker still follows them (Tracked gives their tenant).
const (
	coldPrefix = "COLD#"
	coldLockSK = "COLDLOCK#"
)

// ColdRecord and the cold payout states are kept for callers outside the
// services; the domain owns them.
type ColdRecord = sg.ColdRecord

// Cold payout states (the domain's).
const (
	ColdPrepared  = sg.ColdPrepared
	ColdSigned    = sg.ColdSigned
	ColdSent      = sg.ColdSent
	ColdDone      = sg.ColdDone
	ColdFailed    = sg.ColdFailed
	ColdCancelled = sg.ColdCancelled
)

// PutColdBundle records a prepared bundle and takes the chain's cold lock,
// with j in the platform's journal; ErrColdBundleOpen if another bundle
// holds it, sg.ErrTransferExists if this key's bundle exists.
func (st *Cold) PutColdBundle(ctx context.Context, r ColdRecord, j sg.JournalEntry) error {
	kp, _ := sg.KeyPart("cb", r.ID)
	return st.putLocked(ctx, "dynamo.PutColdBundle",
		item{attrPK: s(tenantPK(r.Tenant)), attrSK: s(coldPrefix + kp), "id": s(r.ID), "c": s(r.Chain), "st": s(ColdPrepared),
			"b": b(r.Bundle), "rh": s(r.RequestHash), "rb": s(r.RequestedBy), "ct": n(r.CreatedAt.UnixMicro()), "x": n(r.ExpiresAt.Unix()),
			"amt": n(int64(r.Amount)), "to": s(r.To)},
		item{attrPK: s(platformPK), attrSK: s(coldLockSK + r.Chain), "tenant": s(r.Tenant)}, r.ID, r.ExpiresAt, ErrColdBundleOpen,
		st.journalItem(sg.PlatformTenant, j))
}

// ColdLock reads the chain's cold lock: the tenant and id of the bundle
// holding it ("" if none) and until when (held for good once signed).
func (st *Cold) ColdLock(ctx context.Context, chain string) (tenant, id string, until time.Time, err error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(platformPK, coldLockSK+chain), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", "", time.Time{}, classify("dynamo.ColdLock", err)
	}
	if out.Item == nil {
		return "", "", time.Time{}, nil
	}
	return getS(out.Item, "tenant"), getS(out.Item, "id"), time.Unix(getN(out.Item, "until"), 0).UTC(), nil
}

// ErrColdBundleOpen is kept for callers; the domain owns it.
var ErrColdBundleOpen = sg.ErrColdBundleOpen

// ColdBundle reads a cold payout by id, or by the key part of an
// idempotency key (byKey).
func (st *Cold) ColdBundle(ctx context.Context, tenant, id string, byKey bool) (ColdRecord, error) {
	kp := id
	if !byKey {
		var ok bool
		if kp, ok = sg.KeyPart("cb", id); !ok {
			return ColdRecord{}, sg.ErrNotFound.WithParam("bundle_id")
		}
	}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), coldPrefix+kp), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return ColdRecord{}, classify("dynamo.ColdBundle", err)
	}
	if out.Item == nil || !byKey && getS(out.Item, "id") != id {
		return ColdRecord{}, sg.ErrNotFound.WithParam("bundle_id")
	}
	it := out.Item
	return ColdRecord{ID: getS(it, "id"), Tenant: tenant, Chain: getS(it, "c"), State: getS(it, "st"), Bundle: getB(it, "b"),
		RequestHash: getS(it, "rh"), RequestedBy: getS(it, "rb"), CreatedAt: time.UnixMicro(getN(it, "ct")).UTC(),
		ExpiresAt: time.Unix(getN(it, "x"), 0).UTC(), TxHash: getS(it, "tx"), Amount: sg.Amount(getN(it, "amt")), To: getS(it, "to")}, nil
}

// MoveCold changes a cold payout's state if it is still from (else
// sg.ErrStateChanged). Leaving prepared for signed also holds the chain's
// cold lock for good (until the payout ends), and must happen before the
// bundle expires; a final state releases the lock. j, if given, goes in
// the platform's journal in the same transaction.
func (st *Cold) MoveCold(ctx context.Context, r ColdRecord, from, to, txHash string, j ...sg.JournalEntry) error {
	kp, _ := sg.KeyPart("cb", r.ID)
	set := "SET st = :to"
	vals := map[string]types.AttributeValue{":to": s(to), ":from": s(from)}
	cond := "st = :from"
	if txHash != "" {
		set += ", tx = :tx"
		vals[":tx"] = s(txHash)
	}
	if to == ColdSigned {
		cond += " AND x > :now"
		vals[":now"] = n(st.Now().Unix())
	}
	action := lockKeep
	switch to {
	case ColdSigned:
		action = lockHold
	case ColdDone, ColdFailed, ColdCancelled:
		action = lockRelease
	}
	var extra []types.TransactWriteItem
	for _, e := range j {
		extra = append(extra, st.journalItem(sg.PlatformTenant, e))
	}
	return st.moveLocked(ctx, "dynamo.MoveCold", &types.Update{TableName: &st.table, Key: key(tenantPK(r.Tenant), coldPrefix+kp),
		UpdateExpression: &set, ConditionExpression: &cond, ExpressionAttributeValues: vals}, key(platformPK, coldLockSK+r.Chain), r.ID, action, extra...)
}

// TrackCold lists a cold payout for the tracker, marked as cold.
func (st *Cold) TrackCold(ctx context.Context, c sg.Chain, tenant, id string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table,
		Item: item{attrPK: s("TRACK#" + string(c)), attrSK: s(id), "tenant": s(tenant), "kind": s(sg.TrackedCold)}})
	return classifyOrNil("dynamo.TrackCold", err)
}

// Untrack takes a cold payout off its chain's list of payouts followed
// (the items Watch keeps).
func (st *Cold) Untrack(ctx context.Context, c sg.Chain, id string) error {
	return (&Watch{st.Table}).Untrack(ctx, c, id)
}

// SaveSignedTx keeps a cold payout's signed transaction as the hot
// wallet's are kept (the items Withdrawals keeps).
func (st *Cold) SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (sg.SignedTx, error) {
	return (&Withdrawals{st.Table}).SaveSignedTx(ctx, id, raw, hash, at)
}
