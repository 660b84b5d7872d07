package hotkeyfn

import (
	"context"
	"errors"
	"testing"
)

// A function on the hot key builds nothing at init: the first invocation
// builds, a failed build is tried again by the next one (never kept as a
// success), and a built value serves the invocations after it.
func TestReloadingBuildsAtFirstUseAndRetriesFailures(t *testing.T) {
	env := func(k string) string { return map[string]string{"HOT_SIGNER_KEY_ID": "alias/hot"}[k] }
	builds, fail := 0, true
	var keys []string
	get, err := Reloading(context.Background(), env, func(ctx context.Context) (string, error) {
		builds++
		id, _ := ctx.Value(hotKeyInUse{}).(string)
		keys = append(keys, id)
		if fail {
			return "", errors.New("node unreachable")
		}
		return "built over " + id, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if builds != 0 {
		t.Fatalf("Reloading built %d times before the first invocation", builds)
	}
	if _, err := get(context.Background()); err == nil || builds != 1 {
		t.Fatalf("first invocation: err %v after %d builds, want the build's error after 1", err, builds)
	}
	fail = false
	v, err := get(context.Background())
	if err != nil || v != "built over alias/hot" || builds != 2 {
		t.Fatalf("second invocation: %q, %v after %d builds; want a fresh build over the key in use", v, err, builds)
	}
	if v, err := get(context.Background()); err != nil || v != "built over alias/hot" || builds != 2 {
		t.Fatalf("third invocation: %q, %v after %d builds; want the built value kept", v, err, builds)
	}
	for _, k := range keys {
		if k != "alias/hot" {
			t.Fatalf("a build saw key %q, want the one looked up", k)
		}
	}
}

// A build runs under the invocation's values but outlives its
// cancellation: what a builder keeps (a client, a subscription) must not
// die with the first invocation.
func TestReloadingBuildIsNotCancelledWithTheInvocation(t *testing.T) {
	env := func(k string) string { return map[string]string{"HOT_SIGNER_KEY_ID": "alias/hot"}[k] }
	var kept context.Context
	get, err := Reloading(context.Background(), env, func(ctx context.Context) (int, error) {
		kept = ctx
		return 1, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := get(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if kept.Err() != nil {
		t.Fatal("the build's context ended with the invocation")
	}
}
