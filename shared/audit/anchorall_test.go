package audit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// failing anchors in the log except for one scope, whose anchor fails.
type failing struct{ scope string }

func (f failing) Anchor(_ context.Context, scope string, _ int64, _ string) (string, error) {
	if scope == f.scope {
		return "", errors.New("node down")
	}
	return "log", nil
}

// The anchor job anchors each scope with records since its last anchor,
// once; a scope that fails does not stop the others and is tried again.
func TestAnchorAllAnchorsEachMovedScopeOnce(t *testing.T) {
	st := memstore.NewAudit()
	an := &failing{scope: "t-b"}
	s := audit.New(st, an)
	s.Now = clock()
	s.Page = 2 // more scopes than a page
	for _, sc := range []string{"t-a", "t-b", "t-c"} {
		if _, err := s.Append(ctx, sc, "user:u", "wallet.created", "wal_1", nil); err != nil {
			t.Fatal(err)
		}
	}
	run, err := s.AnchorAll(ctx, st)
	if err == nil || run.Scopes != 3 || run.Failed != 1 || len(run.Anchored) != 2 {
		t.Fatalf("first run %+v, %v", run, err)
	}
	an.scope = ""
	run, err = s.AnchorAll(ctx, st)
	if err != nil || run.Scopes != 3 || len(run.Anchored) != 1 || run.Anchored[0].Scope != "t-b" {
		t.Fatalf("second run %+v, %v", run, err)
	}
	if run, err = s.AnchorAll(ctx, st); err != nil || len(run.Anchored) != 0 {
		t.Fatalf("a run with nothing new anchored %+v, %v", run, err)
	}
	if _, err := s.Append(ctx, "t-c", "user:u", "wallet.updated", "wal_1", nil); err != nil {
		t.Fatal(err)
	}
	run, err = s.AnchorAll(ctx, st)
	if err != nil || len(run.Anchored) != 1 || run.Anchored[0].Scope != "t-c" || run.Anchored[0].Seq != 3 {
		t.Fatalf("after a new record in t-c %+v, %v", run, err)
	}
	for _, sc := range []string{"t-a", "t-b", "t-c"} {
		if rep, err := s.Verify(ctx, sc); err != nil || !rep.OK || rep.Anchors == 0 {
			t.Fatalf("%s: %+v %v", sc, rep, err)
		}
	}
}

// RecordBatch appends a scope's entries in order, in writes of at most
// MaxBatch, once per key (given again, or twice in one batch), while
// another appender races it; the chain holds.
func TestRecordBatchAppendsOncePerKeyInOrder(t *testing.T) {
	s, st := newService()
	var es []sg.AuditEntry
	for i := 0; i < 120; i++ {
		es = append(es, sg.AuditEntry{Scope: scope, Actor: "user:u", Action: "wallet.created", Subject: fmt.Sprintf("wal_%03d", i), Key: fmt.Sprintf("ev%03d", i)})
	}
	es = append(es, es[7]) // a key twice in one call
	done := make(chan error)
	go func() {
		for i := 0; i < 30; i++ {
			if _, err := s.Append(ctx, scope, "user:v", "policy.updated", "", nil); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	if n, err := s.RecordBatch(ctx, es); err != nil || n != len(es) {
		t.Fatalf("RecordBatch: %d, %v", n, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, err := s.RecordBatch(ctx, es[40:90]); err != nil || n != 50 { // delivered again
		t.Fatalf("again: %d, %v", n, err)
	}
	h, _ := st.AuditHead(ctx, scope)
	if h.Seq != 150 {
		t.Fatalf("head at %d; want 120 entries and 30 racing appends", h.Seq)
	}
	next := 0
	for r, err := range s.Records(ctx, scope, 1, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Action == "wallet.created" {
			if want := fmt.Sprintf("wal_%03d", next); r.Subject != want {
				t.Fatalf("record %d is %s; want %s", r.Seq, r.Subject, want)
			}
			next++
		}
	}
	if rep, err := s.Verify(ctx, scope); err != nil || !rep.OK {
		t.Fatalf("verify %+v %v", rep, err)
	}
}
