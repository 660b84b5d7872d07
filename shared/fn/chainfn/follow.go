package chainfn

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// followState is the Ethereum watcher's saved state with the lease of
// the invocation following the chain: until FollowUntil (Unix ms) the
// invocations the schedule starts every minute leave at once. The
// follower renews it with each checkpoint and clears it when it stops,
// so the next tick takes over within a minute, and within the lease
// after a crash.
type followState struct {
	chaineth.State
	FollowUntil int64 `json:",omitempty"`
}

const (
	followLease      = 2 * time.Minute
	followCheckpoint = time.Minute
	// followMargin is left before the invocation's deadline to save.
	followMargin = 30 * time.Second
)

// followJob is the deposit watcher in push mode (ETH_WS_URL set): one
// invocation holds the lease, subscribes to the token's logs over the
// node's WebSocket, catches up from the saved state and follows the head
// until near its deadline, saving the state and loading new deposit
// addresses every minute. If the WebSocket cannot be opened or the
// subscription is refused, the invocation runs one polling pass instead
// (poll, over HTTP).
func followJob(st *dynamo.Store, owners *ledger.Owners, wsURL string, watcher func(chaineth.Chain) *chaineth.Watcher,
	poll func(context.Context, chaineth.State) (chaineth.State, map[string]any, error), log *slog.Logger) core.Job {
	var loaded time.Time
	load := func(ctx context.Context) error {
		after, now := "0", time.Now()
		if !loaded.IsZero() {
			after = sg.IDTimeBound("wal", loaded.Add(-time.Minute))
		}
		if _, err := st.Watch.AddressPages(ctx, sg.Ethereum, after, owners.Add); err != nil {
			return err
		}
		loaded = now
		return nil
	}
	name := string(sg.Ethereum)
	return func(ctx context.Context) (any, error) {
		if err := load(ctx); err != nil {
			return nil, err
		}
		var s followState
		version, ok, err := sg.TakeWatchLease(ctx, st.Watch, name, time.Now(), func(blob []byte) ([]byte, error) {
			s = followState{}
			if len(blob) > 0 {
				if err := json.Unmarshal(blob, &s); err != nil {
					return nil, err
				}
			}
			s.FollowUntil = time.Now().Add(followLease).UnixMilli()
			return json.Marshal(s)
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			return map[string]any{"following": "another invocation"}, nil
		}
		save := func(ctx context.Context, lease time.Duration) error {
			s.FollowUntil = 0
			if lease > 0 {
				s.FollowUntil = time.Now().Add(lease).UnixMilli()
			}
			out, _ := json.Marshal(s)
			if err := st.Watch.SaveWatch(ctx, name, out, version); err != nil {
				return err
			}
			version++
			return nil
		}
		until := time.Now().Add(14 * time.Minute)
		if d, ok := ctx.Deadline(); ok {
			until = d.Add(-followMargin)
		}
		node, err := chaineth.DialWebSocket(ctx, wsURL)
		var f *chaineth.Follower
		if err == nil {
			defer node.Close()
			f = &chaineth.Follower{Watcher: watcher(node), Feed: node}
			var state chaineth.State
			state, err = f.Follow(ctx, s.State, until, followCheckpoint, func(ctx context.Context, state chaineth.State) error {
				if err := load(ctx); err != nil {
					return err
				}
				s.State = state
				return save(ctx, followLease)
			})
			s.State = state
		}
		if err != nil && (f == nil || errors.Is(err, chaineth.ErrNoSubscription)) {
			// No WebSocket or no subscription: one polling pass.
			log.Warn("push mode unavailable, polling", "error_kind", "subscribe")
			state, summary, perr := poll(ctx, s.State)
			if perr != nil {
				return nil, perr
			}
			s.State = state
			return summary, save(ctx, 0)
		}
		if err != nil {
			if errors.Is(err, sg.ErrStateChanged) {
				return map[string]any{"following": "lease lost"}, nil
			}
			_ = save(ctx, 0)
			return nil, err
		}
		log.Info("followed", "cursor", s.Cursor, "pending", len(s.Pending), "rpc_requests", f.Requests, "pushes", f.Pushes)
		return map[string]any{"cursor": s.Cursor, "pending": len(s.Pending), "requests": f.Requests, "pushes": f.Pushes}, save(ctx, 0)
	}
}
