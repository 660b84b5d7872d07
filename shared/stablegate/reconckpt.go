package stablegate

// ---- reconckpt: reconciliation's checkpoint between invocations (issue 18) ----

import (
	"context"
	"time"
)

// ReconCheckpoint is where a tenant's scheduled reconciliation stands
// between two invocations of the job: the run in progress (its encoded
// progress, opaque to the store) and a short record of the last run that
// finished.
type ReconCheckpoint struct {
	// Version is the code version that wrote Progress; another version's
	// progress is discarded, never read.
	Version string
	// Started is when the run in progress began (zero: none).
	Started time.Time
	// Saved is when the checkpoint was written.
	Saved time.Time
	// Steps is how many invocations the run in progress has taken;
	// Stalled how many of the last ones in a row read nothing new.
	Steps, Stalled int
	// Progress is the run's encoded progress: nil when no run is in
	// progress. The store keeps it in bounded pieces.
	Progress []byte
	// Last is the last finished run's record (small: the store keeps it
	// in one item; at most ReconLastMax bytes).
	Last []byte
	// Gen is the store's generation of this checkpoint: a save names the
	// generation it read, and fails with ErrCheckpointMoved when another
	// save came between (two runs of the job at once).
	Gen int64
	// Lost, when set, says why the stored progress could not be read back
	// whole (a piece missing or not matching its head): Progress is nil
	// and the run starts afresh.
	Lost string
}

// ReconLastMax bounds ReconCheckpoint.Last.
const ReconLastMax = 64 << 10

// ReconCheckpoints keeps each tenant's reconciliation checkpoint.
type ReconCheckpoints interface {
	// ReconCheckpoint reads the tenant's checkpoint; ErrNotFound when it
	// has none.
	ReconCheckpoint(ctx context.Context, tenant string) (ReconCheckpoint, error)
	// SaveReconCheckpoint replaces the tenant's checkpoint with c, all or
	// nothing: a save cut short leaves the one before readable. c.Gen is
	// the generation read (0: none); the store sets the next.
	SaveReconCheckpoint(ctx context.Context, tenant string, c ReconCheckpoint) error
}

// ErrCheckpointMoved: the checkpoint was saved by someone else since it
// was read.
var ErrCheckpointMoved = &Error{Kind: KindConflict, Code: "checkpoint_moved", Message: "the reconciliation checkpoint changed since it was read"}
