package memstore

import (
	"context"
	"sync"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// PayoutBatches is the in-memory twin of the payout batch records
// (dynamo.PayoutBatches): created once, updated only over the version read.
type PayoutBatches struct {
	mu sync.Mutex
	m  map[string]sg.PayoutBatch // tenant\x00id
}

var _ sg.PayoutBatches = (*PayoutBatches)(nil)

func copyBatch(b sg.PayoutBatch) sg.PayoutBatch {
	b.Rows = append([]sg.BatchRow(nil), b.Rows...)
	b.Legs = append([]sg.BatchLeg(nil), b.Legs...)
	for i := range b.Legs {
		b.Legs[i].Members = append([]string(nil), b.Legs[i].Members...)
	}
	return b
}

// CreateBatch writes b once (sg.ErrBatchExists when its id is taken).
func (p *PayoutBatches) CreateBatch(_ context.Context, b sg.PayoutBatch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]sg.PayoutBatch{}
	}
	k := b.TenantID + "\x00" + b.ID
	if _, ok := p.m[k]; ok {
		return sg.ErrBatchExists
	}
	p.m[k] = copyBatch(b)
	return nil
}

// PayoutBatch reads a batch (another tenant's is not found).
func (p *PayoutBatches) PayoutBatch(_ context.Context, tenant, id string) (sg.PayoutBatch, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.m[tenant+"\x00"+id]
	if !ok {
		return sg.PayoutBatch{}, sg.ErrNotFound.WithParam("batch_id")
	}
	return copyBatch(b), nil
}

// UpdateBatch writes b if the stored version is b.Version-1.
func (p *PayoutBatches) UpdateBatch(_ context.Context, b sg.PayoutBatch) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := b.TenantID + "\x00" + b.ID
	cur, ok := p.m[k]
	if !ok || cur.Version != b.Version-1 {
		return sg.ErrStateChanged
	}
	p.m[k] = copyBatch(b)
	return nil
}
