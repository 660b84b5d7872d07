// Package hotkeyfn wires what signs with the platform's hot key or reads
// a chain: the hot key in use (KMSSigner), values rebuilt when a rotation
// changes it (Reloading, JobOnHotKey, SQSOnHotKey), the chains served
// (ServedChains) and their RPC clients (ChainHTTP). It links no request
// handling, so the jobs and workers built on it start without it (issue
// 18); hotroutes.OnHotKey wraps a route the same way.
package hotkeyfn

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/kmssign"
)

// Env reads one configuration variable.
type Env = core.Env

// The hot key in use is the table's (PLATFORM / HOTKEY, written by a
// rotation) or, before the first rotation, HOT_SIGNER_KEY_ID (the
// template's alias). Functions that sign with it or name its address
// build on it and are rebuilt when a rotation changes it (Reloading).

// hotKeyLookup returns a reader of the key in use and its generation,
// over one store made now (a lookup is then one GetItem).
func hotKeyLookup(env Env) (func(context.Context) (string, int, error), error) {
	if env("TABLE_NAME") == "" {
		return func(context.Context) (string, int, error) { return env("HOT_SIGNER_KEY_ID"), 0, nil }, nil
	}
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (string, int, error) {
		hk, err := st.HotKeys.HotKey(ctx)
		if err != nil || hk.KeyID == "" {
			return env("HOT_SIGNER_KEY_ID"), 0, err
		}
		return hk.KeyID, hk.Generation, nil
	}, nil
}

// KMSSigner is the hot key in use, in KMS.
func KMSSigner(ctx context.Context, env Env) (*kmssign.Signer, error) {
	kc, err := kmsfn.Client(env)
	if err != nil {
		return nil, err
	}
	if id, ok := ctx.Value(hotKeyInUse{}).(string); ok {
		return &kmssign.Signer{KMS: kc, KeyID: id}, nil
	}
	lookup, err := hotKeyLookup(env)
	if err != nil {
		return nil, err
	}
	id, _, err := lookup(ctx)
	if err != nil {
		return nil, err
	}
	return &kmssign.Signer{KMS: kc, KeyID: id}, nil
}

// hotKeyInUse carries the key Reloading has just read to the build it
// runs, so KMSSigner does not read it again.
type hotKeyInUse struct{}

func withHotKey(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, hotKeyInUse{}, id)
}

// reloadEvery is how often a process looks for a rotated hot key.
const reloadEvery = 10 * time.Second

// Reloading returns a getter of the value build makes over the hot key in
// use. Nothing is looked up or built when Reloading is called (a function's
// init): the first call of the getter looks the key up and builds, so the
// hot key's table read, its public key from KMS, the chain's id and what
// the build writes are paid by the first invocation, not by the cold start
// (issue 18). A build that fails is not kept: the getter fails and the next
// call tries again. Once built, the value is rebuilt when the hot key's
// generation has changed (looked up at most every reloadEvery); until that
// rebuild succeeds the getter fails: nothing signs with a key that is no
// longer in use. A build runs under the calling invocation's values but not
// its cancellation, as it ran under init's context before.
func Reloading[T any](_ context.Context, env Env, build func(context.Context) (T, error)) (func(context.Context) (T, error), error) {
	lookup, err := hotKeyLookup(env)
	if err != nil {
		return nil, err
	}
	var (
		mu      sync.Mutex
		built   bool
		cur     T
		gen     int
		checked time.Time
	)
	return func(ctx context.Context) (T, error) {
		mu.Lock()
		defer mu.Unlock()
		if built && time.Since(checked) < reloadEvery {
			return cur, nil
		}
		var zero T
		id, now, err := lookup(ctx)
		if err != nil {
			return zero, err
		}
		if !built || now != gen {
			next, err := build(withHotKey(context.WithoutCancel(ctx), id))
			if err != nil {
				return zero, err
			}
			cur, gen, built = next, now, true
		}
		checked = time.Now()
		return cur, nil
	}, nil
}

// JobOnHotKey wraps a scheduled job's builder so the job is rebuilt when
// the hot key is rotated (hotroutes.OnHotKey does so for a route).
func JobOnHotKey(b core.JobBuilder) core.JobBuilder {
	return func(ctx context.Context, env Env) (core.Job, error) {
		get, err := Reloading(ctx, env, func(ctx context.Context) (core.Job, error) { return b(ctx, env) })
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (any, error) {
			j, err := get(ctx)
			if err != nil {
				return nil, err
			}
			return j(ctx)
		}, nil
	}
}

// SQSOnHotKey is JobOnHotKey for a queue consumer: while a rebuild fails the
// whole batch comes back later.
func SQSOnHotKey(b core.SQSBuilder) core.SQSBuilder {
	return func(ctx context.Context, env Env) (core.SQSHandler, error) {
		get, err := Reloading(ctx, env, func(ctx context.Context) (core.SQSHandler, error) { return b(ctx, env) })
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			h, err := get(ctx)
			if err != nil {
				return events.SQSEventResponse{}, err
			}
			return h(ctx, ev)
		}, nil
	}
}
