package dynamo

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sanctions keeps the platform's sanctions list by version and each
// tenant's blocklist (sg.ScreeningStore). Items:
//
//	entry       PK SANCTION#<chain>#<address key>   SK V#<version>
//	version     PK SANCTIONS#ofac                   SK V#<version>    (source, count, loaded_at)
//	pointer     PK SANCTIONS#ofac                   SK CURRENT        (the version in use, as the version item)
//	block       PK TENANT#<tenant>                  SK BLOCK#<chain>#<address key>  (reason, added_by, added_at)
//
// A version's entries are written first (BatchWriteItem, 25 a call), then
// the pointer flips to it in one transaction with its version item, so a
// half-written version is never used. A check is one GetItem of the entry
// under the version in use; the pointer is read at most once per
// PointerTTL per store (so a new version is in force everywhere within
// PointerTTL of its publication, at once in the store that published it).
// Entries of earlier versions stay: a decision's version can be checked
// again later. Nothing here expires.
type Sanctions struct {
	*Table

	mu      sync.Mutex
	cur     sg.SanctionsList
	curOK   bool
	curRead time.Time
}

// PointerTTL is how long a store trusts the current-version pointer it
// read.
const PointerTTL = 30 * time.Second

const (
	sanctionPrefix  = "SANCTION#"
	sanctionsPK     = "SANCTIONS#" + sg.SanctionsOFAC
	sanctionsCur    = "CURRENT"
	sanctionVersion = "V#"
	blockPrefix     = "BLOCK#"
)

func sanctionKey(c sg.Chain, addr string) string {
	return sanctionPrefix + string(c) + "#" + sg.ScreenKey(c, addr)
}

func blockSK(c sg.Chain, addr string) string {
	return blockPrefix + string(c) + "#" + sg.ScreenKey(c, addr)
}

// batchWriter is the part of the client that writes many items at once
// (*dynamodb.Client has it; a DB without it writes by transactions).
type batchWriter interface {
	BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

// PutSanctionEntries writes the entries under version.
func (st *Sanctions) PutSanctionEntries(ctx context.Context, version string, entries []sg.SanctionEntry) error {
	if version == "" || strings.Contains(version, "#") {
		return sg.Internal("dynamo.PutSanctionEntries", errors.New("a version is needed, without #"))
	}
	puts := make([]item, 0, len(entries))
	for _, e := range entries {
		puts = append(puts, item{attrPK: s(sanctionKey(e.Chain, e.Address)), attrSK: s(sanctionVersion + version),
			"chain": s(string(e.Chain)), "address": s(sg.ScreenKey(e.Chain, e.Address)), "version": s(version)})
	}
	bw, ok := st.db.(batchWriter)
	for len(puts) > 0 {
		size := 25
		if !ok {
			size = 100
		}
		chunk := puts[:min(size, len(puts))]
		puts = puts[len(chunk):]
		var err error
		if ok {
			err = st.batchPut(ctx, bw, chunk)
		} else {
			err = st.transactPut(ctx, chunk)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// batchPut writes up to 25 items, writing again what comes back
// unprocessed (with a growing pause; a table that keeps refusing is
// reported as unavailable).
func (st *Sanctions) batchPut(ctx context.Context, bw batchWriter, items []item) error {
	reqs := make([]types.WriteRequest, 0, len(items))
	for _, it := range items {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
	}
	for try := 0; len(reqs) > 0; try++ {
		if try == 8 {
			return sg.ErrUnavailable.Because("dynamo.PutSanctionEntries", errors.New("writes kept coming back unprocessed"))
		}
		if try > 0 {
			select {
			case <-ctx.Done():
				return classify("dynamo.PutSanctionEntries", ctx.Err())
			case <-time.After(time.Duration(50<<try) * time.Millisecond):
			}
		}
		out, err := bw.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{st.table: reqs}})
		if err != nil {
			return classify("dynamo.PutSanctionEntries", err)
		}
		reqs = out.UnprocessedItems[st.table]
	}
	return nil
}

func (st *Sanctions) transactPut(ctx context.Context, items []item) error {
	tx := make([]types.TransactWriteItem, 0, len(items))
	for _, it := range items {
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, Item: it}})
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	return classifyOrNil("dynamo.PutSanctionEntries", err)
}

func listItem(sk string, l sg.SanctionsList) item {
	counts := map[string]string{}
	for c, k := range l.Counts {
		counts[string(c)] = strconv.Itoa(k)
	}
	return item{attrPK: s(sanctionsPK), attrSK: s(sk), "source": s(l.Source), "version": s(l.Version),
		"count": n(int64(l.Count)), "counts": strMap(counts), "loaded_at": n(l.LoadedAt.UnixMicro())}
}

func listCounts(it item) map[sg.Chain]int {
	m := getStrMap(it, "counts")
	if len(m) == 0 {
		return nil
	}
	out := map[sg.Chain]int{}
	for c, v := range m {
		if k, err := strconv.Atoi(v); err == nil {
			out[sg.Chain(c)] = k
		}
	}
	return out
}

// PublishSanctions writes l's version item and flips the pointer to it,
// in one transaction.
func (st *Sanctions) PublishSanctions(ctx context.Context, l sg.SanctionsList) error {
	l.LoadedAt = l.LoadedAt.UTC().Truncate(time.Microsecond)
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &st.table, Item: listItem(sanctionVersion+l.Version, l)}},
		{Put: &types.Put{TableName: &st.table, Item: listItem(sanctionsCur, l)}},
	}})
	if err != nil {
		return classify("dynamo.PublishSanctions", err)
	}
	st.mu.Lock()
	st.cur, st.curOK, st.curRead = l, true, st.Now()
	st.mu.Unlock()
	return nil
}

// CurrentSanctions reads the pointer (strongly consistent).
func (st *Sanctions) CurrentSanctions(ctx context.Context) (sg.SanctionsList, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(sanctionsPK, sanctionsCur), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.SanctionsList{}, false, classify("dynamo.CurrentSanctions", err)
	}
	if out.Item == nil {
		return sg.SanctionsList{}, false, nil
	}
	l := sg.SanctionsList{Source: getS(out.Item, "source"), Version: getS(out.Item, "version"), Count: int(getN(out.Item, "count")),
		Counts: listCounts(out.Item), LoadedAt: time.UnixMicro(getN(out.Item, "loaded_at")).UTC()}
	st.mu.Lock()
	st.cur, st.curOK, st.curRead = l, true, st.Now()
	st.mu.Unlock()
	return l, true, nil
}

// current is the version in use, read again when older than PointerTTL.
func (st *Sanctions) current(ctx context.Context) (string, error) {
	st.mu.Lock()
	v, fresh := st.cur.Version, st.curOK && st.Now().Sub(st.curRead) < PointerTTL
	st.mu.Unlock()
	if fresh {
		return v, nil
	}
	l, _, err := st.CurrentSanctions(ctx)
	return l.Version, err
}

// Listed reads the address's entry under the version in use.
func (st *Sanctions) Listed(ctx context.Context, c sg.Chain, addr string) (bool, string, error) {
	v, err := st.current(ctx)
	if err != nil || v == "" {
		return false, "", err
	}
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(sanctionKey(c, addr), sanctionVersion+v), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("PK")})
	if err != nil {
		return false, "", classify("dynamo.Listed", err)
	}
	return out.Item != nil, v, nil
}

// AddBlock puts the entry unless the address is already blocked.
func (st *Sanctions) AddBlock(ctx context.Context, e sg.BlockEntry) (bool, error) {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
		Item: item{attrPK: s(tenantPK(e.Tenant)), attrSK: s(blockSK(e.Chain, e.Address)), "chain": s(string(e.Chain)),
			"address": s(sg.ScreenKey(e.Chain, e.Address)), "reason": s(e.Reason), "added_by": s(e.AddedBy), "added_at": n(e.AddedAt.UnixMicro()),
			"actor": s(e.AddedBy)}}) // actor: who blocked it, for the audit chain
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return false, nil
	}
	return err == nil, classifyOrNil("dynamo.AddBlock", err)
}

// RemoveBlock deletes the entry; not_found when there is none.
func (st *Sanctions) RemoveBlock(ctx context.Context, tenant string, c sg.Chain, addr string) error {
	_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: key(tenantPK(tenant), blockSK(c, addr)),
		ConditionExpression: aws.String("attribute_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if asErr(err, &ccf) {
		return sg.ErrNotFound
	}
	return classifyOrNil("dynamo.RemoveBlock", err)
}

// Blocks queries the tenant's entries, in key order (chain, address).
func (st *Sanctions) Blocks(ctx context.Context, tenant string) ([]sg.BlockEntry, error) {
	out := []sg.BlockEntry{}
	var start map[string]types.AttributeValue
	for {
		page, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
			KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :b)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":b": s(blockPrefix)}})
		if err != nil {
			return nil, classify("dynamo.Blocks", err)
		}
		for _, it := range page.Items {
			out = append(out, sg.BlockEntry{Tenant: tenant, Chain: sg.Chain(getS(it, "chain")), Address: getS(it, "address"),
				Reason: getS(it, "reason"), AddedBy: getS(it, "added_by"), AddedAt: time.UnixMicro(getN(it, "added_at")).UTC()})
		}
		if start = page.LastEvaluatedKey; len(start) == 0 {
			return out, nil
		}
	}
}

// Blocked reads the tenant's entry for the address.
func (st *Sanctions) Blocked(ctx context.Context, tenant string, c sg.Chain, addr string) (bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), blockSK(c, addr)), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("PK")})
	if err != nil {
		return false, classify("dynamo.Blocked", err)
	}
	return out.Item != nil, nil
}
