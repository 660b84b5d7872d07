package courses

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	gjwt "github.com/golang-jwt/jwt/v5"
)

// A certificate's signed form is a compact JWS (RFC 7515) with ES256 over
// these claims (documented in the portal's certificate guide):
//
//	iss          "stablegate-certificates"
//	jti          the certificate id
//	tnt          the tenant that issued it
//	name         the learner's name
//	course       the course id; course_title its title
//	band         pass, merit or distinction
//	iat, exp     issued and expiry times (seconds since the epoch)
//
// The header's kid is the RFC 7638 thumbprint of the signing key, published
// as a JWK set at GET /v1/certificate-keys.
const Issuer = "stablegate-certificates"

// Reasons a certificate does not verify.
const (
	ReasonMalformed = "malformed" // not a certificate token
	ReasonSignature = "signature" // not signed by the published key (or altered)
	ReasonExpired   = "expired"   // past its expiry
	ReasonUnknown   = "unknown"   // well signed, but the platform holds no such certificate
)

// Claims are the signed claims of c.
func Claims(c Certificate) map[string]any {
	return map[string]any{"iss": Issuer, "jti": c.ID, "tnt": c.Tenant, "name": c.Name, "course": c.Course, "course_title": c.CourseTitle,
		"band": c.Band, "iat": c.IssuedAt.Unix(), "exp": c.ExpiresAt.Unix()}
}

type certClaims struct {
	gjwt.RegisteredClaims
	Tenant      string `json:"tnt"`
	Name        string `json:"name"`
	Course      string `json:"course"`
	CourseTitle string `json:"course_title"`
	Band        string `json:"band"`
}

// VerifyToken checks a certificate token against a set of public keys
// (JWKs, as published) at now: the certificate it says, or why it does not
// verify.
func VerifyToken(token string, jwks []map[string]string, now time.Time) (Certificate, string) {
	raw, err := json.Marshal(map[string]any{"keys": jwks})
	if err != nil {
		return Certificate{}, ReasonSignature
	}
	kf, err := keyfunc.NewJWKSetJSON(raw)
	if err != nil {
		return Certificate{}, ReasonSignature
	}
	var cl certClaims
	_, err = gjwt.ParseWithClaims(token, &cl, kf.Keyfunc, gjwt.WithValidMethods([]string{"ES256"}), gjwt.WithIssuer(Issuer),
		gjwt.WithExpirationRequired(), gjwt.WithIssuedAt(), gjwt.WithStrictDecoding(), gjwt.WithTimeFunc(func() time.Time { return now }))
	switch {
	case errors.Is(err, gjwt.ErrTokenMalformed):
		return Certificate{}, ReasonMalformed
	case errors.Is(err, gjwt.ErrTokenExpired):
		return Certificate{}, ReasonExpired
	case err != nil:
		return Certificate{}, ReasonSignature
	}
	if cl.ID == "" || cl.Tenant == "" || cl.Course == "" || cl.IssuedAt == nil {
		return Certificate{}, ReasonMalformed
	}
	return Certificate{ID: cl.ID, Tenant: cl.Tenant, Name: cl.Name, Course: cl.Course, CourseTitle: cl.CourseTitle, Band: cl.Band,
		IssuedAt: cl.IssuedAt.UTC(), ExpiresAt: cl.ExpiresAt.UTC()}, ""
}
