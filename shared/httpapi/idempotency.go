package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

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

// CreateRequest reads what every creating or money-moving POST needs: the
// principal, the Idempotency-Key and the body, strictly decoded into dst.
func CreateRequest(req Request, dst any) (Principal, string, error) {
	p, err := PrincipalOf(req)
	if err != nil {
		return p, "", err
	}
	key, err := IdempotencyKey(req)
	if err != nil {
		return p, "", err
	}
	return p, key, Decode(req, dst, MaxBody)
}
