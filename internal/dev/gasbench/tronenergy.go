package gasbench

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// Tron's TVM runs EVM bytecode but prices it its own way: no intrinsic
// cost, no cold or warm access, flat storage prices, and a contract that
// many transactions call pays more (the dynamic energy model). No Tron node
// runs on our machines, so energy is measured here by running the real
// bytecode in go-ethereum's EVM with EnergyMeter as its tracer: the EVM
// executes, and the meter prices every executed opcode by java-tron's energy
// table (actuator/src/main/java/org/tron/core/vm/EnergyCost.java and
// OperationRegistry.java, TRON_V1_4: the facts, not the code) instead of
// by Ethereum's gas.
const (
	// FactorDecimal is the precision of a contract's energy factor
	// (java-tron's DYNAMIC_ENERGY_FACTOR_DECIMAL): a factor f makes each
	// opcode cost (10000+f)/10000 times its table price.
	FactorDecimal = 10_000
	// USDTEnergyFactor is the energy factor of Tron's USDT contract: the
	// chain's dynamic energy max factor (getDynamicEnergyMaxFactor, 34000,
	// that is +340%), where USDT has stayed since the model came in (its
	// usage is far above getDynamicEnergyThreshold every maintenance cycle).
	USDTEnergyFactor = 34_000
)

// EnergyMeter sums the energy of every opcode a call executes, as Tron
// charges it: each opcode at its table price, times its context contract's
// energy factor, truncated per opcode (java-tron's VM.play).
type EnergyMeter struct {
	db *state.StateDB
	// Factors is each contract's energy factor (absent: 0, no penalty).
	Factors map[common.Address]uint64
	// Base is the energy at table prices; Charged with the factors.
	Base, Charged uint64
	// Usage is the base energy run in each contract's context: what the
	// dynamic model counts towards a contract's factor.
	Usage map[common.Address]uint64
	// Halts counts frames that ended by an exception other than REVERT: Tron
	// spends all the energy such a frame was given, which the meter cannot
	// know, so a measurement with a halt is refused.
	Halts int
	// Err is the first opcode the TVM does not have.
	Err error
}

// NewEnergyMeter meters calls against db's storage (SSTORE's price depends
// on the slot's current value).
func NewEnergyMeter(db *state.StateDB, factors map[common.Address]uint64) *EnergyMeter {
	if factors == nil {
		factors = map[common.Address]uint64{}
	}
	return &EnergyMeter{db: db, Factors: factors, Usage: map[common.Address]uint64{}}
}

// Hooks is the meter as a go-ethereum tracer.
func (m *EnergyMeter) Hooks() *tracing.Hooks {
	return &tracing.Hooks{
		OnOpcode: func(_ uint64, op byte, _, _ uint64, scope tracing.OpContext, _ []byte, _ int, _ error) {
			m.opcode(vm.OpCode(op), scope)
		},
		OnExit: func(depth int, _ []byte, _ uint64, err error, reverted bool) {
			if err != nil && err != vm.ErrExecutionReverted {
				m.Halts++
			}
		},
	}
}

// Energy is the metered cost of one call.
type Energy struct {
	Base, Charged uint64
}

func (m *EnergyMeter) opcode(op vm.OpCode, scope tracing.OpContext) {
	cost, err := m.price(op, scope)
	if err != nil {
		if m.Err == nil {
			m.Err = err
		}
		return
	}
	ctx := scope.Address()
	m.Base += cost
	m.Usage[ctx] += cost
	m.Charged += Penalised(cost, m.Factors[ctx])
}

// Penalised is an opcode's energy under a contract's energy factor, as
// java-tron computes it for each opcode: cost * (10000+factor) / 10000,
// truncated.
func Penalised(cost, factor uint64) uint64 {
	if factor == 0 {
		return cost
	}
	return cost * (FactorDecimal + factor) / FactorDecimal
}

// Tron's price tiers (java-tron's EnergyCost).
const (
	tierZero, tierBase, tierVeryLow, tierLow, tierMid, tierHigh, tierExt, tierSpecial = 0, 2, 3, 5, 8, 10, 20, 1

	energySload, energySetSstore, energyResetSstore = 50, 20_000, 5_000
	energyLog, energyLogTopic, energyLogByte        = 375, 375, 8
	energySha3, energySha3Word                      = 30, 6
	energyExp, energyExpByte                        = 10, 10
	energyCall, energyValueCall, energyNewAccount   = 40, 9_000, 25_000
	energyBalance, energyExtCode, energyExtHash     = 20, 20, 400
	energyTransient                                 = 100
	energyMemWord, energyCopyWord                   = 3, 3
)

// price is op's energy before the factor, from the stack and memory as
// they are just before it runs. MLOAD, MSTORE and MSTORE8 cost 1 plus their
// memory (java-tron's getMloadCost2..., in force since the proposal that
// raised the CPU time limit of one transaction).
func (m *EnergyMeter) price(op vm.OpCode, scope tracing.OpContext) (uint64, error) {
	st := scope.StackData()
	arg := func(i int) *uint256.Int { return &st[len(st)-1-i] }
	mem := uint64(len(scope.MemoryData()))
	switch {
	case op >= vm.PUSH1 && op <= vm.PUSH32, op >= vm.DUP1 && op <= vm.DUP16, op >= vm.SWAP1 && op <= vm.SWAP16:
		return tierVeryLow, nil
	case op >= vm.LOG0 && op <= vm.LOG4:
		size := arg(1).Uint64()
		return energyLog + energyLogTopic*uint64(op-vm.LOG0) + energyLogByte*size + memEnergy(mem, memNeeded(arg(0), arg(1)), 0), nil
	}
	switch op {
	case vm.STOP:
		return tierZero, nil
	case vm.ADD, vm.SUB, vm.LT, vm.GT, vm.SLT, vm.SGT, vm.EQ, vm.ISZERO, vm.AND, vm.OR, vm.XOR, vm.NOT, vm.BYTE,
		vm.SHL, vm.SHR, vm.SAR, vm.CALLDATALOAD:
		return tierVeryLow, nil
	case vm.MUL, vm.DIV, vm.SDIV, vm.MOD, vm.SMOD, vm.SIGNEXTEND, vm.SELFBALANCE:
		return tierLow, nil
	case vm.ADDMOD, vm.MULMOD, vm.JUMP:
		return tierMid, nil
	case vm.JUMPI:
		return tierHigh, nil
	case vm.JUMPDEST:
		return tierSpecial, nil
	case vm.ADDRESS, vm.ORIGIN, vm.CALLER, vm.CALLVALUE, vm.CALLDATASIZE, vm.CODESIZE, vm.RETURNDATASIZE, vm.GASPRICE,
		vm.COINBASE, vm.TIMESTAMP, vm.NUMBER, vm.PREVRANDAO, vm.GASLIMIT, vm.POP, vm.PC, vm.MSIZE, vm.GAS, vm.CHAINID,
		vm.BASEFEE, vm.PUSH0:
		return tierBase, nil
	case vm.EXP:
		return energyExp + energyExpByte*uint64((arg(1).BitLen()+7)/8), nil
	case vm.KECCAK256:
		return energySha3 + memEnergy(mem, memNeeded(arg(0), arg(1)), 0) + energySha3Word*words(arg(1).Uint64()), nil
	case vm.BALANCE, vm.EXTCODESIZE, vm.BLOCKHASH:
		return energyBalance, nil
	case vm.EXTCODEHASH:
		return energyExtHash, nil
	case vm.CALLDATACOPY, vm.CODECOPY, vm.RETURNDATACOPY:
		return memEnergy(mem, memNeeded(arg(0), arg(2)), arg(2).Uint64()), nil
	case vm.EXTCODECOPY:
		return energyExtCode + memEnergy(mem, memNeeded(arg(1), arg(3)), arg(3).Uint64()), nil
	case vm.MLOAD, vm.MSTORE:
		return tierSpecial + memEnergy(mem, memNeeded(arg(0), uint256.NewInt(32)), 0), nil
	case vm.MSTORE8:
		return tierSpecial + memEnergy(mem, memNeeded(arg(0), uint256.NewInt(1)), 0), nil
	case vm.SLOAD:
		return energySload, nil
	case vm.SSTORE:
		cur := m.db.GetState(scope.Address(), common.Hash(arg(0).Bytes32()))
		if cur == (common.Hash{}) && !arg(1).IsZero() {
			return energySetSstore, nil
		}
		return energyResetSstore, nil
	case vm.TLOAD, vm.TSTORE:
		return energyTransient, nil
	case vm.MCOPY:
		hi := arg(0)
		if arg(1).Gt(hi) {
			hi = arg(1)
		}
		return tierVeryLow + memEnergy(mem, memNeeded(hi, arg(2)), arg(2).Uint64()), nil
	case vm.RETURN, vm.REVERT:
		return memEnergy(mem, memNeeded(arg(0), arg(1)), 0), nil
	case vm.CALL, vm.CALLCODE:
		cost := uint64(energyCall)
		if !arg(2).IsZero() {
			cost += energyValueCall
			if op == vm.CALL && !m.db.Exist(common.Address(arg(1).Bytes20())) {
				cost += energyNewAccount
			}
		}
		return cost + memEnergy(mem, maxU(memNeeded(arg(3), arg(4)), memNeeded(arg(5), arg(6))), 0), nil
	case vm.STATICCALL, vm.DELEGATECALL:
		return energyCall + memEnergy(mem, maxU(memNeeded(arg(2), arg(3)), memNeeded(arg(4), arg(5))), 0), nil
	}
	return 0, fmt.Errorf("tron energy: opcode %s is not metered (not in the TVM's table, or not used by our contracts)", op)
}

// memNeeded is the memory an access of size bytes at off needs (0 when
// size is 0).
func memNeeded(off, size *uint256.Int) uint64 {
	if size.IsZero() {
		return 0
	}
	return off.Uint64() + size.Uint64()
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

func words(n uint64) uint64 { return (n + 31) / 32 }

// memEnergy is java-tron's calcMemEnergy: the growth of memory from old to
// need bytes (3 per word plus words²/512), and 3 per word copied.
func memEnergy(old, need, copied uint64) uint64 {
	var e uint64
	if use := words(need) * 32; use > old {
		w, wo := use/32, old/32
		e = (energyMemWord*w + w*w/512) - (energyMemWord*wo + wo*wo/512)
	}
	if copied > 0 {
		e += energyCopyWord * words(copied)
	}
	return e
}
