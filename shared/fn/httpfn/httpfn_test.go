package httpfn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/httpapi"
)

func envOf(m map[string]string) Env { return func(k string) string { return m[k] } }

// The rate limits every HTTP function turns on at start come from
// RATE_LIMIT_RATE and RATE_LIMIT_BURST; either unset or 0 means none, and a
// malformed value stops the function's init rather than running unlimited.
func TestRateLimitsFromTheEnvironment(t *testing.T) {
	base := map[string]string{"TABLE_NAME": "t", "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
	with := func(kv ...string) Env {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return envOf(m)
	}
	for _, c := range []struct {
		name    string
		env     Env
		on      bool
		errWord string
	}{
		{"unset", with(), false, ""},
		{"rate zero", with("RATE_LIMIT_RATE", "0", "RATE_LIMIT_BURST", "5"), false, ""},
		{"burst unset", with("RATE_LIMIT_RATE", "5"), false, ""},
		{"no table", envOf(map[string]string{"RATE_LIMIT_RATE": "5", "RATE_LIMIT_BURST": "5"}), false, ""},
		{"rate not a number", with("RATE_LIMIT_RATE", "fast", "RATE_LIMIT_BURST", "5"), false, "RATE_LIMIT_RATE"},
		{"rate negative", with("RATE_LIMIT_RATE", "-1", "RATE_LIMIT_BURST", "5"), false, "RATE_LIMIT_RATE"},
		{"burst fractional", with("RATE_LIMIT_RATE", "5", "RATE_LIMIT_BURST", "1.5"), false, "RATE_LIMIT_BURST"},
		{"on", with("RATE_LIMIT_RATE", "2.5", "RATE_LIMIT_BURST", "10"), true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rl, err := RateLimits(c.env)
			if c.errWord != "" {
				if err == nil || !strings.Contains(err.Error(), c.errWord) {
					t.Fatalf("err = %v, want one naming %s", err, c.errWord)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (rl != nil) != c.on {
				t.Fatalf("limits on = %v, want %v", rl != nil, c.on)
			}
			if c.on && (rl.Default.Rate != 2.5 || rl.Default.Burst != 10) {
				t.Fatalf("default limit = %+v, want rate 2.5 burst 10", rl.Default)
			}
		})
	}
}

// A route of a family is its handlers' pick, wrapped; a failure to build
// the handlers fails the function's init instead of serving without them.
func TestRouteBuildsThePickedHandler(t *testing.T) {
	type family struct{ a, b httpapi.Handler }
	answer := func(code int) httpapi.Handler {
		return func(context.Context, httpapi.Request) (httpapi.Response, error) {
			return httpapi.Response{StatusCode: code}, nil
		}
	}
	built := func(context.Context, Env) (family, error) { return family{a: answer(201), b: answer(202)}, nil }
	h, err := Route("b-route", built, func(f family) httpapi.Handler { return f.b })(context.Background(), envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h(context.Background(), httpapi.Request{})
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("answer %d, %v; want the picked handler's 202", resp.StatusCode, err)
	}

	broken := func(context.Context, Env) (family, error) { return family{}, errors.New("no table") }
	if h, err := Route("b-route", broken, func(f family) httpapi.Handler { return f.b })(context.Background(), envOf(nil)); err == nil || h != nil {
		t.Fatalf("a failed build gave a handler (%v) and error %v", h != nil, err)
	}
}
