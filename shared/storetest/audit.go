package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Audit holds an audit store (sg.AuditStore) to its contract: one named
// subtest per rule, each on a store open returns. The same names pass on
// the in-memory twin and on DynamoDB Local.
func Audit(t *testing.T, open func(t *testing.T) sg.AuditStore) {
	for _, c := range auditCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type auditCase struct {
	name string
	run  func(t *testing.T, st sg.AuditStore)
}

// auditNext is the record that follows h in scope.
func auditNext(scope string, h sg.AuditHead, action string) sg.AuditRecord {
	r := sg.AuditRecord{Scope: scope, Seq: h.Seq + 1, At: now(), Actor: "user:u1", Action: action, Subject: "wal_x",
		Detail: json.RawMessage(`{"n":` + fmt.Sprint(h.Seq+1) + `}`), PrevHash: h.Hash}
	r.Hash = sg.AuditHash(r)
	return r
}

func auditAppend(t *testing.T, st sg.AuditStore, scope string, n int) []sg.AuditRecord {
	t.Helper()
	var out []sg.AuditRecord
	for i := 0; i < n; i++ {
		h, err := st.AuditHead(ctx, scope)
		must(t, "AuditHead", err)
		r := auditNext(scope, h, "test.appended")
		must(t, "AppendAudit", st.AppendAudit(ctx, r, ""))
		out = append(out, r)
	}
	return out
}

func sameRecord(a, b sg.AuditRecord) bool {
	return a.Scope == b.Scope && a.Seq == b.Seq && a.At.Equal(b.At) && a.Actor == b.Actor && a.Action == b.Action &&
		a.Subject == b.Subject && string(a.Detail) == string(b.Detail) && a.PrevHash == b.PrevHash && a.Hash == b.Hash
}

var auditCases = []auditCase{
	{"AuditHead/an empty scope's head is seq 0 at the genesis hash", func(t *testing.T, st sg.AuditStore) {
		h, err := st.AuditHead(ctx, tenant())
		must(t, "AuditHead", err)
		if h.Seq != 0 || h.Hash != sg.AuditGenesis {
			t.Fatalf("head %+v", h)
		}
	}},
	{"AppendAudit/records read back as written, the head follows, other scopes untouched", func(t *testing.T, st sg.AuditStore) {
		sc, other := tenant(), tenant()
		rs := auditAppend(t, st, sc, 3)
		auditAppend(t, st, other, 1)
		h, err := st.AuditHead(ctx, sc)
		must(t, "AuditHead", err)
		if h.Seq != 3 || h.Hash != rs[2].Hash {
			t.Fatalf("head %+v, want 3 %s", h, rs[2].Hash)
		}
		for _, r := range rs {
			got, err := st.AuditRecordAt(ctx, sc, r.Seq)
			must(t, "AuditRecordAt", err)
			if !sameRecord(got, r) {
				t.Fatalf("read back %+v; wrote %+v", got, r)
			}
			if sg.AuditHash(got) != got.Hash {
				t.Fatalf("record %d read back does not hash to its hash", r.Seq)
			}
		}
		_, err = st.AuditRecordAt(ctx, sc, 4)
		wantErr(t, "a seq past the head", err, sg.ErrNotFound)
		_, err = st.AuditRecordAt(ctx, tenant(), 1)
		wantErr(t, "another scope's record", err, sg.ErrNotFound)
	}},
	{"AppendAudit/refuses a record that does not follow the head, writing nothing", func(t *testing.T, st sg.AuditStore) {
		sc := tenant()
		rs := auditAppend(t, st, sc, 2)
		stale := auditNext(sc, sg.AuditHead{Seq: 1, Hash: rs[0].Hash}, "test.stale")
		wantErr(t, "a record at a taken seq", st.AppendAudit(ctx, stale, ""), sg.ErrAuditHeadMoved)
		wrongPrev := auditNext(sc, sg.AuditHead{Seq: 2, Hash: rs[0].Hash}, "test.fork")
		wantErr(t, "a record after another prev hash", st.AppendAudit(ctx, wrongPrev, ""), sg.ErrAuditHeadMoved)
		ahead := auditNext(sc, sg.AuditHead{Seq: 3, Hash: rs[1].Hash}, "test.gap")
		wantErr(t, "a record past the next seq", st.AppendAudit(ctx, ahead, ""), sg.ErrAuditHeadMoved)
		first := auditNext(tenant(), sg.AuditHead{Seq: 1, Hash: sg.AuditGenesis}, "test.first")
		wantErr(t, "a first record at seq 2", st.AppendAudit(ctx, first, ""), sg.ErrAuditHeadMoved)
		h, err := st.AuditHead(ctx, sc)
		must(t, "AuditHead", err)
		if h.Seq != 2 || h.Hash != rs[1].Hash {
			t.Fatalf("head moved to %+v", h)
		}
		got, err := st.AuditRecordAt(ctx, sc, 2)
		must(t, "AuditRecordAt", err)
		if !sameRecord(got, rs[1]) {
			t.Fatalf("record 2 overwritten: %+v", got)
		}
	}},
	{"AppendAudit/a key is claimed with its record once; a second use writes nothing", func(t *testing.T, st sg.AuditStore) {
		sc := tenant()
		h, _ := st.AuditHead(ctx, sc)
		r := auditNext(sc, h, "test.keyed")
		must(t, "AppendAudit", st.AppendAudit(ctx, r, "evt_1"))
		seq, err := st.AuditKeySeq(ctx, sc, "evt_1")
		must(t, "AuditKeySeq", err)
		if seq != 1 {
			t.Fatalf("key maps to %d", seq)
		}
		again := auditNext(sc, sg.AuditHead{Seq: 1, Hash: r.Hash}, "test.keyed")
		wantErr(t, "the key again", st.AppendAudit(ctx, again, "evt_1"), sg.ErrAuditKeyUsed)
		if h, _ := st.AuditHead(ctx, sc); h.Seq != 1 {
			t.Fatalf("head moved to %d on a used key", h.Seq)
		}
		_, err = st.AuditKeySeq(ctx, tenant(), "evt_1")
		wantErr(t, "the key in another scope", err, sg.ErrNotFound)
		stale := auditNext(sc, sg.AuditHead{Hash: sg.AuditGenesis}, "test.keyed")
		wantErr(t, "a stale record with a new key", st.AppendAudit(ctx, stale, "evt_2"), sg.ErrAuditHeadMoved)
		_, err = st.AuditKeySeq(ctx, sc, "evt_2")
		wantErr(t, "the key of a refused append", err, sg.ErrNotFound)
	}},
	{"AuditRange/pages in seq order from any seq", func(t *testing.T, st sg.AuditStore) {
		sc := tenant()
		rs := auditAppend(t, st, sc, 7)
		var got []sg.AuditRecord
		for from := int64(1); ; {
			page, err := st.AuditRange(ctx, sc, from, 3)
			must(t, "AuditRange", err)
			got = append(got, page...)
			if len(page) < 3 {
				break
			}
			from = page[len(page)-1].Seq + 1
		}
		if len(got) != len(rs) {
			t.Fatalf("paged %d records, want %d", len(got), len(rs))
		}
		for i := range rs {
			if !sameRecord(got[i], rs[i]) {
				t.Fatalf("record %d: %+v, want %+v", i+1, got[i], rs[i])
			}
		}
		page, err := st.AuditRange(ctx, sc, 6, 10)
		must(t, "AuditRange", err)
		if len(page) != 2 || page[0].Seq != 6 || page[1].Seq != 7 {
			t.Fatalf("from 6: %d records", len(page))
		}
		page, err = st.AuditRange(ctx, sc, 8, 10)
		must(t, "AuditRange", err)
		if len(page) != 0 {
			t.Fatalf("past the head: %d records", len(page))
		}
	}},
	{"AuditAnchors/kept once per seq, listed in seq order, per scope", func(t *testing.T, st sg.AuditStore) {
		sc := tenant()
		at := now()
		for _, a := range []sg.AuditAnchor{
			{Scope: sc, Seq: 20, Hash: "h20", At: at, Where: "log"},
			{Scope: sc, Seq: 3, Hash: "h3", At: at, Where: "chain:ethereum:0xabc"},
			{Scope: sc, Seq: 20, Hash: "other", At: at.Add(time.Second), Where: "log"},
		} {
			must(t, "PutAuditAnchor", st.PutAuditAnchor(ctx, a))
		}
		got, err := st.AuditAnchors(ctx, sc)
		must(t, "AuditAnchors", err)
		if len(got) != 2 || got[0].Seq != 3 || got[1].Seq != 20 || got[1].Hash != "h20" || got[0].Where != "chain:ethereum:0xabc" || !got[0].At.Equal(at) {
			t.Fatalf("anchors %+v", got)
		}
		other, err := st.AuditAnchors(ctx, tenant())
		must(t, "AuditAnchors", err)
		if len(other) != 0 {
			t.Fatalf("another scope has %d anchors", len(other))
		}
	}},
	{"AppendAudit/concurrent appenders at one head: exactly one wins, the chain never forks", func(t *testing.T, st sg.AuditStore) {
		sc := tenant()
		rs := auditAppend(t, st, sc, 1)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r := auditNext(sc, sg.AuditHead{Seq: 1, Hash: rs[0].Hash}, fmt.Sprintf("test.racer%d", i))
				errs[i] = st.AppendAudit(ctx, r, "")
			}(i)
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, sg.ErrAuditHeadMoved):
				t.Fatalf("a loser got %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d appenders won", won)
		}
		h, _ := st.AuditHead(ctx, sc)
		r2, err := st.AuditRecordAt(ctx, sc, 2)
		must(t, "AuditRecordAt", err)
		if h.Seq != 2 || h.Hash != r2.Hash || r2.PrevHash != rs[0].Hash {
			t.Fatalf("head %+v, record 2 %+v", h, r2)
		}
	}},
	{"AuditScopes/every scope with a record is listed once, in order, paged; a key-used append lists nothing new", func(t *testing.T, st sg.AuditStore) {
		l, ok := st.(interface {
			AuditScopes(ctx context.Context, after string, limit int) ([]string, error)
		})
		if !ok {
			t.Fatalf("%T does not list its scopes", st)
		}
		a, b, empty := tenant(), tenant(), tenant()
		rs := auditAppend(t, st, a, 2)
		auditAppend(t, st, b, 1)
		if _, err := st.AuditHead(ctx, empty); err != nil {
			t.Fatal(err)
		}
		r := auditNext(a, sg.AuditHead{Seq: 2, Hash: rs[1].Hash}, "test.keyed")
		must(t, "AppendAudit", st.AppendAudit(ctx, r, "k1"))
		r2 := auditNext(a, sg.AuditHead{Seq: 3, Hash: r.Hash}, "test.keyed")
		if err := st.AppendAudit(ctx, r2, "k1"); !errors.Is(err, sg.ErrAuditKeyUsed) {
			t.Fatalf("a used key: %v", err)
		}
		seen := map[string]int{}
		after, prev := "", ""
		for {
			page, err := l.AuditScopes(ctx, after, 2)
			must(t, "AuditScopes", err)
			for _, s := range page {
				if s <= prev {
					t.Fatalf("scope %q listed after %q", s, prev)
				}
				prev = s
				seen[s]++
			}
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1]
		}
		if seen[a] != 1 || seen[b] != 1 || seen[empty] != 0 {
			t.Fatalf("listed %d, %d and (no record) %d times", seen[a], seen[b], seen[empty])
		}
	}},
	{"AppendAuditBatch/consecutive records with their keys in one write, all or none", func(t *testing.T, st sg.AuditStore) {
		b, ok := st.(interface {
			AppendAuditBatch(ctx context.Context, rs []sg.AuditRecord, keys []string) error
		})
		if !ok {
			t.Fatalf("%T does not append batches", st)
		}
		sc := tenant()
		batch := func(h sg.AuditHead, n int) []sg.AuditRecord {
			var rs []sg.AuditRecord
			for i := 0; i < n; i++ {
				r := auditNext(sc, h, "test.batched")
				rs = append(rs, r)
				h = sg.AuditHead{Seq: r.Seq, Hash: r.Hash}
			}
			return rs
		}
		first := batch(sg.AuditHead{Hash: sg.AuditGenesis}, 3)
		must(t, "AppendAuditBatch", b.AppendAuditBatch(ctx, first, []string{"k1", "", "k3"}))
		h, err := st.AuditHead(ctx, sc)
		must(t, "AuditHead", err)
		if h.Seq != 3 || h.Hash != first[2].Hash {
			t.Fatalf("head %+v", h)
		}
		if seq, err := st.AuditKeySeq(ctx, sc, "k3"); err != nil || seq != 3 {
			t.Fatalf("key k3 at %d, %v", seq, err)
		}
		// A batch over a stale head, or with a used key, writes nothing.
		if err := b.AppendAuditBatch(ctx, batch(sg.AuditHead{Seq: 2, Hash: first[1].Hash}, 2), []string{"", ""}); !errors.Is(err, sg.ErrAuditHeadMoved) {
			t.Fatalf("a stale head: %v", err)
		}
		next := batch(h, 2)
		if err := b.AppendAuditBatch(ctx, next, []string{"k4", "k1"}); !errors.Is(err, sg.ErrAuditKeyUsed) {
			t.Fatalf("a used key: %v", err)
		}
		if h2, _ := st.AuditHead(ctx, sc); h2 != h {
			t.Fatalf("a refused batch moved the head to %+v", h2)
		}
		if _, err := st.AuditKeySeq(ctx, sc, "k4"); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("a refused batch claimed k4: %v", err)
		}
		must(t, "AppendAuditBatch", b.AppendAuditBatch(ctx, next, []string{"k4", "k5"}))
		rs, err := st.AuditRange(ctx, sc, 1, 10)
		must(t, "AuditRange", err)
		if len(rs) != 5 || !sameRecord(rs[4], next[1]) {
			t.Fatalf("%d records read back", len(rs))
		}
	}},
}
