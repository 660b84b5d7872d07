package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OAuthStore is what the API client contract holds a store to.
type OAuthStore interface {
	sg.APIClientStore
	sg.RateLimiter
	sg.RateLimitConfigs
}

// OAuth holds an API client store and rate limiter to one contract: the
// same named cases pass on the twin and on DynamoDB Local.
func OAuth(t *testing.T, open func(t *testing.T) OAuthStore) {
	for _, c := range oauthCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type oauthCase struct {
	name string
	run  func(t *testing.T, st OAuthStore)
}

func newClient(tenant, id string) sg.APIClient {
	return sg.APIClient{ID: "ac_" + id + "." + tenant, TenantID: tenant, Name: "n", Scopes: []string{"a", "b"}, IPAllow: []string{"10.0.0.0/8"},
		SecretSalt: []byte{1, 2}, SecretHash: []byte{3, 4}, Status: sg.APIClientActive, CreatedBy: "u", CreatedAt: now(), Version: 1}
}

// bucketAt takes n requests at instant at and counts the allowed.
func takeN(t *testing.T, st OAuthStore, key string, l sg.RateLimit, at time.Time, n int) (allowed int, last sg.RateDecision) {
	t.Helper()
	for i := 0; i < n; i++ {
		d, err := st.Take(ctx, key, l, at)
		must(t, "Take", err)
		if d.Allowed {
			allowed++
		}
		last = d
	}
	return allowed, last
}

var oauthCases = []oauthCase{
	{"CreateClient/a client reads back as written; another tenant's is not found", func(t *testing.T, st OAuthStore) {
		ten := tenant()
		c := newClient(ten, "1")
		must(t, "CreateClient", st.CreateClient(ctx, c, sg.Idempotency{TenantID: ten, Operation: "op", Key: "k", RequestHash: "h", Status: 201, Response: []byte(`{}`)}))
		got, err := st.Client(ctx, ten, c.ID)
		must(t, "Client", err)
		if got.Name != "n" || len(got.Scopes) != 2 || string(got.SecretHash) != string(c.SecretHash) || got.Version != 1 || !got.CreatedAt.Equal(c.CreatedAt) {
			t.Fatalf("read %+v", got)
		}
		if _, err := st.Client(ctx, tenant(), c.ID); !errors.Is(err, sg.ErrAPIClientNotFound) {
			t.Fatalf("another tenant: %v", err)
		}
		rec, err := st.Idempotency(ctx, ten, "op", "k")
		must(t, "Idempotency", err)
		if rec.RequestHash != "h" || rec.Status != 201 {
			t.Fatalf("record %+v", rec)
		}
	}},
	{"CreateClient/a used idempotency key creates nothing", func(t *testing.T, st OAuthStore) {
		ten := tenant()
		idem := sg.Idempotency{TenantID: ten, Operation: "op", Key: "k", RequestHash: "h", Status: 201, Response: []byte(`{}`)}
		must(t, "CreateClient", st.CreateClient(ctx, newClient(ten, "1"), idem))
		if err := st.CreateClient(ctx, newClient(ten, "2"), idem); !errors.Is(err, sg.ErrIdempotencyInProgress) {
			t.Fatalf("second create: %v", err)
		}
		if _, err := st.Client(ctx, ten, newClient(ten, "2").ID); !errors.Is(err, sg.ErrAPIClientNotFound) {
			t.Fatalf("the second client exists: %v", err)
		}
	}},
	{"UpdateClient/writes over the version before and refuses a stale one", func(t *testing.T, st OAuthStore) {
		ten := tenant()
		c := newClient(ten, "1")
		must(t, "CreateClient", st.CreateClient(ctx, c, sg.Idempotency{TenantID: ten, Operation: "op", Key: "k", RequestHash: "h", Status: 201, Response: []byte(`{}`)}))
		c.Status, c.Version = sg.APIClientRevoked, 2
		must(t, "UpdateClient", st.UpdateClient(ctx, c))
		if err := st.UpdateClient(ctx, c); !errors.Is(err, sg.ErrAPIClientChanged) {
			t.Fatalf("a stale update: %v", err)
		}
		got, _ := st.Client(ctx, ten, c.ID)
		if got.Status != sg.APIClientRevoked || got.Version != 2 {
			t.Fatalf("read %+v", got)
		}
	}},
	{"Clients/lists the tenant's clients only, newest first", func(t *testing.T, st OAuthStore) {
		ten := tenant()
		for i, id := range []string{"20260101", "20260102", "20260103"} {
			must(t, "CreateClient", st.CreateClient(ctx, newClient(ten, id), sg.Idempotency{TenantID: ten, Operation: "op", Key: id, RequestHash: "h", Status: 201, Response: []byte(`{}`)}))
			_ = i
		}
		other := tenant()
		must(t, "CreateClient", st.CreateClient(ctx, newClient(other, "x"), sg.Idempotency{TenantID: other, Operation: "op", Key: "x", RequestHash: "h", Status: 201, Response: []byte(`{}`)}))
		cs, err := st.Clients(ctx, ten, 10)
		must(t, "Clients", err)
		if len(cs) != 3 || cs[0].ID != newClient(ten, "20260103").ID || cs[2].ID != newClient(ten, "20260101").ID {
			t.Fatalf("listed %d: %+v", len(cs), cs)
		}
	}},
	{"UseAssertion/a jti is used once until it expires", func(t *testing.T, st OAuthStore) {
		ten := tenant()
		ok, err := st.UseAssertion(ctx, ten, "c", "j", time.Now().Add(time.Minute))
		must(t, "UseAssertion", err)
		again, err := st.UseAssertion(ctx, ten, "c", "j", time.Now().Add(time.Minute))
		must(t, "UseAssertion", err)
		if !ok || again {
			t.Fatalf("first %v, again %v", ok, again)
		}
	}},
	{"RecordGrant/journals a token", func(t *testing.T, st OAuthStore) {
		must(t, "RecordGrant", st.RecordGrant(ctx, sg.TokenGrant{TenantID: tenant(), JTI: randHex(8), ClientID: "c", Scopes: []string{"a"},
			AuthBy: "client_secret_basic", IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Minute)}))
	}},
	{"TenantRateLimit/a tenant's own limit reads back; others have none", func(t *testing.T, st OAuthStore) {
		ten := tenant()
		must(t, "PutTenantRateLimit", st.PutTenantRateLimit(ctx, ten, sg.RateLimit{Rate: 2.5, Burst: 7}))
		l, ok, err := st.TenantRateLimit(ctx, ten)
		must(t, "TenantRateLimit", err)
		if !ok || l.Rate != 2.5 || l.Burst != 7 {
			t.Fatalf("read %+v %v", l, ok)
		}
		if _, ok, _ := st.TenantRateLimit(ctx, tenant()); ok {
			t.Fatal("a tenant with no limit of its own has one")
		}
	}},
	{"Take/a full bucket allows its burst at one instant, then refuses with the wait for one request", func(t *testing.T, st OAuthStore) {
		l := sg.RateLimit{Rate: 10, Burst: 5}
		at := time.Now().Truncate(time.Millisecond)
		allowed, last := takeN(t, st, tenant(), l, at, 8)
		if allowed != 5 {
			t.Fatalf("allowed %d of 8 at one instant; want the burst, 5", allowed)
		}
		if last.Allowed || last.RetryIn != 100*time.Millisecond || last.Remaining != 0 || last.Limit != 5 {
			t.Fatalf("the refusal: %+v; want a retry in 100ms (1/rate)", last)
		}
	}},
	{"Take/the bucket refills at the rate and never beyond its burst", func(t *testing.T, st OAuthStore) {
		l := sg.RateLimit{Rate: 10, Burst: 5}
		k := tenant()
		at := time.Now().Truncate(time.Millisecond)
		takeN(t, st, k, l, at, 5)
		if a, _ := takeN(t, st, k, l, at.Add(300*time.Millisecond), 5); a != 3 {
			t.Fatalf("300ms later: %d allowed; want 3 (10/s)", a)
		}
		if a, _ := takeN(t, st, k, l, at.Add(time.Hour), 10); a != 5 {
			t.Fatalf("an hour later: %d allowed; want the burst, 5", a)
		}
	}},
	{"Take/a steady caller under the limit is always allowed; remaining and reset follow the bucket", func(t *testing.T, st OAuthStore) {
		l := sg.RateLimit{Rate: 10, Burst: 5}
		k := tenant()
		at := time.Now().Truncate(time.Millisecond)
		for i := 0; i < 20; i++ {
			d, err := st.Take(ctx, k, l, at.Add(time.Duration(i)*150*time.Millisecond))
			must(t, "Take", err)
			if !d.Allowed || d.Remaining != 4 || d.Reset != 100*time.Millisecond {
				t.Fatalf("request %d every 150ms: %+v; want allowed, 4 left, full in 100ms", i, d)
			}
		}
	}},
	{"Take/buckets are apart: one caller's burst leaves another's whole", func(t *testing.T, st OAuthStore) {
		l := sg.RateLimit{Rate: 1, Burst: 3}
		at := time.Now().Truncate(time.Millisecond)
		takeN(t, st, tenant(), l, at, 10)
		if a, _ := takeN(t, st, tenant(), l, at, 3); a != 3 {
			t.Fatalf("the other bucket allowed %d of 3", a)
		}
	}},
	{"Take/concurrent requests never take more than the bucket holds", func(t *testing.T, st OAuthStore) {
		l := sg.RateLimit{Rate: 0.001, Burst: 20}
		k := tenant()
		at := time.Now().Truncate(time.Millisecond)
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 6; i++ {
					d, err := st.Take(ctx, k, l, at)
					if err != nil {
						if !errors.Is(err, sg.ErrUnavailable) {
							t.Error(err)
						}
						continue
					}
					if d.Allowed {
						allowed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if n := allowed.Load(); n != 20 {
			t.Fatalf("48 concurrent requests on a bucket of 20: %d allowed", n)
		}
	}},
}
