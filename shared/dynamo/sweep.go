package dynamo

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sweeping keeps, per sweep scope (a chain and its forwarder factory, e.g.
// "ethereum#0x5fbd…"), one item per deposit address holding confirmed
// deposits not yet swept (SWEEP#<scope> / ADDR#<address>, with the wallet's
// index and the last deposit's ref as its version) and at most one open
// sweep (SWEEP#<scope> / OPEN) naming the batch in flight. A sweep removes
// a mark only if no deposit came to the address since the sweep began.

func sweepPK(scope string) string { return "SWEEP#" + strings.ToLower(scope) }

// SweepMark and Sweep are kept for callers outside the services; the
// domain owns them.
type (
	SweepMark = sg.SweepMark
	Sweep     = sg.Sweep
)

// MarkForSweep records that addr (wallet index) holds a confirmed deposit.
// addr is kept as given (Ethereum's callers give it in lower case; Tron's
// base58 is case-sensitive).
func (st *Sweeps) MarkForSweep(ctx context.Context, scope string, addr string, index uint32, version string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{
		attrPK: s(sweepPK(scope)), attrSK: s("ADDR#" + addr), "idx": n(int64(index)), "v": s(version)}})
	return classifyOrNil("dynamo.MarkForSweep", err)
}

// SweepMarks returns up to limit addresses waiting to be swept.
func (st *Sweeps) SweepMarks(ctx context.Context, scope string, limit int32) ([]SweepMark, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, Limit: aws.Int32(limit), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :a)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(sweepPK(scope)), ":a": s("ADDR#")}})
	if err != nil {
		return nil, classify("dynamo.SweepMarks", err)
	}
	marks := make([]SweepMark, 0, len(out.Items))
	for _, it := range out.Items {
		marks = append(marks, SweepMark{Address: strings.TrimPrefix(getS(it, attrSK), "ADDR#"), Index: uint32(getN(it, "idx")), Version: getS(it, "v")})
	}
	return marks, nil
}

// OpenSweep returns the sweep in flight, if any.
func (st *Sweeps) OpenSweep(ctx context.Context, scope string) (Sweep, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(sweepPK(scope), "OPEN"), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return Sweep{}, false, classifyOrNil("dynamo.OpenSweep", err)
	}
	sw := Sweep{ID: getS(out.Item, "id")}
	if l, ok := out.Item["marks"].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			m := v.(*types.AttributeValueMemberM).Value
			sw.Marks = append(sw.Marks, SweepMark{Address: getS(m, "a"), Index: uint32(getN(m, "i")), Version: getS(m, "v")})
		}
	}
	return sw, true, nil
}

// StartSweep records sw as the sweep in flight; ErrStateChanged if one is.
func (st *Sweeps) StartSweep(ctx context.Context, scope string, sw Sweep) error {
	marks := make([]types.AttributeValue, 0, len(sw.Marks))
	for _, m := range sw.Marks {
		marks = append(marks, &types.AttributeValueMemberM{Value: item{"a": s(m.Address), "i": n(int64(m.Index)), "v": s(m.Version)}})
	}
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: item{attrPK: s(sweepPK(scope)), attrSK: s("OPEN"), "id": s(sw.ID), "marks": &types.AttributeValueMemberL{Value: marks}}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return sg.ErrStateChanged
	}
	return classifyOrNil("dynamo.StartSweep", err)
}

// EndSweep closes the sweep in flight. When swept, each mark is removed
// unless a deposit re-marked its address meanwhile; either way the open
// item goes last, so a crash part way leaves the sweep open to end again.
func (st *Sweeps) EndSweep(ctx context.Context, scope string, sw Sweep, swept bool) error {
	return st.EndSweepEach(ctx, scope, sw, func(SweepMark) bool { return swept })
}

// EndSweepEach is EndSweep where each mark was swept or not on its own
// (one transaction per address, as on Tron).
func (st *Sweeps) EndSweepEach(ctx context.Context, scope string, sw Sweep, swept func(SweepMark) bool) error {
	var done []SweepMark
	for _, m := range sw.Marks {
		if swept(m) {
			done = append(done, m)
		}
	}
	if err := st.ClearMarks(ctx, scope, done); err != nil {
		return err
	}
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(sweepPK(scope), "OPEN"),
		ConditionExpression: aws.String("id = :id"), ExpressionAttributeValues: map[string]types.AttributeValue{":id": s(sw.ID)}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil
	}
	return classifyOrNil("dynamo.EndSweep", err)
}

// ClearMarks removes marks of addresses that hold nothing more to sweep,
// each unless a deposit re-marked its address since it was read.
func (st *Sweeps) ClearMarks(ctx context.Context, scope string, marks []SweepMark) error {
	for _, m := range marks {
		_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(sweepPK(scope), "ADDR#"+m.Address),
			ConditionExpression: aws.String("v = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": s(m.Version)}})
		var ccf *types.ConditionalCheckFailedException
		if err != nil && !errors.As(err, &ccf) {
			return classify("dynamo.ClearMarks", err)
		}
	}
	return nil
}

// ---- sweep: refused marks set aside ----
// A mark the token refused to move is set aside (SWEEP#<scope> /
// ASIDE#<address>, with its index, version, retry time and refusals), out
// of SweepMarks' batches, until the sweeper retries it. Each step writes
// before it deletes, so a stop part way leaves the mark in one place or
// both, never in none.

// SetAside keeps m aside until retryAt, and removes its mark unless a
// deposit re-marked the address since m was read.
func (st *Sweeps) SetAside(ctx context.Context, scope string, m sg.SweepMark, retryAt time.Time, tries int) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{
		attrPK: s(sweepPK(scope)), attrSK: s("ASIDE#" + m.Address), "idx": n(int64(m.Index)), "v": s(m.Version),
		"retry": n(retryAt.UnixMilli()), "tries": n(int64(tries))}})
	if err != nil {
		return classify("dynamo.SetAside", err)
	}
	return st.ClearMarks(ctx, scope, []SweepMark{m})
}

// AsideMarks returns up to limit marks set aside, by address.
func (st *Sweeps) AsideMarks(ctx context.Context, scope string, limit int32) ([]sg.AsideMark, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, Limit: aws.Int32(limit), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :a)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(sweepPK(scope)), ":a": s("ASIDE#")}})
	if err != nil {
		return nil, classify("dynamo.AsideMarks", err)
	}
	marks := make([]sg.AsideMark, 0, len(out.Items))
	for _, it := range out.Items {
		marks = append(marks, sg.AsideMark{
			SweepMark: SweepMark{Address: strings.TrimPrefix(getS(it, attrSK), "ASIDE#"), Index: uint32(getN(it, "idx")), Version: getS(it, "v")},
			RetryAt:   time.UnixMilli(getN(it, "retry")).UTC(), Tries: int(getN(it, "tries"))})
	}
	return marks, nil
}

// Restore puts an aside mark back among the marks to sweep (a newer mark
// of the address, left by a deposit since, is kept as it is) and ends its
// time aside.
func (st *Sweeps) Restore(ctx context.Context, scope string, m sg.AsideMark) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: item{attrPK: s(sweepPK(scope)), attrSK: s("ADDR#" + m.Address), "idx": n(int64(m.Index)), "v": s(m.Version)}})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return classify("dynamo.Restore", err)
	}
	_, err = st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(sweepPK(scope), "ASIDE#"+m.Address)})
	return classifyOrNil("dynamo.Restore", err)
}
