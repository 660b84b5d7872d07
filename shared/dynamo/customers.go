package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Customers keeps customers, the tenants' tier tables, the expiry index of
// verifications and the limit counters (sg.CustomerStore, sg.LimitCounters).
// Items:
//
//	customer     PK TENANT#<tenant>           SK CUS#<id>
//	             GSI1PK CUSST#<tenant>#<kyc status>  GSI1SK <created, 17-digit unix µs>#<id>  (list by status: the review queue)
//	expiry mark  PK KYCEXP#<yyyy-mm of expiry> SK <expires, 17-digit unix µs>#<tenant>#<id>
//	             (only verified customers with an expiry; written and removed in the customer's transaction)
//	tier table   PK TENANT#<tenant>           SK CUSTIERS   (table: JSON)
//	usage        PK CUSLIM#<tenant>#<subject> SK USAGE      (b: map of bucket -> base units)
//	reservation  PK CUSLIM#<tenant>#<subject> SK RES#<payment id>
//
// The customer item holds PII only sealed: "pii" is the ciphertext under
// the customer's data key and "dek" that key sealed by KMS; erasure
// removes "dek". Reservations expire (expires_at) 35 days after their time,
// past every window.
type Customers struct{ *Table }

var (
	_ sg.CustomerStore = (*Customers)(nil)
	_ sg.LimitCounters = (*Customers)(nil)
)

const (
	customerPrefix   = "CUS#"
	customerStatusPK = "CUSST#"
	kycExpiryPK      = "KYCEXP#"
	customerTiersSK  = "CUSTIERS"
	limitPK          = "CUSLIM#"
	limitUsageSK     = "USAGE"
	limitResPrefix   = "RES#"
	// expiryLookbackMonths is how many months of expiry partitions the
	// expiry job reads back from now (a mark older than this is still
	// found by the limit check, which treats a passed expiry as expired).
	expiryLookbackMonths = 13
	reservationRetention = 35 * 24 * time.Hour
)

func usec17(t time.Time) string { return fmt.Sprintf("%017d", t.UnixMicro()) }

func customerStatusKey(c sg.Customer) (string, string) {
	return customerStatusPK + c.TenantID + "#" + string(c.KYC.Status), usec17(c.CreatedAt) + "#" + c.ID
}

// expiryMark is the customer's expiry index key, or "" if it has none.
func expiryMark(c sg.Customer) (pk, sk string) {
	if c.KYC.Status != sg.KYCVerified || c.KYC.ExpiresAt.IsZero() {
		return "", ""
	}
	e := c.KYC.ExpiresAt.UTC()
	return kycExpiryPK + e.Format("2006-01"), usec17(e) + "#" + c.TenantID + "#" + c.ID
}

func customerItem(c sg.Customer) item {
	gpk, gsk := customerStatusKey(c)
	k := c.KYC
	it := item{attrPK: s(tenantPK(c.TenantID)), attrSK: s(customerPrefix + c.ID), "GSI1PK": s(gpk), "GSI1SK": s(gsk),
		"id": s(c.ID), "tenant": s(c.TenantID), "pii": b(c.SealedPII),
		"kyc_status": s(string(k.Status)), "kyc_tier": s(k.Tier), "kyc_provider": s(k.Provider), "kyc_ref": s(k.ProviderRef),
		"kyc_verified": usecN(k.VerifiedAt), "kyc_expires": usecN(k.ExpiresAt), "kyc_reason": s(k.Reason), "kyc_by": s(k.ReviewedBy),
		"kyc_updated": usecN(k.UpdatedAt), "created": usecN(c.CreatedAt), "updated": usecN(c.UpdatedAt), "erased": usecN(c.ErasedAt),
		"version": n(c.Version)}
	if len(c.SealedKey) > 0 {
		it["dek"] = b(c.SealedKey)
	}
	return it
}

func decodeCustomer(it item) sg.Customer {
	return sg.Customer{ID: getS(it, "id"), TenantID: getS(it, "tenant"), SealedPII: getB(it, "pii"), SealedKey: getB(it, "dek"),
		KYC: sg.KYC{Status: sg.KYCStatus(getS(it, "kyc_status")), Tier: getS(it, "kyc_tier"), Provider: getS(it, "kyc_provider"),
			ProviderRef: getS(it, "kyc_ref"), VerifiedAt: getUsec(it, "kyc_verified"), ExpiresAt: getUsec(it, "kyc_expires"),
			Reason: getS(it, "kyc_reason"), ReviewedBy: getS(it, "kyc_by"), UpdatedAt: getUsec(it, "kyc_updated")},
		CreatedAt: getUsec(it, "created"), UpdatedAt: getUsec(it, "updated"), ErasedAt: getUsec(it, "erased"), Version: getN(it, "version")}
}

// CreateCustomer writes c once, at Version 1.
func (st *Customers) CreateCustomer(ctx context.Context, c sg.Customer) error {
	c.Version = 1
	puts := []types.TransactWriteItem{{Put: &types.Put{TableName: &st.table, Item: customerItem(c), ConditionExpression: aws.String("attribute_not_exists(PK)")}}}
	if pk, sk := expiryMark(c); pk != "" {
		puts = append(puts, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: markItem(pk, sk, c)}})
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: puts})
	if r := cancelled(err); len(r) > 0 && aws.ToString(r[0].Code) == "ConditionalCheckFailed" {
		return sg.ErrCustomerExists
	}
	if err != nil {
		return classify("dynamo.CreateCustomer", err)
	}
	return nil
}

func markItem(pk, sk string, c sg.Customer) item {
	return item{attrPK: s(pk), attrSK: s(sk), "tenant": s(c.TenantID), "id": s(c.ID)}
}

// Customer is the tenant's customer.
func (st *Customers) Customer(ctx context.Context, tenant, id string) (sg.Customer, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), customerPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Customer{}, classify("dynamo.Customer", err)
	}
	if out.Item == nil {
		return sg.Customer{}, sg.ErrNotFound
	}
	return decodeCustomer(out.Item), nil
}

// UpdateCustomer writes c over the version read, moving its expiry mark
// in the same transaction.
func (st *Customers) UpdateCustomer(ctx context.Context, c sg.Customer) (sg.Customer, error) {
	old, err := st.Customer(ctx, c.TenantID, c.ID)
	if err != nil {
		return sg.Customer{}, err
	}
	if old.Version != c.Version {
		return sg.Customer{}, sg.ErrCustomerChanged
	}
	next := c
	next.Version = c.Version + 1
	items := []types.TransactWriteItem{{Put: &types.Put{TableName: &st.table, Item: customerItem(next),
		ConditionExpression:       aws.String("attribute_exists(PK) AND version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n(c.Version)}}}}
	opk, osk := expiryMark(old)
	npk, nsk := expiryMark(next)
	if opk+osk != npk+nsk {
		if opk != "" {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &st.table, Key: key(opk, osk)}})
		}
		if npk != "" {
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: markItem(npk, nsk, next)}})
		}
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if r := cancelled(err); len(r) > 0 && aws.ToString(r[0].Code) == "ConditionalCheckFailed" {
		return sg.Customer{}, sg.ErrCustomerChanged
	}
	if err != nil {
		return sg.Customer{}, classify("dynamo.UpdateCustomer", err)
	}
	return st.Customer(ctx, c.TenantID, c.ID)
}

// CustomersByStatus lists the tenant's customers in status s, oldest first.
func (st *Customers) CustomersByStatus(ctx context.Context, tenant string, s0 sg.KYCStatus, page sg.Page) ([]sg.Customer, string, error) {
	limit := page.Limit
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	in := &dynamodb.QueryInput{TableName: &st.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(customerStatusPK + tenant + "#" + string(s0))},
		Limit:                     aws.Int32(int32(limit))}
	if page.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(page.Cursor)
		gsk := string(raw)
		if err != nil || len(gsk) < 19 || gsk[17] != '#' || !sg.ValidID(sg.CustomerIDPrefix, gsk[18:]) {
			return nil, "", sg.ErrInvalidCursor
		}
		in.ExclusiveStartKey = map[string]types.AttributeValue{"GSI1PK": s(customerStatusPK + tenant + "#" + string(s0)), "GSI1SK": s(gsk),
			attrPK: s(tenantPK(tenant)), attrSK: s(customerPrefix + gsk[18:])}
	}
	out, err := st.db.Query(ctx, in)
	if err != nil {
		return nil, "", classify("dynamo.CustomersByStatus", err)
	}
	list := make([]sg.Customer, 0, len(out.Items))
	for _, it := range out.Items {
		list = append(list, decodeCustomer(it))
	}
	next := ""
	if out.LastEvaluatedKey != nil && len(list) > 0 {
		next = base64.RawURLEncoding.EncodeToString([]byte(getS(out.LastEvaluatedKey, "GSI1SK")))
	}
	return list, next, nil
}

// ExpiringCustomers reads the expiry marks of the last months up to before
// and the customers they name, soonest first.
func (st *Customers) ExpiringCustomers(ctx context.Context, before time.Time, limit int) ([]sg.Customer, error) {
	if limit <= 0 {
		limit = 100
	}
	before = before.UTC()
	first := time.Date(before.Year(), before.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -expiryLookbackMonths, 0)
	var out []sg.Customer
	for m := first; !m.After(before) && len(out) < limit; m = m.AddDate(0, 1, 0) {
		p := dynamodb.NewQueryPaginator(st.db, &dynamodb.QueryInput{TableName: &st.table,
			KeyConditionExpression:    aws.String("PK = :pk AND SK < :to"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(kycExpiryPK + m.Format("2006-01")), ":to": s(usec17(before.Add(time.Microsecond)))}})
		for p.HasMorePages() && len(out) < limit {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, classify("dynamo.ExpiringCustomers", err)
			}
			for _, it := range page.Items {
				if len(out) >= limit {
					break
				}
				c, err := st.Customer(ctx, getS(it, "tenant"), getS(it, "id"))
				if errors.Is(err, sg.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				if pk, sk := expiryMark(c); pk+sk == getS(it, attrPK)+getS(it, attrSK) {
					out = append(out, c)
				}
			}
		}
	}
	return out, nil
}

// DestroyCustomerKey removes the sealed data key and marks the customer erased.
func (st *Customers) DestroyCustomerKey(ctx context.Context, tenant, id string, at time.Time) (sg.Customer, error) {
	out, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: key(tenantPK(tenant), customerPrefix+id),
		UpdateExpression:          aws.String("REMOVE dek SET erased = :at, updated = :at, version = version + :one"),
		ConditionExpression:       aws.String("attribute_exists(PK) AND erased = :zero"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": usecN(at), ":one": n(1), ":zero": n(0)},
		ReturnValues:              types.ReturnValueAllNew})
	if condFailed(err) {
		return st.Customer(ctx, tenant, id)
	}
	if err != nil {
		return sg.Customer{}, classify("dynamo.DestroyCustomerKey", err)
	}
	return decodeCustomer(out.Attributes), nil
}

// Tiers is the tenant's tier table, or the default at Version 0.
func (st *Customers) Tiers(ctx context.Context, tenant string) (sg.TierTable, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), customerTiersSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.TierTable{}, classify("dynamo.Tiers", err)
	}
	return decodeTiers(tenant, out.Item)
}

// decodeTiers is the tier table stored in it (nil: the default table).
func decodeTiers(tenant string, it item) (sg.TierTable, error) {
	if it == nil {
		return sg.DefaultTierTable(tenant), nil
	}
	var tt sg.TierTable
	if err := json.Unmarshal([]byte(getS(it, "table")), &tt); err != nil {
		return sg.TierTable{}, sg.Internal("dynamo.Tiers", err)
	}
	tt.TenantID, tt.Version, tt.UpdatedAt = tenant, getN(it, "version"), getUsec(it, "updated")
	return tt, nil
}

// PutTiers writes tt over its version.
func (st *Customers) PutTiers(ctx context.Context, tt sg.TierTable) (sg.TierTable, error) {
	js, err := json.Marshal(tt)
	if err != nil {
		return sg.TierTable{}, sg.Internal("dynamo.PutTiers", err)
	}
	next := tt
	next.Version++
	next.UpdatedAt = tt.UpdatedAt.UTC().Truncate(time.Microsecond)
	in := &dynamodb.PutItemInput{TableName: &st.table, Item: item{attrPK: s(tenantPK(tt.TenantID)), attrSK: s(customerTiersSK), "table": s(string(js)),
		"version": n(next.Version), "updated": usecN(next.UpdatedAt)}}
	if tt.Version == 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		in.ConditionExpression = aws.String("version = :v")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": n(tt.Version)}
	}
	_, err = st.db.PutItem(ctx, in)
	if condFailed(err) {
		return sg.TierTable{}, sg.ErrTiersChanged
	}
	if err != nil {
		return sg.TierTable{}, classify("dynamo.PutTiers", err)
	}
	return next, nil
}

func limitKeyPK(tenant, subject string) string { return limitPK + tenant + "#" + subject }

// LimitUsage is the subject's usage.
func (st *Customers) LimitUsage(ctx context.Context, tenant, subject string) (sg.LimitUsage, error) {
	u := sg.LimitUsage{TenantID: tenant, Subject: subject, Buckets: map[string]sg.Amount{}}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(limitKeyPK(tenant, subject), limitUsageSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.LimitUsage{}, classify("dynamo.LimitUsage", err)
	}
	return decodeUsage(u, out.Item)
}

// decodeUsage fills u from its stored item (nil: none yet).
func decodeUsage(u sg.LimitUsage, it item) (sg.LimitUsage, error) {
	if it == nil {
		return u, nil
	}
	u.Version = getN(it, "version")
	if m, ok := it["b"].(*types.AttributeValueMemberM); ok {
		for k, v := range m.Value {
			if nv, ok := v.(*types.AttributeValueMemberN); ok {
				x, err := strconv.ParseInt(nv.Value, 10, 64)
				if err != nil {
					return sg.LimitUsage{}, sg.Internal("dynamo.LimitUsage", err)
				}
				u.Buckets[k] = sg.Amount(x)
			}
		}
	}
	return u, nil
}

// LimitReservation is one reservation.
func (st *Customers) LimitReservation(ctx context.Context, tenant, subject, id string) (sg.LimitReservation, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(limitKeyPK(tenant, subject), limitResPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.LimitReservation{}, classify("dynamo.LimitReservation", err)
	}
	if out.Item == nil {
		return sg.LimitReservation{}, sg.ErrNotFound
	}
	return decodeReservation(tenant, subject, id, out.Item), nil
}

func decodeReservation(tenant, subject, id string, it item) sg.LimitReservation {
	return sg.LimitReservation{TenantID: tenant, Subject: subject, ID: id, Chain: sg.Chain(getS(it, "chain")), Amount: sg.Amount(getN(it, "amount")),
		At: getUsec(it, "at"), State: sg.ReservationState(getS(it, "state")), UpdatedAt: getUsec(it, "updated")}
}

var _ sg.LimitSnapshots = (*Customers)(nil)

// LimitSnapshot reads the tier table, the subject's usage and the
// reservation under id in one BatchGetItem (consistent reads).
func (st *Customers) LimitSnapshot(ctx context.Context, tenant, subject, id string) (sg.TierTable, sg.LimitUsage, *sg.LimitReservation, error) {
	items, err := st.batchGet(ctx, limitKeys(tenant, subject, id))
	if err != nil {
		return sg.TierTable{}, sg.LimitUsage{}, nil, err
	}
	snap, err := limitSnapshotOf(tenant, subject, id, items)
	return snap.Tiers, snap.Usage, snap.Reservation, err
}

// limitKeys are the keys of a limit snapshot: the tier table, the usage,
// the reservation.
func limitKeys(tenant, subject, id string) []map[string]types.AttributeValue {
	return []map[string]types.AttributeValue{key(tenantPK(tenant), customerTiersSK), key(limitKeyPK(tenant, subject), limitUsageSK),
		key(limitKeyPK(tenant, subject), limitResPrefix+id)}
}

// isLimitItem reports whether it is one of keys' items.
func isLimitItem(it item, keys []map[string]types.AttributeValue) bool {
	pk, sk := getS(it, attrPK), getS(it, attrSK)
	for _, k := range keys {
		if getS(k, attrPK) == pk && getS(k, attrSK) == sk {
			return true
		}
	}
	return false
}

// limitSnapshotOf decodes the items read under limitKeys (absent ones:
// the default tier table, no usage, no reservation).
func limitSnapshotOf(tenant, subject, id string, items []item) (sg.LimitSnapshot, error) {
	keys := limitKeys(tenant, subject, id)
	var tiers, usage, res item
	for _, it := range items {
		switch {
		case isLimitItem(it, keys[:1]):
			tiers = it
		case isLimitItem(it, keys[1:2]):
			usage = it
		case isLimitItem(it, keys[2:]):
			res = it
		}
	}
	tt, err := decodeTiers(tenant, tiers)
	if err != nil {
		return sg.LimitSnapshot{}, err
	}
	u, err := decodeUsage(sg.LimitUsage{TenantID: tenant, Subject: subject, Buckets: map[string]sg.Amount{}}, usage)
	if err != nil {
		return sg.LimitSnapshot{}, err
	}
	snap := sg.LimitSnapshot{Tiers: tt, Usage: u}
	if res != nil {
		r := decodeReservation(tenant, subject, id, res)
		snap.Reservation = &r
	}
	return snap, nil
}

// limitPuts are the two conditional writes of u (over its version) and r
// (new when from is "", else still in state from), for SaveLimits and for
// a transfer that claims its limits in its own transaction.
func limitPuts(table string, u sg.LimitUsage, r sg.LimitReservation, from sg.ReservationState) (usage, res *types.Put, err error) {
	pk := limitKeyPK(u.TenantID, u.Subject)
	if r.TenantID != u.TenantID || r.Subject != u.Subject || strings.Contains(u.Subject, "#") {
		return nil, nil, sg.Internal("dynamo.SaveLimits", fmt.Errorf("a reservation saved with another subject's usage"))
	}
	buckets := make(map[string]types.AttributeValue, len(u.Buckets))
	for _, k := range u.BucketKeys() {
		buckets[k] = n(int64(u.Buckets[k]))
	}
	usage = &types.Put{TableName: &table, Item: item{attrPK: s(pk), attrSK: s(limitUsageSK), "b": &types.AttributeValueMemberM{Value: buckets},
		"version": n(u.Version + 1)}}
	if u.Version == 0 {
		usage.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		usage.ConditionExpression = aws.String("version = :v")
		usage.ExpressionAttributeValues = map[string]types.AttributeValue{":v": n(u.Version)}
	}
	res = &types.Put{TableName: &table, Item: item{attrPK: s(pk), attrSK: s(limitResPrefix + r.ID), "chain": s(string(r.Chain)),
		"amount": n(int64(r.Amount)), "at": usecN(r.At), "state": s(string(r.State)), "updated": usecN(r.UpdatedAt),
		attrExpires: n(r.At.Add(reservationRetention).Unix())}}
	if from == "" {
		res.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		res.ConditionExpression = aws.String("#st = :from")
		res.ExpressionAttributeNames = map[string]string{"#st": "state"}
		res.ExpressionAttributeValues = map[string]types.AttributeValue{":from": s(string(from))}
	}
	return usage, res, nil
}

// SaveLimits writes u and r in one transaction, over u's version and r's state.
func (st *Customers) SaveLimits(ctx context.Context, u sg.LimitUsage, r sg.LimitReservation, from sg.ReservationState) error {
	usage, res, err := limitPuts(st.table, u, r, from)
	if err != nil {
		return err
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{{Put: usage}, {Put: res}}})
	if r := cancelled(err); len(r) > 0 {
		for _, c := range r {
			if aws.ToString(c.Code) == "ConditionalCheckFailed" {
				return sg.ErrLimitsChanged
			}
		}
		return sg.Unavailable("dynamo.SaveLimits", err)
	}
	if err != nil {
		return classify("dynamo.SaveLimits", err)
	}
	return nil
}
