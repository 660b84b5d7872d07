// Package airgap is what crosses the air gap between the online system and
// the offline signer, apart from any chain library: the named refusals both
// sides make, strict JSON files, QR frames (qr.go), and Tron sweep grants
// (trongrant.go). Ethereum cold bundles (package coldbundle) build on it.
// It links no AWS or network code.
package airgap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Error is a named reason a file is refused.
type Error struct {
	Code, Field, Detail string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Code + " (" + e.Field + "): " + e.Detail
	}
	return e.Code + ": " + e.Detail
}

// Is matches by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// The reasons, each a code the API reports and the signer prints.
var (
	ErrMalformed        = &Error{Code: "bundle_malformed"}
	ErrDigestMismatch   = &Error{Code: "bundle_digest_mismatch"}
	ErrSummaryMismatch  = &Error{Code: "bundle_summary_mismatch"}
	ErrWrongChain       = &Error{Code: "bundle_wrong_chain"}
	ErrWrongContract    = &Error{Code: "bundle_wrong_contract"}
	ErrWrongKey         = &Error{Code: "bundle_wrong_key"}
	ErrExpired          = &Error{Code: "bundle_expired"}
	ErrSignatureInvalid = &Error{Code: "bundle_signature_invalid"}
	// ErrWrongSpender: a grant would let another address than the hot one
	// draw the deposits.
	ErrWrongSpender = &Error{Code: "bundle_wrong_spender"}
)

// Refuse is a refusal of kind about field.
func Refuse(kind *Error, field, format string, args ...any) error {
	return &Error{Code: kind.Code, Field: field, Detail: fmt.Sprintf(format, args...)}
}

var refuse = Refuse

// Strict decodes one JSON document of at most max bytes into dst, refusing
// unknown fields and anything after it.
func Strict(data []byte, dst any, max int) error {
	if len(data) > max {
		return refuse(ErrMalformed, "", "larger than %d bytes", max)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return refuse(ErrMalformed, "", "not a bundle: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return refuse(ErrMalformed, "", "data after the bundle")
	}
	return nil
}

// Marshal writes a file as the signer and the API hand it out.
func Marshal(v any) []byte {
	raw, _ := json.MarshalIndent(v, "", "  ")
	return append(raw, '\n')
}
