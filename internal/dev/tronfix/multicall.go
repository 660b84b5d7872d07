package tronfix

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/internal/dev/multicall"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
)

// The stand-in runs Stablegate's Multicall (infra/contracts/Multicall.sol,
// Multicall3's aggregate3) as a constant call (triggerconstantcontract), as
// the contract does: each call in order, a failed one reported (success
// false) where it allows failure, else the whole call reverts. It reads
// the calls and writes the results with go-ethereum's ABI of the contract
// (not package holdings' own encoder, which it checks). The token answers
// balanceOf (or reverts it for a holder set with FailBalanceOf); a call to
// any other account answers nothing and succeeds, as a call to an account
// with no code does on a real chain. No Tron node runs here: the energy
// figures below are ours, and a node's real limit on constant calls is
// its configuration (vm.maxEnergyLimitForConstant, default 100 million)
// and its CPU time.
const (
	// EnergyMulticallBase is the contract's own work once per call: our estimate.
	EnergyMulticallBase = 2_000
	// EnergyMulticallCall is one balanceOf through it, the token's read
	// and the loop's work: our estimate, in the range java-tron issue 6682
	// measured for view functions on mainnet (261-4,818, average 648).
	EnergyMulticallCall = 1_000
	// ConstantEnergyLimit is java-tron's default energy limit of a constant
	// call (vm.maxEnergyLimitForConstant).
	ConstantEnergyLimit = 100_000_000
)

var mcABI = func() *abi.ABI {
	a, err := multicall.MulticallMetaData.GetAbi()
	if err != nil {
		panic(err)
	}
	return a
}()

// DeployMulticall puts a Multicall on the chain and returns its (made-up)
// address.
func (s *Server) DeployMulticall() address.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := sha256.Sum256([]byte(fmt.Sprintf("multicall %x", s.Token)))
	copy(s.multicall[:], h[:20])
	return s.multicall
}

// SetConstantEnergyLimit sets the energy a constant call may use (0:
// ConstantEnergyLimit), as a node's vm.maxEnergyLimitForConstant does.
func (s *Server) SetConstantEnergyLimit(energy int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.constantLimit = energy
}

// FailBalanceOf makes the token revert balanceOf(holder), or answer it again.
func (s *Server) FailBalanceOf(holder address.Account, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failBalance == nil {
		s.failBalance = map[address.Account]bool{}
	}
	if fail {
		s.failBalance[holder] = true
	} else {
		delete(s.failBalance, holder)
	}
}

// isMulticall says whether a triggerconstantcontract names the Multicall.
func (s *Server) isMulticall(in map[string]any) bool {
	if s.multicall == (address.Account{}) {
		return false
	}
	a, err := address.Parse("tron", fmt.Sprint(in["contract_address"]))
	return err == nil && a == s.multicall
}

// aggregate3 answers a constant call of the Multicall as a node does: the
// result, its energy, and its return value; or result false with a message
// when it reverts or goes over the constant-call energy limit.
func (s *Server) aggregate3(in map[string]any) map[string]any {
	m := mcABI.Methods["aggregate3"]
	param, err := hex.DecodeString(fmt.Sprint(in["parameter"]))
	if fmt.Sprint(in["function_selector"]) != m.Sig || err != nil {
		return constantRefusal("REVERT opcode executed")
	}
	args, err := m.Inputs.Unpack(param)
	if err != nil || len(args) != 1 {
		return constantRefusal("REVERT opcode executed")
	}
	var calls []struct {
		Target       common.Address
		AllowFailure bool
		CallData     []byte
	}
	abi.ConvertType(args[0], &calls) // panics on a shape the ABI would not unpack to
	limit := s.constantLimit
	if limit == 0 {
		limit = ConstantEnergyLimit
	}
	energy := int64(EnergyMulticallBase)
	type result struct {
		Success    bool
		ReturnData []byte
	}
	results := make([]result, len(calls))
	for i, c := range calls {
		energy += EnergyMulticallCall
		if energy > limit {
			return constantRefusal(fmt.Sprintf("Not enough energy for 'CALL' operation executing: needEnergy[%d], leftEnergy[%d];", EnergyMulticallCall, limit-(energy-EnergyMulticallCall)))
		}
		if address.Account(c.Target) != s.Token {
			results[i] = result{Success: true} // no code there: nothing answered
			continue
		}
		var holder address.Account
		if erc20.Selector(c.CallData) != "balanceOf" || len(c.CallData) != 36 {
			results[i] = result{}
		} else if copy(holder[:], c.CallData[16:36]); s.failBalance[holder] {
			results[i] = result{}
		} else {
			results[i] = result{Success: true, ReturnData: s.balance(holder).FillBytes(make([]byte, 32))}
		}
		if !results[i].Success && !c.AllowFailure {
			return constantRefusal("REVERT opcode executed")
		}
	}
	ret, err := m.Outputs.Pack(results)
	if err != nil {
		return constantRefusal("REVERT opcode executed")
	}
	return map[string]any{"result": map[string]any{"result": true}, "energy_used": energy, "constant_result": []string{hex.EncodeToString(ret)}}
}

// constantRefusal is a node's answer to a constant call that failed.
func constantRefusal(msg string) map[string]any {
	return map[string]any{"result": map[string]any{"result": false, "code": "CONTRACT_EXE_ERROR", "message": hex.EncodeToString([]byte(msg))}}
}
