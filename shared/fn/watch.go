package fn

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// WatchJob is a deposit watcher's scheduled pass around poll: the chain's
// deposit addresses (owners, one compact copy) loaded whole at the first
// run, page by page from the list's shards, and then only those of wallets
// created since a minute before the last load (a wallet's id is taken
// before it commits, so the overlap catches one that committed late;
// reloading one is harmless), then the watcher's state S loaded, polled,
// and saved over the version loaded, so two overlapping runs never both
// advance it. owners is shared with the caller's watcher (the per-log
// test) and sink (address to wallet).
func WatchJob[S any](st *dynamo.Store, chain sg.Chain, owners *ledger.Owners, poll func(ctx context.Context, s S) (S, map[string]any, error)) Job {
	var loaded time.Time
	return func(ctx context.Context) (any, error) {
		after, now := "0", time.Now()
		if !loaded.IsZero() {
			after = sg.IDTimeBound("wal", loaded.Add(-time.Minute))
		}
		if _, err := st.Watch.AddressPages(ctx, chain, after, owners.Add); err != nil {
			return nil, err
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
