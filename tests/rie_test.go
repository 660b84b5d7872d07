package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// buildBootstrap builds a function as deployed (lambda.norpc, stripped) but
// for this machine, so the emulator can run it.
func buildBootstrap(t testing.TB, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name, "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc,validator_novalidatefn", "-trimpath", "-ldflags=-s -w", "-o", out, "./functions/"+name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, b)
	}
	return out
}

func functionEnv(t testing.TB, name string) map[string]string {
	raw, err := os.ReadFile(filepath.Join(os.Getenv("STABLEGATE_STATE"), "functions.json"))
	if err != nil {
		t.Fatalf("functions.json of the running stack: %v", err)
	}
	var all map[string]map[string]string
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	env, ok := all[name]
	if !ok {
		t.Fatalf("no environment for %s", name)
	}
	return env
}

// functionGetenv is the stack's environment of function name over the
// test process's own (what a job run in this process reads).
func functionGetenv(t testing.TB, name string) func(string) string {
	env := functionEnv(t, name)
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
}

func startRIE(t *testing.T, name string) *devstack.RIE {
	t.Helper()
	rieBin := devstack.ToolPath(filepath.Join("..", ""), "aws-lambda-rie")
	if abs, err := filepath.Abs(rieBin); err == nil {
		rieBin = abs
	}
	r, err := devstack.StartRIE(rieBin, buildBootstrap(t, name), functionEnv(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

func v2Event(method, path, routeKey, tenant string, pathParams map[string]string, hdr map[string]string, body string) []byte {
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: routeKey, RawPath: path, Headers: hdr, PathParameters: pathParams, Body: body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: routeKey, RequestID: "rie-" + randHex(4), Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{"tenant": tenant, "sub": "rie"}, Scopes: []string{"wallets:read", "wallets:write"}}},
		},
	}
	b, _ := json.Marshal(ev)
	return b
}

// checkLambdaResponse validates a function's answer against the spec for
// the operation at method and path.
func (e *env) checkLambdaResponse(t *testing.T, method, path string, resp events.APIGatewayV2HTTPResponse) {
	t.Helper()
	req, _ := http.NewRequest(method, e.api+path, nil)
	route, params, err := e.router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode, Header: h, Body: io.NopCloser(bytes.NewReader([]byte(resp.Body))),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("lambda answer for %s %s does not match the spec: %v", method, path, err)
	}
}

// The built bootstrap binaries run under the official Lambda runtime
// interface emulator against the local stack, and answer as the spec says.
func TestBootstrapUnderRuntimeEmulator(t *testing.T) {
	e := stack(t)
	ten := tenant()
	create := startRIE(t, "wallets-create")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := create.Invoke(ctx, v2Event("POST", "/v1/wallets", "POST /v1/wallets", ten, nil,
		map[string]string{"content-type": "application/json", "idempotency-key": "rie-1"}, `{"customer_ref":"rie"}`))
	if err != nil {
		t.Fatalf("invoke: %v %s\nlogs:\n%s", err, out, create.Logs())
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != 201 {
		t.Fatalf("create under RIE: %s\nlogs:\n%s", out, create.Logs())
	}
	e.checkLambdaResponse(t, "POST", "/v1/wallets", resp)
	if d, err := create.InitDuration(10 * time.Second); err != nil || d <= 0 {
		t.Errorf("no INIT REPORT from the emulator: %v\n%s", err, create.Logs())
	}
	var w walletJSON
	if err := json.Unmarshal([]byte(resp.Body), &w); err != nil {
		t.Fatalf("create under RIE answered %s: %v", resp.Body, err)
	}

	get := startRIE(t, "wallets-get")
	out, err = get.Invoke(ctx, v2Event("GET", "/v1/wallets/"+w.ID, "GET /v1/wallets/{wallet_id}", ten, map[string]string{"wallet_id": w.ID}, nil, ""))
	if err != nil {
		t.Fatalf("invoke get: %v", err)
	}
	var got events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("get under RIE answered %s: %v", out, err)
	}
	if got.StatusCode != 200 || got.Body != resp.Body {
		t.Fatalf("get under RIE: %d %s; want the created wallet", got.StatusCode, got.Body)
	}
	e.checkLambdaResponse(t, "GET", "/v1/wallets/"+w.ID, got)
	// And the wallet is visible through the gateway: same table, same code.
	if r := e.do(t, "GET", "/v1/wallets/"+w.ID, e.token(t, ten), nil, nil); r.status != 200 {
		t.Fatalf("gateway does not see the wallet: %d", r.status)
	}
}
