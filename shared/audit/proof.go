package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Proof lets an outside party check one record against an anchor (or,
// before the first anchor after it, against the head) without the rest of
// the log's content:
//
//  1. h = sg.AuditHash(Record) must equal Record.Hash (the record's own
//     content; Record.PrevHash is the hash of the record before it);
//  2. for each body b in Path (the sg.AuditBody of records Seq+1, Seq+2, ...,
//     in order): h = sg.AuditLink(h, b); the first such h is NextHash;
//  3. the last h must equal Anchor.Hash, and Record.Seq + len(Path) must be
//     Anchor.Seq; then check the anchor where it was published (for
//     "chain:ethereum:<tx>", the transaction's calldata reads
//     "stablegate-audit:<scope>:<seq>:<hash>").
//
// Cost: one SHA-256 per record between the record and the anchor (Path has
// Anchor.Seq - Record.Seq entries of 32 bytes), so anchoring on a schedule
// bounds a proof by the records appended between two anchors. A path
// reveals only hashes of the later records, never their content.
type Proof struct {
	Record   sg.AuditRecord
	NextHash string   // the hash of record Seq+1 ("" when Record is the head)
	Path     []string // hex sg.AuditBody of records Seq+1 ... Anchor.Seq (or Head.Seq)
	// Anchor is the first anchor at or after Record.Seq; nil when none is
	// yet, and the path then ends at Head.
	Anchor *sg.AuditAnchor
	Head   sg.AuditHead
}

// Proof builds the proof of scope's record seq. It returns sg.ErrNotFound
// for a seq the scope does not have.
func (s *Service) Proof(ctx context.Context, scope string, seq int64) (Proof, error) {
	rec, err := s.store.AuditRecordAt(ctx, scope, seq)
	if err != nil {
		return Proof{}, err
	}
	anchors, err := s.store.AuditAnchors(ctx, scope)
	if err != nil {
		return Proof{}, err
	}
	head, err := s.store.AuditHead(ctx, scope)
	if err != nil {
		return Proof{}, err
	}
	p := Proof{Record: rec, Head: head}
	to := head.Seq
	for i := range anchors {
		if anchors[i].Seq >= seq {
			p.Anchor = &anchors[i]
			to = anchors[i].Seq
			break
		}
	}
	if to > seq {
		for r, err := range s.Records(ctx, scope, seq+1, to) {
			if err != nil {
				return Proof{}, err
			}
			if p.NextHash == "" {
				p.NextHash = r.Hash
			}
			b := sg.AuditBody(r)
			p.Path = append(p.Path, hex.EncodeToString(b[:]))
		}
	}
	return p, nil
}

// CheckProof walks p as its doc says and returns nil if the record leads
// to the anchor's (or the head's) hash.
func CheckProof(p Proof) error {
	r := p.Record
	h := sg.AuditHash(r)
	if h != r.Hash {
		return fmt.Errorf("audit: record %d's content does not match its hash", r.Seq)
	}
	target := p.Head
	if p.Anchor != nil {
		target = sg.AuditHead{Seq: p.Anchor.Seq, Hash: p.Anchor.Hash}
		if p.Anchor.Scope != r.Scope {
			return fmt.Errorf("audit: the anchor is of scope %q, the record of %q", p.Anchor.Scope, r.Scope)
		}
	}
	if r.Seq+int64(len(p.Path)) != target.Seq {
		return fmt.Errorf("audit: a path of %d from record %d does not reach %d", len(p.Path), r.Seq, target.Seq)
	}
	for i, bh := range p.Path {
		b, err := hex.DecodeString(bh)
		if err != nil || len(b) != 32 {
			return fmt.Errorf("audit: path step %d is not 32 bytes of hex", i)
		}
		h = sg.AuditLink(h, [32]byte(b))
		if i == 0 && p.NextHash != "" && h != p.NextHash {
			return fmt.Errorf("audit: record %d's next hash does not follow from it", r.Seq)
		}
	}
	if h != target.Hash {
		return fmt.Errorf("audit: the walk from record %d ends at another hash than the one at %d", r.Seq, target.Seq)
	}
	return nil
}

// ProofDoc is a proof as JSON (what an API answers and auditverify -proof
// reads): the record and the anchor as export lines.
type ProofDoc struct {
	Record   Line      `json:"record"`
	NextHash string    `json:"next_hash,omitempty"`
	Path     []string  `json:"path"`
	Anchor   *Line     `json:"anchor,omitempty"`
	Head     HeadValue `json:"head"`
}

// HeadValue is a head as JSON.
type HeadValue struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Doc is p as JSON.
func (p Proof) Doc() ProofDoc {
	d := ProofDoc{Record: RecordLine(p.Record), NextHash: p.NextHash, Path: p.Path, Head: HeadValue{Seq: p.Head.Seq, Hash: p.Head.Hash}}
	if d.Path == nil {
		d.Path = []string{}
	}
	if p.Anchor != nil {
		a := AnchorLine(*p.Anchor)
		d.Anchor = &a
	}
	return d
}

// ErrProof: a proof document is malformed.
var ErrProof = errors.New("audit: malformed proof")

// ParseProof reads a proof document: one JSON object, no unknown field,
// a record line and (if any) an anchor line.
func ParseProof(b []byte) (Proof, error) {
	if len(b) > 16<<20 {
		return Proof{}, fmt.Errorf("%w: larger than 16 MiB", ErrProof)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d ProofDoc
	if err := dec.Decode(&d); err != nil {
		return Proof{}, fmt.Errorf("%w: %v", ErrProof, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Proof{}, fmt.Errorf("%w: trailing data", ErrProof)
	}
	if d.Record.Type != LineRecord {
		return Proof{}, fmt.Errorf("%w: the record is not a record line", ErrProof)
	}
	r, err := d.Record.Record()
	if err != nil {
		return Proof{}, fmt.Errorf("%w: %v", ErrProof, err)
	}
	p := Proof{Record: r, NextHash: d.NextHash, Path: d.Path, Head: sg.AuditHead{Seq: d.Head.Seq, Hash: d.Head.Hash}}
	if d.Anchor != nil {
		if d.Anchor.Type != LineAnchor {
			return Proof{}, fmt.Errorf("%w: the anchor is not an anchor line", ErrProof)
		}
		a, err := d.Anchor.Anchor()
		if err != nil {
			return Proof{}, fmt.Errorf("%w: %v", ErrProof, err)
		}
		p.Anchor = &a
	}
	return p, nil
}
