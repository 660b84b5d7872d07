package dynamo_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/stablegate/stablegate/shared/anchor"
	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

func auditTable(t *testing.T) *dynamo.Audit {
	t.Helper()
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	return dynamo.New(db, contractTable(t, db)).Audit
}

// The audit store's contract on DynamoDB Local: the same cases, under the
// same names, as shared/memstore's TestAuditContract on the twin.
func TestAuditContract(t *testing.T) {
	st := auditTable(t)
	storetest.Audit(t, func(*testing.T) sg.AuditStore { return st })
}

// The audit service on DynamoDB: appenders racing for one head, some
// retrying an event, make one gapless chain holding each event once; it
// verifies over the table and as an export.
func TestAuditServiceOnDynamoDB(t *testing.T) {
	st := auditTable(t)
	ctx := context.Background()
	s := audit.New(st, anchor.Log{})
	const workers, each = 6, 8
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				key := fmt.Sprintf("evt_%d_%d", w, i)
				for try := 0; try < 2; try++ { // the second is a retried Lambda
					if _, err := s.AppendOnce(ctx, key, "t-dyn", "system:test", "test.appended", key, nil); err != nil {
						t.Error(err)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	if _, _, err := s.AnchorNow(ctx, "t-dyn"); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx, "t-dyn")
	if err != nil || !rep.OK || rep.Records != workers*each+1 || rep.Anchors != 1 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	f, err := os.CreateTemp(t.TempDir(), "audit-*.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := s.Export(ctx, f, "t-dyn"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if rep, err := audit.CheckJSONL(f, ""); err != nil || !rep.OK || rep.Records != workers*each+1 {
		t.Fatalf("CheckJSONL = %+v, %v", rep, err)
	}
}
