// Command scalebench writes a synthetic tenant (transfers, wallets, their
// balances and open payouts) straight to DynamoDB (Local: the endpoint of
// AWS_ENDPOINT_URL_DYNAMODB) and runs reconciliation of the tenant and
// hold expiry on it, printing time and peak heap of each (make
// bench-scale). Reconciliation runs twice, interleaved: as the job runs it
// (page by page, balances in batches) and reading the tenant whole (the
// alternative it replaced).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/recon"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func main() {
	transfers := flag.Int("transfers", 100_000, "transfers of the tenant")
	wallets := flag.Int("wallets", 10_000, "wallets of the tenant")
	open := flag.Int("open", 0, "open payouts holding funds (default: wallets/10), a tenth of them due")
	workers := flag.Int("workers", 8, "concurrent BatchWriteItem writers")
	flag.Parse()
	if *open == 0 {
		*open = *wallets / 10
	}
	if err := run(*transfers, *wallets, *open, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "scalebench:", err)
		os.Exit(1)
	}
}

func run(nTransfers, nWallets, nOpen, workers int) error {
	ctx := context.Background()
	endpoint := awsenv.Endpoint(os.Getenv, "DYNAMODB")
	if endpoint == nil {
		return fmt.Errorf("AWS_ENDPOINT_URL_DYNAMODB is not set (run it in the local stack: make bench-scale)")
	}
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = endpoint })
	table, err := createTable(ctx, db)
	if err != nil {
		return err
	}
	defer func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &table}) }()
	st := dynamo.New(db, table)

	start := time.Now()
	tenant := "ten_scale"
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
			return err
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
			return err
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
		return err
	default:
	}
	fmt.Printf("\nReconciliation and hold expiry at scale on DynamoDB Local: one tenant, %d transfers, %d wallets, %d open payouts (%d due)\n",
		nTransfers, nWallets, nOpen, (nOpen+9)/10)
	fmt.Printf("wrote %d items in %s (BatchWriteItem, %d writers)\n\n", written.Load(), time.Since(start).Round(time.Second), workers)
	fmt.Printf("| %-48s | %10s | %14s | %s |\n", "job", "time", "peak heap", "result")
	fmt.Printf("|%s|%s|%s|%s|\n", dash(50), dash(12), dash(16), dash(40))
	store := func(paged bool) recon.Store {
		s := recon.Store{LedgerReads: st.Ledger, TenantWalletLister: st.Wallets, TrackedReader: st.Watch}
		if paged {
			s.Pages, s.Balances = st.Ledger, st.Ledger
		}
		return s
	}
	for _, paged := range []bool{true, false, true, false} {
		name := "tenant reconciliation, page by page (the job)"
		if !paged {
			name = "tenant reconciliation, whole tenant (before)"
		}
		var r recon.Report
		d, peak, err := measure(func() error {
			var err error
			r, err = recon.Tenant(ctx, store(paged), tenant, now)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Printf("| %-48s | %10s | %11.1f MB | ok %v, %d transfers checked |\n", name, d.Round(time.Millisecond), peak, r.OK, r.Checks[0].Checked)
	}
	// ---- scale: balance totals ---- the platform run's sums: the balance
	// index (the job) against a scan of the table (what it replaced),
	// interleaved.
	for _, indexed := range []bool{true, false, true, false} {
		name, read := "platform balance totals: the balance index (job)", 0
		d, peak, err := measure(func() error {
			if !indexed {
				var err error
				read, err = scanBalances(ctx, db, table)
				return err
			}
			_, _, _, err := st.Ledger.BalanceTotals(ctx)
			read = nWallets + 1 // the bench's balance items: a shard per wallet and the faucet's
			return err
		})
		if err != nil {
			return err
		}
		result := fmt.Sprintf("%d balance items read by key", read)
		if !indexed {
			name, result = "platform balance totals: scan of the table (before)", fmt.Sprintf("%d items scanned", read)
		}
		fmt.Printf("| %-48s | %10s | %11.1f MB | %s |\n", name, d.Round(time.Millisecond), peak, result)
	}
	var due int
	d, peak, err := measure(func() error {
		ts, err := st.Withdrawals.ExpiredHolds(ctx, now)
		due = len(ts)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("| %-48s | %10s | %11.1f MB | %d due found |\n", "hold expiry: the due ones of the index", d.Round(time.Millisecond), peak, due)
	fmt.Println("\n(peak heap: the largest HeapInuse sampled every 5 ms while the job ran, less what was in use before it; Lambda's limits: 10,240 MB, 900 s)")
	return nil
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

// measure runs f and returns its time and the peak heap it added, in MB.
func measure(f func() error) (time.Duration, float64, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
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
	start := time.Now()
	err := f()
	d := time.Since(start)
	close(done)
	p := peak.Load()
	if p < base {
		p = base
	}
	return d, float64(p-base) / (1 << 20), err
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
