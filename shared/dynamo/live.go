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

// WebSocket connections and their subscriptions. Both expire by TTL (API
// Gateway closes a connection after two hours at most); a push to a gone
// connection also removes its subscription.
const (
	connPrefix = "CONN#"
	subPrefix  = "SUB#"
	// ConnectionTTL bounds how long a connection's items live.
	ConnectionTTL = 2 * time.Hour
)

// PutConnection records a connection's tenant.
func (st *Live) PutConnection(ctx context.Context, id, tenant string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{
		attrPK: s(connPrefix + id), attrSK: s("CONN"), "type": s("connection"), "tenant": s(tenant),
		attrExpires: n(st.Now().Add(ConnectionTTL).Unix()),
	}})
	return classifyOrNil("dynamo.PutConnection", err)
}

// ---- plat: resume at $connect ----

// PutConnectionResuming records a connection's tenant and the stream it
// asked to resume at $connect. The item's stream record (the attribute
// resume_stream, which the live-notify filter selects) hands the resume to
// the stream consumer once the connection is open.
func (st *Live) PutConnectionResuming(ctx context.Context, id, tenant, stream string, after int64) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{
		attrPK: s(connPrefix + id), attrSK: s("CONN"), "type": s("connection"), "tenant": s(tenant),
		"resume_stream": s(stream), "resume_after": n(after),
		attrExpires: n(st.Now().Add(ConnectionTTL).Unix()),
	}})
	return classifyOrNil("dynamo.PutConnectionResuming", err)
}

// ConnectResumeFromImage reads a stream image of a connection that asked
// to resume at $connect; ok is false for any other item.
func ConnectResumeFromImage(img map[string]types.AttributeValue) (sg.ConnectResume, bool) {
	pk, sk, stream := getS(img, attrPK), getS(img, attrSK), getS(img, "resume_stream")
	if sk != "CONN" || !strings.HasPrefix(pk, connPrefix) || stream == "" {
		return sg.ConnectResume{}, false
	}
	return sg.ConnectResume{Conn: strings.TrimPrefix(pk, connPrefix), Tenant: getS(img, "tenant"), Stream: stream, After: getN(img, "resume_after")}, true
}

// ConnectionTenant returns the tenant of a live connection or ErrNotFound.
func (st *Live) ConnectionTenant(ctx context.Context, id string) (string, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(connPrefix+id, "CONN"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", classify("dynamo.ConnectionTenant", err)
	}
	if out.Item == nil || getN(out.Item, attrExpires) < st.Now().Unix() {
		return "", sg.ErrNotFound
	}
	return getS(out.Item, "tenant"), nil
}

// DeleteConnection forgets a connection.
func (st *Live) DeleteConnection(ctx context.Context, id string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(connPrefix+id, "CONN")})
	return classifyOrNil("dynamo.DeleteConnection", err)
}

func subPK(tenant, wallet string) string { return subPrefix + tenant + "#" + wallet }

// Subscribe adds a connection to a wallet's subscribers.
func (st *Live) Subscribe(ctx context.Context, tenant, wallet, conn string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{
		attrPK: s(subPK(tenant, wallet)), attrSK: s(connPrefix + conn), "type": s("subscription"),
		attrExpires: n(st.Now().Add(ConnectionTTL).Unix()),
	}})
	return classifyOrNil("dynamo.Subscribe", err)
}

// Subscribers lists the live connections subscribed to a wallet.
func (st *Live) Subscribers(ctx context.Context, tenant, wallet string) ([]string, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(subPK(tenant, wallet))},
	})
	if err != nil {
		return nil, classify("dynamo.Subscribers", err)
	}
	now := st.Now().Unix()
	var conns []string
	for _, it := range out.Items {
		if getN(it, attrExpires) >= now {
			conns = append(conns, strings.TrimPrefix(getS(it, attrSK), connPrefix))
		}
	}
	return conns, nil
}

// Unsubscribe removes a connection from a wallet's subscribers.
func (st *Live) Unsubscribe(ctx context.Context, tenant, wallet, conn string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(subPK(tenant, wallet), connPrefix+conn)})
	return classifyOrNil("dynamo.Unsubscribe", err)
}

func classifyOrNil(op string, err error) error {
	if err == nil {
		return nil
	}
	return classify(op, err)
}

// TransferFromImage decodes a transfer record from a stream image; ok is
// false for items that are not transfer records.
func TransferFromImage(img map[string]types.AttributeValue) (sg.Transfer, bool) {
	pk, sk := getS(img, attrPK), getS(img, attrSK)
	if !strings.HasPrefix(pk, tenantPrefix) || !strings.HasPrefix(sk, txnPrefix) {
		return sg.Transfer{}, false
	}
	return decodeTransfer(strings.TrimPrefix(pk, tenantPrefix), img), true
}
