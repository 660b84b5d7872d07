package dynamo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// NextIndex atomically increments the platform's derivation counter. Every
// call gets a distinct index, whatever the concurrency; an index whose
// wallet is never written is simply skipped.
func (st *Wallets) NextIndex(ctx context.Context) (uint32, error) {
	out, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &st.table,
		Key:                       key(seqHDIndex, "SEQ"),
		UpdateExpression:          aws.String("ADD #n :one"),
		ExpressionAttributeNames:  map[string]string{"#n": "next"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, classify("dynamo.NextIndex", err)
	}
	var n uint64
	if v, ok := out.Attributes["next"].(*types.AttributeValueMemberN); ok {
		n, err = strconv.ParseUint(v.Value, 10, 32)
	}
	if err != nil || n == 0 || n > 1<<31 {
		return 0, sg.Internal("dynamo.NextIndex", fmt.Errorf("counter out of range: %d", n))
	}
	return uint32(n - 1), nil
}

// CreateWallet writes the wallet, one claim per deposit address and the
// idempotency record in one transaction.
func (st *Wallets) CreateWallet(ctx context.Context, w sg.Wallet, idem sg.Idempotency) error {
	addrs := make([]types.AttributeValue, 0, len(w.Addresses))
	for _, a := range w.Addresses {
		addrs = append(addrs, &types.AttributeValueMemberM{Value: item{
			"chain": s(string(a.Chain)), "asset": s(string(a.Asset)), "address": s(a.Address), "path": s(a.Path), "scheme": s(a.Scheme),
		}})
	}
	wallet := item{
		attrPK: s(tenantPK(w.TenantID)), attrSK: s(walletPrefix + w.ID), "type": s("wallet"), "id": s(w.ID),
		"tenant": s(w.TenantID), "hd_index": n(int64(w.Index)),
		"addresses": &types.AttributeValueMemberL{Value: addrs}, "created_at": s(w.CreatedAt.UTC().Format(time.RFC3339Nano)),
	}
	if w.HighVolume {
		wallet["high_volume"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	if w.CreatedBy != "" {
		wallet["by"] = s(w.CreatedBy) // the audit chain's actor
	}
	// The customer a wallet belongs to (a customer id, not PII) is kept in
	// the clear beside the sealed reference: the money-moving functions,
	// which open no PII, hold its payments to the customer's tier.
	if c := sg.WalletCustomerID(w); c != "" {
		wallet["customer_id"] = s(c)
	}
	if st.Fields != nil {
		doc, _ := json.Marshal(walletPII{w.CustomerRef, w.Label, w.Metadata})
		sealed, err := st.Fields.Seal(ctx, piiContext(w.TenantID), "wallet/"+w.ID, doc)
		if err != nil {
			return err
		}
		wallet["pii"] = b(sealed)
		if idem.Response, err = st.Fields.Seal(ctx, piiContext(w.TenantID), idemField(idem.Operation, idem.Key), idem.Response); err != nil {
			return err
		}
	} else {
		wallet["customer_ref"] = s(w.CustomerRef)
		if w.Label != "" {
			wallet["label"] = s(w.Label)
		}
		if len(w.Metadata) > 0 {
			wallet["metadata"] = strMap(w.Metadata)
		}
	}
	notExists := aws.String("attribute_not_exists(PK)")
	tx := []types.TransactWriteItem{{Put: &types.Put{TableName: &st.table, Item: wallet, ConditionExpression: notExists}}}
	// One claim per deposit address: the deposit watcher's lookup, and a
	// guard that no address is ever handed out twice.
	for _, a := range w.Addresses {
		claim := item{
			attrPK: s(addrPrefix + string(a.Chain) + "#" + strings.ToLower(a.Address)), attrSK: s("ADDR"),
			"type": s("address"), "tenant": s(w.TenantID), "wallet_id": s(w.ID),
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: claim, ConditionExpression: notExists}})
	}
	// The chain's address list, in creation order within each of its
	// shards, for the deposit watchers to load incrementally.
	for _, a := range w.Addresses {
		listed := item{
			attrPK: s(addrListPK(a.Chain, a.Address)), attrSK: s(w.ID + "#" + strings.ToLower(a.Address)),
			"tenant": s(w.TenantID), "wallet_id": s(w.ID), "hd_index": n(int64(w.Index)), "address": s(a.Address),
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: listed}})
	}
	ip := st.idempotencyPut(idem)
	if st.Fields != nil {
		ip.Put.Item["sealed"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	tx = append(tx, ip)
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if reasons := cancelled(err); reasons != nil {
		if last := reasons[len(reasons)-1]; aws.ToString(last.Code) == "ConditionalCheckFailed" {
			return sg.ErrIdempotencyInProgress
		}
		for _, r := range reasons[:len(reasons)-1] {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				return sg.Internal("dynamo.CreateWallet", fmt.Errorf("wallet or deposit address already claimed (index %d)", w.Index))
			}
		}
	}
	if err != nil {
		return classify("dynamo.CreateWallet", err)
	}
	return nil
}

// Wallet reads one wallet of the tenant.
func (st *Wallets) Wallet(ctx context.Context, tenant, id string) (sg.Wallet, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), walletPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Wallet{}, classify("dynamo.Wallet", err)
	}
	if out.Item == nil {
		return sg.Wallet{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	w, err := decodeWallet(out.Item)
	if err != nil {
		return w, err
	}
	return w, st.openPII(ctx, &w, out.Item)
}

// walletPII is what a wallet record seals: the merchant's customer
// reference, label and metadata.
type walletPII struct {
	C string            `json:"c"`
	L string            `json:"l,omitempty"`
	M map[string]string `json:"m,omitempty"`
}

// PIIPurpose is the envelope purpose of wallets' PII fields.
const PIIPurpose = "pii"

func piiContext(tenant string) sg.SealContext {
	return sg.SealContext{Tenant: tenant, Purpose: PIIPurpose}
}

func idemField(op, k string) string { return "idem/" + op + "/" + k }

// openPII fills in a wallet's sealed PII. A store without Fields (the
// functions that only check a wallet exists, the ledger's reads) leaves it
// sealed and the fields empty.
func (st *Table) openPII(ctx context.Context, w *sg.Wallet, it item) error {
	sealed := getB(it, "pii")
	if sealed == nil || st.Fields == nil {
		return nil
	}
	doc, err := st.Fields.Open(ctx, piiContext(w.TenantID), "wallet/"+w.ID, sealed)
	if err != nil {
		return sg.Internal("dynamo.openPII", err)
	}
	var p walletPII
	if err := json.Unmarshal(doc, &p); err != nil {
		return sg.Internal("dynamo.openPII", err)
	}
	w.CustomerRef, w.Label, w.Metadata = p.C, p.L, p.M
	if c := getS(it, "customer_id"); c != "" {
		w.CustomerRef = c // moved to a customer since (SetWalletCustomer)
	}
	return nil
}

func decodeWallet(it item) (sg.Wallet, error) {
	created, err := time.Parse(time.RFC3339Nano, getS(it, "created_at"))
	if err != nil {
		return sg.Wallet{}, sg.Internal("dynamo.decodeWallet", err)
	}
	w := sg.Wallet{ID: getS(it, "id"), TenantID: getS(it, "tenant"), CustomerRef: getS(it, "customer_ref"), Label: getS(it, "label"),
		Metadata: getStrMap(it, "metadata"), Index: uint32(getN(it, "hd_index")), CreatedAt: created,
		CreatedBy:  getS(it, "by"),
		HighVolume: getBool(it, "high_volume"), Frozen: getBool(it, "frozen")}
	for _, a := range getList(it, "addresses") {
		w.Addresses = append(w.Addresses, sg.DepositAddress{Chain: sg.Chain(getS(a, "chain")), Asset: sg.Asset(getS(a, "asset")),
			Address: getS(a, "address"), Path: getS(a, "path"), Scheme: getS(a, "scheme")})
	}
	if c := getS(it, "customer_id"); w.CustomerRef == "" || c != "" {
		// Sealed and not opened here: the customer id, kept in the clear,
		// is the reference (sg.WalletCustomerID, sg.LimitSubject). A
		// wallet moved to a customer since (SetWalletCustomer) is that
		// customer's whatever its first reference was.
		w.CustomerRef = c
	}
	return w, nil
}

// Wallets lists the tenant's wallets newest first. The cursor is the last
// wallet id of the page, base64url encoded; it only ever addresses the
// caller's own partition.
func (st *Wallets) Wallets(ctx context.Context, tenant string, page sg.Page) ([]sg.Wallet, string, error) {
	in := &dynamodb.QueryInput{
		TableName:              &st.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: tenantPK(tenant)},
			":w":  &types.AttributeValueMemberS{Value: walletPrefix},
		},
		ScanIndexForward: aws.Bool(false),
		// One more than asked tells whether another page exists, so the
		// last page never comes back empty.
		Limit: aws.Int32(int32(page.Limit + 1)),
	}
	if page.Cursor != "" {
		id, err := DecodeCursor(page.Cursor, "wal")
		if err != nil {
			return nil, "", err
		}
		in.ExclusiveStartKey = key(tenantPK(tenant), walletPrefix+id)
	}
	out, err := st.db.Query(ctx, in)
	if err != nil {
		return nil, "", classify("dynamo.Wallets", err)
	}
	ws := make([]sg.Wallet, 0, len(out.Items))
	for _, it := range out.Items {
		w, err := decodeWallet(it)
		if err != nil {
			return nil, "", err
		}
		if err := st.openPII(ctx, &w, it); err != nil {
			return nil, "", err
		}
		ws = append(ws, w)
	}
	next := ""
	if len(ws) > page.Limit {
		ws = ws[:page.Limit]
		next = EncodeCursor(ws[len(ws)-1].ID)
	}
	return ws, next, nil
}

// EncodeCursor makes an opaque cursor from the last id of a page.
func EncodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// DecodeCursor reads a cursor made by EncodeCursor for ids with prefix.
func DecodeCursor(c, prefix string) (string, error) {
	b, err := decodeRawCursor(c)
	if err != nil || !sg.ValidID(prefix, b) {
		return "", sg.ErrInvalidCursor
	}
	return b, nil
}

func decodeRawCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", sg.ErrInvalidCursor
	}
	return string(b), nil
}

// walletIDs keeps the well-formed wallet ids of ids, each once (a batch
// read refuses a key twice).
func walletIDs(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if sg.ValidID("wal", id) && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// WalletsByID reads several of the tenant's wallets in one round trip.
func (st *Wallets) WalletsByID(ctx context.Context, tenant string, ids ...string) (map[string]sg.Wallet, error) {
	ws, _, err := st.walletsAnd(ctx, tenant, walletIDs(ids), nil)
	return ws, err
}

// WalletsUnderFreeze reads several of the tenant's wallets and the freeze
// in force over each (the platform's, the tenant's or its own) in one round
// trip; wallets no freeze covers are absent from the second map.
func (st *Wallets) WalletsUnderFreeze(ctx context.Context, tenant string, ids ...string) (map[string]sg.Wallet, map[string]sg.Freeze, error) {
	ids = walletIDs(ids)
	if len(ids) == 0 {
		return map[string]sg.Wallet{}, map[string]sg.Freeze{}, nil
	}
	ws, freezes, err := st.walletsAnd(ctx, tenant, ids, coverKeys(tenant, ids))
	if err != nil {
		return nil, nil, err
	}
	return ws, coverage(ids, freezes), nil
}

var _ sg.WalletsAndLimits = (*Wallets)(nil)

// WalletsUnderFreezeAndLimits is WalletsUnderFreeze with the limit
// snapshot of subject under reservation id (Customers.LimitSnapshot): an
// internal transfer's one read. The two batches go side by side, so the
// read costs one round trip; apart, neither waits for the other's keys
// (DynamoDB Local serves a batch's keys one after another).
func (st *Wallets) WalletsUnderFreezeAndLimits(ctx context.Context, tenant, subject, id string, ids ...string) (map[string]sg.Wallet, map[string]sg.Freeze, sg.LimitSnapshot, error) {
	var (
		limits []item
		lerr   error
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		limits, lerr = st.batchGet(ctx, limitKeys(tenant, subject, id))
	}()
	ws, frozen, err := st.WalletsUnderFreeze(ctx, tenant, ids...)
	<-done
	if err == nil {
		err = lerr
	}
	if err != nil {
		return nil, nil, sg.LimitSnapshot{}, err
	}
	snap, err := limitSnapshotOf(tenant, subject, id, limits)
	if err != nil {
		return nil, nil, sg.LimitSnapshot{}, err
	}
	return ws, frozen, snap, nil
}

// walletsAnd reads the wallets ids and the items of extra in one batch,
// returning the wallets by id and the other items read.
func (st *Wallets) walletsAnd(ctx context.Context, tenant string, ids []string, extra []map[string]types.AttributeValue) (map[string]sg.Wallet, []item, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(ids)+len(extra))
	for _, id := range ids {
		keys = append(keys, key(tenantPK(tenant), walletPrefix+id))
	}
	keys = append(keys, extra...)
	out := map[string]sg.Wallet{}
	if len(keys) == 0 {
		return out, nil, nil
	}
	items, err := st.batchGet(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	var rest []item
	for _, it := range items {
		if !strings.HasPrefix(getS(it, attrSK), walletPrefix) {
			rest = append(rest, it)
			continue
		}
		w, err := decodeWallet(it)
		if err != nil {
			return nil, nil, err
		}
		out[w.ID] = w
	}
	return out, rest, nil
}

// ---- cust: the settlement wallet's customer (issue 15) ----

var _ sg.WalletOwners = (*Wallets)(nil)

// SetWalletCustomer makes customerID the wallet's customer: the id kept in
// the clear (which the money-moving functions read) and, in a store that
// keeps the reference unsealed, the reference too. The sealed reference is
// left as it was; readers take the clear id over it.
func (st *Wallets) SetWalletCustomer(ctx context.Context, tenant, walletID, customerID string) (sg.Wallet, error) {
	if !sg.ValidID(sg.CustomerIDPrefix, customerID) {
		return sg.Wallet{}, sg.ErrSettlementCustomerNotFound
	}
	set := "SET customer_id = :c"
	if st.Fields == nil {
		set += ", customer_ref = :c"
	}
	out, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: key(tenantPK(tenant), walletPrefix+walletID),
		UpdateExpression: aws.String(set), ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":c": s(customerID)}, ReturnValues: types.ReturnValueAllNew})
	if condFailed(err) {
		return sg.Wallet{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	if err != nil {
		return sg.Wallet{}, classify("dynamo.SetWalletCustomer", err)
	}
	w, err := decodeWallet(out.Attributes)
	if err != nil {
		return w, err
	}
	return w, st.openPII(ctx, &w, out.Attributes)
}
