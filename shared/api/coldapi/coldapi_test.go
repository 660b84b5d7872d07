package coldapi

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func request(scopes []string, method string, path map[string]string, body string) httpapi.Request {
	return httpapi.Request{
		Headers:        map[string]string{"content-type": "application/json", "idempotency-key": "k-12345678"},
		Body:           body,
		PathParameters: path,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{httpapi.TenantClaim: "acme", "sub": "alice"}, Scopes: scopes}},
		},
	}
}

// Every cold payout route refuses a token without platform:admin before it
// reads or writes anything (a nil store would panic), whatever else the
// token holds: cold payouts are the platform's, not a tenant's (finding 4).
func TestRoutesNeedPlatformAdmin(t *testing.T) {
	h := Handlers{Cold: &Service{Now: time.Now}}
	id := map[string]string{"bundle_id": "cb_01JD8Y3Q6A0M7F4R2W9X5K1B3C", "part": "1"}
	body := `{"chain":"ethereum","to_address":"0x52908400098527886E0F7030069857D2E4169EE7","amount":"1","purpose":"x"}`
	for name, route := range map[string]httpapi.Handler{
		"prepare": h.Prepare, "get": h.Get, "qr": h.QR, "cancel": h.Cancel, "import": h.Import,
	} {
		route = httpapi.Wrap("cold-"+name, route) // as the function runs it
		for _, scopes := range [][]string{nil, {"cold:read", "cold:write"}, {"wallets:write", "withdrawals:write"}} {
			resp, err := route(context.Background(), request(scopes, "POST", id, body))
			if err != nil {
				t.Fatal(err)
			}
			var e struct {
				Error struct{ Code string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(resp.Body), &e); err != nil {
				t.Fatalf("%s: body %q: %v", name, resp.Body, err)
			}
			if resp.StatusCode != 403 || e.Error.Code != sg.ErrColdNotPlatform.Code {
				t.Errorf("%s with %v: %d %s", name, scopes, resp.StatusCode, resp.Body)
			}
		}
	}
}
