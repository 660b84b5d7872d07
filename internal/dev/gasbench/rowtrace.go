package gasbench

import (
	"fmt"
	"io"
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisend"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
)

// RowTrace is one extra recipient of a Multisend batch, traced opcode by
// opcode on mainnet's rules: the execution of one row (from one token CALL
// to the next) split into what the token's code spends and what Multisend
// spends around it. Every field is measured by the tracer except Calldata,
// which is the row's bytes priced by the protocol (16 gas a non-zero byte,
// 4 a zero one).
type RowTrace struct {
	Row   uint64 // one row's execution: from one token CALL to the next
	Token uint64 // of Row: used inside the token's frame (its transfer)

	// Of Token: its storage accesses and its event (each opcode's cost as
	// charged), and everything else it runs (Tether's checks, SafeMath,
	// ABI handling, jumps: its computation).
	ColdSLOAD, WarmSLOAD, SSTORE, LOG3, Compute uint64

	Call     uint64 // of Row: the CALL's own cost (warm account, no value)
	Loop     uint64 // of Row: the payer's other opcodes (item decode, the call's set-up, the result check)
	Tail     uint64 // per row outside the loop (Multisend: the items' hash for the Batch event)
	Calldata uint64 // the row's bytes, priced
	Refund   uint64 // the refund counter's growth per row (SSTOREs that clear a slot), before the cap

	// Ops is the token frame's profile: gas by opcode for one row; LoopOps
	// the payer's own between two CALLs.
	Ops, LoopOps map[string]uint64
}

// Floor is what a row costs with a payer that spends nothing of its own:
// the token's execution, the CALL into it and the row's calldata (the
// recipient's 20 bytes and the amount's).
func (r RowTrace) Floor() uint64 { return r.Token + r.Call + r.Calldata }

// Ours is Multisend's own share of a row beyond Floor.
func (r RowTrace) Ours() uint64 { return r.Loop + r.Tail }

// Total is the row's gas: Floor and Ours.
func (r RowTrace) Total() uint64 { return r.Floor() + r.Ours() }

// mainnetRules is the simulated chain's configuration with MainnetLike.
func mainnetRules() *params.ChainConfig {
	cfg := *params.AllDevChainProtocolChanges
	cfg.BogotaTime, cfg.AmsterdamTime = nil, nil
	return &cfg
}

// TraceBatchRow runs Multisend's pay of n recipients (fresh holders, or
// existing ones holding 1 base unit already) on tokenCode installed as a
// Tether token, pulling the total from the hot wallet as a batch payout
// does, and traces it: the rows' execution, the token's frames and
// Multisend's opcodes around them. It checks that every row costs the same
// and returns one.
func TraceBatchRow(tokenCode []byte, n int, existing bool) (RowTrace, error) {
	if n < 3 {
		return RowTrace{}, fmt.Errorf("gasbench: trace at least 3 rows")
	}
	w := &BatchWorld{Hot: common.HexToAddress("0x4075000000000000000000000000000000000001")}
	batch := BatchOf(w.FreshAddresses(n))
	full, err := traceBatch(tokenCode, batch, existing)
	if err != nil {
		return RowTrace{}, err
	}
	one, err := traceBatch(tokenCode, batch[:1], existing)
	if err != nil {
		return RowTrace{}, err
	}
	// rows[0] is the pull, rows[1] the first recipient (the token's
	// sender-side slots are cold for it): the steady rows start at 2
	r, err := steadyRow(full, one, 2, n)
	if err != nil {
		return r, err
	}
	items, err := multisend.Items(batch[1:2])
	if err != nil {
		return r, err
	}
	for _, b := range items[0] {
		r.Calldata += calldataGas(b)
	}
	return r, nil
}

type batchTrace struct {
	rows []RowTrace // one per CALL into the token, in order
	exec uint64     // the whole call's execution gas
	// refund is the refund counter at the end (before the cap of a
	// fifth of the gas used)
	refund uint64
}

// newTraceState is an empty state on mainnet's rules, with a run config
// from origin traced by hooks.
func newTraceState() (*state.StateDB, state.Database, *params.ChainConfig) {
	sdb := state.NewDatabaseForTesting()
	db, _ := state.New(types.EmptyRootHash, sdb)
	return db, sdb, mainnetRules()
}

func traceConfig(chain *params.ChainConfig, db *state.StateDB, origin common.Address, h *tracing.Hooks) *runtime.Config {
	return &runtime.Config{ChainConfig: chain, BlockNumber: big.NewInt(1), Origin: origin, State: db, GasLimit: 1 << 24,
		Random: &common.Hash{}, Difficulty: new(big.Int), GasPrice: new(big.Int), Value: new(big.Int),
		BaseFee: big.NewInt(params.InitialBaseFee), BlobBaseFee: big.NewInt(params.BlobTxMinBlobGasprice),
		EVMConfig: vm.Config{Tracer: h}}
}

// commitState makes what was written so far the state before the next
// transaction (its slots' original values, which SSTORE's price depends on).
func commitState(db *state.StateDB, sdb state.Database, chain *params.ChainConfig) (*state.StateDB, error) {
	root, err := db.Commit(chain.Rules(big.NewInt(1), true, 0), 1)
	if err != nil {
		return nil, err
	}
	return state.New(root, sdb)
}

// installTether installs code at TetherAt as a Tether token whose owner,
// hot, holds the supply.
func installTether(db *state.StateDB, code []byte, hot common.Address) {
	db.SetCode(TetherAt, code, tracing.CodeChangeUnspecified)
	for k, v := range TetherState(hot, big.NewInt(1_000_000_000_000_000)) {
		db.SetState(TetherAt, k, v)
	}
}

// traceCall runs data from origin to `to` as a transaction with access list
// al and traces every CALL `to` makes into the token: the gas left at each
// such CALL, its own cost, the token frame's gas and profile, and `to`'s
// opcodes after it.
func traceCall(db *state.StateDB, chain *params.ChainConfig, origin, to common.Address, data []byte, al types.AccessList) (batchTrace, error) {
	var (
		out     batchTrace
		calls   []uint64 // gas left at each CALL into the token
		frames  []RowTrace
		cur     *RowTrace
		callGas uint64
	)
	hooks := &tracing.Hooks{
		OnOpcode: func(_ uint64, op byte, gas, cost uint64, scope tracing.OpContext, _ []byte, depth int, _ error) {
			o := vm.OpCode(op)
			switch {
			case depth == 1 && o == vm.CALL && common.Address(scope.StackData()[len(scope.StackData())-2].Bytes20()) == TetherAt:
				calls = append(calls, gas)
				callGas = cost
			case depth == 1 && len(frames) > 0:
				frames[len(frames)-1].LoopOps[o.String()] += cost
			case depth == 2 && cur != nil:
				cur.Ops[o.String()] += cost
				switch o {
				case vm.SLOAD:
					if cost >= params.ColdSloadCostEIP2929 {
						cur.ColdSLOAD += cost
					} else {
						cur.WarmSLOAD += cost
					}
				case vm.SSTORE:
					cur.SSTORE += cost
				case vm.LOG3:
					cur.LOG3 += cost
				}
			}
		},
		OnEnter: func(depth int, _ byte, _, callee common.Address, _ []byte, gas uint64, _ *big.Int) {
			if depth == 1 && callee == TetherAt {
				frames = append(frames, RowTrace{Call: callGas - gas, Ops: map[string]uint64{}, LoopOps: map[string]uint64{}})
				cur = &frames[len(frames)-1]
			}
		},
		OnExit: func(depth int, _ []byte, gasUsed uint64, err error, _ bool) {
			if depth == 1 && cur != nil {
				if err == nil {
					cur.Token = gasUsed
				}
				cur = nil
			}
		},
	}
	cfg := traceConfig(chain, db, origin, hooks)
	evm := runtime.NewEnv(cfg)
	rules := chain.Rules(cfg.BlockNumber, true, cfg.Time)
	db.Prepare(rules, origin, cfg.Coinbase, &to, vm.ActivePrecompiles(rules), al)
	_, res, err := evm.Call(origin, to, data, vm.NewGasBudget(cfg.GasLimit, 0), new(uint256.Int))
	if err != nil {
		return out, err
	}
	out.exec = cfg.GasLimit - res.ExecutionGas
	out.refund = db.GetRefund()
	if len(frames) != len(calls) {
		return out, fmt.Errorf("gasbench: %d token frames for %d calls", len(frames), len(calls))
	}
	for i := range frames {
		f := frames[i]
		if f.Token == 0 {
			return out, fmt.Errorf("gasbench: token call %d failed", i)
		}
		f.Compute = f.Token - f.ColdSLOAD - f.WarmSLOAD - f.SSTORE - f.LOG3
		if i+1 < len(calls) { // a row runs from its CALL to the next one's
			f.Row = calls[i] - calls[i+1]
			f.Loop = f.Row - f.Token - f.Call
		}
		out.rows = append(out.rows, f)
	}
	return out, nil
}

// steadyRow checks that rows[from:len-1] all cost the same and returns the
// first of them with Tail set from the executions of n and of 1 rows.
func steadyRow(full, one batchTrace, from, n int) (RowTrace, error) {
	r := full.rows[from]
	for i, x := range full.rows[from : len(full.rows)-1] {
		if x.Row != r.Row || x.Token != r.Token {
			return r, fmt.Errorf("gasbench: row %d costs %d (token %d), row %d %d (token %d)", from+i, x.Row, x.Token, from, r.Row, r.Token)
		}
	}
	r.Tail = (full.exec - one.exec - uint64(n-1)*r.Row) / uint64(n-1)
	r.Refund = (full.refund - one.refund) / uint64(n-1)
	return r, nil
}

// traceBatch runs one batch on a fresh state and traces it (rows[0] is
// the pull).
func traceBatch(tokenCode []byte, batch []multisend.Payout, existing bool) (batchTrace, error) {
	hot := common.HexToAddress("0x4075000000000000000000000000000000000001")
	db, sdb, chain := newTraceState()
	// Multisend as deployed (its owner the hot wallet), and the token
	initcode := append(common.FromHex(multisendbind.MultisendMetaData.Bin), common.LeftPadBytes(hot.Bytes(), 32)...)
	_, ms, _, err := runtime.Create(initcode, traceConfig(chain, db, hot, nil))
	if err != nil {
		return batchTrace{}, err
	}
	installTether(db, tokenCode, hot)
	db.SetState(TetherAt, AllowedSlot(hot, ms), common.MaxHash)
	if existing {
		for _, p := range batch {
			db.SetState(TetherAt, MapSlot(p.To, slotBalances), common.BigToHash(big.NewInt(1)))
		}
	}
	if db, err = commitState(db, sdb, chain); err != nil {
		return batchTrace{}, err
	}
	data, err := multisend.Pack(TetherAt, true, batch)
	if err != nil {
		return batchTrace{}, err
	}
	t, err := traceCall(db, chain, hot, ms, data, nil)
	if err != nil {
		return t, err
	}
	if len(t.rows) != len(batch)+1 {
		return t, fmt.Errorf("gasbench: %d token calls for %d rows", len(t.rows), len(batch))
	}
	return t, nil
}

// TraceSweepRow sweeps n deployed forwarders (each holding a deposit, in
// steady state: their second sweep) on tokenCode installed as a Tether
// token, with the sweep's access list, and traces it as TraceBatchRow
// does: one deposit's execution, the token's transferFrom and the
// factory's opcodes around it. Calldata is the item's 12 bytes, priced.
func TraceSweepRow(tokenCode []byte, n int) (RowTrace, error) {
	if n < 3 {
		return RowTrace{}, fmt.Errorf("gasbench: trace at least 3 rows")
	}
	full, err := traceSweep(tokenCode, n)
	if err != nil {
		return RowTrace{}, err
	}
	one, err := traceSweep(tokenCode, 1)
	if err != nil {
		return RowTrace{}, err
	}
	r, err := steadyRow(full, one, 1, n)
	if err != nil {
		return r, err
	}
	for _, b := range chaineth.PackSweepItems([]chaineth.SweepItem{sweepItem(1)}) {
		r.Calldata += calldataGas(b)
	}
	return r, nil
}

func sweepItem(i int) chaineth.SweepItem {
	return chaineth.SweepItem{Index: uint32(i), Amount: uint64(1_000_000 + i)}
}

func calldataGas(b byte) uint64 {
	if b == 0 {
		return params.TxDataZeroGas
	}
	return params.TxDataNonZeroGasEIP2028
}

// traceSweep deploys the factory, pays and sweeps n forwarders once (which
// deploys them), pays them again and traces the second sweep.
func traceSweep(tokenCode []byte, n int) (batchTrace, error) {
	hot := common.HexToAddress("0x4075000000000000000000000000000000000001")
	db, sdb, chain := newTraceState()
	initcode := append(common.FromHex(forwarder.ForwarderFactoryMetaData.Bin), common.LeftPadBytes(hot.Bytes(), 32)...)
	initcode = append(initcode, common.LeftPadBytes(hot.Bytes(), 32)...)
	_, factory, _, err := runtime.Create(initcode, traceConfig(chain, db, hot, nil))
	if err != nil {
		return batchTrace{}, err
	}
	fabi, err := forwarder.ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return batchTrace{}, err
	}
	call, _ := fabi.Pack("implementation")
	ret, _, err := runtime.Call(factory, call, traceConfig(chain, db, hot, nil))
	if err != nil {
		return batchTrace{}, err
	}
	fw := address.Forwarders{Factory: address.Account(factory), Implementation: address.Account(common.BytesToAddress(ret))}
	installTether(db, tokenCode, hot)
	items := make([]chaineth.SweepItem, n)
	deploy := make([]uint32, n)
	forwarders := make([]common.Address, n)
	for i := range items {
		items[i], deploy[i], forwarders[i] = sweepItem(i), uint32(i), common.Address(fw.Address(uint32(i)))
	}
	pay := func() {
		for i, f := range forwarders {
			db.SetState(TetherAt, MapSlot(f, slotBalances), common.BigToHash(new(big.Int).SetUint64(items[i].Amount)))
		}
	}
	pay()
	data, err := chaineth.SweepCalldata(TetherAt, deploy, items)
	if err != nil {
		return batchTrace{}, err
	}
	if _, _, err := runtime.Call(factory, data, traceConfig(chain, db, hot, nil)); err != nil {
		return batchTrace{}, err
	}
	pay()
	if db, err = commitState(db, sdb, chain); err != nil {
		return batchTrace{}, err
	}
	if data, err = chaineth.SweepCalldata(TetherAt, nil, items); err != nil {
		return batchTrace{}, err
	}
	layout := chaineth.TokenLayouts["tether"]
	t, err := traceCall(db, chain, hot, factory, data, layout.SweepAccessList(TetherAt, factory, forwarders))
	if err != nil {
		return t, err
	}
	if len(t.rows) != n {
		return t, fmt.Errorf("gasbench: %d token calls for %d deposits", len(t.rows), n)
	}
	for _, f := range forwarders {
		if db.GetState(TetherAt, MapSlot(f, slotBalances)) != (common.Hash{}) {
			return t, fmt.Errorf("gasbench: forwarder %s kept its deposit", f)
		}
	}
	return t, nil
}

// OpsString lists a profile's opcodes, most gas first.
func OpsString(ops map[string]uint64) string {
	names := make([]string, 0, len(ops))
	for k := range ops {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if ops[names[i]] != ops[names[j]] {
			return ops[names[i]] > ops[names[j]]
		}
		return names[i] < names[j]
	})
	s := ""
	for _, k := range names {
		s += fmt.Sprintf("%s %d ", k, ops[k])
	}
	return s
}

// PrintSweepAccounting traces one deposit of a steady-state sweep of n on
// Tether's code (code; TetherUSDT's when nil, which
// TestTetherFaithfulInBatch holds equal) and prints where its gas goes
// against measured, the receipts' gas per deposit of a sweep of n with its
// access list: the token's share by kind, the CALL, the item's calldata
// and the access list's keys (together the floor of any sweeper), the
// factory's own, the refund and its cap, and the transaction's fixed cost.
func PrintSweepAccounting(out io.Writer, code []byte, n int, measured uint64) error {
	code, source, err := tracedCode(code)
	if err != nil {
		return err
	}
	r, err := TraceSweepRow(code, n)
	if err != nil {
		return err
	}
	layout := chaineth.TokenLayouts["tether"]
	keys := uint64(len(layout.SweepAccessList(TetherAt, common.Address{}, []common.Address{{}})[0].StorageKeys))
	list := keys * params.TxAccessListStorageKeyGas
	floorGross := r.Floor() + list
	gross := r.Total() + list
	net := func(g uint64) uint64 { return g - g/params.RefundQuotientEIP3529 } // the cap binds when the refund exceeds a fifth
	fixed := int64(measured)*int64(n) - int64(net(gross))*int64(n)             // the transaction's own, net, for n deposits
	_, _ = fmt.Fprintf(out, "\nOne deposit of a steady-state sweep of %d with its access list, accounted: traced opcode by opcode on %s,\n", n, source)
	_, _ = fmt.Fprintf(out, "the token's transferFrom and the factory's opcodes around it; calldata and the access list's keys priced (16/4 a byte, %d a key).\n\n", params.TxAccessListStorageKeyGas)
	_, _ = fmt.Fprintf(out, "| %-86s | %8s |\n", "per deposit", "gas")
	_, _ = fmt.Fprintf(out, "|%s|%s|\n", dashes(88), dashes(10))
	line := func(what string, v int64) { _, _ = fmt.Fprintf(out, "| %-86s | %8d |\n", what, v) }
	line("token: cold SLOADs (none: the access list pays for them)", int64(r.ColdSLOAD))
	line(fmt.Sprintf("token: its %d slots in the access list (forwarder's balance, blacklist entry, allowance)", keys), int64(list))
	line("token: warm SLOADs (the listed ones, paused, deprecated, fee, max fee, hot wallet's balance)", int64(r.WarmSLOAD))
	line("token: the balances written (forwarder's to zero, hot wallet's), SSTORE", int64(r.SSTORE))
	line("token: the Transfer event, LOG3", int64(r.LOG3))
	line("token: Tether's computation (its checks, SafeMath, ABI decoding, jumps)", int64(r.Compute))
	line("= the token's transferFrom, its listed slots included", int64(r.Token+list))
	line("CALL into the token (warm account, no value)", int64(r.Call))
	line("the item's calldata (4-byte index, 8-byte amount), priced", int64(r.Calldata))
	line("= floor, gross: any sweeper that spends nothing of its own", int64(floorGross))
	line("the factory's loop (CREATE2 address, item decode, the call's set-up, the result check)", int64(r.Loop+r.Tail))
	line("= traced, gross", int64(gross))
	line("refund counted (the forwarder's balance cleared)", int64(r.Refund))
	line("  of which the transaction gets a fifth of its gas at most: traced, net", int64(net(gross)))
	line(fmt.Sprintf("measured per deposit, receipts (sweep of %d with its access list, table above)", n), int64(measured))
	line("  the transaction's fixed cost (21,000, the factory's reads...) per deposit, net: measured - traced", fixed/int64(n))
	floor := int64(net(floorGross)) + fixed/int64(n)
	line(fmt.Sprintf("floor at %d a sweep, net: the floor's 4/5 and the fixed cost's share", n), floor)
	line("goal (issue 18)", 11_000)
	line(fmt.Sprintf("goal - floor at %d (below 0: no sweeper meets the goal at this size)", n), 11_000-floor)
	if room := int64(11_000) - int64(net(gross)); room > 0 {
		line("sweep size at which this factory meets the goal (derived: fixed cost / (goal - traced net))", (fixed+room-1)/room)
	}
	if room := int64(11_000) - int64(net(floorGross)); room > 0 {
		line("sweep size at which the floor meets the goal (derived: fixed cost / (goal - floor net))", (fixed+room-1)/room)
	}
	most := int64(params.MaxTxGas / gross)
	line("deposits one transaction holds under Osaka's cap (16,777,216 gas, EIP-7825; derived)", most)
	// At the largest sweep the cap allows, what is left of the goal for
	// the factory's own opcodes, gross: (goal - fixed share) * 5/4 - floor.
	// Deriving each deposit's address (CREATE2: KECCAK256 over 85 bytes)
	// costs 48 of it before any other opcode.
	room := (11_000-fixed/most)*5/4 - int64(floorGross)
	line(fmt.Sprintf("the factory's own gas a deposit may spend to meet the goal at %d a sweep (derived; KECCAK256 alone: 48)", most), room)
	if r.Refund*5 < gross {
		return fmt.Errorf("gasbench: the refund (%d) does not reach the cap (%d): the net lines above do not hold", r.Refund, gross/5)
	}
	return nil
}

// tracedCode is the token code an accounting traces and how it is named:
// Tether's code when given, else TetherUSDT's (which
// TestTetherFaithfulInBatch holds equal to it).
func tracedCode(code []byte) ([]byte, string, error) {
	if code != nil {
		return code, "Tether's code (TETHER_RUNTIME)", nil
	}
	code, err := FaithfulRuntime()
	return code, "TetherUSDT (TestTetherFaithfulInBatch holds it equal to Tether's code)", err
}
