package awsenv

import (
	"context"
	"testing"
)

func envOf(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestConfigFromLambdaEnvironment(t *testing.T) {
	cfg, err := Config(envOf(map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "tok"}))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || cfg.Region != "eu-west-1" || creds.AccessKeyID != "AKID" || creds.SessionToken != "tok" {
		t.Fatalf("config = %+v, creds %+v, %v", cfg, creds, err)
	}
	if _, err := Config(envOf(map[string]string{"AWS_REGION": "eu-west-1"})); err == nil {
		t.Fatal("accepted an environment without credentials")
	}
	if _, err := Config(envOf(map[string]string{"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"})); err == nil {
		t.Fatal("accepted an environment without a region")
	}
}

func TestEndpointOverrides(t *testing.T) {
	env := map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}
	if got := Endpoint(envOf(env), "DYNAMODB"); got == nil || *got != "http://127.0.0.1:8000" {
		t.Fatalf("service override: %v", got)
	}
	if got := Endpoint(envOf(env), "SQS"); got == nil || *got != "http://127.0.0.1:4566" {
		t.Fatalf("global override: %v", got)
	}
	env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
	if got := Endpoint(envOf(env), "DYNAMODB"); got != nil {
		t.Fatalf("ignored overrides still used: %v", *got)
	}
	if got := Endpoint(envOf(map[string]string{}), "KMS"); got != nil {
		t.Fatal("override from nowhere")
	}
}
