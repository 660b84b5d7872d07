// Package hookapi serves a tenant's webhooks over HTTP: endpoints (create
// with a secret shown once, read, list, change, delete, rotate the secret,
// send a test event), each endpoint's delivery log and replays, and the
// events themselves. The rules live in shared/notify; this package
// decodes, validates and renders in the shapes of infra/openapi.yaml.
//
// Every POST takes an Idempotency-Key: a retry answers as the first call
// did. The stored first answer of a create or a rotation carries the new
// secret, so stored answers are sealed (Sealer, purpose AnswerPurpose) and
// opened only to answer a replay of the same request.
package hookapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/lazy"
	"github.com/stablegate/stablegate/shared/notify"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Scopes of the webhook routes.
const (
	ScopeWrite = "webhooks:write"
	ScopeRead  = "webhooks:read"
)

// Operations named in idempotency records.
const (
	OpCreate = "webhook_endpoints.create"
	OpRotate = "webhook_endpoints.rotate_secret"
	OpTest   = "webhook_endpoints.test"
	OpReplay = "webhook_endpoints.replay"
)

// AnswerPurpose is the envelope purpose of stored first answers.
const AnswerPurpose = "webhook-api-answer"

// Lease is how long a POST holds its idempotency key before answering (a
// crashed call's key is free again after it).
const Lease = 30 * time.Second

// Handlers serve the webhook routes.
type Handlers struct {
	Svc *notify.Service
	// Idem holds the POST routes' idempotency keys (nil: none kept).
	Idem sg.IdempotencyClaims
	// Sealer seals the stored first answers (nil: Svc.Sealer).
	Sealer sg.Sealer
}

func (h Handlers) now() time.Time {
	if h.Svc.Now != nil {
		return h.Svc.Now().UTC()
	}
	return time.Now().UTC()
}

func (h Handlers) sealer() sg.Sealer {
	if h.Sealer != nil {
		return h.Sealer
	}
	return h.Svc.Sealer
}

// CreateRequest is the body of POST /v1/webhook-endpoints.
type CreateRequest struct {
	URL           string   `json:"url" validate:"required,max=500"`
	Description   string   `json:"description,omitempty" validate:"max=500"`
	EnabledEvents []string `json:"enabled_events" validate:"required,min=1,max=64,dive,max=100"`
}

// UpdateRequest is the body of PATCH /v1/webhook-endpoints/{endpoint_id}:
// absent fields stay as they are.
type UpdateRequest struct {
	URL           *string   `json:"url,omitempty" validate:"omitempty,max=500"`
	Description   *string   `json:"description,omitempty" validate:"omitempty,max=500"`
	EnabledEvents *[]string `json:"enabled_events,omitempty" validate:"omitempty,min=1,max=64,dive,max=100"`
	Status        *string   `json:"status,omitempty" validate:"omitempty,oneof=enabled disabled"`
}

// RotateRequest is the (optional) body of POST .../rotate-secret.
type RotateRequest struct {
	// OverlapSeconds is how long the old secret keeps signing (0 or
	// absent: 24 hours; at most 7 days).
	OverlapSeconds int64 `json:"overlap_seconds,omitempty" validate:"min=0,max=604800"`
}

// ReplayRequest is the body of POST .../replay: one event_id, or a range
// from..to (RFC 3339, at most 30 days).
type ReplayRequest struct {
	EventID string `json:"event_id,omitempty" validate:"max=64"`
	From    string `json:"from,omitempty" validate:"max=64"`
	To      string `json:"to,omitempty" validate:"max=64"`
}

// ReplayView answers a replay.
type ReplayView struct {
	Object     string `json:"object"`
	EndpointID string `json:"endpoint_id"`
	Queued     int    `json:"queued"`
}

// DeletedView answers a delete.
type DeletedView struct {
	Object  string `json:"object"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// DeliveryView is one attempt in an endpoint's delivery log.
type DeliveryView struct {
	Object        string  `json:"object"`
	EventID       string  `json:"event_id"`
	EventType     string  `json:"event_type"`
	Attempt       int     `json:"attempt"`
	At            string  `json:"at"`
	StatusCode    *int    `json:"status_code"`
	DurationMS    int64   `json:"duration_ms"`
	ErrorClass    string  `json:"error_class,omitempty"`
	Outcome       string  `json:"outcome"`
	NextAttemptAt *string `json:"next_attempt_at,omitempty"`
	Replay        bool    `json:"replay"`
}

// ViewDelivery renders an attempt in the spec's shape.
func ViewDelivery(d sg.Delivery) DeliveryView {
	v := DeliveryView{Object: "webhook_delivery", EventID: d.EventID, EventType: d.EventType, Attempt: d.Attempt,
		At: d.At.UTC().Format(time.RFC3339Nano), DurationMS: d.Duration.Milliseconds(), ErrorClass: d.ErrorClass, Outcome: d.Outcome,
		Replay: strings.HasPrefix(d.JobKey, "rpl_")}
	if d.StatusCode != 0 {
		s := d.StatusCode
		v.StatusCode = &s
	}
	if !d.NextAttemptAt.IsZero() {
		s := d.NextAttemptAt.UTC().Format(time.RFC3339Nano)
		v.NextAttemptAt = &s
	}
	return v
}

// once runs a POST under its Idempotency-Key: the first call does the work
// and stores its answer sealed; a retry with the same request answers the
// same; the key with another request is idempotency_key_reused.
func (h Handlers) once(ctx context.Context, p httpapi.Principal, op, key, hash string, do func() (int, any, error)) (httpapi.Response, error) {
	sc := sg.SealContext{Tenant: p.TenantID, Purpose: AnswerPurpose}
	if h.Idem != nil {
		rec, claimed, err := h.Idem.ClaimIdempotency(ctx, p.TenantID, op, key, hash, Lease)
		if err != nil {
			return httpapi.Response{}, err
		}
		if !claimed {
			switch {
			case rec.RequestHash != hash:
				return httpapi.Response{}, sg.ErrIdempotencyKeyReused
			case rec.Status == 0:
				return httpapi.Response{}, sg.ErrIdempotencyInProgress
			}
			body, err := h.sealer().Open(ctx, sc, rec.Response)
			if err != nil {
				return httpapi.Response{}, sg.Internal("hookapi.replay", err)
			}
			rec.Response = body
			return httpapi.Replay(rec), nil
		}
	}
	release := func() {
		if h.Idem != nil {
			h.Idem.ReleaseIdempotency(ctx, p.TenantID, op, key, hash) //nolint:errcheck // the lease ends it anyway
		}
	}
	status, v, err := do()
	if err != nil {
		release()
		return httpapi.Response{}, err
	}
	out, err := json.Marshal(v)
	if err != nil {
		release()
		return httpapi.Response{}, sg.Internal("hookapi.marshal", err)
	}
	if h.Idem != nil {
		sealed, err := h.sealer().Seal(ctx, sc, out)
		if err != nil {
			// The work is done; the key stays claimed until its lease ends.
			return httpapi.Response{}, err
		}
		err = h.Idem.CompleteIdempotency(ctx, sg.Idempotency{TenantID: p.TenantID, Operation: op, Key: key, RequestHash: hash,
			Status: status, Response: sealed, CreatedAt: h.now()})
		if err != nil && !errors.Is(err, sg.ErrIdempotencyInProgress) {
			return httpapi.Response{}, err
		}
	}
	return httpapi.Raw(status, out), nil
}

// post reads a POST's principal, Idempotency-Key and body (an empty body
// is {} when optional).
func post(req httpapi.Request, dst any, optional bool) (httpapi.Principal, string, error) {
	if optional && strings.TrimSpace(req.Body) == "" {
		p, err := httpapi.PrincipalOf(req)
		if err != nil {
			return p, "", err
		}
		k, err := httpapi.IdempotencyKey(req)
		return p, k, err
	}
	return httpapi.CreateRequest(req, dst)
}

// Create is POST /v1/webhook-endpoints: the answer (201) is the only one
// that shows the secret.
func (h Handlers) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body CreateRequest
	p, key, err := post(req, &body, false)
	if err != nil {
		return httpapi.Response{}, err
	}
	return h.once(ctx, p, OpCreate, key, httpapi.RequestHash(OpCreate, body), func() (int, any, error) {
		e, secret, err := h.Svc.CreateEndpoint(ctx, p.TenantID, notify.EndpointInput{URL: body.URL, Description: body.Description, EnabledEvents: body.EnabledEvents})
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, notify.View(e, secret, h.now()), nil
	})
}

// endpointID reads the path's endpoint id; a malformed one is not_found.
func endpointID(req httpapi.Request) (string, error) {
	id := req.PathParameters["endpoint_id"]
	if !idRE.MatchString(id) {
		return "", sg.ErrNotFound
	}
	return id, nil
}

var idRE = &lazy.Regexp{Expr: `^[a-z]{2,4}_[0-9a-f]{1,60}$`}

// Get is GET /v1/webhook-endpoints/{endpoint_id}.
func (h Handlers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := endpointID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	e, err := h.Svc.Endpoint(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, notify.View(e, "", h.now())), nil
}

// List is GET /v1/webhook-endpoints (a tenant has at most 16: one page).
func (h Handlers) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	eps, err := h.Svc.Endpoints(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	now := h.now()
	out := api.List[notify.EndpointView]{Object: "list", Data: make([]notify.EndpointView, 0, len(eps))}
	for _, e := range eps {
		out.Data = append(out.Data, notify.View(e, "", now))
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Update is PATCH /v1/webhook-endpoints/{endpoint_id}.
func (h Handlers) Update(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := endpointID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body UpdateRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	e, err := h.Svc.UpdateEndpoint(ctx, p.TenantID, id, notify.EndpointPatch{URL: body.URL, Description: body.Description,
		EnabledEvents: body.EnabledEvents, Status: body.Status})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, notify.View(e, "", h.now())), nil
}

// Delete is DELETE /v1/webhook-endpoints/{endpoint_id}: its queued
// deliveries die.
func (h Handlers) Delete(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := endpointID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.DeleteEndpoint(ctx, p.TenantID, id); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, DeletedView{Object: "webhook_endpoint", ID: id, Deleted: true}), nil
}

// RotateSecret is POST /v1/webhook-endpoints/{endpoint_id}/rotate-secret:
// the answer shows the new secret once; the old one signs beside it for
// the overlap.
func (h Handlers) RotateSecret(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body RotateRequest
	p, key, err := post(req, &body, true)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := endpointID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return h.once(ctx, p, OpRotate, key, httpapi.RequestHash(OpRotate, struct {
		ID string
		RotateRequest
	}{id, body}), func() (int, any, error) {
		e, secret, err := h.Svc.RotateSecret(ctx, p.TenantID, id, time.Duration(body.OverlapSeconds)*time.Second)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, notify.View(e, secret, h.now()), nil
	})
}

// Test is POST /v1/webhook-endpoints/{endpoint_id}/test: a webhook.test
// event to this endpoint only (202; see its delivery log).
func (h Handlers) Test(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var none struct{}
	p, key, err := post(req, &none, true)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := endpointID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	return h.once(ctx, p, OpTest, key, httpapi.RequestHash(OpTest, id), func() (int, any, error) {
		ev, err := h.Svc.TestSend(ctx, p.TenantID, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, notify.EventView(ev), nil
	})
}

// Replay is POST /v1/webhook-endpoints/{endpoint_id}/replay: one event, or
// every event of a range the endpoint takes, sent again under their ids.
func (h Handlers) Replay(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body ReplayRequest
	p, key, err := post(req, &body, false)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := endpointID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	in := notify.ReplayInput{EventID: body.EventID}
	for _, f := range []struct {
		name, v string
		dst     *time.Time
	}{{"from", body.From, &in.From}, {"to", body.To, &in.To}} {
		if f.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, f.v)
		if err != nil {
			return httpapi.Response{}, sg.ErrReplayRange.WithParam(f.name).WithMessage("%s must be an RFC 3339 time such as 2026-12-01T00:00:00Z", f.name)
		}
		*f.dst = t.UTC()
	}
	return h.once(ctx, p, OpReplay, key, httpapi.RequestHash(OpReplay, struct {
		ID string
		ReplayRequest
	}{id, body}), func() (int, any, error) {
		n, err := h.Svc.Replay(ctx, p.TenantID, id, in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusAccepted, ReplayView{Object: "webhook_replay", EndpointID: id, Queued: n}, nil
	})
}

// Deliveries is GET /v1/webhook-endpoints/{endpoint_id}/deliveries: the
// delivery log, newest first.
func (h Handlers) Deliveries(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := endpointID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	page, err := api.PageOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	ds, next, err := h.Svc.Deliveries(ctx, p.TenantID, id, page)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := api.List[DeliveryView]{Object: "list", Data: make([]DeliveryView, 0, len(ds)), HasMore: next != ""}
	for _, d := range ds {
		out.Data = append(out.Data, ViewDelivery(d))
	}
	if next != "" {
		out.NextCursor = &next
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// EventFilter is what GET /v1/events narrows by.
type EventFilter struct {
	Type     string // "invoice.paid" or "invoice.*"; "" is every type
	From, To time.Time
}

var typeRE = &lazy.Regexp{Expr: `^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$`}

// EventFilterOf reads ?type=&created_from=&created_to=.
func EventFilterOf(q map[string]string) (EventFilter, error) {
	var f EventFilter
	if v, ok := q["type"]; ok {
		if len(v) > 100 || !typeRE.MatchString(v) || !strings.Contains(v, ".") {
			return f, sg.ErrEventTypeInvalid.WithParam("type").WithMessage(`type is an event type such as "invoice.paid", or "invoice.*"`)
		}
		f.Type = v
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"created_from", &f.From}, {"created_to", &f.To}} {
		if v, ok := q[p.name]; ok {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, sg.ErrValidation.WithParam(p.name).WithMessage("%s must be an RFC 3339 time such as 2026-12-01T00:00:00Z", p.name)
			}
			*p.dst = t.UTC()
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, sg.ErrValidation.WithParam("created_to").WithMessage("created_to must be after created_from")
	}
	return f, nil
}

func (f EventFilter) takes(typ string) bool {
	switch {
	case f.Type == "":
		return true
	case strings.HasSuffix(f.Type, ".*"):
		return strings.HasPrefix(typ, strings.TrimSuffix(f.Type, "*"))
	}
	return typ == f.Type
}

// maxScans bounds the pages one filtered list reads before it answers
// with what it found and a cursor to go on from.
const maxScans = 20

// Events is GET /v1/events: the tenant's events, oldest first.
func (h Handlers) Events(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	f, err := EventFilterOf(req.QueryStringParameters)
	if err != nil {
		return httpapi.Response{}, err
	}
	page, err := api.PageOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := api.List[json.RawMessage]{Object: "list", Data: []json.RawMessage{}}
	want := page.Limit
	var next string
	for range maxScans {
		// Each read asks for what is still wanted, so a filtered page
		// never holds more and the cursor never skips an event.
		page.Limit = want - len(out.Data)
		evs, n, err := h.Svc.Events(ctx, p.TenantID, f.From, f.To, page)
		if err != nil {
			return httpapi.Response{}, err
		}
		for _, ev := range evs {
			if f.takes(ev.Type) {
				out.Data = append(out.Data, notify.EventView(ev))
			}
		}
		next = n
		if next == "" || len(out.Data) >= want {
			break
		}
		page.Cursor = next
	}
	if next != "" {
		out.HasMore, out.NextCursor = true, &next
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Event is GET /v1/events/{event_id}.
func (h Handlers) Event(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id := req.PathParameters["event_id"]
	if !strings.HasPrefix(id, "evt_") || len(id) > 64 {
		return httpapi.Response{}, sg.ErrNotFound
	}
	ev, err := h.Svc.Event(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.Raw(http.StatusOK, notify.EventView(ev)), nil
}
