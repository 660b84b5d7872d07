package dynamo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A wallet's WebSocket stream lives in a partition of its own
// (LIVEEV#tenant#wallet): HEAD holds the newest id, EV#<id> each event and
// KEY#<key> the id a change got (so a redelivered stream record gets the
// same id). Events and keys expire after sg.LiveEventWindow.
const (
	liveEvPrefix = "LIVEEV#"
	liveHead     = "HEAD"
)

func liveEvPK(tenant, wallet string) string { return liveEvPrefix + tenant + "#" + wallet }

func liveEvSK(id int64) string { return fmt.Sprintf("EV#%019d", id) }

// AppendEvent gives body the stream's next id unless key already has one.
// The id and the event are written in one transaction conditioned on the
// head read, so an id is never given twice and the head never runs ahead
// of the events written (GoLive relies on it).
func (st *Live) AppendEvent(ctx context.Context, tenant, wallet, key string, body []byte) (int64, bool, error) {
	pk := liveEvPK(tenant, wallet)
	for range 8 {
		if out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: map[string]types.AttributeValue{attrPK: s(pk), attrSK: s("KEY#" + key)},
			ConsistentRead: aws.Bool(true)}); err != nil {
			return 0, false, classify("dynamo.AppendEvent", err)
		} else if out.Item != nil {
			return getN(out.Item, "event_id"), false, nil
		}
		head, err := st.LastEventID(ctx, tenant, wallet)
		if err != nil {
			return 0, false, err
		}
		id := head + 1
		expires := n(st.Now().Add(sg.LiveEventWindow).Unix())
		headPut := &types.Put{TableName: &st.table, Item: item{attrPK: s(pk), attrSK: s(liveHead), "type": s("live_head"), "seq": n(id)}}
		if head == 0 {
			headPut.ConditionExpression = aws.String("attribute_not_exists(PK)")
		} else {
			headPut.ConditionExpression = aws.String("seq = :h")
			headPut.ExpressionAttributeValues = map[string]types.AttributeValue{":h": n(head)}
		}
		_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: headPut},
			{Put: &types.Put{TableName: &st.table, Item: item{attrPK: s(pk), attrSK: s(liveEvSK(id)), "type": s("live_event"), "body": b(body), attrExpires: expires}}},
			{Put: &types.Put{TableName: &st.table, Item: item{attrPK: s(pk), attrSK: s("KEY#" + key), "type": s("live_event_key"), "event_id": n(id), attrExpires: expires},
				ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		}})
		if err == nil {
			return id, true, nil
		}
		if cancelled(err) == nil {
			return 0, false, classify("dynamo.AppendEvent", err)
		}
		// Another append took the id, or the key's: read again.
	}
	return 0, false, sg.Unavailable("dynamo.AppendEvent", fmt.Errorf("stream %s busy", pk))
}

// LastEventID is the stream's newest id (0: none yet).
func (st *Live) LastEventID(ctx context.Context, tenant, wallet string) (int64, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(liveEvPK(tenant, wallet), liveHead), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, classify("dynamo.LastEventID", err)
	}
	return getN(out.Item, "seq"), nil
}

// EventsAfter lists the kept events with ids in (after, upTo], oldest first.
func (st *Live) EventsAfter(ctx context.Context, tenant, wallet string, after, upTo int64, limit int) ([]sg.LiveEvent, error) {
	if upTo <= after || limit <= 0 {
		return nil, nil
	}
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :a AND :b"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(liveEvPK(tenant, wallet)), ":a": s(liveEvSK(after + 1)), ":b": s(liveEvSK(upTo))},
		ConsistentRead:            aws.Bool(true), Limit: aws.Int32(int32(min(limit, 1000))),
	})
	if err != nil {
		return nil, classify("dynamo.EventsAfter", err)
	}
	now := st.Now().Unix()
	evs := make([]sg.LiveEvent, 0, len(out.Items))
	for _, it := range out.Items {
		if getN(it, attrExpires) < now {
			continue // expired, not yet removed by TTL
		}
		id, _ := strconv.ParseInt(getS(it, attrSK)[len("EV#"):], 10, 64)
		evs = append(evs, sg.LiveEvent{ID: id, Body: getB(it, "body")})
	}
	return evs, nil
}

// GoLive subscribes conn if the stream's head is still head.
func (st *Live) GoLive(ctx context.Context, tenant, wallet, conn string, head int64) (bool, error) {
	check := &types.ConditionCheck{TableName: &st.table, Key: key(liveEvPK(tenant, wallet), liveHead)}
	if head == 0 {
		check.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		check.ConditionExpression = aws.String("seq = :h")
		check.ExpressionAttributeValues = map[string]types.AttributeValue{":h": n(head)}
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{ConditionCheck: check},
		{Put: &types.Put{TableName: &st.table, Item: item{
			attrPK: s(subPK(tenant, wallet)), attrSK: s(connPrefix + conn), "type": s("subscription"),
			attrExpires: n(st.Now().Add(ConnectionTTL).Unix()),
		}}},
	}})
	if err == nil {
		return true, nil
	}
	if cancelled(err) != nil {
		return false, nil
	}
	return false, classify("dynamo.GoLive", err)
}

var _ sg.LiveEvents = (*Live)(nil)
