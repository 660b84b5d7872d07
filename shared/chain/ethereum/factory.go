package ethereum

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
)

// ErrNoFactoryCode: the forwarder factory's address holds no contract (a
// wrong FORWARDER_FACTORY_ETHEREUM, or a chain that never had it).
var ErrNoFactoryCode = errors.New("ethereum: no contract code at the forwarder factory's address")

// FactoryABI is the ABI of the ForwarderFactory contract
// (infra/contracts/Forwarder.sol), parsed at its first use. Its abigen
// binding, package forwarder, is for tests and the local chain: it links
// go-ethereum's bind package, and with it accounts/external,
// signer/core/apitypes, the keystore and abigen's text/template, which no
// function needs to pack a sweep (issue 18). TestFactoryABIIsTheBindings
// holds the two copies equal.
var FactoryABI = sync.OnceValues(func() (*abi.ABI, error) {
	a, err := abi.JSON(strings.NewReader(factoryABIJSON))
	if err != nil {
		return nil, fmt.Errorf("ethereum: forwarder factory ABI: %w", err)
	}
	return &a, nil
})

// FactoryCaller reads a contract at the latest block (ethclient.Client).
type FactoryCaller interface {
	ethereum.ContractCaller
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
}

// FactoryImplementation reads the forwarder factory's implementation(): the
// contract every forwarder proxies to, whose code hash the sweeper checks.
// As abigen's binding does, an empty answer from an address without code
// is ErrNoFactoryCode rather than an unpacking error.
func FactoryImplementation(ctx context.Context, c FactoryCaller, factory common.Address) (common.Address, error) {
	a, err := FactoryABI()
	if err != nil {
		return common.Address{}, err
	}
	data, err := a.Pack("implementation")
	if err != nil {
		return common.Address{}, err
	}
	out, err := c.CallContract(ctx, ethereum.CallMsg{To: &factory, Data: data}, nil)
	if err != nil {
		return common.Address{}, err
	}
	if len(out) == 0 {
		code, err := c.CodeAt(ctx, factory, nil)
		if err != nil {
			return common.Address{}, err
		}
		if len(code) == 0 {
			return common.Address{}, ErrNoFactoryCode
		}
	}
	vals, err := a.Unpack("implementation", out)
	if err != nil {
		return common.Address{}, fmt.Errorf("ethereum: forwarder factory implementation(): %w", err)
	}
	if len(vals) == 1 {
		if impl, ok := vals[0].(common.Address); ok {
			return impl, nil
		}
	}
	return common.Address{}, fmt.Errorf("ethereum: forwarder factory implementation(): %d values, want one address", len(vals))
}

// factoryABIJSON is the binding's ForwarderFactoryMetaData.ABI.
const factoryABIJSON = `
[{"inputs":[{"internalType":"address","name":"owner_","type":"address"},{"internalType":"address","name":"sweepTo_","type":"address"}],"stateMutability":"nonpayable","type":"constructor"},{"anonymous":false,"inputs":[{"indexed":false,"internalType":"address","name":"owner","type":"address"},{"indexed":false,"internalType":"address","name":"sweepTo","type":"address"}],"name":"OwnerChanged","type":"event"},{"inputs":[{"internalType":"bytes32","name":"salt","type":"bytes32"}],"name":"forwarderAddress","outputs":[{"internalType":"address","name":"","type":"address"}],"stateMutability":"view","type":"function"},{"inputs":[],"name":"implementation","outputs":[{"internalType":"address","name":"","type":"address"}],"stateMutability":"view","type":"function"},{"inputs":[],"name":"owner","outputs":[{"internalType":"address","name":"","type":"address"}],"stateMutability":"view","type":"function"},{"inputs":[],"name":"proxyCodeHash","outputs":[{"internalType":"bytes32","name":"","type":"bytes32"}],"stateMutability":"view","type":"function"},{"inputs":[{"internalType":"bytes32","name":"salt","type":"bytes32"},{"internalType":"address","name":"token","type":"address"},{"internalType":"address","name":"to","type":"address"}],"name":"rescue","outputs":[],"stateMutability":"nonpayable","type":"function"},{"inputs":[{"internalType":"address","name":"owner_","type":"address"},{"internalType":"address","name":"sweepTo_","type":"address"}],"name":"setOwner","outputs":[],"stateMutability":"nonpayable","type":"function"},{"inputs":[{"internalType":"address","name":"token","type":"address"},{"internalType":"bytes32[]","name":"deploy","type":"bytes32[]"},{"internalType":"bytes","name":"items","type":"bytes"}],"name":"sweep","outputs":[],"stateMutability":"nonpayable","type":"function"},{"inputs":[],"name":"sweepTo","outputs":[{"internalType":"address","name":"","type":"address"}],"stateMutability":"view","type":"function"}]`
