package tests

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// env is the running local stack, as `make test` (sgdev run) describes it in
// the environment.
type env struct {
	api    string
	issuer *devstack.Issuer
	aud    string
	ddb    *dynamodb.Client
	table  string
	router routers.Router
	spec   *openapi3.T
	client *http.Client
}

var (
	stackOnce sync.Once
	stackEnv  *env
	stackErr  string
)

// stack returns the local stack or fails: these tests need the servers that
// `make test` starts (sgdev run).
func stack(t testing.TB) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the local stack that make test starts; skipped under -short")
	}
	stackOnce.Do(func() {
		api := os.Getenv("STABLEGATE_API_URL")
		if api == "" {
			stackErr = "STABLEGATE_API_URL is not set: run these tests with `make test`, which starts the local stack"
			return
		}
		iss, err := devstack.DevIssuer(context.Background(), os.Getenv)
		if err != nil {
			stackErr = err.Error()
			return
		}
		cfg, err := config.LoadDefaultConfig(context.Background())
		if err != nil {
			stackErr = err.Error()
			return
		}
		spec := loadSpec(t)
		spec.Servers = openapi3.Servers{{URL: api}}
		router, err := gorillamux.NewRouter(spec)
		if err != nil {
			stackErr = err.Error()
			return
		}
		stackEnv = &env{api: api, issuer: iss, aud: os.Getenv("STABLEGATE_AUDIENCE"), ddb: dynamodb.NewFromConfig(cfg),
			table: os.Getenv("TABLE_NAME"), router: router, spec: spec,
			client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	})
	if stackEnv == nil {
		t.Fatal(stackErr)
	}
	return stackEnv
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// tenant returns a fresh tenant id so tests never see each other's data.
func tenant() string { return "t_" + randHex(6) }

func (e *env) token(t testing.TB, tenant string, scopes ...string) string {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"wallets:read", "wallets:write", "transfers:read", "transfers:write", "withdrawals:write", "reconciliation:read", "courses:read", "courses:write", "policies:read", "policies:write", "approvals:write", "freezes:write", "cold:read", "cold:write"}
	}
	tok, err := e.issuer.Token(e.aud, tenant, "test-user", scopes, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB, dst any) {
	t.Helper()
	if err := json.Unmarshal(r.body, dst); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, r.body)
	}
}

// errCode returns the error code of an ErrorResponse, or the message of a
// GatewayError.
func (r reply) errCode() string {
	var e struct {
		Error struct {
			Code  string `json:"code"`
			Param string `json:"param"`
		} `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(r.body, &e) // a body that is not an error has no code
	if e.Error.Code != "" {
		return e.Error.Code
	}
	return e.Message
}

func (r reply) errParam() string {
	var e struct {
		Error struct {
			Param string `json:"param"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e) // a body that is not an error has no param
	return e.Error.Param
}

// do sends a request and checks the response against infra/openapi.yaml
// whenever the request matches an operation of the spec.
func (e *env) do(t testing.TB, method, path, token string, hdr map[string]string, body []byte) reply {
	t.Helper()
	req, err := http.NewRequest(method, e.api+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	e.checkSpec(t, req, body, resp, rb)
	return reply{resp.StatusCode, resp.Header, rb}
}

func (e *env) checkSpec(t testing.TB, req *http.Request, body []byte, resp *http.Response, rb []byte) {
	t.Helper()
	u, _ := url.Parse(req.URL.String())
	sreq := req.Clone(context.Background())
	sreq.URL = u
	sreq.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := e.router.FindRoute(sreq)
	if err != nil {
		return // not an operation of the spec (e.g. an unknown route)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: sreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(rb)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s -> %d does not match infra/openapi.yaml: %v\nbody: %s", req.Method, req.URL.Path, resp.StatusCode, err, rb)
	}
	// ---- ref: every error code a route answers is in its operation's x-error-codes
	checkErrorCodeListed(t, route.Operation, req.Method, req.URL.Path, resp.StatusCode, errorResponseCode(rb))
}

// footprint counts what a tenant has stored and reads the platform's
// derivation counter: a refused request must change neither.
func (e *env) footprint(t testing.TB, tenant string) string {
	t.Helper()
	ctx := context.Background()
	q, err := e.ddb.Query(ctx, &dynamodb.QueryInput{TableName: &e.table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "TENANT#" + tenant}},
		Select:                    types.SelectCount, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: &e.table, ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "SEQ#hd-index"}, "SK": &types.AttributeValueMemberS{Value: "SEQ"}}})
	if err != nil {
		t.Fatal(err)
	}
	counter := "none"
	if n, ok := g.Item["next"].(*types.AttributeValueMemberN); ok {
		counter = n.Value
	}
	return "items=" + strconv.Itoa(int(q.Count)) + " counter=" + counter
}

func createBody(ref string) []byte {
	return []byte(`{"customer_ref":` + strconv.Quote(ref) + `}`)
}

func idem() map[string]string { return map[string]string{"Idempotency-Key": "k-" + randHex(8)} }

func trimSpace(b []byte) string { return strings.TrimSpace(string(b)) }
