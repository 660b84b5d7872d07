package memstore

import (
	"context"
	"sort"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// WebSocket connections and their subscriptions (the live service's
// store), each living ConnectionTTL as the adapter's items do; and the
// tenants' encrypted data keys, each stored once.

// ConnectionTTL bounds how long a connection and its subscriptions live
// (as the adapter's).
const ConnectionTTL = 2 * time.Hour

type conn struct {
	tenant  string
	expires int64 // unix seconds
}

func (st *Store) liveMaps() {
	if st.conns == nil {
		st.conns, st.subs, st.dataKeys = map[string]conn{}, map[string]map[string]int64{}, map[string][]byte{}
	}
}

// PutConnection records a connection's tenant.
func (st *Store) PutConnection(_ context.Context, id, tenant string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.liveMaps()
	st.conns[id] = conn{tenant: tenant, expires: st.Now().Add(ConnectionTTL).Unix()}
	return nil
}

// PutConnectionResuming records a connection that asked at $connect to
// resume a stream (the resume itself reaches the live service through the
// table's stream in the adapter; a test hands it to Notify).
func (st *Store) PutConnectionResuming(ctx context.Context, id, tenant, _ string, _ int64) error {
	return st.PutConnection(ctx, id, tenant)
}

// ConnectionTenant returns the tenant of a live connection or ErrNotFound.
func (st *Store) ConnectionTenant(_ context.Context, id string) (string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c, ok := st.conns[id]
	if !ok || c.expires < st.Now().Unix() {
		return "", sg.ErrNotFound
	}
	return c.tenant, nil
}

// DeleteConnection forgets a connection.
func (st *Store) DeleteConnection(_ context.Context, id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.conns, id)
	return nil
}

// Subscribe adds a connection to a wallet's subscribers.
func (st *Store) Subscribe(_ context.Context, tenant, wallet, c string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.liveMaps()
	k := tenant + "\x00" + wallet
	if st.subs[k] == nil {
		st.subs[k] = map[string]int64{}
	}
	st.subs[k][c] = st.Now().Add(ConnectionTTL).Unix()
	return nil
}

// Subscribers lists the live connections subscribed to a wallet.
func (st *Store) Subscribers(_ context.Context, tenant, wallet string) ([]string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.Now().Unix()
	var out []string
	for c, exp := range st.subs[tenant+"\x00"+wallet] {
		if exp >= now {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Unsubscribe removes a connection from a wallet's subscribers.
func (st *Store) Unsubscribe(_ context.Context, tenant, wallet, c string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.subs[tenant+"\x00"+wallet], c)
	return nil
}

// DataKey reads a tenant's encrypted data key for purpose, if stored.
func (st *Store) DataKey(_ context.Context, tenant, purpose string) ([]byte, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	b, ok := st.dataKeys[tenant+"\x00"+purpose]
	if !ok {
		return nil, false, nil
	}
	return append([]byte(nil), b...), true, nil
}

// PutDataKey stores a tenant's encrypted data key unless one exists
// (false: one does; the caller reads and uses it).
func (st *Store) PutDataKey(_ context.Context, tenant, purpose string, blob []byte) (bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.liveMaps()
	k := tenant + "\x00" + purpose
	if _, ok := st.dataKeys[k]; ok {
		return false, nil
	}
	st.dataKeys[k] = append([]byte(nil), blob...)
	return true, nil
}
