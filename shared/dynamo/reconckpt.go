package dynamo

// ---- reconckpt: reconciliation's checkpoint between invocations (issue 18) ----

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A tenant's checkpoint is one head item, PK RCKPT#<tenant>, SK HEAD (the
// run's counters, the last run's record, a small progress inline), and,
// for a progress larger than ckptInline, pieces of at most ckptPiece bytes,
// each an item of its own partition, PK RCKPT#<tenant>#<gen>#<i>, SK PIECE
// (DynamoDB's items hold at most 400 KB; a partition takes about 1,000
// write units a second, so pieces spread over partitions are written side
// by side). A save writes the new generation's pieces first, then the
// head naming them (conditional on the generation it read: two runs at
// once cannot both win), then deletes the pieces of the generation before.
// A save cut short leaves the previous head and its pieces, still whole;
// pieces it wrote and never named are overwritten by the next save of that
// generation or expire (expires_at, the table's TTL attribute).
const (
	ckptInline   = 64 << 10
	ckptPiece    = 350_000
	ckptPieceTTL = 14 * 24 * time.Hour
	// ckptWriters is how many pieces are written (or read) side by side.
	ckptWriters = 4
	// ckptReadBatch keeps a BatchGetItem of pieces under its 16 MB answer.
	ckptReadBatch = 40
)

var _ sg.ReconCheckpoints = (*Ledger)(nil)

// ckptPrefix opens the checkpoint's partition keys (not audited: see
// AuditChange).
const ckptPrefix = "RCKPT#"

func ckptHeadKey(tenant string) map[string]types.AttributeValue {
	return key(ckptPrefix+tenant, "HEAD")
}

func ckptPieceKey(tenant string, gen int64, i int) map[string]types.AttributeValue {
	return key(fmt.Sprintf("%s%s#%d#%d", ckptPrefix, tenant, gen, i), "PIECE")
}

// ReconCheckpoint reads the tenant's checkpoint; sg.ErrNotFound when it has
// none. A progress whose pieces are missing or do not match the head
// comes back nil, with Lost saying why.
func (st *Ledger) ReconCheckpoint(ctx context.Context, tenant string) (sg.ReconCheckpoint, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: ckptHeadKey(tenant), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.ReconCheckpoint{}, classify("dynamo.ReconCheckpoint", err)
	}
	if out.Item == nil {
		return sg.ReconCheckpoint{}, sg.ErrNotFound
	}
	it := out.Item
	c := sg.ReconCheckpoint{Version: getS(it, "ver"), Steps: int(getN(it, "steps")), Stalled: int(getN(it, "stalled")),
		Last: getB(it, "last"), Gen: getN(it, "gen"), Saved: time.UnixMicro(getN(it, "saved")).UTC()}
	if v := getN(it, "started"); v != 0 {
		c.Started = time.UnixMicro(v).UTC()
	}
	if _, ok := it["size"]; !ok {
		return c, nil // no run in progress
	}
	size, pieces, sum := getN(it, "size"), int(getN(it, "pieces")), getB(it, "sum")
	prog := getB(it, "prog")
	if pieces > 0 {
		keys := make([]map[string]types.AttributeValue, pieces)
		for i := range keys {
			keys[i] = ckptPieceKey(tenant, c.Gen, i)
		}
		got := map[string][]byte{}
		for len(keys) > 0 {
			batch := keys[:min(len(keys), ckptReadBatch)]
			keys = keys[len(batch):]
			items, err := st.batchGet(ctx, batch)
			if err != nil {
				return sg.ReconCheckpoint{}, err
			}
			for _, it := range items {
				got[getS(it, attrPK)] = getB(it, "d")
			}
		}
		prog = make([]byte, 0, size)
		for i := range pieces {
			d, ok := got[getS(ckptPieceKey(tenant, c.Gen, i), attrPK)]
			if !ok {
				c.Lost = fmt.Sprintf("piece %d of %d missing", i+1, pieces)
				return c, nil
			}
			prog = append(prog, d...)
		}
	}
	if h := sha256.Sum256(prog); int64(len(prog)) != size || !bytes.Equal(h[:], sum) {
		c.Lost = "pieces do not match their head"
		return c, nil
	}
	c.Progress = prog
	return c, nil
}

// SaveReconCheckpoint replaces the tenant's checkpoint with c (see above):
// the new pieces, then the head if it is still at c.Gen (else
// sg.ErrCheckpointMoved), then the old pieces go.
func (st *Ledger) SaveReconCheckpoint(ctx context.Context, tenant string, c sg.ReconCheckpoint) error {
	if len(c.Last) > sg.ReconLastMax {
		return sg.Internal("dynamo.SaveReconCheckpoint", fmt.Errorf("last run's record of %d bytes", len(c.Last)))
	}
	prev, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: ckptHeadKey(tenant), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("gen, pieces")})
	if err != nil {
		return classify("dynamo.SaveReconCheckpoint", err)
	}
	if getN(prev.Item, "gen") != c.Gen {
		return sg.ErrCheckpointMoved
	}
	gen := c.Gen + 1
	head := item{"ver": s(c.Version), "gen": n(gen), "steps": n(int64(c.Steps)), "stalled": n(int64(c.Stalled)),
		"saved": n(c.Saved.UnixMicro()), "type": s("recon_checkpoint")}
	for k, v := range ckptHeadKey(tenant) {
		head[k] = v
	}
	if !c.Started.IsZero() {
		head["started"] = n(c.Started.UnixMicro())
	}
	if len(c.Last) > 0 {
		head["last"] = &types.AttributeValueMemberB{Value: c.Last}
	}
	pieces := 0
	if c.Progress != nil {
		h := sha256.Sum256(c.Progress)
		head["size"], head["sum"] = n(int64(len(c.Progress))), &types.AttributeValueMemberB{Value: h[:]}
		if len(c.Progress) <= ckptInline {
			head["prog"] = &types.AttributeValueMemberB{Value: c.Progress}
		} else {
			pieces = (len(c.Progress) + ckptPiece - 1) / ckptPiece
			head["pieces"] = n(int64(pieces))
			expires := n(st.Now().Add(ckptPieceTTL).Unix())
			if err := st.eachPiece(ctx, pieces, func(i int) error {
				p := item{"d": &types.AttributeValueMemberB{Value: c.Progress[i*ckptPiece : min(len(c.Progress), (i+1)*ckptPiece)]}, "expires_at": expires}
				for k, v := range ckptPieceKey(tenant, gen, i) {
					p[k] = v
				}
				_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: p})
				return classifyOrNil("dynamo.SaveReconCheckpoint", err)
			}); err != nil {
				return err
			}
		}
	}
	in := &dynamodb.PutItemInput{TableName: &st.table, Item: head}
	if c.Gen == 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		in.ConditionExpression = aws.String("gen = :g")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":g": n(c.Gen)}
	}
	if _, err := st.db.PutItem(ctx, in); err != nil {
		var ccf *types.ConditionalCheckFailedException
		if asErr(err, &ccf) {
			_ = st.deletePieces(ctx, tenant, gen, pieces) // ours, named by no head
			return sg.ErrCheckpointMoved
		}
		return classify("dynamo.SaveReconCheckpoint", err)
	}
	// The previous generation's pieces are named by no head now; one left
	// by a failure here expires.
	return st.deletePieces(ctx, tenant, c.Gen, int(getN(prev.Item, "pieces")))
}

func (st *Ledger) deletePieces(ctx context.Context, tenant string, gen int64, pieces int) error {
	return st.eachPiece(ctx, pieces, func(i int) error {
		_, err := st.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &st.table, Key: ckptPieceKey(tenant, gen, i)})
		return classifyOrNil("dynamo.SaveReconCheckpoint", err)
	})
}

// eachPiece runs f for pieces 0..n-1, ckptWriters at a time, and returns
// the first error.
func (st *Ledger) eachPiece(ctx context.Context, n int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  int
	)
	for range min(n, ckptWriters) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil || i >= n
				mu.Unlock()
				if stop {
					return
				}
				err := f(i)
				if err == nil {
					err = ctx.Err()
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}
