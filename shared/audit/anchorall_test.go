package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/memstore"
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
