// Package auditapi serves the audit chain: GET /v1/audit (a scope's
// records, a page at a time, newest or oldest first), GET
// /v1/audit/{seq}/proof (one record's proof against the latest anchor,
// which cmd/auditverify -proof or audit.CheckProof checks) and GET
// /v1/audit/export (the whole chain as JSON lines for cmd/auditverify).
//
// A tenant reads its own chain; with scope=platform (and the platform:admin
// scope too) the platform's. Records hold ids, states and hashes, never
// PII: see dynamo.AuditChange for what the projector writes.
package auditapi

import (
	"bytes"
	"context"
	"io"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ScopeRead is the scope of every audit route.
const ScopeRead = "audit:read"

// scopePlatformAdmin lets a token read the platform's chain (api.ScopePlatformAdmin).
const scopePlatformAdmin = "platform:admin"

// MaxExport is the most records GET /v1/audit/export answers with (a
// Lambda response is at most 6 MB; a record's line is about 450 bytes).
const MaxExport = 10000

// ErrExportTooLarge: the chain has more records than one export holds.
var ErrExportTooLarge = &sg.Error{Kind: sg.KindRefused, Code: "audit_export_too_large",
	Message: "the audit chain holds more records than one export (10000); read it with GET /v1/audit pages and the proofs, or export it with the service (audit.Service.Export)"}

// Log is what the handlers read (audit.Service).
type Log interface {
	Head(ctx context.Context, scope string) (sg.AuditHead, error)
	Records(ctx context.Context, scope string, from, to int64) iter.Seq2[sg.AuditRecord, error]
	Proof(ctx context.Context, scope string, seq int64) (audit.Proof, error)
	Export(ctx context.Context, w io.Writer, scope string) error
}

// Handlers serves the audit routes over a Log.
type Handlers struct{ Log Log }

// RecordView is one record as the API shows it: the export line's fields,
// so a page's records can be hashed again (sg.AuditHash) as they are.
type RecordView struct {
	Object  string `json:"object"`
	Scope   string `json:"scope"`
	Seq     int64  `json:"seq"`
	At      string `json:"at"`
	Actor   string `json:"actor"`
	Action  string `json:"action"`
	Subject string `json:"subject"`
	Detail  string `json:"detail"`
	Prev    string `json:"prev"`
	Hash    string `json:"hash"`
}

// ViewRecord is r as the API shows it.
func ViewRecord(r sg.AuditRecord) RecordView {
	l := audit.RecordLine(r)
	return RecordView{Object: "audit_record", Scope: l.Scope, Seq: l.Seq, At: l.At, Actor: l.Actor, Action: l.Action, Subject: l.Subject,
		Detail: l.Detail, Prev: l.Prev, Hash: l.Hash}
}

// HeadView is a scope's head.
type HeadView struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Page is a page of records.
type Page struct {
	Object     string       `json:"object"`
	Scope      string       `json:"scope"`
	Order      string       `json:"order"`
	Head       HeadView     `json:"head"`
	Data       []RecordView `json:"data"`
	NextCursor *string      `json:"next_cursor"`
}

// scopeOf is the chain the request reads: the tenant's, or with
// scope=platform the platform's (platform:admin too).
func scopeOf(req httpapi.Request) (string, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return "", err
	}
	switch req.QueryStringParameters["scope"] {
	case "", "tenant":
		return p.TenantID, nil
	case "platform":
		if !p.Has(scopePlatformAdmin) {
			return "", sg.ErrForbidden.WithParam("scope").WithMessage("the platform's audit chain needs the platform:admin scope")
		}
		return sg.AuditPlatformScope, nil
	}
	return "", sg.ErrValidation.WithParam("scope").WithMessage("scope is tenant or platform")
}

// List is GET /v1/audit?order=&limit=&cursor=&scope=.
func (h Handlers) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	scope, err := scopeOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	q := req.QueryStringParameters
	limit := 50
	if v := q["limit"]; v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 200 {
			return httpapi.Response{}, sg.ErrValidation.WithParam("limit").WithMessage("limit is 1 to 200")
		}
	}
	order := q["order"]
	switch order {
	case "":
		order = "desc"
	case "asc", "desc":
	default:
		return httpapi.Response{}, sg.ErrValidation.WithParam("order").WithMessage("order is asc (oldest first) or desc (newest first)")
	}
	var cursor int64
	if v := q["cursor"]; v != "" {
		if cursor, err = strconv.ParseInt(v, 10, 64); err != nil || cursor < 1 || strconv.FormatInt(cursor, 10) != v {
			return httpapi.Response{}, sg.ErrInvalidCursor
		}
	}
	head, err := h.Log.Head(ctx, scope)
	if err != nil {
		return httpapi.Response{}, err
	}
	// The cursor is the seq the next page starts after (asc) or before
	// (desc); the page is read oldest first and turned round for desc.
	var from, to int64
	if order == "asc" {
		from, to = cursor+1, min(cursor+int64(limit), head.Seq)
	} else {
		to = head.Seq
		if cursor > 0 {
			to = min(cursor-1, head.Seq)
		}
		from = max(to-int64(limit)+1, 1)
	}
	out := Page{Object: "list", Scope: scope, Order: order, Head: HeadView{Seq: head.Seq, Hash: head.Hash}, Data: []RecordView{}}
	if from <= to {
		for r, err := range h.Log.Records(ctx, scope, from, to) {
			if err != nil {
				return httpapi.Response{}, err
			}
			out.Data = append(out.Data, ViewRecord(r))
		}
	}
	if order == "desc" {
		for i, j := 0, len(out.Data)-1; i < j; i, j = i+1, j-1 {
			out.Data[i], out.Data[j] = out.Data[j], out.Data[i]
		}
	}
	if n := len(out.Data); n > 0 {
		last := out.Data[n-1].Seq
		if (order == "asc" && last < head.Seq) || (order == "desc" && last > 1) {
			c := strconv.FormatInt(last, 10)
			out.NextCursor = &c
		}
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Proof is GET /v1/audit/{seq}/proof?scope=: the record's proof document
// (audit.ProofDoc), to the first anchor at or after it, or to the head
// when none is yet.
func (h Handlers) Proof(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	scope, err := scopeOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	v := req.PathParameters["seq"]
	seq, err := strconv.ParseInt(v, 10, 64)
	if err != nil || seq < 1 || strconv.FormatInt(seq, 10) != v {
		return httpapi.Response{}, sg.ErrValidation.WithParam("seq").WithMessage("seq is a record's number, from 1")
	}
	p, err := h.Log.Proof(ctx, scope, seq)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, p.Doc()), nil
}

// Export is GET /v1/audit/export?scope=: the chain as JSON lines (the
// head, the anchors, then every record from 1), as audit.Service.Export
// writes them and cmd/auditverify reads them.
func (h Handlers) Export(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	scope, err := scopeOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	head, err := h.Log.Head(ctx, scope)
	if err != nil {
		return httpapi.Response{}, err
	}
	if head.Seq > MaxExport {
		return httpapi.Response{}, ErrExportTooLarge
	}
	var buf bytes.Buffer
	if err := h.Log.Export(ctx, &buf, scope); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.Response{StatusCode: http.StatusOK, Body: buf.String(), Headers: map[string]string{
		"content-type": "application/x-ndjson", "cache-control": "no-store",
		"content-disposition": `attachment; filename="audit-` + scope + "-" + time.Now().UTC().Format("20060102T150405Z") + `.jsonl"`}}, nil
}

var _ Log = (*audit.Service)(nil)
