// Package complianceroutes wires the HTTP routes over the compliance kit:
// cases, rules, the blocklist, the sanctions list's state, the tiers and
// internal transfers (held to the customer's tier). They are apart from package
// compliancefn so that its stream and job (compliance-monitor,
// sanctions-refresh) link no HTTP code (issue 18).
package complianceroutes

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// caseRoutes are the handlers of the cases, rules, blocklist, sanctions
// and tier routes over one kit (the tiers hold no PII: no sealer).
type caseRoutes struct {
	cases     complianceapi.Cases
	rules     complianceapi.Rules
	blocklist complianceapi.Blocklist
	sanctions complianceapi.Sanctions
	tiers     complianceapi.Tiers
}

func caseRoute(name string, pick func(caseRoutes) httpapi.Handler) httpfn.Builder {
	return func(_ context.Context, env core.Env) (httpapi.Handler, error) {
		st, kit, err := compliancefn.StoreAndKit(env)
		if err != nil {
			return nil, err
		}
		r := caseRoutes{
			cases:     complianceapi.Cases{Svc: kit.Cases, Idem: st.Base, Now: time.Now},
			rules:     complianceapi.Rules{Svc: &compliance.Rules{Store: st.Compliance, Now: time.Now}},
			blocklist: complianceapi.Blocklist{Screening: kit.Screening},
			sanctions: complianceapi.Sanctions{Store: st.Sanctions},
			tiers:     complianceapi.Tiers{Svc: kit.Tiers},
		}
		return httpapi.Wrap(name, pick(r)), nil
	}
}

// The officer's case, rule, blocklist and sanctions endpoints, one
// function each (see template.yaml). Deciding reads OFFICER_COURSE and
// OFFICER_CERT_DAYS (see Build).

// CasesList builds the cases-list function.
func CasesList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-list", func(r caseRoutes) httpapi.Handler { return r.cases.List })(ctx, env)
}

// CasesGet builds the cases-get function.
func CasesGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-get", func(r caseRoutes) httpapi.Handler { return r.cases.Get })(ctx, env)
}

// CasesAssign builds the cases-assign function.
func CasesAssign(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-assign", func(r caseRoutes) httpapi.Handler { return r.cases.Assign })(ctx, env)
}

// CasesNote builds the cases-note function.
func CasesNote(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-note", func(r caseRoutes) httpapi.Handler { return r.cases.Note })(ctx, env)
}

// CasesEvidence builds the cases-evidence function.
func CasesEvidence(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-evidence", func(r caseRoutes) httpapi.Handler { return r.cases.Evidence })(ctx, env)
}

// CasesStatus builds the cases-status function.
func CasesStatus(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-status", func(r caseRoutes) httpapi.Handler { return r.cases.Status })(ctx, env)
}

// CasesDecide builds the cases-decide function.
func CasesDecide(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-decide", func(r caseRoutes) httpapi.Handler { return r.cases.Decide })(ctx, env)
}

// CasesExport builds the cases-export function.
func CasesExport(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("cases-export", func(r caseRoutes) httpapi.Handler { return r.cases.Export })(ctx, env)
}

// ComplianceRulesGet builds the compliance-rules-get function.
func ComplianceRulesGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("compliance-rules-get", func(r caseRoutes) httpapi.Handler { return r.rules.Get })(ctx, env)
}

// ComplianceRulesPut builds the compliance-rules-put function.
func ComplianceRulesPut(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("compliance-rules-put", func(r caseRoutes) httpapi.Handler { return r.rules.Put })(ctx, env)
}

// BlocklistList builds the blocklist-list function.
func BlocklistList(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("blocklist-list", func(r caseRoutes) httpapi.Handler { return r.blocklist.List })(ctx, env)
}

// BlocklistAdd builds the blocklist-add function.
func BlocklistAdd(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("blocklist-add", func(r caseRoutes) httpapi.Handler { return r.blocklist.Add })(ctx, env)
}

// BlocklistRemove builds the blocklist-remove function.
func BlocklistRemove(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("blocklist-remove", func(r caseRoutes) httpapi.Handler { return r.blocklist.Remove })(ctx, env)
}

// SanctionsGet builds the sanctions-get function.
func SanctionsGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("sanctions-get", func(r caseRoutes) httpapi.Handler { return r.sanctions.Get })(ctx, env)
}

// TiersGet builds the tiers-get function.
func TiersGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("tiers-get", func(r caseRoutes) httpapi.Handler { return r.tiers.Get })(ctx, env)
}

// TiersPut builds the tiers-put function.
func TiersPut(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return caseRoute("tiers-put", func(r caseRoutes) httpapi.Handler { return r.tiers.Put })(ctx, env)
}
