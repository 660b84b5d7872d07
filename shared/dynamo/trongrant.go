package dynamo

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Tron sweep grants (chain/tron/sweep.go): PLATFORM / TRONGRANT#<key part>
// holds one grant bundle, its state and, once signed, the signed file;
// PLATFORM / TRONGRANTLOCK#<scope> is the one grant open per sweep scope
// (held until it ends or, unsigned, until it expires), so no address is in
// two grants. SWEEP#<scope> / GRANTED#<address> names the spender an
// address has approved, once its approve is solidified.
const (
	grantPrefix = "TRONGRANT#"
	grantLockSK = "TRONGRANTLOCK#"
)

// GrantRecord and the grant states are kept for callers outside the
// services; the domain owns them.
type GrantRecord = sg.GrantRecord

// Grant states (the domain's).
const (
	GrantPrepared  = sg.GrantPrepared
	GrantSigned    = sg.GrantSigned
	GrantDone      = sg.GrantDone
	GrantCancelled = sg.GrantCancelled
)

// ErrGrantOpen is kept for callers; the domain owns it.
var ErrGrantOpen = sg.ErrGrantOpen

// PutTronGrant records a prepared grant and takes the scope's grant lock;
// ErrGrantOpen if another grant holds it, sg.ErrTransferExists if this
// key's grant exists. j goes to the platform's journal in the same
// transaction.
func (st *Grants) PutTronGrant(ctx context.Context, r GrantRecord, j sg.JournalEntry) error {
	kp, _ := sg.KeyPart("tg", r.ID)
	return st.putLocked(ctx, "dynamo.PutTronGrant",
		item{attrPK: s(platformPK), attrSK: s(grantPrefix + kp), "id": s(r.ID), "sc": s(r.Scope), "st": s(GrantPrepared),
			"b": b(r.Bundle), "rh": s(r.RequestHash), "rb": s(r.RequestedBy), "ct": n(r.CreatedAt.UnixMicro()), "x": n(r.ExpiresAt.Unix())},
		item{attrPK: s(platformPK), attrSK: s(grantLockSK + r.Scope)}, r.ID, r.ExpiresAt, ErrGrantOpen, st.journalItem(sg.PlatformTenant, j))
}

// TronGrant reads a grant by id, or by the key part of an idempotency key.
func (st *Grants) TronGrant(ctx context.Context, id string, byKey bool) (GrantRecord, error) {
	kp := id
	if !byKey {
		var ok bool
		if kp, ok = sg.KeyPart("tg", id); !ok {
			return GrantRecord{}, sg.ErrNotFound.WithParam("grant_id")
		}
	}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(platformPK, grantPrefix+kp), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return GrantRecord{}, classify("dynamo.TronGrant", err)
	}
	if out.Item == nil || !byKey && getS(out.Item, "id") != id {
		return GrantRecord{}, sg.ErrNotFound.WithParam("grant_id")
	}
	it := out.Item
	return GrantRecord{ID: getS(it, "id"), Scope: getS(it, "sc"), State: getS(it, "st"), Bundle: getB(it, "b"), Signed: getB(it, "sg"),
		RequestHash: getS(it, "rh"), RequestedBy: getS(it, "rb"), CreatedAt: time.UnixMicro(getN(it, "ct")).UTC(),
		ExpiresAt: time.Unix(getN(it, "x"), 0).UTC(), Outcome: getStrMap(it, "out")}, nil
}

// OpenTronGrant is the id of the scope's signed grant being carried out,
// if any (a prepared one is not carried out until signed).
func (st *Grants) OpenTronGrant(ctx context.Context, scope string) (string, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(platformPK, grantLockSK+scope), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return "", false, classifyOrNil("dynamo.OpenTronGrant", err)
	}
	return getS(out.Item, "id"), getN(out.Item, "until") == lockHeldForGood, nil
}

// MoveTronGrant changes a grant's state if it is still from (else
// sg.ErrStateChanged). Signing must happen before the grant expires and
// holds the lock until the grant ends; done or cancelled releases it. j
// goes to the platform's journal in the same transaction.
func (st *Grants) MoveTronGrant(ctx context.Context, r GrantRecord, from, to string, signed []byte, outcome map[string]string, j sg.JournalEntry) error {
	kp, _ := sg.KeyPart("tg", r.ID)
	set := "SET st = :to"
	vals := map[string]types.AttributeValue{":to": s(to), ":from": s(from)}
	cond := "st = :from"
	if signed != nil {
		set += ", sg = :sg"
		vals[":sg"] = b(signed)
	}
	if outcome != nil {
		m := item{}
		for k, v := range outcome {
			m[k] = s(v)
		}
		set += ", #out = :out"
		vals[":out"] = &types.AttributeValueMemberM{Value: m}
	}
	if to == GrantSigned {
		cond += " AND x > :now"
		vals[":now"] = n(st.Now().Unix())
	}
	upd := &types.Update{TableName: &st.table, Key: key(platformPK, grantPrefix+kp),
		UpdateExpression: &set, ConditionExpression: &cond, ExpressionAttributeValues: vals}
	if outcome != nil {
		upd.ExpressionAttributeNames = map[string]string{"#out": "out"}
	}
	action := lockKeep
	switch to {
	case GrantSigned:
		action = lockHold
	case GrantDone, GrantCancelled:
		action = lockRelease
	}
	return st.moveLocked(ctx, "dynamo.MoveTronGrant", upd, key(platformPK, grantLockSK+r.Scope), r.ID, action, st.journalItem(sg.PlatformTenant, j))
}

// PutGranted records that addr approved spender (grant names the grant).
func (st *Grants) PutGranted(ctx context.Context, scope, addr, spender, grant string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{
		attrPK: s(sweepPK(scope)), attrSK: s("GRANTED#" + addr), "sp": s(spender), "g": s(grant)}})
	return classifyOrNil("dynamo.PutGranted", err)
}

// Granted maps each address of the scope that approved a spender to it.
func (st *Grants) Granted(ctx context.Context, scope string) (map[string]string, error) {
	out := map[string]string{}
	var start map[string]types.AttributeValue
	for {
		page, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
			KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :g)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(sweepPK(scope)), ":g": s("GRANTED#")}})
		if err != nil {
			return nil, classify("dynamo.Granted", err)
		}
		for _, it := range page.Items {
			out[strings.TrimPrefix(getS(it, attrSK), "GRANTED#")] = getS(it, "sp")
		}
		if start = page.LastEvaluatedKey; start == nil {
			return out, nil
		}
	}
}
