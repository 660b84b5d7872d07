package memstore

import (
	"context"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// RefundLinks is the in-memory twin of sg.RefundLinks. The zero value is
// ready to use.
type RefundLinks struct {
	mu      sync.Mutex
	byID    map[string]sg.RefundLink // tenant\x00id
	byToken map[string]string        // token: tenant\x00id
}

var _ sg.RefundLinks = (*RefundLinks)(nil)

func (r *RefundLinks) PutRefundLink(_ context.Context, l sg.RefundLink) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID, r.byToken = map[string]sg.RefundLink{}, map[string]string{}
	}
	k := l.TenantID + "\x00" + l.ID
	if _, ok := r.byID[k]; ok {
		return sg.ErrRefundLinkExists
	}
	if _, ok := r.byToken[l.Token]; ok {
		return sg.ErrRefundLinkExists
	}
	l.CreatedAt, l.ExpiresAt = micro(l.CreatedAt), micro(l.ExpiresAt)
	r.byID[k], r.byToken[l.Token] = l, k
	return nil
}

func (r *RefundLinks) RefundLinkByID(_ context.Context, tenant, id string) (sg.RefundLink, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	l, ok := r.byID[tenant+"\x00"+id]
	if !ok {
		return sg.RefundLink{}, sg.ErrNotFound
	}
	return l, nil
}

func (r *RefundLinks) RefundLinkByToken(_ context.Context, token string) (sg.RefundLink, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, ok := r.byToken[token]
	if !ok {
		return sg.RefundLink{}, sg.ErrNotFound
	}
	return r.byID[k], nil
}

func (r *RefundLinks) ClaimRefundLink(_ context.Context, tenant, id, to string, at time.Time) (sg.RefundLink, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := tenant + "\x00" + id
	l, ok := r.byID[k]
	switch {
	case !ok:
		return sg.RefundLink{}, sg.ErrNotFound
	case l.State == sg.RefundLinkClaimed && l.ToAddress == to:
		return l, nil
	case l.State == sg.RefundLinkClaimed:
		return sg.RefundLink{}, sg.ErrRefundLinkUsed
	}
	l.State, l.ToAddress, l.ClaimedAt = sg.RefundLinkClaimed, to, micro(at)
	r.byID[k] = l
	return l, nil
}
