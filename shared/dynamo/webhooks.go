package dynamo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Webhooks keeps webhook endpoints, events, delivery jobs with their
// order per key, and the delivery log (sg.WebhookStore). Items:
//
//	endpoint      PK TENANT#<tenant>          SK WHEP#<endpoint id>
//	event         PK TENANT#<tenant>          SK WHEVT#<event id>
//	              GSI1PK WHEVT#<tenant>       GSI1SK <created, 12-digit unix s>#<event id>   (list by time)
//	job           PK WHJOB#<endpoint id>      SK JOB#<job key>
//	seq index     PK WHJOB#<endpoint id>      SK SEQ#<12-digit seq>#<ordering key>  -> job key
//	seq counter   PK WHJOB#<endpoint id>      SK CTR#<ordering key>   (last: the last seq given)
//	cursor        PK WHJOB#<endpoint id>      SK CUR#<ordering key>   (at: the cursor)
//	log entry     PK WHLOG#<tenant>#<endpoint id>  SK <17-digit unix µs>#<job key>#<5-digit attempt>
//
// Events, finished jobs and log entries expire (expires_at) 30 days on;
// pending jobs, counters and cursors do not.
type Webhooks struct{ *Table }

var _ sg.WebhookStore = (*Webhooks)(nil)

// webhookRetention is how long events, finished jobs and the log are kept.
const webhookRetention = 30 * 24 * time.Hour

const (
	whEndpointPrefix = "WHEP#"
	whEventPrefix    = "WHEVT#"
	whJobPK          = "WHJOB#"
	whLogPK          = "WHLOG#"
)

func usecN(t time.Time) types.AttributeValue {
	if t.IsZero() {
		return n(0)
	}
	return n(t.UnixMicro())
}

func getUsec(it item, k string) time.Time {
	v := getN(it, k)
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func strList(l []string) types.AttributeValue {
	out := make([]types.AttributeValue, len(l))
	for i, v := range l {
		out[i] = s(v)
	}
	return &types.AttributeValueMemberL{Value: out}
}

func getStrList(it item, k string) []string {
	l, ok := it[k].(*types.AttributeValueMemberL)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(l.Value))
	for _, v := range l.Value {
		if sv, ok := v.(*types.AttributeValueMemberS); ok {
			out = append(out, sv.Value)
		}
	}
	return out
}

func condFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// ---- endpoints ----

func endpointItem(e sg.WebhookEndpoint) item {
	it := item{attrPK: s(tenantPK(e.TenantID)), attrSK: s(whEndpointPrefix + e.ID), "id": s(e.ID), "url": s(e.URL), "description": s(e.Description),
		"events": strList(e.EnabledEvents), "status": s(e.Status), "disabled_reason": s(e.DisabledReason), "secret": b(e.SecretSealed),
		"prev_expires": usecN(e.PreviousExpires), "created": usecN(e.Created), "updated": usecN(e.Updated),
		"failing_since": usecN(e.FailingSince), "dead": n(int64(e.ConsecutiveDead)), "version": n(e.Version)}
	if len(e.PreviousSecretSealed) > 0 {
		it["prev_secret"] = b(e.PreviousSecretSealed)
	}
	return it
}

func decodeEndpoint(tenant string, it item) sg.WebhookEndpoint {
	return sg.WebhookEndpoint{ID: getS(it, "id"), TenantID: tenant, URL: getS(it, "url"), Description: getS(it, "description"),
		EnabledEvents: getStrList(it, "events"), Status: getS(it, "status"), DisabledReason: getS(it, "disabled_reason"),
		SecretSealed: getB(it, "secret"), PreviousSecretSealed: getB(it, "prev_secret"), PreviousExpires: getUsec(it, "prev_expires"),
		Created: getUsec(it, "created"), Updated: getUsec(it, "updated"), FailingSince: getUsec(it, "failing_since"),
		ConsecutiveDead: int(getN(it, "dead")), Version: getN(it, "version")}
}

// CreateWebhookEndpoint writes e once, at Version 1.
func (st *Webhooks) CreateWebhookEndpoint(ctx context.Context, e sg.WebhookEndpoint) error {
	e.Version = 1
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: endpointItem(e),
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if condFailed(err) {
		return sg.ErrWebhookEndpointChanged.WithMessage("a webhook endpoint with this id exists")
	}
	if err != nil {
		return classify("dynamo.CreateWebhookEndpoint", err)
	}
	return nil
}

// WebhookEndpoint is the tenant's endpoint.
func (st *Webhooks) WebhookEndpoint(ctx context.Context, tenant, id string) (sg.WebhookEndpoint, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), whEndpointPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.WebhookEndpoint{}, classify("dynamo.WebhookEndpoint", err)
	}
	if out.Item == nil {
		return sg.WebhookEndpoint{}, sg.ErrNotFound
	}
	return decodeEndpoint(tenant, out.Item), nil
}

// WebhookEndpoints are the tenant's endpoints, oldest first.
func (st *Webhooks) WebhookEndpoints(ctx context.Context, tenant string) ([]sg.WebhookEndpoint, error) {
	var all []sg.WebhookEndpoint
	var start map[string]types.AttributeValue
	for {
		out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
			KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":p": s(whEndpointPrefix)}})
		if err != nil {
			return nil, classify("dynamo.WebhookEndpoints", err)
		}
		for _, it := range out.Items {
			all = append(all, decodeEndpoint(tenant, it))
		}
		if start = out.LastEvaluatedKey; start == nil {
			break
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].Created.Equal(all[j].Created) {
			return all[i].Created.Before(all[j].Created)
		}
		return all[i].ID < all[j].ID
	})
	return all, nil
}

// UpdateWebhookEndpoint writes e over the version it was read at.
func (st *Webhooks) UpdateWebhookEndpoint(ctx context.Context, e sg.WebhookEndpoint) (sg.WebhookEndpoint, error) {
	old, err := st.WebhookEndpoint(ctx, e.TenantID, e.ID)
	if err != nil {
		return sg.WebhookEndpoint{}, err
	}
	prev := e.Version
	e.Created = old.Created
	e.Version++
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: endpointItem(e),
		ConditionExpression: aws.String("attribute_exists(PK) AND version = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": n(prev)}})
	if condFailed(err) {
		if _, gerr := st.WebhookEndpoint(ctx, e.TenantID, e.ID); errors.Is(gerr, sg.ErrNotFound) {
			return sg.WebhookEndpoint{}, sg.ErrNotFound
		}
		return sg.WebhookEndpoint{}, sg.ErrWebhookEndpointChanged
	}
	if err != nil {
		return sg.WebhookEndpoint{}, classify("dynamo.UpdateWebhookEndpoint", err)
	}
	return st.WebhookEndpoint(ctx, e.TenantID, e.ID)
}

// DeleteWebhookEndpoint removes the tenant's endpoint.
func (st *Webhooks) DeleteWebhookEndpoint(ctx context.Context, tenant, id string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(tenantPK(tenant), whEndpointPrefix+id),
		ConditionExpression: aws.String("attribute_exists(PK)")})
	if condFailed(err) {
		return sg.ErrNotFound
	}
	if err != nil {
		return classify("dynamo.DeleteWebhookEndpoint", err)
	}
	return nil
}

// ---- events ----

func eventSortKey(created time.Time, id string) string {
	return fmt.Sprintf("%012d#%s", created.Unix(), id)
}

func (st *Webhooks) eventItem(e sg.WebhookEvent) item {
	created := e.Created.UTC().Truncate(time.Second)
	return item{attrPK: s(tenantPK(e.TenantID)), attrSK: s(whEventPrefix + e.ID), "GSI1PK": s(whEventPrefix + e.TenantID),
		"GSI1SK": s(eventSortKey(created, e.ID)), "id": s(e.ID), "type": s(e.Type), "created": n(created.Unix()), "api_version": s(e.APIVersion),
		"okey": s(e.OrderingKey), "data": b(e.Data), attrExpires: n(created.Add(webhookRetention).Unix())}
}

func decodeEvent(tenant string, it item) sg.WebhookEvent {
	return sg.WebhookEvent{ID: getS(it, "id"), TenantID: tenant, Type: getS(it, "type"), Created: time.Unix(getN(it, "created"), 0).UTC(),
		APIVersion: getS(it, "api_version"), OrderingKey: getS(it, "okey"), Data: getB(it, "data")}
}

// PutWebhookEvent stores e once by (tenant, id).
func (st *Webhooks) PutWebhookEvent(ctx context.Context, e sg.WebhookEvent) (sg.WebhookEvent, bool, error) {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: st.eventItem(e),
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if condFailed(err) {
		old, gerr := st.WebhookEvent(ctx, e.TenantID, e.ID)
		return old, false, gerr
	}
	if err != nil {
		return sg.WebhookEvent{}, false, classify("dynamo.PutWebhookEvent", err)
	}
	return decodeEvent(e.TenantID, st.eventItem(e)), true, nil
}

// WebhookEvent is the tenant's event.
func (st *Webhooks) WebhookEvent(ctx context.Context, tenant, id string) (sg.WebhookEvent, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), whEventPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.WebhookEvent{}, classify("dynamo.WebhookEvent", err)
	}
	if out.Item == nil {
		return sg.WebhookEvent{}, sg.ErrNotFound
	}
	return decodeEvent(tenant, out.Item), nil
}

func whPageLimit(p sg.Page) int {
	switch {
	case p.Limit <= 0:
		return 20
	case p.Limit > 100:
		return 100
	}
	return p.Limit
}

func whCursor(kind, v string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "|" + v))
}

func readWhCursor(kind, c string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	k, v, ok := strings.Cut(string(raw), "|")
	if err != nil || !ok || k != kind || v == "" {
		return "", sg.ErrInvalidCursor
	}
	return v, nil
}

// WebhookEvents lists the tenant's events created in [from, to), oldest
// first, on GSI1.
func (st *Webhooks) WebhookEvents(ctx context.Context, tenant string, from, to time.Time, page sg.Page) ([]sg.WebhookEvent, string, error) {
	// Events are kept at the second: a bound within a second is its ceiling.
	ceil := func(t time.Time) int64 {
		if t.Truncate(time.Second).Equal(t) {
			return t.Unix()
		}
		return t.Unix() + 1
	}
	lo := fmt.Sprintf("%012d", max(ceil(from), 0))
	hi := "999999999999~"
	if !to.IsZero() {
		hi = fmt.Sprintf("%012d", ceil(to))
	}
	in := &dynamodb.QueryInput{TableName: &st.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(whEventPrefix + tenant), ":lo": s(lo), ":hi": s(hi)}}
	if page.Cursor != "" {
		v, err := readWhCursor("evt", page.Cursor)
		if err != nil {
			return nil, "", err
		}
		_, id, ok := strings.Cut(v, "#")
		if !ok {
			return nil, "", sg.ErrInvalidCursor
		}
		in.ExclusiveStartKey = item{attrPK: s(tenantPK(tenant)), attrSK: s(whEventPrefix + id), "GSI1PK": s(whEventPrefix + tenant), "GSI1SK": s(v)}
	}
	limit := whPageLimit(page)
	var all []sg.WebhookEvent
	var last item
	for len(all) <= limit {
		in.Limit = aws.Int32(int32(limit + 1 - len(all)))
		out, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, "", classify("dynamo.WebhookEvents", err)
		}
		for _, it := range out.Items {
			all = append(all, decodeEvent(tenant, it))
			if len(all) == limit {
				last = it
			}
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if len(all) <= limit {
		return all, "", nil
	}
	return all[:limit], whCursor("evt", getS(last, "GSI1SK")), nil
}

// ---- delivery jobs ----

func jobKey(endpointID, k string) map[string]types.AttributeValue {
	return key(whJobPK+endpointID, "JOB#"+k)
}

func seqSK(orderingKey string, seq int64) string {
	return fmt.Sprintf("SEQ#%012d#%s", seq, orderingKey)
}

func jobItem(j sg.DeliveryJob) item {
	return item{attrPK: s(whJobPK + j.EndpointID), attrSK: s("JOB#" + j.Key), "tenant": s(j.TenantID), "endpoint": s(j.EndpointID), "key": s(j.Key),
		"event": s(j.EventID), "type": s(j.EventType), "okey": s(j.OrderingKey), "seq": n(j.Seq), "state": s(j.State), "attempts": n(int64(j.Attempts)),
		"next_at": usecN(j.NextAttemptAt), "created": usecN(j.Created), "updated": usecN(j.Updated), "gen": n(j.Gen)}
}

func decodeJob(it item) sg.DeliveryJob {
	return sg.DeliveryJob{TenantID: getS(it, "tenant"), EndpointID: getS(it, "endpoint"), Key: getS(it, "key"), EventID: getS(it, "event"),
		EventType: getS(it, "type"), OrderingKey: getS(it, "okey"), Seq: getN(it, "seq"), State: getS(it, "state"), Attempts: int(getN(it, "attempts")),
		NextAttemptAt: getUsec(it, "next_at"), Created: getUsec(it, "created"), Updated: getUsec(it, "updated"), Gen: getN(it, "gen")}
}

// DeliveryJob is the job of (endpoint, key).
func (st *Webhooks) DeliveryJob(ctx context.Context, endpointID, k string) (sg.DeliveryJob, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: jobKey(endpointID, k), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.DeliveryJob{}, classify("dynamo.DeliveryJob", err)
	}
	if out.Item == nil {
		return sg.DeliveryJob{}, sg.ErrNotFound
	}
	return decodeJob(out.Item), nil
}

// AssignDeliveryJob writes j once; with an ordering key it takes the next
// seq of (endpoint, key) in the same transaction (the counter written
// only over the value read, retried on a lost race).
func (st *Webhooks) AssignDeliveryJob(ctx context.Context, j sg.DeliveryJob) (sg.DeliveryJob, error) {
	j.Seq, j.Gen, j.Attempts = 0, 0, 0
	if j.State == "" {
		j.State = sg.JobPending
	}
	for attempt := 0; attempt < 64; attempt++ {
		if old, err := st.DeliveryJob(ctx, j.EndpointID, j.Key); err == nil {
			return old, nil
		} else if !errors.Is(err, sg.ErrNotFound) {
			return sg.DeliveryJob{}, err
		}
		if j.OrderingKey == "" {
			_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: jobItem(j), ConditionExpression: aws.String("attribute_not_exists(PK)")})
			if condFailed(err) {
				continue
			}
			if err != nil {
				return sg.DeliveryJob{}, classify("dynamo.AssignDeliveryJob", err)
			}
			return st.DeliveryJob(ctx, j.EndpointID, j.Key)
		}
		ctrKey := key(whJobPK+j.EndpointID, "CTR#"+j.OrderingKey)
		out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: ctrKey, ConsistentRead: aws.Bool(true)})
		if err != nil {
			return sg.DeliveryJob{}, classify("dynamo.AssignDeliveryJob", err)
		}
		last := int64(0)
		ctrCond := "attribute_not_exists(PK)"
		vals := map[string]types.AttributeValue{":seq": n(last + 1)}
		if out.Item != nil {
			last = getN(out.Item, "last")
			ctrCond = "#last = :last"
			vals = map[string]types.AttributeValue{":seq": n(last + 1), ":last": n(last)}
		}
		j.Seq = last + 1
		upd := &types.Update{TableName: &st.table, Key: ctrKey, UpdateExpression: aws.String("SET #last = :seq"), ConditionExpression: aws.String(ctrCond),
			ExpressionAttributeNames: map[string]string{"#last": "last"}, ExpressionAttributeValues: vals}
		_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: &st.table, Item: jobItem(j), ConditionExpression: aws.String("attribute_not_exists(PK)")}},
			{Put: &types.Put{TableName: &st.table, Item: item{attrPK: s(whJobPK + j.EndpointID), attrSK: s(seqSK(j.OrderingKey, j.Seq)), "key": s(j.Key)},
				ConditionExpression: aws.String("attribute_not_exists(PK)")}},
			{Update: upd},
		}})
		if err == nil {
			return st.DeliveryJob(ctx, j.EndpointID, j.Key)
		}
		if cancelled(err) == nil {
			return sg.DeliveryJob{}, classify("dynamo.AssignDeliveryJob", err)
		}
		// Another assign got there first (this job, or the seq): read again.
		time.Sleep(time.Duration(attempt+1) * time.Millisecond)
	}
	return sg.DeliveryJob{}, sg.Unavailable("dynamo.AssignDeliveryJob", errors.New("too many lost races for a seq"))
}

// DeliveryJobAt is the job holding seq of (endpoint, ordering key).
func (st *Webhooks) DeliveryJobAt(ctx context.Context, endpointID, orderingKey string, seq int64) (sg.DeliveryJob, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(whJobPK+endpointID, seqSK(orderingKey, seq)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.DeliveryJob{}, classify("dynamo.DeliveryJobAt", err)
	}
	if out.Item == nil {
		return sg.DeliveryJob{}, sg.ErrNotFound
	}
	return st.DeliveryJob(ctx, endpointID, getS(out.Item, "key"))
}

func logPK(tenant, endpointID string) string { return whLogPK + tenant + "#" + endpointID }

func logSK(d sg.Delivery) string {
	return fmt.Sprintf("%017d#%s#%05d", d.At.UnixMicro(), d.JobKey, d.Attempt)
}

// RecordDeliveryAttempt saves j one generation after the stored job and
// puts the attempt's log entry, in one transaction.
func (st *Webhooks) RecordDeliveryAttempt(ctx context.Context, j sg.DeliveryJob, d sg.Delivery) error {
	vals := map[string]types.AttributeValue{":state": s(j.State), ":attempts": n(int64(j.Attempts)), ":next": usecN(j.NextAttemptAt),
		":updated": usecN(j.Updated), ":gen": n(j.Gen), ":prev": n(j.Gen - 1), ":pending": s(sg.JobPending)}
	set := "SET #state = :state, attempts = :attempts, next_at = :next, updated = :updated, gen = :gen"
	if j.State != sg.JobPending {
		set += ", " + attrExpires + " = :exp"
		vals[":exp"] = n(j.Updated.Add(webhookRetention).Unix())
	}
	d.At = d.At.UTC().Truncate(time.Microsecond)
	logItem := item{attrPK: s(logPK(d.TenantID, d.EndpointID)), attrSK: s(logSK(d)), "event": s(d.EventID), "type": s(d.EventType), "job": s(d.JobKey),
		"attempt": n(int64(d.Attempt)), "at": usecN(d.At), "status": n(int64(d.StatusCode)), "duration_ms": n(d.Duration.Milliseconds()),
		"error_class": s(d.ErrorClass), "outcome": s(d.Outcome), "next_at": usecN(d.NextAttemptAt), attrExpires: n(d.At.Add(webhookRetention).Unix())}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: &st.table, Key: jobKey(j.EndpointID, j.Key), UpdateExpression: aws.String(set),
			ConditionExpression:      aws.String("attribute_exists(PK) AND #state = :pending AND gen = :prev"),
			ExpressionAttributeNames: map[string]string{"#state": "state"}, ExpressionAttributeValues: vals}},
		{Put: &types.Put{TableName: &st.table, Item: logItem, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if cancelled(err) != nil {
		if _, gerr := st.DeliveryJob(ctx, j.EndpointID, j.Key); errors.Is(gerr, sg.ErrNotFound) {
			return sg.ErrNotFound
		}
		return sg.ErrWebhookJobChanged
	}
	if err != nil {
		return classify("dynamo.RecordDeliveryAttempt", err)
	}
	return nil
}

// BumpDeliveryJob moves a pending job's Gen from gen to gen+1.
func (st *Webhooks) BumpDeliveryJob(ctx context.Context, endpointID, k string, gen int64) error {
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: jobKey(endpointID, k),
		UpdateExpression:          aws.String("SET gen = :next"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND #state = :pending AND gen = :gen"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":next": n(gen + 1), ":gen": n(gen), ":pending": s(sg.JobPending)}})
	if condFailed(err) {
		if _, gerr := st.DeliveryJob(ctx, endpointID, k); errors.Is(gerr, sg.ErrNotFound) {
			return sg.ErrNotFound
		}
		return sg.ErrWebhookJobChanged
	}
	if err != nil {
		return classify("dynamo.BumpDeliveryJob", err)
	}
	return nil
}

// DeliveryCursor is the highest seq done with no gap below it.
func (st *Webhooks) DeliveryCursor(ctx context.Context, endpointID, orderingKey string) (int64, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(whJobPK+endpointID, "CUR#"+orderingKey), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return 0, classify("dynamo.DeliveryCursor", err)
	}
	if out.Item == nil {
		return 0, nil
	}
	return getN(out.Item, "at"), nil
}

// AdvanceDeliveryCursor moves the cursor from seq-1 to seq.
func (st *Webhooks) AdvanceDeliveryCursor(ctx context.Context, endpointID, orderingKey string, seq int64) error {
	cond := "#at = :prev"
	if seq == 1 {
		cond = "attribute_not_exists(PK) OR #at = :prev"
	}
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: key(whJobPK+endpointID, "CUR#"+orderingKey),
		UpdateExpression: aws.String("SET #at = :seq"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames:  map[string]string{"#at": "at"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":seq": n(seq), ":prev": n(seq - 1)}})
	if condFailed(err) {
		cur, gerr := st.DeliveryCursor(ctx, endpointID, orderingKey)
		if gerr != nil {
			return gerr
		}
		if cur >= seq {
			return nil
		}
		return sg.ErrWebhookJobChanged
	}
	if err != nil {
		return classify("dynamo.AdvanceDeliveryCursor", err)
	}
	return nil
}

// Deliveries is the endpoint's log, newest first.
func (st *Webhooks) Deliveries(ctx context.Context, tenant, endpointID string, page sg.Page) ([]sg.Delivery, string, error) {
	pk := logPK(tenant, endpointID)
	in := &dynamodb.QueryInput{TableName: &st.table, ScanIndexForward: aws.Bool(false),
		KeyConditionExpression: aws.String("PK = :pk"), ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(pk)}}
	if page.Cursor != "" {
		sk, err := readWhCursor("dlv", page.Cursor)
		if err != nil {
			return nil, "", err
		}
		in.ExclusiveStartKey = key(pk, sk)
	}
	limit := whPageLimit(page)
	var all []sg.Delivery
	lastSK := ""
	for len(all) <= limit {
		in.Limit = aws.Int32(int32(limit + 1 - len(all)))
		out, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, "", classify("dynamo.Deliveries", err)
		}
		for _, it := range out.Items {
			all = append(all, sg.Delivery{TenantID: tenant, EndpointID: endpointID, JobKey: getS(it, "job"), EventID: getS(it, "event"),
				EventType: getS(it, "type"), Attempt: int(getN(it, "attempt")), At: getUsec(it, "at"), StatusCode: int(getN(it, "status")),
				Duration: time.Duration(getN(it, "duration_ms")) * time.Millisecond, ErrorClass: getS(it, "error_class"),
				Outcome: getS(it, "outcome"), NextAttemptAt: getUsec(it, "next_at")})
			if len(all) == limit {
				lastSK = getS(it, attrSK)
			}
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if len(all) <= limit {
		return all, "", nil
	}
	return all[:limit], whCursor("dlv", lastSK), nil
}
