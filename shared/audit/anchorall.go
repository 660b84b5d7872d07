package audit

import (
	"context"
	"errors"
	"fmt"

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
