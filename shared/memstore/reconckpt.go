package memstore

// ---- reconckpt: reconciliation's checkpoint (twin of dynamo's) ----

import (
	"context"
	"fmt"
	"slices"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ReconCheckpoint reads the tenant's checkpoint; sg.ErrNotFound when it
// has none.
func (st *Store) ReconCheckpoint(_ context.Context, tenant string) (sg.ReconCheckpoint, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c, ok := st.reconCkpt[tenant]
	if !ok {
		return sg.ReconCheckpoint{}, sg.ErrNotFound
	}
	c.Progress, c.Last = slices.Clone(c.Progress), slices.Clone(c.Last)
	return c, nil
}

// SaveReconCheckpoint replaces the tenant's checkpoint with c if it is
// still at generation c.Gen (else sg.ErrCheckpointMoved).
func (st *Store) SaveReconCheckpoint(_ context.Context, tenant string, c sg.ReconCheckpoint) error {
	if len(c.Last) > sg.ReconLastMax {
		return sg.Internal("memstore.SaveReconCheckpoint", fmt.Errorf("last run's record of %d bytes", len(c.Last)))
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.reconCkpt == nil {
		st.reconCkpt = map[string]sg.ReconCheckpoint{}
	}
	if st.reconCkpt[tenant].Gen != c.Gen {
		return sg.ErrCheckpointMoved
	}
	c.Gen++
	c.Lost = ""
	c.Progress, c.Last = slices.Clone(c.Progress), slices.Clone(c.Last)
	c.Saved = c.Saved.UTC().Truncate(1000)
	c.Started = c.Started.UTC().Truncate(1000)
	st.reconCkpt[tenant] = c
	return nil
}
