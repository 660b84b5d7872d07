package complianceapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Rules serves the tenant's monitoring rules: versioned data, each PUT a
// new version of the whole set over the version the caller read.
type Rules struct {
	Svc *compliance.Rules
}

// RuleSetView is the rule set in force as the API shows it.
type RuleSetView struct {
	Object string `json:"object"`
	compliance.RuleSetJSON
}

func ruleView(rs sg.MonitorRuleSet) RuleSetView {
	v := RuleSetView{Object: "monitoring_rules", RuleSetJSON: compliance.EncodeRules(rs)}
	if v.Rules == nil {
		v.Rules = []compliance.RuleJSON{}
	}
	return v
}

// RulesPutRequest is the envelope of PUT /v1/compliance/rules, checked
// before the rules themselves are read (compliance.DecodeRules): version
// is the version the caller read (0 before the first put), rules the
// whole new set (empty turns monitoring off).
type RulesPutRequest struct {
	Version *int64            `json:"version" validate:"required,min=0"`
	Rules   []json.RawMessage `json:"rules" validate:"required,max=50"`
}

// Get is GET /v1/compliance/rules: the rule set in force (version 0 and
// no rules before the first put).
func (h Rules) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	rs, err := h.Svc.Current(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ruleView(rs)), nil
}

// Put is PUT /v1/compliance/rules: the next version of the set, refused
// with rules_changed when the version read is no longer the one in force.
func (h Rules) Put(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := caseOfficer(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var env RulesPutRequest
	if err := httpapi.Decode(req, &env, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return httpapi.Response{}, sg.ErrInvalidJSON
		}
	}
	rules, version, err := compliance.DecodeRules(body)
	if err != nil {
		return httpapi.Response{}, err
	}
	rs, _, err := h.Svc.Put(ctx, p.TenantID, version, rules, p.Subject)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ruleView(rs)), nil
}
