package fn

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// WatchJob is a deposit watcher's scheduled pass around poll: the chain's
// deposit addresses (owners, keyed lower-case) loaded whole at the first
// run and then only those of wallets created since a minute before the
// last load (a wallet's id is taken before it commits, so the overlap
// catches one that committed late; reloading one is harmless), then the
// watcher's state S loaded, polled, and saved over the version loaded, so
// two overlapping runs never both advance it. owners is shared with the
// caller's sink, which maps addresses to wallets.
func WatchJob[S any](st *dynamo.Store, chain sg.Chain, owners map[string]sg.AddressOwner, poll func(ctx context.Context, s S) (S, map[string]any, error)) Job {
	var loaded time.Time
	return func(ctx context.Context) (any, error) {
		after, now := "0", time.Now()
		if !loaded.IsZero() {
			after = sg.IDTimeBound("wal", loaded.Add(-time.Minute))
		}
		fresh, _, err := st.Watch.AddressesSince(ctx, chain, after)
		if err != nil {
			return nil, err
		}
		for a, o := range fresh {
			owners[a] = o
		}
		loaded = now
		blob, version, err := st.Watch.LoadWatch(ctx, string(chain))
		if err != nil {
			return nil, err
		}
		var state S
		if len(blob) > 0 {
			if err := json.Unmarshal(blob, &state); err != nil {
				return nil, err
			}
		}
		state, summary, err := poll(ctx, state)
		if err != nil {
			return nil, err
		}
		out, _ := json.Marshal(state)
		if err := st.Watch.SaveWatch(ctx, string(chain), out, version); err != nil {
			return nil, err
		}
		return summary, nil
	}
}
