package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Invoices is the acquiring aggregate on the table (see infra/acquiring.md
// for its keys): invoices in their tenant's partition with their payments
// and wallet lookups beside them, the checkout token's lookup under a hash
// of the token, a sparse index of invoices awaiting payment by expiry
// (GSI1, sharded), markers of invoices with events in their outbox,
// tenants' invoice policies and fx quotes.
type Invoices struct{ *Table }

var (
	_ sg.InvoiceStore    = (*Invoices)(nil)
	_ sg.InvoicePolicies = (*Invoices)(nil)
	_ sg.FxQuotes        = (*Invoices)(nil)
)

const (
	invPrefix       = "INV#"
	invPayPrefix    = "INVPAY#"
	invWalletPrefix = "INVWAL#"
	chkPrefix       = "CHK#"
	invDuePrefix    = "INVDUE#"
	invOutboxPrefix = "INVOUTBOX#"
	invPolicySK     = "INVPOLICY"
	fxqPrefix       = "FXQ#"
	invShards       = 16
	// invExpires is the invoice's expiry (not attrExpires: that is the TTL).
	invExpires = "inv_expires"
	dueTime    = "2006-01-02T15:04:05.000000000Z"
)

func invShard(id string) int {
	h := sha256.Sum256([]byte(id))
	return int(h[0]) % invShards
}

func chkPK(token string) string {
	h := sha256.Sum256([]byte(token))
	return chkPrefix + hex.EncodeToString(h[:])
}

func tm(t time.Time) types.AttributeValue { return s(t.UTC().Format(time.RFC3339Nano)) }

func getT(it item, k string) time.Time {
	v := getS(it, k)
	if v == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t.UTC()
}

func optS(it item, k, v string) {
	if v != "" {
		it[k] = s(v)
	}
}

func optT(it item, k string, t time.Time) {
	if !t.IsZero() {
		it[k] = tm(t)
	}
}

func dueSK(inv sg.Invoice) string { return inv.ExpiresAt.UTC().Format(dueTime) + "#" + inv.ID }

// invoiceItem is the invoice's item; its outbox starts as a map (events
// are added to it by path) and its due-index keys are set while it awaits
// payment.
func invoiceItem(inv sg.Invoice) item {
	it := item{attrPK: s(tenantPK(inv.TenantID)), attrSK: s(invPrefix + inv.ID), "type": s("invoice"),
		"id": s(inv.ID), "tenant": s(inv.TenantID), "status": s(string(inv.Status)), "amount": n(int64(inv.Amount)),
		"wallet": s(inv.WalletID), invExpires: tm(inv.ExpiresAt), "created_at": tm(inv.CreatedAt), "updated_at": tm(inv.UpdatedAt),
		"paid": n(int64(inv.Paid)), "pending": n(int64(inv.Pending)), "refund_due": n(int64(inv.RefundDue)),
		"token": s(inv.CheckoutToken), "version": n(1), "policy": policyAttr(inv.Policy)}
	optS(it, "order_id", inv.OrderID)
	optS(it, "description", inv.Description)
	optS(it, "redirect_url", inv.RedirectURL)
	optT(it, "cancelled_at", inv.CancelledAt)
	if len(inv.Metadata) > 0 {
		it["metadata"] = strMap(inv.Metadata)
	}
	if f := inv.Fiat; f != nil {
		fm := item{"currency": s(f.Currency), "amount": s(f.Amount), "rate": s(f.Rate), "rate_expires": tm(f.RateExpiresAt)}
		optS(fm, "source", f.Source)
		optS(fm, "quote_id", f.QuoteID)
		it["fiat"] = &types.AttributeValueMemberM{Value: fm}
	}
	chains := make([]types.AttributeValue, 0, len(inv.Chains))
	for _, c := range inv.Chains {
		chains = append(chains, s(string(c)))
	}
	it["chains"] = &types.AttributeValueMemberL{Value: chains}
	addrs := make([]types.AttributeValue, 0, len(inv.Addresses))
	for _, a := range inv.Addresses {
		am := item{"chain": s(string(a.Chain)), "asset": s(string(a.Asset)), "address": s(a.Address)}
		optS(am, "scheme", a.Scheme)
		optS(am, "path", a.Path)
		addrs = append(addrs, &types.AttributeValueMemberM{Value: am})
	}
	it["addresses"] = &types.AttributeValueMemberL{Value: addrs}
	outbox := item{}
	for _, e := range inv.Outbox {
		outbox[e.ID] = eventAttr(e)
	}
	it["outbox"] = &types.AttributeValueMemberM{Value: outbox}
	if inv.Status.Awaiting() {
		it["GSI1PK"] = s(invDuePrefix + strconv.Itoa(invShard(inv.ID)))
		it["GSI1SK"] = s(dueSK(inv))
	}
	return it
}

func policyAttr(p sg.InvoicePolicy) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: item{"tolerance": n(int64(p.UnderpaidTolerance)), "tolerance_bps": n(int64(p.UnderpaidToleranceBPS)),
		"underpaid": s(p.Underpaid), "overpaid": s(p.Overpaid), "late_window_ns": n(int64(p.LateWindow)), "late": s(p.Late)}}
}

func getPolicy(m item) sg.InvoicePolicy {
	return sg.InvoicePolicy{UnderpaidTolerance: sg.Amount(getN(m, "tolerance")), UnderpaidToleranceBPS: int(getN(m, "tolerance_bps")),
		Underpaid: getS(m, "underpaid"), Overpaid: getS(m, "overpaid"), LateWindow: time.Duration(getN(m, "late_window_ns")), Late: getS(m, "late")}
}

func eventAttr(e sg.InvoiceEvent) types.AttributeValue {
	m := item{"type": s(e.Type), "seq": n(e.Seq), "created": tm(e.Created)}
	if len(e.Data) > 0 {
		m["data"] = b(e.Data)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func getMap(it item, k string) item {
	if m, ok := it[k].(*types.AttributeValueMemberM); ok {
		return m.Value
	}
	return nil
}

func readInvoice(it item) sg.Invoice {
	inv := sg.Invoice{ID: getS(it, "id"), TenantID: getS(it, "tenant"), Status: sg.InvoiceStatus(getS(it, "status")),
		Amount: sg.Amount(getN(it, "amount")), WalletID: getS(it, "wallet"), OrderID: getS(it, "order_id"), Description: getS(it, "description"),
		RedirectURL: getS(it, "redirect_url"), ExpiresAt: getT(it, invExpires), CreatedAt: getT(it, "created_at"), UpdatedAt: getT(it, "updated_at"),
		CancelledAt: getT(it, "cancelled_at"), Paid: sg.Amount(getN(it, "paid")), Pending: sg.Amount(getN(it, "pending")),
		RefundDue: sg.Amount(getN(it, "refund_due")), CheckoutToken: getS(it, "token"), Version: getN(it, "version"),
		Policy: getPolicy(getMap(it, "policy"))}
	if m := getStrMap(it, "metadata"); len(m) > 0 {
		inv.Metadata = m
	}
	if f := getMap(it, "fiat"); f != nil {
		inv.Fiat = &sg.FiatPrice{Currency: getS(f, "currency"), Amount: getS(f, "amount"), Rate: getS(f, "rate"), Source: getS(f, "source"),
			QuoteID: getS(f, "quote_id"), RateExpiresAt: getT(f, "rate_expires")}
	}
	if l, ok := it["chains"].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if c, ok := v.(*types.AttributeValueMemberS); ok {
				inv.Chains = append(inv.Chains, sg.Chain(c.Value))
			}
		}
	}
	for _, a := range getList(it, "addresses") {
		inv.Addresses = append(inv.Addresses, sg.DepositAddress{Chain: sg.Chain(getS(a, "chain")), Asset: sg.Asset(getS(a, "asset")),
			Address: getS(a, "address"), Scheme: getS(a, "scheme"), Path: getS(a, "path")})
	}
	for id, v := range getMap(it, "outbox") {
		m, ok := v.(*types.AttributeValueMemberM)
		if !ok {
			continue
		}
		inv.Outbox = append(inv.Outbox, sg.InvoiceEvent{ID: id, Type: getS(m.Value, "type"), Seq: getN(m.Value, "seq"),
			Created: getT(m.Value, "created"), Data: getB(m.Value, "data")})
	}
	sort.Slice(inv.Outbox, func(i, j int) bool {
		if inv.Outbox[i].Seq != inv.Outbox[j].Seq {
			return inv.Outbox[i].Seq < inv.Outbox[j].Seq
		}
		return inv.Outbox[i].ID < inv.Outbox[j].ID
	})
	return inv
}

func paymentItem(tenant, invoice string, p sg.InvoicePayment) item {
	it := item{attrPK: s(tenantPK(tenant)), attrSK: s(invPayPrefix + invoice + "#" + p.Ref), "type": s("invoice_payment"),
		"tenant": s(tenant), "invoice": s(invoice), "ref": s(p.Ref), "chain": s(string(p.Chain)), "amount": n(int64(p.Amount)), "block": n(int64(p.Block)),
		"confirmations": n(int64(p.Confirmations)), "state": s(string(p.State)), "seen_at": tm(p.SeenAt)}
	optS(it, "tx_hash", p.TxHash)
	optS(it, "address", p.Address)
	optS(it, "from", p.From)
	optT(it, "confirmed_at", p.ConfirmedAt)
	if p.Late {
		it["late"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	return it
}

func readPayment(it item) sg.InvoicePayment {
	late := false
	if v, ok := it["late"].(*types.AttributeValueMemberBOOL); ok {
		late = v.Value
	}
	return sg.InvoicePayment{Ref: getS(it, "ref"), Chain: sg.Chain(getS(it, "chain")), TxHash: getS(it, "tx_hash"), Address: getS(it, "address"),
		From: getS(it, "from"), Amount: sg.Amount(getN(it, "amount")), Block: uint64(getN(it, "block")), Confirmations: int(getN(it, "confirmations")),
		State: sg.PaymentState(getS(it, "state")), SeenAt: getT(it, "seen_at"), ConfirmedAt: getT(it, "confirmed_at"), Late: late}
}

func (st *Invoices) put(it item, cond string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: it, ConditionExpression: aws.String(cond)}}
}

func (st *Invoices) outboxMarker(tenant, id string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{TableName: &st.table,
		Item: item{attrPK: s(invOutboxPrefix + strconv.Itoa(invShard(id))), attrSK: s(id), "tenant": s(tenant), "type": s("invoice_outbox")}}}
}

// CreateInvoice writes the invoice, its wallet and token lookups, its
// outbox marker and the idempotency record in one transaction.
func (st *Invoices) CreateInvoice(ctx context.Context, inv sg.Invoice, idem sg.Idempotency) error {
	if inv.CheckoutToken == "" || inv.WalletID == "" {
		return sg.Internal("dynamo.CreateInvoice", errors.New("an invoice needs a checkout token and a wallet"))
	}
	items := []types.TransactWriteItem{
		st.put(invoiceItem(inv), "attribute_not_exists(PK)"),
		st.put(item{attrPK: s(tenantPK(inv.TenantID)), attrSK: s(invWalletPrefix + inv.WalletID), "type": s("invoice_wallet"), "invoice": s(inv.ID)}, "attribute_not_exists(PK)"),
		st.put(item{attrPK: s(chkPK(inv.CheckoutToken)), attrSK: s("CHK"), "type": s("checkout"), "tenant": s(inv.TenantID), "invoice": s(inv.ID)}, "attribute_not_exists(PK)"),
		st.idempotencyPut(idem),
	}
	if len(inv.Outbox) > 0 {
		items = append(items, st.outboxMarker(inv.TenantID, inv.ID))
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	if r := cancelled(err); len(r) >= 4 {
		if aws.ToString(r[3].Code) == "ConditionalCheckFailed" {
			return sg.ErrIdempotencyInProgress
		}
		for i := 0; i < 3; i++ {
			if aws.ToString(r[i].Code) == "ConditionalCheckFailed" {
				return sg.Internal("dynamo.CreateInvoice", fmt.Errorf("invoice %s: id, wallet or token taken (item %d)", inv.ID, i))
			}
		}
	}
	return classify("dynamo.CreateInvoice", err)
}

func (st *Invoices) get(ctx context.Context, pk, sk string) (item, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, classify("dynamo.Invoices", err)
	}
	return out.Item, nil
}

// Invoice returns the tenant's invoice with its payments.
func (st *Invoices) Invoice(ctx context.Context, tenant, id string) (sg.Invoice, error) {
	it, err := st.get(ctx, tenantPK(tenant), invPrefix+id)
	if err != nil {
		return sg.Invoice{}, err
	}
	if it == nil {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("invoice_id")
	}
	inv := readInvoice(it)
	in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":p": s(invPayPrefix + id + "#")}}
	for {
		out, err := st.db.Query(ctx, in)
		if err != nil {
			return sg.Invoice{}, classify("dynamo.Invoice", err)
		}
		for _, p := range out.Items {
			inv.Payments = append(inv.Payments, readPayment(p))
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	sort.Slice(inv.Payments, func(i, j int) bool {
		a, b := inv.Payments[i], inv.Payments[j]
		if !a.SeenAt.Equal(b.SeenAt) {
			return a.SeenAt.Before(b.SeenAt)
		}
		return a.Ref < b.Ref
	})
	return inv, nil
}

// InvoiceByToken returns the invoice a checkout token opens.
func (st *Invoices) InvoiceByToken(ctx context.Context, token string) (sg.Invoice, error) {
	if token == "" {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("token")
	}
	it, err := st.get(ctx, chkPK(token), "CHK")
	if err != nil {
		return sg.Invoice{}, err
	}
	if it == nil {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("token")
	}
	return st.Invoice(ctx, getS(it, "tenant"), getS(it, "invoice"))
}

// InvoiceByWallet returns the invoice whose wallet this is.
func (st *Invoices) InvoiceByWallet(ctx context.Context, tenant, wallet string) (sg.Invoice, error) {
	it, err := st.get(ctx, tenantPK(tenant), invWalletPrefix+wallet)
	if err != nil {
		return sg.Invoice{}, err
	}
	if it == nil {
		return sg.Invoice{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	return st.Invoice(ctx, tenant, getS(it, "invoice"))
}

// Invoices lists the tenant's invoices newest first: a query of the
// tenant's invoice keys between the time bounds (ids sort by creation),
// status and order filtered on the way; the cursor is the last id.
func (st *Invoices) Invoices(ctx context.Context, tenant string, f sg.InvoiceFilter, page sg.Page) ([]sg.Invoice, string, error) {
	if page.Cursor != "" && !sg.ValidID("inv", page.Cursor) {
		return nil, "", sg.ErrInvalidCursor
	}
	limit := page.Limit
	if limit <= 0 {
		limit = 100
	}
	lo, hi := invPrefix, invPrefix+"~"
	if !f.CreatedFrom.IsZero() {
		lo = invPrefix + sg.IDTimeBound("inv", f.CreatedFrom)
	}
	if !f.CreatedTo.IsZero() {
		hi = invPrefix + sg.IDTimeBound("inv", f.CreatedTo)
	}
	vals := map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":lo": s(lo), ":hi": s(hi)}
	var names map[string]string
	var filters []string
	if f.Status != "" {
		names = map[string]string{"#st": "status"}
		vals[":st"] = s(string(f.Status))
		filters = append(filters, "#st = :st")
	}
	if f.OrderID != "" {
		vals[":oid"] = s(f.OrderID)
		if names == nil {
			names = map[string]string{}
		}
		names["#oid"] = "order_id"
		filters = append(filters, "#oid = :oid")
	}
	in := &dynamodb.QueryInput{TableName: &st.table, ScanIndexForward: aws.Bool(false), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"), ExpressionAttributeValues: vals,
		ExpressionAttributeNames: names, Limit: aws.Int32(int32(limit + 1))}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
	}
	if page.Cursor != "" {
		in.ExclusiveStartKey = key(tenantPK(tenant), invPrefix+page.Cursor)
	}
	var out []sg.Invoice
	for len(out) <= limit {
		res, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, "", classify("dynamo.Invoices", err)
		}
		for _, it := range res.Items {
			inv := readInvoice(it)
			inv.Outbox = nil
			out = append(out, inv)
		}
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	for i := range out {
		out[i].Outbox = nil
	}
	if len(out) <= limit {
		return out, "", nil
	}
	return out[:limit], out[limit-1].ID, nil
}

// UpdateInvoice applies u in one transaction: the invoice over the version
// read (its due-index keys set while it awaits payment, removed after),
// the payment put once or moved from the state named, and the outbox
// marker when events are added.
func (st *Invoices) UpdateInvoice(ctx context.Context, u sg.InvoiceUpdate) error {
	in := u.Invoice
	names := map[string]string{"#st": "status", "#v": "version", "#paid": "paid", "#pend": "pending", "#rd": "refund_due", "#upd": "updated_at"}
	vals := map[string]types.AttributeValue{":st": s(string(in.Status)), ":paid": n(int64(in.Paid)), ":pending": n(int64(in.Pending)),
		":refund": n(int64(in.RefundDue)), ":upd": tm(in.UpdatedAt), ":v": n(in.Version), ":v1": n(in.Version + 1)}
	set := []string{"#st = :st", "#paid = :paid", "#pend = :pending", "#rd = :refund", "#upd = :upd", "#v = :v1"}
	var remove []string
	cond := []string{"attribute_exists(PK)", "#v = :v"}
	names["#ca"] = "cancelled_at"
	if in.CancelledAt.IsZero() {
		remove = append(remove, "#ca")
	} else {
		vals[":c"] = tm(in.CancelledAt)
		set = append(set, "#ca = :c")
	}
	if in.Status.Awaiting() {
		vals[":gpk"], vals[":gsk"] = s(invDuePrefix+strconv.Itoa(invShard(in.ID))), s(dueSK(in))
		set = append(set, "GSI1PK = :gpk", "GSI1SK = :gsk")
	} else {
		remove = append(remove, "GSI1PK", "GSI1SK")
	}
	if len(u.Events) > 0 {
		names["#ob"] = "outbox"
	}
	for i, e := range u.Events {
		en, ev := "#e"+strconv.Itoa(i), ":e"+strconv.Itoa(i)
		names[en], vals[ev] = e.ID, eventAttr(e)
		set = append(set, "#ob."+en+" = "+ev)
		cond = append(cond, "attribute_not_exists(#ob."+en+")")
	}
	expr := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		expr += " REMOVE " + strings.Join(remove, ", ")
	}
	items := []types.TransactWriteItem{{Update: &types.Update{TableName: &st.table, Key: key(tenantPK(in.TenantID), invPrefix+in.ID),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(strings.Join(cond, " AND ")),
		ExpressionAttributeNames: names, ExpressionAttributeValues: vals}}}
	if p := u.Payment; p != nil {
		if !p.State.Follows(u.PrevState) {
			return sg.Internal("dynamo.UpdateInvoice", fmt.Errorf("payment %s cannot go from %q to %q", p.Ref, u.PrevState, p.State))
		}
		put := &types.Put{TableName: &st.table, Item: paymentItem(in.TenantID, in.ID, *p)}
		if u.PrevState == "" {
			put.ConditionExpression = aws.String("attribute_not_exists(PK)")
		} else {
			put.ConditionExpression = aws.String("#ps = :prev")
			put.ExpressionAttributeNames = map[string]string{"#ps": "state"}
			put.ExpressionAttributeValues = map[string]types.AttributeValue{":prev": s(string(u.PrevState))}
		}
		items = append(items, types.TransactWriteItem{Put: put})
	}
	if len(u.Events) > 0 {
		items = append(items, st.outboxMarker(in.TenantID, in.ID))
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if err == nil {
		return nil
	}
	for _, r := range cancelled(err) {
		if aws.ToString(r.Code) == "ConditionalCheckFailed" {
			return sg.ErrInvoiceChanged
		}
	}
	return classify("dynamo.UpdateInvoice", err)
}

// DueInvoices reads every shard of the sparse due index up to t.
func (st *Invoices) DueInvoices(ctx context.Context, t time.Time, limit int) ([]sg.InvoiceRef, error) {
	type due struct {
		sk  string
		ref sg.InvoiceRef
	}
	var all []due
	for shard := range invShards {
		in := &dynamodb.QueryInput{TableName: &st.table, IndexName: aws.String("GSI1"),
			KeyConditionExpression:    aws.String("GSI1PK = :pk AND GSI1SK <= :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(invDuePrefix + strconv.Itoa(shard)), ":t": s(t.UTC().Format(dueTime) + "#~")}}
		if limit > 0 {
			in.Limit = aws.Int32(int32(limit))
		}
		for {
			out, err := st.db.Query(ctx, in)
			if err != nil {
				return nil, classify("dynamo.DueInvoices", err)
			}
			for _, it := range out.Items {
				all = append(all, due{getS(it, "GSI1SK"), sg.InvoiceRef{TenantID: getS(it, "tenant"), ID: getS(it, "id")}})
			}
			if len(out.LastEvaluatedKey) == 0 || limit > 0 {
				break
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].sk < all[j].sk })
	refs := []sg.InvoiceRef{}
	for _, d := range all {
		if limit > 0 && len(refs) == limit {
			break
		}
		refs = append(refs, d.ref)
	}
	return refs, nil
}

// OutboxInvoices reads every shard of the outbox markers.
func (st *Invoices) OutboxInvoices(ctx context.Context, limit int) ([]sg.InvoiceRef, error) {
	var refs []sg.InvoiceRef
	for shard := range invShards {
		in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), KeyConditionExpression: aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(invOutboxPrefix + strconv.Itoa(shard))}}
		if limit > 0 {
			in.Limit = aws.Int32(int32(limit))
		}
		out, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, classify("dynamo.OutboxInvoices", err)
		}
		for _, it := range out.Items {
			refs = append(refs, sg.InvoiceRef{TenantID: getS(it, "tenant"), ID: getS(it, attrSK)})
		}
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].ID < refs[j].ID })
	if limit > 0 && len(refs) > limit {
		refs = refs[:limit]
	}
	return refs, nil
}

// ClearOutbox removes the events from the outbox and, once it is empty,
// the invoice's marker (only if no event came in meanwhile).
func (st *Invoices) ClearOutbox(ctx context.Context, tenant, id string, eventIDs []string) error {
	k := key(tenantPK(tenant), invPrefix+id)
	if len(eventIDs) > 0 {
		names := map[string]string{"#ob": "outbox"}
		var rm []string
		for i, e := range eventIDs {
			en := "#e" + strconv.Itoa(i)
			names[en] = e
			rm = append(rm, "#ob."+en)
		}
		_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: k,
			UpdateExpression: aws.String("REMOVE " + strings.Join(rm, ", ")), ConditionExpression: aws.String("attribute_exists(PK)"),
			ExpressionAttributeNames: names})
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return sg.ErrNotFound.WithParam("invoice_id")
		}
		if err != nil {
			return classify("dynamo.ClearOutbox", err)
		}
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{ConditionCheck: &types.ConditionCheck{TableName: &st.table, Key: k, ConditionExpression: aws.String("size(#ob) = :zero"),
			ExpressionAttributeNames: map[string]string{"#ob": "outbox"}, ExpressionAttributeValues: map[string]types.AttributeValue{":zero": n(0)}}},
		{Delete: &types.Delete{TableName: &st.table, Key: key(invOutboxPrefix+strconv.Itoa(invShard(id)), id)}},
	}})
	if r := cancelled(err); len(r) > 0 && aws.ToString(r[0].Code) == "ConditionalCheckFailed" {
		return nil // events remain: the marker stays
	}
	if err != nil {
		return classify("dynamo.ClearOutbox", err)
	}
	return nil
}

// InvoicePolicy returns the tenant's policy or ErrNotFound.
func (st *Invoices) InvoicePolicy(ctx context.Context, tenant string) (sg.InvoicePolicy, error) {
	it, err := st.get(ctx, tenantPK(tenant), invPolicySK)
	if err != nil {
		return sg.InvoicePolicy{}, err
	}
	if it == nil {
		return sg.InvoicePolicy{}, sg.ErrNotFound
	}
	return getPolicy(getMap(it, "policy")), nil
}

// PutInvoicePolicy sets the tenant's policy.
func (st *Invoices) PutInvoicePolicy(ctx context.Context, tenant string, p sg.InvoicePolicy) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table,
		Item: item{attrPK: s(tenantPK(tenant)), attrSK: s(invPolicySK), "type": s("invoice_policy"), "policy": policyAttr(p)}})
	if err != nil {
		return classify("dynamo.PutInvoicePolicy", err)
	}
	return nil
}

// PutFxQuote writes q once; it lives until a day after it expires (TTL).
func (st *Invoices) PutFxQuote(ctx context.Context, q sg.FxQuote) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: item{attrPK: s(tenantPK(q.TenantID)), attrSK: s(fxqPrefix + q.ID), "type": s("fx_quote"), "id": s(q.ID), "currency": s(q.Currency),
			"rate": s(q.Rate), "source": s(q.Source), "created_at": tm(q.CreatedAt), "quote_expires": tm(q.ExpiresAt),
			attrExpires: n(q.ExpiresAt.Add(24 * time.Hour).Unix())}})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return sg.Internal("dynamo.PutFxQuote", fmt.Errorf("fx quote %s exists", q.ID))
	}
	if err != nil {
		return classify("dynamo.PutFxQuote", err)
	}
	return nil
}

// FxQuote returns the tenant's quote; another tenant's is not found.
func (st *Invoices) FxQuote(ctx context.Context, tenant, id string) (sg.FxQuote, error) {
	it, err := st.get(ctx, tenantPK(tenant), fxqPrefix+id)
	if err != nil {
		return sg.FxQuote{}, err
	}
	if it == nil {
		return sg.FxQuote{}, sg.ErrNotFound.WithParam("fx_quote_id")
	}
	return sg.FxQuote{ID: getS(it, "id"), TenantID: tenant, Currency: getS(it, "currency"), Rate: getS(it, "rate"), Source: getS(it, "source"),
		CreatedAt: getT(it, "created_at"), ExpiresAt: getT(it, "quote_expires")}, nil
}

// InvoiceFromImage names the invoice a table stream record belongs to: an
// invoice's item or one of its payments' (the live service pushes the
// checkout view on either); ok is false for any other record.
func InvoiceFromImage(img map[string]types.AttributeValue) (tenant, invoiceID string, ok bool) {
	switch getS(img, "type") {
	case "invoice":
		tenant, invoiceID = getS(img, "tenant"), getS(img, "id")
	case "invoice_payment":
		tenant, invoiceID = getS(img, "tenant"), getS(img, "invoice")
	default:
		return "", "", false
	}
	return tenant, invoiceID, tenant != "" && invoiceID != ""
}
