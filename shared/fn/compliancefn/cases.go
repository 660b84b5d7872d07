package compliancefn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// caseRoutes are the handlers of the cases, rules, blocklist and
// sanctions routes over one kit.
type caseRoutes struct {
	cases     complianceapi.Cases
	rules     complianceapi.Rules
	blocklist complianceapi.Blocklist
	sanctions complianceapi.Sanctions
}

func caseRoute(name string, pick func(caseRoutes) httpapi.Handler) fn.Builder {
	return func(_ context.Context, env fn.Env) (httpapi.Handler, error) {
		st, kit, err := storeAndKit(env)
		if err != nil {
			return nil, err
		}
		r := caseRoutes{
			cases:     complianceapi.Cases{Svc: kit.Cases, Idem: st.Base, Now: time.Now},
			rules:     complianceapi.Rules{Svc: &compliance.Rules{Store: st.Compliance, Now: time.Now}},
			blocklist: complianceapi.Blocklist{Screening: kit.Screening},
			sanctions: complianceapi.Sanctions{Store: st.Sanctions},
		}
		return httpapi.Wrap(name, pick(r)), nil
	}
}

// The officer's case, rule, blocklist and sanctions endpoints, one
// function each (see template.yaml). Deciding reads OFFICER_COURSE and
// OFFICER_CERT_DAYS (see Build).
var (
	CasesList     = caseRoute("cases-list", func(r caseRoutes) httpapi.Handler { return r.cases.List })
	CasesGet      = caseRoute("cases-get", func(r caseRoutes) httpapi.Handler { return r.cases.Get })
	CasesAssign   = caseRoute("cases-assign", func(r caseRoutes) httpapi.Handler { return r.cases.Assign })
	CasesNote     = caseRoute("cases-note", func(r caseRoutes) httpapi.Handler { return r.cases.Note })
	CasesEvidence = caseRoute("cases-evidence", func(r caseRoutes) httpapi.Handler { return r.cases.Evidence })
	CasesStatus   = caseRoute("cases-status", func(r caseRoutes) httpapi.Handler { return r.cases.Status })
	CasesDecide   = caseRoute("cases-decide", func(r caseRoutes) httpapi.Handler { return r.cases.Decide })
	CasesExport   = caseRoute("cases-export", func(r caseRoutes) httpapi.Handler { return r.cases.Export })

	ComplianceRulesGet = caseRoute("compliance-rules-get", func(r caseRoutes) httpapi.Handler { return r.rules.Get })
	ComplianceRulesPut = caseRoute("compliance-rules-put", func(r caseRoutes) httpapi.Handler { return r.rules.Put })

	BlocklistList   = caseRoute("blocklist-list", func(r caseRoutes) httpapi.Handler { return r.blocklist.List })
	BlocklistAdd    = caseRoute("blocklist-add", func(r caseRoutes) httpapi.Handler { return r.blocklist.Add })
	BlocklistRemove = caseRoute("blocklist-remove", func(r caseRoutes) httpapi.Handler { return r.blocklist.Remove })

	SanctionsGet = caseRoute("sanctions-get", func(r caseRoutes) httpapi.Handler { return r.sanctions.Get })
)
