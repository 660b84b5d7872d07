package dynamo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// History lines: a copy of each transfer record under every wallet it
// touches, PK HIST#<tenant>#<wallet>, SK <created µs, 16 digits>#<id>, written
// from the table's stream (the history projector) so the transfer's own
// transaction stays at its floor of write units. Lines are ordered by time,
// so a time range is a key condition; type, state and chain are filters.
const histPrefix = "HIST#"

func histPK(tenant, wallet string) string { return histPrefix + tenant + "#" + wallet }

func histSK(t time.Time, id string) string { return fmt.Sprintf("%016d#%s", t.UnixMicro(), id) }

// PutHistory writes t's history line under each wallet it touches. A line
// is only replaced by a newer version of the transfer, so redelivered or
// reordered stream records never roll a line back.
func (st *History) PutHistory(ctx context.Context, img map[string]types.AttributeValue) error {
	t, ok := TransferFromImage(img)
	if !ok {
		return nil
	}
	for _, w := range []string{t.FromWallet, t.ToWallet} {
		if w == "" {
			continue
		}
		line := make(item, len(img)+1)
		for k, v := range img {
			line[k] = v
		}
		line[attrPK] = s(histPK(t.TenantID, w))
		line[attrSK] = s(histSK(t.CreatedAt, t.ID))
		line["type"] = s("history")
		_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: &st.table, Item: line,
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR ut <= :ut"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":ut": n(t.UpdatedAt.UnixMicro())},
		})
		var ccf *types.ConditionalCheckFailedException
		if err != nil && !asErr(err, &ccf) {
			return classify("dynamo.PutHistory", err)
		}
	}
	return nil
}

// HistoryFilter is kept for callers outside the services; the domain owns it.
type HistoryFilter = sg.HistoryFilter

// History lists a wallet's transfers, newest first, one page at a time.
func (st *History) History(ctx context.Context, tenant, wallet string, f HistoryFilter, page sg.Page) ([]sg.Transfer, string, error) {
	lo, hi := "0", "9"
	if !f.From.IsZero() {
		lo = fmt.Sprintf("%016d", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		hi = fmt.Sprintf("%016d", f.To.UnixMicro())
	}
	vals := map[string]types.AttributeValue{":pk": s(histPK(tenant, wallet)), ":lo": s(lo), ":hi": s(hi)}
	var filters []string
	names := map[string]string{}
	for attr, v := range map[string]string{"ty": string(f.Type), "st": string(f.State), "c": string(f.Chain)} {
		if v != "" {
			names["#"+attr] = attr
			vals[":"+attr] = s(v)
			filters = append(filters, "#"+attr+" = :"+attr)
		}
	}
	in := &dynamodb.QueryInput{
		TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: vals, ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(page.Limit + 1)),
	}
	if len(filters) > 0 {
		// A filter applies after the read: each query examines up to
		// historyFilteredRead lines, however few of them match.
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
		in.ExpressionAttributeNames = names
		in.Limit = aws.Int32(historyFilteredRead)
	}
	if page.Cursor != "" {
		sk, err := decodeHistCursor(page.Cursor)
		if err != nil {
			return nil, "", err
		}
		in.ExclusiveStartKey = key(histPK(tenant, wallet), sk)
	}
	var out []sg.Transfer
	var lastSK []string
	// With a filter a page of the index may hold fewer matches than asked
	// for, or none: read on until the page is full, the range ends or the
	// page has examined historyPageBudget lines. In the last case the page
	// is returned short (even empty) with a cursor where the reading
	// stopped, so a sparse filter costs more pages, never lost rows.
	resume, examined := "", 0
	for {
		res, err := st.db.Query(ctx, in)
		if err != nil {
			return nil, "", classify("dynamo.History", err)
		}
		for _, it := range res.Items {
			t, _ := TransferFromImage(withRecordKey(it))
			out = append(out, t)
			lastSK = append(lastSK, getS(it, attrSK))
		}
		examined += int(res.ScannedCount)
		if len(out) > page.Limit || len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
		if examined >= historyPageBudget {
			resume = getS(res.LastEvaluatedKey, attrSK)
			break
		}
	}
	next := ""
	switch {
	case len(out) > page.Limit:
		out = out[:page.Limit]
		next = encodeHistCursor(lastSK[page.Limit-1])
	case resume != "":
		next = encodeHistCursor(resume)
	}
	return out, next, nil
}

// A filtered history query reads historyFilteredRead lines at a time (about
// 0.35 MB of lines, 44 read units eventually consistent, under the 1 MB a
// query returns) and a page examines at most historyPageBudget lines (about
// 220 read units, a few hundred milliseconds) before it answers with what it
// found and a cursor.
const (
	historyFilteredRead = 500
	historyPageBudget   = 2500
)

// withRecordKey gives a history line the record's key shape for decoding.
func withRecordKey(it item) item {
	pk := strings.TrimPrefix(getS(it, attrPK), histPrefix)
	tenant := pk[:strings.LastIndexByte(pk, '#')]
	c := make(item, len(it))
	for k, v := range it {
		c[k] = v
	}
	c[attrPK] = s(tenantPrefix + tenant)
	c[attrSK] = s(txnPrefix)
	return c
}

func encodeHistCursor(sk string) string { return EncodeCursor(sk) }

func decodeHistCursor(c string) (string, error) {
	b, err := decodeRawCursor(c)
	if err != nil || len(b) < 18 || b[16] != '#' {
		return "", sg.ErrInvalidCursor
	}
	for _, ch := range b[:16] {
		if ch < '0' || ch > '9' {
			return "", sg.ErrInvalidCursor
		}
	}
	if !sg.ValidID("txn", b[17:]) {
		return "", sg.ErrInvalidCursor
	}
	return b, nil
}
