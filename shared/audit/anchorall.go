package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ScopeLister lists the scopes that hold a record, in order, up to limit
// after the scope after ("": from the first); fewer than limit means the
// end. The stores keep a scope index written with each scope's first
// record (dynamo.Audit, memstore.Audit), so listing never scans the log.
type ScopeLister interface {
	AuditScopes(ctx context.Context, after string, limit int) ([]string, error)
}

// AnchorRun is what one run of the anchor job did.
type AnchorRun struct {
	Scopes   int              `json:"scopes"`   // scopes looked at
	Anchored []sg.AuditAnchor `json:"anchored"` // anchors published (or recorded again) in this run
	Failed   int              `json:"failed"`   // scopes whose anchor failed (the error says which)
}

// AnchorAll runs AnchorNow over every scope the lister names: a scope with
// records since its last anchor gets one anchor (one transaction on chain
// with the Ethereum anchorer); a scope with none costs two reads. A scope
// that fails does not stop the others; the error names each that failed,
// and the next run tries them again.
func (s *Service) AnchorAll(ctx context.Context, l ScopeLister) (AnchorRun, error) {
	var run AnchorRun
	var errs []error
	after := ""
	for {
		page, err := l.AuditScopes(ctx, after, s.page())
		if err != nil {
			return run, err
		}
		for _, scope := range page {
			run.Scopes++
			a, ok, err := s.AnchorNow(ctx, scope)
			switch {
			case err != nil:
				run.Failed++
				errs = append(errs, fmt.Errorf("audit.AnchorAll %s: %w", scope, err))
			case ok:
				run.Anchored = append(run.Anchored, a)
			}
			if ctx.Err() != nil {
				return run, errors.Join(append(errs, ctx.Err())...)
			}
		}
		if len(page) < s.page() {
			return run, errors.Join(errs...)
		}
		after = page[len(page)-1]
	}
}

// Head is scope's head (seq 0 at the genesis hash when it has no record).
func (s *Service) Head(ctx context.Context, scope string) (sg.AuditHead, error) {
	return s.store.AuditHead(ctx, scope)
}

// BatchAppender is a store that appends several consecutive records of a
// scope in one write (dynamo.Audit, memstore.Audit): all or none, as
// sg.AuditStore.AppendAudit appends one.
type BatchAppender interface {
	AppendAuditBatch(ctx context.Context, rs []sg.AuditRecord, keys []string) error
}

// MaxBatch is the most entries RecordBatch appends in one write.
const MaxBatch = 48

// RecordBatch appends es, entries of one scope, in order, like Record
// does each, but in as few writes as the store allows (one per MaxBatch
// entries with a BatchAppender): the stream projector's appends cost one
// transaction per batch, not one per change. An entry whose key was
// appended before (or earlier in es) appends nothing. It returns how many
// of es are in the chain (appended now or before); on an error, es[n:]
// may not be: give them again (entries with keys append once however
// often they are given).
func (s *Service) RecordBatch(ctx context.Context, es []sg.AuditEntry) (n int, err error) {
	b, ok := s.store.(BatchAppender)
	if !ok {
		for i, e := range es {
			if _, err := s.Record(ctx, e); err != nil {
				return i, err
			}
		}
		return len(es), nil
	}
	for n < len(es) {
		chunk := es[n:min(len(es), n+MaxBatch)]
		done, err := s.recordChunk(ctx, b, chunk)
		n += done
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// recordChunk appends chunk (at most MaxBatch entries of one scope).
func (s *Service) recordChunk(ctx context.Context, b BatchAppender, chunk []sg.AuditEntry) (int, error) {
	var todo []sg.AuditEntry
	seen := map[string]bool{}
	for _, e := range chunk {
		e, err := entry(e)
		if err != nil {
			return 0, err
		}
		if e.Scope != chunk[0].Scope {
			return 0, sg.Internal("audit.RecordBatch", errors.New("entries of more than one scope"))
		}
		if e.Key != "" {
			if seen[e.Key] {
				continue
			}
			seen[e.Key] = true
			if _, used, err := s.byKey(ctx, e.Scope, e.Key); err != nil {
				return 0, err
			} else if used {
				continue
			}
		}
		todo = append(todo, e)
	}
	if len(todo) == 0 {
		return len(chunk), nil
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		head, err := s.store.AuditHead(ctx, todo[0].Scope)
		if err != nil {
			return 0, err
		}
		rs, keys := make([]sg.AuditRecord, len(todo)), make([]string, len(todo))
		prev, seq := head.Hash, head.Seq
		for i, e := range todo {
			seq++
			r := sg.AuditRecord{Scope: e.Scope, Seq: seq, At: s.Now().UTC().Truncate(time.Microsecond), Actor: e.Actor,
				Action: e.Action, Subject: e.Subject, Detail: e.Detail, PrevHash: prev}
			r.Hash = sg.AuditHash(r)
			rs[i], keys[i], prev = r, e.Key, r.Hash
		}
		err = b.AppendAuditBatch(ctx, rs, keys)
		switch {
		case err == nil:
			return len(chunk), nil
		case errors.Is(err, sg.ErrAuditKeyUsed):
			// Another appender took a key meanwhile: one at a time, each
			// once per key.
			for i, e := range todo {
				if _, err := s.Record(ctx, e); err != nil {
					return 0, fmt.Errorf("audit.RecordBatch: entry %d: %w", i, err)
				}
			}
			return len(chunk), nil
		case !errors.Is(err, sg.ErrAuditHeadMoved):
			return 0, err
		}
	}
	return 0, sg.Unavailable("audit.RecordBatch", errors.New("too many lost races for the head"))
}
