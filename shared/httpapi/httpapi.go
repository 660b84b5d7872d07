// Package httpapi is the edge between API Gateway HTTP API (payload v2) and
// the services: it reads the principal from the JWT authorizer's claims,
// decodes and validates JSON bodies strictly, maps error kinds to statuses
// and writes the one error format. Handlers written with it run unchanged on
// Lambda and behind the local gateway.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Request and Response are API Gateway HTTP API payload v2 events.
type (
	Request  = events.APIGatewayV2HTTPRequest
	Response = events.APIGatewayV2HTTPResponse
)

// Handler handles one API event. A handler returns its refusals and faults
// as errors (an *sg.Error, or any error, taken as internal) and Wrap turns
// each into the error response; the Handler Wrap returns, the one Lambda
// runs, never returns an error (aws-lambda-go would report a crash).
type Handler func(ctx context.Context, req Request) (Response, error)

// ErrorBody is the one error format of the API (ErrorResponse in the spec).
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes one refusal.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Param     string `json:"param,omitempty"`
	RequestID string `json:"request_id"`
}

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[sg.Kind]int{
	sg.KindInvalid:         http.StatusBadRequest,
	sg.KindNotFound:        http.StatusNotFound,
	sg.KindConflict:        http.StatusConflict,
	sg.KindUnauthenticated: http.StatusUnauthorized,
	sg.KindForbidden:       http.StatusForbidden,
	sg.KindTooLarge:        http.StatusRequestEntityTooLarge,
	sg.KindUnsupported:     http.StatusUnsupportedMediaType,
	sg.KindUnavailable:     http.StatusServiceUnavailable,
	sg.KindInternal:        http.StatusInternalServerError,
	sg.KindRefused:         http.StatusUnprocessableEntity,
	sg.KindTooMany:         http.StatusTooManyRequests,
}

type ctxKey int

const loggerKey ctxKey = 0

// Logger returns the request's logger (request id, tenant, function set).
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// JSON answers with a JSON body.
func JSON(status int, v any) Response {
	b, err := json.Marshal(v)
	if err != nil {
		return Response{StatusCode: 500, Headers: jsonHeaders(), Body: `{"error":{"code":"internal_error","message":"internal error","request_id":""}}`}
	}
	return Raw(status, b)
}

// Raw answers with an already encoded JSON body.
func Raw(status int, body []byte) Response {
	return Response{StatusCode: status, Headers: jsonHeaders(), Body: string(body)}
}

func jsonHeaders() map[string]string {
	return map[string]string{"content-type": "application/json", "cache-control": "no-store"}
}

// Fail turns err into the error response: the status is its kind's
// (an error that is not an *sg.Error is internal), and an internal or
// unavailable error's details go to the log only; the client sees the code,
// a safe message, the parameter and the request id. Handlers under Wrap
// return the error instead; Fail is for code that answers outside Wrap.
func Fail(ctx context.Context, req Request, err error) Response {
	var e *sg.Error
	if !errors.As(err, &e) {
		e = sg.Internal("", err).(*sg.Error)
	}
	status := statusOf[e.Kind]
	if e.Kind == sg.KindInternal || e.Kind == sg.KindUnavailable {
		Logger(ctx).Error("request failed", "code", e.Code, "op", e.Op, "cause", errString(e.Err))
	}
	return JSON(status, ErrorBody{Error: ErrorDetail{Code: e.Code, Message: e.Message, Param: e.Param, RequestID: req.RequestContext.RequestID}})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Header returns a request header, whatever its case.
func Header(req Request, name string) (string, bool) {
	if v, ok := req.Headers[strings.ToLower(name)]; ok {
		return v, true
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// Wrap adds what every function needs around h: a logger with request id,
// tenant and function; an error h returns becomes the error response (as
// Fail writes it; the response h returned with it is dropped), and a panic
// a 500 internal_error, so the wrapped handler never returns an error; one
// access log line without bodies or headers; EMF metrics; and the
// caller's rate limit (UseRateLimits), decided before h runs, or, on the
// routes that await it before their first write (admittingRoutes), while
// h runs: a refused request is answered 429 whatever h answered.
func Wrap(function string, h Handler) Handler {
	return wrap(function, h, os.Stdout)
}

// wrap is Wrap writing its log lines and metrics to w.
func wrap(function string, h Handler, w io.Writer) Handler {
	logger := obs.NewLogger(w, function)
	metrics := obs.NewMetrics(w, "Stablegate", function)
	return func(ctx context.Context, req Request) (resp Response, err error) {
		start := time.Now()
		tenant := ""
		if p, perr := PrincipalOf(req); perr == nil {
			tenant = p.TenantID
		}
		// ---- ops: tracing ---- one span per request, child of the
		// caller's or Lambda's trace; its id in every log line.
		ctx = obs.WithTraceHeader(ctx, traceParent(ctx, req))
		ctx, span := obs.Tracer().Start(ctx, req.RouteKey, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("request_id", req.RequestContext.RequestID), attribute.String("tenant", tenant), attribute.String("function", function)))
		l := logger.With("request_id", req.RequestContext.RequestID, "tenant", tenant, "trace_id", obs.TraceID(ctx))
		ctx = context.WithValue(ctx, loggerKey, l)
		defer func() {
			if r := recover(); r != nil {
				l.Error("panic", "panic", r, "stack", string(debug.Stack()))
				resp, err = Fail(ctx, req, sg.Internal("panic", errors.New("handler panicked"))), nil
			}
			ms := time.Since(start).Milliseconds()
			l.Info("request", "route", req.RouteKey, "status", resp.StatusCode, "latency_ms", ms)
			var s5, s4 int64
			if resp.StatusCode >= 500 {
				s5 = 1
			} else if resp.StatusCode >= 400 {
				s4 = 1
			}
			metrics.Emit(req.RouteKey, obs.Metric{Name: "Latency", Unit: "Milliseconds", Value: ms},
				obs.Metric{Name: "Errors4xx", Unit: "Count", Value: s4}, obs.Metric{Name: "Errors5xx", Unit: "Count", Value: s5})
			span.SetAttributes(attribute.Int("http.status_code", resp.StatusCode))
			if s5 == 1 {
				span.SetStatus(codes.Error, "5xx")
			}
			span.End()
		}()
		// ---- plat: IP allow lists on every route ---- before the rate
		// limit, so a token used from elsewhere does not drain its client's bucket.
		if tenant != "" && !SourceAllowed(req) {
			return Fail(ctx, req, sg.ErrIPNotAllowed), nil
		}
		if admittingRoutes[req.RouteKey] {
			// The decision runs beside h, which awaits it before its
			// first write; a refusal answers 429, never h's answer.
			hctx, decided := admitBeside(ctx, req, tenant)
			resp, err = h(hctx, req)
			a := decided()
			switch {
			case a.fault != nil:
				return Fail(ctx, req, a.fault), nil
			case a.refused != nil:
				return *a.refused, nil
			case err != nil:
				resp = Fail(ctx, req, err)
			}
			a.decorate(&resp)
			return resp, nil
		}
		refused, decorate := limited(ctx, req, tenant)
		if refused != nil {
			return *refused, nil
		}
		resp, err = h(ctx, req)
		if err != nil {
			resp = Fail(ctx, req, err)
		}
		decorate(&resp)
		return resp, nil
	}
}

// SourceAllowed reports whether the request came from a network its
// token allows: a token with the ip_allow claim (sg.IPAllowClaim, an API
// client's allow list) is good only from inside those networks, judged by
// the TCP peer API Gateway saw (requestContext.http.sourceIp; the local
// gateway fills it the same way). A token without the claim is good from
// anywhere. The authorizer passes an array claim as "[a b]": that shape is
// read too; anything unreadable allows nothing.
func SourceAllowed(req Request) bool {
	a := req.RequestContext.Authorizer
	if a == nil || a.JWT == nil {
		return true
	}
	v, ok := a.JWT.Claims[sg.IPAllowClaim]
	if !ok {
		return true
	}
	allow := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "["), "]"))
	if len(allow) == 0 {
		return false // a claim present but empty is not "anywhere"
	}
	return sg.IPAllowed(allow, req.RequestContext.HTTP.SourceIP)
}

// traceParent is the trace a request continues: the caller's
// X-Amzn-Trace-Id header, else the one Lambda's active tracing gives the
// invocation ("" when neither).
func traceParent(ctx context.Context, req Request) string {
	if h, ok := Header(req, "X-Amzn-Trace-Id"); ok {
		return h
	}
	if h, ok := ctx.Value("x-amzn-trace-id").(string); ok { // aws-lambda-go's key
		return h
	}
	return ""
}
