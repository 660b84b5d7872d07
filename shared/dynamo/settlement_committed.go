package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settlefix: closed settlements not yet paid ----

// The committed counter of (tenant, payout chain), one item:
//
//	PK TENANT#<tenant>  SK STLCOMMIT#<chain>
//	net, n    the nets and number of closed or failed settlements (ADD, with the status)
//	ver       moved by every write (ADD 1): reservations are conditioned on it
//	res       reversals admitted and not yet recorded: key -> {a: amount, t: unix µs}
//	until     the last instant a reservation in res is live (unix µs); absent when none
//	init      set once net and n were counted from the settlements
//	bf_*      an initialisation in progress: cursor (last SK read), net, n, and the ver it began at
//
// A settlement closing is conditioned on until <= its close time, so it
// never closes while a reversal admitted against it is on the way.
const stlCommitPrefix = "STLCOMMIT#"

// DefaultBackfillPages is how many pages of a tenant's settlements one
// read of an uninitialised counter goes through (100 settlements a page).
const DefaultBackfillPages = 20

func commitKey(tenant string, c sg.Chain) map[string]types.AttributeValue {
	return key(tenantPK(tenant), stlCommitPrefix+string(c))
}

// committedWrite adds stl's net (and one) to its (tenant, chain) counter
// as it becomes committed (closed, failed), takes them off as it leaves;
// a close (opening) is refused while a reservation is live.
func (st *Settlements) committedWrite(stl sg.Settlement, leaving, opening bool) types.TransactWriteItem {
	net, one := int64(stl.Totals.Net), int64(1)
	if leaving {
		net, one = -net, -1
	}
	up := &types.Update{TableName: &st.table, Key: commitKey(stl.TenantID, stl.Chain),
		UpdateExpression: aws.String("ADD #n :d, #c :one, #ver :inc"), ExpressionAttributeNames: map[string]string{"#n": "net", "#c": "n", "#ver": "ver"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": n(net), ":one": n(one), ":inc": n(1)}}
	if opening {
		at := stl.ClosedAt
		if at.IsZero() {
			at = time.Now()
		}
		up.ConditionExpression = aws.String("attribute_not_exists(#u) OR #u <= :now")
		up.ExpressionAttributeNames["#u"] = "until"
		up.ExpressionAttributeValues[":now"] = n(at.UnixMicro())
	}
	return types.TransactWriteItem{Update: up}
}

func (st *Settlements) readCommitted(ctx context.Context, tenant string, c sg.Chain) (item, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: commitKey(tenant, c), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, classify("dynamo.SettlementCommitted", err)
	}
	return out.Item, nil
}

func reservations(it item) map[string]sg.CommittedReservation {
	m := getMap(it, "res")
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]sg.CommittedReservation, len(m))
	for k, v := range m {
		if r, ok := v.(*types.AttributeValueMemberM); ok {
			out[k] = sg.CommittedReservation{Amount: sg.Amount(getN(r.Value, "a")), At: getUsec(r.Value, "t")}
		}
	}
	return out
}

// resWrite sets res to rs and until to their last live instant, over ver.
func (st *Settlements) resWrite(ctx context.Context, tenant string, c sg.Chain, rs map[string]sg.CommittedReservation, ver int64) error {
	m := make(map[string]types.AttributeValue, len(rs))
	var until time.Time
	for k, r := range rs {
		m[k] = &types.AttributeValueMemberM{Value: item{"a": n(int64(r.Amount)), "t": usecN(r.At)}}
		if e := r.At.Add(sg.CommittedReservationTTL); e.After(until) {
			until = e
		}
	}
	names := map[string]string{"#r": "res", "#u": "until", "#ver": "ver", "#i": "init"}
	vals := map[string]types.AttributeValue{":r": &types.AttributeValueMemberM{Value: m}, ":v": n(ver), ":inc": n(1)}
	expr := "SET #r = :r ADD #ver :inc REMOVE #u"
	if !until.IsZero() {
		expr = "SET #r = :r, #u = :u ADD #ver :inc"
		vals[":u"] = n(until.UnixMicro())
	}
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: commitKey(tenant, c), UpdateExpression: aws.String(expr),
		ConditionExpression: aws.String("attribute_exists(#i) AND #ver = :v"), ExpressionAttributeNames: names, ExpressionAttributeValues: vals})
	if condFailed(err) {
		return sg.ErrSettlementChanged
	}
	if err != nil {
		return classify("dynamo.SettlementCommitted", err)
	}
	return nil
}

// SettlementCommitted implements sg.SettlementCommitments: one consistent
// read, and for a counter not yet initialised (written before counters
// were, or never written) a count of the tenant's settlements first.
func (st *Settlements) SettlementCommitted(ctx context.Context, tenant string, c sg.Chain) (sg.SettlementCommitted, error) {
	it, err := st.readCommitted(ctx, tenant, c)
	if err != nil {
		return sg.SettlementCommitted{}, err
	}
	for attempt := 0; it == nil || it["init"] == nil; attempt++ {
		if attempt == maxCommitAttempts {
			return sg.SettlementCommitted{}, sg.Unavailable("dynamo.SettlementCommitted", errors.New("the settlements kept changing while counted"))
		}
		if err := st.initCommitted(ctx, tenant, c, it); err != nil && !errors.Is(err, sg.ErrSettlementChanged) {
			return sg.SettlementCommitted{}, err
		}
		if it, err = st.readCommitted(ctx, tenant, c); err != nil {
			return sg.SettlementCommitted{}, err
		}
	}
	return sg.SettlementCommitted{Net: sg.Amount(getN(it, "net")), Count: getN(it, "n"), Reserved: reservations(it), Version: getN(it, "ver")}, nil
}

// maxCommitAttempts bounds the writes of the counter that lost a race.
const maxCommitAttempts = 8

// initCommitted counts the tenant's closed and failed settlements on c
// (a query of its settlement items, never a scan of the table) and writes
// the count with the init mark, if no write moved the counter since it
// was read as it (ErrSettlementChanged otherwise). It goes through at
// most BackfillPages pages a call, keeping its place in the item; a count
// that is not done answers a retryable error, and the next read goes on.
func (st *Settlements) initCommitted(ctx context.Context, tenant string, c sg.Chain, it item) error {
	ver := getN(it, "ver")
	var net sg.Amount
	var count int64
	in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), Limit: aws.Int32(100),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :pre)"), ProjectionExpression: aws.String("SK, #c, #st, #net"),
		ExpressionAttributeNames:  map[string]string{"#c": "chain", "#st": "status", "#net": "net"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":pre": s(stlPrefix)}}
	if cur := getS(it, "bf_cur"); cur != "" && it["bf_ver"] != nil && getN(it, "bf_ver") == ver {
		net, count = sg.Amount(getN(it, "bf_net")), getN(it, "bf_n")
		in.ExclusiveStartKey = key(tenantPK(tenant), cur)
	}
	pages := st.BackfillPages
	if pages <= 0 {
		pages = DefaultBackfillPages
	}
	done := false
	last := ""
	for range pages {
		out, err := st.db.Query(ctx, in)
		if err != nil {
			return classify("dynamo.SettlementCommitted", err)
		}
		for _, r := range out.Items {
			last = getS(r, attrSK)
			if sg.Chain(getS(r, "chain")) == c && sg.SettlementStatus(getS(r, "status")).Committed() {
				net += sg.Amount(getN(r, "net"))
				count++
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			done = true
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
		last = getS(out.LastEvaluatedKey, attrSK)
	}
	names := map[string]string{"#ver": "ver", "#i": "init", "#n": "net", "#c": "n"}
	vals := map[string]types.AttributeValue{":net": n(int64(net)), ":n": n(count)}
	cond := "attribute_not_exists(#i) AND attribute_not_exists(#ver)"
	if it != nil && it["ver"] != nil {
		cond = "attribute_not_exists(#i) AND #ver = :v"
		vals[":v"] = n(ver)
	}
	var expr string
	if done {
		expr = "SET #n = :net, #c = :n, #i = :true, #ver = :v1 REMOVE bf_cur, bf_net, bf_n, bf_ver"
		vals[":true"], vals[":v1"] = &types.AttributeValueMemberBOOL{Value: true}, n(ver+1)
	} else {
		expr = "SET bf_cur = :cur, bf_net = :net, bf_n = :n, bf_ver = :bv"
		delete(names, "#n")
		delete(names, "#c")
		vals[":cur"], vals[":bv"] = s(last), n(ver)
	}
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: commitKey(tenant, c), UpdateExpression: aws.String(expr),
		ConditionExpression: aws.String(cond), ExpressionAttributeNames: names, ExpressionAttributeValues: vals})
	if condFailed(err) {
		return sg.ErrSettlementChanged
	}
	if err != nil {
		return classify("dynamo.SettlementCommitted", err)
	}
	if !done {
		return sg.Unavailable("dynamo.SettlementCommitted", errors.New("the settlements are still being counted; retry"))
	}
	return nil
}

// ReserveCommitted implements sg.SettlementCommitments: a read and a write
// over ver, which drops the reservations no longer live at at.
func (st *Settlements) ReserveCommitted(ctx context.Context, tenant string, c sg.Chain, k string, amount sg.Amount, at time.Time, version int64) error {
	it, err := st.readCommitted(ctx, tenant, c)
	if err != nil {
		return err
	}
	rs := reservations(it)
	if _, ok := rs[k]; ok {
		return nil
	}
	if it == nil || it["init"] == nil || getN(it, "ver") != version {
		return sg.ErrSettlementChanged
	}
	live := map[string]sg.CommittedReservation{k: {Amount: amount, At: at.UTC().Truncate(time.Microsecond)}}
	for k2, r := range rs {
		if at.Before(r.At.Add(sg.CommittedReservationTTL)) {
			live[k2] = r
		}
	}
	return st.resWrite(ctx, tenant, c, live, version)
}

// ReleaseCommitted implements sg.SettlementCommitments.
func (st *Settlements) ReleaseCommitted(ctx context.Context, tenant string, c sg.Chain, k string) error {
	for range maxCommitAttempts {
		it, err := st.readCommitted(ctx, tenant, c)
		if err != nil {
			return err
		}
		rs := reservations(it)
		if _, ok := rs[k]; !ok {
			return nil
		}
		delete(rs, k)
		err = st.resWrite(ctx, tenant, c, rs, getN(it, "ver"))
		if !errors.Is(err, sg.ErrSettlementChanged) {
			return err
		}
	}
	return sg.Unavailable("dynamo.ReleaseCommitted", errors.New("the counter kept changing"))
}
