package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type countSink struct{ seen, confirmed, reversed int }

func (s *countSink) Seen(context.Context, chaineth.Deposit) error    { s.seen++; return nil }
func (s *countSink) Confirm(context.Context, chaineth.Deposit) error { s.confirmed++; return nil }
func (s *countSink) Reverse(context.Context, chaineth.Deposit) error { s.reversed++; return nil }

// bepusdt polls a chain the way BEpusdt's EVM task does (app/task/evm.go,
// read at v03413/bepusdt 454d65c; the pattern, not its code): every 12 s on
// Ethereum an eth_blockNumber request; the new blocks cut into runs of at
// most 10; for each run one HTTP request carrying a JSON-RPC batch of
// eth_getBlockByNumber, one per block (for their timestamps), and one
// eth_getLogs over the run filtered by the Transfer topic alone. Its
// receipt checks of confirming orders (eth_getTransactionReceipt every
// 5 s per order) are left out: they would only add to its count.
type bepusdt struct {
	chain                       *chaineth.SyntheticChain
	last                        uint64
	requests, calls             int
	heads, headers, logRequests int
}

func (b *bepusdt) roll(ctx context.Context) error {
	b.requests++
	b.calls++
	b.heads++
	now, err := b.chain.BlockNumber(ctx)
	if err != nil {
		return err
	}
	for from := b.last + 1; from <= now; from += 10 {
		to := min(from+9, now)
		b.requests++ // the batch
		for n := from; n <= to; n++ {
			b.calls++
			b.headers++
			if _, err := b.chain.HeaderByNumber(ctx, new(big.Int).SetUint64(n)); err != nil {
				return err
			}
		}
		b.requests++
		b.calls++
		b.logRequests++
		if _, err := b.chain.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(to),
			Topics: [][]common.Hash{{chaineth.TransferTopic}}}); err != nil {
			return err
		}
	}
	b.last = now
	return nil
}

// heapNow is the live heap after a collection.
func heapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// ownersOf builds n deposit addresses' owners as the watcher holds them
// (ledger.Owners, loaded in pages of 5,000 as from the address list's
// shards), the addresses, and the live heap the owners hold. Tenant and
// wallet ids have production's shapes.
func ownersOf(n int) (*ledger.Owners, []common.Address, int) {
	addrs := make([]common.Address, n)
	for i := range addrs {
		addrs[i] = common.BigToAddress(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(int64(i)+7), 100), big.NewInt(int64(i)*7919)))
	}
	tenants := []string{sg.NewID("ten", time.Now()), sg.NewID("ten", time.Now()), sg.NewID("ten", time.Now())}
	before := heapNow()
	o := &ledger.Owners{Chain: sg.Ethereum}
	for lo := 0; lo < n; lo += 5_000 {
		list := make([]sg.AddressOwner, 0, 5_000)
		for i := lo; i < min(lo+5_000, n); i++ {
			list = append(list, sg.AddressOwner{Tenant: tenants[i%len(tenants)], Wallet: sg.NewID("wal", time.Now()), Index: uint32(i), Address: addrs[i].Hex()})
		}
		if err := o.Add(list); err != nil {
			panic(err)
		}
	}
	held := int(heapNow() - before)
	return o, addrs, held
}

// oldOwnersBytes is the memory of the map the watcher held before
// (lower-case hex keys to sg.AddressOwner), per address, at n addresses.
func oldOwnersBytes(n int) float64 {
	before := heapNow()
	m := map[string]sg.AddressOwner{}
	ten := sg.NewID("ten", time.Now())
	for i := 0; i < n; i++ {
		a := common.BigToAddress(big.NewInt(int64(i) + 7)).Hex()
		m[strings.ToLower(a)] = sg.AddressOwner{Tenant: ten, Wallet: sg.NewID("wal", time.Now()), Index: uint32(i), Address: a}
	}
	after := heapNow()
	runtime.KeepAlive(m)
	return float64(after-before) / float64(n)
}

// timedChain is the synthetic chain with the time its answers take to
// build, so the watcher's own CPU can be told apart.
type timedChain struct {
	*chaineth.SyntheticChain
	spent time.Duration
}

func (c *timedChain) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	t0 := time.Now()
	defer func() { c.spent += time.Since(t0) }()
	return c.SyntheticChain.FilterLogs(ctx, q)
}

type scanRow struct {
	logs, addrs                    int
	ours, bepRequests, bepCalls    int
	bepHeads, bepHeaders, bepLogs  int
	push, pushSubs, pushStarts     int
	pushed                         int
	pushBytes                      float64
	confirmed, pushConfirmed       int
	cpu, pushCPU                   time.Duration
	perAddress, setBytesPerAddress float64
}

// The push follower's invocations: deposits-watch runs at most 15
// minutes; it follows for 72 blocks (14.4 minutes: the timeout less a
// margin), and the next one-minute schedule tick starts the next
// invocation 3 blocks later (no follower listens in between).
const (
	followBlocks = 72
	gapBlocks    = 3
)

// notificationBytes is the size of the eth_subscription message a node
// sends for l (geth's shape: a subscription id of 16 bytes in hex).
func notificationBytes(l types.Log) int {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "eth_subscription",
		"params": map[string]any{"subscription": "0x" + strings.Repeat("ab", 16), "result": l}})
	if err != nil {
		panic(err)
	}
	return len(b)
}

// scanFollow follows a moving synthetic head for `blocks` blocks, one
// every 12 s, with three readers of the same chain interleaved block by
// block: BEpusdt's pattern (a roll every 12 s: after every block), our
// watcher polling (a run every minute: after every 5 blocks, the HTTP
// fallback) and our watcher following pushes (invocations of 72 blocks,
// each a subscription and a catch-up, 3 blocks apart). It counts each
// one's requests.
func scanFollow(blocks uint64, logsPerBlock, addrs int) (scanRow, error) {
	ctx := context.Background()
	r := scanRow{logs: logsPerBlock, addrs: addrs}
	owners, list, held := ownersOf(addrs)
	r.perAddress = float64(held) / float64(addrs)
	r.setBytesPerAddress = float64(owners.Bytes()) / float64(addrs)
	const start = 1_000
	chain := &chaineth.SyntheticChain{Head: start, Watched: list, LogsPerBlock: logsPerBlock, DepositEvery: 50, MaxResults: 10_000, MaxRange: 5_000}
	watched := func(a common.Address) bool { return owners.Watched(address.Account(a)) }
	sink, pushSink := &countSink{}, &countSink{}
	timed := &timedChain{SyntheticChain: chain}
	w := &chaineth.Watcher{Chain: timed, Confirmations: 12, Sink: sink, Window: 128, Watched: watched}
	st, err := w.Poll(ctx, chaineth.State{}) // caught up at the start
	if err != nil {
		return r, err
	}
	pst := st
	*sink = countSink{} // count what both see while following
	b := &bepusdt{chain: chain, last: start}
	w.Calls = 0
	var cpu, pushCPU time.Duration
	timed.spent = 0
	var f *chaineth.Follower
	requests, pushes := 0, 0
	for n := uint64(1); n <= blocks; n++ {
		// The follower's invocations: one starts at the first block of
		// each cycle and stops after followBlocks.
		phase := (n - 1) % (followBlocks + gapBlocks)
		if phase == 0 {
			pw := &chaineth.Watcher{Chain: timed, Confirmations: 12, Sink: pushSink, Window: 128, Watched: watched}
			f = &chaineth.Follower{Watcher: pw, Feed: chain}
		}
		chain.Mine(1)
		if err := b.roll(ctx); err != nil {
			return r, err
		}
		if phase < followBlocks {
			timed.spent = 0
			t0 := time.Now()
			if phase == 0 {
				pst, err = f.Start(ctx, pst)
				r.pushStarts++
			} else {
				pst, err = f.Step(ctx, pst, false)
			}
			if err != nil {
				return r, err
			}
			pushCPU += time.Since(t0) - timed.spent
			if phase == followBlocks-1 {
				f.Stop()
				requests += f.Requests
				pushes += f.Pushes
				r.pushSubs += f.Subscribes
			}
		}
		if n%5 == 0 {
			timed.spent = 0
			t0 := time.Now()
			if st, err = w.Poll(ctx, st); err != nil {
				return r, err
			}
			cpu += time.Since(t0) - timed.spent
		}
		if n%100 == 0 && chain.LogsPerBlock > 0 { // the pushed bytes, measured on one log in 100 blocks
			l, err := chain.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: new(big.Int).SetUint64(chain.Head), ToBlock: new(big.Int).SetUint64(chain.Head)})
			if err != nil {
				return r, err
			}
			r.pushBytes += float64(notificationBytes(l[len(l)/2]))
		}
	}
	if f != nil && (blocks-1)%(followBlocks+gapBlocks) < followBlocks-1 {
		f.Stop()
		requests += f.Requests
		pushes += f.Pushes
		r.pushSubs += f.Subscribes
	}
	r.pushBytes = r.pushBytes / float64(blocks/100) * float64(pushes)
	r.ours, r.bepRequests, r.bepCalls, r.cpu = w.Calls, b.requests, b.calls, cpu
	r.bepHeads, r.bepHeaders, r.bepLogs = b.heads, b.headers, b.logRequests
	r.push, r.pushed, r.pushCPU = requests, pushes, pushCPU
	r.confirmed, r.pushConfirmed = sink.confirmed, pushSink.confirmed
	runtime.KeepAlive(owners)
	return r, nil
}

// Alchemy's compute units (docs.alchemyapi.io, "Compute Units"): per
// method, and 0.04 a byte for what a subscription delivers.
const (
	cuBlockNumber = 10
	cuBlockByNum  = 16
	cuGetLogs     = 75
	cuSubscribe   = 10
	cuPerByte     = 0.04
)

// benchScan prints the requests per 100,000 blocks of following the head,
// ours (pushed and polled) against BEpusdt's pattern, at 2 and 50 token
// transfers a block and 100,000 and 1,000,000 watched addresses, with the
// memory per address.
func benchScan() error {
	const blocks = 100_000
	var rows []scanRow
	for _, logs := range []int{2, 50} {
		for _, addrs := range []int{100_000, 1_000_000} {
			r, err := scanFollow(blocks, logs, addrs)
			if err != nil {
				return err
			}
			rows = append(rows, r)
		}
	}
	old := oldOwnersBytes(100_000)
	fmt.Printf("\nDeposit scan, following the head: 100,000 blocks, one every 12 s; confirmation depth 12, 128-block hash window,\n" +
		"provider limits 10,000 results and 5,000 blocks per eth_getLogs, one transfer in 50 to a watched address. Three readers of\n" +
		"one synthetic chain, interleaved block by block: BEpusdt's pattern (a roll every 12 s), ours in push mode (ETH_WS_URL set:\n" +
		"eth_subscribe \"logs\" on a WebSocket; invocations of 72 blocks, 3 blocks apart) and ours polling (HTTP only: a run a minute)\n\n")
	fmt.Printf("| %10s | %9s | %13s | %12s | %14s | %7s | %13s | %7s | %8s | %13s |\n", "logs/block", "addresses", "BEpusdt: HTTP",
		"push: reqs", "push: messages", "fewer", "poll: reqs", "fewer", "deposits", "bytes/address")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", dashes(12), dashes(11), dashes(15), dashes(14), dashes(16), dashes(9), dashes(15), dashes(9), dashes(10), dashes(15))
	worst, worstConn := 0.0, 0.0
	for i, r := range rows {
		ratio := float64(r.bepRequests) / float64(r.push)
		conn := float64(r.bepRequests) / float64(r.push+r.pushStarts)
		if i == 0 || ratio < worst {
			worst = ratio
		}
		if i == 0 || conn < worstConn {
			worstConn = conn
		}
		deposits := fmt.Sprint(r.pushConfirmed)
		if r.pushConfirmed != r.confirmed {
			deposits = fmt.Sprintf("%d/%d", r.pushConfirmed, r.confirmed)
		}
		fmt.Printf("| %10d | %9d | %13d | %12d | %14d | %6.1fx | %13d | %6.1fx | %8s | %13.1f |\n", r.logs, r.addrs, r.bepRequests,
			r.push, r.pushed, ratio, r.ours, float64(r.bepRequests)/float64(r.ours), deposits, r.perAddress)
	}
	fmt.Printf("\npush: reqs are the JSON-RPC requests sent (%d invocations: each an eth_subscribe and a catch-up eth_getLogs to \"latest\";\n"+
		"any head or header read when the log stream is quiet or a reorganisation is deeper than the overlap is counted too);\n"+
		"messages are the eth_subscription notifications received, one a log (not requests). Each invocation also opens one\n"+
		"WebSocket (an HTTP upgrade): counted as a request too, the worst ratio is %.1fx. BEpusdt's HTTP counts its JSON-RPC batch of\n"+
		"headers as one request (%d calls in all). deposits: confirmed by the push follower (push/poll where they differ).\n"+
		"bytes/address is the live heap of the watcher's address book (ledger.Owners), measured; its own count is %.1f bytes at\n"+
		"100,000 and %.1f at 1,000,000 addresses. The map it replaced held %.0f bytes an address.\n",
		rows[0].pushStarts, worstConn, rows[0].bepCalls, rows[0].setBytesPerAddress, rows[1].setBytesPerAddress, old)
	fmt.Printf("\nWhat a provider bills (Alchemy's compute units: eth_blockNumber %d, eth_getBlockByNumber %d, eth_getLogs %d,\n"+
		"eth_subscribe %d; pushes %.2f a byte delivered; notification bytes measured on one log in 100 blocks; every polling\n"+
		"call counted as an eth_getLogs, an upper bound):\n\n",
		cuBlockNumber, cuBlockByNum, cuGetLogs, cuSubscribe, cuPerByte)
	fmt.Printf("| %10s | %9s | %12s | %10s | %12s | %10s | %16s | %16s |\n", "logs/block", "addresses", "BEpusdt: CU", "push: CU", "bytes a push", "poll: CU", "push µs a block", "poll ms a run")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|%s|\n", dashes(12), dashes(11), dashes(14), dashes(12), dashes(14), dashes(12), dashes(18), dashes(18))
	for _, r := range rows {
		bepCU := float64(r.bepHeads)*cuBlockNumber + float64(r.bepHeaders)*cuBlockByNum + float64(r.bepLogs)*cuGetLogs
		pushCU := float64(r.pushSubs)*cuSubscribe + float64(r.push-r.pushSubs)*cuGetLogs + r.pushBytes*cuPerByte
		pollCU := float64(r.ours) * cuGetLogs
		fmt.Printf("| %10d | %9d | %12.0f | %10.0f | %12.0f | %10.0f | %16.1f | %16.3f |\n", r.logs, r.addrs, bepCU, pushCU,
			r.pushBytes/float64(max(r.pushed, 1)), pollCU, float64(r.pushCPU.Microseconds())/float64(blocks), ms(r.cpu)/float64(blocks/5))
	}
	verdict := "met"
	if worst < 100 {
		verdict = "NOT met"
	}
	fmt.Printf("\ngoal: at least 100x fewer requests than BEpusdt: %s in push mode (worst %.1fx); the polling fallback is at most one\n"+
		"request a run (20,000 per 100,000 blocks at a run a minute). Latency: a pushed deposit is seen within a block of its\n"+
		"log (polling: up to a minute); between invocations (3 blocks) it waits for the next catch-up. In compute units a push\n"+
		"of every token transfer costs more than polling where blocks carry tens of transfers: the requests fall, the bytes\n"+
		"delivered do not (ms and µs are the watcher's own time, under the machine's current load).\n", verdict, worst)
	return nil
}
