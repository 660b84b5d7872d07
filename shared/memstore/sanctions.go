package memstore

import (
	"context"
	"sort"
	"sync"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sanctions is the in-memory twin of the screening store
// (sg.ScreeningStore): the sanctions list's entries by version, the
// current-version pointer that publishing flips, and each tenant's
// blocklist. Entries written under a version are not used until it is
// published. Times come back at the microsecond, UTC. The zero value is
// not usable; call NewSanctions.
type Sanctions struct {
	mu      sync.Mutex
	entries map[string]map[sg.SanctionEntry]bool // version
	current *sg.SanctionsList
	blocks  map[string]map[sg.SanctionEntry]sg.BlockEntry // tenant
}

var _ sg.ScreeningStore = (*Sanctions)(nil)

// NewSanctions is an empty screening store.
func NewSanctions() *Sanctions {
	return &Sanctions{entries: map[string]map[sg.SanctionEntry]bool{}, blocks: map[string]map[sg.SanctionEntry]sg.BlockEntry{}}
}

// PutSanctionEntries writes entries under version.
func (s *Sanctions) PutSanctionEntries(_ context.Context, version string, entries []sg.SanctionEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.entries[version]
	if m == nil {
		m = map[sg.SanctionEntry]bool{}
		s.entries[version] = m
	}
	for _, e := range entries {
		m[sg.SanctionEntry{Chain: e.Chain, Address: sg.ScreenKey(e.Chain, e.Address)}] = true
	}
	return nil
}

// PublishSanctions makes l current.
func (s *Sanctions) PublishSanctions(_ context.Context, l sg.SanctionsList) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.LoadedAt = usec(l.LoadedAt)
	l.Counts = cloneCounts(l.Counts)
	s.current = &l
	return nil
}

func cloneCounts(m map[sg.Chain]int) map[sg.Chain]int {
	if len(m) == 0 {
		return nil
	}
	out := make(map[sg.Chain]int, len(m))
	for c, k := range m {
		out[c] = k
	}
	return out
}

// CurrentSanctions reads the current list.
func (s *Sanctions) CurrentSanctions(context.Context) (sg.SanctionsList, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return sg.SanctionsList{}, false, nil
	}
	l := *s.current
	l.Counts = cloneCounts(l.Counts)
	return l, true, nil
}

// Listed looks the address up in the current list.
func (s *Sanctions) Listed(_ context.Context, c sg.Chain, addr string) (bool, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return false, "", nil
	}
	v := s.current.Version
	return s.entries[v][sg.SanctionEntry{Chain: c, Address: sg.ScreenKey(c, addr)}], v, nil
}

// AddBlock adds e unless its address is already blocked.
func (s *Sanctions) AddBlock(_ context.Context, e sg.BlockEntry) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := sg.SanctionEntry{Chain: e.Chain, Address: sg.ScreenKey(e.Chain, e.Address)}
	m := s.blocks[e.Tenant]
	if m == nil {
		m = map[sg.SanctionEntry]sg.BlockEntry{}
		s.blocks[e.Tenant] = m
	}
	if _, ok := m[k]; ok {
		return false, nil
	}
	e.Address, e.AddedAt = k.Address, usec(e.AddedAt)
	m[k] = e
	return true, nil
}

// RemoveBlock removes the tenant's entry for the address.
func (s *Sanctions) RemoveBlock(_ context.Context, tenant string, c sg.Chain, addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := sg.SanctionEntry{Chain: c, Address: sg.ScreenKey(c, addr)}
	if _, ok := s.blocks[tenant][k]; !ok {
		return sg.ErrNotFound
	}
	delete(s.blocks[tenant], k)
	return nil
}

// Blocks lists the tenant's entries by chain and address.
func (s *Sanctions) Blocks(_ context.Context, tenant string) ([]sg.BlockEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []sg.BlockEntry{}
	for _, e := range s.blocks[tenant] {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Chain < out[j].Chain || out[i].Chain == out[j].Chain && out[i].Address < out[j].Address
	})
	return out, nil
}

// Blocked reports whether the tenant blocked the address.
func (s *Sanctions) Blocked(_ context.Context, tenant string, c sg.Chain, addr string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.blocks[tenant][sg.SanctionEntry{Chain: c, Address: sg.ScreenKey(c, addr)}]
	return ok, nil
}
