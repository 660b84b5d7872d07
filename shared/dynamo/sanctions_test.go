package dynamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The screening store's contract on DynamoDB Local: the same cases, under
// the same names, as shared/memstore's TestSanctionsContract on the twin.
// Each case gets a store of its own over the one table, so the pointer
// each reads is the table's, not one cached by an earlier case.
func TestSanctionsContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	table := contractTable(t, db)
	storetest.Sanctions(t, func(*testing.T) sg.ScreeningStore { return dynamo.New(db, table).Sanctions })
}

// A store reads the current-version pointer at most once per PointerTTL:
// a version another store publishes is in force within PointerTTL, and at
// once in the store that published it.
func TestSanctionsPointerIsReadAgainAfterItsTTL(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack)")
	table := contractTable(t, db)
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	publisher, reader := dynamo.New(db, table), dynamo.New(db, table)
	publisher.Base.Now, reader.Base.Now = clock, clock
	ctx := context.Background()
	addr := "0x" + strings.Repeat("ab", 20)
	publish := func(version string, es ...sg.SanctionEntry) {
		t.Helper()
		if err := publisher.Sanctions.PutSanctionEntries(ctx, version, es); err != nil {
			t.Fatal(err)
		}
		if err := publisher.Sanctions.PublishSanctions(ctx, sg.SanctionsList{Source: "ofac", Version: version, LoadedAt: at, Count: len(es)}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(st *dynamo.Store, listed bool, version string) {
		t.Helper()
		got, v, err := st.Sanctions.Listed(ctx, sg.Ethereum, addr)
		if err != nil || got != listed || v != version {
			t.Fatalf("Listed = %v, %q, %v; want %v, %q", got, v, err, listed, version)
		}
	}
	v1, v2 := "2026-12-01.ttl-a-"+at.Format("150405.000000000"), "2026-12-02.ttl-b-"+at.Format("150405.000000000")
	publish(v1)
	want(reader, false, v1)
	publish(v2, sg.SanctionEntry{Chain: sg.Ethereum, Address: addr})
	want(publisher, true, v2)
	want(reader, false, v1)
	at = at.Add(dynamo.PointerTTL)
	want(reader, true, v2)
}
