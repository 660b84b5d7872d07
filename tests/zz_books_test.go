package tests

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
)

// After the whole suite (this file's name sorts last, so its test runs
// after every other of the package) the books are clean: the platform's
// reconciliation job, which compares the chains' holdings with the books,
// and every tenant's GET /v1/reconciliation. Payouts still in flight are
// given time to end; nothing is cleaned up to make this pass.
func TestZZ_BooksCleanAfterTheWholeSuite(t *testing.T) {
	e := stack(t)
	ctx := context.Background()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		p := runPlatformJob(t)
		if p.OK {
			break
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(p)
			t.Fatalf("the platform's reconciliation after the suite: %s", b)
		}
		time.Sleep(2 * time.Second)
	}
	_, _, tenants, err := dynamo.New(rawDB(t), e.table).Ledger.BalanceTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ten := range tenants {
		r := e.do(t, "GET", "/v1/reconciliation", e.token(t, ten), nil, nil)
		var rep reconJSON
		r.json(t, &rep)
		if r.status != 200 || !rep.OK {
			t.Errorf("tenant %s's reconciliation after the suite: %d %s", ten, r.status, r.body)
		}
	}
	t.Logf("platform reconciliation and %d tenants' reconciliations clean", len(tenants))
}
