package gasbench

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/internal/dev/gasbench/benchtoken"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisend"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Token names the two tokens batch payouts are measured on.
type Token string

const (
	// Tether is TetherUSDT: the storage reads and checks of Tether's token.
	Tether Token = "tether-faithful"
	// Plain is PlainUSDT: balances and the Transfer event only.
	Plain Token = "plain"
	// TetherCode is Tether's own runtime code (TETHER_RUNTIME) installed
	// with TetherState: measured beside TetherUSDT when it is given.
	TetherCode Token = "tether's code"
)

// TetherAt is where a world installs Tether's own code (mainnet's address).
var TetherAt = common.HexToAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")

// Budgets are issue 16's goals for gas per extra recipient of a batch,
// printed as they are named. Issue 16 set Tether's (27,100 / 9,900) on a
// TetherUSDT that did Tether's storage reads but not its computation;
// since issue 18 the token costs exactly what Tether's code costs, in a
// single transfer and inside a batch (TestTetherFaithful,
// TestTetherFaithfulInBatch), and no payer can meet those goals on it:
// PrintRowAccounting prints why, line by line. Guard is the bound a test
// holds Multisend to.
var Budgets = map[Token]struct{ Fresh, Existing uint64 }{
	Tether:     {Fresh: 27_100, Existing: 9_900},
	TetherCode: {Fresh: 27_100, Existing: 9_900},
	Plain:      {Fresh: 25_800, Existing: 8_600},
}

// tetherCompute is the gas Tether's transfer spends on computation beyond
// the TetherUSDT issue 16's goals were set on (62,993 against 62,351): the
// margin Guard allows the Tether rows over the goal.
const tetherCompute = 642

// BatchWorld is a mainnet-like simulated chain with both tokens and a
// Multisend owned by the hot key, which holds tokens and has approved the
// Multisend for both.
type BatchWorld struct {
	Sim       *simulated.Backend
	Hot       common.Address
	Multisend common.Address
	Tokens    map[Token]common.Address
	Tether    *benchtoken.TetherUSDT
	Plain     *benchtoken.PlainUSDT
	// TetherCode is Tether's own code at TetherAt (nil unless the world was
	// made with it); TetherUSDT's binding calls it (same ABI).
	TetherCode *benchtoken.TetherUSDT
	key        *ecdsa.PrivateKey
	chainID    *big.Int
	nonce      uint64
	fresh      uint64 // counter behind fresh recipient addresses
}

// NewBatchWorld starts the chain and deploys the tokens and the Multisend.
func NewBatchWorld() (*BatchWorld, error) { return NewBatchWorldWith(nil) }

// NewBatchWorldWith is NewBatchWorld with, when tetherCode is not nil,
// Tether's own runtime code installed at TetherAt as a Tether token whose
// owner, the hot wallet, holds the supply (TetherState); the hot wallet
// approves the Multisend for it as for the others.
func NewBatchWorldWith(tetherCode []byte) (*BatchWorld, error) {
	key, _ := crypto.GenerateKey()
	hot := crypto.PubkeyToAddress(key.PublicKey)
	supply := big.NewInt(1_000_000_000_000_000) // a billion USDT
	alloc := types.GenesisAlloc{hot: {Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))}}
	if tetherCode != nil {
		alloc[TetherAt] = types.Account{Code: tetherCode, Storage: TetherState(hot, supply), Balance: new(big.Int)}
	}
	sim := simulated.NewBackend(alloc, MainnetLike)
	ec := sim.Client()
	chainID, err := ec.ChainID(context.Background())
	if err != nil {
		return nil, err
	}
	w := &BatchWorld{Sim: sim, Hot: hot, key: key, chainID: chainID, Tokens: map[Token]common.Address{}}
	var at common.Address
	var deploys [3]*types.Transaction
	if at, deploys[0], w.Tether, err = benchtoken.DeployTetherUSDT(w.Opts(), ec, supply); err != nil {
		return nil, err
	}
	w.Tokens[Tether] = at
	if at, deploys[1], w.Plain, err = benchtoken.DeployPlainUSDT(w.Opts(), ec); err != nil {
		return nil, err
	}
	w.Tokens[Plain] = at
	if w.Multisend, deploys[2], _, err = multisendbind.DeployMultisend(w.Opts(), ec, hot); err != nil {
		return nil, err
	}
	if _, err := mined(sim, deploys[:]...); err != nil {
		return nil, err
	}
	var setup []*types.Transaction
	add := func(tx *types.Transaction, err error) error {
		setup = append(setup, tx)
		return err
	}
	if err := add(w.Plain.Mint(w.Opts(), hot, supply)); err != nil {
		return nil, err
	}
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	if err := add(w.Tether.Approve(w.Opts(), w.Multisend, max)); err != nil {
		return nil, err
	}
	if err := add(w.Plain.Approve(w.Opts(), w.Multisend, max)); err != nil {
		return nil, err
	}
	if tetherCode != nil {
		w.Tokens[TetherCode] = TetherAt
		if w.TetherCode, err = benchtoken.NewTetherUSDT(TetherAt, ec); err != nil {
			return nil, err
		}
		if err := add(w.TetherCode.Approve(w.Opts(), w.Multisend, max)); err != nil {
			return nil, err
		}
	}
	if _, err := mined(sim, setup...); err != nil {
		return nil, err
	}
	return w, nil
}

// Close stops the chain.
func (w *BatchWorld) Close() { _ = w.Sim.Close() }

// Key is the hot wallet's key (tests sign with it).
func (w *BatchWorld) Key() *ecdsa.PrivateKey { return w.key }

// ChainID is the simulated chain's id.
func (w *BatchWorld) ChainID() *big.Int { return w.chainID }

// Opts are the hot key's transaction options with its next nonce.
func (w *BatchWorld) Opts() *bind.TransactOpts {
	o, _ := bind.NewKeyedTransactorWithChainID(w.key, w.chainID)
	o.Nonce = new(big.Int).SetUint64(w.nonce)
	w.nonce++
	return o
}

// SignCall signs a call from the hot key with its next nonce.
func (w *BatchWorld) SignCall(to common.Address, data []byte) (*types.Transaction, error) {
	return w.SignCallWith(to, data, nil)
}

// SignCallWith signs a call with an access list.
func (w *BatchWorld) SignCallWith(to common.Address, data []byte, al types.AccessList) (*types.Transaction, error) {
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: w.chainID, Nonce: w.nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(20 * params.GWei),
		Gas: 16_000_000, To: &to, Data: data, AccessList: al})
	w.nonce++
	return types.SignTx(tx, types.LatestSignerForChainID(w.chainID), w.key)
}

// Mine sends tx, commits a block and returns its receipt (an error if it
// reverted).
func (w *BatchWorld) Mine(tx *types.Transaction) (*types.Receipt, error) {
	ctx := context.Background()
	if err := w.Sim.Client().SendTransaction(ctx, tx); err != nil {
		return nil, err
	}
	rs, err := mined(w.Sim, tx)
	return rs[0], err
}

// FreshAddresses returns n addresses that have never held anything: hashes
// with no zero byte, so that every recipient's calldata costs the same and
// two batches measured on different tokens (or runs) differ only by what
// the code does (a mainnet address averages 0.08 zero bytes: 1 gas).
func (w *BatchWorld) FreshAddresses(n int) []common.Address {
	out := make([]common.Address, n)
	for i := range out {
		for {
			w.fresh++
			var seed [8]byte
			binary.BigEndian.PutUint64(seed[:], w.fresh)
			out[i] = common.BytesToAddress(crypto.Keccak256(seed[:], w.Hot[:]))
			if !bytes.Contains(out[i][:], []byte{0}) {
				break
			}
		}
	}
	return out
}

// BatchOf pays each address 1,000,000 + i base units (a few USDT).
func BatchOf(to []common.Address) []multisend.Payout {
	out := make([]multisend.Payout, len(to))
	for i, a := range to {
		out[i] = multisend.Payout{To: a, Amount: sg.Amount(1_000_000 + i)}
	}
	return out
}

// Pay sends a batch of token through the Multisend: with pull, the contract
// takes the total from the hot wallet in the same transaction; without,
// the hot wallet has funded it beforehand.
func (w *BatchWorld) Pay(tok Token, batch []multisend.Payout, pull bool) (*types.Receipt, error) {
	return w.PayListed(tok, batch, pull, false)
}

// BalancesSlot is where each token keeps its balances mapping (TetherUSDT
// has Tether's layout).
var BalancesSlot = map[Token]uint64{Tether: 2, TetherCode: 2, Plain: 0}

// PayListed is Pay, with listed the recipients' balance slots in the
// transaction's access list (multisend.AccessList).
func (w *BatchWorld) PayListed(tok Token, batch []multisend.Payout, pull, listed bool) (*types.Receipt, error) {
	data, err := multisend.Pack(w.Tokens[tok], pull, batch)
	if err != nil {
		return nil, err
	}
	var al types.AccessList
	if listed {
		al = multisend.AccessList(w.Tokens[tok], BalancesSlot[tok], batch)
	}
	tx, err := w.SignCallWith(w.Multisend, data, al)
	if err != nil {
		return nil, err
	}
	return w.Mine(tx)
}

// Transfer is a plain token transfer from the hot wallet (a single payout,
// or the funding step of the fund-by-transfer model).
func (w *BatchWorld) Transfer(tok Token, to common.Address, amount sg.Amount) (*types.Receipt, error) {
	var tx *types.Transaction
	var err error
	switch tok {
	case Tether:
		tx, err = w.Tether.Transfer(w.Opts(), to, big.NewInt(int64(amount)))
	case TetherCode:
		tx, err = w.TetherCode.Transfer(w.Opts(), to, big.NewInt(int64(amount)))
	default:
		tx, err = w.Plain.Transfer(w.Opts(), to, big.NewInt(int64(amount)))
	}
	if err != nil {
		return nil, err
	}
	rs, err := mined(w.Sim, tx)
	return rs[0], err
}

// BatchRow is the gas of one batch configuration.
type BatchRow struct {
	N       int
	Token   Token
	Holders string // "fresh" or "existing"
	// One is the gas of a batch of 1 and All of the batch of N (approve-once
	// model: the pull is inside the transaction).
	One, All uint64
	// Funding is the gas of the separate funding transfer and Funded the
	// batch of N paid from it (fund-by-transfer model).
	Funding, Funded uint64
	// ListedOne and ListedAll are One and All with the recipients' balance
	// slots in the access list.
	ListedOne, ListedAll uint64
	// Single is one plain token transfer to the same kind of holder.
	Single uint64
}

// ListedMarginal is Marginal with the access list.
func (r BatchRow) ListedMarginal() float64 {
	return float64(r.ListedAll-r.ListedOne) / float64(r.N-1)
}

// Marginal is the gas each extra recipient adds: (All-One)/(N-1).
func (r BatchRow) Marginal() float64 { return float64(r.All-r.One) / float64(r.N-1) }

// Average is the batch's gas per recipient, the pull included.
func (r BatchRow) Average() float64 { return float64(r.All) / float64(r.N) }

// AverageFunded is gas per recipient of the funding transfer and the batch.
func (r BatchRow) AverageFunded() float64 { return float64(r.Funding+r.Funded) / float64(r.N) }

// Budget is the goal for the marginal gas of this row.
func (r BatchRow) Budget() uint64 {
	if r.Holders == "fresh" {
		return Budgets[r.Token].Fresh
	}
	return Budgets[r.Token].Existing
}

// Guard is the bound a regression test holds this row to: the goal, plus,
// on the Tether-faithful token, the computation Tether spends beyond the
// token the goal was set on (what Multisend itself may spend is the same).
func (r BatchRow) Guard() uint64 {
	if r.Token == Tether || r.Token == TetherCode {
		return r.Budget() + tetherCompute
	}
	return r.Budget()
}

// MeasureBatches measures token's batches of n to fresh holders and then
// to the same (now existing) holders.
func (w *BatchWorld) MeasureBatches(tok Token, n int) (fresh, existing BatchRow, err error) {
	gas := func(r *types.Receipt, err error) (uint64, error) {
		if err != nil {
			return 0, err
		}
		return r.GasUsed, nil
	}
	fresh = BatchRow{N: n, Token: tok, Holders: "fresh"}
	existing = BatchRow{N: n, Token: tok, Holders: "existing"}
	a, b, c := w.FreshAddresses(n), w.FreshAddresses(n), w.FreshAddresses(n) // one set per model
	one := w.FreshAddresses(3)
	steps := []struct {
		g    *uint64
		step func() (*types.Receipt, error)
	}{
		{&fresh.One, func() (*types.Receipt, error) { return w.Pay(tok, BatchOf(one[:1]), true) }},
		{&fresh.All, func() (*types.Receipt, error) { return w.Pay(tok, BatchOf(a), true) }},
		{&fresh.Funding, func() (*types.Receipt, error) { return w.fund(tok, BatchOf(b)) }},
		{&fresh.Funded, func() (*types.Receipt, error) { return w.Pay(tok, BatchOf(b), false) }},
		{&fresh.ListedOne, func() (*types.Receipt, error) { return w.PayListed(tok, BatchOf(one[2:]), true, true) }},
		{&fresh.ListedAll, func() (*types.Receipt, error) { return w.PayListed(tok, BatchOf(c), true, true) }},
		{&fresh.Single, func() (*types.Receipt, error) { return w.Transfer(tok, one[1], 1_000_000) }},
		{&existing.One, func() (*types.Receipt, error) { return w.Pay(tok, BatchOf(one[:1]), true) }},
		{&existing.All, func() (*types.Receipt, error) { return w.Pay(tok, BatchOf(a), true) }},
		{&existing.Funding, func() (*types.Receipt, error) { return w.fund(tok, BatchOf(b)) }},
		{&existing.Funded, func() (*types.Receipt, error) { return w.Pay(tok, BatchOf(b), false) }},
		{&existing.ListedOne, func() (*types.Receipt, error) { return w.PayListed(tok, BatchOf(one[2:]), true, true) }},
		{&existing.ListedAll, func() (*types.Receipt, error) { return w.PayListed(tok, BatchOf(c), true, true) }},
		{&existing.Single, func() (*types.Receipt, error) { return w.Transfer(tok, one[1], 1_000_000) }},
	}
	for _, s := range steps {
		if *s.g, err = gas(s.step()); err != nil {
			return fresh, existing, err
		}
	}
	return fresh, existing, nil
}

// fund is the funding transfer of the fund-by-transfer model.
func (w *BatchWorld) fund(tok Token, batch []multisend.Payout) (*types.Receipt, error) {
	total, err := multisend.Total(batch)
	if err != nil {
		return nil, err
	}
	return w.Transfer(tok, w.Multisend, total)
}

// PrintBatches measures batches of 100 and 500 on both tokens, fresh and
// existing holders interleaved in one run, and prints the table.
func PrintBatches(out io.Writer) error {
	code, err := TetherRuntimeFromEnv()
	if err != nil {
		return err
	}
	w, err := NewBatchWorldWith(code)
	if err != nil {
		return err
	}
	defer w.Close()
	tokens := []Token{Tether, Plain}
	if code != nil {
		tokens = []Token{Tether, TetherCode, Plain}
	}
	var rows []BatchRow
	for _, n := range []int{100, 500} {
		for _, tok := range tokens {
			f, e, err := w.MeasureBatches(tok, n)
			if err != nil {
				return err
			}
			rows = append(rows, f, e)
		}
	}
	WriteBatchTable(out, rows)
	// ---- gas: the per-row accounting against the goals ----
	var fresh500, existing500 BatchRow
	for _, r := range rows {
		if r.N == 500 && r.Token == tokens[len(tokens)-2] { // Tether's code when given, else TetherUSDT
			if r.Holders == "fresh" {
				fresh500 = r
			} else {
				existing500 = r
			}
		}
	}
	return PrintRowAccounting(out, code, fresh500, existing500)
}

// PrintRowAccounting traces one extra recipient of a batch of the same N
// as the measured rows on Tether's code (code; TetherUSDT's when nil,
// which TestTetherFaithfulInBatch holds equal) and prints where its gas
// goes: the token's share by kind, the CALL and the calldata (together the
// floor of any payer), then Multisend's own, against the receipts'
// marginal and the goal.
func PrintRowAccounting(out io.Writer, code []byte, fresh, existing BatchRow) error {
	code, source, err := tracedCode(code)
	if err != nil {
		return err
	}
	var tr [2]RowTrace
	for i, ex := range []bool{false, true} {
		var err error
		if tr[i], err = TraceBatchRow(code, fresh.N, ex); err != nil {
			return err
		}
	}
	// the traced row pays recipient 1 of BatchOf; its calldata cut to the
	// recipient's 20 bytes and the amount's non-zero ones
	var amount [8]byte
	binary.BigEndian.PutUint64(amount[:], uint64(BatchOf(make([]common.Address, 2))[1].Amount))
	least := 20 * params.TxDataNonZeroGasEIP2028
	for _, b := range amount {
		if b != 0 {
			least += params.TxDataNonZeroGasEIP2028
		}
	}
	min := func(r RowTrace) uint64 { return r.Token + r.Call + least }
	// the same with each cold slot of the row paid through the access list
	// (1,900 for the key, then a warm read) instead of a cold SLOAD
	listed := func(r RowTrace) uint64 {
		slots := r.ColdSLOAD / params.ColdSloadCostEIP2929
		return min(r) - r.ColdSLOAD + slots*(params.TxAccessListStorageKeyGas+params.WarmStorageReadCostEIP2929)
	}
	_, _ = fmt.Fprintf(out, "\nOne extra recipient of a batch of %d, accounted: traced opcode by opcode on %s, the token's frame and Multisend's\n", fresh.N, source)
	_, _ = fmt.Fprintf(out, "opcodes around it (each as charged); calldata is the row's bytes priced (16 a non-zero byte, 4 a zero one); goals are issue 16's; every other line is measured now.\n\n")
	_, _ = fmt.Fprintf(out, "| %-86s | %7s | %8s |\n", "per extra recipient", "fresh", "existing")
	_, _ = fmt.Fprintf(out, "|%s|%s|%s|\n", dashes(88), dashes(9), dashes(10))
	line := func(what string, f, e int64) {
		_, _ = fmt.Fprintf(out, "| %-86s | %7d | %8d |\n", what, f, e)
	}
	u := func(f func(RowTrace) uint64) (int64, int64) { return int64(f(tr[0])), int64(f(tr[1])) }
	row := func(what string, f func(RowTrace) uint64) { a, b := u(f); line(what, a, b) }
	row("token: the recipient's balance, cold SLOAD", func(r RowTrace) uint64 { return r.ColdSLOAD })
	row("token: the balances written (recipient's, payer's), SSTORE", func(r RowTrace) uint64 { return r.SSTORE })
	row("token: warm SLOADs (paused, blacklist, deprecated, fee, max fee, payer's balance)", func(r RowTrace) uint64 { return r.WarmSLOAD })
	row("token: the Transfer event, LOG3", func(r RowTrace) uint64 { return r.LOG3 })
	row("token: Tether's computation (its checks, SafeMath, ABI decoding, jumps)", func(r RowTrace) uint64 { return r.Compute })
	row("= the token's transfer inside a batch", func(r RowTrace) uint64 { return r.Token })
	row("CALL into the token (warm account, no value)", func(r RowTrace) uint64 { return r.Call })
	row("the row's calldata (recipient and amount in one 32-byte word), priced", func(r RowTrace) uint64 { return r.Calldata })
	row("= floor: any payer that spends nothing of its own, with this row layout", RowTrace.Floor)
	row("  absolute floor: calldata cut to the recipient and the amount's non-zero bytes", min)
	row("  absolute floor with the recipient's balance slot in the access list", listed)
	row("Multisend's loop (item decode, the call's set-up, the result check)", func(r RowTrace) uint64 { return r.Loop })
	row("Multisend's items hash for the Batch event (per row)", func(r RowTrace) uint64 { return r.Tail })
	row("= traced row", RowTrace.Total)
	mf, me := int64(math.Round(fresh.Marginal())), int64(math.Round(existing.Marginal()))
	line(fmt.Sprintf("measured marginal, receipts ((gas(%d)-gas(1))/%d, table above)", fresh.N, fresh.N-1), mf, me)
	tf, te := u(RowTrace.Total)
	line("  measured - traced (the batch of 1's refund capped at a fifth of its gas; rounding)", mf-tf, me-te)
	line("goal (issue 16)", int64(fresh.Budget()), int64(existing.Budget()))
	ff, fe := u(RowTrace.Floor)
	line("goal - floor (below 0: no payer meets the goal on a token costing what Tether's code costs)", int64(fresh.Budget())-ff, int64(existing.Budget())-fe)
	af, ae := u(min)
	line("goal - absolute floor", int64(fresh.Budget())-af, int64(existing.Budget())-ae)
	lf, le := u(listed)
	line("goal - absolute floor with the access list (below 0: out of reach however the batch is sent)", int64(fresh.Budget())-lf, int64(existing.Budget())-le)
	return nil
}

// WriteBatchTable prints rows as a Markdown table.
func WriteBatchTable(out io.Writer, rows []BatchRow) {
	_, _ = fmt.Fprintf(out, "\nGas per recipient of a batch payout through Multisend on mainnet's rules (Prague/Osaka; the dev chain's newer forks switched off)\n")
	_, _ = fmt.Fprintf(out, "marginal = (gas(N) - gas(1)) / (N-1); average = gas(N)/N with the funding pull inside the batch (approve once);\n")
	_, _ = fmt.Fprintf(out, "with funding transfer = (separate funding transfer + batch) / N; listed = marginal with the recipients' balance slots in the access list;\n")
	_, _ = fmt.Fprintf(out, "goal = issue 16's bound on the marginal gas (its floors are per extra recipient); met = marginal <= goal;\n")
	_, _ = fmt.Fprintf(out, "the average carries the transaction's fixed cost (21,000 + the pull), so it is above the goal in small batches\n\n")
	_, _ = fmt.Fprintf(out, "| %4s | %-15s | %-8s | %8s | %6s | %6s | %4s | %8s | %22s | %15s |\n", "N", "token", "holders", "marginal", "listed", "goal", "met", "average", "with funding transfer", "single transfer")
	_, _ = fmt.Fprintf(out, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", dashes(6), dashes(17), dashes(10), dashes(10), dashes(8), dashes(8), dashes(6), dashes(10), dashes(24), dashes(17))
	for _, r := range rows {
		met := "no"
		if r.Marginal() <= float64(r.Budget()) {
			met = "yes"
		}
		_, _ = fmt.Fprintf(out, "| %4d | %-15s | %-8s | %8.0f | %6.0f | %6d | %4s | %8.0f | %22.0f | %15d |\n",
			r.N, r.Token, r.Holders, r.Marginal(), r.ListedMarginal(), r.Budget(), met, r.Average(), r.AverageFunded(), r.Single)
	}
}

func dashes(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '-'
	}
	return string(b)
}

// mined commits blocks until every tx is in one and returns their
// receipts. The simulated chain's block builder can seal a block before the
// pool has handed it every sent transaction (seen about once in a few
// hundred worlds): one left out would then run in a later block, after a
// gas estimate made without it, and fail. A reverted transaction is an
// error; its receipt is returned with it.
func mined(sim *simulated.Backend, txs ...*types.Transaction) ([]*types.Receipt, error) {
	ec := sim.Client()
	out := make([]*types.Receipt, len(txs))
	for range 50 {
		sim.Commit()
		left := 0
		for i, tx := range txs {
			if out[i] != nil {
				continue
			}
			r, err := ec.TransactionReceipt(context.Background(), tx.Hash())
			for try := 0; err != nil && strings.Contains(err.Error(), "indexing is in progress") && try < 500; try++ {
				time.Sleep(10 * time.Millisecond) // the chain's indexer catching up with the block just sealed
				r, err = ec.TransactionReceipt(context.Background(), tx.Hash())
			}
			if errors.Is(err, ethereum.NotFound) {
				left++
				continue
			}
			if err != nil {
				return out, err
			}
			out[i] = r
		}
		if left == 0 {
			for i, r := range out {
				if r.Status != types.ReceiptStatusSuccessful {
					return out, fmt.Errorf("gasbench: transaction %s reverted", txs[i].Hash().Hex())
				}
			}
			return out, nil
		}
	}
	return out, fmt.Errorf("gasbench: %d transactions never mined", len(txs))
}
