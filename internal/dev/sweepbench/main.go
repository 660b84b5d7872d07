// Command sweepbench sweeps many deposit forwarders on the local stack's
// chain (geth --dev, the Tether-faithful token) with the real sweeps job,
// built as the Lambda builds it and run back to back as its schedule runs
// it, each run with the function's timeout as its deadline; and prints the
// wall time, runs, sweeps, node requests and JSON-RPC calls (counted by a
// proxy in front of the node) and the gas per swept deposit (make
// bench-sweep). Two rounds: first deposits (each forwarder deployed by its
// sweep), then second deposits (deployed forwarders: the steady state).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/internal/dev/gasbench"
	"github.com/stablegate/stablegate/internal/dev/testusdt"
	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/chainfn"
)

func main() {
	n := flag.Int("forwarders", 10_000, "forwarders holding a deposit")
	timeout := flag.Duration("timeout", 290*time.Second, "a run's deadline: the sweeps function's Timeout in template.yaml")
	proxy := flag.String("proxy", "127.0.0.1:0", "address of the counting proxy in front of the node")
	flag.Parse()
	if err := run(*n, *timeout, *proxy); err != nil {
		fmt.Fprintln(os.Stderr, "sweepbench:", err)
		os.Exit(1)
	}
}

// counter is a proxy in front of the node that counts HTTP requests and
// the JSON-RPC calls in them (a batch's calls each).
type counter struct {
	requests, calls atomic.Int64
	next            http.Handler
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.requests.Add(1)
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '[' {
		var batch []json.RawMessage
		_ = json.Unmarshal(t, &batch)
		c.calls.Add(int64(len(batch)))
	} else {
		c.calls.Add(1)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	c.next.ServeHTTP(w, r)
}

func run(n int, timeout time.Duration, proxyAddr string) error {
	ctx := context.Background()
	state := os.Getenv("STABLEGATE_STATE")
	if state == "" {
		return errors.New("STABLEGATE_STATE is not set (run it in the local stack: make bench-sweep)")
	}
	var info devstack.ChainInfo
	var fns map[string]map[string]string
	for path, into := range map[string]any{"chain.json": &info, "functions.json": &fns} {
		raw, err := os.ReadFile(filepath.Join(state, path))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, into); err != nil {
			return err
		}
	}
	fenv := fns["sweeps"]
	if fenv == nil {
		return errors.New("the stack has no sweeps function")
	}
	node, err := url.Parse(info.RPC)
	if err != nil {
		return err
	}
	cnt := &counter{next: httputil.NewSingleHostReverseProxy(node)}
	ln, err := net.Listen("tcp", proxyAddr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: cnt, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	env := func(k string) string {
		if k == "ETH_RPC_URL" {
			return "http://" + ln.Addr().String() // the node, through the counter
		}
		if v, ok := fenv[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	st, err := fn.Store(env)
	if err != nil {
		return err
	}
	job, err := chainfn.Sweeps(ctx, env)
	if err != nil {
		return err
	}
	rc, err := rpc.DialContext(ctx, info.RPC)
	if err != nil {
		return err
	}
	ec := ethclient.NewClient(rc)
	dep, err := newDepositor(ctx, ec, rc, info)
	if err != nil {
		return err
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	base := 1_000_000 + uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]) // fresh wallet indexes
	fmt.Printf("\nSweeping %d forwarders on the local chain (geth --dev, 1 s blocks, %s confirmations), the sweeps job run back to back with a %s deadline each\n", n, fenv["CONFIRMATIONS_ETHEREUM"], timeout)
	fmt.Printf("(measured while other work loads this machine; wall times vary with load, the counts do not)\n\n")
	fmt.Printf("| %-35s | %9s | %4s | %6s | %13s | %14s | %21s |\n", "round", "wall time", "runs", "sweeps", "node requests", "JSON-RPC calls", "gas per swept deposit")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|\n", dash(37), dash(11), dash(6), dash(8), dash(15), dash(16), dash(23))
	var steadyBatch int
	for round, name := range []string{"first deposits (deploys forwarders)", "second deposits (steady state)"} {
		if err := dep.pay(ctx, st, base, n, round); err != nil {
			return err
		}
		r, err := sweepAll(ctx, job, st, cnt, ec, info, timeout)
		if err != nil {
			return err
		}
		if left, err := dep.left(ctx, base, n); err != nil || left != 0 {
			return fmt.Errorf("%d forwarders still hold tokens after the sweep (%v)", left, err)
		}
		fmt.Printf("| %-35s | %8.1fs | %4d | %6d | %13d | %14d | %21d |\n", name, r.wall.Seconds(), r.runs, r.sweeps, r.requests, r.calls, r.gas/uint64(n))
		steadyBatch = r.maxBatch
	}
	// The local chain runs forks newer than mainnet's; the same batch on
	// mainnet's rules (Prague/Osaka), measured on the simulated chain.
	w, err := gasbench.NewWorld()
	if err != nil {
		return err
	}
	defer w.Close()
	layout := chaineth.TokenLayouts["tether"]
	m, err := w.MeasureSweep(steadyBatch, &layout)
	if err != nil {
		return err
	}
	fmt.Printf("\nThe same steady-state batch (%d forwarders, with its access list) on mainnet's rules (Prague/Osaka): %d gas per swept deposit; first sweep %d\n", steadyBatch, m.Steady, m.First)
	fmt.Printf("Goals (issue 18): %d forwarders swept in under 30 minutes; at most 11,000 gas per swept deposit on mainnet's rules\n", n)
	return nil
}

func dash(n int) string { return strings.Repeat("-", n) }

type roundResult struct {
	wall            time.Duration
	runs, sweeps    int
	requests, calls int64
	gas             uint64
	maxBatch        int
}

// sweepAll runs the job back to back until nothing is marked and no sweep
// is open, then sums the gas of the sweeps it mined.
func sweepAll(ctx context.Context, job fn.Job, st *dynamo.Store, cnt *counter, ec *ethclient.Client, info devstack.ChainInfo, timeout time.Duration) (roundResult, error) {
	var r roundResult
	factory := common.HexToAddress(info.Factory)
	scope := chaineth.SweepScope(factory)
	from, err := ec.BlockNumber(ctx)
	if err != nil {
		return r, err
	}
	req0, calls0 := cnt.requests.Load(), cnt.calls.Load()
	start := time.Now()
	for {
		rctx, cancel := context.WithTimeout(ctx, timeout)
		out, err := job(rctx)
		cancel()
		r.runs++
		if err != nil {
			return r, fmt.Errorf("run %d: %w", r.runs, err)
		}
		res, _ := out.(chaineth.SweepResult)
		r.sweeps += res.Batches
		marks, err := st.Sweeps.SweepMarks(ctx, scope, 1)
		if err != nil {
			return r, err
		}
		_, open, err := st.Sweeps.OpenSweep(ctx, scope)
		if err != nil {
			return r, err
		}
		if len(marks) == 0 && !open {
			break
		}
		if r.runs > 500 {
			return r, errors.New("500 runs and marks are left")
		}
	}
	r.wall = time.Since(start)
	r.requests, r.calls = cnt.requests.Load()-req0, cnt.calls.Load()-calls0
	to, err := ec.BlockNumber(ctx)
	if err != nil {
		return r, err
	}
	hot := common.HexToAddress(info.Hot)
	for b := from; b <= to; b++ {
		blk, err := ec.BlockByNumber(ctx, new(big.Int).SetUint64(b))
		if err != nil {
			return r, err
		}
		for _, tx := range blk.Transactions() {
			if tx.To() == nil || *tx.To() != factory {
				continue
			}
			if s, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx); err != nil || s != hot {
				continue
			}
			rcpt, err := ec.TransactionReceipt(ctx, tx.Hash())
			if err != nil {
				return r, err
			}
			if rcpt.Status == types.ReceiptStatusSuccessful {
				r.gas += rcpt.GasUsed
				r.maxBatch = max(r.maxBatch, (len(tx.Data())-4-32*5)/12) // rough: the items' bytes
			}
		}
	}
	return r, nil
}

// depositor pays deposits from the faucet (the token's owner mints).
type depositor struct {
	ec      *ethclient.Client
	rc      *rpc.Client
	token   *testusdt.TestUSDT
	auth    *bind.TransactOpts
	faucet  common.Address
	fw      address.Forwarders
	scope   string
	tokenAt common.Address
}

func newDepositor(ctx context.Context, ec *ethclient.Client, rc *rpc.Client, info devstack.ChainInfo) (*depositor, error) {
	key, err := crypto.HexToECDSA(strings.TrimPrefix(info.FaucetKey, "0x"))
	if err != nil {
		return nil, err
	}
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	auth, err := bind.NewKeyedTransactorWithChainID(key, chainID)
	if err != nil {
		return nil, err
	}
	tokenAt := common.HexToAddress(info.Token)
	t, err := testusdt.NewTestUSDT(tokenAt, ec)
	if err != nil {
		return nil, err
	}
	return &depositor{ec: ec, rc: rc, token: t, auth: auth, faucet: crypto.PubkeyToAddress(key.PublicKey), tokenAt: tokenAt,
		fw:    address.Forwarders{Factory: address.Account(common.HexToAddress(info.Factory)), Implementation: address.Account(common.HexToAddress(info.Implementation))},
		scope: chaineth.SweepScope(common.HexToAddress(info.Factory))}, nil
}

func (d *depositor) addr(ix uint32) common.Address { return common.Address(d.fw.Address(ix)) }

// pay mints a deposit into each of n forwarders from base (waves of signed
// transactions sent in JSON-RPC batches, each wave waited for) and marks
// each as the deposit watcher does when it confirms.
func (d *depositor) pay(ctx context.Context, st *dynamo.Store, base uint32, n, round int) error {
	nonce, err := d.ec.PendingNonceAt(ctx, d.faucet)
	if err != nil {
		return err
	}
	tip, fee := big.NewInt(1_000_000_000), big.NewInt(50_000_000_000)
	const wave = 500
	for lo := 0; lo < n; lo += wave {
		hi := min(lo+wave, n)
		elems := make([]rpc.BatchElem, 0, hi-lo)
		var last common.Hash
		for i := lo; i < hi; i++ {
			o := *d.auth
			o.NoSend, o.Nonce, o.GasLimit, o.GasTipCap, o.GasFeeCap = true, new(big.Int).SetUint64(nonce), 300_000, tip, fee
			nonce++
			tx, err := d.token.Mint(&o, d.addr(base+uint32(i)), big.NewInt(int64(1_000_000*(round+1)+i)))
			if err != nil {
				return err
			}
			raw, err := tx.MarshalBinary()
			if err != nil {
				return err
			}
			last = tx.Hash()
			elems = append(elems, rpc.BatchElem{Method: "eth_sendRawTransaction", Args: []any{hexutil.Encode(raw)}, Result: new(common.Hash)})
		}
		if err := d.rc.BatchCallContext(ctx, elems); err != nil {
			return err
		}
		for _, e := range elems {
			if e.Error != nil {
				return fmt.Errorf("mint: %w", e.Error)
			}
		}
		if err := d.wait(ctx, last); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		a := strings.ToLower(d.addr(base + uint32(i)).Hex())
		if err := st.Sweeps.MarkForSweep(ctx, d.scope, a, base+uint32(i), fmt.Sprintf("bench-%d", round)); err != nil {
			return err
		}
	}
	return nil
}

func (d *depositor) wait(ctx context.Context, h common.Hash) error {
	for i := 0; i < 600; i++ {
		r, err := d.ec.TransactionReceipt(ctx, h)
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				return fmt.Errorf("mint %s reverted", h.Hex())
			}
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("mint %s not mined in 5 minutes", h.Hex())
}

// left counts the forwarders that still hold tokens.
func (d *depositor) left(ctx context.Context, base uint32, n int) (int, error) {
	left := 0
	for lo := 0; lo < n; lo += 200 {
		hi := min(lo+200, n)
		outs := make([]hexutil.Bytes, hi-lo)
		elems := make([]rpc.BatchElem, hi-lo)
		for i := lo; i < hi; i++ {
			data := append(common.FromHex("0x70a08231"), common.LeftPadBytes(d.addr(base+uint32(i)).Bytes(), 32)...)
			elems[i-lo] = rpc.BatchElem{Method: "eth_call", Args: []any{map[string]any{"to": d.tokenAt, "data": hexutil.Bytes(data)}, "latest"}, Result: &outs[i-lo]}
		}
		if err := d.rc.BatchCallContext(ctx, elems); err != nil {
			return 0, err
		}
		for i, e := range elems {
			if e.Error != nil {
				return 0, e.Error
			}
			if new(big.Int).SetBytes(outs[i]).Sign() != 0 {
				left++
			}
		}
	}
	return left, nil
}
