package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The export: one JSON object per line, each with a "type":
//
//	{"type":"head","scope":"t-1","seq":201,"hash":"<64 hex>"}
//	{"type":"anchor","scope":"t-1","seq":50,"hash":"<64 hex>","at":"2026-12-06T20:00:00.000000Z","where":"chain:ethereum:0x..."}
//	{"type":"record","scope":"t-1","seq":1,"at":"2026-12-06T19:00:00.000000Z","actor":"user:u1",
//	 "action":"withdrawal.approved","subject":"wd_...","detail":"{\"amount\":\"10\"}","prev":"<64 hex>","hash":"<64 hex>"}
//
// "at" is in sg.AuditTimeLayout and "detail" is a JSON string holding the
// record's detail bytes exactly as hashed, so a verifier in any language
// hashes the strings it reads (see sg.AuditBody). WriteJSONL writes the
// head and the anchors first, then the records in seq order; a reader
// must not rely on that order (auditverify reads the file twice).

// Line is one line of an export.
type Line struct {
	Type    string `json:"type"` // "record", "anchor" or "head"
	Scope   string `json:"scope"`
	Seq     int64  `json:"seq"`
	At      string `json:"at,omitempty"`
	Actor   string `json:"actor,omitempty"`
	Action  string `json:"action,omitempty"`
	Subject string `json:"subject,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Prev    string `json:"prev,omitempty"`
	Hash    string `json:"hash"`
	Where   string `json:"where,omitempty"`
}

// Line types.
const (
	LineRecord = "record"
	LineAnchor = "anchor"
	LineHead   = "head"
)

// MaxLine is the longest line ParseLine reads.
const MaxLine = 64 << 10

// RecordLine is r as an export line.
func RecordLine(r sg.AuditRecord) Line {
	return Line{Type: LineRecord, Scope: r.Scope, Seq: r.Seq, At: r.At.UTC().Format(sg.AuditTimeLayout), Actor: r.Actor, Action: r.Action,
		Subject: r.Subject, Detail: string(r.Detail), Prev: r.PrevHash, Hash: r.Hash}
}

// AnchorLine is a as an export line.
func AnchorLine(a sg.AuditAnchor) Line {
	return Line{Type: LineAnchor, Scope: a.Scope, Seq: a.Seq, At: a.At.UTC().Format(sg.AuditTimeLayout), Hash: a.Hash, Where: a.Where}
}

// HeadLine is scope's head as an export line.
func HeadLine(scope string, h sg.AuditHead) Line {
	return Line{Type: LineHead, Scope: scope, Seq: h.Seq, Hash: h.Hash}
}

// Record is the record a "record" line holds.
func (l Line) Record() (sg.AuditRecord, error) {
	at, err := time.Parse(sg.AuditTimeLayout, l.At)
	if err != nil {
		return sg.AuditRecord{}, fmt.Errorf("audit: record %d: at %q is not in the layout %s", l.Seq, l.At, sg.AuditTimeLayout)
	}
	r := sg.AuditRecord{Scope: l.Scope, Seq: l.Seq, At: at, Actor: l.Actor, Action: l.Action, Subject: l.Subject, PrevHash: l.Prev, Hash: l.Hash}
	if l.Detail != "" {
		r.Detail = json.RawMessage(l.Detail)
	}
	return r, nil
}

// Anchor is the anchor an "anchor" line holds.
func (l Line) Anchor() (sg.AuditAnchor, error) {
	at, err := time.Parse(sg.AuditTimeLayout, l.At)
	if err != nil {
		return sg.AuditAnchor{}, fmt.Errorf("audit: anchor %d: at %q is not in the layout %s", l.Seq, l.At, sg.AuditTimeLayout)
	}
	return sg.AuditAnchor{Scope: l.Scope, Seq: l.Seq, Hash: l.Hash, At: at, Where: l.Where}, nil
}

// ErrLine: a line of an export is not one JSON object of a known type.
var ErrLine = errors.New("audit: malformed export line")

// ParseLine parses one export line: a single JSON object with a known
// "type", no unknown field and nothing after it.
func ParseLine(b []byte) (Line, error) {
	if len(b) > MaxLine {
		return Line{}, fmt.Errorf("%w: longer than %d bytes", ErrLine, MaxLine)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l Line
	if err := dec.Decode(&l); err != nil {
		return Line{}, fmt.Errorf("%w: %v", ErrLine, err)
	}
	if dec.More() {
		return Line{}, fmt.Errorf("%w: more than one value", ErrLine)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Line{}, fmt.Errorf("%w: trailing data", ErrLine)
	}
	switch l.Type {
	case LineRecord:
		if _, err := l.Record(); err != nil {
			return Line{}, fmt.Errorf("%w: %v", ErrLine, err)
		}
	case LineAnchor:
		if _, err := l.Anchor(); err != nil {
			return Line{}, fmt.Errorf("%w: %v", ErrLine, err)
		}
	case LineHead:
	default:
		return Line{}, fmt.Errorf("%w: unknown type %q", ErrLine, l.Type)
	}
	return l, nil
}

// Lines iterates the lines of an export, skipping blank ones; a malformed
// line yields an error naming its line number (from 1), and ends it.
func Lines(r io.Reader) iter.Seq2[Line, error] {
	return func(yield func(Line, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), MaxLine+1)
		n := 0
		for sc.Scan() {
			n++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			l, err := ParseLine(b)
			if err != nil {
				yield(Line{}, fmt.Errorf("line %d: %w", n, err))
				return
			}
			if !yield(l, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Line{}, fmt.Errorf("line %d: %w: %v", n+1, ErrLine, err))
		}
	}
}

// WriteJSONL writes lines, one per line, without HTML escaping (so the
// strings are the bytes hashed).
func WriteJSONL(w io.Writer, lines ...Line) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return nil
}

// Export writes scope's head, anchors and records (to the head) to w as
// JSON lines, reading the records a page at a time.
func (s *Service) Export(ctx context.Context, w io.Writer, scope string) error {
	anchors, err := s.store.AuditAnchors(ctx, scope)
	if err != nil {
		return err
	}
	head, err := s.store.AuditHead(ctx, scope)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if err := WriteJSONL(bw, HeadLine(scope, head)); err != nil {
		return err
	}
	for _, a := range anchors {
		if err := WriteJSONL(bw, AnchorLine(a)); err != nil {
			return err
		}
	}
	for r, err := range s.Records(ctx, scope, 1, head.Seq) {
		if err != nil {
			return err
		}
		if err := WriteJSONL(bw, RecordLine(r)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// CheckJSONL verifies an export of scope ("" : the scope its head line,
// or else its first line, names), against its anchors and any extra ones
// the caller read from elsewhere (the chain). It reads rs twice: first the
// head and anchors, then the records, which it checks one at a time, so
// the memory it needs does not grow with the log. A malformed line, a
// second head or an anchor of another scope is an error; a chain that does
// not hold is a Report with a Break.
func CheckJSONL(rs io.ReadSeeker, scope string, extra ...sg.AuditAnchor) (Report, error) {
	var head *sg.AuditHead
	anchors := append([]sg.AuditAnchor(nil), extra...)
	for l, err := range Lines(rs) {
		if err != nil {
			return Report{}, err
		}
		if scope == "" {
			scope = l.Scope
		}
		switch l.Type {
		case LineHead:
			if head != nil {
				return Report{}, fmt.Errorf("%w: two head lines", ErrLine)
			}
			head = &sg.AuditHead{Seq: l.Seq, Hash: l.Hash}
			if l.Scope != scope {
				return Report{}, fmt.Errorf("%w: the head is of another scope (%q)", ErrLine, l.Scope)
			}
		case LineAnchor:
			if l.Scope != scope {
				return Report{}, fmt.Errorf("%w: an anchor of another scope (%q)", ErrLine, l.Scope)
			}
			a, _ := l.Anchor()
			anchors = append(anchors, a)
		}
	}
	if scope == "" {
		return Report{}, fmt.Errorf("%w: no scope: the file has no line", ErrLine)
	}
	for _, a := range extra {
		if a.Scope != scope {
			return Report{}, fmt.Errorf("%w: an anchor of another scope (%q)", ErrLine, a.Scope)
		}
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return Report{}, err
	}
	records := func(yield func(sg.AuditRecord, error) bool) {
		for l, err := range Lines(rs) {
			if err != nil {
				yield(sg.AuditRecord{}, err)
				return
			}
			if l.Type != LineRecord {
				continue
			}
			r, _ := l.Record()
			if !yield(r, nil) {
				return
			}
		}
	}
	return Check(scope, records, anchors, head)
}
