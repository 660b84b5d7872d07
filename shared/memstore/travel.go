package memstore

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Travel is the in-memory twin of the travel-rule store (sg.TravelStore):
// one record per tenant, transfer and direction, written once; times at
// the microsecond, UTC. The zero value is ready.
type Travel struct {
	mu      sync.Mutex
	records map[string]sg.TravelRecord // tenant\x00transfer\x00direction
}

var _ sg.TravelStore = (*Travel)(nil)

func travelKey(tenant, id string, d sg.TravelDirection) string {
	return tenant + "\x00" + id + "\x00" + string(d)
}

// PutTravel writes r once.
func (m *Travel) PutTravel(_ context.Context, r sg.TravelRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.records == nil {
		m.records = map[string]sg.TravelRecord{}
	}
	k := travelKey(r.Tenant, r.TransferID, r.Direction)
	if _, ok := m.records[k]; ok {
		return sg.ErrTravelRecordExists
	}
	r.PayloadSealed = bytes.Clone(r.PayloadSealed)
	r.At = r.At.UTC().Truncate(time.Microsecond)
	m.records[k] = r
	return nil
}

// Travel reads one record.
func (m *Travel) Travel(_ context.Context, tenant, id string, d sg.TravelDirection) (sg.TravelRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[travelKey(tenant, id, d)]
	if !ok {
		return sg.TravelRecord{}, sg.ErrNotFound
	}
	r.PayloadSealed = bytes.Clone(r.PayloadSealed)
	return r, nil
}

// TravelByTransfer lists a transfer's records, out before in.
func (m *Travel) TravelByTransfer(_ context.Context, tenant, id string) ([]sg.TravelRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sg.TravelRecord
	for _, d := range []sg.TravelDirection{sg.TravelOut, sg.TravelIn} {
		if r, ok := m.records[travelKey(tenant, id, d)]; ok {
			r.PayloadSealed = bytes.Clone(r.PayloadSealed)
			out = append(out, r)
		}
	}
	return out, nil
}

// StoredBytes is every byte the twin holds for the tenant's records, as a
// table item would hold them (for tests that look for plaintext at rest).
func (m *Travel) StoredBytes(tenant string) [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.records))
	for k, r := range m.records {
		if r.Tenant == tenant {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out [][]byte
	for _, k := range keys {
		r := m.records[k]
		out = append(out, []byte(k), bytes.Clone(r.PayloadSealed), []byte(r.CounterpartyVASP), []byte(r.Status), []byte(r.Chain))
	}
	return out
}
