package ethereum_test

import (
	"context"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
	"github.com/stablegate/stablegate/shared/chain/ethfee"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// These tests drive the sweeper's run loop on a chain that models what the
// factory's sweep does (each item moves a forwarder's amount to the hot
// wallet, a deploy gives the forwarder code, a blacklisted forwarder
// reverts the whole call), with the in-memory store and a KMS that signs as
// KMS does. No emulator: they run under -short.

// sweepKMS answers as KMS does for an ECC_SECG_P256K1 key.
type sweepKMS struct{ key *secp256k1.PrivateKey }

func (f sweepKMS) Sign(_ context.Context, in *kms.SignInput, _ ...func(*kms.Options)) (*kms.SignOutput, error) {
	sig := secpecdsa.Sign(f.key, in.Message)
	r, s := sig.R(), sig.S()
	rb, sb := r.Bytes(), s.Bytes()
	der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(rb[:]), new(big.Int).SetBytes(sb[:])})
	return &kms.SignOutput{Signature: der}, err
}

func (f sweepKMS) GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	var k struct {
		Algorithm struct{ Algorithm, Parameters asn1.ObjectIdentifier }
		PublicKey asn1.BitString
	}
	k.Algorithm.Algorithm, k.Algorithm.Parameters = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}, asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	pub := f.key.PubKey().SerializeUncompressed()
	k.PublicKey = asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}
	der, err := asn1.Marshal(k)
	return &kms.GetPublicKeyOutput{PublicKey: der, KeySpec: kmstypes.KeySpecEccSecgP256k1}, err
}

// sweepChain is the modelled chain: token balances, forwarders with code,
// a blacklist, a pool of sent transactions mined by mine().
type sweepChain struct {
	mu        sync.Mutex
	fw        address.Forwarders
	hot       common.Address
	token     common.Address
	balances  map[common.Address]uint64
	code      map[common.Address]bool
	black     map[common.Address]bool
	pool      map[common.Hash]*types.Transaction
	receipts  map[common.Hash]*types.Receipt
	nonce     uint64 // the hot key's next nonce on chain
	head      uint64
	estimates int                    // EstimateGas calls
	requests  int                    // HTTP requests a node would see (a batch is one)
	calls     int                    // JSON-RPC calls (each call of a batch counts)
	moved     map[common.Address]int // moves out of each forwarder, over all sweeps
	// ---- bigrun: a heavy token ----
	itemGas uint64 // gas per moved forwarder (0: 14,000)
	maxGas  uint64 // the highest gas limit sent
}

func (c *sweepChain) count(n int) { c.requests++; c.calls += n }

func (c *sweepChain) PendingNonceAt(context.Context, common.Address) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	return c.nonce + uint64(len(c.pool)), nil
}
func (c *sweepChain) SuggestGasTipCap(context.Context) (*big.Int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	return big.NewInt(1e9), nil
}
func (c *sweepChain) HeaderByNumber(context.Context, *big.Int) (*types.Header, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	return &types.Header{Number: new(big.Int).SetUint64(c.head), BaseFee: big.NewInt(1e9)}, nil
}
func (c *sweepChain) BlockNumber(context.Context) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	return c.head, nil
}
func (c *sweepChain) BalanceAt(context.Context, common.Address, *big.Int) (*big.Int, error) {
	return big.NewInt(1e18), nil
}

// decode reads a factory.sweep call: its deploys and moves.
func decodeSweep(data []byte) (deploy []uint32, items []chaineth.SweepItem, err error) {
	abi, err := forwarder.ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return nil, nil, err
	}
	args, err := abi.Methods["sweep"].Inputs.Unpack(data[4:])
	if err != nil {
		return nil, nil, err
	}
	for _, salt := range args[1].([][32]byte) {
		deploy = append(deploy, binary.BigEndian.Uint32(salt[28:]))
	}
	packed := args[2].([]byte)
	for i := 0; i+12 <= len(packed); i += 12 {
		items = append(items, chaineth.SweepItem{Index: binary.BigEndian.Uint32(packed[i:]), Amount: binary.BigEndian.Uint64(packed[i+4:])})
	}
	return deploy, items, nil
}

// runs says whether the sweep would run on the chain as it is.
func (c *sweepChain) runs(data []byte) bool {
	deploy, items, err := decodeSweep(data)
	if err != nil {
		return false
	}
	deploying := map[uint32]bool{}
	for _, ix := range deploy {
		deploying[ix] = true
	}
	for _, it := range items {
		a := common.Address(c.fw.Address(it.Index))
		if c.black[a] || c.balances[a] < it.Amount || (!c.code[a] && !deploying[it.Index]) {
			return false
		}
	}
	return true
}

func (c *sweepChain) EstimateGas(_ context.Context, m ethereum.CallMsg) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	c.estimates++
	if !c.runs(m.Data) {
		return 0, errors.New("execution reverted")
	}
	deploy, items, _ := decodeSweep(m.Data)
	per := c.itemGas
	if per == 0 {
		per = 14_000
	}
	gas := 21_000 + 75_000*uint64(len(deploy)) + per*uint64(len(items))
	if gas > ethfee.MaxTxGas {
		return 0, errors.New("gas required exceeds allowance (16777216)")
	}
	if len(m.AccessList) > 0 {
		gas -= 300 * uint64(len(items))
	}
	return gas, nil
}

func (c *sweepChain) SendTransaction(_ context.Context, tx *types.Transaction) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	if tx.Nonce() < c.nonce {
		return errors.New("nonce too low")
	}
	if _, ok := c.pool[tx.Hash()]; ok {
		return errors.New("already known")
	}
	if tx.Gas() > ethfee.MaxTxGas {
		return fmt.Errorf("transaction gas limit too high (cap: %d, tx: %d)", uint64(ethfee.MaxTxGas), tx.Gas())
	}
	c.maxGas = max(c.maxGas, tx.Gas())
	c.pool[tx.Hash()] = tx
	return nil
}

func (c *sweepChain) TransactionReceipt(_ context.Context, h common.Hash) (*types.Receipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	if r, ok := c.receipts[h]; ok {
		return r, nil
	}
	return nil, ethereum.NotFound
}

func (c *sweepChain) CodeAt(_ context.Context, a common.Address, _ *big.Int) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	if c.code[a] {
		return []byte{0x60}, nil
	}
	return nil, nil
}

func (c *sweepChain) balanceCall(data []byte) []byte {
	return common.LeftPadBytes(new(big.Int).SetUint64(c.balances[common.BytesToAddress(data[16:36])]).Bytes(), 32)
}

func (c *sweepChain) CallContract(_ context.Context, m ethereum.CallMsg, _ *big.Int) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(1)
	return c.balanceCall(m.Data), nil
}

// BatchCallContext answers eth_getCode and eth_call balanceOf in one request.
func (c *sweepChain) BatchCallContext(_ context.Context, b []rpc.BatchElem) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.count(len(b))
	for i := range b {
		out := b[i].Result.(*hexutil.Bytes)
		switch b[i].Method {
		case "eth_getCode":
			if c.code[b[i].Args[0].(common.Address)] {
				*out = []byte{0x60}
			} else {
				*out = []byte{}
			}
		case "eth_call":
			call := b[i].Args[0].(map[string]any)
			*out = c.balanceCall(call["data"].(hexutil.Bytes))
		default:
			b[i].Error = fmt.Errorf("unexpected %s", b[i].Method)
		}
	}
	return nil
}

// mine puts the pool's transaction of the next nonce (the one the node
// would take) into a new block, and adds a block.
func (c *sweepChain) mine() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.head++
	for h, tx := range c.pool {
		if tx.Nonce() != c.nonce {
			continue
		}
		r := &types.Receipt{Status: types.ReceiptStatusSuccessful, BlockNumber: new(big.Int).SetUint64(c.head), GasUsed: 100_000, EffectiveGasPrice: big.NewInt(1e9)}
		if !c.runs(tx.Data()) {
			r.Status = types.ReceiptStatusFailed
		} else {
			deploy, items, _ := decodeSweep(tx.Data())
			for _, ix := range deploy {
				c.code[common.Address(c.fw.Address(ix))] = true
			}
			for _, it := range items {
				a := common.Address(c.fw.Address(it.Index))
				c.balances[a] -= it.Amount
				c.balances[c.hot] += it.Amount
				c.moved[a]++
			}
		}
		c.receipts[h] = r
		c.nonce++
		for other, o := range c.pool {
			if o.Nonce() == tx.Nonce() {
				delete(c.pool, other)
			}
		}
		break
	}
}

// sweepRig is a sweeper on the modelled chain with a fake clock: each
// wait of the run loop mines a block and moves the clock on.
type sweepRig struct {
	chain *sweepChain
	st    *memstore.Store
	s     *chaineth.Sweeper
	now   time.Time
	scope string
}

func newSweepRig(t *testing.T) *sweepRig {
	key, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer := &kmssign.Signer{KMS: sweepKMS{key}, KeyID: "alias/hot"}
	hot, err := chaineth.From(context.Background(), signer)
	if err != nil {
		t.Fatal(err)
	}
	factory := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	impl := common.HexToAddress("0xa16E02E87b7454126E5E10d957A927A7F5B5d2be")
	c := &sweepChain{fw: address.Forwarders{Factory: address.Account(factory), Implementation: address.Account(impl)}, hot: hot,
		token:    common.HexToAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7"),
		balances: map[common.Address]uint64{}, code: map[common.Address]bool{}, black: map[common.Address]bool{},
		pool: map[common.Hash]*types.Transaction{}, receipts: map[common.Hash]*types.Receipt{}, moved: map[common.Address]int{}}
	st := memstore.New()
	r := &sweepRig{chain: c, st: st, now: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), scope: chaineth.SweepScope(factory)}
	clock := func() time.Time { return r.now }
	r.s = &chaineth.Sweeper{Hot: &chaineth.HotWallet{Node: c, Signer: signer, ChainID: big.NewInt(1), Store: st, Confirmations: 2, Now: clock},
		Chain: c, Reads: c, Store: st, Factory: factory, Implementation: impl, Token: c.token, Batch: 10, MaxDeploys: 10,
		Now: clock, Poll: 12 * time.Second,
		Sleep: func(context.Context, time.Duration) { c.mine(); r.now = r.now.Add(12 * time.Second) }}
	return r
}

// deposit pays amount into wallet index's forwarder and marks it, as the
// deposit watcher does on confirmation.
func (r *sweepRig) deposit(t *testing.T, index uint32, amount uint64, ref string) common.Address {
	t.Helper()
	a := common.Address(r.chain.fw.Address(index))
	r.chain.mu.Lock()
	r.chain.balances[a] += amount
	r.chain.mu.Unlock()
	if err := r.st.MarkForSweep(context.Background(), r.scope, strings.ToLower(a.Hex()), index, ref); err != nil {
		t.Fatal(err)
	}
	return a
}

func (r *sweepRig) run(t *testing.T) chaineth.SweepResult {
	t.Helper()
	res, err := r.s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (r *sweepRig) marks(t *testing.T) []sg.SweepMark {
	t.Helper()
	m, err := r.st.SweepMarks(context.Background(), r.scope, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (r *sweepRig) aside(t *testing.T) []sg.AsideMark {
	t.Helper()
	m, err := r.st.AsideMarks(context.Background(), r.scope, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// One run with time for it sweeps batch after batch: each sweep is
// followed to its confirmations and the next starts in the same run, until
// nothing is marked. Every forwarder is swept exactly once and the hot
// wallet holds all of it; the reads of a batch go as one request.
func TestSweepRunChainsBatches(t *testing.T) {
	r := newSweepRig(t)
	r.s.Budget = time.Hour
	var total uint64
	for i := uint32(0); i < 35; i++ {
		r.deposit(t, 100+i, 1_000_000+uint64(i), "d1")
		total += 1_000_000 + uint64(i)
	}
	res := r.run(t)
	if res.Batches != 4 || res.Sent != 4 {
		t.Fatalf("one run: %+v; want 4 batches of at most 10 sent and ended", res)
	}
	if left := r.marks(t); len(left) != 0 {
		t.Fatalf("%d marks left after the run", len(left))
	}
	if got := r.chain.balances[r.chain.hot]; got != total {
		t.Fatalf("hot wallet holds %d; want %d", got, total)
	}
	for a, n := range r.chain.moved {
		if n != 1 {
			t.Fatalf("forwarder %s moved %d times", a.Hex(), n)
		}
	}
	// Reads in batches: 2 calls per forwarder, one request per batch of 10.
	before := r.chain.requests
	r.deposit(t, 500, 1, "x")
	r.s.Budget = 0
	r.run(t)
	if r.chain.requests-before > 12 {
		t.Fatalf("starting a one-forwarder sweep took %d requests", r.chain.requests-before)
	}
}

// Without time to wait (no budget, no deadline), a run takes one step; a
// run that ends a sweep starts the next at once instead of leaving it for
// the run after.
func TestSweepRunEndsOneBatchAndStartsTheNext(t *testing.T) {
	r := newSweepRig(t)
	for i := uint32(0); i < 15; i++ {
		r.deposit(t, 200+i, 5, "d1")
	}
	first := r.run(t)
	if first.Started == "" || first.Addresses != 10 {
		t.Fatalf("first run: %+v; want a sweep of 10 started", first)
	}
	if again := r.run(t); again.Started != "" || again.Ended != "" {
		t.Fatalf("a second sweep began while one was in flight: %+v", again)
	}
	r.chain.mine()
	r.chain.mine()
	second := r.run(t)
	if second.Ended != first.Started || !second.Swept || second.Started == "" || second.Addresses != 5 {
		t.Fatalf("second run: %+v; want %s ended and the last 5 started in the same run", second, first.Started)
	}
}

// A forwarder the token refuses (blacklisted) is found by halving the
// batch, in far fewer estimates than one per forwarder, and set aside: the
// others are swept, and the runs after do not try it first. When its time
// comes it is tried alone, after the batches; once the token moves it
// again it returns to the marks and is swept.
func TestSweepSetsRefusedMarksAside(t *testing.T) {
	r := newSweepRig(t)
	r.s.Budget = time.Hour
	r.s.Batch, r.s.MaxDeploys = 64, 64
	var bad common.Address
	for i := uint32(0); i < 64; i++ {
		a := r.deposit(t, 300+i, 7, "d1")
		if i == 41 {
			bad = a
		}
	}
	r.chain.black[bad] = true
	res := r.run(t)
	if res.Refused != 1 || res.Batches != 1 {
		t.Fatalf("run: %+v; want one refused and one batch swept", res)
	}
	if r.chain.estimates > 20 {
		t.Fatalf("%d estimates to find one refused forwarder among 64", r.chain.estimates)
	}
	if r.chain.balances[r.chain.hot] != 63*7 || r.chain.balances[bad] != 7 {
		t.Fatalf("hot %d, refused %d; want 441 and 7", r.chain.balances[r.chain.hot], r.chain.balances[bad])
	}
	aside := r.aside(t)
	if len(aside) != 1 || aside[0].Address != strings.ToLower(bad.Hex()) || aside[0].Tries != 1 {
		t.Fatalf("aside: %+v; want the refused forwarder, once", aside)
	}
	// New deposits arrive, one of them to the refused forwarder: before
	// its time it goes aside again with no estimate.
	for i := uint32(0); i < 5; i++ {
		r.deposit(t, 400+i, 3, "d2")
	}
	r.deposit(t, 341, 2, "d2")
	r.chain.estimates = 0
	res = r.run(t)
	if res.Refused != 0 || res.Batches != 1 || res.Retried != 0 {
		t.Fatalf("second run: %+v; want the new deposits swept and the refused one left aside untried", res)
	}
	if r.chain.estimates > 3 {
		t.Fatalf("the second run asked %d estimates; the forwarder aside was tried again", r.chain.estimates)
	}
	// Its time comes while it is still refused: one estimate, a longer wait.
	r.now = r.now.Add(chaineth.Backoff(1))
	res = r.run(t)
	if res.Retried != 1 || res.Restored != 0 {
		t.Fatalf("retry run: %+v; want one retry, still refused", res)
	}
	if a := r.aside(t); len(a) != 1 || a[0].Tries != 2 || !a[0].RetryAt.Equal(r.now.Add(chaineth.Backoff(2))) {
		t.Fatalf("aside after a second refusal: %+v; want tries 2, retry after %v", a, chaineth.Backoff(2))
	}
	// Cleared by the token's owner: the retry brings it back, the next run sweeps it.
	r.chain.black[bad] = false
	r.now = r.now.Add(chaineth.Backoff(2))
	if res = r.run(t); res.Restored != 1 {
		t.Fatalf("retry run: %+v; want it restored", res)
	}
	r.run(t)
	if r.chain.balances[bad] != 0 || len(r.aside(t)) != 0 || len(r.marks(t)) != 0 {
		t.Fatalf("after restoring: refused forwarder holds %d, aside %v, marks %v", r.chain.balances[bad], r.aside(t), r.marks(t))
	}
}

// A run that stops at any point (after opening a sweep, after signing it,
// after it is mined) and is run again never moves a forwarder twice and
// never leaves a mark behind: the signed transaction is kept under the
// sweep's id and the open sweep is followed to its end.
func TestSweepRunSurvivesStops(t *testing.T) {
	ctx := context.Background()
	r := newSweepRig(t)
	for i := uint32(0); i < 8; i++ {
		r.deposit(t, 600+i, 9, "d1")
	}
	// Stopped after opening, before signing.
	marks := r.marks(t)
	if err := r.st.StartSweep(ctx, r.scope, sg.Sweep{ID: "swp_stopped", Marks: marks}); err != nil {
		t.Fatal(err)
	}
	if res := r.run(t); res.Started != "swp_stopped" || res.Sent != 1 {
		t.Fatalf("after a stop before signing: %+v; want the open sweep signed and sent", res)
	}
	// The node lost it: the next runs send the same transaction again.
	r.chain.mu.Lock()
	r.chain.pool = map[common.Hash]*types.Transaction{}
	r.chain.mu.Unlock()
	r.run(t)
	r.run(t)
	if len(r.chain.pool) != 1 {
		t.Fatalf("pool holds %d transactions; want the one sweep sent again", len(r.chain.pool))
	}
	// Mined, then the run stops before ending it; runs again, twice.
	r.chain.mine()
	r.chain.mine()
	r.run(t)
	r.run(t)
	for a, n := range r.chain.moved {
		if n != 1 {
			t.Fatalf("forwarder %s moved %d times", a.Hex(), n)
		}
	}
	if r.chain.balances[r.chain.hot] != 72 || len(r.marks(t)) != 0 {
		t.Fatalf("hot %d, marks %d; want 72 and none", r.chain.balances[r.chain.hot], len(r.marks(t)))
	}
	if _, open, _ := r.st.OpenSweep(ctx, r.scope); open {
		t.Fatal("a sweep is still open")
	}
	// A deposit while its sweep is in flight keeps the address marked.
	a := r.deposit(t, 700, 4, "e1")
	r.run(t)
	r.deposit(t, 700, 6, "e2")
	r.chain.mine()
	r.chain.mine()
	r.run(t)
	if left := r.marks(t); len(left) != 1 || left[0].Address != strings.ToLower(a.Hex()) || left[0].Version != "e2" {
		t.Fatalf("marks: %+v; want %s at e2 (deposited while its sweep flew)", left, a.Hex())
	}
}

// ---- bigrun: a sweep's limit stays under the transaction gas cap ----

// A batch whose estimate fits what one transaction may use but whose
// limit (the estimate plus 20%) would not is halved before it is sent:
// the node would refuse it (the 10,000-forwarder bench's first sweeps on
// Tether's token did), and every forwarder is still swept once.
func TestSweepLimitStaysUnderTheTransactionCap(t *testing.T) {
	r := newSweepRig(t)
	r.s.Budget = time.Hour
	// 10 moves of 1.5M gas: 15M estimated (under 2^24), 18M with the
	// limit's 20%.
	r.chain.itemGas = 1_500_000
	for i := uint32(0); i < 25; i++ {
		r.deposit(t, 300+i, 7, "d1")
	}
	res := r.run(t)
	if left := r.marks(t); len(left) != 0 {
		t.Fatalf("%d marks left after the run (%+v)", len(left), res)
	}
	if r.chain.maxGas == 0 || r.chain.maxGas > ethfee.MaxTxGas {
		t.Fatalf("highest gas limit sent %d; want at most %d", r.chain.maxGas, ethfee.MaxTxGas)
	}
	for a, n := range r.chain.moved {
		if n != 1 {
			t.Fatalf("forwarder %s moved %d times", a.Hex(), n)
		}
	}
	if len(r.chain.moved) != 25 {
		t.Fatalf("%d forwarders moved; want 25", len(r.chain.moved))
	}
}
