package core

import (
	"context"
	"log/slog"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// UnlessPlatformFrozen is a sweep job that stands still while a platform
// freeze is in force: a run then sends nothing and answers idle. An
// incident freeze stops every movement of money, sweeps included, and a hot
// key rotation moves the factory and the funds under one. A tenant's or a
// wallet's freeze does not stop sweeps: they move the platform's own
// forwarders into its own hot wallet and no tenant's balance changes.
func UnlessPlatformFrozen(freezes sg.FreezeReader, log *slog.Logger, idle any, job Job) Job {
	return func(ctx context.Context) (any, error) {
		f, frozen, err := freezes.FreezeOn(ctx, "", "")
		if err != nil {
			return nil, err
		}
		if frozen && f.Scope == sg.FreezePlatform {
			log.InfoContext(ctx, "sweep skipped: the platform is frozen", "freeze_id", f.ID)
			return idle, nil
		}
		return job(ctx)
	}
}
