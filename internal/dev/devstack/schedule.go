package devstack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/fn"
)

// RateOf reads a Schedule "rate(N unit)" expression.
func RateOf(expr string) (time.Duration, error) {
	var n int
	var unit string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(expr, "rate("), ")"), "%d %s", &n, &unit); err != nil || n <= 0 {
		return 0, fmt.Errorf("devstack: only rate(N unit) schedules run locally, not %q", expr)
	}
	switch strings.TrimSuffix(unit, "s") {
	case "minute":
		return time.Duration(n) * time.Minute, nil
	case "hour":
		return time.Duration(n) * time.Hour, nil
	case "day":
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return 0, fmt.Errorf("devstack: unknown unit in %q", expr)
}

// startSchedules stands in for EventBridge: every scheduled function of the
// template runs at its rate divided by speedup (60: a minute's rate runs
// every second, so a local deposit is seen at once). A function whose
// builder fails (the deposit watcher with no chain configured) is skipped
// and said so.
func (s *Stack) startSchedules(ctx context.Context, env func(Function) fn.Env, speedup int) {
	for _, f := range s.Template.Functions() {
		if f.Schedule == "" {
			continue
		}
		rate, err := RateOf(f.Schedule)
		if err != nil {
			fmt.Fprintf(s.Opts.Out, "schedule: %s: %v\n", f.Name, err)
			continue
		}
		every := max(rate/time.Duration(speedup), time.Second)
		b, ok := ScheduledJobs[f.Name]
		if !ok {
			fmt.Fprintf(s.Opts.Out, "schedule: no builder for functions/%s\n", f.Name)
			continue
		}
		job, err := b(ctx, env(f))
		if err != nil {
			fmt.Fprintf(s.Opts.Out, "schedule: %s not run: %v\n", f.Name, err)
			continue
		}
		go func(name string, job fn.Job) {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if _, err := job(ctx); err != nil && ctx.Err() == nil {
						fmt.Fprintf(s.Opts.Out, "schedule: %s: %v\n", name, err)
					}
				}
			}
		}(f.Name, job)
	}
}
