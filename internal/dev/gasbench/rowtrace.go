package gasbench

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/shared/chain/ethereum/multisend"
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
	Loop     uint64 // of Row: Multisend's other opcodes (item decode, the call's set-up, the result check)
	Tail     uint64 // per row outside the loop (the items' hash for the Batch event)
	Calldata uint64 // the row's 32 bytes, priced
	// Ops is the token frame's profile: gas by opcode for one row; LoopOps
	// Multisend's own between two CALLs.
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
	r := full.rows[1] // rows[0] is the first recipient (the token's first warm call comes before it: the pull)
	for i, x := range full.rows[1 : n-1] {
		if x.Row != r.Row || x.Token != r.Token {
			return r, fmt.Errorf("gasbench: row %d costs %d (token %d), row 1 %d (token %d)", i+1, x.Row, x.Token, r.Row, r.Token)
		}
	}
	// what the batch spends per row outside the loop: the difference of
	// the two executions beyond n-1 rows
	extra := full.exec - one.exec - uint64(n-1)*r.Row
	r.Tail = extra / uint64(n-1)
	items, err := multisend.Items(batch[1:2])
	if err != nil {
		return r, err
	}
	for _, b := range items[0] {
		if b == 0 {
			r.Calldata += params.TxDataZeroGas
		} else {
			r.Calldata += params.TxDataNonZeroGasEIP2028
		}
	}
	return r, nil
}

type batchTrace struct {
	rows []RowTrace
	exec uint64 // the whole call's execution gas
}

// traceBatch runs one batch on a fresh state and traces it.
func traceBatch(tokenCode []byte, batch []multisend.Payout, existing bool) (batchTrace, error) {
	var out batchTrace
	sdb := state.NewDatabaseForTesting()
	db, err := state.New(types.EmptyRootHash, sdb)
	if err != nil {
		return out, err
	}
	hot := common.HexToAddress("0x4075000000000000000000000000000000000001")
	chain := mainnetRules()
	cfg := func(h *tracing.Hooks) *runtime.Config {
		return &runtime.Config{ChainConfig: chain, BlockNumber: big.NewInt(1), Origin: hot, State: db, GasLimit: 1 << 24,
			EVMConfig: vm.Config{Tracer: h}}
	}
	// Multisend as deployed (its owner the hot wallet), and the token
	initcode := append(common.FromHex(multisend.MultisendMetaData.Bin), common.LeftPadBytes(hot.Bytes(), 32)...)
	_, ms, _, err := runtime.Create(initcode, cfg(nil))
	if err != nil {
		return out, err
	}
	db.SetCode(TetherAt, tokenCode, tracing.CodeChangeUnspecified)
	for k, v := range TetherState(hot, big.NewInt(1_000_000_000_000_000)) {
		db.SetState(TetherAt, k, v)
	}
	db.SetState(TetherAt, AllowedSlot(hot, ms), common.MaxHash)
	if existing {
		for _, p := range batch {
			db.SetState(TetherAt, MapSlot(p.To, slotBalances), common.BigToHash(big.NewInt(1)))
		}
	}
	// what is set above is the state before the transaction (its slots'
	// original values, which SSTORE's price depends on)
	rules := chain.Rules(big.NewInt(1), true, 0)
	root, err := db.Commit(rules, 1)
	if err != nil {
		return out, err
	}
	if db, err = state.New(root, sdb); err != nil {
		return out, err
	}
	data, err := multisend.Pack(TetherAt, true, batch)
	if err != nil {
		return out, err
	}

	var (
		calls   []uint64 // gas left at each CALL of Multisend into the token
		costs   []uint64 // each such CALL's own cost (its charge less the gas it passed on)
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
		OnEnter: func(depth int, _ byte, _, to common.Address, _ []byte, gas uint64, _ *big.Int) {
			if depth == 1 && to == TetherAt {
				costs = append(costs, callGas-gas)
				frames = append(frames, RowTrace{Ops: map[string]uint64{}, LoopOps: map[string]uint64{}})
				cur = &frames[len(frames)-1]
			}
		},
		OnExit: func(depth int, _ []byte, gasUsed uint64, err error, _ bool) {
			if depth == 1 && cur != nil {
				if err != nil {
					cur.Token = 0
				} else {
					cur.Token = gasUsed
				}
				cur = nil
			}
		},
	}
	_, left, err := runtime.Call(ms, data, cfg(hooks))
	if err != nil {
		return out, err
	}
	out.exec = 1<<24 - left
	// calls[0] is the pull (transferFrom), calls[1..] the rows; a row's
	// execution runs from its CALL to the next one's
	if len(calls) != len(batch)+1 || len(frames) != len(calls) {
		return out, fmt.Errorf("gasbench: %d token calls for %d rows", len(calls), len(batch))
	}
	for i := 1; i < len(calls); i++ {
		f := frames[i]
		if f.Token == 0 {
			return out, fmt.Errorf("gasbench: row %d failed", i-1)
		}
		f.Call = costs[i]
		f.Compute = f.Token - f.ColdSLOAD - f.WarmSLOAD - f.SSTORE - f.LOG3
		if i+1 < len(calls) {
			f.Row = calls[i] - calls[i+1]
			f.Loop = f.Row - f.Token - f.Call
		}
		out.rows = append(out.rows, f)
	}
	return out, nil
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
