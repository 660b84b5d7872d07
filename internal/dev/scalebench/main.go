// Command scalebench writes a synthetic tenant (transfers, wallets, their
// balances and open payouts) straight to DynamoDB (Local: the endpoint of
// AWS_ENDPOINT_URL_DYNAMODB) and runs the tenant's reconciliation and hold
// expiry on it as the scheduler runs them: each invocation a process of
// its own with a time budget, running the reconcile job's own run, which
// checkpoints where it stopped in the table and resumes from there in the
// next invocation, until the run finishes (make bench-scale). Per invocation and in total it prints wall time, the
// job's own CPU time, DynamoDB Local's CPU time, requests, items and bytes
// read per operation, peak heap and max RSS. With -before it also runs the
// reconciliation as it was (the tenant read whole, balances one batch of
// 50 at a time) and the balance totals by a scan, interleaved.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/reconfn/reconstore"
	"github.com/stablegate/stablegate/shared/recon"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

const tenant = "ten_scale"

type options struct {
	transfers, wallets, open, workers int
	table, phase                      string
	budget, margin                    time.Duration
	before, keep                      bool
	maxSteps                          int
	ddbPID                            int
}

func main() {
	var o options
	flag.IntVar(&o.transfers, "transfers", 100_000, "transfers of the tenant")
	flag.IntVar(&o.wallets, "wallets", 10_000, "wallets of the tenant")
	flag.IntVar(&o.open, "open", 0, "open payouts holding funds (default: wallets/10), a tenth of them due")
	flag.IntVar(&o.workers, "workers", 8, "concurrent BatchWriteItem writers")
	flag.StringVar(&o.table, "table", "", "use this table as it is (written by an earlier run with -keep) instead of writing one")
	flag.BoolVar(&o.keep, "keep", false, "keep the table at the end (for -table)")
	flag.DurationVar(&o.budget, "budget", 300*time.Second, "an invocation's time budget for reading the journal (the function's timeout is 900 s)")
	flag.DurationVar(&o.margin, "margin", 120*time.Second, "the run's DeadlineMargin (production: 30 s): DynamoDB Local goes on serving a Query the job has abandoned, on the same 2 cores, so the checkpoint's save needs more time after the reads are cut off")
	flag.BoolVar(&o.before, "before", false, "also run the reconciliation as it was (the tenant whole) and the balance totals by a scan, interleaved")
	flag.IntVar(&o.maxSteps, "max-steps", 0, "stop the reconciliation after this many invocations (0: run it to the end) and print the rate")
	flag.StringVar(&o.phase, "phase", "", "(internal) the one invocation this process runs")
	flag.IntVar(&o.ddbPID, "ddb-pid", 0, "(internal) DynamoDB Local's process")
	flag.Parse()
	if o.open == 0 {
		o.open = o.wallets / 10
	}
	var err error
	if o.phase != "" {
		err = invocation(o)
	} else {
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scalebench:", err)
		os.Exit(1)
	}
}

func client(m *meter) (*dynamodb.Client, string, error) {
	endpoint := awsenv.Endpoint(os.Getenv, "DYNAMODB")
	if endpoint == nil {
		return nil, "", fmt.Errorf("AWS_ENDPOINT_URL_DYNAMODB is not set (run it in the local stack: make bench-scale)")
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return nil, "", err
	}
	if m != nil {
		cfg.HTTPClient = meteredHTTP{next: awshttpClient(), m: m}
		cfg.APIOptions = append(cfg.APIOptions, m.countItems)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint }), *endpoint, nil
}

// result is what one invocation reports to the bench.
type result struct {
	Wall        time.Duration      `json:"wall_ns"`
	CPU         time.Duration      `json:"cpu_ns"`
	DDBCPU      time.Duration      `json:"ddb_cpu_ns"`
	Ops         map[string]opStats `json:"ops"`
	HeapPeak    uint64             `json:"heap_peak"`
	Done        bool               `json:"done"`
	Summary     string             `json:"summary"`
	Checkpoint  int                `json:"checkpoint_bytes"`
	Transfers   int                `json:"transfers"`
	MaxRSS      int64              `json:"-"`
	ProcessCPU  time.Duration      `json:"-"`
	Description string             `json:"-"`
}

// invocation runs one phase in this process, as one Lambda invocation, and
// prints its result as JSON.
func invocation(o options) error {
	m := newMeter()
	db, _, err := client(m)
	if err != nil {
		return err
	}
	st := dynamo.New(db, o.table)
	ctx := context.Background()
	now := time.Now().UTC()
	var res result
	ddb0, _ := cpuOf(o.ddbPID)
	cpu0 := selfCPU()
	peak := sampleHeap()
	start := time.Now()
	switch o.phase {
	case "step":
		// ---- reconckpt: the scheduled job's own run, its checkpoint in the table ----
		// One invocation of the reconcile function: recon.Platform over the
		// store the job wires (reconstore.Scheduled), with the deadline
		// Lambda gives it (the budget, plus the margin the run keeps for
		// its report and the checkpoint's save).
		recon.DeadlineMargin = o.margin
		jctx, cancel := context.WithDeadline(ctx, start.Add(o.budget+recon.DeadlineMargin))
		r, err := recon.Platform(jctx, reconstore.Scheduled(st), now, nil)
		cancel()
		if err != nil {
			return err
		}
		res.Wall, res.CPU, res.HeapPeak = time.Since(start), selfCPU()-cpu0, peak()
		peak = func() uint64 { return res.HeapPeak }
		cp, err := st.Ledger.ReconCheckpoint(ctx, tenant)
		if err != nil {
			return err
		}
		res.Done = cp.Progress == nil
		diffs := 0
		for _, c := range r.Checks {
			diffs += c.Count()
		}
		if res.Done {
			var checked [2]int
			for _, c := range r.Checks {
				switch c.Name {
				case tenant + ":entries_balanced":
					checked[0] = c.Checked
				case tenant + ":balances_match_journal":
					checked[1] = c.Checked
				}
			}
			res.Transfers = checked[0]
			res.Summary = fmt.Sprintf("done: ok %v, %d differences, %d transfers, %d wallet accounts checked; record %s", r.OK, diffs, checked[0], checked[1], cp.Last)
		} else {
			var p recon.Progress
			if err := p.UnmarshalBinary(cp.Progress); err != nil {
				return err
			}
			res.Checkpoint, res.Transfers = len(cp.Progress), p.Transfers()
			where := "in its head item"
			if len(cp.Progress) > 64<<10 {
				where = fmt.Sprintf("in %d pieces", (len(cp.Progress)+349_999)/350_000)
			}
			res.Summary = fmt.Sprintf("checkpoint of %s in the table (%s): %d transfers read, %d accounts summed; report ok %v, %d differences",
				mb(int64(len(cp.Progress))), where, p.Transfers(), p.Accounts(), r.OK, diffs)
		}
	case "whole":
		s := recon.Store{LedgerReads: st.Ledger, TenantWalletLister: st.Wallets, TrackedReader: st.Watch}
		var p recon.Progress
		r, done, err := recon.TenantStep(ctx, s, tenant, now, &p, time.Time{})
		if err != nil {
			return err
		}
		res.Done = done
		res.Summary = fmt.Sprintf("done: ok %v, %d transfers, %d wallet accounts checked", r.OK, r.Checks[0].Checked, r.Checks[1].Checked)
	case "holds":
		// The holds-expire job's reads: the due holds (to void), then the
		// stalled payouts (to queue again).
		ts, err := st.Withdrawals.ExpiredHolds(ctx, now)
		if err != nil {
			return err
		}
		stalled, err := st.Withdrawals.StalledWithdrawals(ctx, now.Add(-5*time.Minute))
		if err != nil {
			return err
		}
		res.Done, res.Summary = true, fmt.Sprintf("%d due holds found, %d stalled payouts", len(ts), len(stalled))
	case "totals":
		_, _, tenants, err := st.Ledger.BalanceTotals(ctx)
		if err != nil {
			return err
		}
		res.Done, res.Summary = true, fmt.Sprintf("balance totals of %d tenants", len(tenants))
	case "totals-scan":
		n, err := scanBalances(ctx, db, o.table)
		if err != nil {
			return err
		}
		res.Done, res.Summary = true, fmt.Sprintf("%d items scanned", n)
	default:
		return fmt.Errorf("unknown phase %q", o.phase)
	}
	if res.Wall == 0 {
		res.Wall, res.CPU = time.Since(start), selfCPU()-cpu0
	}
	if ddb1, err := cpuOf(o.ddbPID); err == nil && o.ddbPID > 0 {
		res.DDBCPU = ddb1 - ddb0
	}
	res.HeapPeak = peak()
	res.Ops = m.snapshot()
	return json.NewEncoder(os.Stdout).Encode(res)
}

// sampleHeap samples HeapInuse every 5 ms; the returned func stops it and
// gives the peak.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// invoke runs one phase as a process of its own and reads its result.
func invoke(o options, phase, desc string) (result, error) {
	exe, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(exe, "-phase", phase, "-table", o.table,
		"-budget", o.budget.String(), "-margin", o.margin.String(), "-ddb-pid", fmt.Sprint(o.ddbPID))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%s: %w", desc, err)
	}
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return result{}, fmt.Errorf("%s: %w (%q)", desc, err, out.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024
	}
	r.ProcessCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.Description = desc
	return r, nil
}

func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// dur rounds d for the table: milliseconds under 10 s, tenths above.
func dur(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func opsLine(ops map[string]opStats) (reqs, items, bytes int64, wait time.Duration, detail string) {
	var names []string
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		v := ops[k]
		reqs, items, bytes, wait = reqs+v.Requests, items+v.Items, bytes+v.Bytes, wait+v.Wait
		per := int64(0)
		if v.Requests > 0 {
			per = v.Items / v.Requests
		}
		parts = append(parts, fmt.Sprintf("%s %d (%d items, %d/req)", k, v.Requests, v.Items, per))
	}
	return reqs, items, bytes, wait, strings.Join(parts, ", ")
}

func printRow(r result) {
	reqs, items, by, wait, detail := opsLine(r.Ops)
	fmt.Printf("| %-34s | %8s | %8s | %8s | %8s | %6d | %8d | %10s | %9s | %9s | %s; %s |\n", r.Description,
		dur(r.Wall), dur(r.CPU), dur(r.DDBCPU), dur(wait), reqs, items, mb(by), mb(int64(r.HeapPeak)), mb(r.MaxRSS), r.Summary, detail)
}

func header() {
	fmt.Printf("| %-34s | %8s | %8s | %8s | %8s | %6s | %8s | %10s | %9s | %9s | %s |\n", "invocation", "wall", "job CPU", "DDB CPU", "DDB wait",
		"reqs", "items", "bytes read", "peak heap", "max RSS", "result; requests by operation")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", dash(36), dash(10), dash(10), dash(10), dash(10), dash(8), dash(10), dash(12), dash(11), dash(11), dash(40))
}

func sum(rs []result, desc string) result {
	t := result{Description: desc, Ops: map[string]opStats{}}
	for _, r := range rs {
		t.Wall += r.Wall
		t.CPU += r.CPU
		t.DDBCPU += r.DDBCPU
		t.HeapPeak = max(t.HeapPeak, r.HeapPeak)
		t.MaxRSS = max(t.MaxRSS, r.MaxRSS)
		for k, v := range r.Ops {
			s := t.Ops[k]
			s.Requests, s.Items, s.Bytes, s.Wait = s.Requests+v.Requests, s.Items+v.Items, s.Bytes+v.Bytes, s.Wait+v.Wait
			t.Ops[k] = s
		}
		t.Summary = r.Summary
	}
	t.Summary = fmt.Sprintf("%d invocations, %s", len(rs), t.Summary)
	return t
}

func run(o options) error {
	ctx := context.Background()
	db, endpoint, err := client(nil)
	if err != nil {
		return err
	}
	o.ddbPID = listenerPID(endpoint)
	fmt.Printf("\nReconciliation and hold expiry at scale on DynamoDB Local: one tenant, %d transfers, %d wallets, %d open payouts (%d due)\n",
		o.transfers, o.wallets, o.open, (o.open+9)/10)
	if o.table == "" {
		if o.table, err = createTable(ctx, db); err != nil {
			return err
		}
		fmt.Printf("table %s; writing (load %s) ...\n", o.table, load())
		n, d, err := writeData(ctx, db, o.table, tenant, o.transfers, o.wallets, o.open, o.workers)
		if err != nil {
			return err
		}
		fmt.Printf("wrote %d items in %s (BatchWriteItem, %d writers; load %s)\n", n, d.Round(time.Second), o.workers, load())
	}
	if !o.keep {
		defer func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &o.table}) }()
	}
	fmt.Printf("\nEach invocation is a process of its own, as Lambda runs the scheduled function: the reconcile job's run (recon.Platform\n")
	fmt.Printf("over reconstore.Scheduled) with a deadline %s + %s away; it reads the journal until %s before it (production's\n", o.budget, o.margin, o.margin)
	fmt.Printf("margin is %s; DynamoDB Local serves the Queries a cut-off step abandons to the end, on the same cores), then saves its\n", recon.DeadlineMargin)
	fmt.Printf("checkpoint in the table (where each of its %d key ranges stopped, the running sums per wallet account; in pieces\n", recon.Segments)
	fmt.Println("of at most 350 KB) for the next invocation, which reads it back and reads on; the run that finishes clears it.")
	fmt.Printf("DynamoDB Local (pid %d) stands in for DynamoDB: one Java process on this machine's %d cores, serving every request itself;\n", o.ddbPID, runtime.NumCPU())
	fmt.Println("its CPU time (DDB CPU) and the time the job waited for answers (DDB wait) are in each row. DynamoDB serves a partition's")
	fmt.Println("reads at up to 3,000 read units a second and pages of 1 MB in milliseconds, so there the job's own CPU time is the floor.")
	fmt.Println("DynamoDB Local's CPU time per Query page grows with the table (measured: about 0.6 s per 1 MB page at 121,000 items,")
	fmt.Println("11-17 s at 1,210,000, even for a page of 10 items): on it the 1,000,000-transfer journal takes hours of invocations.")
	fmt.Println()
	header()
	rounds := 1
	if o.before {
		rounds = 2
	}
	for round := range rounds {
		var steps []result
		for i := 1; ; i++ {
			r, err := invoke(o, "step", fmt.Sprintf("recon step %d (load %s)", i, load()))
			if err != nil {
				return err
			}
			printRow(r)
			steps = append(steps, r)
			if r.Done {
				break
			}
			if o.maxSteps > 0 && i == o.maxSteps {
				total := o.transfers + o.open
				per := r.Transfers / i
				fmt.Printf("| stopped after %d invocations (-max-steps): %d of %d transfers read, %d per invocation; the rest needs about %d more at this rate |\n",
					i, r.Transfers, total, per, (total-r.Transfers+per-1)/max(per, 1))
				if err := clearCheckpoint(ctx, db, o.table); err != nil { // the next round starts afresh
					return err
				}
				break
			}
			if i >= 200 {
				return errors.New("reconciliation did not finish in 200 invocations")
			}
		}
		printRow(sum(steps, "recon, all steps"))
		if o.before {
			r, err := invoke(o, "whole", fmt.Sprintf("recon whole, before (load %s)", load()))
			if err != nil {
				return err
			}
			printRow(r)
		}
		_ = round
	}
	for range rounds {
		r, err := invoke(o, "holds", fmt.Sprintf("hold expiry, index (load %s)", load()))
		if err != nil {
			return err
		}
		printRow(r)
	}
	for range rounds {
		r, err := invoke(o, "totals", fmt.Sprintf("balance totals, index (load %s)", load()))
		if err != nil {
			return err
		}
		printRow(r)
		if o.before {
			r, err := invoke(o, "totals-scan", fmt.Sprintf("balance totals, scan, before (load %s)", load()))
			if err != nil {
				return err
			}
			printRow(r)
		}
	}
	fmt.Println("\n(wall: the invocation's time; job CPU: its own CPU time; DDB CPU: DynamoDB Local's CPU time meanwhile; DDB wait: the")
	fmt.Println("time its requests waited for answers, summed over concurrent requests; peak heap: the largest HeapInuse sampled every 5 ms;")
	fmt.Println("max RSS: the process's. The reconcile function has 900 s and 1,024 MB (template.yaml); Lambda's most: 10,240 MB.")
	fmt.Println("Load: the 1-, 5- and 15-minute load averages when the invocation started.)")
	return nil
}

// writeData writes the synthetic tenant: wallets, transfers (deposits
// spread over the wallets), open payouts (a tenth of them due) and the
// balances they leave, with BatchWriteItem from several writers.
func writeData(ctx context.Context, db *dynamodb.Client, table, tenant string, nTransfers, nWallets, nOpen, workers int) (int64, time.Duration, error) {
	st := dynamo.New(db, table)
	start := time.Now()
	now := time.Now().UTC().Truncate(time.Second)
	at := now.Add(-24 * time.Hour)
	faucet := sg.SystemAccount(sg.SysDevFaucet, sg.Ethereum, sg.USDT)
	items := make(chan map[string]types.AttributeValue, 1000)
	var written atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := writer(ctx, db, table, items, &written); err != nil {
				errs <- err
				for range items { // drained, so the producer never waits on a writer that stopped
				}
			}
		}()
	}
	ids := make([]string, nWallets)
	for i := range ids {
		ids[i] = sg.NewID("wal", at)
	}
	acct := func(i int) sg.Account { return sg.WalletAccount(tenant, ids[i], sg.Ethereum, sg.USDT) }
	bal := make([]sg.Balance, nWallets)
	var faucetOut sg.Amount
	for i := range nWallets {
		items <- dynamo.WalletItem(sg.Wallet{ID: acct(i).Wallet, TenantID: tenant, CustomerRef: "c", Index: uint32(i), CreatedAt: at,
			Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: fmt.Sprintf("0x%040x", i+1), Scheme: sg.SchemeBIP32}}})
	}
	for i := range nTransfers {
		w := i % nWallets
		amount := sg.Amount(1_000_000 + i%1000)
		t := sg.Transfer{ID: sg.NewKeyedID("txn", at, tenant, "scale", fmt.Sprint(i)), TenantID: tenant, Type: sg.TransferDeposit,
			State: sg.StatePosted, Chain: sg.Ethereum, Asset: sg.USDT, Amount: amount, ToWallet: acct(w).Wallet, CreatedAt: at, UpdatedAt: at,
			RequestHash: "h", TxHash: fmt.Sprintf("0x%064x", i), Events: []sg.Event{{State: sg.StatePosted, At: at, Note: "credited"}},
			Entry: sg.Entry{Postings: []sg.Posting{{Account: faucet, Bucket: sg.Available, Delta: -amount}, {Account: acct(w), Bucket: sg.Available, Delta: amount, Shards: 1}}}}
		it, err := st.Base.TransferItem(t)
		if err != nil {
			return 0, 0, err
		}
		items <- it
		bal[w].Available += amount
		faucetOut += amount
	}
	for i := range nOpen {
		w := (i * 7) % nWallets
		expires := now.Add(72 * time.Hour)
		if i%10 == 0 {
			expires = now.Add(-time.Minute)
		}
		t := sg.Transfer{ID: sg.NewKeyedID("txn", at, tenant, "scale-wd", fmt.Sprint(i)), TenantID: tenant, Type: sg.TransferWithdrawal,
			State: sg.StatePending, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 100, FromWallet: acct(w).Wallet, ToAddress: "0x00000000000000000000000000000000000b0b01",
			CreatedAt: at, UpdatedAt: at, ExpiresAt: expires, RequestHash: "h", Events: []sg.Event{{State: sg.StatePending, At: at, Note: "hold placed"}},
			Entry: sg.Entry{Postings: []sg.Posting{{Account: acct(w), Bucket: sg.Available, Delta: -100, Shards: 1}, {Account: acct(w), Bucket: sg.Held, Delta: 100, Shards: 1}}}}
		it, err := st.Base.TransferItem(t)
		if err != nil {
			return 0, 0, err
		}
		items <- it
		bal[w].Available -= 100
		bal[w].Held += 100
	}
	for i := range nWallets {
		items <- dynamo.BalanceItem(acct(i), 0, bal[i])
	}
	items <- dynamo.BalanceItem(faucet, 0, sg.Balance{Available: -faucetOut})
	close(items)
	wg.Wait()
	select {
	case err := <-errs:
		return 0, 0, err
	default:
	}
	return written.Load(), time.Since(start), nil
}

// scanBalances is the scan BalanceTotals made before the balance index:
// every item of the table read, the balance items kept. It returns how
// many items it read.
func scanBalances(ctx context.Context, db *dynamodb.Client, table string) (int, error) {
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &table, ConsistentRead: aws.Bool(true),
		FilterExpression:          aws.String("begins_with(PK, :b) AND SK = :s"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":b": &types.AttributeValueMemberS{Value: "BAL#"}, ":s": &types.AttributeValueMemberS{Value: "BAL"}},
		Select:                    types.SelectCount})
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return n, err
		}
		n += int(page.ScannedCount)
	}
	return n, nil
}

func writer(ctx context.Context, db *dynamodb.Client, table string, items <-chan map[string]types.AttributeValue, written *atomic.Int64) error {
	batch := make([]types.WriteRequest, 0, 25)
	flush := func() error {
		req := map[string][]types.WriteRequest{table: batch}
		for attempt := 0; len(req) > 0; attempt++ {
			out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				return err
			}
			req = out.UnprocessedItems
			if len(req) > 0 {
				time.Sleep(time.Duration(min(attempt+1, 20)) * 10 * time.Millisecond)
			}
		}
		written.Add(int64(len(batch)))
		batch = batch[:0]
		return nil
	}
	for it := range items {
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		if len(batch) == 25 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}

// createTable makes a table with the template's keys and indexes.
func createTable(ctx context.Context, db *dynamodb.Client) (string, error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "scalebench-" + hex.EncodeToString(b)
	_, err := db.CreateTable(ctx, dynamo.TableSchema(name))
	if err != nil {
		return "", err
	}
	return name, dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, time.Minute)
}

func dash(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '-'
	}
	return string(b)
}

// clearCheckpoint drops the tenant's run in progress (its checkpoint's
// progress), so the next invocation begins the books again.
func clearCheckpoint(ctx context.Context, db *dynamodb.Client, table string) error {
	st := dynamo.New(db, table)
	c, err := st.Ledger.ReconCheckpoint(ctx, tenant)
	if err != nil {
		return err
	}
	c.Progress, c.Started, c.Steps, c.Stalled = nil, time.Time{}, 0, 0
	return st.Ledger.SaveReconCheckpoint(ctx, tenant, c)
}
