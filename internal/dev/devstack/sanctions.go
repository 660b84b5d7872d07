package devstack

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/stablegate/stablegate/shared/fn"
)

// loadSanctions runs the sanctions-refresh job once before the stack takes
// requests: screening fails closed, so without a list every payout would
// wait. With no SanctionsSource configured the job reads the repository's
// copy, infra/ofac (where a Lambda build bundles it beside the binary);
// afterwards the schedule runs it like any other job.
func (s *Stack) loadSanctions(ctx context.Context, envOf func(Function) fn.Env) error {
	const name = "sanctions-refresh"
	b, ok := ScheduledJobs[name]
	if !ok {
		return nil
	}
	for _, f := range s.Template.Functions() {
		if f.Name != name {
			continue
		}
		env := s.FunctionEnv[f.Name]
		if env["SANCTIONS_SOURCE"] == "" && env["SANCTIONS_BUNDLE_DIR"] == "" {
			env["SANCTIONS_BUNDLE_DIR"] = filepath.Join(s.Opts.Root, "infra", "ofac")
		}
		job, err := b(ctx, envOf(f))
		if err != nil {
			return fmt.Errorf("devstack: %s: %w", name, err)
		}
		out, err := job(ctx)
		if err != nil {
			return fmt.Errorf("devstack: %s: %w", name, err)
		}
		fmt.Fprintf(s.Opts.Out, "sanctions list loaded: %v\n", out)
	}
	return nil
}
