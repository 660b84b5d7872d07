package tronfix

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
	"github.com/stablegate/stablegate/shared/chain/tron"
)

// The stand-in runs Stablegate's Multisend (infra/contracts/Multisend.sol)
// as the contract does, row by row, reading its calls and writing its
// events with go-ethereum's ABI of the contract (not package tron's own
// encoder, which it checks): pay(token, pull, items) pulls `pull` from the
// caller with one transferFrom (the caller's allowance to the contract; a
// pull of 0 pays from what the contract holds and is the owner's alone),
// then makes one token transfer per item from the contract; a transfer the
// token refuses (a recipient it refuses: RefuseRecipient) fails that item
// alone, with a Failed(index, to, amount) event, and the failed amounts go
// back to the caller in one transfer at the end; a Batch(token, itemsHash,
// count, failed, returned) event closes it. A pull that is short, or that
// differs from the items' total, reverts the whole call. Energy is charged
// as for the stand-in's other calls (the caller's own energy first, then TRX
// up to the fee limit, else OUT_OF_ENERGY and nothing changes): each token
// call at the stand-in's transfer prices, plus the contract's own work.
const (
	// EnergyMultisendBase is the contract's own work once per call (the
	// dispatch, the items' hash and the Batch event): our estimate.
	EnergyMultisendBase = 3_000
	// EnergyMultisendItem is its own work per item beside the token's
	// transfer (about 240 by gasbench's TVM metering of the bytecode).
	EnergyMultisendItem = 240
)

var (
	msABI = func() *abi.ABI {
		a, err := multisendbind.MultisendMetaData.GetAbi()
		if err != nil {
			panic(err)
		}
		return a
	}()
	transferTopic = crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))
)

// DeployMultisend puts a Multisend owned by owner on the chain and returns
// its (made-up) address.
func (s *Server) DeployMultisend(owner address.Account) address.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := sha256.Sum256([]byte(fmt.Sprintf("multisend %x %x", s.Token, owner)))
	var at address.Account
	copy(at[:], h[:20])
	s.multisend, s.msOwner = at, owner
	return at
}

// RefuseRecipient makes the token refuse transfers to a (as a token with a
// recipient blacklist does: Tether's own list is of senders, USDC's of
// both), or accept them again.
func (s *Server) RefuseRecipient(a address.Account, refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseRecipient(a, refuse)
}

func (s *Server) refuseRecipient(a address.Account, refuse bool) {
	if s.refused == nil {
		s.refused = map[address.Account]bool{}
	}
	if refuse {
		s.refused[a] = true
	} else {
		delete(s.refused, a)
	}
}

// DevRefusePath is the stand-in's own route (no TronGrid has it) that makes
// the token refuse a recipient: POST {"address": base58, "refuse": bool}.
const DevRefusePath = "/dev/refuse-recipient"

func (s *Server) devRefuse(in map[string]any) map[string]any {
	a, err := address.Parse("tron", fmt.Sprint(in["address"]))
	refuse, ok := in["refuse"].(bool)
	if err != nil || !ok {
		return refusal("OTHER_ERROR", "want address (base58) and refuse (bool)")
	}
	s.refuseRecipient(a, refuse)
	return map[string]any{"result": true}
}

func word(a address.Account) common.Hash { return common.BytesToHash(a[:]) }

// pay runs a pay call of the Multisend.
func (s *Server) pay(b block, p pendingTx, info *txInfo) string {
	energy := int64(EnergyMultisendBase)
	m, ok := msABI.Methods["pay"]
	if !ok || len(p.tx.Data) < 4 || string(p.tx.Data[:4]) != string(m.ID) {
		return s.chargeCall(p, info, energy, true)
	}
	args, err := m.Inputs.Unpack(p.tx.Data[4:])
	if err != nil || len(args) != 3 {
		return s.chargeCall(p, info, energy, true)
	}
	token, _ := args[0].(common.Address)
	pull, _ := args[1].(*big.Int)
	items, _ := args[2].([][32]byte)
	caller, at := p.tx.Owner, s.multisend
	if address.Account(token) != s.Token || pull == nil || (pull.Sign() == 0 && caller != s.msOwner) {
		return s.chargeCall(p, info, energy, true)
	}
	// Everything the call may change, to restore if it reverts or runs
	// out of energy.
	saved := map[address.Account]*big.Int{}
	keep := func(a address.Account) {
		if _, ok := saved[a]; !ok {
			saved[a] = new(big.Int).Set(s.balance(a))
		}
	}
	allow := s.allowance(caller, at)
	savedAllow := new(big.Int).Set(allow)
	keep(caller)
	keep(at)
	var logs []tron.Log
	var events []event
	transfer := func(from, to address.Account, amount *big.Int) bool {
		keep(from)
		keep(to)
		if !s.move(from, to, amount) {
			return false
		}
		logs = append(logs, tron.Log{Address: s.Token, Topics: [][32]byte{transferTopic, word(from), word(to)}, Data: common.BigToHash(amount).Bytes()})
		e := event{}
		e.TxID, e.Block, e.Timestamp, e.Index, e.Name = p.id, b.num, b.time, uint(len(events)), "Transfer"
		e.Result.From, e.Result.To, e.Result.Value = "0x"+hex.EncodeToString(from[:]), "0x"+hex.EncodeToString(to[:]), amount.String()
		events = append(events, e)
		return true
	}
	reverted := func() string {
		for a, v := range saved {
			s.balance(a).Set(v)
		}
		allow.Set(savedAllow)
		return s.chargeCall(p, info, energy, true)
	}
	if pull.Sign() > 0 {
		energy += s.transferEnergy(at) + EnergyTransferFrom
		if allow.Cmp(pull) < 0 || !transfer(caller, at, pull) {
			return reverted() // "pull"
		}
		if allow.Cmp(erc20Unlimited) != 0 {
			allow.Sub(allow, pull)
		}
	}
	sum, failedSum := new(big.Int), new(big.Int)
	var failed int64
	for i, it := range items {
		amount := new(big.Int).SetBytes(it[:12])
		var to address.Account
		copy(to[:], it[12:])
		sum.Add(sum, amount)
		energy += EnergyMultisendItem + s.transferEnergy(to)
		if !transfer(at, to, amount) {
			failed++
			failedSum.Add(failedSum, amount)
			logs = append(logs, tron.Log{Address: at, Topics: [][32]byte{msABI.Events["Failed"].ID, common.BigToHash(big.NewInt(int64(i))), word(to)},
				Data: common.BigToHash(amount).Bytes()})
		}
	}
	if pull.Sign() > 0 && pull.Cmp(sum) != 0 {
		return reverted() // "total"
	}
	if failedSum.Sign() > 0 {
		energy += s.transferEnergy(caller)
		if !transfer(at, caller, failedSum) {
			return reverted() // "return"
		}
	}
	packed := make([]byte, 0, 32*len(items))
	for _, it := range items {
		packed = append(packed, it[:]...)
	}
	data := append(append(common.BigToHash(big.NewInt(int64(len(items)))).Bytes(), common.BigToHash(big.NewInt(failed)).Bytes()...), common.BigToHash(failedSum).Bytes()...)
	logs = append(logs, tron.Log{Address: at, Topics: [][32]byte{msABI.Events["Batch"].ID, word(s.Token), crypto.Keccak256Hash(packed)}, Data: data})
	if res := s.chargeCall(p, info, energy, false); res != "SUCCESS" {
		for a, v := range saved {
			s.balance(a).Set(v)
		}
		allow.Set(savedAllow)
		return res
	}
	info.logs = logs
	s.events = append(s.events, events...)
	return "SUCCESS"
}

var erc20Unlimited = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// chargeCall charges a contract call's energy to its owner: the owner's own
// energy first, then TRX up to the fee limit; short of that it is
// OUT_OF_ENERGY (the TRX up to the limit burnt). A call that reverted burns
// its energy and is REVERT.
func (s *Server) chargeCall(p pendingTx, info *txInfo, energy int64, reverted bool) string {
	owner := s.accounts[p.tx.Owner]
	own := min(s.energyLeft(owner), energy)
	burn := (energy - own) * EnergyPrice
	if burn > p.tx.FeeLimit || burn > owner.trx {
		info.energy = min(owner.trx, p.tx.FeeLimit)
		owner.trx -= info.energy
		owner.energyUsed += own
		return "OUT_OF_ENERGY"
	}
	owner.energyUsed += own
	owner.trx -= burn
	info.energy = burn
	if reverted {
		return "REVERT"
	}
	return "SUCCESS"
}
