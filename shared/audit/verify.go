package audit

import (
	"context"
	"fmt"
	"iter"
	"sort"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// BreakKind names what the verifier saw where a chain breaks.
type BreakKind string

// The kinds of break, each with the Seq it is reported at.
const (
	// BreakWrongScope: the record at Seq belongs to another scope (moved in from another chain).
	BreakWrongScope BreakKind = "wrong_scope"
	// BreakSeqChanged: the record in place of Seq follows the one before it but carries another seq (its seq was edited).
	BreakSeqChanged BreakKind = "seq_changed"
	// BreakMissing: no record Seq where it should be: it was deleted (the next one comes instead).
	BreakMissing BreakKind = "missing"
	// BreakReordered: records Seq and Seq+1 come in the other order.
	BreakReordered BreakKind = "reordered"
	// BreakRepeated: a second record with Seq (a forged record inserted with the seq of a real one, or one moved back).
	BreakRepeated BreakKind = "repeated"
	// BreakPrevMismatch: the record at Seq does not commit to the hash of the one before: one of the two was edited
	// (the one before with its hash recomputed) or a record was put between them.
	BreakPrevMismatch BreakKind = "prev_mismatch"
	// BreakHashMismatch: the content of the record at Seq does not hash to its hash: it was edited.
	BreakHashMismatch BreakKind = "hash_mismatch"
	// BreakAnchorMismatch: an anchor published the head at Seq with another hash: the log was rewritten up to there.
	BreakAnchorMismatch BreakKind = "anchor_mismatch"
	// BreakTruncated: the log ends before Seq, though an anchor or the head says it reached it.
	BreakTruncated BreakKind = "truncated"
	// BreakHeadMismatch: the record at the head's seq has another hash than the head.
	BreakHeadMismatch BreakKind = "head_mismatch"
	// BreakBeyondHead: a record at Seq past the head (appended behind the store's back).
	BreakBeyondHead BreakKind = "beyond_head"
)

// Break is the first place a chain does not hold.
type Break struct {
	Seq    int64     `json:"seq"`
	Kind   BreakKind `json:"kind"`
	Detail string    `json:"detail"`
}

func (b Break) String() string { return fmt.Sprintf("seq %d: %s: %s", b.Seq, b.Kind, b.Detail) }

// Report is what a verification found. OK is true when every record,
// anchor and the head (if given) agree; otherwise Break says where.
type Report struct {
	Scope   string       `json:"scope"`
	OK      bool         `json:"ok"`
	Records int64        `json:"records"` // records read
	Last    sg.AuditHead `json:"last"`    // the last record that verified
	Anchors int          `json:"anchors"` // anchors checked against a record
	Break   *Break       `json:"break,omitempty"`
}

// Checker verifies a chain fed to it one record at a time, in the order
// the log holds them, in constant memory (the anchors aside). It stops at
// the first break; it reads one record past a missing seq to tell a
// deletion from two records swapped.
type Checker struct {
	scope   string
	anchors []sg.AuditAnchor
	ai      int
	head    *sg.AuditHead
	prev    sg.AuditHead
	n       int64
	checked int
	brk     *Break
	pending *Break // a missing seq, waiting one record to see whether it comes next
}

// NewChecker checks scope's chain against anchors (any order) and, if
// head is not nil, the head the store (or the export) names.
func NewChecker(scope string, anchors []sg.AuditAnchor, head *sg.AuditHead) *Checker {
	as := append([]sg.AuditAnchor(nil), anchors...)
	sort.SliceStable(as, func(i, j int) bool { return as[i].Seq < as[j].Seq })
	return &Checker{scope: scope, anchors: as, head: head, prev: sg.AuditHead{Hash: sg.AuditGenesis}}
}

func (c *Checker) fail(seq int64, kind BreakKind, format string, args ...any) bool {
	c.brk = &Break{Seq: seq, Kind: kind, Detail: fmt.Sprintf(format, args...)}
	return false
}

// Add checks the next record and reports whether to go on (false once a
// break is found).
func (c *Checker) Add(r sg.AuditRecord) bool {
	if c.brk != nil {
		return false
	}
	if p := c.pending; p != nil {
		if r.Seq == p.Seq {
			return c.fail(p.Seq, BreakReordered, "record %d comes after record %d", p.Seq, p.Seq+1)
		}
		c.brk = p
		return false
	}
	want := c.prev.Seq + 1
	if r.Scope != c.scope {
		return c.fail(want, BreakWrongScope, "the record in place of %d belongs to scope %q", want, r.Scope)
	}
	if r.Seq != want {
		switch {
		case r.PrevHash == c.prev.Hash:
			return c.fail(want, BreakSeqChanged, "the record after %d carries seq %d", c.prev.Seq, r.Seq)
		case r.Seq > want:
			c.pending = &Break{Seq: want, Kind: BreakMissing, Detail: fmt.Sprintf("record %d is missing: %d comes after %d", want, r.Seq, c.prev.Seq)}
			return true
		case r.Seq >= 1:
			return c.fail(r.Seq, BreakRepeated, "record %d comes again after %d", r.Seq, c.prev.Seq)
		default:
			return c.fail(want, BreakSeqChanged, "the record after %d carries seq %d", c.prev.Seq, r.Seq)
		}
	}
	if c.head != nil && r.Seq > c.head.Seq {
		return c.fail(r.Seq, BreakBeyondHead, "record %d is past the head %d", r.Seq, c.head.Seq)
	}
	if r.PrevHash != c.prev.Hash {
		return c.fail(r.Seq, BreakPrevMismatch, "record %d does not commit to record %d's hash: one of them was changed", r.Seq, c.prev.Seq)
	}
	if sg.AuditHash(r) != r.Hash {
		return c.fail(r.Seq, BreakHashMismatch, "record %d's content does not match its hash: it was changed", r.Seq)
	}
	for c.ai < len(c.anchors) && c.anchors[c.ai].Seq <= r.Seq {
		a := c.anchors[c.ai]
		c.ai++
		if a.Seq < r.Seq { // an anchor at seq 0 or below: nothing it could match
			continue
		}
		c.checked++
		if a.Hash != r.Hash {
			return c.fail(r.Seq, BreakAnchorMismatch, "record %d's hash differs from the one anchored at %s", r.Seq, a.Where)
		}
	}
	if c.head != nil && r.Seq == c.head.Seq && r.Hash != c.head.Hash {
		return c.fail(r.Seq, BreakHeadMismatch, "record %d's hash differs from the head's", r.Seq)
	}
	c.prev = sg.AuditHead{Seq: r.Seq, Hash: r.Hash}
	c.n++
	return true
}

// Report ends the check: the first break, or truncation before an anchor
// or the head.
func (c *Checker) Report() Report {
	rep := Report{Scope: c.scope, Records: c.n, Last: c.prev, Anchors: c.checked}
	if c.brk == nil && c.pending != nil {
		c.brk = c.pending
	}
	if c.brk == nil {
		last := c.prev.Seq
		if c.head != nil && last < c.head.Seq {
			c.fail(last+1, BreakTruncated, "the log ends at %d, the head is %d", last, c.head.Seq)
		} else if n := len(c.anchors); n > 0 && last < c.anchors[n-1].Seq {
			c.fail(last+1, BreakTruncated, "the log ends at %d, an anchor at %s names %d", last, c.anchors[n-1].Where, c.anchors[n-1].Seq)
		}
	}
	rep.Break = c.brk
	rep.OK = c.brk == nil
	return rep
}

// Check verifies the records of scope's chain in the order given, against
// anchors and (if not nil) the head. It stops at the first break or the
// first error of records.
func Check(scope string, records iter.Seq2[sg.AuditRecord, error], anchors []sg.AuditAnchor, head *sg.AuditHead) (Report, error) {
	c := NewChecker(scope, anchors, head)
	for r, err := range records {
		if err != nil {
			return c.Report(), err
		}
		if !c.Add(r) {
			break
		}
	}
	return c.Report(), nil
}

// Records iterates scope's records from seq from up to seq to (inclusive;
// 0: no bound), page by page.
func (s *Service) Records(ctx context.Context, scope string, from, to int64) iter.Seq2[sg.AuditRecord, error] {
	return func(yield func(sg.AuditRecord, error) bool) {
		for {
			page, err := s.store.AuditRange(ctx, scope, from, s.page())
			if err != nil {
				yield(sg.AuditRecord{}, err)
				return
			}
			for _, r := range page {
				if to > 0 && r.Seq > to {
					return
				}
				if !yield(r, nil) {
					return
				}
			}
			if len(page) < s.page() {
				return
			}
			from = page[len(page)-1].Seq + 1
		}
	}
}

// Verify checks scope's chain as the store holds it: every record from 1
// to the head, each anchor, and the head. It reads the anchors, then the
// head, then the records a page at a time, so appends made meanwhile are
// not in the way.
func (s *Service) Verify(ctx context.Context, scope string) (Report, error) {
	anchors, err := s.store.AuditAnchors(ctx, scope)
	if err != nil {
		return Report{}, err
	}
	head, err := s.store.AuditHead(ctx, scope)
	if err != nil {
		return Report{}, err
	}
	return Check(scope, s.Records(ctx, scope, 1, head.Seq), anchors, &head)
}
