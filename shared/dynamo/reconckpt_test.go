package dynamo

// ---- reconckpt: a checkpoint's save cut short ----

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// pieceDB is a table in memory with just what the checkpoint's adapter
// calls (GetItem, PutItem with its two conditions, DeleteItem,
// BatchGetItem), and a fault to inject into PutItem: the DynamoDB Local
// contract case shows the adapter right on the real thing; this shows
// where a save cut short leaves it, which needs a fault the emulator
// cannot make.
type pieceDB struct {
	DB
	mu    sync.Mutex
	items map[string]item
	fail  func(it item) bool // PutItem of it fails
}

var errInjected = errors.New("injected fault")

func pkSK(k map[string]types.AttributeValue) string {
	return getS(k, attrPK) + "\x00" + getS(k, attrSK)
}

func (d *pieceDB) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return &dynamodb.GetItemOutput{Item: d.items[pkSK(in.Key)]}, nil
}

func (d *pieceDB) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail != nil && d.fail(in.Item) {
		return nil, errInjected
	}
	k := pkSK(in.Item)
	cur, exists := d.items[k]
	if in.ConditionExpression != nil {
		ok := false
		switch *in.ConditionExpression {
		case "attribute_not_exists(PK)":
			ok = !exists
		case "gen = :g":
			ok = exists && getN(cur, "gen") == getN(in.ExpressionAttributeValues, ":g")
		}
		if !ok {
			return nil, &types.ConditionalCheckFailedException{}
		}
	}
	d.items[k] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func (d *pieceDB) DeleteItem(_ context.Context, in *dynamodb.DeleteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.items, pkSK(in.Key))
	return &dynamodb.DeleteItemOutput{}, nil
}

func (d *pieceDB) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
	for table, ka := range in.RequestItems {
		for _, k := range ka.Keys {
			if it, ok := d.items[pkSK(k)]; ok {
				out.Responses[table] = append(out.Responses[table], it)
			}
		}
	}
	return out, nil
}

// pieces lists the generations of the tenant's pieces in the table, with
// whether each piece expires.
func (d *pieceDB) pieces(tenant string) (gens map[string]int, allExpire bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	gens, allExpire = map[string]int{}, true
	for k, it := range d.items {
		pk, _, _ := strings.Cut(k, "\x00")
		if rest, ok := strings.CutPrefix(pk, "RCKPT#"+tenant+"#"); ok {
			gen, _, _ := strings.Cut(rest, "#")
			gens[gen]++
			allExpire = allExpire && getN(it, "expires_at") > 0
		}
	}
	return gens, allExpire
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// A save cut short at any point leaves a checkpoint that reads back
// whole: the one before it until the new head is written, the new one
// after. Pieces no head names expire; the pieces of the generation a head
// replaced are deleted; a head whose pieces are not all there reads as
// lost, never as a shorter progress.
func TestReconCheckpointSaveCutShort(t *testing.T) {
	ctx := context.Background()
	db := &pieceDB{items: map[string]item{}}
	st := &Ledger{&Table{db: db, table: "t", Now: time.Now}}
	const ten = "ten_a"
	read := func() sg.ReconCheckpoint {
		t.Helper()
		c, err := st.ReconCheckpoint(ctx, ten)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := randomBytes(t, 3*ckptPiece+10) // 4 pieces
	if err := st.SaveReconCheckpoint(ctx, ten, sg.ReconCheckpoint{Version: "v", Steps: 1, Progress: first}); err != nil {
		t.Fatal(err)
	}
	c := read()
	if !bytes.Equal(c.Progress, first) || c.Gen != 1 {
		t.Fatalf("first save read back: gen %d, %d bytes, equal %v", c.Gen, len(c.Progress), bytes.Equal(c.Progress, first))
	}
	second := randomBytes(t, 2*ckptPiece+5) // 3 pieces
	next := c
	next.Progress, next.Steps = second, 2

	// Cut short after some of the new pieces: the first stands.
	db.fail = func(it item) bool { return strings.HasSuffix(getS(it, attrPK), "#2#1") }
	if err := st.SaveReconCheckpoint(ctx, ten, next); !errors.Is(err, errInjected) {
		t.Fatalf("save with a piece failing: %v", err)
	}
	if c := read(); !bytes.Equal(c.Progress, first) || c.Steps != 1 || c.Lost != "" {
		t.Fatalf("after a save cut short in its pieces: steps %d, equal to the first %v, lost %q", c.Steps, bytes.Equal(c.Progress, first), c.Lost)
	}
	// Cut short at the head: the first stands; the new pieces, named by
	// no head, expire.
	db.fail = func(it item) bool { return getS(it, attrSK) == "HEAD" }
	if err := st.SaveReconCheckpoint(ctx, ten, next); !errors.Is(err, errInjected) {
		t.Fatalf("save with the head failing: %v", err)
	}
	if c := read(); !bytes.Equal(c.Progress, first) || c.Steps != 1 {
		t.Fatalf("after a save cut short at its head: steps %d, equal to the first %v", c.Steps, bytes.Equal(c.Progress, first))
	}
	if gens, expire := db.pieces(ten); gens["2"] != 3 || !expire {
		t.Fatalf("pieces %v, all expire %v; want generation 2's 3 pieces left to expire", gens, expire)
	}
	// Whole: the second reads back, the first's pieces are gone.
	db.fail = nil
	if err := st.SaveReconCheckpoint(ctx, ten, next); err != nil {
		t.Fatal(err)
	}
	c = read()
	if !bytes.Equal(c.Progress, second) || c.Steps != 2 || c.Gen != 2 {
		t.Fatalf("second save read back: gen %d, steps %d, equal %v", c.Gen, c.Steps, bytes.Equal(c.Progress, second))
	}
	if gens, _ := db.pieces(ten); len(gens) != 1 || gens["2"] != 3 {
		t.Fatalf("pieces %v; want generation 2's 3 only", gens)
	}
	// A save from the generation before is refused and leaves nothing.
	if err := st.SaveReconCheckpoint(ctx, ten, next); !errors.Is(err, sg.ErrCheckpointMoved) {
		t.Fatalf("save from generation 1 over 2: %v", err)
	}
	if gens, _ := db.pieces(ten); len(gens) != 1 {
		t.Fatalf("pieces %v after a refused save", gens)
	}
	// A piece gone: lost, not a shorter progress.
	_, _ = db.DeleteItem(ctx, &dynamodb.DeleteItemInput{Key: ckptPieceKey(ten, 2, 1)})
	if c := read(); c.Progress != nil || !strings.Contains(c.Lost, "piece 2 of 3 missing") || c.Steps != 2 {
		t.Fatalf("with a piece gone: %d bytes, lost %q", len(c.Progress), c.Lost)
	}
}

// A checkpoint's items are rewritten every invocation and record no
// decision: the audit chain skips them, as it does watcher cursors, and
// still chains the transfers reconciliation reads.
func TestReconCheckpointNotChained(t *testing.T) {
	for _, k := range []map[string]types.AttributeValue{ckptHeadKey("ten_a"), ckptPieceKey("ten_a", 3, 0)} {
		if _, ok := AuditChange("MODIFY", k, item{"d": s("x")}, false); ok {
			t.Fatalf("checkpoint item %s chained", getS(k, attrPK))
		}
	}
	if _, ok := AuditChange("MODIFY", key(tenantPK("ten_a"), txnPrefix+"ABC"), item{"st": s("posted")}, false); !ok {
		t.Fatal("a transfer's change not chained")
	}
}
