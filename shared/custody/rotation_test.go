package custody

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The rotation service over the twin, with fakes for the chain steps, the
// gates and the key admin.

// rotationLog records what the fakes were asked, in order.
type rotationLog struct{ calls []string }

func (l *rotationLog) add(format string, a ...any) {
	l.calls = append(l.calls, fmt.Sprintf(format, a...))
}

func (l *rotationLog) count(prefix string) int {
	n := 0
	for _, c := range l.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// fakeKeys is a key admin making keys key-1, key-2..., each with address
// addr-<key>.
type fakeKeys struct {
	log  *rotationLog
	made int
}

func (k *fakeKeys) Address(_ context.Context, keyID string) (string, error) {
	return "addr-" + keyID, nil
}

func (k *fakeKeys) NewKey(_ context.Context, rotationID string) (string, error) {
	k.made++
	k.log.add("newkey %s", rotationID)
	return fmt.Sprintf("key-%d", k.made), nil
}

func (k *fakeKeys) Promote(_ context.Context, keyID string) error {
	k.log.add("promote %s", keyID)
	return nil
}

func (k *fakeKeys) Retire(_ context.Context, keyID string) error {
	k.log.add("retire %s", keyID)
	return nil
}

// fakeStep sends a transaction (kept in the store as signed, as the chain
// adapters keep theirs) unless it has nothing to move, and confirms it
// after pending calls to Confirmed.
type fakeStep struct {
	name    string
	log     *rotationLog
	st      *memstore.Store
	nothing bool
	pending int
	sendErr error
	failed  bool
}

func (s *fakeStep) Name() string { return s.name }

func (s *fakeStep) Send(ctx context.Context, r sg.Rotation, id string) (string, error) {
	s.log.add("send %s from %s to %s", s.name, r.OldAddr, r.NewAddr)
	if s.sendErr != nil {
		return "", s.sendErr
	}
	if s.nothing {
		return "", nil
	}
	tx, err := s.st.SaveSignedTx(ctx, id, []byte(s.name), "0x"+s.name, s.st.Now())
	return tx.Hash, err
}

func (s *fakeStep) Confirmed(context.Context, sg.Rotation, string) (bool, error) {
	s.log.add("confirm %s", s.name)
	if s.failed {
		return false, errors.New("reverted")
	}
	if s.pending > 0 {
		s.pending--
		return false, nil
	}
	return true, nil
}

type fakeGate struct{ note string }

func (g *fakeGate) Busy(context.Context) (string, error) { return g.note, nil }

// nonceWaits is the twin with a count of payouts holding a nonce set by
// the test (the twin counts them from withdrawals the ledger moves).
type nonceWaits struct {
	*memstore.Store
	holders int
}

func (w *nonceWaits) NonceHolders(context.Context) (int, error) { return w.holders, nil }

type rotationFixture struct {
	st    *memstore.Store
	waits *nonceWaits
	gate  *fakeGate
	log   *rotationLog
	keys  *fakeKeys
	steps []*fakeStep
	r     *Rotator
}

func newRotationFixture(t *testing.T) *rotationFixture {
	t.Helper()
	st := memstore.New()
	now := time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	f := &rotationFixture{st: st, waits: &nonceWaits{Store: st}, gate: &fakeGate{}, log: &rotationLog{}}
	f.keys = &fakeKeys{log: f.log}
	for _, name := range []string{"eth-owner", "eth-usdt", "tron-usdt", "eth-eth"} {
		f.steps = append(f.steps, &fakeStep{name: name, log: f.log, st: st})
	}
	steps := make([]sg.RotationStep, len(f.steps))
	for i, s := range f.steps {
		steps[i] = s
	}
	f.r = &Rotator{Store: st, Freezes: st, Nonces: f.waits, Tracked: st, Signed: st, Keys: f.keys, Gates: []sg.RotationGate{f.gate}, Steps: steps,
		CurrentKey: "key-0", Now: st.Now}
	if _, err := RequestRotation(bg, st, Actor{Subject: "ops-1", PlatformAdmin: true}, now); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *rotationFixture) freezePlatform(t *testing.T) {
	t.Helper()
	fr := sg.Freeze{ID: "frz-1", Scope: sg.FreezePlatform, Reason: "rotation", By: "ops-1", At: f.st.Now(), Required: 2}
	if err := f.st.PutFreeze(bg, fr, sg.PlatformTenant, sg.JournalEntry{At: f.st.Now(), Actor: "ops-1", Action: "freeze.platform"}); err != nil {
		t.Fatal(err)
	}
}

// untilDone steps the rotation until it is done, within a generous bound.
func (f *rotationFixture) untilDone(t *testing.T) sg.Rotation {
	t.Helper()
	for i := 0; i < 100; i++ {
		rot, err := f.r.Step(bg)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if rot.State == sg.RotationDone {
			return rot
		}
	}
	t.Fatal("the rotation never finished")
	return sg.Rotation{}
}

func TestRotationWaits(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, f *rotationFixture)
		want  string
	}{
		{"for a platform freeze", func(*testing.T, *rotationFixture) {}, "waiting for a platform freeze"},
		{"for a tenant's freeze to be a platform one", func(t *testing.T, f *rotationFixture) {
			fr := sg.Freeze{ID: "frz-t", Scope: sg.FreezeTenant, TenantID: tenant, At: f.st.Now(), Required: 1}
			if err := f.st.PutFreeze(bg, fr, tenant, sg.JournalEntry{At: f.st.Now(), Actor: "ops-1", Action: "freeze.tenant"}); err != nil {
				t.Fatal(err)
			}
		}, "waiting for a platform freeze"},
		{"for payouts holding a nonce", func(t *testing.T, f *rotationFixture) {
			f.freezePlatform(t)
			f.waits.holders = 2
		}, "waiting for 2 payouts holding a nonce to be sent"},
		{"for payouts broadcast on a chain", func(t *testing.T, f *rotationFixture) {
			f.freezePlatform(t)
			if err := f.st.Track(bg, sg.Tron, tenant, "wd-1"); err != nil {
				t.Fatal(err)
			}
		}, "waiting for 1 payouts on tron to end"},
		{"for a sweep in flight", func(t *testing.T, f *rotationFixture) {
			f.freezePlatform(t)
			f.gate.note = "waiting for the sweep in flight to end"
		}, "waiting for the sweep in flight to end"},
	}
	for _, c := range cases {
		t.Run("waits "+c.name, func(t *testing.T) {
			f := newRotationFixture(t)
			c.setup(t, f)
			for range 2 {
				rot, err := f.r.Step(bg)
				if err != nil || rot.State != sg.RotationRequested || !strings.HasPrefix(rot.Note, c.want) {
					t.Fatalf("step: %+v %v; want requested, %q", rot, err, c.want)
				}
			}
			if stored, _, _ := f.st.Rotation(bg); stored.Note != f.r.mustWaitNote(t) {
				t.Fatalf("stored note %q", stored.Note)
			}
			if len(f.log.calls) != 0 {
				t.Fatalf("a waiting rotation acted: %v", f.log.calls)
			}
		})
	}
}

// mustWaitNote is what the rotation waits for now.
func (r *Rotator) mustWaitNote(t *testing.T) string {
	t.Helper()
	w, err := r.mustWait(bg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestRotationDrains(t *testing.T) {
	t.Run("runs the steps in order, each once across retries, and finishes once", func(t *testing.T) {
		f := newRotationFixture(t)
		f.freezePlatform(t)
		f.steps[0].pending = 2 // eth-owner takes three runs to confirm
		f.steps[2].nothing = true
		f.steps[3].pending = 1
		rot := f.untilDone(t)
		want := []string{
			"newkey " + rot.ID,
			"send eth-owner from addr-key-0 to addr-key-1", "confirm eth-owner", "confirm eth-owner", "confirm eth-owner",
			"send eth-usdt from addr-key-0 to addr-key-1", "confirm eth-usdt",
			"send tron-usdt from addr-key-0 to addr-key-1",
			"send eth-eth from addr-key-0 to addr-key-1", "confirm eth-eth", "confirm eth-eth",
			"promote key-1", "retire key-0",
		}
		if strings.Join(f.log.calls, "\n") != strings.Join(want, "\n") {
			t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(f.log.calls, "\n"), strings.Join(want, "\n"))
		}
		wantSteps := map[string]string{"eth-owner": "0xeth-owner", "eth-usdt": "0xeth-usdt", "tron-usdt": "nothing to move", "eth-eth": "0xeth-eth"}
		if fmt.Sprint(rot.Steps) != fmt.Sprint(wantSteps) || rot.OldKey != "key-0" || rot.NewKey != "key-1" ||
			rot.OldAddr != "addr-key-0" || rot.NewAddr != "addr-key-1" || rot.Note != NoteDone {
			t.Fatalf("rotation %+v", rot)
		}
		hk, err := f.st.HotKey(bg)
		if err != nil || hk.Generation != 1 || hk.KeyID != "key-1" || fmt.Sprint(hk.Retired) != "[key-0]" {
			t.Fatalf("hot key %+v %v", hk, err)
		}
		// Done is done: more runs act no more and journal no more.
		before := len(f.log.calls)
		for range 3 {
			if again, err := f.r.Step(bg); err != nil || again.State != sg.RotationDone {
				t.Fatalf("a run after the end: %+v %v", again, err)
			}
		}
		if len(f.log.calls) != before {
			t.Fatalf("a finished rotation acted: %v", f.log.calls[before:])
		}
		j, err := f.st.Journal(bg, sg.PlatformTenant, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		rotated := 0
		for _, e := range j {
			if e.Action == "hot_key.rotated" {
				rotated++
			}
		}
		if rotated != 1 {
			t.Fatalf("hot_key.rotated journaled %d times", rotated)
		}
	})
	t.Run("a step sent before a failed run is followed, not sent again", func(t *testing.T) {
		f := newRotationFixture(t)
		f.freezePlatform(t)
		f.steps[1].failed = true
		if _, err := f.r.Step(bg); err == nil {
			t.Fatal("a step that failed on chain did not stop the rotation")
		}
		rot, _, _ := f.st.Rotation(bg)
		if rot.State != sg.RotationDraining || len(rot.Steps) != 1 {
			t.Fatalf("after the failure: %+v", rot)
		}
		f.steps[1].failed = false
		f.untilDone(t)
		if n := f.log.count("send eth-usdt"); n != 1 {
			t.Fatalf("eth-usdt sent %d times", n)
		}
		if n := f.log.count("newkey"); n != 1 {
			t.Fatalf("%d keys made", n)
		}
	})
	t.Run("a send that fails is tried again on the next run", func(t *testing.T) {
		f := newRotationFixture(t)
		f.freezePlatform(t)
		f.steps[0].sendErr = sg.ErrUnavailable
		if _, err := f.r.Step(bg); err == nil {
			t.Fatal("a failed send was taken for done")
		}
		f.steps[0].sendErr = nil
		rot := f.untilDone(t)
		if n := f.log.count("send eth-owner"); n != 2 || rot.Steps["eth-owner"] != "0xeth-owner" {
			t.Fatalf("eth-owner sent %d times; steps %v", n, rot.Steps)
		}
	})
	t.Run("with no rotation requested it does nothing", func(t *testing.T) {
		st := memstore.New()
		r := &Rotator{Store: st, Freezes: st, Nonces: st, Tracked: st, Signed: st, Keys: &fakeKeys{log: &rotationLog{}}, Now: time.Now}
		if rot, err := r.Step(bg); err != nil || rot.ID != "" {
			t.Fatalf("%+v %v", rot, err)
		}
	})
}
