package recon

// ---- reconckpt: a tenant's run spread over the job's invocations (issue 18) ----

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A tenant too large to read in one invocation of the scheduled job is
// read over several: each invocation reads on from the tenant's checkpoint
// (Store.Checkpoints) until its deadline, and leaves the checkpoint for the
// next. The run that finishes reports the tenant's checks, records a short
// summary (the checkpoint's Last) and clears the progress. Meanwhile the
// tenant is "in progress" in tenants_read's detail, not a difference; it
// becomes one when its run reads nothing new in StallLimit invocations in
// a row (not reached, or stuck), or has not finished MaxRunAge after it
// began (its sums would be compared with balances far newer; the run
// starts again). A checkpoint another build wrote (CodeVersion), or one
// that cannot be read back whole, is discarded and the run starts again.

// MaxRunAge is how long a tenant's run may take, invocations together.
var MaxRunAge = 24 * time.Hour

// StallLimit is how many invocations in a row a run may read nothing new
// before tenants_read reports it.
const StallLimit = 3

// CodeVersion names the build that writes checkpoints: the progress
// format and, when the binary carries it, the revision it was built from.
// It is read at the first call, not at init (reading the build info
// allocates; most functions linking recon never checkpoint).
func CodeVersion() string { return codeVersion.Get() }

var codeVersion = &lazy.Value[string]{New: func() string { return progressFormat + buildRevision() }}

func buildRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev := ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = "/" + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				rev += "+"
			}
		}
	}
	return rev
}

// lastRun is the record a finished run leaves (ReconCheckpoint.Last).
type lastRun struct {
	CheckedAt   string                 `json:"checked_at"`
	OK          bool                   `json:"ok"`
	Differences int                    `json:"differences"`
	Steps       int                    `json:"steps"`
	Transfers   int                    `json:"transfers"`
	Accounts    int                    `json:"accounts"`
	Quarantined map[sg.Chain]sg.Amount `json:"quarantined,omitempty"`
}

// work is how far the progress has got: transfers folded, key ranges
// read to their end, accounts checked, suspects verified. A step that
// does not raise it read nothing new.
func (p *Progress) work() int {
	n := p.balanced.Checked + p.match.Checked + p.suspectAt
	for _, d := range p.done {
		if d {
			n++
		}
	}
	return n
}

// tenantRuns runs a step of each tenant's books from its checkpoint (see
// above), adding each finished tenant's checks with add, and counting the
// tenants in unfinished. Tenants waiting longest go first, so none is left
// behind by a large one; once until has passed no new tenant is begun.
func (st Store) tenantRuns(ctx context.Context, add func(Check), unfinished *Check, tenants []string, now, until time.Time,
	quarantined map[sg.Chain]sg.Amount) error {
	cps := make(map[string]sg.ReconCheckpoint, len(tenants))
	for _, t := range tenants {
		c, err := st.Checkpoints.ReconCheckpoint(ctx, t)
		if err != nil && !errors.Is(err, sg.ErrNotFound) {
			return err
		}
		cps[t] = c
	}
	order := append([]string(nil), tenants...)
	sort.SliceStable(order, func(i, j int) bool { return cps[order[i]].Stalled > cps[order[j]].Stalled })
	var inProgress, waiting, restarted []string
	begun := false
	for _, t := range order {
		c := cps[t]
		unfinished.Checked++
		var last lastRun
		if len(c.Last) > 0 {
			_ = json.Unmarshal(c.Last, &last) // a record unread is only a summary lost
		}
		if begun && !until.IsZero() && time.Now().After(until) {
			// Not reached in this invocation: the run (if any) waits.
			c.Stalled++
			c.Saved = now
			if err := st.Checkpoints.SaveReconCheckpoint(ctx, t, c); err != nil && !errors.Is(err, sg.ErrCheckpointMoved) {
				return err
			}
			addAmounts(quarantined, last.Quarantined)
			if c.Stalled >= StallLimit {
				differ(unfinished, Difference{Subject: t, Expected: "books read on in every invocation",
					Actual: fmt.Sprintf("not reached in %d invocations in a row", c.Stalled)})
			} else {
				waiting = append(waiting, t)
			}
			continue
		}
		begun = true
		var p Progress
		// A progress dropped for what it is (another build's, damaged)
		// begins its reading again but keeps the run's start: a tenant
		// whose runs keep being dropped is still reported at MaxRunAge.
		fresh, keepStart := true, false
		switch {
		case !c.Started.IsZero() && now.Sub(c.Started) > MaxRunAge:
			differ(unfinished, Difference{Subject: t, Expected: fmt.Sprintf("books read within %s", MaxRunAge),
				Actual: fmt.Sprintf("run begun %s, %d invocations, not finished; begun again", c.Started.UTC().Format(time.RFC3339), c.Steps)})
		case c.Progress == nil && c.Lost != "":
			restarted, keepStart = append(restarted, t+" ("+c.Lost+")"), true
		case c.Progress == nil:
		case c.Version != CodeVersion():
			restarted, keepStart = append(restarted, t+" (checkpoint of another build)"), true
		default:
			if err := p.UnmarshalBinary(c.Progress); err != nil {
				p = Progress{}
				restarted, keepStart = append(restarted, t+" (checkpoint unreadable)"), true
			} else {
				fresh = false
			}
		}
		if fresh && !(keepStart && !c.Started.IsZero()) {
			c.Started, c.Steps = now, 0
		}
		if fresh {
			c.Stalled = 0
		}
		before := p.work()
		tr, done, err := TenantStep(ctx, st, t, now, &p, until)
		if err != nil {
			return err
		}
		c.Version, c.Saved, c.Steps = CodeVersion(), now, c.Steps+1
		if done {
			diffs := 0
			for _, ch := range tr.Checks {
				diffs += ch.Count()
			}
			c.Last, _ = json.Marshal(lastRun{CheckedAt: tr.CheckedAt, OK: tr.OK, Differences: diffs, Steps: c.Steps,
				Transfers: p.Transfers(), Accounts: p.match.Checked, Quarantined: p.quarantined})
			if len(c.Last) > sg.ReconLastMax {
				c.Last = nil
			}
			c.Progress, c.Started, c.Steps, c.Stalled = nil, time.Time{}, 0, 0
			if err := st.Checkpoints.SaveReconCheckpoint(ctx, t, c); err != nil && !errors.Is(err, sg.ErrCheckpointMoved) {
				return err
			}
			addAmounts(quarantined, p.quarantined)
			for _, ch := range tr.Checks {
				ch.Name = t + ":" + ch.Name
				add(ch)
			}
			continue
		}
		if p.work() > before {
			c.Stalled = 0
		} else {
			c.Stalled++
		}
		if c.Progress, err = p.MarshalBinary(); err != nil {
			return sg.Internal("recon.tenantRuns", err)
		}
		if err := st.Checkpoints.SaveReconCheckpoint(ctx, t, c); err != nil && !errors.Is(err, sg.ErrCheckpointMoved) {
			return err
		}
		// The quarantine check takes the last finished run's deposits:
		// a run part way has summed only some of them.
		addAmounts(quarantined, last.Quarantined)
		if c.Stalled >= StallLimit {
			differ(unfinished, Difference{Subject: t, Expected: "books read on in every invocation",
				Actual: fmt.Sprintf("nothing new read in %d invocations in a row (%d transfers read, %d wallet accounts checked)", c.Stalled, p.Transfers(), p.match.Checked)})
			continue
		}
		inProgress = append(inProgress, fmt.Sprintf("%s (invocation %d: %d transfers read, %d wallet accounts checked)", t, c.Steps, p.Transfers(), p.match.Checked))
	}
	var notes []string
	if len(inProgress) > 0 {
		notes = append(notes, "in progress, read on by the next invocation: "+listed(inProgress))
	}
	if len(waiting) > 0 {
		notes = append(notes, fmt.Sprintf("not reached in this invocation, first in the next: %d tenants", len(waiting)))
	}
	if len(restarted) > 0 {
		notes = append(notes, "begun again: "+listed(restarted))
	}
	unfinished.Detail = strings.Join(notes, "; ")
	return nil
}

func addAmounts(to, from map[sg.Chain]sg.Amount) {
	for c, a := range from {
		to[c] += a
	}
}

// listed joins at most 20 items and counts the rest.
func listed(items []string) string {
	if len(items) <= 20 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:20], ", "), len(items)-20)
}
