package compliancefn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/obs"
)

// BundledListDate is the date of the OFAC list copied into infra/ofac
// (see its README), which every build of the sanctions-refresh function
// carries beside its binary.
var BundledListDate = time.Date(2024, 9, 27, 0, 0, 0, 0, time.UTC)

// SanctionsFetcher is the sanctions list's source:
//   - SANCTIONS_SOURCE, an https:// URL of the folder the OFAC files are in
//     (a mirror of 0xB10C/ofac-sanctioned-digital-currency-addresses'
//     lists, say) or a directory holding them;
//   - unset, the copy bundled with the function (SANCTIONS_BUNDLE_DIR, by
//     default the folder "ofac" beside the binary, where the build puts
//     infra/ofac), dated BundledListDate.
func SanctionsFetcher(env core.Env) (compliance.Fetcher, error) {
	if src := env("SANCTIONS_SOURCE"); src != "" {
		return compliance.FetcherFor(src)
	}
	return compliance.FileFetcher{Dir: BundleDir(env), Date: BundledListDate}, nil
}

// BundleDir is where the function's bundled copy of the list is.
func BundleDir(env core.Env) string {
	if d := env("SANCTIONS_BUNDLE_DIR"); d != "" {
		return d
	}
	exe, err := os.Executable()
	if err != nil {
		return "ofac"
	}
	return filepath.Join(filepath.Dir(exe), "ofac")
}

// SanctionsRefresh builds the scheduled sanctions-refresh job: it fetches
// the list from its source and loads it when its content changed since the
// version in use (compliance.Screening.Refresh), so every screening
// decision names the version it was made against.
//
// A fresh deployment has no list, and screening fails closed (payouts and
// cold payouts wait). So when the configured source cannot be read and no
// list is loaded yet, the job loads the copy bundled with it: a deployment
// screens against the 2024-09-27 list from its first run at worst, and
// against the source's as soon as it answers. The schedule runs it hourly;
// invoking it once after a deploy loads the first list at once.
func SanctionsRefresh(ctx context.Context, env core.Env) (core.Job, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	k, err := Build(env, st, nil)
	if err != nil {
		return nil, err
	}
	src, err := SanctionsFetcher(env)
	if err != nil {
		return nil, err
	}
	bundled := compliance.FileFetcher{Dir: BundleDir(env), Date: BundledListDate}
	log := obs.NewLogger(os.Stdout, "sanctions-refresh")
	return func(ctx context.Context) (any, error) {
		l, loaded, err := k.Screening.Refresh(ctx, src)
		if err != nil {
			log.Warn("sanctions source not loaded", "error", err.Error())
			_, have, cerr := st.Sanctions.CurrentSanctions(ctx)
			if cerr != nil || have {
				return nil, err // the list in use stays; the next run retries
			}
			var berr error
			if l, loaded, berr = k.Screening.Refresh(ctx, bundled); berr != nil {
				return nil, fmt.Errorf("compliancefn: no sanctions list: the source failed (%w) and so did the bundled copy (%v)", err, berr)
			}
			log.Warn("no list was loaded: the bundled copy is in use until the source answers", "version", l.Version)
		}
		log.Info("sanctions list", "version", l.Version, "addresses", l.Count, "loaded_now", loaded)
		return map[string]any{"version": l.Version, "addresses": l.Count, "loaded": loaded}, nil
	}, nil
}
