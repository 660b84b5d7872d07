package storetest

// ---- reconckpt: reconciliation's checkpoint ----

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// reconCkptCases: a tenant's reconciliation checkpoint between the job's
// invocations.
var reconCkptCases = []Case{
	{"ReconCheckpoint/saved whole, read back whole, replaced only from the generation read", func(t *testing.T, st Store) {
		ten, other := tenant(), tenant()
		if _, err := st.ReconCheckpoint(ctx, ten); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("a tenant with no checkpoint: %v; want not found", err)
		}
		// Large enough to be kept in several pieces (DynamoDB's items
		// hold 400 KB).
		big := make([]byte, 1_200_000)
		if _, err := rand.Read(big); err != nil {
			t.Fatal(err)
		}
		at := now()
		c := sg.ReconCheckpoint{Version: "v1", Started: at.Add(-time.Hour), Saved: at, Steps: 3, Stalled: 1, Progress: big, Last: []byte(`{"ok":true}`)}
		must(t, "save", st.SaveReconCheckpoint(ctx, ten, c))
		got, err := st.ReconCheckpoint(ctx, ten)
		must(t, "read", err)
		if got.Version != "v1" || !got.Started.Equal(c.Started) || !got.Saved.Equal(at) || got.Steps != 3 || got.Stalled != 1 ||
			!bytes.Equal(got.Progress, big) || string(got.Last) != `{"ok":true}` || got.Gen == 0 || got.Lost != "" {
			t.Fatalf("read back %+v (progress %d bytes, equal %v); want what was saved", got.Version, len(got.Progress), bytes.Equal(got.Progress, big))
		}
		if _, err := st.ReconCheckpoint(ctx, other); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("another tenant's checkpoint: %v; want not found", err)
		}
		// A save from the generation before (another run that read it
		// first) is refused and changes nothing.
		stale := c
		stale.Progress = []byte("stale")
		if err := st.SaveReconCheckpoint(ctx, ten, stale); !errors.Is(err, sg.ErrCheckpointMoved) {
			t.Fatalf("save from a generation before: %v; want checkpoint moved", err)
		}
		// A small progress replaces the large one; then a finished run
		// clears it and keeps its record.
		next := got
		next.Progress, next.Steps = []byte("small progress"), 4
		must(t, "save small", st.SaveReconCheckpoint(ctx, ten, next))
		got, err = st.ReconCheckpoint(ctx, ten)
		must(t, "read small", err)
		if string(got.Progress) != "small progress" || got.Steps != 4 {
			t.Fatalf("after a small save: %q, steps %d", got.Progress, got.Steps)
		}
		done := got
		done.Progress, done.Started, done.Steps, done.Stalled, done.Last = nil, time.Time{}, 0, 0, []byte(`{"ok":false}`)
		must(t, "save finished", st.SaveReconCheckpoint(ctx, ten, done))
		got, err = st.ReconCheckpoint(ctx, ten)
		must(t, "read finished", err)
		if got.Progress != nil || !got.Started.IsZero() || string(got.Last) != `{"ok":false}` {
			t.Fatalf("after a finished run: progress %d bytes, started %v, last %q", len(got.Progress), got.Started, got.Last)
		}
		tooBig := got
		tooBig.Last = make([]byte, sg.ReconLastMax+1)
		if err := st.SaveReconCheckpoint(ctx, ten, tooBig); err == nil {
			t.Fatal("a last run's record over ReconLastMax was saved")
		}
	}},
}
