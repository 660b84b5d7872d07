package stablegate

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ---- scan: the push follower's lease ----

// WatchStates is a watcher's saved state, written only over the version
// loaded (the store's LoadWatch and SaveWatch; SaveWatch over a version
// someone else has written since fails with ErrStateChanged).
type WatchStates interface {
	LoadWatch(ctx context.Context, name string) ([]byte, int64, error)
	SaveWatch(ctx context.Context, name string, blob []byte, version int64) error
}

// TakeWatchLease takes the lease on a watcher's saved state for one
// invocation (the Ethereum deposit watcher's push follower): the lease's
// end is the state's JSON field FollowUntil (Unix ms; 0 or absent: none).
// It loads the state; when no lease runs at now, claim returns the state
// with the new lease's end written in, and that is saved over the version
// loaded. ok is false, and nothing is written, when another's lease runs
// at now or another took the lease first (its save came between our load
// and ours). version is the saved state's: the holder renews the lease by
// saving over it, and a renewal that fails with ErrStateChanged means the
// lease was lost (it ended and someone took it over).
func TakeWatchLease(ctx context.Context, st WatchStates, name string, now time.Time, claim func(state []byte) ([]byte, error)) (version int64, ok bool, err error) {
	blob, version, err := st.LoadWatch(ctx, name)
	if err != nil {
		return 0, false, err
	}
	var lease struct{ FollowUntil int64 }
	if len(blob) > 0 {
		if err := json.Unmarshal(blob, &lease); err != nil {
			return 0, false, err
		}
	}
	if lease.FollowUntil > now.UnixMilli() {
		return 0, false, nil
	}
	out, err := claim(blob)
	if err != nil {
		return 0, false, err
	}
	if err := st.SaveWatch(ctx, name, out, version); err != nil {
		if errors.Is(err, ErrStateChanged) {
			return 0, false, nil
		}
		return 0, false, err
	}
	return version + 1, true, nil
}
