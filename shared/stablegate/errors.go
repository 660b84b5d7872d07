package stablegate

import (
	"errors"
	"fmt"
)

// Kind classifies an error so the API layer can map it to one HTTP status.
type Kind uint8

// Error kinds. The table in httpapi maps each to a status.
const (
	KindInternal        Kind = iota // a fault of ours; details are logged, never sent
	KindInvalid                     // the request is malformed or breaks a rule
	KindNotFound                    // no such resource for this tenant
	KindConflict                    // the request conflicts with current state
	KindUnauthenticated             // no valid identity
	KindForbidden                   // identity lacks a scope
	KindTooLarge                    // the request body is over the limit
	KindUnsupported                 // wrong media type
	KindUnavailable                 // a dependency is down or throttling; safe to retry
	KindRefused                     // a well-formed request a business rule refuses (funds, frozen)
	KindTooMany                     // the caller is over its rate limit; retry later (429)
)

// Error is the one error type that crosses package boundaries. Code is a
// stable, documented identifier (see infra/openapi.yaml, ErrorCode); Message
// is safe to show a client; Param names the offending field or header. Err
// carries internal detail for logs only. Messages never hold secrets or PII.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Param   string
	Op      string
	Err     error
}

func (e *Error) Error() string {
	s := e.Code
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Param != "" {
		s += " (" + e.Param + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches two *Error values by code, so errors.Is(err, ErrNotFound) works on
// copies made with WithParam.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// WithParam returns a copy of e naming the offending field.
func (e *Error) WithParam(param string) *Error {
	c := *e
	c.Param = param
	return &c
}

// Because returns a copy of e caused by err in operation op (the cause is
// for the logs; the client sees e's code and message).
func (e *Error) Because(op string, err error) *Error {
	c := *e
	c.Op, c.Err = op, err
	return &c
}

// WithMessage returns a copy of e with another client-safe message.
func (e *Error) WithMessage(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// Named rejections. Each Code is part of the public API and listed in the spec.
var (
	// ErrInvalidJSON: the body is not a single well-formed JSON object.
	ErrInvalidJSON = &Error{Kind: KindInvalid, Code: "invalid_json", Message: "request body is not valid JSON"}
	// ErrUnknownField: the body has a field the operation does not define.
	ErrUnknownField = &Error{Kind: KindInvalid, Code: "unknown_field", Message: "request body has a field this operation does not accept"}
	// ErrValidation: a field is missing or out of its documented range.
	ErrValidation = &Error{Kind: KindInvalid, Code: "validation_failed", Message: "a field is missing or invalid"}
	// ErrBodyTooLarge: the body is larger than the operation accepts.
	ErrBodyTooLarge = &Error{Kind: KindTooLarge, Code: "body_too_large", Message: "request body is too large"}
	// ErrUnsupportedMediaType: the body is not application/json.
	ErrUnsupportedMediaType = &Error{Kind: KindUnsupported, Code: "unsupported_media_type", Message: "request body must be application/json"}
	// ErrIdempotencyKeyMissing: a money-moving or creating POST came without Idempotency-Key.
	ErrIdempotencyKeyMissing = &Error{Kind: KindInvalid, Code: "idempotency_key_missing", Message: "this operation requires an Idempotency-Key header", Param: "Idempotency-Key"}
	// ErrIdempotencyKeyInvalid: the Idempotency-Key header is empty, too long or has characters outside printable ASCII.
	ErrIdempotencyKeyInvalid = &Error{Kind: KindInvalid, Code: "idempotency_key_invalid", Message: "Idempotency-Key must be 1 to 255 printable ASCII characters", Param: "Idempotency-Key"}
	// ErrIdempotencyKeyReused: the key was used before with a different request.
	ErrIdempotencyKeyReused = &Error{Kind: KindConflict, Code: "idempotency_key_reused", Message: "this Idempotency-Key was used with a different request", Param: "Idempotency-Key"}
	// ErrIdempotencyInProgress: the first request with this key has not finished yet.
	ErrIdempotencyInProgress = &Error{Kind: KindConflict, Code: "idempotency_in_progress", Message: "a request with this Idempotency-Key is still being processed; retry later", Param: "Idempotency-Key"}
	// ErrNotFound: no such resource for this tenant (another tenant's resource is reported the same way).
	ErrNotFound = &Error{Kind: KindNotFound, Code: "not_found", Message: "no such resource"}
	// ErrRouteNotFound: no operation at this method and path.
	ErrRouteNotFound = &Error{Kind: KindNotFound, Code: "route_not_found", Message: "no operation at this method and path"}
	// ErrInvalidCursor: the pagination cursor was not issued by this API.
	ErrInvalidCursor = &Error{Kind: KindInvalid, Code: "invalid_cursor", Message: "cursor is malformed or was not issued by this API", Param: "cursor"}
	// ErrUnauthenticated: the request reached a handler without verified claims.
	ErrUnauthenticated = &Error{Kind: KindUnauthenticated, Code: "unauthenticated", Message: "a valid bearer token is required"}
	// ErrForbidden: the token lacks a scope the operation needs.
	ErrForbidden = &Error{Kind: KindForbidden, Code: "forbidden", Message: "the token lacks a scope this operation needs"}
	// ErrUnavailable: a dependency is throttling or down; retry with the same Idempotency-Key.
	ErrUnavailable = &Error{Kind: KindUnavailable, Code: "service_unavailable", Message: "a dependency is unavailable; retry with the same Idempotency-Key"}
	// ErrInternal: a fault of ours. Nothing about it is sent beyond the request id.
	ErrInternal = &Error{Kind: KindInternal, Code: "internal_error", Message: "internal error; quote the request id to support"}

	// ErrAmountSyntax: an amount is not a plain non-negative decimal string.
	ErrAmountSyntax = &Error{Kind: KindInvalid, Code: "amount_invalid", Message: "amount must be a decimal string such as \"12.50\""}
	// ErrAmountPrecision: an amount has more fractional digits than the asset.
	ErrAmountPrecision = &Error{Kind: KindInvalid, Code: "amount_too_precise", Message: "amount has more decimals than the asset (USDT: 6)"}
	// ErrAmountRange: an amount does not fit in 63 bits of base units.
	ErrAmountRange = &Error{Kind: KindInvalid, Code: "amount_out_of_range", Message: "amount is too large"}
)

// KindOf returns the kind of err, KindInternal for anything not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Internal wraps an unexpected fault with its operation for the logs.
func Internal(op string, err error) error {
	return &Error{Kind: KindInternal, Code: ErrInternal.Code, Message: ErrInternal.Message, Op: op, Err: err}
}

// Unavailable wraps a retryable dependency fault (throttling, timeouts).
func Unavailable(op string, err error) error {
	return &Error{Kind: KindUnavailable, Code: ErrUnavailable.Code, Message: ErrUnavailable.Message, Op: op, Err: err}
}
