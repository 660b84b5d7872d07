// Package fn is the root of the functions' wiring: configuration from the
// environment, clients built once at init, the handler wrapped with logging
// and metrics. functions/<name>/main.go starts its builder (core.Start,
// httpfn.Start); the local gateway (devstack.Functions) calls the same
// builders, so the same code runs in both. Each family of functions is
// wired in a package of its own below fn, so that a function links what it
// uses (issue 18); fn itself keeps the two routes that make the platform's
// wallets for a merchant (invoices-create, settlement-settings) and the
// names the builders share.
package fn

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

// Env reads one configuration variable (os.Getenv on Lambda; the template's
// resolved Environment in the local gateway). It is core's: builders here
// and in the small packages (walletfn, coursefn) take the same.
type Env = core.Env

// Builder makes a function's handler from its environment.
type Builder = httpfn.Builder

// Job is a scheduled function's handler (core.Job).
type Job = core.Job

// JobBuilder makes a scheduled function's handler.
type JobBuilder = core.JobBuilder
