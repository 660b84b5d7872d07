// Package complianceapi serves the compliance officer's API over HTTP:
// cases (list, read, assign, note, evidence, status, decision, export),
// monitoring rules, the tenant's blocklist and the sanctions list in use,
// and the customer, KYC, tier and travel-rule routes. The rules live in
// shared/compliance; this package decodes, validates and renders in the
// shapes of infra/openapi.yaml. Every route needs scope compliance.
//
// The officer is the token's subject: who assigns, notes, adds evidence,
// moves or decides a case, and whose course certificate a decision needs
// when the deployment requires one.
package complianceapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ScopeCompliance is the scope of every officer route.
const ScopeCompliance = "compliance"

// CaseKinds are the kinds a case can have (GET /v1/cases?kind=).
var CaseKinds = []sg.CaseKind{sg.CaseAMLAlert, sg.CaseManual, sg.CaseSanctionsHit, compliance.CaseBlocklistHit, compliance.CaseSenderUnknown}

// Cases serves the case routes.
type Cases struct {
	Svc *compliance.Cases
	// Idem keeps the Idempotency-Key claims of the case writes that take
	// one (a note); nil runs them unguarded (tests).
	Idem sg.IdempotencyClaims
	// Now is the clock of the claims (nil: time.Now).
	Now func() time.Time
}

// OpCaseNote is the idempotency operation of a note on a case.
const OpCaseNote = "cases.note"

// CaseNoteLease is how long a note holds its Idempotency-Key while it runs.
const CaseNoteLease = time.Minute

// CaseNoteView is one note of a case.
type CaseNoteView struct {
	At     string `json:"at"`
	Author string `json:"author"`
	Text   string `json:"text"`
}

// CaseEvidenceView is what a case rests on.
type CaseEvidenceView struct {
	Transfers []string `json:"transfers"`
	Alerts    []string `json:"alerts"`
	Addresses []string `json:"addresses"`
	Records   []string `json:"records"`
}

// CaseCertificateView is the certificate the deciding officer held.
type CaseCertificateView struct {
	CourseID      string `json:"course_id"`
	CertificateID string `json:"certificate_id"`
}

// CaseDecisionView is a case's decision.
type CaseDecisionView struct {
	Outcome     string               `json:"outcome"`
	By          string               `json:"by"`
	At          string               `json:"at"`
	Reason      string               `json:"reason"`
	Certificate *CaseCertificateView `json:"certificate"`
}

// CaseView is a case as the API shows it.
type CaseView struct {
	Object    string            `json:"object"`
	ID        string            `json:"id"`
	Kind      string            `json:"kind"`
	Status    string            `json:"status"`
	Subject   string            `json:"subject"`
	Summary   string            `json:"summary"`
	Assignee  *string           `json:"assignee"`
	Notes     []CaseNoteView    `json:"notes"`
	Evidence  CaseEvidenceView  `json:"evidence"`
	Decision  *CaseDecisionView `json:"decision"`
	CreatedAt string            `json:"created_at"`
	UpdatedAt string            `json:"updated_at"`
	Version   int64             `json:"version"`
}

func caseList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// ViewCase shows a case.
func ViewCase(c sg.Case) CaseView {
	v := CaseView{Object: "case", ID: c.ID, Kind: string(c.Kind), Status: string(c.Status), Subject: c.Subject, Summary: c.Summary,
		Notes: make([]CaseNoteView, 0, len(c.Notes)),
		Evidence: CaseEvidenceView{Transfers: caseList(c.Evidence.Transfers), Alerts: caseList(c.Evidence.Alerts),
			Addresses: caseList(c.Evidence.Addresses), Records: caseList(c.Evidence.Records)},
		CreatedAt: viewTime(c.CreatedAt), UpdatedAt: viewTime(c.UpdatedAt), Version: c.Version}
	if c.Assignee != "" {
		a := c.Assignee
		v.Assignee = &a
	}
	for _, n := range c.Notes {
		v.Notes = append(v.Notes, CaseNoteView{At: viewTime(n.At), Author: n.Author, Text: n.Text})
	}
	if d := c.Decision; d != nil {
		v.Decision = &CaseDecisionView{Outcome: string(d.Outcome), By: d.By, At: viewTime(d.At), Reason: d.Reason}
		if d.Certificate != nil {
			v.Decision.Certificate = &CaseCertificateView{CourseID: d.Certificate.CourseID, CertificateID: d.Certificate.CertificateID}
		}
	}
	return v
}

// caseOfficer is the calling officer: the principal and its subject
// (a token without a subject names no officer).
func caseOfficer(req httpapi.Request) (httpapi.Principal, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return p, err
	}
	if strings.TrimSpace(p.Subject) == "" {
		return p, sg.ErrUnauthenticated.WithMessage("the token names no subject, so no officer")
	}
	return p, nil
}

// caseID reads {case_id}; a malformed id is not found.
func caseID(req httpapi.Request) (string, error) {
	id := req.PathParameters["case_id"]
	if !sg.ValidID("case", id) {
		return "", sg.ErrNotFound.WithMessage("no such case")
	}
	return id, nil
}

func caseAnswer(c sg.Case, err error) (httpapi.Response, error) {
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewCase(c)), nil
}

// List is GET /v1/cases: the tenant's cases, oldest first, by status,
// kind and assignee, in pages.
func (h Cases) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	q := req.QueryStringParameters
	f := sg.CaseFilter{Status: sg.CaseStatus(q["status"]), Kind: sg.CaseKind(q["kind"]), Assignee: q["assignee"]}
	if f.Kind != "" && !caseKindKnown(f.Kind) {
		return httpapi.Response{}, sg.ErrValidation.WithParam("kind").WithMessage("kind must be one of %s", caseKindNames())
	}
	if len(f.Assignee) > 200 {
		return httpapi.Response{}, sg.ErrValidation.WithParam("assignee").WithMessage("assignee has at most 200 characters")
	}
	page, err := api.PageOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, next, err := h.Svc.List(ctx, p.TenantID, f, page)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := api.List[CaseView]{Object: "list", Data: make([]CaseView, 0, len(cs)), HasMore: next != ""}
	for _, c := range cs {
		out.Data = append(out.Data, ViewCase(c))
	}
	if next != "" {
		out.NextCursor = &next
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

func caseKindKnown(k sg.CaseKind) bool {
	for _, x := range CaseKinds {
		if x == k {
			return true
		}
	}
	return false
}

func caseKindNames() string {
	s := make([]string, len(CaseKinds))
	for i, k := range CaseKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Get is GET /v1/cases/{case_id}.
func (h Cases) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := caseID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return caseAnswer(h.Svc.Get(ctx, p.TenantID, id))
}

// caseWrite reads what every officer's write to a case needs: the officer
// (the token's subject), the case id from the path, and the body.
func caseWrite[B any](req httpapi.Request) (httpapi.Principal, string, B, error) {
	var body B
	p, err := caseOfficer(req)
	if err != nil {
		return p, "", body, err
	}
	id, err := caseID(req)
	if err != nil {
		return p, "", body, err
	}
	err = httpapi.Decode(req, &body, httpapi.MaxBody)
	return p, id, body, err
}

// CaseAssignRequest is the body of POST /v1/cases/{case_id}/assign.
type CaseAssignRequest struct {
	Assignee string `json:"assignee" validate:"required,max=200"`
}

// Assign is POST /v1/cases/{case_id}/assign: gives the case to an officer
// (an open case is then investigating).
func (h Cases) Assign(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, body, err := caseWrite[CaseAssignRequest](req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, _, err := h.Svc.Assign(ctx, p.TenantID, id, strings.TrimSpace(body.Assignee), p.Subject)
	return caseAnswer(c, err)
}

// CaseNoteRequest is the body of POST /v1/cases/{case_id}/notes.
type CaseNoteRequest struct {
	Text string `json:"text" validate:"required,max=4000"`
}

// Note is POST /v1/cases/{case_id}/notes (Idempotency-Key): the
// officer's note. A replay answers with the first answer and adds no
// second note.
func (h Cases) Note(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, body, err := caseWrite[CaseNoteRequest](req)
	if err != nil {
		return httpapi.Response{}, err
	}
	key, err := httpapi.IdempotencyKey(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	now := h.Now
	if now == nil {
		now = time.Now
	}
	// The request is the case, the officer and the text: the same key
	// with another of them is idempotency_key_reused.
	hash := httpapi.RequestHash(OpCaseNote, []string{id, p.Subject, body.Text})
	return httpapi.Once(ctx, h.Idem, p.TenantID, OpCaseNote, key, hash, CaseNoteLease, now, func() (int, any, error) {
		c, _, err := h.Svc.Note(ctx, p.TenantID, id, p.Subject, body.Text)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, ViewCase(c), nil
	})
}

// CaseAddress is an address given as evidence.
type CaseAddress struct {
	Chain   string `json:"chain" validate:"required,oneof=ethereum tron"`
	Address string `json:"address" validate:"required,max=64"`
}

// CaseEvidenceRequest is the body of POST /v1/cases/{case_id}/evidence:
// the tenant's transfers (ids), alerts (ids) and addresses to add.
type CaseEvidenceRequest struct {
	Transfers []string      `json:"transfers,omitempty" validate:"max=50,dive,required,max=100"`
	Alerts    []string      `json:"alerts,omitempty" validate:"max=50,dive,required,max=100"`
	Addresses []CaseAddress `json:"addresses,omitempty" validate:"max=50,dive"`
}

// Evidence is POST /v1/cases/{case_id}/evidence. Each transfer and alert
// must be the tenant's (a transfer or alert of another tenant is not
// found); addresses are kept as "chain:address" (lower-case hex on
// Ethereum).
func (h Cases) Evidence(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, body, err := caseWrite[CaseEvidenceRequest](req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if len(body.Transfers)+len(body.Alerts)+len(body.Addresses) == 0 {
		return httpapi.Response{}, sg.ErrValidation.WithParam("transfers").WithMessage("name at least one transfer, alert or address")
	}
	ev := sg.CaseEvidence{}
	for i, t := range body.Transfers {
		if err := h.caseTransferKnown(ctx, p.TenantID, t, fmt.Sprintf("transfers[%d]", i)); err != nil {
			return httpapi.Response{}, err
		}
		ev.Transfers = append(ev.Transfers, t)
	}
	for i, a := range body.Alerts {
		notFound := sg.ErrNotFound.WithMessage("no such alert").WithParam(fmt.Sprintf("alerts[%d]", i))
		if !strings.HasPrefix(a, "alr_") {
			return httpapi.Response{}, notFound
		}
		if _, err := h.Svc.Store.Alert(ctx, p.TenantID, a); sg.KindOf(err) == sg.KindNotFound {
			return httpapi.Response{}, notFound
		} else if err != nil {
			return httpapi.Response{}, err
		}
		ev.Alerts = append(ev.Alerts, a)
	}
	for i, a := range body.Addresses {
		c := sg.Chain(a.Chain)
		if _, err := address.Parse(c, a.Address); err != nil {
			return httpapi.Response{}, address.ErrInvalid.WithParam(fmt.Sprintf("addresses[%d].address", i))
		}
		ev.Addresses = append(ev.Addresses, string(c)+":"+sg.ScreenKey(c, a.Address))
	}
	c, _, err := h.Svc.AddEvidence(ctx, p.TenantID, id, ev, p.Subject)
	return caseAnswer(c, err)
}

// caseTransferKnown checks that id is one of the tenant's transfers
// (not_found, naming param, when it is not).
func (h Cases) caseTransferKnown(ctx context.Context, tenant, id, param string) error {
	notFound := sg.ErrNotFound.WithMessage("no such transfer").WithParam(param)
	if !sg.ValidID("txn", id) {
		return notFound
	}
	if h.Svc.Transfers == nil {
		return nil
	}
	_, err := h.Svc.Transfers.Transfer(ctx, tenant, id)
	if sg.KindOf(err) == sg.KindNotFound {
		return notFound
	}
	return err
}

// CaseStatusRequest is the body of POST /v1/cases/{case_id}/status.
type CaseStatusRequest struct {
	Status string `json:"status" validate:"required,oneof=investigating escalated"`
}

// Status is POST /v1/cases/{case_id}/status: investigating (from open)
// or escalated (from open or investigating). Closing is a decision.
func (h Cases) Status(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, body, err := caseWrite[CaseStatusRequest](req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, _, err := h.Svc.Move(ctx, p.TenantID, id, sg.CaseStatus(body.Status), p.Subject)
	return caseAnswer(c, err)
}

// CaseDecisionRequest is the body of POST /v1/cases/{case_id}/decision.
type CaseDecisionRequest struct {
	Outcome string `json:"outcome" validate:"required,oneof=closed_no_action closed_reported"`
	Reason  string `json:"reason" validate:"required,max=2000"`
}

// Decide is POST /v1/cases/{case_id}/decision: the officer (the token's
// subject) closes the case. When the deployment requires a course, the
// officer must hold a valid certificate of it (officer_not_certified
// otherwise, and nothing is written); the certificate is kept with the
// decision.
func (h Cases) Decide(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, body, err := caseWrite[CaseDecisionRequest](req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, _, err := h.Svc.Decide(ctx, p.TenantID, id, p.Subject, sg.CaseStatus(body.Outcome), body.Reason)
	return caseAnswer(c, err)
}

// Export is GET /v1/cases/{case_id}/export?format=json|csv: the case's
// SAR-ready account (JSON by default).
func (h Cases) Export(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := caseID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	format := req.QueryStringParameters["format"]
	if format == "" {
		format = compliance.FormatJSON
	}
	b, mediaType, err := h.Svc.ExportCase(ctx, p.TenantID, id, format)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.Raw(http.StatusOK, b)
	resp.Headers["content-type"] = mediaType
	resp.Headers["content-disposition"] = fmt.Sprintf(`attachment; filename="%s.%s"`, id, format)
	return resp, nil
}
