package fn

import (
	"github.com/stablegate/stablegate/shared/fn/core"
)

// Job is a scheduled function's handler (core.Job).
type Job = core.Job

// JobBuilder makes a scheduled function's handler.
type JobBuilder = core.JobBuilder
