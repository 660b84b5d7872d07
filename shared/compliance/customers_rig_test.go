package compliance_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/internal/dev/kycdev"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/kycprovider"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// kcClock is a settable clock.
type kcClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *kcClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *kcClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// kcRig is the customers, KYC and limits services over the twin, with the
// dev KYC provider behind the HTTP adapter and every log line captured.
type kcRig struct {
	store  *memstore.Customers
	clock  *kcClock
	logs   *bytes.Buffer
	cus    *compliance.Customers
	lim    *compliance.Limits
	tiers  *compliance.Tiers
	kyc    *compliance.KYC
	dev    *kycdev.Provider
	tenant string
}

var kcSecret = []byte("kyc-callback-secret-for-tests")

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func newKCRig(t *testing.T) *kcRig {
	t.Helper()
	r := &kcRig{store: memstore.NewCustomers(), clock: &kcClock{t: time.Date(2026, 3, 10, 12, 30, 0, 0, time.UTC)}, logs: &bytes.Buffer{}, tenant: "t-kyc"}
	log := slog.New(slog.NewJSONHandler(&lockedBuffer{b: r.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.cus = &compliance.Customers{Store: r.store, Sealer: &memstore.Sealer{}, Now: r.clock.Now, Log: log}
	r.lim = &compliance.Limits{Store: r.store, Counters: r.store, Now: r.clock.Now}
	r.tiers = &compliance.Tiers{Store: r.store, Now: r.clock.Now}
	r.dev = &kycdev.Provider{Secret: kcSecret, Now: r.clock.Now}
	srv := httptest.NewServer(r.dev)
	t.Cleanup(srv.Close)
	client := &kycprovider.Client{ProviderName: "dev", BaseURL: srv.URL, APIKey: "dev-key", Secrets: [][]byte{kcSecret}, HTTP: srv.Client()}
	r.kyc = &compliance.KYC{Customers: r.cus, Provider: client}
	r.dev.Deliver = func(ctx context.Context, sig string, body []byte) error {
		_, err := r.kyc.Callback(ctx, sig, body)
		return err
	}
	return r
}

func (r *kcRig) create(t *testing.T, key string, pii sg.CustomerPII) sg.Customer {
	t.Helper()
	c, err := r.cus.Create(context.Background(), r.tenant, key, pii)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return c
}

// verify takes a customer through the dev provider to verified in tier.
func (r *kcRig) verify(t *testing.T, id, tier string) sg.Customer {
	t.Helper()
	ctx := context.Background()
	_, st, err := r.kyc.Start(ctx, r.tenant, id, tier)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := r.dev.Decide(ctx, st.ProviderRef, "verified", "documents match", time.Time{}); err != nil {
		t.Fatalf("Decide: %v", err)
	}
	c, err := r.cus.Get(ctx, r.tenant, id)
	if err != nil || c.KYC.Status != sg.KYCVerified {
		t.Fatalf("after verification: %v, %v", c.KYC.Status, err)
	}
	return c
}

func kcPII(name string) sg.CustomerPII {
	return sg.CustomerPII{Name: name, DateOfBirth: "1990-01-31", Country: "DE", Documents: []sg.CustomerDocument{{Kind: "passport", Reference: "C01X00T47"}}}
}

// kcWant checks err is the named error with param ("" to skip).
func kcWant(t *testing.T, what string, err error, want *sg.Error, param string) {
	t.Helper()
	var got *sg.Error
	if want == nil {
		if err != nil {
			t.Fatalf("%s: %v; want success", what, err)
		}
		return
	}
	if !errors.As(err, &got) || got.Code != want.Code {
		t.Fatalf("%s: %v; want %s", what, err, want.Code)
	}
	if got.Kind != want.Kind {
		t.Fatalf("%s: kind %d; want %d", what, got.Kind, want.Kind)
	}
	if param != "" && got.Param != param {
		t.Fatalf("%s: param %q; want %q", what, got.Param, param)
	}
}

func kcDecision(approve bool) compliance.KYCDecision {
	return compliance.KYCDecision{Approve: approve, Reason: "documents checked", Officer: "officer-1"}
}
