package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// secret stands for an internal detail (a table name, a key id, an SDK
// message) that must reach the log and never the client.
const secret = "dynamodb: table stablegate-main: ProvisionedThroughputExceeded"

// Wrap turns the error a handler returns into the error response, as Fail
// writes it (status from the kind, the one error body, internal details
// logged and never sent), turns a panic into a 500, passes a success
// through, and never returns an error to Lambda.
func TestWrapTurnsErrorsIntoResponses(t *testing.T) {
	ok := Response{StatusCode: 201, Headers: map[string]string{"content-type": "application/json", "x-extra": "1"}, Body: `{"id":"wal_1"}`}
	for _, c := range []struct {
		name    string
		handler Handler
		status  int
		body    *ErrorDetail // nil: the handler's own response passes through
		logged  bool         // a "request failed" line with the cause
	}{
		{name: "success passes through", handler: answer(ok, nil), status: 201},
		{name: "invalid is 400", handler: answer(Response{}, sg.ErrValidation.WithParam("amount").WithMessage("amount is required")), status: 400,
			body: &ErrorDetail{Code: "validation_failed", Message: "amount is required", Param: "amount"}},
		{name: "unauthenticated is 401", handler: answer(Response{}, sg.ErrUnauthenticated), status: 401,
			body: &ErrorDetail{Code: "unauthenticated", Message: sg.ErrUnauthenticated.Message}},
		{name: "forbidden is 403", handler: answer(Response{}, sg.ErrForbidden), status: 403,
			body: &ErrorDetail{Code: "forbidden", Message: sg.ErrForbidden.Message}},
		{name: "not found is 404", handler: answer(Response{}, sg.ErrNotFound.WithParam("wallet_id")), status: 404,
			body: &ErrorDetail{Code: "not_found", Message: sg.ErrNotFound.Message, Param: "wallet_id"}},
		{name: "conflict is 409", handler: answer(Response{}, sg.ErrIdempotencyKeyReused), status: 409,
			body: &ErrorDetail{Code: "idempotency_key_reused", Message: sg.ErrIdempotencyKeyReused.Message, Param: "Idempotency-Key"}},
		{name: "too large is 413", handler: answer(Response{}, sg.ErrBodyTooLarge), status: 413,
			body: &ErrorDetail{Code: "body_too_large", Message: sg.ErrBodyTooLarge.Message}},
		{name: "unsupported is 415", handler: answer(Response{}, sg.ErrUnsupportedMediaType.WithParam("Content-Type")), status: 415,
			body: &ErrorDetail{Code: "unsupported_media_type", Message: sg.ErrUnsupportedMediaType.Message, Param: "Content-Type"}},
		{name: "refused is 422", handler: answer(Response{}, sg.ErrInsufficientFunds), status: 422,
			body: &ErrorDetail{Code: "insufficient_funds", Message: sg.ErrInsufficientFunds.Message, Param: "amount"}},
		{name: "unavailable is 503 and logged", handler: answer(Response{}, sg.Unavailable("ledger.post", errors.New(secret))), status: 503,
			body: &ErrorDetail{Code: "service_unavailable", Message: sg.ErrUnavailable.Message}, logged: true},
		{name: "internal is 500 and logged", handler: answer(Response{}, sg.Internal("ledger.post", errors.New(secret))), status: 500,
			body: &ErrorDetail{Code: "internal_error", Message: sg.ErrInternal.Message}, logged: true},
		{name: "an error that is no *sg.Error is internal", handler: answer(Response{}, errors.New(secret)), status: 500,
			body: &ErrorDetail{Code: "internal_error", Message: sg.ErrInternal.Message}, logged: true},
		{name: "a wrapped *sg.Error keeps its kind", handler: answer(Response{}, fmt.Errorf("api.create wal_1: %w", sg.ErrNotFound)), status: 404,
			body: &ErrorDetail{Code: "not_found", Message: sg.ErrNotFound.Message}},
		{name: "the error wins over a response returned with it", handler: answer(ok, sg.ErrForbidden), status: 403,
			body: &ErrorDetail{Code: "forbidden", Message: sg.ErrForbidden.Message}},
		{name: "a panic is 500 and logged", handler: func(context.Context, Request) (Response, error) { panic(secret) }, status: 500,
			body: &ErrorDetail{Code: "internal_error", Message: sg.ErrInternal.Message}, logged: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log bytes.Buffer
			req := Request{RouteKey: "POST /v1/wallets"}
			req.RequestContext.RequestID = "req-123"
			resp, err := wrap("wallets-create", c.handler, &log)(context.Background(), req)
			if err != nil {
				t.Fatalf("the wrapped handler returned error %v; Lambda must get a response", err)
			}
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d (body %s)", resp.StatusCode, c.status, resp.Body)
			}
			if c.body == nil {
				if !reflect.DeepEqual(resp, ok) {
					t.Fatalf("response %+v, want the handler's %+v", resp, ok)
				}
				return
			}
			if ct := resp.Headers["content-type"]; ct != "application/json" {
				t.Errorf("content-type %q", ct)
			}
			var got ErrorBody
			dec := json.NewDecoder(strings.NewReader(resp.Body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("body %s: %v", resp.Body, err)
			}
			want := *c.body
			want.RequestID = "req-123"
			if got.Error != want {
				t.Errorf("body %+v, want %+v", got.Error, want)
			}
			if strings.Contains(resp.Body, "ProvisionedThroughput") || strings.Contains(resp.Body, "ledger.post") {
				t.Errorf("body leaks an internal detail: %s", resp.Body)
			}
			failed := logLines(t, log.Bytes(), func(l map[string]any) bool { return l["msg"] == "request failed" || l["msg"] == "panic" })
			if c.logged != (len(failed) > 0) {
				t.Errorf("failure logged: %v, want %v; log:\n%s", len(failed) > 0, c.logged, log.String())
			}
			if c.logged && !strings.Contains(log.String(), secret) {
				t.Errorf("the log lacks the cause; log:\n%s", log.String())
			}
			access := logLines(t, log.Bytes(), func(l map[string]any) bool { return l["msg"] == "request" })
			if len(access) != 1 || access[0]["status"] != float64(c.status) || access[0]["request_id"] != "req-123" {
				t.Errorf("access log %v, want one line with status %d", access, c.status)
			}
		})
	}
}

// Under Wrap a returned error answers exactly as Fail did when handlers
// returned Fail(ctx, req, err), nil themselves: same status, headers, body.
func TestWrapAnswersAsFail(t *testing.T) {
	req := Request{}
	req.RequestContext.RequestID = "req-9"
	for _, err := range []error{sg.ErrNotFound, sg.ErrValidation.WithParam("x"), sg.ErrInsufficientFunds, sg.Internal("op", errors.New("boom")), errors.New("plain")} {
		got, werr := wrap("f", answer(Response{}, err), &bytes.Buffer{})(context.Background(), req)
		want := Fail(context.Background(), req, err)
		if werr != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%v: Wrap answered %+v, %v; Fail answers %+v", err, got, werr, want)
		}
	}
}

func answer(resp Response, err error) Handler {
	return func(context.Context, Request) (Response, error) { return resp, err }
}

// logLines decodes the JSON log lines in b that keep.
func logLines(t *testing.T, b []byte, keep func(map[string]any) bool) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var l map[string]any
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if keep(l) {
			out = append(out, l)
		}
	}
	return out
}
