package notify

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func ptr[T any](v T) *T { return &v }

// Endpoints: the secret is shown once and stored sealed; another tenant's
// endpoint is not_found; bad input is refused with a named code and
// writes nothing (issue 14, must-show 5).
func TestEndpoints(t *testing.T) {
	h := newHarness(t)
	r := h.receiver()
	e, secret, err := h.svc.CreateEndpoint(ctx, "ten_a", EndpointInput{URL: r.srv.URL + "/h", Description: "orders", EnabledEvents: []string{"invoice.paid", "invoice.paid", "payout.*"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the secret is shown once and stored sealed", func(t *testing.T) {
		if !strings.HasPrefix(secret, "whsec_") || len(secret) != 6+48 {
			t.Fatalf("secret %q", secret)
		}
		if bytes.Contains(e.SecretSealed, []byte(secret)) || len(e.SecretSealed) == 0 {
			t.Fatal("the secret is stored in the clear")
		}
		v := View(e, "", t0)
		if v.Secret != "" || v.Status != sg.EndpointEnabled || len(v.EnabledEvents) != 2 {
			t.Fatalf("view %+v", v)
		}
	})
	t.Run("another tenant's endpoint is not found", func(t *testing.T) {
		if _, err := h.svc.Endpoint(ctx, "ten_b", e.ID); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("get: %v", err)
		}
		if _, err := h.svc.UpdateEndpoint(ctx, "ten_b", e.ID, EndpointPatch{Description: ptr("x")}); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("update: %v", err)
		}
		if _, _, err := h.svc.RotateSecret(ctx, "ten_b", e.ID, 0); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("rotate: %v", err)
		}
		if _, _, err := h.svc.Deliveries(ctx, "ten_b", e.ID, sg.Page{}); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("deliveries: %v", err)
		}
		if err := h.svc.DeleteEndpoint(ctx, "ten_b", e.ID); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("delete: %v", err)
		}
		if l, _ := h.svc.Endpoints(ctx, "ten_b"); len(l) != 0 {
			t.Fatalf("ten_b lists %d endpoints", len(l))
		}
	})
	deployed := &Service{Store: h.store, Queue: h.q, Sealer: h.svc.Sealer, Now: h.clock} // no loopback exception
	for _, c := range []struct {
		name string
		in   EndpointInput
		want *sg.Error
	}{
		{"http outside the local stack", EndpointInput{URL: "http://hooks.example.com/h", EnabledEvents: []string{"*"}}, sg.ErrURLNotHTTPS},
		{"a private address", EndpointInput{URL: "https://10.1.2.3/h", EnabledEvents: []string{"*"}}, sg.ErrURLNotPublic},
		{"the metadata address", EndpointInput{URL: "https://169.254.169.254/latest", EnabledEvents: []string{"*"}}, sg.ErrURLNotPublic},
		{"loopback outside the local stack", EndpointInput{URL: r.srv.URL, EnabledEvents: []string{"*"}}, sg.ErrURLNotPublic},
		{"a user in the URL", EndpointInput{URL: "https://u:p@hooks.example.com/h", EnabledEvents: []string{"*"}}, sg.ErrURLInvalid},
		{"no event types", EndpointInput{URL: "https://93.184.216.34/h"}, sg.ErrEventTypeInvalid},
		{"a bad event type", EndpointInput{URL: "https://93.184.216.34/h", EnabledEvents: []string{"Invoice Paid"}}, sg.ErrEventTypeInvalid},
		{"a long description", EndpointInput{URL: "https://93.184.216.34/h", EnabledEvents: []string{"*"}, Description: strings.Repeat("x", 501)}, sg.ErrValidation},
	} {
		t.Run("refuses "+c.name, func(t *testing.T) {
			if _, _, err := deployed.CreateEndpoint(ctx, "ten_c", c.in); !errors.Is(err, c.want) {
				t.Fatalf("create: %v; want %s", err, c.want.Code)
			}
			if l, _ := deployed.Endpoints(ctx, "ten_c"); len(l) != 0 {
				t.Fatal("a refused create wrote an endpoint")
			}
			p := EndpointPatch{URL: ptr(c.in.URL)}
			switch c.want {
			case sg.ErrEventTypeInvalid:
				p = EndpointPatch{EnabledEvents: ptr(c.in.EnabledEvents)}
			case sg.ErrValidation:
				p = EndpointPatch{Description: ptr(c.in.Description)}
			}
			if _, err := deployed.UpdateEndpoint(ctx, "ten_a", e.ID, p); !errors.Is(err, c.want) {
				t.Fatalf("update: %v; want %s", err, c.want.Code)
			}
			if got, _ := h.svc.Endpoint(ctx, "ten_a", e.ID); got.Version != e.Version {
				t.Fatal("a refused update wrote")
			}
		})
	}
	t.Run("update, disable and delete", func(t *testing.T) {
		u, err := h.svc.UpdateEndpoint(ctx, "ten_a", e.ID, EndpointPatch{Description: ptr("all"), EnabledEvents: ptr([]string{"*"}), Status: ptr(sg.EndpointDisabled)})
		if err != nil || u.Description != "all" || u.EnabledEvents[0] != "*" || u.Status != sg.EndpointDisabled || u.DisabledReason != "user" || u.Version != e.Version+1 {
			t.Fatalf("update = %+v, %v", u, err)
		}
		h.publish("ten_a", "evt_while_disabled", "invoice.paid", "inv_A", 1)
		h.drain()
		if n := len(r.deliveries()); n != 0 {
			t.Fatalf("a disabled endpoint got %d deliveries", n)
		}
		if _, err := h.svc.Replay(ctx, "ten_a", e.ID, ReplayInput{EventID: "evt_while_disabled"}); !errors.Is(err, sg.ErrEndpointDisabled) {
			t.Fatalf("replay to a disabled endpoint: %v", err)
		}
		if _, err := h.svc.UpdateEndpoint(ctx, "ten_a", e.ID, EndpointPatch{Status: ptr("paused")}); !errors.Is(err, sg.ErrValidation) {
			t.Fatalf("status paused: %v", err)
		}
		if _, err := h.svc.UpdateEndpoint(ctx, "ten_a", e.ID, EndpointPatch{Status: ptr(sg.EndpointEnabled)}); err != nil {
			t.Fatal(err)
		}
		if n, err := h.svc.Replay(ctx, "ten_a", e.ID, ReplayInput{EventID: "evt_while_disabled"}); err != nil || n != 1 {
			t.Fatalf("replay = %d, %v", n, err)
		}
		if err := h.svc.DeleteEndpoint(ctx, "ten_a", e.ID); err != nil {
			t.Fatal(err)
		}
		h.drain()
		if n := len(r.deliveries()); n != 0 {
			t.Fatalf("a deleted endpoint got %d deliveries", n)
		}
		if _, err := h.svc.Endpoint(ctx, "ten_a", e.ID); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("get after delete: %v", err)
		}
	})
	t.Run("a tenant has at most 16 endpoints", func(t *testing.T) {
		for i := range MaxEndpoints {
			if _, _, err := h.svc.CreateEndpoint(ctx, "ten_d", EndpointInput{URL: r.srv.URL, EnabledEvents: []string{"*"}}); err != nil {
				t.Fatalf("endpoint %d: %v", i, err)
			}
		}
		if _, _, err := h.svc.CreateEndpoint(ctx, "ten_d", EndpointInput{URL: r.srv.URL, EnabledEvents: []string{"*"}}); !errors.Is(err, sg.ErrTooManyEndpoints) {
			t.Fatalf("the 17th: %v", err)
		}
	})
	t.Run("a rotation's overlap is bounded", func(t *testing.T) {
		if _, _, err := h.svc.RotateSecret(ctx, "ten_d", "we_x", 8*24*time.Hour); !errors.Is(err, sg.ErrValidation) {
			t.Fatalf("8 days: %v", err)
		}
	})
}

func TestDecodeTask(t *testing.T) {
	if got, err := DecodeTask(`{"tenant_id":"t","endpoint_id":"we_1","job_key":"evt_1","gen":2}`); err != nil || got.Gen != 2 {
		t.Fatalf("DecodeTask = %+v, %v", got, err)
	}
	for _, b := range []string{``, `{}`, `[]`, `{"tenant_id":"t","endpoint_id":"we_1","job_key":"evt_1","gen":-1}`} {
		if _, err := DecodeTask(b); err == nil {
			t.Errorf("DecodeTask(%q) accepted", b)
		}
	}
}

// FuzzDecodeTask: no queue message body crashes the decoder, and what it
// accepts names a job.
func FuzzDecodeTask(f *testing.F) {
	for _, s := range []string{`{"tenant_id":"t","endpoint_id":"we_1","job_key":"evt_1","gen":2}`, `{}`, `null`, `{"gen":-1}`, `{"tenant_id":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, err := DecodeTask(body)
		if err == nil && (got.EndpointID == "" || got.JobKey == "" || got.TenantID == "" || got.Gen < 0) {
			t.Fatalf("accepted %q as %+v", body, got)
		}
	})
}
