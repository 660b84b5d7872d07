package core

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A platform freeze stops both chains' sweeps (the audit's matrix had no
// test of it): while it stands a run sends nothing; a tenant's or a
// wallet's freeze does not stop them; once lifted they run again; a freeze
// that cannot be read stops the run with the error, never sweeps blind.
func TestSweepsStandStillUnderAPlatformFreeze(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	runs := 0
	job := UnlessPlatformFrozen(st, slog.New(slog.NewTextHandler(io.Discard, nil)), "idle", func(context.Context) (any, error) {
		runs++
		return "swept", nil
	})
	run := func(want string, wantRuns int) {
		t.Helper()
		got, err := job(ctx)
		if err != nil || got != want || runs != wantRuns {
			t.Fatalf("run: %v, %v after %d sweeps; want %q after %d", got, err, runs, want, wantRuns)
		}
	}
	run("swept", 1)
	for _, f := range []sg.Freeze{
		{ID: "frz_tenant", Scope: sg.FreezeTenant, TenantID: "acme"},
		{ID: "frz_wallet", Scope: sg.FreezeWallet, TenantID: "acme", WalletID: "wal_1"},
	} {
		if err := st.PutFreeze(ctx, f, f.TenantID, sg.JournalEntry{}); err != nil {
			t.Fatal(err)
		}
	}
	run("swept", 2)
	platform := sg.Freeze{ID: "frz_platform", Scope: sg.FreezePlatform, Required: 1}
	if err := st.PutFreeze(ctx, platform, "", sg.JournalEntry{}); err != nil {
		t.Fatal(err)
	}
	run("idle", 2)
	run("idle", 2)
	if _, err := st.VoteUnfreeze(ctx, platform, sg.Approval{Approver: "officer"}, "", sg.JournalEntry{}); err != nil {
		t.Fatal(err)
	}
	run("swept", 3)

	broken := UnlessPlatformFrozen(unreadable{}, slog.New(slog.NewTextHandler(io.Discard, nil)), "idle", func(context.Context) (any, error) {
		runs++
		return "swept", nil
	})
	if _, err := broken(ctx); err == nil || runs != 3 {
		t.Fatalf("with the freezes unreadable: %v after %d sweeps; want the error and no sweep", err, runs)
	}
}

type unreadable struct{}

func (unreadable) FreezeOn(context.Context, string, string) (sg.Freeze, bool, error) {
	return sg.Freeze{}, false, errors.New("table unreachable")
}
