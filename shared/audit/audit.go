// Package audit is the service over the hash-chained audit log: it appends
// records (retrying when another appender moved the head first, and at
// most once per event key), verifies a chain in constant memory and says
// where it breaks, proves one record against an anchor, anchors heads on a
// schedule, and exports a scope as JSON lines an outside party can check
// with cmd/auditverify.
//
// The exact bytes each hash covers are documented on sg.AuditBody and
// sg.AuditLink; the export format on WriteJSONL; the proof walk on Proof.
//
// How a deployment feeds and anchors it: the audit-projector function
// (shared/fn/auditfn) appends one record per change of the table's items,
// as the table's stream reports it (dynamo.AuditChange says what a record
// holds and which items are skipped, and why), keyed by the stream
// record's id so a redelivery appends once; one chain per tenant and one
// for the platform (sg.AuditPlatformScope), so appends, which are serial
// per chain, never make tenants wait on each other. The hourly
// audit-anchor function (auditfn/anchorfn) runs AnchorAll over the stores'
// scope index (ScopeLister), publishing each moved head on Ethereum and in
// the log. GET /v1/audit, its proofs and its export (shared/api/auditapi)
// read it. infra/data-model.md has the whole design.
package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
	"unicode/utf8"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Limits of what a record holds. A record is evidence of what happened,
// by ids: a subject's name, e-mail or document never goes in it.
const (
	MaxDetail = 4096 // bytes of compact JSON
	maxField  = 256  // scope, actor, subject, key
	// maxAttempts bounds the retries of one append that keeps losing the
	// race for the head to other appenders.
	maxAttempts = 500
	// DefaultPage is how many records Verify, Proof and Export read at once.
	DefaultPage = 500
)

// Service appends to, verifies and anchors the audit log.
type Service struct {
	store    sg.AuditStore
	anchorer sg.Anchorer
	// Now is the clock records are stamped with; tests set it.
	Now func() time.Time
	// Page is how many records are read at once (DefaultPage if 0).
	Page int
}

var _ sg.AuditLog = (*Service)(nil)

// New returns the service over store; anchorer publishes heads for
// AnchorNow (nil: AnchorNow refuses).
func New(store sg.AuditStore, anchorer sg.Anchorer) *Service {
	return &Service{store: store, anchorer: anchorer, Now: time.Now}
}

func (s *Service) page() int {
	if s.Page > 0 {
		return s.Page
	}
	return DefaultPage
}

// validAction is lowercase words joined by dots: "withdrawal.approved".
func validAction(a string) bool {
	if len(a) == 0 || len(a) > 64 || a[0] == '.' || a[len(a)-1] == '.' {
		return false
	}
	dot := false
	for i := 0; i < len(a); i++ {
		c := a[i]
		switch {
		case c == '.':
			if i > 0 && a[i-1] == '.' {
				return false
			}
			dot = true
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
		default:
			return false
		}
	}
	return dot
}

// entry checks e and returns it with Detail compacted (the bytes hashed).
func entry(e sg.AuditEntry) (sg.AuditEntry, error) {
	switch {
	case e.Scope == "" || len(e.Scope) > maxField:
		return e, sg.ErrValidation.WithMessage("audit scope must be 1 to %d bytes", maxField).WithParam("scope")
	case e.Actor == "" || len(e.Actor) > maxField:
		return e, sg.ErrValidation.WithMessage("audit actor must be 1 to %d bytes", maxField).WithParam("actor")
	case !validAction(e.Action):
		return e, sg.ErrValidation.WithMessage("audit action must be dotted lowercase words such as withdrawal.approved").WithParam("action")
	case len(e.Subject) > maxField:
		return e, sg.ErrValidation.WithMessage("audit subject must be at most %d bytes", maxField).WithParam("subject")
	case len(e.Key) > maxField:
		return e, sg.ErrValidation.WithMessage("audit key must be at most %d bytes", maxField).WithParam("key")
	case !utf8.ValidString(e.Scope+e.Actor+e.Subject+e.Key) || !utf8.Valid(e.Detail):
		// Exports carry every field as a JSON string: only UTF-8 survives the trip byte for byte.
		return e, sg.ErrValidation.WithMessage("audit fields must be UTF-8").WithParam("detail")
	}
	if len(bytes.TrimSpace(e.Detail)) == 0 {
		e.Detail = nil
		return e, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(e.Detail, &obj); err != nil || obj == nil {
		return e, sg.ErrValidation.WithMessage("audit detail must be a JSON object").WithParam("detail")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, e.Detail); err != nil {
		return e, sg.ErrValidation.WithMessage("audit detail must be a JSON object").WithParam("detail")
	}
	if buf.Len() > MaxDetail {
		return e, sg.ErrValidation.WithMessage("audit detail must be at most %d bytes", MaxDetail).WithParam("detail")
	}
	e.Detail = buf.Bytes()
	return e, nil
}

// Append appends one record to scope's chain and returns it.
func (s *Service) Append(ctx context.Context, scope, actor, action, subject string, detail json.RawMessage) (sg.AuditRecord, error) {
	return s.Record(ctx, sg.AuditEntry{Scope: scope, Actor: actor, Action: action, Subject: subject, Detail: detail})
}

// AppendOnce appends like Append, once per (scope, key): key is the
// event's natural id, and a second call with it (a retried Lambda, a
// redelivered message) appends nothing and returns the first record.
func (s *Service) AppendOnce(ctx context.Context, key, scope, actor, action, subject string, detail json.RawMessage) (sg.AuditRecord, error) {
	if key == "" {
		return sg.AuditRecord{}, sg.ErrValidation.WithMessage("audit key must not be empty").WithParam("key")
	}
	return s.Record(ctx, sg.AuditEntry{Scope: scope, Actor: actor, Action: action, Subject: subject, Detail: detail, Key: key})
}

// Record appends e (sg.AuditLog): the record at the head's seq + 1 over the
// head's hash, written only if the head has not moved; when it has, it
// reads the head again and retries. With e.Key set, it appends once per key.
func (s *Service) Record(ctx context.Context, e sg.AuditEntry) (sg.AuditRecord, error) {
	e, err := entry(e)
	if err != nil {
		return sg.AuditRecord{}, err
	}
	if e.Key != "" {
		if r, ok, err := s.byKey(ctx, e.Scope, e.Key); err != nil || ok {
			return r, err
		}
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		head, err := s.store.AuditHead(ctx, e.Scope)
		if err != nil {
			return sg.AuditRecord{}, err
		}
		r := sg.AuditRecord{Scope: e.Scope, Seq: head.Seq + 1, At: s.Now().UTC().Truncate(time.Microsecond), Actor: e.Actor,
			Action: e.Action, Subject: e.Subject, Detail: e.Detail, PrevHash: head.Hash}
		r.Hash = sg.AuditHash(r)
		err = s.store.AppendAudit(ctx, r, e.Key)
		switch {
		case err == nil:
			return r, nil
		case errors.Is(err, sg.ErrAuditKeyUsed):
			if r, ok, err := s.byKey(ctx, e.Scope, e.Key); err != nil || ok {
				return r, err
			}
			return sg.AuditRecord{}, sg.Internal("audit.Record", errors.New("a used key maps to no record"))
		case !errors.Is(err, sg.ErrAuditHeadMoved):
			return sg.AuditRecord{}, err
		}
		// Lost the race for the head: back off a little, more each time,
		// with jitter so the losers do not collide again.
		if attempt >= 2 {
			d := time.Duration(rand.IntN(min(attempt, 20))+1) * time.Millisecond
			select {
			case <-ctx.Done():
				return sg.AuditRecord{}, sg.Unavailable("audit.Record", ctx.Err())
			case <-time.After(d):
			}
		}
	}
	return sg.AuditRecord{}, sg.Unavailable("audit.Record", errors.New("too many lost races for the head"))
}

func (s *Service) byKey(ctx context.Context, scope, key string) (sg.AuditRecord, bool, error) {
	seq, err := s.store.AuditKeySeq(ctx, scope, key)
	if errors.Is(err, sg.ErrNotFound) {
		return sg.AuditRecord{}, false, nil
	}
	if err != nil {
		return sg.AuditRecord{}, false, err
	}
	r, err := s.store.AuditRecordAt(ctx, scope, seq)
	if err != nil {
		return sg.AuditRecord{}, false, err
	}
	return r, true, nil
}

// AnchorActor is the actor of the records AnchorNow appends.
const AnchorActor = "system:audit-anchor"

// AnchorDetail is the Detail of an audit.anchored record.
type AnchorDetail struct {
	Seq   int64  `json:"seq"`
	Hash  string `json:"hash"`
	Where string `json:"where"`
}

// AnchorNow anchors scope's head (the scheduled job): it publishes the
// head's seq and hash through the Anchorer, keeps the anchor, and appends
// an audit.anchored record naming it (once per anchored seq). A head that
// is already anchored, or that is itself the record of the last anchor,
// is left alone: ok is false and nothing is published.
//
// Truncation after an anchor is found by the verifier (the log then ends
// before the anchored seq, or holds another hash there). Only an anchor
// outside the table (the chain's) survives someone who can rewrite the
// table; the "log" anchor and the anchored record find a truncation by
// anyone who cannot.
func (s *Service) AnchorNow(ctx context.Context, scope string) (a sg.AuditAnchor, ok bool, err error) {
	if s.anchorer == nil {
		return a, false, sg.Internal("audit.AnchorNow", errors.New("no anchorer configured"))
	}
	head, err := s.store.AuditHead(ctx, scope)
	if err != nil || head.Seq == 0 {
		return a, false, err
	}
	anchors, err := s.store.AuditAnchors(ctx, scope)
	if err != nil {
		return a, false, err
	}
	var kept *sg.AuditAnchor
	if n := len(anchors); n > 0 {
		last := anchors[n-1]
		switch last.Seq {
		case head.Seq:
			kept = &last
		case head.Seq - 1:
			r, err := s.store.AuditRecordAt(ctx, scope, head.Seq)
			if err != nil {
				return a, false, err
			}
			if r.Action == sg.AuditActionAnchored && r.Actor == AnchorActor {
				return last, false, nil // nothing happened since the last anchor
			}
		}
	}
	if kept == nil {
		where, err := s.anchorer.Anchor(ctx, scope, head.Seq, head.Hash)
		if err != nil {
			return a, false, err
		}
		a = sg.AuditAnchor{Scope: scope, Seq: head.Seq, Hash: head.Hash, At: s.Now().UTC().Truncate(time.Microsecond), Where: where}
		if err := s.store.PutAuditAnchor(ctx, a); err != nil {
			return a, false, err
		}
	} else {
		a = *kept
	}
	detail, _ := json.Marshal(AnchorDetail{Seq: a.Seq, Hash: a.Hash, Where: a.Where})
	if _, err := s.AppendOnce(ctx, "anchor:"+strconv.FormatInt(a.Seq, 10), scope, AnchorActor, sg.AuditActionAnchored, "", detail); err != nil {
		return a, false, fmt.Errorf("audit.AnchorNow: recording the anchor of %d: %w", a.Seq, err)
	}
	return a, true, nil
}
