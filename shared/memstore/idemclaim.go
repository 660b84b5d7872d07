package memstore

import (
	"context"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Claimed idempotency records (the adapter's): a request that does its
// work in many writes claims the key first (a record with its hash and
// status 0), and completes it with the answer after. A claim whose lease
// has passed may be taken over by the same request again.

// ClaimIdempotency claims key for a request with hash reqHash for lease.
// It returns true when this call holds the claim; otherwise the record that
// holds the key (status 0 while its request runs).
func (st *Store) ClaimIdempotency(_ context.Context, tenant, op, k, reqHash string, lease time.Duration) (sg.Idempotency, bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.Now()
	ik := idemKey(tenant, op, k)
	r, ok := st.idem[ik]
	free := !ok || now.After(r.expires) || r.RequestHash == reqHash && r.Status == 0 && r.lease.Before(now)
	if !free {
		out := r.Idempotency
		out.Response = append([]byte(nil), r.Response...)
		return out, false, nil
	}
	st.putIdem(sg.Idempotency{TenantID: tenant, Operation: op, Key: k, RequestHash: reqHash})
	rec := st.idem[ik]
	rec.lease = now.Add(lease)
	st.idem[ik] = rec
	return sg.Idempotency{}, true, nil
}

// CompleteIdempotency records the answer of the request holding the claim
// (r.RequestHash); sg.ErrIdempotencyInProgress if the claim is not this
// request's to complete (none, another's, or completed already).
func (st *Store) CompleteIdempotency(_ context.Context, r sg.Idempotency) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ik := idemKey(r.TenantID, r.Operation, r.Key)
	rec, ok := st.idem[ik]
	if !ok || rec.RequestHash != r.RequestHash || rec.Status != 0 {
		return sg.ErrIdempotencyInProgress
	}
	rec.Status, rec.Response, rec.lease = r.Status, append([]byte(nil), r.Response...), time.Time{}
	if len(rec.Response) == 0 {
		rec.Response = nil
	}
	st.idem[ik] = rec
	return nil
}

// ReleaseIdempotency gives up a claim of reqHash that has no answer yet
// (anything else under the key stays).
func (st *Store) ReleaseIdempotency(_ context.Context, tenant, op, k, reqHash string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ik := idemKey(tenant, op, k)
	if rec, ok := st.idem[ik]; ok && rec.RequestHash == reqHash && rec.Status == 0 {
		delete(st.idem, ik)
	}
	return nil
}
