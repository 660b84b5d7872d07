package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OAuth keeps API clients, the journal of issued tokens, used client
// assertions, per-tenant rate limits and the rate limit buckets.
//
// Items (see infra/data-model.md):
//
//	TENANT#<t> / APICLIENT#<id>            the client (doc: JSON, ver)
//	TENANT#<t> / TOKEN#<jti>               an issued token, kept 90 days (TTL)
//	TENANT#<t> / ASSERTION#<client>#<jti>  a used private_key_jwt assertion, until it expires (TTL)
//	TENANT#<t> / RATELIMIT                 the tenant's own limit
//	RATE#<key> / BUCKET                    a token bucket: tat in microseconds (TTL once full)
type OAuth struct {
	*Table

	// ---- plat: rate buckets in a table of their own ----
	// RateTable names the table the buckets live in (the template's
	// RateTable: no stream, so the one write each request makes invokes no
	// stream consumer); "" keeps them in Table.
	RateTable string

	// guess remembers per bucket whether it was last seen full, to pick
	// the write that will most likely succeed (see Take).
	guess sync.Map // key -> int64 tat (µs)
}

var (
	_ sg.APIClientStore   = (*OAuth)(nil)
	_ sg.RateLimiter      = (*OAuth)(nil)
	_ sg.RateLimitConfigs = (*OAuth)(nil)
)

// GrantRetention is how long the token journal keeps an issued token.
const GrantRetention = 90 * 24 * time.Hour

const apiClientPrefix = "APICLIENT#"

// ratePrefix + the bucket's key: a rate limit's token bucket (not audited:
// it changes with every request).
const ratePrefix = "RATE#"

// clientDoc is the stored shape of a client.
type clientDoc struct {
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	IPAllow    []string   `json:"ip_allow,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	SecretSalt []byte     `json:"secret_salt,omitempty"`
	SecretHash []byte     `json:"secret_hash,omitempty"`
	PublicJWK  []byte     `json:"public_jwk,omitempty"`
	Status     string     `json:"status"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	RotatedAt  *time.Time `json:"rotated_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

func clientItem(c sg.APIClient) item {
	doc, _ := json.Marshal(clientDoc{Name: c.Name, Scopes: c.Scopes, IPAllow: c.IPAllow, ExpiresAt: c.ExpiresAt, SecretSalt: c.SecretSalt,
		SecretHash: c.SecretHash, PublicJWK: c.PublicJWK, Status: string(c.Status), CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt,
		RotatedAt: c.RotatedAt, RevokedAt: c.RevokedAt})
	return item{attrPK: s(tenantPK(c.TenantID)), attrSK: s(apiClientPrefix + c.ID), "type": s("api_client"), "doc": s(string(doc)), "ver": n(c.Version)}
}

func clientOf(tenant string, it item) (sg.APIClient, error) {
	var d clientDoc
	if err := json.Unmarshal([]byte(getS(it, "doc")), &d); err != nil {
		return sg.APIClient{}, sg.Internal("dynamo.Client", err)
	}
	id := getS(it, attrSK)[len(apiClientPrefix):]
	return sg.APIClient{ID: id, TenantID: tenant, Name: d.Name, Scopes: d.Scopes, IPAllow: d.IPAllow, ExpiresAt: d.ExpiresAt,
		SecretSalt: d.SecretSalt, SecretHash: d.SecretHash, PublicJWK: d.PublicJWK, Status: sg.APIClientStatus(d.Status),
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, RotatedAt: d.RotatedAt, RevokedAt: d.RevokedAt, Version: getN(it, "ver")}, nil
}

// CreateClient writes the client and its creation's idempotency record in one transaction.
func (st *OAuth) CreateClient(ctx context.Context, c sg.APIClient, idem sg.Idempotency) error {
	items := []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: clientItem(c), ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		st.idempotencyPut(idem),
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	if r := cancelled(err); len(r) == 2 {
		if aws.ToString(r[1].Code) == "ConditionalCheckFailed" {
			return sg.ErrIdempotencyInProgress
		}
		if aws.ToString(r[0].Code) == "ConditionalCheckFailed" {
			return sg.Internal("dynamo.CreateClient", fmt.Errorf("client id %s taken", c.ID))
		}
	}
	return classify("dynamo.CreateClient", err)
}

// Client reads a tenant's client.
func (st *OAuth) Client(ctx context.Context, tenant, id string) (sg.APIClient, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), apiClientPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.APIClient{}, classify("dynamo.Client", err)
	}
	if out.Item == nil {
		return sg.APIClient{}, sg.ErrAPIClientNotFound
	}
	return clientOf(tenant, out.Item)
}

// Clients lists a tenant's clients, newest first (ids sort by time).
func (st *OAuth) Clients(ctx context.Context, tenant string, limit int) ([]sg.APIClient, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":p": s(apiClientPrefix)},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(int32(limit))})
	if err != nil {
		return nil, classify("dynamo.Clients", err)
	}
	res := make([]sg.APIClient, 0, len(out.Items))
	for _, it := range out.Items {
		c, err := clientOf(tenant, it)
		if err != nil {
			return nil, err
		}
		res = append(res, c)
	}
	return res, nil
}

// UpdateClient writes c over version c.Version-1.
func (st *OAuth) UpdateClient(ctx context.Context, c sg.APIClient) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: clientItem(c),
		ConditionExpression:       aws.String("ver = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n(c.Version - 1)}})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return sg.ErrAPIClientChanged
	}
	return classifyOrNil("dynamo.UpdateClient", err)
}

// RecordGrant journals an issued token for GrantRetention.
func (st *OAuth) RecordGrant(ctx context.Context, g sg.TokenGrant) error {
	it := item{attrPK: s(tenantPK(g.TenantID)), attrSK: s("TOKEN#" + g.JTI), "type": s("token_grant"), "client": s(g.ClientID),
		"scope": s(joinScopes(g.Scopes)), "auth": s(g.AuthBy), "iat": n(g.IssuedAt.Unix()), "exp": n(g.ExpiresAt.Unix()),
		attrExpires: n(g.IssuedAt.Add(GrantRetention).Unix())}
	if g.SourceIP != "" {
		it["ip"] = s(g.SourceIP)
	}
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	return classifyOrNil("dynamo.RecordGrant", err)
}

func joinScopes(sc []string) string {
	out := ""
	for i, x := range sc {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

// UseAssertion records an assertion's jti until exp (a conditional put).
func (st *OAuth) UseAssertion(ctx context.Context, tenant, clientID, jti string, exp time.Time) (bool, error) {
	now := st.Now()
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table,
		Item: item{attrPK: s(tenantPK(tenant)), attrSK: s("ASSERTION#" + clientID + "#" + jti), "type": s("client_assertion"),
			attrExpires: n(exp.Unix())},
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR #e < :now"),
		ExpressionAttributeNames:  map[string]string{"#e": attrExpires},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": n(now.Unix())}})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return false, nil
	}
	if err != nil {
		return false, classify("dynamo.UseAssertion", err)
	}
	return true, nil
}

// TenantRateLimit reads the tenant's own limit.
func (st *OAuth) TenantRateLimit(ctx context.Context, tenant string) (sg.RateLimit, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), "RATELIMIT")})
	if err != nil {
		return sg.RateLimit{}, false, classify("dynamo.TenantRateLimit", err)
	}
	if out.Item == nil {
		return sg.RateLimit{}, false, nil
	}
	r, _ := strconv.ParseFloat(getS(out.Item, "rate"), 64)
	return sg.RateLimit{Rate: r, Burst: int(getN(out.Item, "burst"))}, true, nil
}

// PutTenantRateLimit sets the tenant's own limit.
func (st *OAuth) PutTenantRateLimit(ctx context.Context, tenant string, l sg.RateLimit) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: item{attrPK: s(tenantPK(tenant)), attrSK: s("RATELIMIT"),
		"type": s("rate_limit"), "rate": s(strconv.FormatFloat(l.Rate, 'f', -1, 64)), "burst": n(int64(l.Burst))}})
	return classifyOrNil("dynamo.PutTenantRateLimit", err)
}

// Take takes one request from bucket key: GCRA (sg.GCRA) in one
// conditional UpdateItem, with no read.
//
// DynamoDB's update expressions add and subtract but cannot take a
// maximum, and GCRA's new tat is max(tat, now) + T. So there are two
// writes, each exact in its own case and guarded by a condition that holds
// only in that case:
//
//   - drained (now <= tat <= now + tau - T):  SET tat = tat + :T
//   - full or new (tat < now):                SET tat = :now + :T
//
// Take sends the one its last view of this bucket predicts. When the
// condition fails, DynamoDB returns the item as it is
// (ReturnValuesOnConditionCheckFailure), so Take knows without a read
// whether the request is over the limit (tat > now + tau - T: refused,
// Retry-After from tat) or the other write applies (sent once more). A
// busy bucket stays drained and a quiet one stays full, so each takes one
// UpdateItem per request; only the turn from one state to the other costs
// a second. Concurrent requests on one bucket serialise on the item.
//
// now is the request's time; the time an answer took is added to it before
// each decision, so a request whose write waited in a slow table is judged
// at the time its answer came, not refused because faster requests moved
// the bucket past the time it started.
func (st *OAuth) Take(ctx context.Context, k string, l sg.RateLimit, now time.Time) (sg.RateDecision, error) {
	g := sg.NewGCRA(l)
	start := time.Now()
	nowUs := now.UnixMicro()
	maxTat := nowUs + (g.Tau - g.T).Microseconds()
	full := true
	if v, ok := st.guess.Load(k); ok {
		full = v.(int64) < nowUs
	}
	seen := int64(-1) // the last bucket state a refused write saw
	rateTable := st.table
	if st.RateTable != "" {
		rateTable = st.RateTable
	}
	for attempt := 0; attempt < 4; attempt++ {
		in := &dynamodb.UpdateItemInput{TableName: &rateTable, Key: key(ratePrefix+k, "BUCKET"),
			ExpressionAttributeNames:            map[string]string{"#e": attrExpires},
			ReturnValues:                        types.ReturnValueUpdatedNew,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
		// The item expires a day after the bucket is full again.
		exp := n(now.Add(g.Tau + 24*time.Hour).Unix())
		if full {
			in.UpdateExpression = aws.String("SET tat = :nt, #e = :exp")
			in.ConditionExpression = aws.String("attribute_not_exists(tat) OR tat < :now")
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":nt": n(nowUs + g.T.Microseconds()), ":now": n(nowUs), ":exp": exp}
		} else {
			in.UpdateExpression = aws.String("SET tat = tat + :t, #e = :exp")
			in.ConditionExpression = aws.String("tat BETWEEN :now AND :max")
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":t": n(g.T.Microseconds()), ":now": n(nowUs), ":max": n(maxTat), ":exp": exp}
		}
		out, err := st.db.UpdateItem(ctx, in)
		if err == nil {
			tat := getN(out.Attributes, "tat")
			st.guess.Store(k, tat)
			return g.Allowed(time.UnixMicro(tat), now, l.Burst), nil
		}
		var ccf *types.ConditionalCheckFailedException
		if !errors.As(err, &ccf) {
			return sg.RateDecision{}, classify("dynamo.Take", err)
		}
		if ccf.Item == nil || ccf.Item["tat"] == nil {
			full = true // the bucket is new
			continue
		}
		tat := getN(ccf.Item, "tat")
		st.guess.Store(k, tat)
		seen = tat
		switch {
		case tat > maxTat:
			// Judged again at the time the answer came: over the limit
			// then too is a refusal; else the bucket moved on while this
			// request's write waited, and it goes on at the later time.
			late := now.Add(time.Since(start))
			if tat > late.UnixMicro()+(g.Tau-g.T).Microseconds() {
				return g.Refused(time.UnixMicro(tat), now, l.Burst), nil
			}
			now, start = late, time.Now()
			nowUs = now.UnixMicro()
			maxTat = nowUs + (g.Tau - g.T).Microseconds()
			full = false
		case tat < nowUs:
			full = true
		default:
			full = false
		}
	}
	if seen >= 0 {
		// Every write lost to others moving the bucket: it is at its edge,
		// and this request is refused like any other over the limit (not
		// served as if the table were down, which let a crowd through).
		d := g.Refused(time.UnixMicro(max(seen, nowUs)), now, l.Burst)
		d.RetryIn = max(d.RetryIn, g.T)
		return d, nil
	}
	return sg.RateDecision{}, sg.ErrUnavailable.Because("dynamo.Take", errors.New("the bucket kept changing under contention"))
}
