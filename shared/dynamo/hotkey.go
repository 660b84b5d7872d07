package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The hot key in use and its rotations:
//
//	PLATFORM / HOTKEY     the key in use (a KMS key id; none: the template's
//	                      alias), its generation and the retired keys
//	PLATFORM / ROTATION   the rotation under way or the last one
const (
	hotKeySK   = "HOTKEY"
	rotationSK = "ROTATION"
)

// HotKey is kept for callers outside the services; the domain owns it.
type HotKey = sg.HotKey

// HotKey reads the hot key in use.
func (st *HotKeys) HotKey(ctx context.Context) (HotKey, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(platformPK, hotKeySK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return HotKey{}, classify("dynamo.HotKey", err)
	}
	if out.Item == nil {
		return HotKey{}, nil
	}
	var retired []string
	if l, ok := out.Item["retired"].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if s, ok := v.(*types.AttributeValueMemberS); ok {
				retired = append(retired, s.Value)
			}
		}
	}
	return HotKey{Generation: int(getN(out.Item, "gen")), KeyID: getS(out.Item, "key"), Retired: retired}, nil
}

// Rotation and its states are kept for callers outside the services; the
// domain owns them.
type Rotation = sg.Rotation

// Rotation states (the domain's).
const (
	RotationRequested = sg.RotationRequested
	RotationDraining  = sg.RotationDraining
	RotationDone      = sg.RotationDone
)

func rotationItem(r Rotation) item {
	it := item{attrPK: s(platformPK), attrSK: s(rotationSK), "id": s(r.ID), "st": s(r.State), "by": s(r.RequestedBy),
		"at": n(r.RequestedAt.UnixMicro()), "gen": n(int64(r.Previous))}
	for k, v := range map[string]string{"ok": r.OldKey, "nk": r.NewKey, "oa": r.OldAddr, "na": r.NewAddr, "note": r.Note} {
		if v != "" {
			it[k] = s(v)
		}
	}
	if len(r.Steps) > 0 {
		it["steps"] = strMap(r.Steps)
	}
	if !r.EndedAt.IsZero() {
		it["end"] = n(r.EndedAt.UnixMicro())
	}
	return it
}

// Rotation reads the current (or last) rotation; ok is false if there has
// never been one.
func (st *HotKeys) Rotation(ctx context.Context) (Rotation, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(platformPK, rotationSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Rotation{}, false, classify("dynamo.Rotation", err)
	}
	if out.Item == nil {
		return Rotation{}, false, nil
	}
	it := out.Item
	r := Rotation{ID: getS(it, "id"), State: getS(it, "st"), RequestedBy: getS(it, "by"), RequestedAt: time.UnixMicro(getN(it, "at")).UTC(),
		OldKey: getS(it, "ok"), NewKey: getS(it, "nk"), OldAddr: getS(it, "oa"), NewAddr: getS(it, "na"), Steps: getStrMap(it, "steps"),
		Note: getS(it, "note"), Previous: int(getN(it, "gen"))}
	if e := getN(it, "end"); e > 0 {
		r.EndedAt = time.UnixMicro(e).UTC()
	}
	if r.Steps == nil {
		r.Steps = map[string]string{}
	}
	return r, true, nil
}

// ErrRotationUnderway is kept for callers; the domain owns it.
var ErrRotationUnderway = sg.ErrRotationUnderway

// StartRotation records a requested rotation unless one is under way,
// journaled under the platform.
func (st *HotKeys) StartRotation(ctx context.Context, r Rotation, j sg.JournalEntry) error {
	return st.writeWithJournal(ctx, "dynamo.StartRotation", sg.PlatformTenant, j, ErrRotationUnderway,
		types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: rotationItem(r),
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR st = :done"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":done": s(RotationDone)}}})
}

// SaveRotation writes the rotation's progress if it is still in state from
// (sg.ErrStateChanged otherwise).
func (st *HotKeys) SaveRotation(ctx context.Context, r Rotation, from string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: rotationItem(r),
		ConditionExpression:       aws.String("id = :id AND st = :from"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": s(r.ID), ":from": s(from)}})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return sg.ErrStateChanged
	}
	return classifyOrNil("dynamo.SaveRotation", err)
}

// FinishRotation puts the new key in use (the next generation, the old key
// retired) and ends the rotation, in one write, journaled.
func (st *HotKeys) FinishRotation(ctx context.Context, r Rotation, j sg.JournalEntry) error {
	cur, err := st.HotKey(ctx)
	if err != nil {
		return err
	}
	if cur.Generation != r.Previous {
		return sg.ErrStateChanged
	}
	retired := []types.AttributeValue{}
	for _, k := range append(cur.Retired, r.OldKey) {
		retired = append(retired, s(k))
	}
	hk := item{attrPK: s(platformPK), attrSK: s(hotKeySK), "gen": n(int64(r.Previous + 1)), "key": s(r.NewKey),
		"retired": &types.AttributeValueMemberL{Value: retired}}
	cond, vals := "attribute_not_exists(PK)", map[string]types.AttributeValue{}
	if r.Previous > 0 {
		cond, vals = "gen = :g", map[string]types.AttributeValue{":g": n(int64(r.Previous))}
	}
	hkPut := &types.Put{TableName: &st.table, Item: hk, ConditionExpression: &cond}
	if len(vals) > 0 {
		hkPut.ExpressionAttributeValues = vals
	}
	from := r.State
	r.State, r.EndedAt = RotationDone, st.Now().UTC()
	return st.writeWithJournal(ctx, "dynamo.FinishRotation", sg.PlatformTenant, j, sg.ErrStateChanged,
		types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: rotationItem(r),
			ConditionExpression:       aws.String("id = :id AND st = :from"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":id": s(r.ID), ":from": s(from)}}},
		types.TransactWriteItem{Put: hkPut})
}
