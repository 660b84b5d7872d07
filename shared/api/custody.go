package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Custody serves policies, the allowlist, approvals, freezes and the
// decisions journal.
type Custody struct {
	Svc *custody.Service
}

// ScopePlatformAdmin lets a token freeze and unfreeze the whole platform.
const ScopePlatformAdmin = "platform:admin"

func actor(p httpapi.Principal) custody.Actor {
	return custody.Actor{Tenant: p.TenantID, Subject: p.Subject, PlatformAdmin: p.Has(ScopePlatformAdmin)}
}

// RuleBody is one rule of a policy in the API's shape.
type RuleBody struct {
	Name   string      `json:"name" validate:"required,max=64,printascii"`
	Kind   string      `json:"kind" validate:"required,oneof=amount_over destination_not_allowlisted velocity_24h_over outside_window"`
	Chain  string      `json:"chain,omitempty" validate:"omitempty,oneof=ethereum tron"`
	Amount string      `json:"amount,omitempty" validate:"max=40"`
	Window *WindowBody `json:"window,omitempty"`
	Action ActionBody  `json:"action"`
}

// WindowBody is a weekly time window.
type WindowBody struct {
	Days     []int  `json:"days" validate:"required,min=1,max=7,dive,min=0,max=6"`
	From     string `json:"from" validate:"required,len=5"`
	To       string `json:"to" validate:"required,len=5"`
	Timezone string `json:"timezone" validate:"required,max=64"`
}

// ActionBody is what follows a rule's match: reject, or approvals.
type ActionBody struct {
	Reject    bool `json:"reject,omitempty"`
	Approvals int  `json:"approvals,omitempty" validate:"min=0,max=10"`
}

// PolicyBody is the body of PUT /v1/policy and the policy's shape.
type PolicyBody struct {
	IfVersion          *int         `json:"if_version" validate:"required,min=0"`
	Rules              []RuleBody   `json:"rules" validate:"max=20,dive"`
	ApprovalTTLSeconds int64        `json:"approval_ttl_seconds" validate:"required,min=1,max=604800"`
	CoolingOffSeconds  int64        `json:"allowlist_cooling_off_seconds" validate:"min=0,max=2592000"`
	Approvers          []string     `json:"approvers,omitempty" validate:"max=50,dive,min=1,max=128"`
	UnfreezeApprovals  int          `json:"unfreeze_approvals" validate:"required,min=1,max=10"`
	Webhook            *WebhookBody `json:"approval_webhook,omitempty"`
}

// WebhookBody is the tenant's approval webhook; the secret is write-only.
type WebhookBody struct {
	URL    string `json:"url" validate:"required,max=500"`
	Secret string `json:"secret,omitempty" validate:"max=200"`
}

// WebhookView is the approval webhook as shown: never its secret.
type WebhookView struct {
	URL       string `json:"url"`
	SecretSet bool   `json:"secret_set"`
}

// PolicyView is a policy as the API shows it.
type PolicyView struct {
	Object             string       `json:"object"`
	Version            int          `json:"version"`
	Rules              []RuleBody   `json:"rules"`
	ApprovalTTLSeconds int64        `json:"approval_ttl_seconds"`
	CoolingOffSeconds  int64        `json:"allowlist_cooling_off_seconds"`
	Approvers          []string     `json:"approvers"`
	UnfreezeApprovals  int          `json:"unfreeze_approvals"`
	Webhook            *WebhookView `json:"approval_webhook"`
	UpdatedBy          *string      `json:"updated_by"`
	UpdatedAt          *string      `json:"updated_at"`
}

func viewPolicy(p sg.Policy) PolicyView {
	v := PolicyView{Object: "policy", Version: p.Version, Rules: []RuleBody{}, ApprovalTTLSeconds: int64(p.ApprovalTTL / time.Second),
		CoolingOffSeconds: int64(p.CoolingOff / time.Second), Approvers: p.Approvers, UnfreezeApprovals: p.UnfreezeApprovals}
	if v.Approvers == nil {
		v.Approvers = []string{}
	}
	if p.Webhook != nil {
		v.Webhook = &WebhookView{URL: p.Webhook.URL, SecretSet: len(p.WebhookSecretSealed) > 0}
	}
	if p.Version > 0 {
		at := p.UpdatedAt.UTC().Format(time.RFC3339)
		v.UpdatedBy, v.UpdatedAt = &p.UpdatedBy, &at
	}
	for _, r := range p.Rules {
		rb := RuleBody{Name: r.Name, Kind: string(r.Kind), Chain: string(r.Chain), Action: ActionBody{Reject: r.Reject, Approvals: r.Approvals}}
		if r.Kind == sg.RuleAmountOver || r.Kind == sg.RuleVelocity {
			rb.Amount = r.Amount.String()
		}
		if w := r.Window; w != nil {
			wb := &WindowBody{From: sg.FormatClock(w.From), To: sg.FormatClock(w.To), Timezone: w.Zone}
			for _, d := range w.Days {
				wb.Days = append(wb.Days, int(d))
			}
			rb.Window = wb
		}
		v.Rules = append(v.Rules, rb)
	}
	return v
}

// policyOf reads a request body into a policy, naming the offending field.
func policyOf(b PolicyBody) (sg.Policy, error) {
	p := sg.Policy{ApprovalTTL: time.Duration(b.ApprovalTTLSeconds) * time.Second, CoolingOff: time.Duration(b.CoolingOffSeconds) * time.Second,
		Approvers: b.Approvers, UnfreezeApprovals: b.UnfreezeApprovals}
	if b.Webhook != nil {
		p.Webhook = &sg.ApprovalWebhook{URL: b.Webhook.URL}
	}
	for i, rb := range b.Rules {
		at := "rules[" + strconv.Itoa(i) + "]"
		r := sg.Rule{Name: rb.Name, Kind: sg.RuleKind(rb.Kind), Chain: sg.Chain(rb.Chain), Reject: rb.Action.Reject, Approvals: rb.Action.Approvals}
		if r.Kind == sg.RuleAmountOver || r.Kind == sg.RuleVelocity {
			a, err := sg.ParseAmount(rb.Amount, sg.USDTDecimals)
			if e, ok := err.(*sg.Error); ok {
				return sg.Policy{}, e.WithParam(at + ".amount")
			}
			r.Amount = a
		}
		if w := rb.Window; w != nil {
			from, ok1 := sg.ParseClock(w.From)
			to, ok2 := sg.ParseClock(w.To)
			if !ok1 || !ok2 {
				return sg.Policy{}, sg.ErrValidation.WithParam(at + ".window").WithMessage("from and to are times as HH:MM")
			}
			r.Window = &sg.Window{From: from, To: to, Zone: w.Timezone}
			for _, d := range w.Days {
				r.Window.Days = append(r.Window.Days, time.Weekday(d))
			}
		}
		p.Rules = append(p.Rules, r)
	}
	return p, nil
}

// GetPolicy is GET /v1/policy.
func (h Custody) GetPolicy(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	pol, err := h.Svc.Policy(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, viewPolicy(pol)), nil
}

// PutPolicy is PUT /v1/policy: replaces the policy if if_version is the
// version in force.
func (h Custody) PutPolicy(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body PolicyBody
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	pol, err := policyOf(body)
	if err != nil {
		return httpapi.Response{}, err
	}
	var secret []byte
	if body.Webhook != nil {
		secret = []byte(body.Webhook.Secret)
	}
	out, err := h.Svc.SetPolicy(ctx, actor(p), pol, *body.IfVersion, secret)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, viewPolicy(out)), nil
}

// AllowBody is the body of POST /v1/allowlist.
type AllowBody struct {
	Chain   string `json:"chain" validate:"required,oneof=ethereum tron"`
	Address string `json:"address" validate:"required,max=64"`
	Label   string `json:"label,omitempty" validate:"max=100"`
}

// AllowView is an allowlist entry.
type AllowView struct {
	Object   string `json:"object"`
	Chain    string `json:"chain"`
	Address  string `json:"address"`
	Label    string `json:"label"`
	AddedBy  string `json:"added_by"`
	AddedAt  string `json:"added_at"`
	ActiveAt string `json:"active_at"`
	Active   bool   `json:"active"`
}

func viewAllow(e sg.AllowEntry, now time.Time) AllowView {
	return AllowView{Object: "allowlist_entry", Chain: string(e.Chain), Address: e.Address, Label: e.Label, AddedBy: e.AddedBy,
		AddedAt: e.AddedAt.Format(time.RFC3339), ActiveAt: e.ActiveAt.Format(time.RFC3339), Active: !now.Before(e.ActiveAt)}
}

// AddAllow is POST /v1/allowlist: 201 with a new entry, or 200 with the
// entry as it stands when the address is on the list already (the same
// label or none given); another label is refused (allowlist_entry_exists).
func (h Custody) AddAllow(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body AllowBody
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	c := sg.Chain(body.Chain)
	a, err := address.Parse(c, body.Address)
	if e, ok := err.(*sg.Error); ok {
		return httpapi.Response{}, e.WithParam("address")
	}
	e, again, err := h.Svc.Allow(ctx, actor(p), c, a.Format(c), body.Label)
	if err != nil {
		return httpapi.Response{}, err
	}
	if again {
		// The address (in whatever letter case it came) is on the list
		// already: the entry as it stands, unchanged.
		resp := httpapi.JSON(http.StatusOK, viewAllow(e, h.Svc.Now()))
		resp.Headers["idempotent-replayed"] = "true"
		return resp, nil
	}
	return httpapi.JSON(http.StatusCreated, viewAllow(e, h.Svc.Now())), nil
}

// ListAllow is GET /v1/allowlist.
func (h Custody) ListAllow(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	es, err := h.Svc.Allowlist(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := ListView[AllowView]{Object: "list", Data: []AllowView{}}
	for _, e := range es {
		out.Data = append(out.Data, viewAllow(e, h.Svc.Now()))
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// ListView is a list of items with no further pages.
type ListView[T any] struct {
	Object string `json:"object"`
	Data   []T    `json:"data"`
}

// DecisionBody is the body of POST /v1/withdrawals/{transfer_id}/approvals.
type DecisionBody struct {
	Decision string `json:"decision" validate:"required,oneof=approve reject"`
	Comment  string `json:"comment,omitempty" validate:"max=500"`
}

// Decide is POST /v1/withdrawals/{transfer_id}/approvals: the caller
// approves or rejects a payout waiting for approvals. The same decision
// sent again answers with the payout as it stands.
func (h Custody) Decide(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body DecisionBody
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	t, replayed, err := h.Svc.Decide(ctx, actor(p), req.PathParameters["transfer_id"], body.Decision == "approve", body.Comment)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusOK, ViewTransfer(t))
	if replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// FreezeBody is the body of POST /v1/freezes.
type FreezeBody struct {
	Scope    string `json:"scope" validate:"required,oneof=wallet tenant platform"`
	WalletID string `json:"wallet_id,omitempty" validate:"required_if=Scope wallet,excluded_unless=Scope wallet,max=64"`
	Reason   string `json:"reason" validate:"required,max=500"`
}

// VoteView is one approval of an unfreeze.
type VoteView struct {
	Approver string `json:"approver"`
	Comment  string `json:"comment"`
	At       string `json:"at"`
}

// FreezeView is a freeze.
type FreezeView struct {
	ID       string     `json:"id"`
	Object   string     `json:"object"`
	Scope    string     `json:"scope"`
	WalletID *string    `json:"wallet_id"`
	Reason   string     `json:"reason"`
	By       string     `json:"frozen_by"`
	At       string     `json:"frozen_at"`
	Required int        `json:"unfreeze_approvals_required"`
	Votes    []VoteView `json:"unfreeze_approvals"`
	Lifted   bool       `json:"lifted"`
	LiftedAt *string    `json:"lifted_at"`
}

func viewFreeze(f sg.Freeze) FreezeView {
	v := FreezeView{ID: f.ID, Object: "freeze", Scope: string(f.Scope), Reason: f.Reason, By: f.By, At: f.At.Format(time.RFC3339Nano),
		Required: f.Required, Votes: []VoteView{}, Lifted: f.Lifted}
	if f.WalletID != "" {
		v.WalletID = &f.WalletID
	}
	for _, a := range f.Votes {
		v.Votes = append(v.Votes, VoteView{Approver: a.Approver, Comment: a.Comment, At: a.At.Format(time.RFC3339Nano)})
	}
	if f.Lifted {
		at := f.LiftedAt.Format(time.RFC3339Nano)
		v.LiftedAt = &at
	}
	return v
}

// Freeze is POST /v1/freezes: stops payouts of a wallet, the tenant, or
// (with platform:admin) the platform, at their next step.
func (h Custody) Freeze(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body FreezeBody
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	f, err := h.Svc.Freeze(ctx, actor(p), sg.FreezeScope(body.Scope), body.WalletID, body.Reason)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, viewFreeze(f)), nil
}

// ListFreezes is GET /v1/freezes.
func (h Custody) ListFreezes(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	fs, err := h.Svc.Freezes(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := ListView[FreezeView]{Object: "list", Data: []FreezeView{}}
	for _, f := range fs {
		out.Data = append(out.Data, viewFreeze(f))
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// VoteBody is the body of POST /v1/freezes/{freeze_id}/approvals.
type VoteBody struct {
	Comment string `json:"comment" validate:"required,max=500"`
}

// VoteUnfreeze is POST /v1/freezes/{freeze_id}/approvals: one approval to
// lift the freeze; the last one needed lifts it and queues the payouts it
// stopped.
func (h Custody) VoteUnfreeze(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body VoteBody
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	f, err := h.Svc.VoteUnfreeze(ctx, actor(p), req.PathParameters["freeze_id"], body.Comment)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, viewFreeze(f)), nil
}

// JournalView is one journaled decision.
type JournalView struct {
	Object  string `json:"object"`
	At      string `json:"at"`
	Actor   string `json:"actor"`
	Action  string `json:"action"`
	Subject string `json:"subject"`
	Detail  string `json:"detail"`
}

// JournalPage is a page of the journal, newest first.
type JournalPage struct {
	Object     string        `json:"object"`
	Data       []JournalView `json:"data"`
	NextBefore *string       `json:"next_before"`
}

// Journal is GET /v1/journal?limit=&before=: the tenant's decisions.
func (h Custody) Journal(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	limit, before := 50, int64(0)
	if v := req.QueryStringParameters["limit"]; v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 200 {
			return httpapi.Response{}, sg.ErrValidation.WithParam("limit").WithMessage("limit is 1 to 200")
		}
	}
	if v := req.QueryStringParameters["before"]; v != "" {
		at, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return httpapi.Response{}, sg.ErrValidation.WithParam("before").WithMessage("before is an RFC 3339 time from next_before")
		}
		before = at.UnixMicro()
	}
	journal := p.TenantID
	switch req.QueryStringParameters["scope"] {
	case "", "tenant":
	case "platform":
		// The platform's own decisions: platform freezes and their lifting,
		// hot key rotations, Tron sweep grants.
		if !p.Has(ScopePlatformAdmin) {
			return httpapi.Response{}, sg.ErrForbidden.WithParam("scope").WithMessage("the platform's journal needs the platform:admin scope")
		}
		journal = sg.PlatformTenant
	default:
		return httpapi.Response{}, sg.ErrValidation.WithParam("scope").WithMessage("scope is tenant or platform")
	}
	js, err := h.Svc.Journal(ctx, journal, limit, before)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := JournalPage{Object: "list", Data: []JournalView{}}
	for _, j := range js {
		out.Data = append(out.Data, JournalView{Object: "journal_entry", At: j.At.Format(time.RFC3339Nano), Actor: j.Actor, Action: j.Action, Subject: j.Subject, Detail: j.Detail})
	}
	if len(js) == limit {
		nb := js[len(js)-1].At.Format(time.RFC3339Nano)
		out.NextBefore = &nb
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// RotationView is a hot key rotation.
type RotationView struct {
	ID          string            `json:"id"`
	Object      string            `json:"object"`
	State       string            `json:"state"`
	Note        string            `json:"note"`
	RequestedBy string            `json:"requested_by"`
	RequestedAt string            `json:"requested_at"`
	OldAddress  *string           `json:"old_address"`
	NewAddress  *string           `json:"new_address"`
	Steps       map[string]string `json:"steps"`
	EndedAt     *string           `json:"ended_at"`
}

func viewRotation(r sg.Rotation) RotationView {
	v := RotationView{ID: r.ID, Object: "hot_key_rotation", State: r.State, Note: r.Note, RequestedBy: r.RequestedBy,
		RequestedAt: r.RequestedAt.Format(time.RFC3339Nano), OldAddress: optional(r.OldAddr), NewAddress: optional(r.NewAddr), Steps: r.Steps}
	if v.Steps == nil {
		v.Steps = map[string]string{}
	}
	if !r.EndedAt.IsZero() {
		e := r.EndedAt.Format(time.RFC3339Nano)
		v.EndedAt = &e
	}
	return v
}

// RequestRotation is POST /v1/platform/hot-key-rotations.
func (h Custody) RequestRotation(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	r, err := custody.RequestRotation(ctx, h.Svc.Rotations, actor(p), h.Svc.Now())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, viewRotation(r)), nil
}

// GetRotation is GET /v1/platform/hot-key-rotations/current: the rotation
// under way, or the last one.
func (h Custody) GetRotation(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if _, err := httpapi.PrincipalOf(req); err != nil {
		return httpapi.Response{}, err
	}
	r, ok, err := h.Svc.Rotations.Rotation(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !ok {
		return httpapi.Response{}, sg.ErrNotFound.WithMessage("the hot key has never been rotated")
	}
	return httpapi.JSON(http.StatusOK, viewRotation(r)), nil
}
