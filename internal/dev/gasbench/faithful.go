package gasbench

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/internal/dev/gasbench/benchtoken"
)

// Tether's token (mainnet 0xdAC17F958D2ee523a2206206994597C13D831ec7) keeps
// its state in these slots; TetherUSDT keeps the same. A token's runtime code
// installed with TetherState behaves as a deployed Tether token whose owner
// holds the supply, whatever compiler built it, so two codes are measured on
// exactly the same state.
const (
	slotOwnerPaused = 0 // owner (20 bytes), then paused (1 byte)
	slotBalances    = 2
	slotBasisPoints = 3
	slotMaximumFee  = 4
	slotAllowed     = 5
	slotBlackList   = 6
	slotUpgraded    = 10 // upgradedAddress, then deprecated (1 byte)
)

// TetherReference is what Tether's token (mainnet
// 0xdAC17F958D2ee523a2206206994597C13D831ec7) costs, measured by
// cmd/tetherref on its code built from its published source (solc 0.4.18,
// optimizer off, as verified on Etherscan) and installed on TetherState: a
// transfer of 1 USDT to a fresh holder and to an existing one (whole
// transactions, mainnet's rules), and the execution of a transferFrom by an
// approved spender. Tether's code is not kept here: set TETHER_RUNTIME to a
// file holding it (hex; eth_getCode on mainnet gives it) and the test and
// make bench measure it instead.
//
// InBatch and InSweep are the same code's warm paths, measured by
// TraceBatchRow and TraceSweepRow (a row's token frame): transfer as
// Multisend calls it inside a batch (everything the token touches already
// warm but the recipient's balance), and transferFrom as the forwarder
// factory calls it inside a steady-state sweep with its access list.
var TetherReference = struct {
	Transfer     TransferCost
	TransferFrom uint64
	InBatch      TransferCost
	InSweep      uint64
}{TransferCost{Fresh: 62_993, Existing: 45_893}, 40_830, TransferCost{Fresh: 26_801, Existing: 9_701}, 7_730}

// TetherRuntimeFromEnv reads the runtime code named by TETHER_RUNTIME (nil
// when it is not set).
func TetherRuntimeFromEnv() ([]byte, error) {
	path := os.Getenv("TETHER_RUNTIME")
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	code, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
	if err != nil {
		return nil, fmt.Errorf("TETHER_RUNTIME: %w", err)
	}
	return code, nil
}

// MapSlot is the storage slot of m[key] for a mapping at slot m.
func MapSlot(key common.Address, m uint64) common.Hash {
	return crypto.Keccak256Hash(common.LeftPadBytes(key.Bytes(), 32), common.BigToHash(new(big.Int).SetUint64(m)).Bytes())
}

// TetherState is the storage of a Tether token owned by owner, who holds
// supply; fee parameters zero (as on mainnet since 2017), not paused, not
// deprecated.
func TetherState(owner common.Address, supply *big.Int) map[common.Hash]common.Hash {
	return map[common.Hash]common.Hash{
		common.BigToHash(big.NewInt(slotOwnerPaused)): common.BytesToHash(owner.Bytes()),
		common.BigToHash(big.NewInt(1)):               common.BigToHash(supply), // _totalSupply
		MapSlot(owner, slotBalances):                  common.BigToHash(supply),
		common.BigToHash(big.NewInt(9)):               common.BigToHash(big.NewInt(6)), // decimals
	}
}

// TransferCost is the gas of transfer(to, 1 USDT) from a holder, whole
// transactions on mainnet's rules: to an address that holds none (a fresh
// holder: its balance slot goes from zero to non-zero) and again to the
// same address (an existing holder).
type TransferCost struct{ Fresh, Existing uint64 }

// MeasureTransfer installs code as a Tether token and measures a transfer
// to a fresh, then to an existing holder, each in its own transaction.
func MeasureTransfer(code []byte) (TransferCost, error) {
	key, _ := crypto.GenerateKey()
	holder := crypto.PubkeyToAddress(key.PublicKey)
	token := common.HexToAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")
	sim := simulated.NewBackend(types.GenesisAlloc{
		holder: {Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))},
		token:  {Code: code, Storage: TetherState(holder, big.NewInt(1_000_000_000_000)), Balance: new(big.Int)},
	}, MainnetLike)
	defer func() { _ = sim.Close() }()
	ec := sim.Client()
	chainID, err := ec.ChainID(context.Background())
	if err != nil {
		return TransferCost{}, err
	}
	to := common.HexToAddress("0x00000000000000000000000000000000000b0b01")
	var out TransferCost
	for nonce, g := range []*uint64{&out.Fresh, &out.Existing} {
		tx, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: uint64(nonce), GasTipCap: big.NewInt(params.GWei),
			GasFeeCap: big.NewInt(20 * params.GWei), Gas: 200_000, To: &token, Data: TransferCalldata(to, big.NewInt(1_000_000))}),
			types.LatestSignerForChainID(chainID), key)
		if err != nil {
			return out, err
		}
		if err := ec.SendTransaction(context.Background(), tx); err != nil {
			return out, err
		}
		rs, err := mined(sim, tx)
		if err != nil {
			return out, fmt.Errorf("transfer %d: %w", nonce, err)
		}
		*g = rs[0].GasUsed
	}
	return out, nil
}

// TransferCalldata is transfer(to, value)'s call data.
func TransferCalldata(to common.Address, value *big.Int) []byte {
	data := append([]byte{0xa9, 0x05, 0x9c, 0xbb}, common.LeftPadBytes(to.Bytes(), 32)...)
	return append(data, common.LeftPadBytes(value.Bytes(), 32)...)
}

// Access is one storage access or event of a call, in the order it ran.
type Access struct {
	Op   string      // SLOAD, SSTORE, LOG3...
	Slot common.Hash // the slot (zero for a LOG)
}

func (a Access) String() string {
	if a.Op[:3] == "LOG" {
		return a.Op
	}
	return a.Op + " " + a.Slot.Hex()
}

// TransferAccesses runs transfer(to, value) from holder on code installed as
// a Tether token and returns its storage accesses and events in order, and
// the gas the call's execution used (without the transaction's intrinsic
// cost).
func TransferAccesses(code []byte, holder, to common.Address, value *big.Int) ([]Access, uint64, error) {
	return CallAccesses(code, holder, holder, TransferCalldata(to, value))
}

// TransferFromAccesses is TransferAccesses for transferFrom(holder, to,
// value) called by spender, which holder has approved for MAX_UINT (as a
// forwarder approves the factory that sweeps it).
func TransferFromAccesses(code []byte, holder, spender, to common.Address, value *big.Int) ([]Access, uint64, error) {
	data := append([]byte{0x23, 0xb8, 0x72, 0xdd}, common.LeftPadBytes(holder.Bytes(), 32)...)
	data = append(data, common.LeftPadBytes(to.Bytes(), 32)...)
	return CallAccesses(code, holder, spender, append(data, common.LeftPadBytes(value.Bytes(), 32)...))
}

// AllowedSlot is the slot of allowed[holder][spender].
func AllowedSlot(holder, spender common.Address) common.Hash {
	return crypto.Keccak256Hash(common.LeftPadBytes(spender.Bytes(), 32), MapSlot(holder, slotAllowed).Bytes())
}

// CallAccesses runs data from caller on code installed as a Tether token
// whose owner, holder, holds the supply and has approved caller for
// MAX_UINT.
func CallAccesses(code []byte, holder, caller common.Address, data []byte) ([]Access, uint64, error) {
	token := common.HexToAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")
	db, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		return nil, 0, err
	}
	db.SetCode(token, code, tracing.CodeChangeUnspecified)
	for k, v := range TetherState(holder, big.NewInt(1_000_000_000_000)) {
		db.SetState(token, k, v)
	}
	db.SetState(token, AllowedSlot(holder, caller), common.MaxHash)
	var acc []Access
	hooks := &tracing.Hooks{OnOpcode: func(_ uint64, op byte, _, _ uint64, scope tracing.OpContext, _ []byte, depth int, _ error) {
		o := vm.OpCode(op)
		switch {
		case depth != 1:
		case o == vm.SLOAD || o == vm.SSTORE:
			st := scope.StackData()
			acc = append(acc, Access{Op: o.String(), Slot: common.Hash(st[len(st)-1].Bytes32())})
		case o >= vm.LOG0 && o <= vm.LOG4:
			acc = append(acc, Access{Op: o.String()})
		}
	}}
	_, left, err := runtime.Call(token, data, &runtime.Config{Origin: caller, State: db, GasLimit: 1_000_000,
		EVMConfig: vm.Config{Tracer: hooks}})
	return acc, 1_000_000 - left, err
}

// FaithfulRuntime is TetherUSDT's runtime code: deployed once on a scratch
// chain and read back.
func FaithfulRuntime() ([]byte, error) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	sim := simulated.NewBackend(types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))}}, MainnetLike)
	defer func() { _ = sim.Close() }()
	ec := sim.Client()
	chainID, _ := ec.ChainID(context.Background())
	auth, err := bind.NewKeyedTransactorWithChainID(key, chainID)
	if err != nil {
		return nil, err
	}
	at, tx, _, err := benchtoken.DeployTetherUSDT(auth, ec, big.NewInt(0))
	if err != nil {
		return nil, err
	}
	if _, err := mined(sim, tx); err != nil {
		return nil, err
	}
	return ec.CodeAt(context.Background(), at, nil)
}
