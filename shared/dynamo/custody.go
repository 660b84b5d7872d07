package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Custody records: a tenant's policy, allowlist, payout velocity, the
// approvals given, freezes and the decisions journal. All of a tenant's live
// in its partition; platform freezes live under PLATFORM.
//
//	TENANT#t / POLICY                    the policy (JSON) and its version
//	TENANT#t / ALLOW#<chain>#<address>   an allowlist entry
//	TENANT#t / VELB#<hour>               payouts counted in that hour
//	TENANT#t / VELM#<transfer key>       marks a payout as counted
//	TENANT#t / APPR#<transfer key>#<sub> one approver's decision (once)
//	TENANT#t / FREEZE#T, FREEZE#W#<id>   the tenant's and its wallets' freezes
//	TENANT#t / JRNL#<micros>#<hash>      one decision, journaled with it
//	PLATFORM / FREEZE                    the platform-wide freeze
//	PARKED   / <tenant>#<transfer id>    a payout stopped by a freeze
const (
	policySK       = "POLICY"
	allowPrefix    = "ALLOW#"
	velBucket      = "VELB#"
	velMark        = "VELM#"
	apprPrefix     = "APPR#"
	freezePrefix   = "FREEZE#"
	journalPrefix  = "JRNL#"
	platformPK     = "PLATFORM"
	platformFrzSK  = "FREEZE"
	parkedPK       = "PARKED"
	journalSubject = 200
)

// Policy reads the tenant's policy (the default when none is set).
func (st *Custody) Policy(ctx context.Context, tenant string) (sg.Policy, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), policySK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Policy{}, classify("dynamo.Policy", err)
	}
	if out.Item == nil {
		return sg.DefaultPolicy(), nil
	}
	var p sg.Policy
	if err := json.Unmarshal([]byte(getS(out.Item, "doc")), &p); err != nil {
		return sg.Policy{}, sg.Internal("dynamo.Policy", err)
	}
	p.WebhookSecretSealed = getB(out.Item, "whs")
	return p, nil
}

// PutPolicy replaces the tenant's policy if its version is still
// p.Version-1 (optimistic: two editors never overwrite each other unseen),
// journaling the change in the same write.
func (st *Custody) PutPolicy(ctx context.Context, tenant string, p sg.Policy, j sg.JournalEntry) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return sg.Internal("dynamo.PutPolicy", err)
	}
	cond, vals := "attribute_not_exists(PK)", map[string]types.AttributeValue{}
	if p.Version > 1 {
		cond, vals = "ver = :prev", map[string]types.AttributeValue{":prev": n(int64(p.Version - 1))}
	}
	it := item{attrPK: s(tenantPK(tenant)), attrSK: s(policySK), "doc": s(string(doc)), "ver": n(int64(p.Version))}
	if len(p.WebhookSecretSealed) > 0 {
		it["whs"] = b(p.WebhookSecretSealed)
	}
	put := &types.Put{TableName: &st.table, Item: it, ConditionExpression: &cond}
	if len(vals) > 0 {
		put.ExpressionAttributeValues = vals
	}
	return st.writeWithJournal(ctx, "dynamo.PutPolicy", tenant, j, sg.ErrStateChanged.WithMessage("the policy changed meanwhile; read it and try again"), types.TransactWriteItem{Put: put})
}

// journalItem is one journal entry as stored, keyed by its time and a hash
// of its content so the same decision written twice stays one entry.
func (st *Table) journalItem(tenant string, j sg.JournalEntry) types.TransactWriteItem {
	h := sha256.Sum256([]byte(j.Actor + "\x00" + j.Action + "\x00" + j.Subject + "\x00" + j.Detail))
	sk := fmt.Sprintf("%s%016d#%s", journalPrefix, j.At.UnixMicro(), hex.EncodeToString(h[:8]))
	it := item{attrPK: s(tenantPK(tenant)), attrSK: s(sk), "at": n(j.At.UnixMicro()), "actor": s(j.Actor), "action": s(j.Action),
		"subject": s(trimTo(j.Subject, journalSubject))}
	if j.Detail != "" {
		it["detail"] = s(trimTo(j.Detail, 1000))
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)")}}
}

func trimTo(v string, n int) string {
	if len(v) > n {
		return v[:n]
	}
	return v
}

// writeWithJournal writes w and the journal entry in one transaction; a
// failed condition of w is reported as refusal.
func (st *Table) writeWithJournal(ctx context.Context, op, tenant string, j sg.JournalEntry, refusal error, w ...types.TransactWriteItem) error {
	tx := append(w, st.journalItem(tenant, j))
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if reasons := cancelled(err); reasons != nil {
		for i, r := range reasons[:len(w)] {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				if i == 0 {
					return refusal
				}
				return sg.ErrStateChanged
			}
		}
		return sg.Unavailable(op, err)
	}
	return classifyOrNil(op, err)
}

// Journal reads the tenant's journal, newest first, at most limit entries
// older than before (micros; 0 for the newest).
func (st *Custody) Journal(ctx context.Context, tenant string, limit int, before int64) ([]sg.JournalEntry, error) {
	upper := journalPrefix + "~"
	if before > 0 {
		upper = fmt.Sprintf("%s%016d", journalPrefix, before)
	}
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ScanIndexForward: aws.Bool(false),
		KeyConditionExpression:    aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":lo": s(journalPrefix), ":hi": s(upper)},
		Limit:                     aws.Int32(int32(limit))})
	if err != nil {
		return nil, classify("dynamo.Journal", err)
	}
	js := make([]sg.JournalEntry, 0, len(out.Items))
	for _, it := range out.Items {
		js = append(js, sg.JournalEntry{At: time.UnixMicro(getN(it, "at")).UTC(), Actor: getS(it, "actor"), Action: getS(it, "action"),
			Subject: getS(it, "subject"), Detail: getS(it, "detail")})
	}
	return js, nil
}

func allowSK(c sg.Chain, addr string) string { return allowPrefix + string(c) + "#" + addr }

// AddAllowEntry puts a destination on the allowlist, journaled in the same
// write, unless the address is on it already (ErrAllowEntryExists; the
// entry, its label and its cooling-off stay as they are).
func (st *Custody) AddAllowEntry(ctx context.Context, tenant string, e sg.AllowEntry, j sg.JournalEntry) error {
	it := item{attrPK: s(tenantPK(tenant)), attrSK: s(allowSK(e.Chain, e.Address)), "c": s(string(e.Chain)), "addr": s(e.Address),
		"by": s(e.AddedBy), "at": n(e.AddedAt.UnixMicro()), "act": n(e.ActiveAt.UnixMicro())}
	if e.Label != "" {
		it["label"] = s(e.Label)
	}
	return st.writeWithJournal(ctx, "dynamo.AddAllowEntry", tenant, j, sg.ErrAllowEntryExists,
		types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
}

func decodeAllow(it item) sg.AllowEntry {
	return sg.AllowEntry{Chain: sg.Chain(getS(it, "c")), Address: getS(it, "addr"), Label: getS(it, "label"), AddedBy: getS(it, "by"),
		AddedAt: time.UnixMicro(getN(it, "at")).UTC(), ActiveAt: time.UnixMicro(getN(it, "act")).UTC()}
}

// AllowEntry reads the allowlist entry of a destination, if any.
func (st *Custody) AllowEntry(ctx context.Context, tenant string, c sg.Chain, addr string) (sg.AllowEntry, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), allowSK(c, addr)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.AllowEntry{}, false, classify("dynamo.AllowEntry", err)
	}
	if out.Item == nil {
		return sg.AllowEntry{}, false, nil
	}
	return decodeAllow(out.Item), true, nil
}

// AllowEntries lists the tenant's allowlist.
func (st *Custody) AllowEntries(ctx context.Context, tenant string) ([]sg.AllowEntry, error) {
	var out []sg.AllowEntry
	err := st.queryPrefix(ctx, tenantPK(tenant), allowPrefix, func(it item) { out = append(out, decodeAllow(it)) })
	return out, err
}

func (st *Table) queryPrefix(ctx context.Context, pk, prefix string, each func(item)) error {
	in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(pk), ":p": s(prefix)}}
	if prefix == "" {
		in.KeyConditionExpression, in.ExpressionAttributeValues = aws.String("PK = :pk"), map[string]types.AttributeValue{":pk": s(pk)}
	}
	p := dynamodb.NewQueryPaginator(st.db, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return classify("dynamo.query", err)
		}
		for _, it := range page.Items {
			each(it)
		}
	}
	return nil
}

func hourKey(at time.Time) string { return fmt.Sprintf("%s%010d", velBucket, at.Unix()/3600) }

// CountVelocity adds a payout to the tenant's hourly totals once (a second
// call for the same payout changes nothing) and returns the total of the 24
// hours up to at, the payout included.
func (st *Custody) CountVelocity(ctx context.Context, t sg.Transfer, at time.Time) (sg.Amount, error) {
	kp, _ := sg.KeyPart("txn", t.ID)
	pk := tenantPK(t.TenantID)
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: item{attrPK: s(pk), attrSK: s(velMark + kp), attrExpires: n(at.Add(48 * time.Hour).Unix())},
			ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: &types.Update{TableName: &st.table, Key: key(pk, hourKey(at)), UpdateExpression: aws.String("ADD amt :a SET " + attrExpires + " = :x"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": n(int64(t.Amount)), ":x": n(at.Add(48 * time.Hour).Unix())}}},
	}})
	if reasons := cancelled(err); reasons != nil && aws.ToString(reasons[0].Code) != "ConditionalCheckFailed" {
		return 0, sg.Unavailable("dynamo.CountVelocity", err)
	} else if reasons == nil && err != nil {
		return 0, classify("dynamo.CountVelocity", err)
	}
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(pk),
			":lo": s(hourKey(at.Add(-23 * time.Hour))), ":hi": s(hourKey(at))}})
	if err != nil {
		return 0, classify("dynamo.CountVelocity", err)
	}
	var sum sg.Amount
	for _, it := range out.Items {
		sum += sg.Amount(getN(it, "amt"))
	}
	return sum, nil
}

func approvalValue(a sg.Approval) types.AttributeValue {
	m := item{"by": s(a.Approver), "ok": &types.AttributeValueMemberBOOL{Value: a.Approve}, "t": n(a.At.UnixMicro())}
	if a.Comment != "" {
		m["cm"] = s(a.Comment)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func decodeApprovals(it item, k string) []sg.Approval {
	var out []sg.Approval
	for _, m := range getList(it, k) {
		ok, _ := m["ok"].(*types.AttributeValueMemberBOOL)
		out = append(out, sg.Approval{Approver: getS(m, "by"), Approve: ok != nil && ok.Value, Comment: getS(m, "cm"), At: time.UnixMicro(getN(m, "t")).UTC()})
	}
	return out
}

// AddApproval records one approver's decision on a payout waiting for
// approvals: once per approver (ErrAlreadyDecided after), and only while it
// waits (ErrNotAwaitingApproval), journaled in the same write.
func (st *Custody) AddApproval(ctx context.Context, tenant, id string, a sg.Approval, j sg.JournalEntry) error {
	kp, ok := sg.KeyPart("txn", id)
	if !ok {
		return sg.ErrNotFound.WithParam("transfer_id")
	}
	pk := tenantPK(tenant)
	return st.writeWithJournal(ctx, "dynamo.AddApproval", tenant, j, sg.ErrAlreadyDecided,
		types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: item{attrPK: s(pk), attrSK: s(apprPrefix + kp + "#" + a.Approver), "ok": &types.AttributeValueMemberBOOL{Value: a.Approve}},
			ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		types.TransactWriteItem{Update: &types.Update{TableName: &st.table, Key: key(pk, txnPrefix+kp),
			UpdateExpression:          aws.String("SET apv = list_append(if_not_exists(apv, :none), :a)"),
			ConditionExpression:       aws.String("st = :w"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":a": &types.AttributeValueMemberL{Value: []types.AttributeValue{approvalValue(a)}}, ":none": &types.AttributeValueMemberL{}, ":w": s(string(sg.StateAwaitingApproval))}}})
}

func freezeKey(f sg.Freeze) map[string]types.AttributeValue {
	switch f.Scope {
	case sg.FreezePlatform:
		return key(platformPK, platformFrzSK)
	case sg.FreezeWallet:
		return key(tenantPK(f.TenantID), freezePrefix+"W#"+f.WalletID)
	}
	return key(tenantPK(f.TenantID), freezePrefix+"T")
}

func freezeItem(f sg.Freeze) item {
	it := freezeKey(f)
	it["id"], it["scope"], it["by"], it["at"], it["req"] = s(f.ID), s(string(f.Scope)), s(f.By), n(f.At.UnixMicro()), n(int64(f.Required))
	it["lifted"] = &types.AttributeValueMemberBOOL{Value: f.Lifted}
	it["votes"] = &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
	if f.TenantID != "" {
		it["tenant"] = s(f.TenantID)
	}
	if f.WalletID != "" {
		it["wallet"] = s(f.WalletID)
	}
	if f.Reason != "" {
		it["reason"] = s(f.Reason)
	}
	return it
}

func decodeFreeze(it item) sg.Freeze {
	lifted, _ := it["lifted"].(*types.AttributeValueMemberBOOL)
	f := sg.Freeze{ID: getS(it, "id"), Scope: sg.FreezeScope(getS(it, "scope")), TenantID: getS(it, "tenant"), WalletID: getS(it, "wallet"),
		Reason: getS(it, "reason"), By: getS(it, "by"), At: time.UnixMicro(getN(it, "at")).UTC(), Required: int(getN(it, "req")),
		Votes: decodeApprovals(it, "votes"), Lifted: lifted != nil && lifted.Value}
	if la := getN(it, "lat"); la > 0 {
		f.LiftedAt = time.UnixMicro(la).UTC()
	}
	return f
}

// PutFreeze puts a freeze in force unless one of its scope already is
// (ErrAlreadyFrozen). journalTenant is where the decision is journaled.
func (st *Custody) PutFreeze(ctx context.Context, f sg.Freeze, journalTenant string, j sg.JournalEntry) error {
	return st.writeWithJournal(ctx, "dynamo.PutFreeze", journalTenant, j, sg.ErrAlreadyFrozen,
		types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: freezeItem(f),
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR lifted = :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}}})
}

// VoteUnfreeze adds an approver's vote to lift freeze f (once each); with
// enough votes the same write lifts it. It returns the freeze as it now is.
func (st *Custody) VoteUnfreeze(ctx context.Context, f sg.Freeze, v sg.Approval, journalTenant string, j sg.JournalEntry) (sg.Freeze, error) {
	for _, old := range f.Votes {
		if old.Approver == v.Approver {
			return f, sg.ErrAlreadyDecided
		}
	}
	set := "SET votes = list_append(votes, :v)"
	vals := map[string]types.AttributeValue{":v": &types.AttributeValueMemberL{Value: []types.AttributeValue{approvalValue(v)}},
		":id": s(f.ID), ":n": n(int64(len(f.Votes))), ":f": &types.AttributeValueMemberBOOL{Value: false}}
	f.Votes = append(f.Votes, v)
	if len(f.Votes) >= f.Required {
		set += ", lifted = :t, lat = :now"
		vals[":t"], vals[":now"] = &types.AttributeValueMemberBOOL{Value: true}, n(v.At.UnixMicro())
		f.Lifted, f.LiftedAt = true, v.At
	}
	err := st.writeWithJournal(ctx, "dynamo.VoteUnfreeze", journalTenant, j, sg.ErrStateChanged,
		types.TransactWriteItem{Update: &types.Update{TableName: &st.table, Key: freezeKey(f), UpdateExpression: &set,
			ConditionExpression: aws.String("id = :id AND size(votes) = :n AND lifted = :f"), ExpressionAttributeValues: vals}})
	return f, err
}

// Freezes lists the freezes of a tenant (its own and its wallets') and the
// platform's, lifted ones included until replaced.
func (st *Custody) Freezes(ctx context.Context, tenant string) ([]sg.Freeze, error) {
	var out []sg.Freeze
	if err := st.queryPrefix(ctx, tenantPK(tenant), freezePrefix, func(it item) { out = append(out, decodeFreeze(it)) }); err != nil {
		return nil, err
	}
	g, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(platformPK, platformFrzSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, classify("dynamo.Freezes", err)
	}
	if g.Item != nil {
		out = append(out, decodeFreeze(g.Item))
	}
	return out, nil
}

// FreezeOn returns the freeze in force over a payout of the wallet, if any:
// the platform's, the tenant's or the wallet's.
func (st *Custody) FreezeOn(ctx context.Context, tenant, wallet string) (sg.Freeze, bool, error) {
	keys := []map[string]types.AttributeValue{key(platformPK, platformFrzSK), key(tenantPK(tenant), freezePrefix+"T"), key(tenantPK(tenant), freezePrefix+"W#"+wallet)}
	items, err := st.batchGet(ctx, keys)
	if err != nil {
		return sg.Freeze{}, false, err
	}
	for _, it := range items {
		if f := decodeFreeze(it); !f.Lifted {
			return f, true, nil
		}
	}
	return sg.Freeze{}, false, nil
}

// coverKeys are the keys of every freeze that may cover the tenant's
// wallets ids: the platform's, the tenant's and each wallet's own.
func coverKeys(tenant string, ids []string) []map[string]types.AttributeValue {
	keys := []map[string]types.AttributeValue{key(platformPK, platformFrzSK), key(tenantPK(tenant), freezePrefix+"T")}
	for _, id := range ids {
		keys = append(keys, key(tenantPK(tenant), freezePrefix+"W#"+id))
	}
	return keys
}

// coverage maps each of ids to the freeze in force over it among the
// freeze items read: the platform's first, then the tenant's, then the
// wallet's own.
func coverage(ids []string, items []item) map[string]sg.Freeze {
	var platform, tenant *sg.Freeze
	own := map[string]sg.Freeze{}
	for _, it := range items {
		f := decodeFreeze(it)
		if f.Lifted {
			continue
		}
		switch f.Scope {
		case sg.FreezePlatform:
			platform = &f
		case sg.FreezeTenant:
			tenant = &f
		case sg.FreezeWallet:
			own[f.WalletID] = f
		}
	}
	out := map[string]sg.Freeze{}
	for _, id := range ids {
		switch f, ok := own[id]; {
		case platform != nil:
			out[id] = *platform
		case tenant != nil:
			out[id] = *tenant
		case ok:
			out[id] = f
		}
	}
	return out
}

// FreezesOver returns, for each of the tenant's wallets ids that a freeze
// in force covers (the platform's, the tenant's or its own), that freeze;
// one round trip.
func (st *Custody) FreezesOver(ctx context.Context, tenant string, ids ...string) (map[string]sg.Freeze, error) {
	ids = walletIDs(ids)
	items, err := st.batchGet(ctx, coverKeys(tenant, ids))
	if err != nil {
		return nil, err
	}
	return coverage(ids, items), nil
}

// Park lists a payout as stopped by a freeze, to be queued again when the
// freeze lifts.
func (st *Custody) Park(ctx context.Context, tenant, id, wallet string) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table,
		Item: item{attrPK: s(parkedPK), attrSK: s(tenant + "#" + id), "tenant": s(tenant), "id": s(id), "wallet": s(wallet)}})
	return classifyOrNil("dynamo.Park", err)
}

// ParkedPayout is kept for callers outside the services; the domain owns it.
type ParkedPayout = sg.ParkedPayout

// Parked lists the payouts stopped under a freeze's reach: every one for the
// platform, the tenant's for a tenant or wallet freeze.
func (st *Custody) Parked(ctx context.Context, f sg.Freeze) ([]ParkedPayout, error) {
	prefix := ""
	if f.Scope != sg.FreezePlatform {
		prefix = f.TenantID + "#"
	}
	var out []ParkedPayout
	err := st.queryPrefix(ctx, parkedPK, prefix, func(it item) {
		p := ParkedPayout{Tenant: getS(it, "tenant"), ID: getS(it, "id"), Wallet: getS(it, "wallet")}
		if f.Scope != sg.FreezeWallet || p.Wallet == f.WalletID {
			out = append(out, p)
		}
	})
	return out, err
}

// Unpark removes a payout from the parked list.
func (st *Custody) Unpark(ctx context.Context, tenant, id string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(parkedPK, tenant+"#"+id)})
	return classifyOrNil("dynamo.Unpark", err)
}

// DataKey reads a tenant's encrypted data key for purpose.
func (st *Custody) DataKey(ctx context.Context, tenant, purpose string) ([]byte, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), "DEK#"+purpose), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, false, classify("dynamo.DataKey", err)
	}
	if out.Item == nil {
		return nil, false, nil
	}
	return getB(out.Item, "edk"), true, nil
}

// PutDataKey stores a tenant's encrypted data key unless one exists.
func (st *Custody) PutDataKey(ctx context.Context, tenant, purpose string, blob []byte) (bool, error) {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: item{attrPK: s(tenantPK(tenant)), attrSK: s("DEK#" + purpose), "edk": b(blob)}})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return false, nil
	}
	return err == nil, classifyOrNil("dynamo.PutDataKey", err)
}
