package hookapi_test

import (
	"net/http"
	"testing"

	"github.com/stablegate/stablegate/shared/api/hookapi"
)

// The routes' bodies and queries are outside input: each is refused by
// name or answered, never a fault; a refused create writes nothing.
func FuzzCreateEndpointBody(f *testing.F) {
	for _, s := range []string{
		`{"url":"https://93.184.215.14/h","enabled_events":["*"]}`,
		`{"url":"http://127.0.0.1:1/h","enabled_events":["invoice.*"],"description":"x"}`,
		`{"url":"https://10.0.0.1/h","enabled_events":["invoice.paid"]}`,
		`{"url":"","enabled_events":[]}`, `{"url":1}`, `[]`, `{`, `{"url":"https://a/","enabled_events":["a.b"],"url":"x"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := newEnv(t, true)
		r := e.do(e.h.Create, call{key: "k", body: body})
		if r.status >= 500 {
			t.Fatalf("%q: %d %s", body, r.status, r.body)
		}
		if eps, _ := e.store.WebhookEndpoints(bg, "acme"); r.status != http.StatusCreated && len(eps) != 0 {
			t.Fatalf("%q refused (%d) but wrote an endpoint", body, r.status)
		}
	})
}

func FuzzReplayAndPatchBodies(f *testing.F) {
	for _, s := range []string{`{"event_id":"evt_1"}`, `{"from":"2026-12-06T09:00:00Z","to":"2026-12-06T10:00:00Z"}`,
		`{"status":"enabled"}`, `{"url":"https://192.168.0.1/"}`, `{"overlap_seconds":99999999}`, `null`, `{"enabled_events":null}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := newEnv(t, false)
		ep := e.endpoint("acme", publicURL, "*")
		path := map[string]string{"endpoint_id": ep.ID}
		for _, h := range []struct {
			name string
			call func() reply
		}{
			{"replay", func() reply { return e.do(e.h.Replay, call{path: path, key: "r", body: body}) }},
			{"patch", func() reply { return e.do(e.h.Update, call{path: path, body: body}) }},
			{"rotate", func() reply { return e.do(e.h.RotateSecret, call{path: path, key: "o", body: body}) }},
		} {
			if r := h.call(); r.status >= 500 {
				t.Fatalf("%s %q: %d %s", h.name, body, r.status, r.body)
			}
		}
	})
}

func FuzzEventFilterOf(f *testing.F) {
	for _, s := range [][3]string{{"invoice.*", "", ""}, {"invoice.paid", "2026-12-06T09:00:00Z", "2026-12-06T10:00:00Z"},
		{"*", "", ""}, {"a..b", "x", "y"}, {"invoice.", "2026-12-06T10:00:00Z", "2026-12-06T09:00:00Z"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, typ, from, to string) {
		q := map[string]string{}
		for k, v := range map[string]string{"type": typ, "created_from": from, "created_to": to} {
			if v != "" {
				q[k] = v
			}
		}
		flt, err := hookapi.EventFilterOf(q)
		if err == nil && !flt.From.IsZero() && !flt.To.IsZero() && !flt.From.Before(flt.To) {
			t.Fatalf("%v: accepted an empty range", q)
		}
		e := newEnv(t, false)
		if r := e.do(e.h.Events, call{query: q}); r.status >= 500 || (err == nil) != (r.status == http.StatusOK) {
			t.Fatalf("%v: %d %s (filter error %v)", q, r.status, r.body, err)
		}
	})
}
