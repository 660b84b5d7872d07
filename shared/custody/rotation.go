package custody

import (
	"context"
	"errors"
	"fmt"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A rotation of the hot key runs while the platform is frozen, so no payout
// signs meanwhile, and starts once every payout already broadcast has ended
// and no sweep is in flight: nothing in flight is lost. Then the new key is
// made and the steps move, one confirmed transaction each signed by the old
// key, what the old address holds or owns to the new one. Last the new key
// is put in use (its alias), the old key is kept for verification only, and
// the store names the new key, which every function building on the hot
// key picks up.

// Rotator carries out a requested rotation of the hot key, one Step per
// run of the scheduled job. Each step is recorded once done, and its
// transaction is kept when signed, so a run that fails or a job run twice
// never sends a step twice.
type Rotator struct {
	Store sg.RotationStore
	// What it waits on: the platform freeze, payouts holding a nonce of
	// the old key, payouts broadcast and not yet ended.
	Freezes sg.FreezeReader
	Nonces  sg.NonceHolders
	Tracked sg.TrackedReader
	// Signed reads a step's transaction as it was signed.
	Signed sg.SignedTxReader
	Keys   sg.HotKeyAdmin
	// Gates are the chain work in flight (sweeps, grants) waited out, in
	// order, after the payouts.
	Gates []sg.RotationGate
	// Steps move the funds and the ownerships, in order.
	Steps []sg.RotationStep
	// CurrentKey is the key in use (its id as the store or the alias names it).
	CurrentKey string
	Now        func() time.Time
}

// The notes a rotation shows while it runs and when it is done.
const (
	NoteDraining = "moving funds to the new key"
	NoteDone     = "the new key is in use; lift the platform freeze to resume payouts"
	nothingMoved = "nothing to move"
)

// StepID is the id a rotation step's transaction is kept under.
func StepID(rotationID, step string) string { return "rot-" + rotationID + "-" + step }

// Step advances the rotation as far as it can now and says where it is.
func (r *Rotator) Step(ctx context.Context) (sg.Rotation, error) {
	rot, ok, err := r.Store.Rotation(ctx)
	if err != nil || !ok || rot.State == sg.RotationDone {
		return rot, err
	}
	if rot.Steps == nil {
		rot.Steps = map[string]string{}
	}
	if rot.State == sg.RotationRequested {
		if wait, err := r.mustWait(ctx); err != nil || wait != "" {
			if wait != rot.Note {
				rot.Note = wait
				r.Store.SaveRotation(ctx, rot, sg.RotationRequested) //nolint:errcheck // the note is advice; the next run writes it again
			}
			return rot, err
		}
		if rot, err = r.newKey(ctx, rot); err != nil {
			return rot, err
		}
	}
	return r.drain(ctx, rot)
}

// mustWait says what the rotation waits for, "" for nothing.
func (r *Rotator) mustWait(ctx context.Context) (string, error) {
	if f, frozen, err := r.Freezes.FreezeOn(ctx, "", ""); err != nil {
		return "", err
	} else if !frozen || f.Scope != sg.FreezePlatform {
		return "waiting for a platform freeze (POST /v1/freezes with scope platform)", nil
	}
	// A payout that took a nonce of the old key is sent before the key
	// changes (a freeze does not stop it), or the old address would be
	// left with a gap its drain transactions wait behind.
	if n, err := r.Nonces.NonceHolders(ctx); err != nil {
		return "", err
	} else if n > 0 {
		return fmt.Sprintf("waiting for %d payouts holding a nonce to be sent", n), nil
	}
	for _, c := range sg.Chains {
		tracked, err := r.Tracked.Tracked(ctx, c)
		if err != nil {
			return "", err
		}
		if len(tracked) > 0 {
			return fmt.Sprintf("waiting for %d payouts on %s to end", len(tracked), c), nil
		}
	}
	for _, g := range r.Gates {
		if wait, err := g.Busy(ctx); err != nil || wait != "" {
			return wait, err
		}
	}
	return "", nil
}

// newKey makes the new key and moves the rotation to draining.
func (r *Rotator) newKey(ctx context.Context, rot sg.Rotation) (sg.Rotation, error) {
	oldAddr, err := r.Keys.Address(ctx, r.CurrentKey)
	if err != nil {
		return rot, err
	}
	key, err := r.Keys.NewKey(ctx, rot.ID)
	if err != nil {
		return rot, err
	}
	newAddr, err := r.Keys.Address(ctx, key)
	if err != nil {
		return rot, err
	}
	rot.OldKey, rot.NewKey, rot.OldAddr, rot.NewAddr = r.CurrentKey, key, oldAddr, newAddr
	rot.State, rot.Note = sg.RotationDraining, NoteDraining
	if err := r.Store.SaveRotation(ctx, rot, sg.RotationRequested); err != nil {
		return rot, err
	}
	return rot, nil
}

// drain runs the steps not yet done, in order, stopping at the first whose
// transaction is not yet confirmed, and finishes once all are.
func (r *Rotator) drain(ctx context.Context, rot sg.Rotation) (sg.Rotation, error) {
	for _, s := range r.Steps {
		name := s.Name()
		if _, done := rot.Steps[name]; done {
			continue
		}
		// A step's transaction, once signed, is the step's: its balance
		// read again after it is mined would say there is nothing left.
		id := StepID(rot.ID, name)
		hash := ""
		if kept, err := r.Signed.SignedTx(ctx, id); err == nil {
			hash = kept.Hash
		} else if !errors.Is(err, sg.ErrNotFound) {
			return rot, err
		} else if hash, err = s.Send(ctx, rot, id); err != nil {
			return rot, err
		}
		if hash != "" {
			done, err := s.Confirmed(ctx, rot, id)
			if err != nil || !done {
				return rot, err
			}
		}
		rot.Steps[name] = hash
		if hash == "" {
			rot.Steps[name] = nothingMoved
		}
		if err := r.Store.SaveRotation(ctx, rot, sg.RotationDraining); err != nil {
			return rot, err
		}
	}
	// Everything moved: the alias, the old key's use, the store.
	if err := r.Keys.Promote(ctx, rot.NewKey); err != nil {
		return rot, err
	}
	if err := r.Keys.Retire(ctx, rot.OldKey); err != nil {
		return rot, err
	}
	j := sg.JournalEntry{At: r.Now().UTC(), Actor: "rotation", Action: "hot_key.rotated", Subject: rot.ID,
		Detail: "from " + rot.OldAddr + " to " + rot.NewAddr}
	if err := r.Store.FinishRotation(ctx, rot, j); err != nil {
		return rot, err
	}
	rot.State, rot.Note = sg.RotationDone, NoteDone
	return rot, nil
}
