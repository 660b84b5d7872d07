package tests

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// batchFile is a CSV of n rows of amount each from one wallet to another,
// row keys unique to tag.
func batchFile(tag, from, to string, n int, amount string) string {
	var b strings.Builder
	b.WriteString("row_key,from_wallet_id,to_wallet_id,chain,amount\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s-%d,%s,%s,tron,%s\n", tag, i, from, to, amount)
	}
	return b.String()
}

// Finding 5: several different files fired at once under one
// Idempotency-Key: exactly one is applied and answered 200, every other is
// refused with idempotency_key_reused and applies nothing, so the balances
// reflect exactly one file. The same file fired twice at once applies once
// (the second answer is the first report replayed, or
// idempotency_in_progress while the first runs).
func TestFinding5_BatchKeyClaimedBeforeRows(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "1000")
	const files, rows = 6, 15
	key := "batch-" + randHex(6)
	bodies := make([]string, files)
	for i := range bodies {
		// File i moves rows × (i+1) USDT: the balance tells which applied.
		bodies[i] = batchFile(fmt.Sprintf("f%d-%s", i, randHex(3)), a.ID, b.ID, rows, fmt.Sprint(i+1))
	}
	replies := make([]reply, files)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			replies[i] = e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(key), []byte(bodies[i]))
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, r := range replies {
		switch {
		case r.status == 200 && winner == -1:
			winner = i
		case r.status == 409 && r.errCode() == "idempotency_key_reused":
		case r.status == 409 && r.errCode() == "idempotency_in_progress":
		default:
			t.Errorf("file %d: %d %s", i, r.status, r.body)
		}
	}
	if t.Failed() || winner == -1 {
		t.Fatalf("want exactly one file applied under the key; winner %d", winner)
	}
	var rep batchReportJSON
	replies[winner].json(t, &rep)
	if len(rep.Accepted) != rows || len(rep.Refused) != 0 {
		t.Fatalf("the winning report: %s", replies[winner].body)
	}
	want := sg.Amount(rows*(winner+1)) * 1_000_000
	if bb := e.balances(t, tok, b.ID)["tron"]; bb.Available != want.String() {
		t.Fatalf("destination holds %s; want exactly file %d's %s", bb.Available, winner, want)
	}
	if ba := e.balances(t, tok, a.ID)["tron"]; ba.Available != (1000_000_000 - want).String() {
		t.Fatalf("source holds %s after file %d", ba.Available, winner)
	}
	// Afterwards: the winner's file is replayed, any other is a reuse.
	again := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(key), []byte(bodies[winner]))
	if again.status != 200 || string(again.body) != string(replies[winner].body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay of the winning file: %d %s", again.status, again.body)
	}
	loser := (winner + 1) % files
	if r := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(key), []byte(bodies[loser])); r.status != 409 || r.errCode() != "idempotency_key_reused" {
		t.Fatalf("another file under the used key: %d %s", r.status, r.body)
	}

	// The same file twice at once, under a fresh key: applied once.
	same := batchFile("same-"+randHex(3), a.ID, b.ID, rows, "0.5")
	key2 := "batch-" + randHex(6)
	var pair [2]reply
	start = make(chan struct{})
	for i := range pair {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			pair[i] = e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(key2), []byte(same))
		}()
	}
	close(start)
	wg.Wait()
	oks := 0
	for _, r := range pair {
		switch {
		case r.status == 200:
			oks++
		case r.status == 409 && r.errCode() == "idempotency_in_progress":
		default:
			t.Fatalf("same file twice: %d %s", r.status, r.body)
		}
	}
	if oks == 0 {
		t.Fatal("neither run of the same file answered 200")
	}
	want += sg.Amount(rows) * 500_000
	if bb := e.balances(t, tok, b.ID)["tron"]; bb.Available != want.String() {
		t.Fatalf("destination holds %s after the same file twice; want %s", bb.Available, want)
	}
}

// Finding 5, the claim's lease: a claim left by a run that died (its lease
// passed) is taken over by a retry of the same file, which runs it; a live
// claim answers idempotency_in_progress to the same file and
// idempotency_key_reused to another.
func TestFinding5_BatchClaimLease(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, st := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	ctx := context.Background()
	hashOf := func(body string) string {
		sum := sha256.Sum256(append([]byte(api.OpBatch+"\x00"), body...))
		return hex.EncodeToString(sum[:])
	}
	claim := func(st *dynamo.Store, key, body string, lease time.Duration) {
		t.Helper()
		if _, ok, err := st.Base.ClaimIdempotency(ctx, ten, api.OpBatch, key, hashOf(body), lease); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
	}
	file := batchFile("lease-"+randHex(3), a.ID, b.ID, 2, "1")
	other := batchFile("other-"+randHex(3), a.ID, b.ID, 2, "1")

	live := "batch-" + randHex(6)
	claim(st, live, file, time.Minute)
	if r := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(live), []byte(file)); r.status != 409 || r.errCode() != "idempotency_in_progress" {
		t.Fatalf("same file under a live claim: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(live), []byte(other)); r.status != 409 || r.errCode() != "idempotency_key_reused" {
		t.Fatalf("another file under a live claim: %d %s", r.status, r.body)
	}
	if bb := e.balances(t, tok, b.ID)["tron"]; bb.Available != "0.000000" {
		t.Fatalf("a refused batch moved money: %+v", bb)
	}

	lapsed := "batch-" + randHex(6)
	claim(st, lapsed, file, -time.Second)
	if r := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(lapsed), []byte(other)); r.status != 409 || r.errCode() != "idempotency_key_reused" {
		t.Fatalf("another file under a lapsed claim: %d %s", r.status, r.body)
	}
	r := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(lapsed), []byte(file))
	if r.status != 200 || r.header.Get("Idempotent-Replayed") == "true" {
		t.Fatalf("the same file under a lapsed claim: %d %s", r.status, r.body)
	}
	if bb := e.balances(t, tok, b.ID)["tron"]; bb.Available != "2.000000" {
		t.Fatalf("after the taken-over batch: %+v", bb)
	}
	if again := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(lapsed), []byte(file)); again.status != 200 || string(again.body) != string(r.body) {
		t.Fatalf("replay after the taken-over batch: %d %s", again.status, again.body)
	}
}
