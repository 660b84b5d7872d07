// Package webhook is the primitive of Stablegate's signed webhooks: the
// event envelope, the signature header, its verification (what receivers
// and the samples in portal/samples/webhooks do), a receiver-side dedupe
// helper, and the guard every outbound webhook call goes through (public
// https addresses only, checked again on the address dialled).
//
// The signature header:
//
//	Stablegate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=<...>]
//
// The HMAC key is the endpoint's secret exactly as shown ("whsec_..."), as
// bytes. During a secret rotation's overlap the header carries one v1 per
// secret; a receiver accepts the delivery if any v1 matches its secret.
// Unknown schemes (v0, v2) are ignored, so a future scheme can be added
// beside v1. Nothing here logs a secret or puts one in an error.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Header is the name of the signature header.
const Header = "Stablegate-Signature"

// DefaultTolerance is how far a delivery's timestamp may be from the
// receiver's clock, either way, before Verify refuses it as stale.
const DefaultTolerance = 5 * time.Minute

// maxHeader bounds the header Verify parses; maxSignatures the v1 values.
const (
	maxHeader     = 2048
	maxSignatures = 8
)

// Verification refusals. Each message ends with the reason's stable code,
// which Reason returns (the samples print it).
var (
	// ErrNoSignature: the header is missing or carries no v1 signature.
	ErrNoSignature = errors.New("webhook: no_signature")
	// ErrMalformedHeader: the header is not t=<seconds>,v1=<64 hex>[,...].
	ErrMalformedHeader = errors.New("webhook: malformed_header")
	// ErrSignatureMismatch: no v1 is the HMAC of the body under the secret
	// (a forged delivery, an altered body, or another secret).
	ErrSignatureMismatch = errors.New("webhook: signature_mismatch")
	// ErrTimestampOutsideTolerance: the signed timestamp is further from
	// now than the tolerance (a stale or replayed delivery).
	ErrTimestampOutsideTolerance = errors.New("webhook: timestamp_outside_tolerance")
	// ErrReplayed: the event id was seen before (Seen).
	ErrReplayed = errors.New("webhook: replayed")
)

// Reason is the stable code of a verification refusal ("signature_mismatch"),
// or "" for nil.
func Reason(err error) string {
	for _, e := range []error{ErrNoSignature, ErrMalformedHeader, ErrSignatureMismatch, ErrTimestampOutsideTolerance, ErrReplayed} {
		if errors.Is(err, e) {
			return strings.TrimPrefix(e.Error(), "webhook: ")
		}
	}
	if err == nil {
		return ""
	}
	return "invalid"
}

// mac is hex HMAC-SHA256(secret, "<ts>.<body>").
func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Sign is the signature header of body sent at t, with one v1 per secret
// (the current secret first, then one still in its rotation overlap).
func Sign(secrets [][]byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	var b strings.Builder
	b.WriteString("t=" + ts)
	for _, s := range secrets {
		b.WriteString(",v1=")
		b.WriteString(hex.EncodeToString(mac(s, ts, body)))
	}
	return b.String()
}

// Signature is a parsed header: the signed time and its v1 signatures.
type Signature struct {
	Timestamp int64
	V1        [][]byte
}

// ParseHeader reads a signature header. Elements are comma-separated
// key=value pairs; exactly one t (decimal seconds, at most 12 digits), v1
// values of 64 hex digits, other keys ignored. An empty header, or one with
// no v1, is ErrNoSignature; anything else out of shape ErrMalformedHeader.
func ParseHeader(h string) (Signature, error) {
	var s Signature
	h = strings.TrimSpace(h)
	if h == "" {
		return s, ErrNoSignature
	}
	if len(h) > maxHeader {
		return s, ErrMalformedHeader
	}
	seenT := false
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || k == "" {
			return Signature{}, ErrMalformedHeader
		}
		switch k {
		case "t":
			if seenT || v == "" || len(v) > 12 || strings.Trim(v, "0123456789") != "" {
				return Signature{}, ErrMalformedHeader
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return Signature{}, ErrMalformedHeader
			}
			s.Timestamp, seenT = n, true
		case "v1":
			raw, err := hex.DecodeString(v)
			if err != nil || len(raw) != sha256.Size {
				return Signature{}, ErrMalformedHeader
			}
			if len(s.V1) == maxSignatures {
				return Signature{}, ErrMalformedHeader
			}
			s.V1 = append(s.V1, raw)
		}
	}
	if !seenT {
		return Signature{}, ErrMalformedHeader
	}
	if len(s.V1) == 0 {
		return Signature{}, ErrNoSignature
	}
	return s, nil
}

// Verify checks a delivery: header is the Stablegate-Signature value, body
// the raw request body (exactly as received, before any JSON decoding),
// secret the endpoint's secret, now the receiver's clock, tolerance the
// largest accepted distance between the signed time and now (0 is
// DefaultTolerance). The signatures are compared in constant time. A
// delivery that passes may still be a replay within the tolerance: dedupe
// by the event id (Seen).
func Verify(header string, body, secret []byte, now time.Time, tolerance time.Duration) error {
	sig, err := ParseHeader(header)
	if err != nil {
		return err
	}
	want := mac(secret, strconv.FormatInt(sig.Timestamp, 10), body)
	ok := false
	for _, v := range sig.V1 {
		if hmac.Equal(v, want) {
			ok = true
		}
	}
	if !ok {
		return ErrSignatureMismatch
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	d := now.Unix() - sig.Timestamp
	if d < 0 {
		d = -d
	}
	if d > int64(tolerance/time.Second) {
		return ErrTimestampOutsideTolerance
	}
	return nil
}
