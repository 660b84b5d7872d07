package tronfix

import (
	"strconv"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
)

// The fixture's resource model (mainnet's shape, its own figures): every
// account has FreeNetPerDay bytes of bandwidth a day, and staked TRX gives
// energy at TotalEnergyLimit / TotalEnergyWeight per TRX (10 energy per TRX
// a day here). Used energy and bandwidth come back linearly over a day of
// block time.
const (
	FreeNetPerDay     = 600
	TotalEnergyLimit  = 180_000_000_000
	TotalEnergyWeight = 18_000_000_000 // TRX staked for energy, network-wide
	day               = 24 * 3600 * 1000
)

// account is what the fixture keeps of an account that exists.
type account struct {
	trx          int64 // sun
	stakedEnergy int64 // sun staked for energy, including what is delegated out
	delegatedOut int64 // sun of that delegated to others
	received     int64 // sun delegated to this account by others
	energyUsed   int64
	freeNetUsed  int64
}

func energyOf(sun int64) int64 { return sun / 1_000_000 * TotalEnergyLimit / TotalEnergyWeight }

func (s *Server) energyLimit(a *account) int64 {
	return energyOf(a.stakedEnergy - a.delegatedOut + a.received)
}

func (s *Server) energyLeft(a *account) int64 { return max(s.energyLimit(a)-a.energyUsed, 0) }

// recover gives back the energy and bandwidth used, linearly over a day.
func (s *Server) recover(now int64) {
	dt := now - s.recovered
	if s.recovered == 0 || dt <= 0 {
		s.recovered = now
		return
	}
	for _, a := range s.accounts {
		a.energyUsed -= min(a.energyUsed, a.energyUsed*dt/day)
		a.freeNetUsed -= min(a.freeNetUsed, a.freeNetUsed*dt/day)
	}
	s.recovered = now
}

// validate is what a node checks of a transaction before taking it: the
// owner's account exists and can pay for the bandwidth, and the contract
// can run (its other checks are made when it is applied).
func (s *Server) validate(tx tron.Tx, netBytes int64) map[string]any {
	owner := s.accounts[tx.Owner]
	if owner == nil {
		return refusal("CONTRACT_VALIDATE_ERROR", "Validate "+kind(tx)+" error, no OwnerAccount.")
	}
	creates := tx.Type == tron.TypeAccountCreate || (tx.Type == tron.TypeTransfer && s.accounts[tx.Account] == nil)
	if !creates && owner.freeNetUsed+netBytes > FreeNetPerDay && owner.trx < netBytes*BandwidthPrice {
		return refusal("BANDWITH_ERROR", "Account resource insufficient error.")
	}
	switch tx.Type {
	case tron.TypeAccountCreate:
		if s.accounts[tx.Account] != nil {
			return refusal("CONTRACT_VALIDATE_ERROR", "Account has existed")
		}
		if owner.trx < CreateAccountFee {
			return refusal("CONTRACT_VALIDATE_ERROR", "Validate CreateAccountActuator error, insufficient fee.")
		}
	case tron.TypeTransfer:
		need := tx.Balance
		if creates {
			need += CreateAccountFee
		}
		if owner.trx < need {
			return refusal("CONTRACT_VALIDATE_ERROR", "Validate TransferContract error, balance is not sufficient.")
		}
	case tron.TypeDelegateResource:
		if s.accounts[tx.Account] == nil {
			return refusal("CONTRACT_VALIDATE_ERROR", "Account does not exist")
		}
		if tx.Balance < 1_000_000 || owner.stakedEnergy-owner.delegatedOut < tx.Balance {
			return refusal("CONTRACT_VALIDATE_ERROR", "delegateBalance must be greater than or equal to 1 TRX and less than or equal to the available FreezeEnergyV2 balance")
		}
	case tron.TypeUnDelegateResource:
		if s.delegs[[2]address.Account{tx.Owner, tx.Account}] < tx.Balance {
			return refusal("CONTRACT_VALIDATE_ERROR", "insufficient delegatedFrozenBalance(Energy), request="+strconv.FormatInt(tx.Balance, 10))
		}
	}
	return nil
}

func kind(tx tron.Tx) string {
	switch tx.Type {
	case tron.TypeAccountCreate:
		return "CreateAccountActuator"
	case tron.TypeDelegateResource:
		return "DelegateResourceActuator"
	case tron.TypeUnDelegateResource:
		return "UnDelegateResourceActuator"
	case tron.TypeTransfer:
		return "TransferContract"
	}
	return "TriggerSmartContract"
}

func (s *Server) parse(addr string) (*account, address.Account, bool) {
	a, ok := nodeAddr(addr) // base58, or hex with the 41 prefix (TronWeb)
	if !ok {
		return nil, a, false
	}
	return s.accounts[a], a, true
}

// resources answers getaccountresource ({} for an account that does not
// exist, as a node answers).
func (s *Server) resources(addr string) map[string]any {
	a, _, _ := s.parse(addr)
	if a == nil {
		return map[string]any{}
	}
	s.recover(s.head().time)
	return map[string]any{"freeNetLimit": FreeNetPerDay, "freeNetUsed": a.freeNetUsed, "EnergyLimit": s.energyLimit(a),
		"EnergyUsed": a.energyUsed, "TotalEnergyLimit": TotalEnergyLimit, "TotalEnergyWeight": TotalEnergyWeight}
}

// getAccount answers getaccount ({} for an account that does not exist).
func (s *Server) getAccount(addr string) map[string]any {
	a, acct, _ := s.parse(addr)
	if a == nil {
		return map[string]any{}
	}
	out := map[string]any{"address": acct.Tron(), "balance": a.trx,
		"frozenV2": []map[string]any{{}, {"type": "ENERGY", "amount": a.stakedEnergy - a.delegatedOut}},
		"account_resource": map[string]any{"delegated_frozenV2_balance_for_energy": a.delegatedOut,
			"acquired_delegated_frozenV2_balance_for_energy": a.received}}
	return out
}

// canDelegate answers getcandelegatedmaxsize for energy.
func (s *Server) canDelegate(addr string) map[string]any {
	a, _, _ := s.parse(addr)
	if a == nil {
		return map[string]any{}
	}
	return map[string]any{"max_size": a.stakedEnergy - a.delegatedOut}
}

// FundTRX creates acct if need be and gives it sun TRX (setup only).
func (s *Server) FundTRX(acct address.Account, sun int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensure(acct).trx += sun
}

// StakeEnergy creates acct if need be and stakes sun TRX of new money for
// energy (setup only: FreezeBalanceV2).
func (s *Server) StakeEnergy(acct address.Account, sun int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensure(acct).stakedEnergy += sun
}

func (s *Server) ensure(acct address.Account) *account {
	a := s.accounts[acct]
	if a == nil {
		a = &account{}
		s.accounts[acct] = a
	}
	return a
}

// Account is what the fixture knows of an account.
type Account struct {
	Exists    bool
	TRX       int64 // sun
	Delegated int64 // sun of its staked TRX lent to others
	Received  int64 // sun lent to it
}

// Inspect reports acct's TRX and the energy it lends and borrows.
func (s *Server) Inspect(acct address.Account) Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[acct]
	if a == nil {
		return Account{}
	}
	return Account{Exists: true, TRX: a.trx, Delegated: a.delegatedOut, Received: a.received}
}

// Allowance is what spender may draw of owner's tokens.
func (s *Server) Allowance(owner, spender address.Account) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.allowance(owner, spender).String()
}

// Pending is how many transactions wait for the next block.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}
