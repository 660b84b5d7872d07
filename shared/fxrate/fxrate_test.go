package fxrate_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/fxrate"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

func TestParseStatic(t *testing.T) {
	s, err := fxrate.ParseStatic("EUR=0.92, GBP=0.79,CNY=7.10")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Currencies(), ","); got != "CNY,EUR,GBP" {
		t.Fatalf("currencies %s", got)
	}
	r, err := s.Rate(ctx, "EUR")
	if err != nil || r.PerUSDT != "0.92" || r.Source != "static" || r.Currency != "EUR" {
		t.Fatalf("EUR: %+v, %v", r, err)
	}
	if _, err := s.Rate(ctx, "JPY"); !errors.Is(err, sg.ErrCurrencyUnsupported) {
		t.Fatalf("JPY (not configured): %v; want currency_unsupported", err)
	}
	for _, bad := range []string{"EUR", "EUR=", "EUR=-1", "EUR=0", "EUR=1e3", "XXX=1", "eur=1", "EUR=1,EUR=2", "EUR=0.92,", "EUR=1.0000000000001"} {
		if _, err := fxrate.ParseStatic(bad); err == nil {
			t.Errorf("ParseStatic(%q) accepted", bad)
		}
	}
	if s, err := fxrate.ParseStatic(""); err != nil || len(s.Currencies()) != 0 {
		t.Fatalf("empty config: %v, %v", s, err)
	}
}

func FuzzParseStatic(f *testing.F) {
	for _, s := range []string{"EUR=0.92,GBP=0.79,CNY=7.10", "", "EUR", "EUR=1,EUR=2", "JPY=150.5", " USD = 1 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cfg string) {
		s, err := fxrate.ParseStatic(cfg)
		if err != nil {
			return
		}
		for _, c := range s.Currencies() {
			r, err := s.Rate(ctx, c)
			if err != nil {
				t.Fatalf("%s configured but %v", c, err)
			}
			if _, err := sg.ParseRate(r.PerUSDT); err != nil {
				t.Fatalf("%s rate %q does not parse: %v", c, r.PerUSDT, err)
			}
		}
	})
}

func TestDecimalReadsJSONNumbersExactly(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0.92", "0.92"},
		{"7.1", "7.1"},
		{"150", "150"},
		{"1.5e2", "150"},
		{"9.2E-1", "0.92"},
		{"0.9234567890123456", "0.923456789012"}, // rounded to 12 decimals
		{"0.1000000000000000055511151231257827", "0.1"},
	}
	for _, c := range cases {
		if got, err := fxrate.Decimal(c.in); err != nil || got != c.want {
			t.Errorf("Decimal(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "NaN", "Infinity", "1e99", "0x10", "01", ".5", "1.", "1e999", "1 ", "0.0000000000001", "1/2", "2000000000"} {
		if got, err := fxrate.Decimal(bad); err == nil {
			t.Errorf("Decimal(%q) = %q; want a refusal", bad, got)
		}
	}
}

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"0.92", "1.5e2", "9.2E-1", "-1", "1e99", "0.0000000000001", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := fxrate.Decimal(s)
		if err != nil {
			return
		}
		if _, err := sg.ParseRate(out); err != nil {
			t.Fatalf("Decimal(%q) = %q, which ParseRate refuses: %v", s, out, err)
		}
	})
}

func TestHTTPSource(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/rates":
			fmt.Fprint(w, `{"base":"USDT","rates":{"EUR":0.9234567890123456,"GBP":"0.79","CNY":7.1e0,"JPY":true}}`)
		case "/down":
			w.WriteHeader(http.StatusBadGateway)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "/neg":
			fmt.Fprint(w, `{"rates":{"EUR":-0.92}}`)
		case "/junk":
			fmt.Fprint(w, `<html>`)
		case "/tether/eur":
			fmt.Fprint(w, `{"tether":{"eur":0.92}}`)
		}
	}))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server on %s; want 127.0.0.1", srv.URL)
	}
	src := &fxrate.HTTP{URL: srv.URL + "/rates", Field: "rates.{currency}", MaxAge: time.Minute}
	cases := []struct {
		name, cur, want string
	}{
		{"a JSON number, rounded to 12 decimals", "EUR", "0.923456789012"},
		{"a numeric string", "GBP", "0.79"},
		{"an exponent", "CNY", "7.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := src.Rate(ctx, c.cur)
			if err != nil || r.PerUSDT != c.want || !strings.HasPrefix(r.Source, "http:127.0.0.1") {
				t.Fatalf("%s: %+v, %v; want %s", c.cur, r, err, c.want)
			}
		})
	}
	before := hits.Load()
	if _, err := src.Rate(ctx, "EUR"); err != nil || hits.Load() != before {
		t.Fatalf("a cached rate fetched again (%v)", err)
	}
	refusals := []struct {
		name string
		src  *fxrate.HTTP
		cur  string
		want *sg.Error
	}{
		{"a field that is not a number", src, "JPY", sg.ErrRateInvalid},
		{"a currency the answer lacks", src, "USD", sg.ErrCurrencyUnsupported},
		{"an unsupported currency, not asked", src, "XXX", sg.ErrCurrencyUnsupported},
		{"an error status", &fxrate.HTTP{URL: srv.URL + "/down", Field: "rates.EUR"}, "EUR", sg.ErrUnavailable},
		{"a timeout", &fxrate.HTTP{URL: srv.URL + "/slow", Field: "rates.EUR", Timeout: 50 * time.Millisecond}, "EUR", sg.ErrUnavailable},
		{"a negative rate", &fxrate.HTTP{URL: srv.URL + "/neg", Field: "rates.{currency}"}, "EUR", sg.ErrRateInvalid},
		{"not JSON", &fxrate.HTTP{URL: srv.URL + "/junk", Field: "rates.{currency}"}, "EUR", sg.ErrRateInvalid},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.src.Rate(ctx, c.cur)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v; want %s", err, c.want.Code)
			}
		})
	}
	t.Run("placeholders in the URL and the path", func(t *testing.T) {
		s := &fxrate.HTTP{URL: srv.URL + "/tether/{currency_lower}", Field: "tether.{currency_lower}"}
		if r, err := s.Rate(ctx, "EUR"); err != nil || r.PerUSDT != "0.92" {
			t.Fatalf("%+v, %v", r, err)
		}
	})
}
