package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Settlements is the settlement aggregate on the table: fee schedules
// with every version, settlement configs, settlements with their lines,
// the marker that records each line once, the open settlement of each
// (tenant, payout chain), the due index and the liabilities counter.
// Items:
//
//	fee schedule  PK TENANT#<tenant>  SK FEESCH#<chain>     (the current version)
//	fee version   PK TENANT#<tenant>  SK FEESCHV#<chain>#<17-digit effective unix µs>#<12-digit version>
//	config        PK TENANT#<tenant>  SK STLCFG#<chain>
//	settlement    PK TENANT#<tenant>  SK STL#<id>
//	              GSI1PK STLDUE#<shard 0-15>  GSI1SK <17-digit due unix µs>#<tenant>#<id>   (only while due: sparse)
//	line          PK TENANT#<tenant>  SK STLL#<id>#<8-digit seq>
//	line marker   PK TENANT#<tenant>  SK STLREF#<kind>#<chain>#<ref>   -> settlement id, seq of its first line (put once)
//	open pointer  PK TENANT#<tenant>  SK STLOPEN#<chain>   -> settlement id (while open)
//	liabilities   PK STLLIAB#<chain>  SK <2-digit shard>   net (ADD), shard by tenant
//	committed     PK TENANT#<tenant>  SK STLCOMMIT#<chain>  net, n, ver (ADD): closed or failed, not yet paid;
//	              res, until: reversals admitted; init once counted from the settlements (settlement_committed.go)
//
// A line is added in one transaction: the settlement over its version
// (totals, line count, due keys), the line, its marker (put once), and the
// chain's liabilities shard. Closing deletes the open pointer in the same
// transaction; reaching paid takes the net off the liabilities in it.
type Settlements struct {
	*Table
	// BackfillPages bounds the pages of settlements one read of an
	// uninitialised committed counter counts (DefaultBackfillPages when zero).
	BackfillPages int
}

const (
	feeSchPrefix  = "FEESCH#"
	feeVerPrefix  = "FEESCHV#"
	stlCfgPrefix  = "STLCFG#"
	stlPrefix     = "STL#"
	stlLinePrefix = "STLL#"
	stlRefPrefix  = "STLREF#"
	stlOpenPrefix = "STLOPEN#"
	stlDuePrefix  = "STLDUE#"
	stlLiabPrefix = "STLLIAB#"
	stlShards     = 16
	// stlMaxLines bounds one write's lines (a transaction holds 100 items:
	// each line and its marker, the settlement, the pointer, the counter).
	stlMaxLines = 40
)

func stlShard(v string) int {
	h := sha256.Sum256([]byte(v))
	return int(h[0]) % stlShards
}

func liabKey(c sg.Chain, tenant string) map[string]types.AttributeValue {
	return key(stlLiabPrefix+string(c), fmt.Sprintf("%02d", stlShard(tenant)))
}

// txCode is the reason code of a cancelled transaction's i-th item.
func txCode(reasons []types.CancellationReason, i int) string {
	if i < len(reasons) {
		return aws.ToString(reasons[i].Code)
	}
	return ""
}

// ---- fee schedules ----

func feeItem(f sg.FeeSchedule, pk, sk string) item {
	return item{attrPK: s(pk), attrSK: s(sk), "type": s("fee_schedule"), "chain": s(string(f.Chain)), "percent": n(int64(f.Percent)),
		"fixed": n(int64(f.Fixed)), "min": n(int64(f.Min)), "max": n(int64(f.Max)), "network_fee": s(string(f.NetworkFee)),
		"version": n(f.Version), "effective": usecN(f.EffectiveAt)}
}

func readFee(tenant string, it item) sg.FeeSchedule {
	return sg.FeeSchedule{TenantID: tenant, Chain: sg.Chain(getS(it, "chain")), Percent: sg.FeeRate(getN(it, "percent")),
		Fixed: sg.Amount(getN(it, "fixed")), Min: sg.Amount(getN(it, "min")), Max: sg.Amount(getN(it, "max")),
		NetworkFee: sg.NetworkFeeMode(getS(it, "network_fee")), Version: getN(it, "version"), EffectiveAt: getUsec(it, "effective")}
}

// FeeSchedule is the current version.
func (st *Settlements) FeeSchedule(ctx context.Context, tenant string, c sg.Chain) (sg.FeeSchedule, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), feeSchPrefix+string(c)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.FeeSchedule{}, classify("dynamo.FeeSchedule", err)
	}
	if out.Item == nil {
		return sg.FeeSchedule{}, sg.ErrNotFound
	}
	return readFee(tenant, out.Item), nil
}

// FeeScheduleAt is the last version written at or before t: one query of
// the versions by effective time, newest first, limit 1.
func (st *Settlements) FeeScheduleAt(ctx context.Context, tenant string, c sg.Chain, t time.Time) (sg.FeeSchedule, error) {
	pre := feeVerPrefix + string(c) + "#"
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ScanIndexForward: aws.Bool(false),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"), Limit: aws.Int32(1),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":lo": s(pre), ":hi": s(pre + usec17(t) + "#~")}})
	if err != nil {
		return sg.FeeSchedule{}, classify("dynamo.FeeScheduleAt", err)
	}
	if len(out.Items) == 0 {
		return sg.FeeSchedule{}, sg.ErrNotFound
	}
	return readFee(tenant, out.Items[0]), nil
}

// PutFeeSchedule writes the next version and the current one over
// f.Version, in one transaction. EffectiveAt never goes back.
func (st *Settlements) PutFeeSchedule(ctx context.Context, f sg.FeeSchedule) (sg.FeeSchedule, error) {
	if f.Version > 0 {
		cur, err := st.FeeSchedule(ctx, f.TenantID, f.Chain)
		if errors.Is(err, sg.ErrNotFound) {
			return sg.FeeSchedule{}, sg.ErrFeeScheduleChanged
		}
		if err != nil {
			return sg.FeeSchedule{}, err
		}
		if f.EffectiveAt.Before(cur.EffectiveAt) {
			f.EffectiveAt = cur.EffectiveAt
		}
	}
	prev := f.Version
	f.Version++
	f.EffectiveAt = f.EffectiveAt.UTC().Truncate(time.Microsecond)
	pk := tenantPK(f.TenantID)
	head := &types.Put{TableName: &st.table, Item: feeItem(f, pk, feeSchPrefix+string(f.Chain))}
	if prev == 0 {
		head.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		head.ConditionExpression = aws.String("version = :v")
		head.ExpressionAttributeValues = map[string]types.AttributeValue{":v": n(prev)}
	}
	ver := &types.Put{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: feeItem(f, pk, fmt.Sprintf("%s%s#%s#%012d", feeVerPrefix, f.Chain, usec17(f.EffectiveAt), f.Version))}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{Put: head}, {Put: ver}}})
	if reasons := cancelled(err); reasons != nil {
		if txCode(reasons, 0) == "ConditionalCheckFailed" || txCode(reasons, 1) == "ConditionalCheckFailed" {
			return sg.FeeSchedule{}, sg.ErrFeeScheduleChanged
		}
		return sg.FeeSchedule{}, sg.Unavailable("dynamo.PutFeeSchedule", err)
	}
	if err != nil {
		return sg.FeeSchedule{}, classify("dynamo.PutFeeSchedule", err)
	}
	return f, nil
}

// ---- configs ----

func configItem(c sg.SettlementConfig) item {
	return item{attrPK: s(tenantPK(c.TenantID)), attrSK: s(stlCfgPrefix + string(c.Chain)), "type": s("settlement_config"),
		"chain": s(string(c.Chain)), "mode": s(string(c.Mode)), "schedule": s(string(c.Schedule)), "cutoff_hour": n(int64(c.CutoffHour)),
		"threshold": n(int64(c.Threshold)), "dest_chain": s(string(c.Destination.Chain)), "dest_address": s(c.Destination.Address),
		"min_payout": n(int64(c.MinPayout)), "wallet_id": s(c.WalletID), "version": n(c.Version), "updated": usecN(c.UpdatedAt)}
}

func readConfig(tenant string, it item) sg.SettlementConfig {
	return sg.SettlementConfig{TenantID: tenant, Chain: sg.Chain(getS(it, "chain")), Mode: sg.SettlementMode(getS(it, "mode")),
		Schedule: sg.SettlementSchedule(getS(it, "schedule")), CutoffHour: int(getN(it, "cutoff_hour")), Threshold: sg.Amount(getN(it, "threshold")),
		Destination: sg.SettlementDestination{Chain: sg.Chain(getS(it, "dest_chain")), Address: getS(it, "dest_address")},
		MinPayout:   sg.Amount(getN(it, "min_payout")), WalletID: getS(it, "wallet_id"), Version: getN(it, "version"), UpdatedAt: getUsec(it, "updated")}
}

// SettlementConfig is the tenant's config for c.
func (st *Settlements) SettlementConfig(ctx context.Context, tenant string, c sg.Chain) (sg.SettlementConfig, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), stlCfgPrefix+string(c)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.SettlementConfig{}, classify("dynamo.SettlementConfig", err)
	}
	if out.Item == nil {
		return sg.SettlementConfig{}, sg.ErrNotFound
	}
	return readConfig(tenant, out.Item), nil
}

// PutSettlementConfig writes cfg over its version.
func (st *Settlements) PutSettlementConfig(ctx context.Context, cfg sg.SettlementConfig) (sg.SettlementConfig, error) {
	prev := cfg.Version
	cfg.Version++
	cfg.UpdatedAt = cfg.UpdatedAt.UTC().Truncate(time.Microsecond)
	in := &dynamodb.PutItemInput{TableName: &st.table, Item: configItem(cfg)}
	if prev == 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		in.ConditionExpression = aws.String("version = :v")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": n(prev)}
	}
	_, err := st.db.PutItem(ctx, in)
	if condFailed(err) {
		return sg.SettlementConfig{}, sg.ErrSettlementConfigChanged
	}
	if err != nil {
		return sg.SettlementConfig{}, classify("dynamo.PutSettlementConfig", err)
	}
	return cfg, nil
}

// ---- settlements ----

func stlDueKeys(stl sg.Settlement) (string, string) {
	return stlDuePrefix + strconv.Itoa(stlShard(stl.ID)), usec17(stl.DueAt) + "#" + stl.TenantID + "#" + stl.ID
}

func settlementItem(stl sg.Settlement) item {
	it := item{attrPK: s(tenantPK(stl.TenantID)), attrSK: s(stlPrefix + stl.ID), "type": s("settlement"), "id": s(stl.ID),
		"tenant": s(stl.TenantID), "chain": s(string(stl.Chain)), "currency": s(string(stl.Currency)), "status": s(string(stl.Status)),
		"period_from": usecN(stl.Period.From), "period_to": usecN(stl.Period.To), "dest_chain": s(string(stl.Destination.Chain)),
		"dest_address": s(stl.Destination.Address), "payout": s(stl.PayoutTransferID), "attempt": n(int64(stl.Attempt)),
		"fail_reason": s(stl.FailReason), "payout_batch": s(stl.PayoutBatchID), "waiting": s(stl.Waiting), "due": usecN(stl.DueAt), "created": usecN(stl.CreatedAt), "closed": usecN(stl.ClosedAt),
		"paid_at": usecN(stl.PaidAt), "line_count": n(int64(stl.LineCount)), "gross": n(int64(stl.Totals.Gross)),
		"fees": n(int64(stl.Totals.Fees)), "refunds": n(int64(stl.Totals.Refunds)), "net": n(int64(stl.Totals.Net)), "version": n(stl.Version)}
	// ---- cust: the merchant's tier (issue 15) ----
	if stl.Totals.Cleared != 0 {
		it["cleared"] = n(int64(stl.Totals.Cleared))
	}
	if h := stl.Held; h != nil {
		it["held_code"], it["held_msg"], it["held_since"] = s(h.Code), s(h.Message), usecN(h.Since)
	}
	if !stl.DueAt.IsZero() {
		pk, sk := stlDueKeys(stl)
		it["GSI1PK"], it["GSI1SK"] = s(pk), s(sk)
	}
	return it
}

func readSettlement(it item) sg.Settlement {
	return sg.Settlement{ID: getS(it, "id"), TenantID: getS(it, "tenant"), Chain: sg.Chain(getS(it, "chain")), Currency: sg.Asset(getS(it, "currency")),
		Status: sg.SettlementStatus(getS(it, "status")), Period: sg.SettlementPeriod{From: getUsec(it, "period_from"), To: getUsec(it, "period_to")},
		Destination:      sg.SettlementDestination{Chain: sg.Chain(getS(it, "dest_chain")), Address: getS(it, "dest_address")},
		PayoutTransferID: getS(it, "payout"), Attempt: int(getN(it, "attempt")), FailReason: getS(it, "fail_reason"),
		PayoutBatchID: getS(it, "payout_batch"), Waiting: getS(it, "waiting"),
		DueAt: getUsec(it, "due"), CreatedAt: getUsec(it, "created"), ClosedAt: getUsec(it, "closed"), PaidAt: getUsec(it, "paid_at"),
		LineCount: int(getN(it, "line_count")), Version: getN(it, "version"),
		Totals: sg.SettlementTotals{Gross: sg.Amount(getN(it, "gross")), Fees: sg.Amount(getN(it, "fees")),
			Refunds: sg.Amount(getN(it, "refunds")), Net: sg.Amount(getN(it, "net")), Cleared: sg.Amount(getN(it, "cleared"))},
		Held: heldOf(it)}
}

// heldOf is a settlement item's hold, if any (issue 15: the merchant's tier).
func heldOf(it item) *sg.Reason {
	c := getS(it, "held_code")
	if c == "" {
		return nil
	}
	return &sg.Reason{Code: c, Message: getS(it, "held_msg"), Since: getUsec(it, "held_since")}
}

func lineSK(id string, seq int) string { return fmt.Sprintf("%s%s#%08d", stlLinePrefix, id, seq) }

func lineItem(tenant, id string, l sg.SettlementLine) item {
	it := item{attrPK: s(tenantPK(tenant)), attrSK: s(lineSK(id, l.Seq)), "type": s("settlement_line"), "seq": n(int64(l.Seq)),
		"kind": s(string(l.Kind)), "ref": s(l.Ref), "chain": s(string(l.Chain)), "gross": n(int64(l.Gross)), "fee": n(int64(l.Fee)),
		"net": n(int64(l.Net)), "cleared": n(int64(l.Cleared)), "fee_shown": n(int64(l.FeeShown)), "schedule_version": n(l.ScheduleVersion),
		"at": usecN(l.At)}
	optS(it, "to", string(l.To))
	optS(it, "fiat_currency", l.FiatCurrency)
	optS(it, "rate", l.Rate)
	return it
}

func readLine(it item) sg.SettlementLine {
	return sg.SettlementLine{Seq: int(getN(it, "seq")), Kind: sg.SettlementLineKind(getS(it, "kind")), Ref: getS(it, "ref"),
		Chain: sg.Chain(getS(it, "chain")), To: sg.Chain(getS(it, "to")), Gross: sg.Amount(getN(it, "gross")), Fee: sg.Amount(getN(it, "fee")),
		Net: sg.Amount(getN(it, "net")), Cleared: sg.Amount(getN(it, "cleared")), FeeShown: sg.Amount(getN(it, "fee_shown")),
		ScheduleVersion: getN(it, "schedule_version"), FiatCurrency: getS(it, "fiat_currency"), Rate: getS(it, "rate"), At: getUsec(it, "at")}
}

func markerSK(l sg.SettlementLine) string {
	return stlRefPrefix + string(l.Kind) + "#" + string(l.Chain) + "#" + l.Ref
}

// lineWrites are the puts of lines numbered after stl's count, each put
// once, with one marker per distinct (kind, chain, ref), put once; and
// stl with the lines counted and totalled.
func (st *Settlements) lineWrites(stl sg.Settlement, lines []sg.SettlementLine) ([]types.TransactWriteItem, sg.Settlement, error) {
	if len(lines) > stlMaxLines {
		return nil, stl, sg.Internal("dynamo.settlementLines", fmt.Errorf("%d lines in one write; at most %d", len(lines), stlMaxLines))
	}
	var items []types.TransactWriteItem
	seen := map[string]bool{}
	pk := tenantPK(stl.TenantID)
	for _, l := range lines {
		if err := l.Check(); err != nil {
			return nil, stl, err
		}
		stl.LineCount++
		l.Seq = stl.LineCount
		l.At = l.At.UTC().Truncate(time.Microsecond)
		stl.Totals = stl.Totals.Add(l)
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: lineItem(stl.TenantID, stl.ID, l),
			ConditionExpression: aws.String("attribute_not_exists(PK)")}})
		if mk := markerSK(l); !seen[mk] {
			seen[mk] = true
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
				Item: item{attrPK: s(pk), attrSK: s(mk), "type": s("settlement_ref"), "settlement": s(stl.ID), "seq": n(int64(l.Seq))}}})
		}
	}
	return items, stl, nil
}

func (st *Settlements) liabWrite(c sg.Chain, tenant string, delta sg.Amount) []types.TransactWriteItem {
	if delta == 0 {
		return nil
	}
	return []types.TransactWriteItem{{Update: &types.Update{TableName: &st.table, Key: liabKey(c, tenant),
		UpdateExpression: aws.String("ADD #n :d"), ExpressionAttributeNames: map[string]string{"#n": "net"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": n(int64(delta))}}}}
}

// lineError names the failure of a transaction whose items from first on
// are lines and markers.
func lineError(op string, err error, first int, items []types.TransactWriteItem) error {
	reasons := cancelled(err)
	if reasons == nil {
		return classify(op, err)
	}
	for i := 0; i < first; i++ {
		if txCode(reasons, i) == "ConditionalCheckFailed" {
			return sg.ErrSettlementChanged
		}
	}
	for i := first; i < len(items); i++ {
		if txCode(reasons, i) == "ConditionalCheckFailed" {
			return sg.ErrSettlementLineExists
		}
	}
	return sg.Unavailable(op, err)
}

// CreateSettlement writes the open pointer, the settlement, its lines
// with their markers and the liabilities in one transaction.
func (st *Settlements) CreateSettlement(ctx context.Context, stl sg.Settlement, lines []sg.SettlementLine) (sg.Settlement, error) {
	if stl.Status != sg.SettlementOpen {
		return sg.Settlement{}, sg.ErrValidation.WithParam("status")
	}
	stl.Lines, stl.LineCount, stl.Totals, stl.Version = nil, 0, sg.SettlementTotals{}, 1
	for _, t := range []*time.Time{&stl.Period.From, &stl.Period.To, &stl.DueAt, &stl.CreatedAt, &stl.ClosedAt, &stl.PaidAt} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Microsecond)
		}
	}
	lw, stl2, err := st.lineWrites(stl, lines)
	if err != nil {
		return sg.Settlement{}, err
	}
	stl = stl2
	pk := tenantPK(stl.TenantID)
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
			Item: item{attrPK: s(pk), attrSK: s(stlOpenPrefix + string(stl.Chain)), "type": s("settlement_open"), "settlement": s(stl.ID)}}},
		{Put: &types.Put{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"), Item: settlementItem(stl)}},
	}
	items = append(items, lw...)
	last := len(items)
	items = append(items, st.liabWrite(stl.Chain, stl.TenantID, stl.Totals.Net)...)
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil {
		return sg.Settlement{}, lineError("dynamo.CreateSettlement", err, 2, items[:last])
	}
	return stl, nil
}

// OpenSettlement follows the open pointer of (tenant, chain).
func (st *Settlements) OpenSettlement(ctx context.Context, tenant string, c sg.Chain) (sg.Settlement, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), stlOpenPrefix+string(c)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Settlement{}, classify("dynamo.OpenSettlement", err)
	}
	if out.Item == nil {
		return sg.Settlement{}, sg.ErrNotFound
	}
	return st.Settlement(ctx, tenant, getS(out.Item, "settlement"))
}

// AddSettlementLines updates the settlement over its version and puts the
// lines, their markers and the liabilities in one transaction.
func (st *Settlements) AddSettlementLines(ctx context.Context, stl sg.Settlement, lines []sg.SettlementLine) (sg.Settlement, error) {
	prev := stl.Version
	lw, next, err := st.lineWrites(stl, lines)
	if err != nil {
		return sg.Settlement{}, err
	}
	next.Version = prev + 1
	if !next.DueAt.IsZero() {
		next.DueAt = next.DueAt.UTC().Truncate(time.Microsecond)
	}
	names := map[string]string{"#st": "status", "#v": "version", "#lc": "line_count", "#g": "gross", "#f": "fees", "#r": "refunds",
		"#net": "net", "#due": "due"}
	vals := map[string]types.AttributeValue{":open": s(string(sg.SettlementOpen)), ":v": n(prev), ":v1": n(next.Version),
		":lc": n(int64(next.LineCount)), ":g": n(int64(next.Totals.Gross)), ":f": n(int64(next.Totals.Fees)),
		":r": n(int64(next.Totals.Refunds)), ":net": n(int64(next.Totals.Net)), ":due": usecN(next.DueAt)}
	set := "SET #v = :v1, #lc = :lc, #g = :g, #f = :f, #r = :r, #net = :net, #due = :due"
	// ---- cust: what the settlement cleared from another chain (issue 15) ----
	names["#cl"], vals[":cl"] = "cleared", n(int64(next.Totals.Cleared))
	set += ", #cl = :cl"
	if next.DueAt.IsZero() {
		set += " REMOVE GSI1PK, GSI1SK"
	} else {
		gpk, gsk := stlDueKeys(next)
		vals[":gpk"], vals[":gsk"] = s(gpk), s(gsk)
		set += ", GSI1PK = :gpk, GSI1SK = :gsk"
	}
	items := []types.TransactWriteItem{{Update: &types.Update{TableName: &st.table, Key: key(tenantPK(stl.TenantID), stlPrefix+stl.ID),
		UpdateExpression: aws.String(set), ConditionExpression: aws.String("attribute_exists(PK) AND #v = :v AND #st = :open"),
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals}}}
	items = append(items, lw...)
	last := len(items)
	items = append(items, st.liabWrite(stl.Chain, stl.TenantID, next.Totals.Net-stl.Totals.Net)...)
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err != nil {
		return sg.Settlement{}, lineError("dynamo.AddSettlementLines", err, 1, items[:last])
	}
	next.Lines = nil
	return next, nil
}

// UpdateSettlement moves the settlement over its version: one transaction
// with the open pointer's deletion when it leaves open and the
// liabilities when it reaches paid.
func (st *Settlements) UpdateSettlement(ctx context.Context, stl sg.Settlement) (sg.Settlement, error) {
	cur, err := st.Settlement(ctx, stl.TenantID, stl.ID)
	if errors.Is(err, sg.ErrNotFound) {
		return sg.Settlement{}, sg.ErrSettlementChanged
	}
	if err != nil {
		return sg.Settlement{}, err
	}
	if cur.Version != stl.Version || !stl.Status.Follows(cur.Status) {
		return sg.Settlement{}, sg.ErrSettlementChanged
	}
	was := cur.Status
	cur.Status, cur.Period.To, cur.Destination = stl.Status, stl.Period.To, stl.Destination
	cur.PayoutTransferID, cur.Attempt, cur.FailReason = stl.PayoutTransferID, stl.Attempt, stl.FailReason
	cur.PayoutBatchID, cur.Waiting = stl.PayoutBatchID, stl.Waiting
	cur.DueAt, cur.ClosedAt, cur.PaidAt = stl.DueAt, stl.ClosedAt, stl.PaidAt
	cur.Held = nil
	if stl.Held != nil {
		h := *stl.Held
		h.Since = h.Since.UTC().Truncate(time.Microsecond)
		cur.Held = &h
	}
	for _, t := range []*time.Time{&cur.Period.To, &cur.DueAt, &cur.ClosedAt, &cur.PaidAt} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Microsecond)
		}
	}
	cur.Version++
	put := &types.Put{TableName: &st.table, Item: settlementItem(cur), ConditionExpression: aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n(stl.Version)}}
	items := []types.TransactWriteItem{{Put: put}}
	if was == sg.SettlementOpen && cur.Status != sg.SettlementOpen {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &st.table,
			Key: key(tenantPK(cur.TenantID), stlOpenPrefix+string(cur.Chain)), ConditionExpression: aws.String("#s = :id"),
			ExpressionAttributeNames: map[string]string{"#s": "settlement"}, ExpressionAttributeValues: map[string]types.AttributeValue{":id": s(cur.ID)}}})
	}
	if cur.Status == sg.SettlementPaid {
		items = append(items, st.liabWrite(cur.Chain, cur.TenantID, -cur.Totals.Net)...)
	}
	commit := -1
	if was.Committed() != cur.Status.Committed() {
		commit = len(items)
		items = append(items, st.committedWrite(cur, was.Committed(), was == sg.SettlementOpen))
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if reasons := cancelled(err); reasons != nil {
		for i := range items {
			if txCode(reasons, i) == "ConditionalCheckFailed" {
				if i == commit {
					return sg.Settlement{}, sg.ErrSettlementReversing
				}
				return sg.Settlement{}, sg.ErrSettlementChanged
			}
		}
		return sg.Settlement{}, sg.Unavailable("dynamo.UpdateSettlement", err)
	}
	if err != nil {
		return sg.Settlement{}, classify("dynamo.UpdateSettlement", err)
	}
	return cur, nil
}

// Settlement reads the settlement's item.
func (st *Settlements) Settlement(ctx context.Context, tenant, id string) (sg.Settlement, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), stlPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Settlement{}, classify("dynamo.Settlement", err)
	}
	if out.Item == nil {
		return sg.Settlement{}, sg.ErrNotFound
	}
	return readSettlement(out.Item), nil
}

func stlLimit(p sg.Page) int {
	if p.Limit <= 0 || p.Limit > 100 {
		return 100
	}
	return p.Limit
}

// SettlementLines queries the settlement's lines by seq; the cursor is the
// last seq given.
func (st *Settlements) SettlementLines(ctx context.Context, tenant, id string, page sg.Page) ([]sg.SettlementLine, string, error) {
	after := 0
	if page.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(page.Cursor)
		if err != nil {
			return nil, "", sg.ErrInvalidCursor
		}
		if after, err = strconv.Atoi(string(b)); err != nil || after < 0 {
			return nil, "", sg.ErrInvalidCursor
		}
	}
	if _, err := st.Settlement(ctx, tenant, id); err != nil {
		return nil, "", err
	}
	limit := stlLimit(page)
	in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"), Limit: aws.Int32(int32(limit + 1)),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":lo": s(lineSK(id, after+1)),
			":hi": s(stlLinePrefix + id + "#~")}}
	out := []sg.SettlementLine{}
	for len(out) <= limit {
		res, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, "", classify("dynamo.SettlementLines", err)
		}
		for _, it := range res.Items {
			out = append(out, readLine(it))
		}
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	if len(out) <= limit {
		return out, "", nil
	}
	return out[:limit], base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(out[limit-1].Seq))), nil
}

// Settlements queries the tenant's settlement items newest first (ids
// sort by creation); the cursor is the last id.
func (st *Settlements) Settlements(ctx context.Context, tenant string, page sg.Page) ([]sg.Settlement, string, error) {
	var after string
	if page.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(page.Cursor)
		if err != nil || !sg.ValidID("stl", string(b)) {
			return nil, "", sg.ErrInvalidCursor
		}
		after = string(b)
	}
	limit := stlLimit(page)
	in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ScanIndexForward: aws.Bool(false),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :pre)"), Limit: aws.Int32(int32(limit + 1)),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":pre": s(stlPrefix)}}
	if after != "" {
		in.ExclusiveStartKey = key(tenantPK(tenant), stlPrefix+after)
	}
	out := []sg.Settlement{}
	for len(out) <= limit {
		res, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, "", classify("dynamo.Settlements", err)
		}
		for _, it := range res.Items {
			out = append(out, readSettlement(it))
		}
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	if len(out) <= limit {
		return out, "", nil
	}
	return out[:limit], base64.RawURLEncoding.EncodeToString([]byte(out[limit-1].ID)), nil
}

// DueSettlements queries every shard of the sparse due index up to t.
func (st *Settlements) DueSettlements(ctx context.Context, t time.Time, limit int) ([]sg.SettlementRef, error) {
	type due struct {
		sk  string
		ref sg.SettlementRef
	}
	var all []due
	for shard := range stlShards {
		in := &dynamodb.QueryInput{TableName: &st.table, IndexName: aws.String("GSI1"),
			KeyConditionExpression: aws.String("GSI1PK = :pk AND GSI1SK <= :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(stlDuePrefix + strconv.Itoa(shard)),
				":t": s(usec17(t) + "#~")}}
		if limit > 0 {
			in.Limit = aws.Int32(int32(limit))
		}
		for {
			out, err := st.db.Query(ctx, in)
			if err != nil {
				return nil, classify("dynamo.DueSettlements", err)
			}
			for _, it := range out.Items {
				all = append(all, due{getS(it, "GSI1SK"), sg.SettlementRef{TenantID: getS(it, "tenant"), ID: getS(it, "id")}})
			}
			if len(out.LastEvaluatedKey) == 0 || limit > 0 {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].sk < all[j].sk })
	refs := []sg.SettlementRef{}
	for _, d := range all {
		if limit > 0 && len(refs) == limit {
			break
		}
		refs = append(refs, d.ref)
	}
	return refs, nil
}

// SettlementLiabilities sums each chain's counter shards (one query per
// chain).
func (st *Settlements) SettlementLiabilities(ctx context.Context) (map[sg.Chain]sg.Amount, error) {
	out := map[sg.Chain]sg.Amount{}
	for _, c := range sg.Chains {
		res, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(stlLiabPrefix + string(c))}})
		if err != nil {
			return nil, classify("dynamo.SettlementLiabilities", err)
		}
		var sum sg.Amount
		for _, it := range res.Items {
			sum += sg.Amount(getN(it, "net"))
		}
		if sum != 0 {
			out[c] = sum
		}
	}
	return out, nil
}

var _ sg.SettlementLineFinder = (*Settlements)(nil)

// SettlementLineByRef implements sg.SettlementLineFinder: the marker names
// the settlement and the line's number, so two reads by key find it.
// (Markers written before they carried the number find nothing.)
func (st *Settlements) SettlementLineByRef(ctx context.Context, tenant string, kind sg.SettlementLineKind, c sg.Chain, ref string) (sg.SettlementLine, error) {
	mk := markerSK(sg.SettlementLine{Kind: kind, Chain: c, Ref: ref})
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), mk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.SettlementLine{}, classify("dynamo.SettlementLineByRef", err)
	}
	if out.Item == nil || out.Item["seq"] == nil {
		return sg.SettlementLine{}, sg.ErrNotFound
	}
	line, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table,
		Key: key(tenantPK(tenant), lineSK(getS(out.Item, "settlement"), int(getN(out.Item, "seq")))), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.SettlementLine{}, classify("dynamo.SettlementLineByRef", err)
	}
	if line.Item == nil {
		return sg.SettlementLine{}, sg.ErrNotFound
	}
	return readLine(line.Item), nil
}
