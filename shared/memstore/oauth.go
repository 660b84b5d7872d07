package memstore

import (
	"context"
	"sort"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OAuth is the memory twin of the API client store, the token journal, the
// rate limit buckets and the per-tenant limits.
type OAuth struct {
	Now func() time.Time

	mu         sync.Mutex
	clients    map[string]sg.APIClient // tenant\x00id
	idem       map[string]sg.Idempotency
	grants     []sg.TokenGrant
	assertions map[string]time.Time // tenant\x00client\x00jti -> exp
	tats       map[string]time.Time
	limits     map[string]sg.RateLimit
}

// NewOAuth returns an empty twin.
func NewOAuth() *OAuth {
	return &OAuth{Now: time.Now, clients: map[string]sg.APIClient{}, idem: map[string]sg.Idempotency{},
		assertions: map[string]time.Time{}, tats: map[string]time.Time{}, limits: map[string]sg.RateLimit{}}
}

var (
	_ sg.APIClientStore   = (*OAuth)(nil)
	_ sg.RateLimiter      = (*OAuth)(nil)
	_ sg.RateLimitConfigs = (*OAuth)(nil)
)

func ck(tenant, id string) string { return tenant + "\x00" + id }

func copyClient(c sg.APIClient) sg.APIClient {
	c.Scopes = append([]string(nil), c.Scopes...)
	c.IPAllow = append([]string(nil), c.IPAllow...)
	return c
}

// CreateClient stores c with its creation's first answer.
func (o *OAuth) CreateClient(_ context.Context, c sg.APIClient, idem sg.Idempotency) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	ik := idemKey(idem.TenantID, idem.Operation, idem.Key)
	if _, ok := o.idem[ik]; ok {
		return sg.ErrIdempotencyInProgress
	}
	if _, ok := o.clients[ck(c.TenantID, c.ID)]; ok {
		return sg.Internal("memstore.CreateClient", nil)
	}
	idem.CreatedAt = o.Now()
	o.idem[ik] = idem
	o.clients[ck(c.TenantID, c.ID)] = copyClient(c)
	return nil
}

// Client reads a tenant's client.
func (o *OAuth) Client(_ context.Context, tenant, id string) (sg.APIClient, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c, ok := o.clients[ck(tenant, id)]
	if !ok {
		return sg.APIClient{}, sg.ErrAPIClientNotFound
	}
	return copyClient(c), nil
}

// Clients lists a tenant's clients, newest first.
func (o *OAuth) Clients(_ context.Context, tenant string, limit int) ([]sg.APIClient, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []sg.APIClient
	for _, c := range o.clients {
		if c.TenantID == tenant {
			out = append(out, copyClient(c))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// UpdateClient writes c over version c.Version-1.
func (o *OAuth) UpdateClient(_ context.Context, c sg.APIClient) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	old, ok := o.clients[ck(c.TenantID, c.ID)]
	if !ok || old.Version != c.Version-1 {
		return sg.ErrAPIClientChanged
	}
	o.clients[ck(c.TenantID, c.ID)] = copyClient(c)
	return nil
}

// Idempotency reads a record.
func (o *OAuth) Idempotency(_ context.Context, tenant, op, key string) (sg.Idempotency, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r, ok := o.idem[idemKey(tenant, op, key)]
	if !ok {
		return sg.Idempotency{}, sg.ErrNotFound
	}
	return r, nil
}

// RecordGrant journals a token.
func (o *OAuth) RecordGrant(_ context.Context, g sg.TokenGrant) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.grants = append(o.grants, g)
	return nil
}

// Grants returns the journal (tests read it).
func (o *OAuth) Grants() []sg.TokenGrant {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sg.TokenGrant(nil), o.grants...)
}

// UseAssertion records an assertion's jti; false if seen and not expired.
func (o *OAuth) UseAssertion(_ context.Context, tenant, clientID, jti string, exp time.Time) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := tenant + "\x00" + clientID + "\x00" + jti
	if e, ok := o.assertions[k]; ok && !e.Before(o.Now()) {
		return false, nil
	}
	o.assertions[k] = exp
	return true, nil
}

// Take decides by GCRA under the lock.
func (o *OAuth) Take(_ context.Context, key string, l sg.RateLimit, now time.Time) (sg.RateDecision, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	d, tat := sg.NewGCRA(l).Decide(o.tats[key], now, l.Burst)
	o.tats[key] = tat
	return d, nil
}

// TenantRateLimit reads a tenant's own limit.
func (o *OAuth) TenantRateLimit(_ context.Context, tenant string) (sg.RateLimit, bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	l, ok := o.limits[tenant]
	return l, ok, nil
}

// PutTenantRateLimit sets a tenant's limit.
func (o *OAuth) PutTenantRateLimit(_ context.Context, tenant string, l sg.RateLimit) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.limits[tenant] = l
	return nil
}
