package ethereum

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// TokenLayout names the storage slots of a token's mappings: balances
// (address => uint), allowances (owner => spender => uint) and the
// blacklist (address => bool). A sweep that knows them lists the slots it
// will touch in the transaction's access list (EIP-2930): 1,900 gas each
// up front instead of 2,100 at first touch, 300 gas less per forwarder
// swept. A wrong layout costs 1,900 gas per slot for nothing, never
// correctness.
type TokenLayout struct {
	Balances, Allowances, Blacklist uint64
}

// Token layouts by name (TOKEN_LAYOUT_ETHEREUM).
var TokenLayouts = map[string]TokenLayout{
	// TestUSDT (infra/contracts/TestUSDT.sol): totalSupply 0, owner and
	// paused 1, basisPointsRate 2, then the three mappings. Checked by the
	// sweep gas test, whose figure drops by the 300 gas only if it is right.
	"testusdt": {Balances: 3, Allowances: 4, Blacklist: 5},
	// Tether's TetherToken as published (Ownable/Pausable: owner and paused
	// 0, _totalSupply 1, balances 2, basisPointsRate 3, maximumFee 4,
	// allowed 5, isBlackListed 6). Read off its source, not measured here.
	"tether": {Balances: 2, Allowances: 5, Blacklist: 6},
}

func mappingSlot(key common.Address, slot common.Hash) common.Hash {
	return crypto.Keccak256Hash(common.LeftPadBytes(key.Bytes(), 32), slot.Bytes())
}

// SweepAccessList lists the token slots factory.sweep touches for each
// forwarder: its balance, its blacklist entry and its allowance to the
// factory. The hot wallet's balance slot is touched once per sweep and is
// left out (listing it saves nothing).
func (l TokenLayout) SweepAccessList(token, factory common.Address, forwarders []common.Address) types.AccessList {
	keys := make([]common.Hash, 0, 3*len(forwarders))
	bal, allow, black := common.BigToHash(new(big.Int).SetUint64(l.Balances)), common.BigToHash(new(big.Int).SetUint64(l.Allowances)), common.BigToHash(new(big.Int).SetUint64(l.Blacklist))
	for _, f := range forwarders {
		keys = append(keys, mappingSlot(f, bal), mappingSlot(f, black), mappingSlot(factory, mappingSlot(f, allow)))
	}
	return types.AccessList{{Address: token, StorageKeys: keys}}
}
