package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// The goals of issue 18 (must-show 5) for every function.
const (
	sizeGoalMB    = 15.0 // linux/arm64, as Lambda runs it
	initGoalRatio = 1.5  // init p50 over a bare aws-lambda-go function's
)

// benchFunctions prints each function's size as deployed and its cold start
// beside the bare baseline's, each against its goal.
func benchFunctions(root string, funcEnv map[string]map[string]string, runs int, only string) error {
	var keep *regexp.Regexp
	if only != "" {
		var err error
		if keep, err = regexp.Compile(only); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "sgbench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	rie, _ := filepath.Abs(devstack.ToolPath(root, "aws-lambda-rie"))
	loadBefore := loadAverage()

	var names []string
	for name := range funcEnv {
		if keep == nil || keep.MatchString(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)

	// The baseline, built both ways; its arm64 build tells whether this
	// machine runs arm64 programs at all.
	base := filepath.Join(tmp, "baseline-arm64", "bootstrap")
	if err := goBuild(root, "./cmd/baseline-lambda", base, "linux", "arm64"); err != nil {
		return err
	}
	baseSize := fileSize(base)
	runArm, why := canRunArm64(base)
	initArch := "linux/arm64"
	if !runArm {
		initArch = "this machine's own architecture (" + why + ")"
		base = filepath.Join(tmp, "baseline", "bootstrap")
		if err := goBuild(root, "./cmd/baseline-lambda", base, "", ""); err != nil {
			return err
		}
	}

	type row struct {
		name          string
		size          int64
		p50, bare50   time.Duration
		first50       time.Duration // the first invocation, after init
		geth          bool
		err           error
		sizeOK, ratOK bool
		ratio         float64
	}
	var rows []row
	var allBareFirsts []time.Duration
	for _, n := range names {
		r := row{name: n}
		pkg := "./functions/" + n
		arm := filepath.Join(tmp, n+"-arm64", "bootstrap")
		if r.err = goBuild(root, pkg, arm, "linux", "arm64"); r.err == nil {
			r.size = fileSize(arm)
			mods, _ := exec.Command("go", "version", "-m", arm).Output()
			r.geth = strings.Contains(string(mods), "github.com/ethereum/go-ethereum")
		}
		boot := arm
		if r.err == nil && !runArm {
			boot = filepath.Join(tmp, n, "bootstrap")
			r.err = goBuild(root, pkg, boot, "", "")
		}
		// Alternate the function and the bare baseline, starting with
		// each in turn, so both see the same machine.
		var inits, bares, firsts, bareFirsts []time.Duration
		for i := 0; r.err == nil && i < runs; i++ {
			order := []string{boot, base}
			if i%2 == 1 {
				order = []string{base, boot}
			}
			for _, b := range order {
				env := funcEnv[n]
				if b == base {
					env = nil
				}
				d, first, err := coldStart(rie, b, env)
				if err != nil {
					r.err = err
					break
				}
				if b == base {
					bares, bareFirsts = append(bares, d), append(bareFirsts, first)
				} else {
					inits, firsts = append(inits, d), append(firsts, first)
				}
			}
		}
		if r.err == nil {
			r.p50, r.bare50, r.first50 = median(inits), median(bares), median(firsts)
			allBareFirsts = append(allBareFirsts, bareFirsts...)
			r.ratio = float64(r.p50) / float64(r.bare50)
			r.sizeOK = float64(r.size)/1e6 < sizeGoalMB
			r.ratOK = r.ratio <= initGoalRatio
		}
		rows = append(rows, r)
	}

	flags, _ := lambdaFlags(root)
	fmt.Printf("\nLambda functions: size as deployed (linux/arm64, the Makefile's LAMBDA_FLAGS: %s) and\n", strings.Join(flags, " "))
	fmt.Printf("cold start (INIT, aws-lambda-rie, %d runs each, alternating with a bare aws-lambda-go function) built for %s;\n", runs, initArch)
	fmt.Printf("1st invoke: the first invocation after that init (INVOKE RTDONE), with the bench's event (an HTTP GET /bench: most routes\n")
	fmt.Printf("answer it at once; a job runs once; a queue consumer gets no records). Work a function defers from init to its first\n")
	fmt.Printf("use (the hot key, the chain id: fn.Reloading) is paid there, so init and 1st invoke together show where it went.\n\n")
	fmt.Printf("| %-28s | %9s | %13s | %13s | %7s | %13s | %-11s |\n", "function", "size (MB)", "init p50 (ms)", "bare p50 (ms)", "ratio", "1st invoke p50", "go-ethereum")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|\n", dashes(30), dashes(11), dashes(15), dashes(15), dashes(9), dashes(16), dashes(13))
	var failed, big, slow int
	var largest, worst row
	for _, r := range rows {
		if r.err != nil {
			fmt.Printf("| %-28s | error: %v\n", r.name, r.err)
			failed++
			continue
		}
		mark := func(ok bool) string {
			if ok {
				return " "
			}
			return "!"
		}
		fmt.Printf("| %-28s | %8.2f%s | %13.1f | %13.1f | %6.2f%s | %14.1f | %-11s |\n", r.name, float64(r.size)/1e6, mark(r.sizeOK),
			ms(r.p50), ms(r.bare50), r.ratio, mark(r.ratOK), ms(r.first50), yesNo(r.geth))
		if !r.sizeOK {
			big++
		}
		if !r.ratOK {
			slow++
		}
		if r.size > largest.size {
			largest = r
		}
		if r.ratio > worst.ratio {
			worst = r
		}
	}
	measured := len(rows) - failed
	fmt.Printf("\nbare aws-lambda-go function: %.2f MB (linux/arm64)", float64(baseSize)/1e6)
	if len(allBareFirsts) > 0 {
		fmt.Printf("; its 1st invoke p50 %.1f ms", ms(median(allBareFirsts)))
	}
	fmt.Println()
	fmt.Printf("size: %d of %d functions at %.0f MB or more (goal: none); largest %s, %.2f MB\n", big, measured, sizeGoalMB, largest.name, float64(largest.size)/1e6)
	fmt.Printf("init p50 / bare p50: %d of %d functions over %.1f (goal: none); highest %s, %.2f\n", slow, measured, initGoalRatio, worst.name, worst.ratio)
	// One function's ratio swings by about 0.2 from run to run (a few cold
	// starts each on a shared machine); their spread is steadier.
	var ratios []float64
	for _, r := range rows {
		if r.err == nil {
			ratios = append(ratios, r.ratio)
		}
	}
	if len(ratios) > 0 {
		sort.Float64s(ratios)
		q := func(p int) float64 { return ratios[(len(ratios)-1)*p/100] }
		fmt.Printf("init p50 / bare p50 across the functions: p25 %.2f, median %.2f, p75 %.2f\n", q(25), q(50), q(75))
	}
	fmt.Printf("go-ethereum only where a function signs or reads Ethereum (TestOnlyChainFunctionsLinkGoEthereum)\n")
	fmt.Printf("machine load average (1 min) %s before, %s after: other processes share its cores, so times are indicative; sizes are exact\n", loadBefore, loadAverage())
	if failed > 0 {
		return fmt.Errorf("%d functions failed", failed)
	}
	return nil
}

// canRunArm64 reports whether an arm64 program starts on this machine, and
// if not, why.
func canRunArm64(bin string) (bool, string) {
	cmd := exec.Command(bin)
	cmd.Env = []string{} // no AWS_LAMBDA_RUNTIME_API: a started function exits at once
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil || errors.As(err, &ee):
		return true, ""
	case errors.Is(err, syscall.ENOEXEC):
		return false, "this machine cannot execute linux/arm64 programs: no qemu-user registered with binfmt_misc"
	default:
		return false, "an arm64 program did not start: " + err.Error()
	}
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
