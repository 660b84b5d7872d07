package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

// logAnchorer anchors in the log only, as anchor.Log does.
type logAnchorer struct{}

func (logAnchorer) Anchor(context.Context, string, int64, string) (string, error) { return "log", nil }

// clock steps one second on each reading.
func clock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 12, 6, 9, 0, 0, 123456000, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func newStore() *memstore.Audit { return memstore.NewAudit() }

func newService() (*audit.Service, *memstore.Audit) {
	st := newStore()
	s := audit.New(st, logAnchorer{})
	s.Now = clock()
	s.Page = 37 // pages that do not divide the log
	return s, st
}

const scope = "t-audit"

// exported is a copy of a log as an export holds it.
type exported struct {
	head    *sg.AuditHead
	anchors []sg.AuditAnchor
	records []sg.AuditRecord
}

// buildLog appends 196 records of assorted actions, anchoring the head
// after every 49 (so 4 anchors and 4 audit.anchored records), then 3
// more: 203 records, anchors at 49, 99, 149 and 199. It returns the
// service and the log as exported and read back.
func buildLog(t *testing.T) (*audit.Service, exported) {
	t.Helper()
	s, _ := newService()
	actions := []string{"withdrawal.requested", "withdrawal.approved", "wallet.frozen", "customer.verified", "case.decided"}
	for i := 1; i <= 199; i++ {
		if i <= 196 {
			detail := fmt.Sprintf(`{"amount":"%d.50","n":%d,"note":"<a&b>"}`, i, i)
			if i%7 == 0 {
				detail = ""
			}
			if _, err := s.Append(ctx, scope, fmt.Sprintf("user:u%d", i%5), actions[i%len(actions)], fmt.Sprintf("wd_%03d", i), json.RawMessage(detail)); err != nil {
				t.Fatal(err)
			}
		}
		if i%49 == 0 && i <= 196 {
			if _, ok, err := s.AnchorNow(ctx, scope); err != nil || !ok {
				t.Fatalf("AnchorNow after %d: %v %v", i, ok, err)
			}
		}
	}
	for i := 0; i < 3; i++ {
		if _, err := s.Append(ctx, scope, "system:sweeper", "sweep.done", "", nil); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := s.Export(ctx, &buf, scope); err != nil {
		t.Fatal(err)
	}
	var e exported
	for l, err := range audit.Lines(&buf) {
		if err != nil {
			t.Fatal(err)
		}
		switch l.Type {
		case audit.LineHead:
			e.head = &sg.AuditHead{Seq: l.Seq, Hash: l.Hash}
		case audit.LineAnchor:
			a, _ := l.Anchor()
			e.anchors = append(e.anchors, a)
		case audit.LineRecord:
			r, _ := l.Record()
			e.records = append(e.records, r)
		}
	}
	if len(e.records) != 203 || len(e.anchors) != 4 || e.head == nil || e.head.Seq != 203 {
		t.Fatalf("exported %d records, %d anchors, head %+v", len(e.records), len(e.anchors), e.head)
	}
	for i, want := range []int64{49, 99, 149, 199} {
		if e.anchors[i].Seq != want {
			t.Fatalf("anchor %d at %d, want %d", i, e.anchors[i].Seq, want)
		}
	}
	return s, e
}

// jsonl writes the copy back as an export file.
func (e exported) jsonl(t *testing.T) *bytes.Reader {
	t.Helper()
	var lines []audit.Line
	if e.head != nil {
		lines = append(lines, audit.HeadLine(scope, *e.head))
	}
	for _, a := range e.anchors {
		lines = append(lines, audit.AnchorLine(a))
	}
	for _, r := range e.records {
		lines = append(lines, audit.RecordLine(r))
	}
	var buf bytes.Buffer
	if err := audit.WriteJSONL(&buf, lines...); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

// verify checks the copy with audit.Check and, for one tampering in
// eleven (and the untouched copy), also as auditverify does: written out
// as a file and read back twice; both must agree.
func (e exported) verify(t *testing.T) audit.Report {
	t.Helper()
	rep, err := audit.Check(scope, func(yield func(sg.AuditRecord, error) bool) {
		for _, r := range e.records {
			if !yield(r, nil) {
				return
			}
		}
	}, e.anchors, e.head)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if verified++; verified%11 == 1 {
		fromFile, err := audit.CheckJSONL(e.jsonl(t), "")
		if err != nil {
			t.Fatalf("CheckJSONL: %v", err)
		}
		if fmt.Sprint(fromFile) != fmt.Sprint(rep) {
			t.Fatalf("the file's report %+v differs from the records' %+v", fromFile, rep)
		}
	}
	return rep
}

// verified counts verifications (the test's subtests run one at a time).
var verified int

func (e exported) clone() exported {
	c := e
	c.records = slices.Clone(e.records)
	c.anchors = slices.Clone(e.anchors)
	if e.head != nil {
		h := *e.head
		c.head = &h
	}
	return c
}

func rehash(r *sg.AuditRecord) { r.Hash = sg.AuditHash(*r) }

var flipHash = func(h string) string {
	if h[0] == 'a' {
		return "b" + h[1:]
	}
	return "a" + h[1:]
}

// field edits: what each changes in a record.
var edits = []struct {
	field string
	edit  func(r *sg.AuditRecord)
}{
	{"scope", func(r *sg.AuditRecord) { r.Scope = "t-other" }},
	{"seq", func(r *sg.AuditRecord) { r.Seq += 1000 }},
	{"at", func(r *sg.AuditRecord) { r.At = r.At.Add(time.Microsecond) }},
	{"actor", func(r *sg.AuditRecord) { r.Actor = "user:mallory" }},
	{"action", func(r *sg.AuditRecord) { r.Action = "withdrawal.rejected" }},
	{"subject", func(r *sg.AuditRecord) { r.Subject = "wd_forged" }},
	{"detail", func(r *sg.AuditRecord) { r.Detail = json.RawMessage(`{"amount":"1000000.00"}`) }},
	{"prev", func(r *sg.AuditRecord) { r.PrevHash = flipHash(r.PrevHash) }},
	{"hash", func(r *sg.AuditRecord) { r.Hash = flipHash(r.Hash) }},
}

func anchored(e exported, seq int64) bool {
	for _, a := range e.anchors {
		if a.Seq == seq {
			return true
		}
	}
	return false
}

// want is a break's position and kind.
type want struct {
	seq  int64
	kind audit.BreakKind
}

func check(t *testing.T, name string, rep audit.Report, w want) {
	t.Helper()
	if rep.OK || rep.Break == nil {
		t.Errorf("%s: verified OK; want %s at %d", name, w.kind, w.seq)
		return
	}
	if rep.Break.Seq != w.seq || rep.Break.Kind != w.kind {
		t.Errorf("%s: break %s; want %s at %d", name, rep.Break, w.kind, w.seq)
	}
}

// Must-show 4: the verifier finds every single-record edit (of each field,
// with the hash kept or recomputed), deletion, insertion of a forged
// record, swap with the next record, move further back or forward, and
// truncation before an anchor (also with the copy's anchors removed and the
// chain's given) in a
// copy of a 203-record log, and names the seq and the kind of the break;
// the untouched copy verifies.
func TestVerifierFindsEveryTamperingOfACopy(t *testing.T) {
	_, orig := buildLog(t)
	n := int64(len(orig.records))

	t.Run("the untouched copy verifies", func(t *testing.T) {
		rep := orig.verify(t)
		if !rep.OK || rep.Records != n || rep.Anchors != 4 || rep.Last != *orig.head {
			t.Fatalf("report %+v", rep)
		}
	})

	t.Run("an edit of any field of any record, hash kept", func(t *testing.T) {
		for _, ed := range edits {
			for k := int64(1); k <= n; k++ {
				c := orig.clone()
				ed.edit(&c.records[k-1])
				w := want{k, audit.BreakHashMismatch}
				switch ed.field {
				case "scope":
					w.kind = audit.BreakWrongScope
				case "seq":
					w.kind = audit.BreakSeqChanged
				case "prev":
					w.kind = audit.BreakPrevMismatch
				}
				check(t, fmt.Sprintf("%s of record %d", ed.field, k), c.verify(t), w)
			}
		}
	})

	t.Run("an edit of any field of any record, hash recomputed", func(t *testing.T) {
		for _, ed := range edits {
			if ed.field == "hash" {
				continue // recomputing undoes it
			}
			for k := int64(1); k <= n; k++ {
				c := orig.clone()
				ed.edit(&c.records[k-1])
				rehash(&c.records[k-1])
				var w want
				switch {
				case ed.field == "scope":
					w = want{k, audit.BreakWrongScope}
				case ed.field == "seq":
					w = want{k, audit.BreakSeqChanged}
				case ed.field == "prev":
					w = want{k, audit.BreakPrevMismatch}
				case anchored(orig, k):
					w = want{k, audit.BreakAnchorMismatch}
				case k == n:
					w = want{k, audit.BreakHeadMismatch}
				default: // the next record no longer follows it
					w = want{k + 1, audit.BreakPrevMismatch}
				}
				check(t, fmt.Sprintf("%s of record %d", ed.field, k), c.verify(t), w)
			}
		}
	})

	t.Run("a deletion of any record", func(t *testing.T) {
		for k := int64(1); k <= n; k++ {
			c := orig.clone()
			c.records = slices.Delete(c.records, int(k-1), int(k))
			w := want{k, audit.BreakMissing}
			if k == n {
				w.kind = audit.BreakTruncated
			}
			check(t, fmt.Sprintf("record %d deleted", k), c.verify(t), w)
		}
	})

	t.Run("a forged record inserted after any record", func(t *testing.T) {
		for k := int64(0); k <= n; k++ {
			c := orig.clone()
			f := sg.AuditRecord{Scope: scope, Seq: k + 1, At: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), Actor: "user:mallory",
				Action: "withdrawal.approved", Subject: "wd_forged", Detail: json.RawMessage(`{"amount":"99"}`), PrevHash: sg.AuditGenesis}
			if k > 0 {
				f.PrevHash = orig.records[k-1].Hash
			}
			rehash(&f)
			c.records = slices.Insert(c.records, int(k), f)
			var w want
			switch {
			case k == n:
				w = want{k + 1, audit.BreakBeyondHead}
			case anchored(orig, k+1):
				w = want{k + 1, audit.BreakAnchorMismatch}
			case k+1 == n:
				w = want{k + 1, audit.BreakHeadMismatch}
			default: // the real record k+1 comes after the forged one
				w = want{k + 1, audit.BreakRepeated}
			}
			check(t, fmt.Sprintf("forged record after %d", k), c.verify(t), w)
		}
	})

	t.Run("any record swapped with the next", func(t *testing.T) {
		for k := int64(1); k < n; k++ {
			c := orig.clone()
			c.records[k-1], c.records[k] = c.records[k], c.records[k-1]
			check(t, fmt.Sprintf("records %d and %d swapped", k, k+1), c.verify(t), want{k, audit.BreakReordered})
		}
	})

	t.Run("a truncation anywhere, the head kept", func(t *testing.T) {
		for j := int64(0); j < n; j++ {
			c := orig.clone()
			c.records = c.records[:j]
			check(t, fmt.Sprintf("truncated after %d", j), c.verify(t), want{j + 1, audit.BreakTruncated})
		}
	})

	t.Run("a truncation before an anchor, the head rewritten to match or removed", func(t *testing.T) {
		last := orig.anchors[len(orig.anchors)-1].Seq
		for j := int64(0); j < last; j++ {
			for _, rewrite := range []bool{true, false} {
				c := orig.clone()
				c.records = c.records[:j]
				c.head = nil
				if rewrite && j > 0 {
					c.head = &sg.AuditHead{Seq: j, Hash: c.records[j-1].Hash}
				}
				check(t, fmt.Sprintf("truncated after %d (head rewritten: %v)", j, rewrite), c.verify(t), want{j + 1, audit.BreakTruncated})
			}
		}
		// What no check on the copy can find: a truncation after the last
		// anchor with the head rewritten to match. The next anchor finds it.
		c := orig.clone()
		c.records = c.records[:last+1]
		c.head = &sg.AuditHead{Seq: last + 1, Hash: c.records[last].Hash}
		if rep := c.verify(t); !rep.OK {
			t.Errorf("the undetectable truncation changed behaviour: %+v", rep.Break)
		}
	})

	t.Run("any record moved further back or forward", func(t *testing.T) {
		for _, d := range []int64{2, 3, 50} {
			for k := int64(1); k+d <= n; k++ {
				// Record k taken out and put back after record k+d: the
				// chain breaks where k should be.
				c := orig.clone()
				r := c.records[k-1]
				c.records = slices.Delete(c.records, int(k-1), int(k))
				c.records = slices.Insert(c.records, int(k+d-1), r)
				rep := c.verify(t)
				if rep.OK || rep.Break == nil || rep.Break.Seq != k {
					t.Errorf("record %d moved after %d: %+v; want a break at %d", k, k+d, rep.Break, k)
				}
				// Record k+d taken out and put back before record k.
				c = orig.clone()
				r = c.records[k+d-1]
				c.records = slices.Delete(c.records, int(k+d-1), int(k+d))
				c.records = slices.Insert(c.records, int(k-1), r)
				rep = c.verify(t)
				if rep.OK || rep.Break == nil || rep.Break.Seq != k {
					t.Errorf("record %d moved before %d: %+v; want a break at %d", k+d, k, rep.Break, k)
				}
			}
		}
	})

	t.Run("a truncation after an anchor, the copy's anchors and head removed, the chain's anchors given", func(t *testing.T) {
		// Someone who can rewrite the table cuts the log and removes its
		// anchor items and head: the anchors read back from the chain
		// (auditverify -anchors) still find the cut, at its position.
		fromChain := orig.anchors
		last := fromChain[len(fromChain)-1].Seq
		for j := int64(0); j < last; j++ {
			c := orig.clone()
			c.records = c.records[:j]
			c.anchors, c.head = nil, nil
			if j > 0 {
				c.head = &sg.AuditHead{Seq: j, Hash: c.records[j-1].Hash}
			}
			rep, err := audit.CheckJSONL(c.jsonl(t), scope, fromChain...)
			if err != nil {
				t.Fatal(err)
			}
			check(t, fmt.Sprintf("truncated after %d, anchors from the chain", j), rep, want{j + 1, audit.BreakTruncated})
		}
	})

	t.Run("an anchor whose hash differs from the record's", func(t *testing.T) {
		c := orig.clone()
		c.anchors[2].Hash = flipHash(c.anchors[2].Hash)
		check(t, "anchor 3 edited", c.verify(t), want{c.anchors[2].Seq, audit.BreakAnchorMismatch})
	})
}

// The verifier over the store itself: an untouched log verifies, and its
// report names the head.
func TestVerifyOverTheStore(t *testing.T) {
	s, orig := buildLog(t)
	rep, err := s.Verify(ctx, scope)
	if err != nil || !rep.OK || rep.Records != 203 || rep.Last != *orig.head || rep.Anchors != 4 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	rep, err = s.Verify(ctx, "t-empty")
	if err != nil || !rep.OK || rep.Records != 0 {
		t.Fatalf("Verify of an empty scope = %+v, %v", rep, err)
	}
}

// Many goroutines appending at once yield one gapless chain holding each
// append once.
func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	s, _ := newService()
	const workers, each = 24, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.Append(ctx, scope, fmt.Sprintf("user:w%d", w), "test.appended", fmt.Sprintf("w%d-%d", w, i), nil); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx, scope)
	if err != nil || !rep.OK || rep.Records != workers*each {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	seen := map[string]bool{}
	for r, err := range s.Records(ctx, scope, 1, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[r.Subject] {
			t.Fatalf("%s appended twice", r.Subject)
		}
		seen[r.Subject] = true
	}
	if len(seen) != workers*each {
		t.Fatalf("%d appends in the chain, want %d", len(seen), workers*each)
	}
}

func TestCheckJSONLRefusesAMalformedFile(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"a line that is not JSON", `{"type":"record"` + "\n", "line 1"},
		{"an unknown line type", `{"type":"note","scope":"t","seq":1,"hash":"x"}` + "\n", "unknown type"},
		{"two heads", `{"type":"head","scope":"t","seq":1,"hash":"x"}` + "\n" + `{"type":"head","scope":"t","seq":2,"hash":"y"}` + "\n", "two head"},
		{"an anchor of another scope", `{"type":"head","scope":"t","seq":1,"hash":"x"}` + "\n" +
			`{"type":"anchor","scope":"u","seq":1,"hash":"x","at":"2026-12-06T09:00:00.000000Z","where":"log"}` + "\n", "another scope"},
		{"nothing to verify", "\n", "no scope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := audit.CheckJSONL(strings.NewReader(c.file), "")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want one naming %q", err, c.want)
			}
		})
	}
}
