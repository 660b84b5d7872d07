package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// IdempotencyKey reads the required Idempotency-Key header.
func IdempotencyKey(req Request) (string, error) {
	k, ok := Header(req, "Idempotency-Key")
	if !ok {
		return "", sg.ErrIdempotencyKeyMissing
	}
	if len(k) == 0 || len(k) > 255 {
		return "", sg.ErrIdempotencyKeyInvalid
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return "", sg.ErrIdempotencyKeyInvalid
		}
	}
	return k, nil
}

// RequestHash fingerprints a decoded request: the operation and the request
// re-encoded as JSON, so whitespace and field order do not matter but every
// value does.
func RequestHash(operation string, decoded any) string {
	b, _ := json.Marshal(decoded)
	h := sha256.New()
	h.Write([]byte(operation))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// Replay answers with a stored first response, marked as a replay.
func Replay(rec sg.Idempotency) Response {
	r := Raw(rec.Status, rec.Response)
	r.Headers["idempotent-replayed"] = "true"
	return r
}

// Keyed reads the principal and the required Idempotency-Key of a request
// that moves money or creates something.
func Keyed(req Request) (Principal, string, error) {
	p, err := PrincipalOf(req)
	if err != nil {
		return p, "", err
	}
	key, err := IdempotencyKey(req)
	return p, key, err
}

// CreateRequest reads what every creating or money-moving POST needs: the
// principal, the Idempotency-Key and the body, strictly decoded into dst.
func CreateRequest(req Request, dst any) (Principal, string, error) {
	p, key, err := Keyed(req)
	if err != nil {
		return p, "", err
	}
	return p, key, Decode(req, dst, MaxBody)
}

// Once runs a request under its Idempotency-Key: the key is claimed (for
// lease) before run, run's answer is recorded and returned; a replay
// answers with the first answer, the same key with another request
// (hash) is idempotency_key_reused, one still running
// idempotency_in_progress. When run fails the claim is given back, so a
// retry runs again. idem may be nil (the request runs unguarded: tests).
func Once(ctx context.Context, idem sg.IdempotencyClaims, tenant, op, key, hash string, lease time.Duration, now func() time.Time,
	run func() (status int, body any, err error)) (Response, error) {
	if idem != nil {
		rec, claimed, err := idem.ClaimIdempotency(ctx, tenant, op, key, hash, lease)
		if err != nil {
			return Response{}, err
		}
		if !claimed {
			switch {
			case rec.RequestHash != hash:
				return Response{}, sg.ErrIdempotencyKeyReused
			case rec.Status == 0:
				return Response{}, sg.ErrIdempotencyInProgress
			}
			return Replay(rec), nil
		}
	}
	release := func() {
		if idem != nil {
			idem.ReleaseIdempotency(ctx, tenant, op, key, hash) //nolint:errcheck // the lease ends it anyway
		}
	}
	status, body, err := run()
	if err != nil {
		release()
		return Response{}, err
	}
	out, err := json.Marshal(body)
	if err != nil {
		release()
		return Response{}, sg.Internal("httpapi.Once", err)
	}
	if idem != nil {
		err := idem.CompleteIdempotency(ctx, sg.Idempotency{TenantID: tenant, Operation: op, Key: key, RequestHash: hash,
			Status: status, Response: out, CreatedAt: now().UTC()})
		if err != nil && !errors.Is(err, sg.ErrIdempotencyInProgress) {
			return Response{}, err
		}
	}
	return Raw(status, out), nil
}
