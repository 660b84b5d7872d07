package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Compliance keeps transaction monitoring's rules and activity windows,
// alerts and compliance cases (sg.MonitorStore). Items:
//
//	rule set head     PK TENANT#<tenant>           SK MONRULES#HEAD              (the current version, whole; ver)
//	rule set version  PK TENANT#<tenant>           SK MONRULESV#<20-digit version>
//	activity window   PK MON#<tenant>#<wallet>     SK ACT                        (entries: the wallet's recent movements; ver)
//	first payout      PK MON#<tenant>#<wallet>     SK PAID#<chain>#<address>     (event: the first payout's event id)
//	alert             PK TENANT#<tenant>           SK ALERT#<alert id>
//	case              PK TENANT#<tenant>           SK CASE#<case id>
//	                  GSI1PK CASES#<tenant>#<status>  GSI1SK <case id>           (lists by status, oldest first)
//	case key          PK TENANT#<tenant>           SK CASEKEY#<sha256 of the opening key>  -> case_id
//	open subject      PK TENANT#<tenant>           SK CASESUBJ#<sha256 of the subject>     -> case_id (while the case is open)
//
// A wallet's activity lives in a partition of its own, so a busy tenant's
// monitoring writes spread over its wallets; the window is rewritten over
// the version read (a concurrent event retries) and bounded by the
// monitor (the longest rule window, at most a few hundred entries).
type Compliance struct{ *Table }

var _ sg.MonitorStore = (*Compliance)(nil)

const (
	monRulesHead   = "MONRULES#HEAD"
	monRulesPrefix = "MONRULESV#"
	monActSK       = "ACT"
	monPaidPrefix  = "PAID#"
	alertPrefix    = "ALERT#"
	casePrefix     = "CASE#"
	caseKeyPrefix  = "CASEKEY#"
	caseSubjPrefix = "CASESUBJ#"
	// custCasePrefix + hash(customer) + "#" + case id: one pointer per
	// open case about a customer, removed when the case closes, so the
	// customer's open cases are counted without reading any other case.
	custCasePrefix = "CUSTCASE#"
	// monRetries bounds the read-modify-write of an activity window under
	// concurrent events on one wallet.
	monRetries = 25
)

func monPK(tenant, wallet string) string { return "MON#" + tenant + "#" + wallet }

func casesGSI(tenant string, st sg.CaseStatus) string { return "CASES#" + tenant + "#" + string(st) }

func hashKey(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

func boolAV(v bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: v} }

func mapList(ms []item) types.AttributeValue {
	out := make([]types.AttributeValue, len(ms))
	for i, m := range ms {
		out[i] = &types.AttributeValueMemberM{Value: m}
	}
	return &types.AttributeValueMemberL{Value: out}
}

// optStrList is a list read back nil when empty (as the twin keeps it).
func optStrList(it item, k string) []string {
	l := getStrList(it, k)
	if len(l) == 0 {
		return nil
	}
	return l
}

// ---- rule sets ----

func ruleSetItem(rs sg.MonitorRuleSet, sk string) item {
	rules := make([]item, len(rs.Rules))
	for i, r := range rs.Rules {
		p := r.Params
		rules[i] = item{"id": s(r.ID), "kind": s(string(r.Kind)), "ver": n(r.Version), "on": boolAV(r.Enabled), "win": n(int64(p.Window)),
			"dormant": n(int64(p.Dormant)), "thr": n(int64(p.Threshold)), "unit": n(int64(p.Unit)), "count": n(int64(p.Count)),
			"pct": n(int64(p.Percent)), "dir": s(string(p.Direction))}
	}
	return item{attrPK: s(tenantPK(rs.Tenant)), attrSK: s(sk), "ver": n(rs.Version), "rules": mapList(rules), "by": s(rs.UpdatedBy),
		"at": usecN(rs.UpdatedAt)}
}

func decodeRuleSet(tenant string, it item) sg.MonitorRuleSet {
	rs := sg.MonitorRuleSet{Tenant: tenant, Version: getN(it, "ver"), UpdatedBy: getS(it, "by"), UpdatedAt: getUsec(it, "at")}
	for _, r := range getList(it, "rules") {
		rs.Rules = append(rs.Rules, sg.MonitorRule{ID: getS(r, "id"), Kind: sg.MonitorRuleKind(getS(r, "kind")), Version: getN(r, "ver"), Enabled: getBool(r, "on"),
			Params: sg.MonitorParams{Window: time.Duration(getN(r, "win")), Dormant: time.Duration(getN(r, "dormant")), Threshold: sg.Amount(getN(r, "thr")),
				Unit: sg.Amount(getN(r, "unit")), Count: int(getN(r, "count")), Percent: int(getN(r, "pct")), Direction: sg.Direction(getS(r, "dir"))}})
	}
	return rs
}

func ruleVersionSK(v int64) string { return fmt.Sprintf("%s%020d", monRulesPrefix, v) }

// PutRuleSet writes rs as version rs.Version over version rs.Version-1:
// the version's item and the head in one transaction.
func (st *Compliance) PutRuleSet(ctx context.Context, rs sg.MonitorRuleSet) error {
	head := &types.Put{TableName: &st.table, Item: ruleSetItem(rs, monRulesHead)}
	if rs.Version == 1 {
		head.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		head.ConditionExpression = aws.String("ver = :v")
		head.ExpressionAttributeValues = map[string]types.AttributeValue{":v": n(rs.Version - 1)}
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: head},
		{Put: &types.Put{TableName: &st.table, Item: ruleSetItem(rs, ruleVersionSK(rs.Version)), ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if cancelled(err) != nil {
		return sg.ErrMonitorRulesChanged
	}
	if err != nil {
		return classify("dynamo.PutRuleSet", err)
	}
	return nil
}

// RuleSet is the tenant's current rule set, in one read.
func (st *Compliance) RuleSet(ctx context.Context, tenant string) (sg.MonitorRuleSet, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), monRulesHead), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.MonitorRuleSet{}, classify("dynamo.RuleSet", err)
	}
	if out.Item == nil {
		return sg.MonitorRuleSet{Tenant: tenant}, nil
	}
	return decodeRuleSet(tenant, out.Item), nil
}

// RuleSetHistory lists the tenant's versions, newest first.
func (st *Compliance) RuleSetHistory(ctx context.Context, tenant string, page sg.Page) ([]sg.MonitorRuleSet, string, error) {
	upper := monRulesPrefix + "~"
	if page.Cursor != "" {
		v, err := strconv.ParseInt(page.Cursor, 10, 64)
		if err != nil || v < 1 {
			return nil, "", sg.ErrInvalidCursor
		}
		upper = ruleVersionSK(v - 1)
	}
	limit := monPageLimit(page.Limit)
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ScanIndexForward: aws.Bool(false),
		Limit:                     aws.Int32(int32(limit)),
		KeyConditionExpression:    aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":lo": s(monRulesPrefix), ":hi": s(upper)}})
	if err != nil {
		return nil, "", classify("dynamo.RuleSetHistory", err)
	}
	var sets []sg.MonitorRuleSet
	for _, it := range out.Items {
		sets = append(sets, decodeRuleSet(tenant, it))
	}
	next := ""
	if len(sets) == limit && sets[len(sets)-1].Version > 1 {
		next = strconv.FormatInt(sets[len(sets)-1].Version, 10)
	}
	return sets, next, nil
}

func monPageLimit(n int) int {
	if n <= 0 || n > 100 {
		return 100
	}
	return n
}

// ---- activity ----

func activityItem(a sg.Activity) item {
	return item{"id": s(a.EventID), "tx": s(a.TransferID), "at": usecN(a.At), "dir": s(string(a.Dir)), "amt": n(int64(a.Amount)),
		"ch": s(string(a.Chain)), "addr": s(a.Address), "cp": s(a.Counterparty), "prev": usecN(a.PrevAt)}
}

func decodeActivity(it item) sg.Activity {
	return sg.Activity{EventID: getS(it, "id"), TransferID: getS(it, "tx"), At: getUsec(it, "at"), Dir: sg.Direction(getS(it, "dir")),
		Amount: sg.Amount(getN(it, "amt")), Chain: sg.Chain(getS(it, "ch")), Address: getS(it, "addr"), Counterparty: getS(it, "cp"), PrevAt: getUsec(it, "prev")}
}

// RecordActivity appends a to the wallet's window once per event, over the
// window's version (retrying when a concurrent event wrote first).
func (st *Compliance) RecordActivity(ctx context.Context, tenant, wallet string, a sg.Activity, keepSince time.Time, max int) ([]sg.Activity, sg.Activity, bool, error) {
	a.At, a.PrevAt = usecT(a.At), time.Time{}
	keepSince = usecT(keepSince)
	for attempt := range monRetries {
		out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(monPK(tenant, wallet), monActSK), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return nil, sg.Activity{}, false, classify("dynamo.RecordActivity", err)
		}
		var w []sg.Activity
		var lastAt time.Time
		ver := int64(0)
		if out.Item != nil {
			for _, e := range getList(out.Item, "entries") {
				w = append(w, decodeActivity(e))
			}
			lastAt, ver = getUsec(out.Item, "last"), getN(out.Item, "ver")
		}
		i := slices.IndexFunc(w, func(e sg.Activity) bool { return e.EventID == a.EventID })
		if i >= 0 || a.At.Before(keepSince) {
			// Nothing to append: return the window as it stands (trimmed
			// in what we return, not rewritten).
			stored := a
			if i >= 0 {
				stored = w[i]
			}
			return trimActivity(w, keepSince, max), stored, false, nil
		}
		stored := a
		stored.PrevAt = lastAt
		if lastAt.IsZero() || !a.At.Before(lastAt) {
			lastAt = a.At
		}
		w = append(w, stored)
		sort.SliceStable(w, func(i, j int) bool { return w[i].At.Before(w[j].At) })
		w = trimActivity(w, keepSince, max)
		entries := make([]item, len(w))
		for i, e := range w {
			entries[i] = activityItem(e)
		}
		it := item{attrPK: s(monPK(tenant, wallet)), attrSK: s(monActSK), "entries": mapList(entries), "last": usecN(lastAt), "ver": n(ver + 1)}
		in := &dynamodb.PutItemInput{TableName: &st.table, Item: it}
		if ver == 0 {
			in.ConditionExpression = aws.String("attribute_not_exists(PK)")
		} else {
			in.ConditionExpression = aws.String("ver = :v")
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": n(ver)}
		}
		_, err = st.db.PutItem(ctx, in)
		if condFailed(err) {
			// Another event on this wallet wrote first: read again, after
			// a short random pause so the writers spread out.
			select {
			case <-ctx.Done():
				return nil, sg.Activity{}, false, sg.Unavailable("dynamo.RecordActivity", ctx.Err())
			case <-time.After(time.Duration(rand.IntN(5*(attempt+1))) * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return nil, sg.Activity{}, false, classify("dynamo.RecordActivity", err)
		}
		return w, stored, true, nil
	}
	return nil, sg.Activity{}, false, sg.Unavailable("dynamo.RecordActivity", errors.New("the wallet's activity window kept changing"))
}

func usecT(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func trimActivity(w []sg.Activity, since time.Time, max int) []sg.Activity {
	i := 0
	for i < len(w) && w[i].At.Before(since) {
		i++
	}
	w = w[i:]
	if max > 0 && len(w) > max {
		w = w[len(w)-max:]
	}
	return slices.Clone(w)
}

// FirstPayout records the wallet's first payout to addr.
func (st *Compliance) FirstPayout(ctx context.Context, tenant, wallet string, c sg.Chain, addr, eventID string) (bool, error) {
	k := key(monPK(tenant, wallet), monPaidPrefix+string(c)+"#"+addr)
	it := item{attrPK: k[attrPK], attrSK: k[attrSK], "event": s(eventID)}
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if err == nil {
		return true, nil
	}
	if !condFailed(err) {
		return false, classify("dynamo.FirstPayout", err)
	}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, classify("dynamo.FirstPayout", err)
	}
	return getS(out.Item, "event") == eventID, nil
}

// ---- alerts ----

func alertItem(a sg.Alert) item {
	return item{attrPK: s(tenantPK(a.Tenant)), attrSK: s(alertPrefix + a.ID), "id": s(a.ID), "rule": s(a.RuleID), "kind": s(string(a.RuleKind)),
		"rule_ver": n(a.RuleVersion), "set_ver": n(a.RuleSetVersion), "subject": s(a.Subject), "wallet": s(a.Wallet), "transfers": strList(a.Transfers),
		"detail": s(a.Detail), "at": usecN(a.At), "case_id": s(a.CaseID), "fp": s(a.Fingerprint)}
}

func decodeAlert(tenant string, it item) sg.Alert {
	return sg.Alert{ID: getS(it, "id"), Tenant: tenant, RuleID: getS(it, "rule"), RuleKind: sg.MonitorRuleKind(getS(it, "kind")), RuleVersion: getN(it, "rule_ver"),
		RuleSetVersion: getN(it, "set_ver"), Subject: getS(it, "subject"), Wallet: getS(it, "wallet"), Transfers: optStrList(it, "transfers"),
		Detail: getS(it, "detail"), At: getUsec(it, "at"), CaseID: getS(it, "case_id"), Fingerprint: getS(it, "fp")}
}

// PutAlert writes a once per id.
func (st *Compliance) PutAlert(ctx context.Context, a sg.Alert) (sg.Alert, bool, error) {
	a.At = usecT(a.At)
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: alertItem(a), ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if condFailed(err) {
		old, err := st.Alert(ctx, a.Tenant, a.ID)
		return old, false, err
	}
	if err != nil {
		return sg.Alert{}, false, classify("dynamo.PutAlert", err)
	}
	return decodeAlert(a.Tenant, alertItem(a)), true, nil
}

// Alert reads one of the tenant's alerts.
func (st *Compliance) Alert(ctx context.Context, tenant, id string) (sg.Alert, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), alertPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Alert{}, classify("dynamo.Alert", err)
	}
	if out.Item == nil {
		return sg.Alert{}, sg.ErrNotFound
	}
	return decodeAlert(tenant, out.Item), nil
}

// ---- cases ----

func caseItem(c sg.Case) item {
	notes := make([]item, len(c.Notes))
	for i, nt := range c.Notes {
		notes[i] = item{"at": usecN(nt.At), "author": s(nt.Author), "text": s(nt.Text)}
	}
	it := item{attrPK: s(tenantPK(c.Tenant)), attrSK: s(casePrefix + c.ID), "GSI1PK": s(casesGSI(c.Tenant, c.Status)), "GSI1SK": s(c.ID),
		"id": s(c.ID), "kind": s(string(c.Kind)), "status": s(string(c.Status)), "subject": s(c.Subject), "summary": s(c.Summary),
		"customer": s(c.Customer), "assignee": s(c.Assignee), "notes": mapList(notes), "ev_tx": strList(c.Evidence.Transfers), "ev_alerts": strList(c.Evidence.Alerts),
		"ev_addrs": strList(c.Evidence.Addresses), "ev_recs": strList(c.Evidence.Records), "created": usecN(c.CreatedAt), "updated": usecN(c.UpdatedAt),
		"version": n(c.Version), "actor": s(c.ChangedBy), "action": s(c.Change)}
	if c.Status.Closed() && c.Decision != nil {
		// A closed case is kept for the retention period from its decision,
		// then removed by the table's TTL (sg.RetentionSchedule).
		it[attrExpires] = n(sg.RetainUntil("case", c.Decision.At).Unix())
	}
	if d := c.Decision; d != nil {
		it["d_outcome"], it["d_by"], it["d_at"], it["d_reason"] = s(string(d.Outcome)), s(d.By), usecN(d.At), s(d.Reason)
		if d.Certificate != nil {
			it["d_course"], it["d_cert"] = s(d.Certificate.CourseID), s(d.Certificate.CertificateID)
		}
	}
	return it
}

func decodeCase(tenant string, it item) sg.Case {
	c := sg.Case{ID: getS(it, "id"), Tenant: tenant, Kind: sg.CaseKind(getS(it, "kind")), Status: sg.CaseStatus(getS(it, "status")),
		Subject: getS(it, "subject"), Customer: getS(it, "customer"), Summary: getS(it, "summary"), Assignee: getS(it, "assignee"),
		Evidence: sg.CaseEvidence{Transfers: optStrList(it, "ev_tx"), Alerts: optStrList(it, "ev_alerts"), Addresses: optStrList(it, "ev_addrs"),
			Records: optStrList(it, "ev_recs")},
		CreatedAt: getUsec(it, "created"), UpdatedAt: getUsec(it, "updated"), Version: getN(it, "version"),
		ChangedBy: getS(it, "actor"), Change: getS(it, "action")}
	for _, nt := range getList(it, "notes") {
		c.Notes = append(c.Notes, sg.CaseNote{At: getUsec(nt, "at"), Author: getS(nt, "author"), Text: getS(nt, "text")})
	}
	if o := getS(it, "d_outcome"); o != "" {
		c.Decision = &sg.CaseDecision{Outcome: sg.CaseStatus(o), By: getS(it, "d_by"), At: getUsec(it, "d_at"), Reason: getS(it, "d_reason")}
		if cert := getS(it, "d_cert"); cert != "" {
			c.Decision.Certificate = &sg.CaseCertificate{CourseID: getS(it, "d_course"), CertificateID: cert}
		}
	}
	return c
}

func pointerItem(tenant, sk, caseID string) item {
	return item{attrPK: s(tenantPK(tenant)), attrSK: s(sk), "case_id": s(caseID)}
}

func (st *Compliance) pointer(ctx context.Context, tenant, sk string) (string, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", classify("dynamo.CreateCase", err)
	}
	return getS(out.Item, "case_id"), nil
}

// CreateCase writes c, its key and (for an open case with a subject) the
// subject's pointer in one transaction; when the key was used it returns
// that case; when the subject has an open case it records the key against
// it and returns it.
func (st *Compliance) CreateCase(ctx context.Context, c sg.Case, caseKey string) (sg.Case, bool, error) {
	c.Version = 1
	keySK := caseKeyPrefix + hashKey(caseKey)
	for range 3 {
		if id, err := st.pointer(ctx, c.Tenant, keySK); err != nil || id != "" {
			if err != nil {
				return sg.Case{}, false, err
			}
			got, err := st.Case(ctx, c.Tenant, id)
			return got, false, err
		}
		subjSK := ""
		if c.Subject != "" && !c.Status.Closed() {
			subjSK = caseSubjPrefix + hashKey(c.Subject)
			id, err := st.pointer(ctx, c.Tenant, subjSK)
			if err != nil {
				return sg.Case{}, false, err
			}
			if id != "" {
				_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: pointerItem(c.Tenant, keySK, id),
					ConditionExpression: aws.String("attribute_not_exists(PK)")})
				if condFailed(err) {
					continue // the key was taken meanwhile: read it again
				}
				if err != nil {
					return sg.Case{}, false, classify("dynamo.CreateCase", err)
				}
				got, err := st.Case(ctx, c.Tenant, id)
				return got, false, err
			}
		}
		cond := aws.String("attribute_not_exists(PK)")
		items := []types.TransactWriteItem{
			{Put: &types.Put{TableName: &st.table, Item: caseItem(c), ConditionExpression: cond}},
			{Put: &types.Put{TableName: &st.table, Item: pointerItem(c.Tenant, keySK, c.ID), ConditionExpression: cond}},
		}
		if subjSK != "" {
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: pointerItem(c.Tenant, subjSK, c.ID), ConditionExpression: cond}})
		}
		if c.Customer != "" && !c.Status.Closed() {
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: pointerItem(c.Tenant, custCaseSK(c.Customer, c.ID), c.ID)}})
		}
		_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if reasons := cancelled(err); reasons != nil {
			if len(reasons) > 0 && aws.ToString(reasons[0].Code) == "ConditionalCheckFailed" {
				return sg.Case{}, false, sg.ErrCaseChanged.WithMessage("a case with this id exists")
			}
			continue // the key or the subject was taken meanwhile
		}
		if err != nil {
			return sg.Case{}, false, classify("dynamo.CreateCase", err)
		}
		return decodeCase(c.Tenant, caseItem(c)), true, nil
	}
	return sg.Case{}, false, sg.Unavailable("dynamo.CreateCase", errors.New("the case key or subject kept changing"))
}

func custCaseSK(customer, caseID string) string {
	return custCasePrefix + hashKey(customer) + "#" + caseID
}

// OpenCases counts the customer's open cases: a count query over the
// customer's pointers (one per open case).
func (st *Compliance) OpenCases(ctx context.Context, tenant, customer string) (int, error) {
	in := &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), Select: types.SelectCount,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)),
			":p": s(custCasePrefix + hashKey(customer) + "#")}}
	total := 0
	for {
		out, err := st.db.Query(ctx, in)
		if err != nil {
			return 0, classify("dynamo.OpenCases", err)
		}
		total += int(out.Count)
		if out.LastEvaluatedKey == nil {
			return total, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// Case reads one of the tenant's cases.
func (st *Compliance) Case(ctx context.Context, tenant, id string) (sg.Case, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), casePrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Case{}, classify("dynamo.Case", err)
	}
	if out.Item == nil {
		return sg.Case{}, sg.ErrNotFound
	}
	return decodeCase(tenant, out.Item), nil
}

// Cases lists the tenant's cases, oldest first: by status on GSI1, else
// over the tenant's case items; the assignee is a filter.
func (st *Compliance) Cases(ctx context.Context, tenant string, f sg.CaseFilter, page sg.Page) ([]sg.Case, string, error) {
	limit := monPageLimit(page.Limit)
	in := &dynamodb.QueryInput{TableName: &st.table}
	vals := map[string]types.AttributeValue{}
	if f.Status != "" {
		in.IndexName = aws.String("GSI1")
		in.KeyConditionExpression = aws.String("GSI1PK = :pk")
		vals[":pk"] = s(casesGSI(tenant, f.Status))
	} else {
		in.ConsistentRead = aws.Bool(true)
		in.KeyConditionExpression = aws.String("PK = :pk AND begins_with(SK, :p)")
		vals[":pk"], vals[":p"] = s(tenantPK(tenant)), s(casePrefix)
	}
	var filters []string
	if f.Assignee != "" {
		filters = append(filters, "assignee = :a")
		vals[":a"] = s(f.Assignee)
	}
	if f.Kind != "" {
		filters = append(filters, "#kind = :k")
		vals[":k"] = s(string(f.Kind))
		in.ExpressionAttributeNames = map[string]string{"#kind": "kind"}
	}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
	}
	in.ExpressionAttributeValues = vals
	if page.Cursor != "" {
		start := key(tenantPK(tenant), casePrefix+page.Cursor)
		if f.Status != "" {
			start["GSI1PK"], start["GSI1SK"] = s(casesGSI(tenant, f.Status)), s(page.Cursor)
		}
		in.ExclusiveStartKey = start
	}
	var cases []sg.Case
	for {
		in.Limit = aws.Int32(int32(limit + 1 - len(cases)))
		out, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, "", classify("dynamo.Cases", err)
		}
		for _, it := range out.Items {
			cases = append(cases, decodeCase(tenant, it))
		}
		if len(cases) > limit || out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	next := ""
	if len(cases) > limit {
		cases = cases[:limit]
		next = cases[limit-1].ID
	}
	return cases, next, nil
}

// UpdateCase writes c over c.Version; a case becoming closed deletes its
// subject's pointer in the same transaction.
func (st *Compliance) UpdateCase(ctx context.Context, c sg.Case) (sg.Case, error) {
	old, err := st.Case(ctx, c.Tenant, c.ID)
	if err != nil {
		return sg.Case{}, err
	}
	prev := c.Version
	c.CreatedAt, c.Subject, c.Customer = old.CreatedAt, old.Subject, old.Customer
	c.Version++
	put := &types.Put{TableName: &st.table, Item: caseItem(c), ConditionExpression: aws.String("attribute_exists(PK) AND version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": n(prev)}}
	items := []types.TransactWriteItem{{Put: put}}
	if c.Status.Closed() && !old.Status.Closed() && c.Subject != "" {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &st.table, Key: key(tenantPK(c.Tenant), caseSubjPrefix+hashKey(c.Subject)),
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR case_id = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":id": s(c.ID)}}})
	}
	if c.Status.Closed() && !old.Status.Closed() && c.Customer != "" {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &st.table, Key: key(tenantPK(c.Tenant), custCaseSK(c.Customer, c.ID))}})
	}
	if len(items) == 1 {
		_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: put.Item, ConditionExpression: put.ConditionExpression,
			ExpressionAttributeValues: put.ExpressionAttributeValues})
		if condFailed(err) {
			return sg.Case{}, sg.ErrCaseChanged
		}
	} else {
		_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if cancelled(err) != nil {
			return sg.Case{}, sg.ErrCaseChanged
		}
	}
	if err != nil {
		return sg.Case{}, classify("dynamo.UpdateCase", err)
	}
	return decodeCase(c.Tenant, caseItem(c)), nil
}
