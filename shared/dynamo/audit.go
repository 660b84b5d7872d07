package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Audit keeps the hash-chained audit log (sg.AuditStore), one partition
// per scope (a tenant id, or sg.AuditPlatformScope). Items:
//
//	record   PK AUDIT#<scope>  SK <20-digit seq>          seq, at (unix µs), actor, action, subject, detail, prev, hash
//	head     PK AUDIT#<scope>  SK HEAD                    seq, hash of the last record
//	key      PK AUDIT#<scope>  SK KEY#<event key>         seq it was appended at
//	anchor   PK AUDIT#<scope>  SK ANCHOR#<20-digit seq>   hash, at, where
//	scope    PK AUDITSCOPES    SK <scope>                 (the scope index: written once, with the scope's first record)
//
// An append is one transaction: the record put if absent, the head moved
// only from the (seq, hash) the record follows, and the key (if any) put if
// absent; a scope's first record also puts its index item, so the anchor
// job lists the scopes (AuditScopes) without scanning the table, and the
// index is written once per scope, never on the hot path of later appends. Two appenders at one head cannot both succeed, so the chain never
// forks; the loser reads the head again. Nothing here expires: the chain is
// kept for as long as the deployment's retention rules say, whole.
type Audit struct{ *Table }

const (
	auditPrefix    = "AUDIT#"
	auditHeadSK    = "HEAD"
	auditKeyPrefix = "KEY#"
	auditAnchorSK  = "ANCHOR#"
	auditMaxSK     = "99999999999999999999"
	auditScopesPK  = "AUDITSCOPES"
)

func auditPK(scope string) string { return auditPrefix + scope }

func auditSeqSK(seq int64) string { return fmt.Sprintf("%020d", seq) }

func auditRecordItem(r sg.AuditRecord) item {
	return item{attrPK: s(auditPK(r.Scope)), attrSK: s(auditSeqSK(r.Seq)), "seq": n(r.Seq), "at": usecN(r.At), "actor": s(r.Actor),
		"action": s(r.Action), "subject": s(r.Subject), "detail": s(string(r.Detail)), "prev": s(r.PrevHash), "hash": s(r.Hash)}
}

func decodeAuditRecord(scope string, it item) sg.AuditRecord {
	r := sg.AuditRecord{Scope: scope, Seq: getN(it, "seq"), At: getUsec(it, "at"), Actor: getS(it, "actor"), Action: getS(it, "action"),
		Subject: getS(it, "subject"), PrevHash: getS(it, "prev"), Hash: getS(it, "hash")}
	if d := getS(it, "detail"); d != "" {
		r.Detail = []byte(d)
	}
	return r
}

// AppendAudit writes r after the head it names, with its key, in one transaction.
func (st *Audit) AppendAudit(ctx context.Context, r sg.AuditRecord, k string) error {
	pk := auditPK(r.Scope)
	headCond := "attribute_not_exists(PK)"
	vals := map[string]types.AttributeValue{":seq": n(r.Seq), ":hash": s(r.Hash)}
	if r.Seq != 1 || r.PrevHash != sg.AuditGenesis {
		headCond = "#seq = :prev AND #hash = :prevhash"
		vals[":prev"] = n(r.Seq - 1)
		vals[":prevhash"] = s(r.PrevHash)
	}
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: auditRecordItem(r), ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: &types.Update{TableName: &st.table, Key: key(pk, auditHeadSK), UpdateExpression: aws.String("SET #seq = :seq, #hash = :hash"),
			ConditionExpression: aws.String(headCond), ExpressionAttributeNames: map[string]string{"#seq": "seq", "#hash": "hash"},
			ExpressionAttributeValues: vals}},
	}
	keyAt := -1
	if k != "" {
		keyAt = len(items)
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table,
			Item: item{attrPK: s(pk), attrSK: s(auditKeyPrefix + k), "seq": n(r.Seq)}, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
	}
	if r.Seq == 1 {
		// The scope's first record: list the scope in the index (no
		// condition; the head's guard already makes this the only one).
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table,
			Item: item{attrPK: s(auditScopesPK), attrSK: s(r.Scope), "at": usecN(r.At)}}})
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	reasons := cancelled(err)
	if reasons == nil {
		return classify("dynamo.AppendAudit", err)
	}
	if keyAt >= 0 && len(reasons) > keyAt && aws.ToString(reasons[keyAt].Code) == "ConditionalCheckFailed" {
		return sg.ErrAuditKeyUsed
	}
	for _, rs := range reasons {
		switch aws.ToString(rs.Code) {
		case "ConditionalCheckFailed", "TransactionConflict":
			// Another append moved the head (or is moving it): read it again.
			return sg.ErrAuditHeadMoved
		}
	}
	return classify("dynamo.AppendAudit", err)
}

// AuditHead is the scope's head item.
func (st *Audit) AuditHead(ctx context.Context, scope string) (sg.AuditHead, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(auditPK(scope), auditHeadSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.AuditHead{}, classify("dynamo.AuditHead", err)
	}
	if out.Item == nil {
		return sg.AuditHead{Hash: sg.AuditGenesis}, nil
	}
	return sg.AuditHead{Seq: getN(out.Item, "seq"), Hash: getS(out.Item, "hash")}, nil
}

// AuditRange queries up to limit records from seq from on.
func (st *Audit) AuditRange(ctx context.Context, scope string, from int64, limit int) ([]sg.AuditRecord, error) {
	if limit <= 0 {
		return nil, nil
	}
	if from < 1 {
		from = 1
	}
	var all []sg.AuditRecord
	var start map[string]types.AttributeValue
	for len(all) < limit {
		out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
			Limit:                  aws.Int32(int32(min(limit-len(all), 1000))),
			KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :from AND :to"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(auditPK(scope)), ":from": s(auditSeqSK(from)),
				":to": s(auditMaxSK)}})
		if err != nil {
			return nil, classify("dynamo.AuditRange", err)
		}
		for _, it := range out.Items {
			all = append(all, decodeAuditRecord(scope, it))
		}
		if start = out.LastEvaluatedKey; start == nil {
			break
		}
	}
	return all, nil
}

// AuditRecordAt reads the record at seq.
func (st *Audit) AuditRecordAt(ctx context.Context, scope string, seq int64) (sg.AuditRecord, error) {
	if seq < 1 {
		return sg.AuditRecord{}, sg.ErrNotFound
	}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(auditPK(scope), auditSeqSK(seq)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.AuditRecord{}, classify("dynamo.AuditRecordAt", err)
	}
	if out.Item == nil {
		return sg.AuditRecord{}, sg.ErrNotFound
	}
	return decodeAuditRecord(scope, out.Item), nil
}

// AuditKeySeq reads the seq a key was claimed for.
func (st *Audit) AuditKeySeq(ctx context.Context, scope, k string) (int64, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(auditPK(scope), auditKeyPrefix+k), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, classify("dynamo.AuditKeySeq", err)
	}
	if out.Item == nil {
		return 0, sg.ErrNotFound
	}
	return getN(out.Item, "seq"), nil
}

// PutAuditAnchor puts the anchor if its seq has none.
func (st *Audit) PutAuditAnchor(ctx context.Context, a sg.AuditAnchor) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: item{attrPK: s(auditPK(a.Scope)), attrSK: s(auditAnchorSK + auditSeqSK(a.Seq)), "seq": n(a.Seq), "hash": s(a.Hash),
			"at": usecN(a.At), "where": s(a.Where)}})
	if err != nil && !condFailed(err) {
		return classify("dynamo.PutAuditAnchor", err)
	}
	return nil
}

// AuditAnchors queries the scope's anchors (their SK sorts by seq).
func (st *Audit) AuditAnchors(ctx context.Context, scope string) ([]sg.AuditAnchor, error) {
	var all []sg.AuditAnchor
	var start map[string]types.AttributeValue
	for {
		out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
			KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(auditPK(scope)), ":p": s(auditAnchorSK)}})
		if err != nil {
			return nil, classify("dynamo.AuditAnchors", err)
		}
		for _, it := range out.Items {
			all = append(all, sg.AuditAnchor{Scope: scope, Seq: getN(it, "seq"), Hash: getS(it, "hash"), At: getUsec(it, "at"), Where: getS(it, "where")})
		}
		if start = out.LastEvaluatedKey; start == nil {
			return all, nil
		}
	}
}

// AuditScopes lists up to limit scopes that hold a record, in order, after
// the scope after ("" : from the first), from the scope index.
func (st *Audit) AuditScopes(ctx context.Context, after string, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []string
	var start map[string]types.AttributeValue
	if after != "" {
		start = key(auditScopesPK, after)
	}
	for len(out) < limit {
		out2, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ExclusiveStartKey: start,
			Limit: aws.Int32(int32(min(limit-len(out), 1000))), KeyConditionExpression: aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(auditScopesPK)}})
		if err != nil {
			return nil, classify("dynamo.AuditScopes", err)
		}
		for _, it := range out2.Items {
			out = append(out, getS(it, attrSK))
		}
		if start = out2.LastEvaluatedKey; start == nil {
			break
		}
	}
	return out, nil
}

// AppendAuditBatch writes rs, consecutive records of one scope (rs[0]
// follows the head, each the one before), with their keys (keys[i] for
// rs[i], "" for none), in one transaction: at most MaxAuditBatch records.
// As AppendAudit: ErrAuditHeadMoved if the head is not the one rs[0]
// follows, ErrAuditKeyUsed if any key is claimed already; then nothing is
// written.
func (st *Audit) AppendAuditBatch(ctx context.Context, rs []sg.AuditRecord, keys []string) error {
	if len(rs) == 0 {
		return nil
	}
	if len(rs) > MaxAuditBatch || len(keys) != len(rs) {
		return sg.Internal("dynamo.AppendAuditBatch", fmt.Errorf("%d records, %d keys", len(rs), len(keys)))
	}
	first, last := rs[0], rs[len(rs)-1]
	pk := auditPK(first.Scope)
	headCond := "attribute_not_exists(PK)"
	vals := map[string]types.AttributeValue{":seq": n(last.Seq), ":hash": s(last.Hash)}
	if first.Seq != 1 || first.PrevHash != sg.AuditGenesis {
		headCond = "#seq = :prev AND #hash = :prevhash"
		vals[":prev"] = n(first.Seq - 1)
		vals[":prevhash"] = s(first.PrevHash)
	}
	items := []types.TransactWriteItem{{Update: &types.Update{TableName: &st.table, Key: key(pk, auditHeadSK),
		UpdateExpression: aws.String("SET #seq = :seq, #hash = :hash"), ConditionExpression: aws.String(headCond),
		ExpressionAttributeNames: map[string]string{"#seq": "seq", "#hash": "hash"}, ExpressionAttributeValues: vals}}}
	var keyAt []int
	for i, r := range rs {
		if r.Scope != first.Scope || r.Seq != first.Seq+int64(i) || (i > 0 && r.PrevHash != rs[i-1].Hash) {
			return sg.Internal("dynamo.AppendAuditBatch", fmt.Errorf("record %d does not follow the one before", i))
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: auditRecordItem(r), ConditionExpression: aws.String("attribute_not_exists(PK)")}})
		if keys[i] != "" {
			keyAt = append(keyAt, len(items))
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table,
				Item: item{attrPK: s(pk), attrSK: s(auditKeyPrefix + keys[i]), "seq": n(r.Seq)}, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
		}
	}
	if first.Seq == 1 {
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table,
			Item: item{attrPK: s(auditScopesPK), attrSK: s(first.Scope), "at": usecN(first.At)}}})
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	reasons := cancelled(err)
	if reasons == nil {
		return classify("dynamo.AppendAuditBatch", err)
	}
	for _, i := range keyAt {
		if i < len(reasons) && aws.ToString(reasons[i].Code) == "ConditionalCheckFailed" {
			return sg.ErrAuditKeyUsed
		}
	}
	for _, rs := range reasons {
		switch aws.ToString(rs.Code) {
		case "ConditionalCheckFailed", "TransactionConflict":
			return sg.ErrAuditHeadMoved
		}
	}
	return classify("dynamo.AppendAuditBatch", err)
}

// MaxAuditBatch is the most records AppendAuditBatch writes at once (each
// with its key, plus the head and the scope index: within a transaction's
// 100 items).
const MaxAuditBatch = 48
