// Package oauthfn builds the API client and token functions apart from
// package fn, so functions that serve neither link no JWT code.
package oauthfn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/oauthapi"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/oauth"
)

// handlers builds the handlers over TABLE_NAME; with sign, the token
// signer on TOKEN_SIGNING_KEY_ID (kms:Sign and kms:GetPublicKey).
func handlers(env core.Env, sign bool) (oauthapi.Handlers, error) {
	st, err := core.Store(env)
	if err != nil {
		return oauthapi.Handlers{}, err
	}
	o := &dynamo.OAuth{Table: st.Base}
	svc := &oauth.Service{Store: o, Issuer: env("OAUTH_ISSUER"), Audience: env("JWT_AUDIENCE"), Now: time.Now}
	if sign {
		kc, err := kmsfn.Client(env)
		if err != nil {
			return oauthapi.Handlers{}, err
		}
		svc.Signer = &kmssign.TokenSigner{KMS: kc, KeyID: env("TOKEN_SIGNING_KEY_ID")}
	}
	return oauthapi.Handlers{Svc: svc, Limits: o}, nil
}

// APIClients builds /v1/api-clients (create, list, get, rotate, revoke)
// and PUT /v1/rate-limits/{tenant}: one function, the routes of one resource.
func APIClients(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	h, err := handlers(env, false)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("api-clients", h.Serve), nil
}

// OAuthToken builds POST /oauth/token and the issuer's
// /.well-known/jwks.json and /.well-known/openid-configuration.
func OAuthToken(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	h, err := handlers(env, true)
	if err != nil {
		return nil, err
	}
	return httpapi.Wrap("oauth-token", h.Serve), nil
}
