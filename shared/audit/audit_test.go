package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/audit"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Each append is the head's seq + 1 over the head's hash, stamped by the
// clock, with its detail compacted (the bytes hashed and exported).
func TestAppendChainsRecords(t *testing.T) {
	s, st := newService()
	r1, err := s.Append(ctx, scope, "user:u1", "wallet.created", "wal_1", json.RawMessage(`{ "chain" : "ethereum" }`))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Append(ctx, scope, "key:k1", "withdrawal.requested", "wd_1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Seq != 1 || r1.PrevHash != sg.AuditGenesis || r2.Seq != 2 || r2.PrevHash != r1.Hash || r2.Hash != sg.AuditHash(r2) {
		t.Fatalf("records %+v %+v", r1, r2)
	}
	if string(r1.Detail) != `{"chain":"ethereum"}` || r2.Detail != nil {
		t.Fatalf("details %q %q", r1.Detail, r2.Detail)
	}
	if !r2.At.After(r1.At) {
		t.Fatalf("times %v %v", r1.At, r2.At)
	}
	if h, _ := st.AuditHead(ctx, scope); h.Seq != 2 || h.Hash != r2.Hash {
		t.Fatalf("head %+v", h)
	}
	other, err := s.Append(ctx, sg.AuditPlatformScope, "system:deploy", "platform.deployed", "", nil)
	if err != nil || other.Seq != 1 {
		t.Fatalf("the platform's chain starts at %d, %v", other.Seq, err)
	}
}

// The hash is the documented one: a vector pins the bytes, so an outside
// verifier written from the doc agrees (and a change of encoding fails here).
func TestAuditHashVector(t *testing.T) {
	r := sg.AuditRecord{Scope: "t-1", Seq: 1, At: mustTime(t, "2026-12-06T09:00:00.000001Z"), Actor: "user:u1", Action: "wallet.created",
		Subject: "wal_1", Detail: json.RawMessage(`{"chain":"ethereum"}`), PrevHash: sg.AuditGenesis}
	// Computed from the doc alone by an independent script (Python hashlib):
	// lp = 4-byte big-endian length + bytes; body and link as sg.AuditBody and sg.AuditLink say.
	const want = "4f9ce4cb2096b2f7b10dd6dff0feac7396c244efd25d0075d0e4f01fb4c8bda3"
	if got := sg.AuditHash(r); got != want {
		t.Fatalf("AuditHash = %s", got)
	}
}

// A record with an event key is appended once: a retry returns the first
// record, concurrent retries append one.
func TestAppendOnceAppendsOncePerKey(t *testing.T) {
	s, st := newService()
	first, err := s.AppendOnce(ctx, "tr_1:settled", scope, "system:ledger", "transfer.settled", "tr_1", nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.AppendOnce(ctx, "tr_1:settled", scope, "system:ledger", "transfer.settled", "tr_1", nil)
	if err != nil || again.Seq != first.Seq || again.Hash != first.Hash {
		t.Fatalf("retry = %+v, %v; first %+v", again, err, first)
	}
	var wg sync.WaitGroup
	seqs := make([]int64, 16)
	for i := range seqs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := s.Record(ctx, sg.AuditEntry{Scope: scope, Actor: "system:ledger", Action: "transfer.settled", Subject: "tr_2", Key: "tr_2:settled"})
			if err != nil {
				t.Error(err)
			}
			seqs[i] = r.Seq
		}(i)
	}
	wg.Wait()
	for _, q := range seqs {
		if q != 2 {
			t.Fatalf("concurrent retries got seqs %v", seqs)
		}
	}
	if h, _ := st.AuditHead(ctx, scope); h.Seq != 2 {
		t.Fatalf("head at %d after two keyed events", h.Seq)
	}
}

func TestAppendRefusesWhatARecordMustNotHold(t *testing.T) {
	s, _ := newService()
	for _, c := range []struct {
		name  string
		e     sg.AuditEntry
		param string
	}{
		{"no scope", sg.AuditEntry{Actor: "user:u", Action: "a.b"}, "scope"},
		{"no actor", sg.AuditEntry{Scope: scope, Action: "a.b"}, "actor"},
		{"an action without a dot", sg.AuditEntry{Scope: scope, Actor: "user:u", Action: "approved"}, "action"},
		{"an action with capitals", sg.AuditEntry{Scope: scope, Actor: "user:u", Action: "Withdrawal.Approved"}, "action"},
		{"a detail that is not an object", sg.AuditEntry{Scope: scope, Actor: "user:u", Action: "a.b", Detail: json.RawMessage(`[1]`)}, "detail"},
		{"a detail that is not JSON", sg.AuditEntry{Scope: scope, Actor: "user:u", Action: "a.b", Detail: json.RawMessage(`{`)}, "detail"},
		{"a detail over 4 KiB", sg.AuditEntry{Scope: scope, Actor: "user:u", Action: "a.b",
			Detail: json.RawMessage(`{"x":"` + strings.Repeat("a", audit.MaxDetail) + `"}`)}, "detail"},
		{"a subject that is not UTF-8", sg.AuditEntry{Scope: scope, Actor: "user:u", Action: "a.b", Subject: "\xff"}, "detail"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Record(ctx, c.e)
			var e *sg.Error
			if !errors.Is(err, sg.ErrValidation) || !errors.As(err, &e) || e.Param != c.param {
				t.Fatalf("err = %v; want validation_failed on %s", err, c.param)
			}
		})
	}
	if rep, _ := s.Verify(ctx, scope); rep.Records != 0 {
		t.Fatalf("a refused entry was appended: %d records", rep.Records)
	}
}

// recordingAnchorer remembers what it published.
type recordingAnchorer struct {
	mu   sync.Mutex
	sent []string
}

func (a *recordingAnchorer) Anchor(_ context.Context, scope string, seq int64, hash string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, fmt.Sprintf("%s:%d:%s", scope, seq, hash))
	return fmt.Sprintf("chain:ethereum:0x%02d", len(a.sent)), nil
}

// AnchorNow publishes the head, keeps the anchor and appends an
// audit.anchored record naming it; with nothing new since, it does nothing.
func TestAnchorNowAnchorsTheHeadOnce(t *testing.T) {
	st := newStore()
	an := &recordingAnchorer{}
	s := audit.New(st, an)
	s.Now = clock()
	if _, ok, err := s.AnchorNow(ctx, scope); ok || err != nil {
		t.Fatalf("anchoring an empty scope: %v, %v", ok, err)
	}
	r1, _ := s.Append(ctx, scope, "user:u1", "wallet.created", "wal_1", nil)
	a, ok, err := s.AnchorNow(ctx, scope)
	if err != nil || !ok || a.Seq != 1 || a.Hash != r1.Hash || a.Where != "chain:ethereum:0x01" {
		t.Fatalf("AnchorNow = %+v, %v, %v", a, ok, err)
	}
	if len(an.sent) != 1 || an.sent[0] != scope+":1:"+r1.Hash {
		t.Fatalf("published %v", an.sent)
	}
	rec, err := st.AuditRecordAt(ctx, scope, 2)
	if err != nil || rec.Action != sg.AuditActionAnchored || rec.Actor != audit.AnchorActor {
		t.Fatalf("record 2 = %+v, %v", rec, err)
	}
	var d audit.AnchorDetail
	if err := json.Unmarshal(rec.Detail, &d); err != nil || d != (audit.AnchorDetail{Seq: 1, Hash: r1.Hash, Where: a.Where}) {
		t.Fatalf("detail %s", rec.Detail)
	}
	if _, ok, err := s.AnchorNow(ctx, scope); ok || err != nil || len(an.sent) != 1 {
		t.Fatalf("anchoring again with nothing new: %v, %v, %d sent", ok, err, len(an.sent))
	}
	_, _ = s.Append(ctx, scope, "user:u1", "wallet.frozen", "wal_1", nil)
	if a, ok, err := s.AnchorNow(ctx, scope); !ok || err != nil || a.Seq != 3 {
		t.Fatalf("anchoring after a new record: %+v %v, %v", a, ok, err)
	}
	if rep, err := s.Verify(ctx, scope); err != nil || !rep.OK || rep.Anchors != 2 || rep.Records != 4 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

// Each record's proof walks to the next anchor (or the head, after the
// last anchor); a proof of an edited record, or with a step changed, fails.
func TestProofWalksARecordToItsAnchor(t *testing.T) {
	s, e := buildLog(t)
	for seq := int64(1); seq <= int64(len(e.records)); seq++ {
		p, err := s.Proof(ctx, scope, seq)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.CheckProof(p); err != nil {
			t.Fatalf("proof of %d: %v", seq, err)
		}
		wantTo := e.head.Seq
		for _, a := range e.anchors {
			if a.Seq >= seq {
				wantTo = a.Seq
				break
			}
		}
		if got := seq + int64(len(p.Path)); got != wantTo || (p.Anchor == nil) != (wantTo == e.head.Seq && seq > 199) {
			t.Fatalf("proof of %d reaches %d (anchor %v), want %d", seq, got, p.Anchor, wantTo)
		}
	}
	p, _ := s.Proof(ctx, scope, 120)
	for name, tamper := range map[string]func(p *audit.Proof){
		"the record's actor":     func(p *audit.Proof) { p.Record.Actor = "user:mallory" },
		"the record rehashed":    func(p *audit.Proof) { p.Record.Subject = "wd_x"; p.Record.Hash = sg.AuditHash(p.Record) },
		"a step":                 func(p *audit.Proof) { p.Path[3] = strings.Repeat("0", 64) },
		"a step left out":        func(p *audit.Proof) { p.Path = p.Path[1:] },
		"the anchor's hash":      func(p *audit.Proof) { a := *p.Anchor; a.Hash = flipHash(a.Hash); p.Anchor = &a },
		"the anchor's scope":     func(p *audit.Proof) { a := *p.Anchor; a.Scope = "t-other"; p.Anchor = &a },
		"a step that is not hex": func(p *audit.Proof) { p.Path[0] = "zz" },
	} {
		c := p
		c.Path = append([]string(nil), p.Path...)
		tamper(&c)
		if err := audit.CheckProof(c); err == nil {
			t.Errorf("a proof with %s changed checks", name)
		}
	}
	if _, err := s.Proof(ctx, scope, 999); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("proof past the head: %v", err)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(sg.AuditTimeLayout, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
