// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package forwarder

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// ForwarderFactoryMetaData contains all meta data concerning the ForwarderFactory contract.
var ForwarderFactoryMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"sweepTo_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"sweepTo\",\"type\":\"address\"}],\"name\":\"OwnerChanged\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"}],\"name\":\"forwarderAddress\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"implementation\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"proxyCodeHash\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"rescue\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"sweepTo_\",\"type\":\"address\"}],\"name\":\"setOwner\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"bytes32[]\",\"name\":\"deploy\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes\",\"name\":\"items\",\"type\":\"bytes\"}],\"name\":\"sweep\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"sweepTo\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x60c060405234801561000f575f5ffd5b50604051610e74380380610e7483398101604081905261002e9161012c565b60405161003a90610104565b604051809103905ff080158015610053573d5f5f3e3d5ffd5b506001600160a01b038116608052604080517f3d602d80600a3d3981f3363d3d373d3d3d363d73000000000000000000000000602082015260609290921b6001600160601b03191660348301526e5af43d82803e903d91602b57fd5bf360881b60488301528051808303603701815260579092019052805160209091012060a0525f80546001600160a01b039384166001600160a01b0319918216179091556001805492909316911617905561015d565b6105188061095c83390190565b80516001600160a01b0381168114610127575f5ffd5b919050565b5f5f6040838503121561013d575f5ffd5b61014683610111565b915061015460208401610111565b90509250929050565b60805160a0516107c36101995f395f81816101450152818161017c0152818161041901526104ef01525f818160e601526102e901526107c35ff3fe608060405234801561000f575f5ffd5b5060043610610085575f3560e01c80637ea219a5116100585780637ea219a5146101085780638da5cb5b1461011b578063ddb827401461012d578063eee3911114610140575f5ffd5b80630d8e654d14610089578063299a7bcc146100b957806359874db6146100ce5780635c60da1b146100e1575b5f5ffd5b61009c6100973660046105a4565b610175565b6040516001600160a01b0390911681526020015b60405180910390f35b6100cc6100c73660046105d6565b6101a6565b005b6100cc6100dc36600461064c565b610245565b61009c7f000000000000000000000000000000000000000000000000000000000000000081565b60015461009c906001600160a01b031681565b5f5461009c906001600160a01b031681565b6100cc61013b3660046106fe565b6104c0565b6101677f000000000000000000000000000000000000000000000000000000000000000081565b6040519081526020016100b0565b5f6101a0827f0000000000000000000000000000000000000000000000000000000000000000610578565b92915050565b5f546001600160a01b031633146101d85760405162461bcd60e51b81526004016101cf90610737565b60405180910390fd5b5f80546001600160a01b038481166001600160a01b03199283168117909355600180549185169190921681179091556040805192835260208301919091527fb532073b38c83145e3e5135377a08bf9aab55bc0fd7c1179cd4fb995d2a5159c910160405180910390a15050565b5f546001600160a01b0316331461026e5760405162461bcd60e51b81526004016101cf90610737565b610279600c8261075a565b156102ae5760405162461bcd60e51b81526020600482015260056024820152646974656d7360d81b60448201526064016101cf565b5f5b838110156104075760408051733d602d80600a3d3981f3363d3d373d3d3d363d7360601b60208201526bffffffffffffffffffffffff197f000000000000000000000000000000000000000000000000000000000000000060601b1660348201526e5af43d82803e903d91602b57fd5bf360881b60488201528151603781830301815260579091019091525f86868481811061034e5761034e610779565b9050602002013590505f818351602085015ff590506001600160a01b0381166103a25760405162461bcd60e51b81526020600482015260066024820152656465706c6f7960d01b60448201526064016101cf565b60405163adda33c560e01b81526001600160a01b038a8116600483015282169063adda33c5906024015f604051808303815f87803b1580156103e2575f5ffd5b505af11580156103f4573d5f5f3e3d5ffd5b5050600190950194506102b09350505050565b506001805460ff60a01b3017610100527f00000000000000000000000000000000000000000000000000000000000000006101408190526323b872dd60e01b6080526001600160a01b0391821660a48190525f939093529190848401855b818110156104b457803560e081901c61012052605561010b20841660845260a01c67ffffffffffffffff1660c45260205f60646080828e5af160015f5114166104ac575f5ffd5b600c01610465565b50505050505050505050565b5f546001600160a01b031633146104e95760405162461bcd60e51b81526004016101cf90610737565b610513837f0000000000000000000000000000000000000000000000000000000000000000610578565b604051634e7eee1b60e11b81526001600160a01b03848116600483015283811660248301529190911690639cfddc36906044015f604051808303815f87803b15801561055d575f5ffd5b505af115801561056f573d5f5f3e3d5ffd5b50505050505050565b6040805160ff60a01b3017815260208101939093528201526055600b909101206001600160a01b031690565b5f602082840312156105b4575f5ffd5b5035919050565b80356001600160a01b03811681146105d1575f5ffd5b919050565b5f5f604083850312156105e7575f5ffd5b6105f0836105bb565b91506105fe602084016105bb565b90509250929050565b5f5f83601f840112610617575f5ffd5b50813567ffffffffffffffff81111561062e575f5ffd5b602083019150836020828501011115610645575f5ffd5b9250929050565b5f5f5f5f5f60608688031215610660575f5ffd5b610669866105bb565b9450602086013567ffffffffffffffff811115610684575f5ffd5b8601601f81018813610694575f5ffd5b803567ffffffffffffffff8111156106aa575f5ffd5b8860208260051b84010111156106be575f5ffd5b60209190910194509250604086013567ffffffffffffffff8111156106e1575f5ffd5b6106ed88828901610607565b969995985093965092949392505050565b5f5f5f60608486031215610710575f5ffd5b83359250610720602085016105bb565b915061072e604085016105bb565b90509250925092565b6020808252600990820152683737ba1037bbb732b960b91b604082015260600190565b5f8261077457634e487b7160e01b5f52601260045260245ffd5b500690565b634e487b7160e01b5f52603260045260245ffdfea2646970667358221220ab23835948fd95e9be58feab857311c5883e0e8aa897155c09dfc86f3558e78964736f6c6343000825003360a0604052348015600e575f5ffd5b50336080526080516104da61003e5f395f818160700152818160b90152818161027f01526102e801526104da5ff3fe608060405234801561000f575f5ffd5b506004361061003f575f3560e01c80639cfddc3614610043578063adda33c514610058578063c45a01551461006b575b5f5ffd5b610056610051366004610407565b6100ae565b005b610056610066366004610438565b610274565b6100927f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b03909116815260200160405180910390f35b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461011a5760405162461bcd60e51b815260206004820152600c60248201526b6f6e6c7920666163746f727960a01b60448201526064015b60405180910390fd5b604080513060248083019190915282518083039091018152604490910182526020810180516001600160e01b03166370a0823160e01b17905290515f9182916001600160a01b0386169161016d91610458565b5f60405180830381855afa9150503d805f81146101a5576040519150601f19603f3d011682016040523d82523d5f602084013e6101aa565b606091505b50915091508180156101be57506020815110155b6101f65760405162461bcd60e51b81526020600482015260096024820152683130b630b731b2a7b360b91b6044820152606401610111565b5f8180602001905181019061020b919061046e565b9050801561026d576040516001600160a01b03851660248201526044810182905261026d90869063a9059cbb906064015b6040516020818303038152906040529060e01b6020820180516001600160e01b03838183161783525050505061032b565b5050505050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146102db5760405162461bcd60e51b815260206004820152600c60248201526b6f6e6c7920666163746f727960a01b6044820152606401610111565b6040516001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001660248201525f19604482015261032890829063095ea7b39060640161023c565b50565b5f5f836001600160a01b0316836040516103459190610458565b5f604051808303815f865af19150503d805f811461037e576040519150601f19603f3d011682016040523d82523d5f602084013e610383565b606091505b50915091508180156103ad5750805115806103ad5750808060200190518101906103ad9190610485565b6103e65760405162461bcd60e51b815260206004820152600a6024820152691d1bdad95b8818d85b1b60b21b6044820152606401610111565b50505050565b80356001600160a01b0381168114610402575f5ffd5b919050565b5f5f60408385031215610418575f5ffd5b610421836103ec565b915061042f602084016103ec565b90509250929050565b5f60208284031215610448575f5ffd5b610451826103ec565b9392505050565b5f82518060208501845e5f920191825250919050565b5f6020828403121561047e575f5ffd5b5051919050565b5f60208284031215610495575f5ffd5b81518015158114610451575f5ffdfea264697066735822122012c6770dfacdc36e817287d55ac55749b16fbf087d7442bebe061e906a98143464736f6c63430008250033",
}

// ForwarderFactoryABI is the input ABI used to generate the binding from.
// Deprecated: Use ForwarderFactoryMetaData.ABI instead.
var ForwarderFactoryABI = ForwarderFactoryMetaData.ABI

// ForwarderFactoryBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use ForwarderFactoryMetaData.Bin instead.
var ForwarderFactoryBin = ForwarderFactoryMetaData.Bin

// DeployForwarderFactory deploys a new Ethereum contract, binding an instance of ForwarderFactory to it.
func DeployForwarderFactory(auth *bind.TransactOpts, backend bind.ContractBackend, owner_ common.Address, sweepTo_ common.Address) (common.Address, *types.Transaction, *ForwarderFactory, error) {
	parsed, err := ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(ForwarderFactoryBin), backend, owner_, sweepTo_)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &ForwarderFactory{ForwarderFactoryCaller: ForwarderFactoryCaller{contract: contract}, ForwarderFactoryTransactor: ForwarderFactoryTransactor{contract: contract}, ForwarderFactoryFilterer: ForwarderFactoryFilterer{contract: contract}}, nil
}

// ForwarderFactory is an auto generated Go binding around an Ethereum contract.
type ForwarderFactory struct {
	ForwarderFactoryCaller     // Read-only binding to the contract
	ForwarderFactoryTransactor // Write-only binding to the contract
	ForwarderFactoryFilterer   // Log filterer for contract events
}

// ForwarderFactoryCaller is an auto generated read-only Go binding around an Ethereum contract.
type ForwarderFactoryCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ForwarderFactoryTransactor is an auto generated write-only Go binding around an Ethereum contract.
type ForwarderFactoryTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ForwarderFactoryFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type ForwarderFactoryFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ForwarderFactorySession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type ForwarderFactorySession struct {
	Contract     *ForwarderFactory // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// ForwarderFactoryCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type ForwarderFactoryCallerSession struct {
	Contract *ForwarderFactoryCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts           // Call options to use throughout this session
}

// ForwarderFactoryTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type ForwarderFactoryTransactorSession struct {
	Contract     *ForwarderFactoryTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts           // Transaction auth options to use throughout this session
}

// ForwarderFactoryRaw is an auto generated low-level Go binding around an Ethereum contract.
type ForwarderFactoryRaw struct {
	Contract *ForwarderFactory // Generic contract binding to access the raw methods on
}

// ForwarderFactoryCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type ForwarderFactoryCallerRaw struct {
	Contract *ForwarderFactoryCaller // Generic read-only contract binding to access the raw methods on
}

// ForwarderFactoryTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type ForwarderFactoryTransactorRaw struct {
	Contract *ForwarderFactoryTransactor // Generic write-only contract binding to access the raw methods on
}

// NewForwarderFactory creates a new instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactory(address common.Address, backend bind.ContractBackend) (*ForwarderFactory, error) {
	contract, err := bindForwarderFactory(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactory{ForwarderFactoryCaller: ForwarderFactoryCaller{contract: contract}, ForwarderFactoryTransactor: ForwarderFactoryTransactor{contract: contract}, ForwarderFactoryFilterer: ForwarderFactoryFilterer{contract: contract}}, nil
}

// NewForwarderFactoryCaller creates a new read-only instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactoryCaller(address common.Address, caller bind.ContractCaller) (*ForwarderFactoryCaller, error) {
	contract, err := bindForwarderFactory(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactoryCaller{contract: contract}, nil
}

// NewForwarderFactoryTransactor creates a new write-only instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactoryTransactor(address common.Address, transactor bind.ContractTransactor) (*ForwarderFactoryTransactor, error) {
	contract, err := bindForwarderFactory(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactoryTransactor{contract: contract}, nil
}

// NewForwarderFactoryFilterer creates a new log filterer instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactoryFilterer(address common.Address, filterer bind.ContractFilterer) (*ForwarderFactoryFilterer, error) {
	contract, err := bindForwarderFactory(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactoryFilterer{contract: contract}, nil
}

// bindForwarderFactory binds a generic wrapper to an already deployed contract.
func bindForwarderFactory(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ForwarderFactory *ForwarderFactoryRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ForwarderFactory.Contract.ForwarderFactoryCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ForwarderFactory *ForwarderFactoryRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.ForwarderFactoryTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ForwarderFactory *ForwarderFactoryRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.ForwarderFactoryTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ForwarderFactory *ForwarderFactoryCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ForwarderFactory.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ForwarderFactory *ForwarderFactoryTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ForwarderFactory *ForwarderFactoryTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.contract.Transact(opts, method, params...)
}

// ForwarderAddress is a free data retrieval call binding the contract method 0x0d8e654d.
//
// Solidity: function forwarderAddress(bytes32 salt) view returns(address)
func (_ForwarderFactory *ForwarderFactoryCaller) ForwarderAddress(opts *bind.CallOpts, salt [32]byte) (common.Address, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "forwarderAddress", salt)

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// ForwarderAddress is a free data retrieval call binding the contract method 0x0d8e654d.
//
// Solidity: function forwarderAddress(bytes32 salt) view returns(address)
func (_ForwarderFactory *ForwarderFactorySession) ForwarderAddress(salt [32]byte) (common.Address, error) {
	return _ForwarderFactory.Contract.ForwarderAddress(&_ForwarderFactory.CallOpts, salt)
}

// ForwarderAddress is a free data retrieval call binding the contract method 0x0d8e654d.
//
// Solidity: function forwarderAddress(bytes32 salt) view returns(address)
func (_ForwarderFactory *ForwarderFactoryCallerSession) ForwarderAddress(salt [32]byte) (common.Address, error) {
	return _ForwarderFactory.Contract.ForwarderAddress(&_ForwarderFactory.CallOpts, salt)
}

// Implementation is a free data retrieval call binding the contract method 0x5c60da1b.
//
// Solidity: function implementation() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCaller) Implementation(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "implementation")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Implementation is a free data retrieval call binding the contract method 0x5c60da1b.
//
// Solidity: function implementation() view returns(address)
func (_ForwarderFactory *ForwarderFactorySession) Implementation() (common.Address, error) {
	return _ForwarderFactory.Contract.Implementation(&_ForwarderFactory.CallOpts)
}

// Implementation is a free data retrieval call binding the contract method 0x5c60da1b.
//
// Solidity: function implementation() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCallerSession) Implementation() (common.Address, error) {
	return _ForwarderFactory.Contract.Implementation(&_ForwarderFactory.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_ForwarderFactory *ForwarderFactorySession) Owner() (common.Address, error) {
	return _ForwarderFactory.Contract.Owner(&_ForwarderFactory.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCallerSession) Owner() (common.Address, error) {
	return _ForwarderFactory.Contract.Owner(&_ForwarderFactory.CallOpts)
}

// ProxyCodeHash is a free data retrieval call binding the contract method 0xeee39111.
//
// Solidity: function proxyCodeHash() view returns(bytes32)
func (_ForwarderFactory *ForwarderFactoryCaller) ProxyCodeHash(opts *bind.CallOpts) ([32]byte, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "proxyCodeHash")

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// ProxyCodeHash is a free data retrieval call binding the contract method 0xeee39111.
//
// Solidity: function proxyCodeHash() view returns(bytes32)
func (_ForwarderFactory *ForwarderFactorySession) ProxyCodeHash() ([32]byte, error) {
	return _ForwarderFactory.Contract.ProxyCodeHash(&_ForwarderFactory.CallOpts)
}

// ProxyCodeHash is a free data retrieval call binding the contract method 0xeee39111.
//
// Solidity: function proxyCodeHash() view returns(bytes32)
func (_ForwarderFactory *ForwarderFactoryCallerSession) ProxyCodeHash() ([32]byte, error) {
	return _ForwarderFactory.Contract.ProxyCodeHash(&_ForwarderFactory.CallOpts)
}

// SweepTo is a free data retrieval call binding the contract method 0x7ea219a5.
//
// Solidity: function sweepTo() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCaller) SweepTo(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "sweepTo")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// SweepTo is a free data retrieval call binding the contract method 0x7ea219a5.
//
// Solidity: function sweepTo() view returns(address)
func (_ForwarderFactory *ForwarderFactorySession) SweepTo() (common.Address, error) {
	return _ForwarderFactory.Contract.SweepTo(&_ForwarderFactory.CallOpts)
}

// SweepTo is a free data retrieval call binding the contract method 0x7ea219a5.
//
// Solidity: function sweepTo() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCallerSession) SweepTo() (common.Address, error) {
	return _ForwarderFactory.Contract.SweepTo(&_ForwarderFactory.CallOpts)
}

// Rescue is a paid mutator transaction binding the contract method 0xddb82740.
//
// Solidity: function rescue(bytes32 salt, address token, address to) returns()
func (_ForwarderFactory *ForwarderFactoryTransactor) Rescue(opts *bind.TransactOpts, salt [32]byte, token common.Address, to common.Address) (*types.Transaction, error) {
	return _ForwarderFactory.contract.Transact(opts, "rescue", salt, token, to)
}

// Rescue is a paid mutator transaction binding the contract method 0xddb82740.
//
// Solidity: function rescue(bytes32 salt, address token, address to) returns()
func (_ForwarderFactory *ForwarderFactorySession) Rescue(salt [32]byte, token common.Address, to common.Address) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Rescue(&_ForwarderFactory.TransactOpts, salt, token, to)
}

// Rescue is a paid mutator transaction binding the contract method 0xddb82740.
//
// Solidity: function rescue(bytes32 salt, address token, address to) returns()
func (_ForwarderFactory *ForwarderFactoryTransactorSession) Rescue(salt [32]byte, token common.Address, to common.Address) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Rescue(&_ForwarderFactory.TransactOpts, salt, token, to)
}

// SetOwner is a paid mutator transaction binding the contract method 0x299a7bcc.
//
// Solidity: function setOwner(address owner_, address sweepTo_) returns()
func (_ForwarderFactory *ForwarderFactoryTransactor) SetOwner(opts *bind.TransactOpts, owner_ common.Address, sweepTo_ common.Address) (*types.Transaction, error) {
	return _ForwarderFactory.contract.Transact(opts, "setOwner", owner_, sweepTo_)
}

// SetOwner is a paid mutator transaction binding the contract method 0x299a7bcc.
//
// Solidity: function setOwner(address owner_, address sweepTo_) returns()
func (_ForwarderFactory *ForwarderFactorySession) SetOwner(owner_ common.Address, sweepTo_ common.Address) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.SetOwner(&_ForwarderFactory.TransactOpts, owner_, sweepTo_)
}

// SetOwner is a paid mutator transaction binding the contract method 0x299a7bcc.
//
// Solidity: function setOwner(address owner_, address sweepTo_) returns()
func (_ForwarderFactory *ForwarderFactoryTransactorSession) SetOwner(owner_ common.Address, sweepTo_ common.Address) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.SetOwner(&_ForwarderFactory.TransactOpts, owner_, sweepTo_)
}

// Sweep is a paid mutator transaction binding the contract method 0x59874db6.
//
// Solidity: function sweep(address token, bytes32[] deploy, bytes items) returns()
func (_ForwarderFactory *ForwarderFactoryTransactor) Sweep(opts *bind.TransactOpts, token common.Address, deploy [][32]byte, items []byte) (*types.Transaction, error) {
	return _ForwarderFactory.contract.Transact(opts, "sweep", token, deploy, items)
}

// Sweep is a paid mutator transaction binding the contract method 0x59874db6.
//
// Solidity: function sweep(address token, bytes32[] deploy, bytes items) returns()
func (_ForwarderFactory *ForwarderFactorySession) Sweep(token common.Address, deploy [][32]byte, items []byte) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Sweep(&_ForwarderFactory.TransactOpts, token, deploy, items)
}

// Sweep is a paid mutator transaction binding the contract method 0x59874db6.
//
// Solidity: function sweep(address token, bytes32[] deploy, bytes items) returns()
func (_ForwarderFactory *ForwarderFactoryTransactorSession) Sweep(token common.Address, deploy [][32]byte, items []byte) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Sweep(&_ForwarderFactory.TransactOpts, token, deploy, items)
}

// ForwarderFactoryOwnerChangedIterator is returned from FilterOwnerChanged and is used to iterate over the raw logs and unpacked data for OwnerChanged events raised by the ForwarderFactory contract.
type ForwarderFactoryOwnerChangedIterator struct {
	Event *ForwarderFactoryOwnerChanged // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *ForwarderFactoryOwnerChangedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(ForwarderFactoryOwnerChanged)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(ForwarderFactoryOwnerChanged)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *ForwarderFactoryOwnerChangedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *ForwarderFactoryOwnerChangedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// ForwarderFactoryOwnerChanged represents a OwnerChanged event raised by the ForwarderFactory contract.
type ForwarderFactoryOwnerChanged struct {
	Owner   common.Address
	SweepTo common.Address
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterOwnerChanged is a free log retrieval operation binding the contract event 0xb532073b38c83145e3e5135377a08bf9aab55bc0fd7c1179cd4fb995d2a5159c.
//
// Solidity: event OwnerChanged(address owner, address sweepTo)
func (_ForwarderFactory *ForwarderFactoryFilterer) FilterOwnerChanged(opts *bind.FilterOpts) (*ForwarderFactoryOwnerChangedIterator, error) {

	logs, sub, err := _ForwarderFactory.contract.FilterLogs(opts, "OwnerChanged")
	if err != nil {
		return nil, err
	}
	return &ForwarderFactoryOwnerChangedIterator{contract: _ForwarderFactory.contract, event: "OwnerChanged", logs: logs, sub: sub}, nil
}

// WatchOwnerChanged is a free log subscription operation binding the contract event 0xb532073b38c83145e3e5135377a08bf9aab55bc0fd7c1179cd4fb995d2a5159c.
//
// Solidity: event OwnerChanged(address owner, address sweepTo)
func (_ForwarderFactory *ForwarderFactoryFilterer) WatchOwnerChanged(opts *bind.WatchOpts, sink chan<- *ForwarderFactoryOwnerChanged) (event.Subscription, error) {

	logs, sub, err := _ForwarderFactory.contract.WatchLogs(opts, "OwnerChanged")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(ForwarderFactoryOwnerChanged)
				if err := _ForwarderFactory.contract.UnpackLog(event, "OwnerChanged", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseOwnerChanged is a log parse operation binding the contract event 0xb532073b38c83145e3e5135377a08bf9aab55bc0fd7c1179cd4fb995d2a5159c.
//
// Solidity: event OwnerChanged(address owner, address sweepTo)
func (_ForwarderFactory *ForwarderFactoryFilterer) ParseOwnerChanged(log types.Log) (*ForwarderFactoryOwnerChanged, error) {
	event := new(ForwarderFactoryOwnerChanged)
	if err := _ForwarderFactory.contract.UnpackLog(event, "OwnerChanged", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
