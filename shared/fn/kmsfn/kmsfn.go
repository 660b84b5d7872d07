// Package kmsfn builds the KMS client and the envelope sealer from a
// function's environment. It is apart from package core so that only the
// functions that sign or seal link the KMS client (its endpoint tables cost
// every cold start that links them; issue 18).
package kmsfn

import (
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/envelope"
	"github.com/stablegate/stablegate/shared/fn/core"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Client is a KMS client from the Lambda environment (AWS_ENDPOINT_URL_KMS
// honoured).
func Client(env core.Env) (*kms.Client, error) {
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "KMS")
	return kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = ep }), nil
}

// Sealer is the envelope encryption of stored secrets under
// ENVELOPE_KEY_ID (nil when it is not set: nothing to seal). It is returned
// as the domain's port, so an unset key is a nil interface.
func Sealer(env core.Env) (sg.Sealer, error) {
	if env("ENVELOPE_KEY_ID") == "" {
		return nil, nil
	}
	kc, err := Client(env)
	if err != nil {
		return nil, err
	}
	return &envelope.Sealer{KMS: kc, KeyID: env("ENVELOPE_KEY_ID")}, nil
}
