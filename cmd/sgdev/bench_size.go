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

// floorMargin is how far over its class's floor a function's ratio may be
// and still count as the libraries' share. One function's ratio swings by
// about 0.2 from run to run, so the counts say more than a row does. The
// goal stays 1.5 over bare; the floor only says whose share a ratio is.
const floorMargin = 0.1

// floorPackage is the floors' program; build tags pick the class.
const floorPackage = "./cmd/baseline-floor"

// A floor is aws-lambda-go and the libraries every function of a class
// must link, and no code of ours.
type floor struct {
	class string
	tags  []string // the build tags of floorPackage that add the class's libraries
	links string
}

// The libraries a class is made of, each with the build tag of
// floorPackage that adds it and its name in the table.
var (
	bases = []struct {
		class, links string
		tags         []string
	}{
		{"store", "DynamoDB", nil},
		{"http", "DynamoDB + validator/v10", []string{"floor_validator"}},
		{"chain", "DynamoDB + KMS + go-ethereum", []string{"floor_chain"}},
		{"chain-http", "DynamoDB + KMS + go-ethereum + validator/v10", []string{"floor_validator", "floor_chain"}},
	}
	clients = []struct{ suffix, links, tag string }{
		{"+kms", "KMS", "floor_kms"},
		{"+sqs", "SQS", "floor_sqs"},
	}
)

// floors are the classes of function: a base (what storing, checking
// request bodies and signing Ethereum transactions take) and the AWS
// clients beside DynamoDB a function of it links (KMS to seal, sign or
// read a key; SQS to queue). Which functions may link which client is
// tests/init_test.go's to hold (each route links the clients its work
// uses); the floor says what linking them costs. functionClass sorts a
// function into one, floorClass reads a floor's class back from what it
// links.
var floors = func() []floor {
	var out []floor
	for _, b := range bases {
		for _, kms := range []bool{false, true} {
			if kms && strings.HasPrefix(b.class, "chain") {
				continue // a chain floor links KMS already
			}
			for _, sqs := range []bool{false, true} {
				f := floor{class: b.class, tags: append([]string(nil), b.tags...), links: b.links}
				for i, on := range []bool{kms, sqs} {
					if on {
						f.class += clients[i].suffix
						f.tags = append(f.tags, clients[i].tag)
						f.links += " + " + clients[i].links
					}
				}
				out = append(out, f)
			}
		}
	}
	return out
}()

// The modules that set a binary's class.
const (
	dynamoModule    = "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	validatorModule = "github.com/go-playground/validator/v10"
	gethModule      = "github.com/ethereum/go-ethereum"
	kmsModule       = "github.com/aws/aws-sdk-go-v2/service/kms"
	sqsModule       = "github.com/aws/aws-sdk-go-v2/service/sqs"
)

// withClients adds to base the suffixes of the clients mods links beyond
// what base's floor holds (a chain floor holds KMS).
func withClients(base string, mods map[string]bool) string {
	if mods[kmsModule] && !strings.HasPrefix(base, "chain") {
		base += "+kms"
	}
	if mods[sqsModule] {
		base += "+sqs"
	}
	return base
}

// floorClass is the class of a floor binary that links mods: go-ethereum makes it
// a chain binary, validator an HTTP one, DynamoDB alone a store one, each
// with the clients it links; with none of them its floor is the bare
// function ("bare").
func floorClass(mods map[string]bool) string {
	switch geth, valid := mods[gethModule], mods[validatorModule]; {
	case geth && valid:
		return withClients("chain-http", mods)
	case geth:
		return withClients("chain", mods)
	case valid:
		return withClients("http", mods)
	case mods[dynamoModule]:
		return withClients("store", mods)
	}
	return "bare"
}

// functionClass is the class of a function: its floor holds what it must
// link, not what it does. go-ethereum makes it a chain function (only
// those link it: TestOnlyChainFunctionsLinkGoEthereum), taking a request
// body (its main starts through bodyfn.Start) an HTTP one, which must
// check bodies with validator/v10; the KMS and SQS clients it links join
// its class (tests/init_test.go holds the routes that need neither to
// link neither). A read route or a job that links the validator all the
// same is over its floor by that much, which is ours to cut.
func functionClass(mods map[string]bool, takesBodies bool) string {
	switch geth := mods[gethModule]; {
	case geth && takesBodies:
		return withClients("chain-http", mods)
	case geth:
		return withClients("chain", mods)
	case takesBodies:
		return withClients("http", mods)
	case mods[dynamoModule]:
		return withClients("store", mods)
	}
	return "bare"
}

// takesBodies says whether function name serves a route that takes a
// request body: its main starts through bodyfn.Start, which installs the
// body rules (a read route's httpfn.Start and a job's core.Start do not).
func takesBodies(root, name string) (bool, error) {
	b, err := os.ReadFile(filepath.Join(root, "functions", name, "main.go"))
	if err != nil {
		return false, err
	}
	return strings.Contains(string(b), "bodyfn.Start("), nil
}

// linkedModules are the modules a Go binary was built from (go version -m).
func linkedModules(bin string) (map[string]bool, error) {
	out, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("go version -m %s: %w", bin, err)
	}
	mods := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "mod" || f[0] == "dep") {
			mods[f[1]] = true
		}
	}
	return mods, nil
}

// starts are the durations of one program's cold starts and the bare
// function's beside them.
type starts struct {
	inits, firsts, bares, bareFirsts []time.Duration
	// floors are the starts of the function's class floor, when it was
	// started beside them (interleave's floor).
	floors []time.Duration
}

// interleave cold-starts boot and the bare function base runs times each,
// in turn, the order rotating, so both see the same machine; floor, when
// set, is started in the same rotation (with floorEnv), so a function's
// ratio over its class's floor is measured in the very window its own
// ratio is: the bare function's time drifts by a fifth over a long run,
// and a floor measured at another moment would not share that drift.
// env is boot's; base runs with none.
func interleave(rie, boot, base, floor string, env, floorEnv map[string]string, runs int) (starts, error) {
	var st starts
	// One start of boot (and of floor) first, not counted: the first exec
	// of a binary just written maps it in for the first time, which the
	// bare function, started all along, no longer pays.
	warm := []string{boot}
	if floor != "" {
		warm = append(warm, floor)
	}
	for _, b := range warm {
		e := env
		if b == floor {
			e = floorEnv
		}
		if _, _, err := coldStart(rie, b, e); err != nil {
			return st, err
		}
	}
	progs := []string{boot, base}
	if floor != "" {
		progs = append(progs, floor)
	}
	for i := 0; i < runs; i++ {
		for j := range progs {
			b := progs[(i+j)%len(progs)]
			switch b {
			case base:
				d, first, err := coldStart(rie, b, nil)
				if err != nil {
					return st, err
				}
				st.bares, st.bareFirsts = append(st.bares, d), append(st.bareFirsts, first)
			case floor:
				d, _, err := coldStart(rie, b, floorEnv)
				if err != nil {
					return st, fmt.Errorf("floor: %w", err)
				}
				st.floors = append(st.floors, d)
			default:
				d, first, err := coldStart(rie, b, env)
				if err != nil {
					return st, err
				}
				st.inits, st.firsts = append(st.inits, d), append(st.firsts, first)
			}
		}
	}
	return st, nil
}

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

	// The floors, each cold-started beside the bare function as the
	// functions are, so their ratios come from this run.
	type floorRow struct {
		floor
		size        int64
		p50, bare50 time.Duration
		ratio       float64
	}
	var floorRows []floorRow
	floorEnv := map[string]string{}
	if url := os.Getenv("STABLEGATE_ETH_RPC"); url != "" { // the stack's node; its variables are this process's
		floorEnv["ETH_RPC_URL"] = url
	}
	type row struct {
		name          string
		size          int64
		p50, bare50   time.Duration
		first50       time.Duration // the first invocation, after init
		class         string        // its floor's (functionClass)
		floorRatio    float64       // its class floor's ratio, started beside it
		err           error
		sizeOK, ratOK bool
		ratio         float64
	}
	// Every program is built before any is started: a build's writes
	// flushed to disk during cold starts would weigh on some and not
	// others. The functions first: their classes name the floors.
	var rows []row
	boots := make([]string, len(names))
	for i, n := range names {
		r := row{name: n}
		pkg := "./functions/" + n
		arm := filepath.Join(tmp, n+"-arm64", "bootstrap")
		if r.err = goBuild(root, pkg, arm, "linux", "arm64"); r.err == nil {
			r.size = fileSize(arm)
			var mods map[string]bool
			var bodies bool
			if mods, r.err = linkedModules(arm); r.err == nil {
				if bodies, r.err = takesBodies(root, n); r.err == nil {
					r.class = functionClass(mods, bodies)
				}
			}
		}
		boots[i] = arm
		if r.err == nil && !runArm {
			boots[i] = filepath.Join(tmp, n, "bootstrap")
			r.err = goBuild(root, pkg, boots[i], "", "")
		}
		rows = append(rows, r)
	}
	// Then the floors of the classes of the functions measured.
	used := map[string]bool{}
	for _, r := range rows {
		used[r.class] = true
	}
	var floorBoots []string
	floorBoot := map[string]string{} // by class
	for _, f := range floors {
		if !used[f.class] {
			continue
		}
		i := len(floorBoots)
		floorBoots = append(floorBoots, "")
		arm := filepath.Join(tmp, "floor-"+f.class+"-arm64", "bootstrap")
		if err := goBuild(root, floorPackage, arm, "linux", "arm64", f.tags...); err != nil {
			return err
		}
		floorBoots[i] = arm
		if !runArm {
			floorBoots[i] = filepath.Join(tmp, "floor-"+f.class, "bootstrap")
			if err := goBuild(root, floorPackage, floorBoots[i], "", "", f.tags...); err != nil {
				return err
			}
		}
		floorRows = append(floorRows, floorRow{floor: f, size: fileSize(arm)})
		floorBoot[f.class] = floorBoots[i]
	}
	syscall.Sync() // the builds' writes on disk before the first cold start

	for i := range floorRows {
		st, err := interleave(rie, floorBoots[i], base, "", floorEnv, nil, runs)
		if err != nil {
			return fmt.Errorf("floor %s: %w", floorRows[i].class, err)
		}
		fr := &floorRows[i]
		fr.p50, fr.bare50 = median(st.inits), median(st.bares)
		fr.ratio = float64(fr.p50) / float64(fr.bare50)
	}

	var allBareFirsts []time.Duration
	for i := range rows {
		r := &rows[i]
		if r.err == nil {
			var st starts
			if st, r.err = interleave(rie, boots[i], base, floorBoot[r.class], funcEnv[r.name], floorEnv, runs); r.err == nil {
				r.p50, r.bare50, r.first50 = median(st.inits), median(st.bares), median(st.firsts)
				r.floorRatio = float64(median(st.floors)) / float64(r.bare50)
				allBareFirsts = append(allBareFirsts, st.bareFirsts...)
				r.ratio = float64(r.p50) / float64(r.bare50)
				r.sizeOK = float64(r.size)/1e6 < sizeGoalMB
				r.ratOK = r.ratio <= initGoalRatio
			}
		}
	}

	flags, _ := lambdaFlags(root)
	fmt.Printf("\nLambda functions: size as deployed (linux/arm64, the Makefile's LAMBDA_FLAGS: %s) and\n", strings.Join(flags, " "))
	fmt.Printf("cold start (INIT, aws-lambda-rie, %d runs each, alternating with a bare aws-lambda-go function) built for %s;\n", runs, initArch)
	fmt.Printf("1st invoke: the first invocation after that init (INVOKE RTDONE), with the bench's event (an HTTP GET /bench: most routes\n")
	fmt.Printf("answer it at once; a job runs once; a queue consumer gets no records). Work a function defers from init to its first\n")
	fmt.Printf("use (the hot key, the chain id: hotkeyfn.Reloading) is paid there, so init and 1st invoke together show where it went.\n\n")
	fmt.Printf("Floors: aws-lambda-go and one class of the libraries our design makes a function link, no code of ours\n")
	fmt.Printf("(cmd/baseline-floor), each cold-started as the functions are. A function's class is what it must link: chain if it\n")
	fmt.Printf("signs or reads Ethereum (links go-ethereum), http if it serves a route that takes a body (starts through bodyfn.Start,\n")
	fmt.Printf("which checks bodies with validator/v10; a read route links no validator, so its floor is store), else store; +kms\n")
	fmt.Printf("and +sqs if it links those clients (to seal, open or sign; to queue: tests/init_test.go holds the routes that need\n")
	fmt.Printf("neither to link neither). Its ratio over its class's floor is our code's share, the floor the libraries'. The table\n")
	fmt.Printf("below is each floor alone; a function's floor column is its class floor started in turn with it and the bare\n")
	fmt.Printf("function, in the same window.\n\n")
	fmt.Printf("| %-18s | %-56s | %9s | %13s | %13s | %6s |\n", "floor", "links", "size (MB)", "init p50 (ms)", "bare p50 (ms)", "ratio")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|\n", dashes(20), dashes(58), dashes(11), dashes(15), dashes(15), dashes(8))
	for _, f := range floorRows {
		fmt.Printf("| %-18s | %-56s | %9.2f | %13.1f | %13.1f | %6.2f |\n", f.class, f.links, float64(f.size)/1e6, ms(f.p50), ms(f.bare50), f.ratio)
	}
	fmt.Println()
	fmt.Printf("| %-28s | %9s | %13s | %13s | %7s | %13s | %-22s |\n", "function", "size (MB)", "init p50 (ms)", "bare p50 (ms)", "ratio", "1st invoke p50", "floor (class)")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|\n", dashes(30), dashes(11), dashes(15), dashes(15), dashes(9), dashes(16), dashes(24))
	var failed, big, slow, slowAtFloor int
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
		fmt.Printf("| %-28s | %8.2f%s | %13.1f | %13.1f | %6.2f%s | %14.1f | %-22s |\n", r.name, float64(r.size)/1e6, mark(r.sizeOK),
			ms(r.p50), ms(r.bare50), r.ratio, mark(r.ratOK), ms(r.first50), fmt.Sprintf("%.2f %s", r.floorRatio, r.class))
		if !r.sizeOK {
			big++
		}
		if !r.ratOK {
			slow++
			if r.ratio-r.floorRatio <= floorMargin {
				slowAtFloor++
			}
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
	fmt.Printf("of those %d: %d within %.1f of their class's floor (the libraries' share), %d more than %.1f over it (ours to cut)\n",
		slow, slowAtFloor, floorMargin, slow-slowAtFloor, floorMargin)
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
	fmt.Printf("go-ethereum (class chain, chain-http) only where a function signs or reads Ethereum (TestOnlyChainFunctionsLinkGoEthereum)\n")
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
