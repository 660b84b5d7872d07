// Package auditroutes wires the routes that read the audit chain:
// audit-list, audit-proof and audit-export (package auditfn has the chain's
// design and its projector).
package auditroutes

import (
	"context"

	"github.com/stablegate/stablegate/shared/api/auditapi"
	"github.com/stablegate/stablegate/shared/fn/auditfn"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// handlers serve the audit routes over the chain.
func handlers(_ context.Context, env core.Env) (auditapi.Handlers, error) {
	svc, err := auditfn.Service(env)
	if err != nil {
		return auditapi.Handlers{}, err
	}
	return auditapi.Handlers{Log: svc}, nil
}

// AuditList builds GET /v1/audit.
func AuditList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("audit-list", handlers, func(h auditapi.Handlers) httpapi.Handler { return h.List })(ctx, env)
}

// AuditProof builds GET /v1/audit/{seq}/proof.
func AuditProof(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("audit-proof", handlers, func(h auditapi.Handlers) httpapi.Handler { return h.Proof })(ctx, env)
}

// AuditExport builds GET /v1/audit/export.
func AuditExport(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return httpfn.Route("audit-export", handlers, func(h auditapi.Handlers) httpapi.Handler { return h.Export })(ctx, env)
}
