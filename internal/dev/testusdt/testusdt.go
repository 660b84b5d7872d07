// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package testusdt

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

// TestUSDTMetaData contains all meta data concerning the TestUSDT contract.
var TestUSDTMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"basisPointsRate\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isBlackListed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"paused\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"who\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"listed\",\"type\":\"bool\"}],\"name\":\"setBlackListed\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bool\",\"name\":\"p\",\"type\":\"bool\"}],\"name\":\"setPaused\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x6080604052348015600e575f5ffd5b50600180546001600160a01b03191633179055610a248061002e5f395ff3fe608060405234801561000f575f5ffd5b50600436106100fb575f3560e01c80635cd8c07211610093578063a9059cbb11610063578063a9059cbb14610265578063dd62ed3e14610278578063dd644f72146102a2578063e47d6060146102ab575f5ffd5b80635cd8c072146101e557806370a08231146101f85780638da5cb5b1461021757806395d89b4114610242575f5ffd5b806323b872dd116100ce57806323b872dd14610191578063313ce567146101a457806340c10f19146101be5780635c975abb146101d1575f5ffd5b806306fdde03146100ff578063095ea7b31461014357806316c38b3c1461016657806318160ddd1461017b575b5f5ffd5b61012d6040518060400160405280600f81526020016e15195cdd0815195d1a195c881554d1608a1b81525081565b60405161013a9190610808565b60405180910390f35b610156610151366004610858565b6102cd565b604051901515815260200161013a565b61017961017436600461088f565b610339565b005b6101835f5481565b60405190815260200161013a565b61017961019f3660046108af565b61038a565b6101ac600681565b60405160ff909116815260200161013a565b6101796101cc366004610858565b6104c9565b60015461015690600160a01b900460ff1681565b6101796101f33660046108e9565b610578565b61018361020636600461091a565b60036020525f908152604090205481565b60015461022a906001600160a01b031681565b6040516001600160a01b03909116815260200161013a565b61012d604051806040016040528060048152602001631554d11560e21b81525081565b610179610273366004610858565b6105cc565b610183610286366004610933565b600460209081525f928352604080842090915290825290205481565b61018360025481565b6101566102b936600461091a565b60056020525f908152604090205460ff1681565b335f8181526004602090815260408083206001600160a01b038716808552925280832085905551919290917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925906103279086815260200190565b60405180910390a35060015b92915050565b6001546001600160a01b0316331461036c5760405162461bcd60e51b81526004016103639061095b565b60405180910390fd5b60018054911515600160a01b0260ff60a01b19909216919091179055565b600154600160a01b900460ff16156103cd5760405162461bcd60e51b81526020600482015260066024820152651c185d5cd95960d21b6044820152606401610363565b6001600160a01b0383165f9081526005602052604090205460ff16156104235760405162461bcd60e51b815260206004820152600b60248201526a189b1858dadb1a5cdd195960aa1b6044820152606401610363565b6001600160a01b0383165f908152600460209081526040808320338452909152902054818110156104825760405162461bcd60e51b8152602060048201526009602482015268616c6c6f77616e636560b81b6044820152606401610363565b5f1981146104b8576104948282610992565b6001600160a01b0385165f9081526004602090815260408083203384529091529020555b6104c384848461066b565b50505050565b6001546001600160a01b031633146104f35760405162461bcd60e51b81526004016103639061095b565b805f5f82825461050391906109a5565b90915550506001600160a01b0382165f908152600360205260408120805483929061052f9084906109a5565b90915550506040518181526001600160a01b038316905f907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef9060200160405180910390a35050565b6001546001600160a01b031633146105a25760405162461bcd60e51b81526004016103639061095b565b6001600160a01b03919091165f908152600560205260409020805460ff1916911515919091179055565b600154600160a01b900460ff161561060f5760405162461bcd60e51b81526020600482015260066024820152651c185d5cd95960d21b6044820152606401610363565b335f9081526005602052604090205460ff161561065c5760405162461bcd60e51b815260206004820152600b60248201526a189b1858dadb1a5cdd195960aa1b6044820152606401610363565b61066733838361066b565b5050565b5f6127106002548361067d91906109b8565b61068791906109cf565b6001600160a01b0385165f908152600360205260409020549091508211156106db5760405162461bcd60e51b815260206004820152600760248201526662616c616e636560c81b6044820152606401610363565b6001600160a01b0384165f9081526003602052604081208054849290610702908490610992565b9091555061071290508183610992565b6001600160a01b0384165f90815260036020526040812080549091906107399084906109a5565b909155505080156107b8576001546001600160a01b03165f908152600360205260408120805483929061076d9084906109a5565b90915550506001546040518281526001600160a01b03918216918616907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef9060200160405180910390a35b6001600160a01b038084169085167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef6107f18486610992565b60405190815260200160405180910390a350505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b80356001600160a01b0381168114610853575f5ffd5b919050565b5f5f60408385031215610869575f5ffd5b6108728361083d565b946020939093013593505050565b80358015158114610853575f5ffd5b5f6020828403121561089f575f5ffd5b6108a882610880565b9392505050565b5f5f5f606084860312156108c1575f5ffd5b6108ca8461083d565b92506108d86020850161083d565b929592945050506040919091013590565b5f5f604083850312156108fa575f5ffd5b6109038361083d565b915061091160208401610880565b90509250929050565b5f6020828403121561092a575f5ffd5b6108a88261083d565b5f5f60408385031215610944575f5ffd5b61094d8361083d565b91506109116020840161083d565b6020808252600990820152683737ba1037bbb732b960b91b604082015260600190565b634e487b7160e01b5f52601160045260245ffd5b818103818111156103335761033361097e565b808201808211156103335761033361097e565b80820281158282048414176103335761033361097e565b5f826109e957634e487b7160e01b5f52601260045260245ffd5b50049056fea2646970667358221220b88e5243d0faed87a7e747ef551948a7e77533b92a22a644a929ec342a89fdab64736f6c63430008250033",
}

// TestUSDTABI is the input ABI used to generate the binding from.
// Deprecated: Use TestUSDTMetaData.ABI instead.
var TestUSDTABI = TestUSDTMetaData.ABI

// TestUSDTBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use TestUSDTMetaData.Bin instead.
var TestUSDTBin = TestUSDTMetaData.Bin

// DeployTestUSDT deploys a new Ethereum contract, binding an instance of TestUSDT to it.
func DeployTestUSDT(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *TestUSDT, error) {
	parsed, err := TestUSDTMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(TestUSDTBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &TestUSDT{TestUSDTCaller: TestUSDTCaller{contract: contract}, TestUSDTTransactor: TestUSDTTransactor{contract: contract}, TestUSDTFilterer: TestUSDTFilterer{contract: contract}}, nil
}

// TestUSDT is an auto generated Go binding around an Ethereum contract.
type TestUSDT struct {
	TestUSDTCaller     // Read-only binding to the contract
	TestUSDTTransactor // Write-only binding to the contract
	TestUSDTFilterer   // Log filterer for contract events
}

// TestUSDTCaller is an auto generated read-only Go binding around an Ethereum contract.
type TestUSDTCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TestUSDTTransactor is an auto generated write-only Go binding around an Ethereum contract.
type TestUSDTTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TestUSDTFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type TestUSDTFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TestUSDTSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type TestUSDTSession struct {
	Contract     *TestUSDT         // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// TestUSDTCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type TestUSDTCallerSession struct {
	Contract *TestUSDTCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts   // Call options to use throughout this session
}

// TestUSDTTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type TestUSDTTransactorSession struct {
	Contract     *TestUSDTTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts   // Transaction auth options to use throughout this session
}

// TestUSDTRaw is an auto generated low-level Go binding around an Ethereum contract.
type TestUSDTRaw struct {
	Contract *TestUSDT // Generic contract binding to access the raw methods on
}

// TestUSDTCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type TestUSDTCallerRaw struct {
	Contract *TestUSDTCaller // Generic read-only contract binding to access the raw methods on
}

// TestUSDTTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type TestUSDTTransactorRaw struct {
	Contract *TestUSDTTransactor // Generic write-only contract binding to access the raw methods on
}

// NewTestUSDT creates a new instance of TestUSDT, bound to a specific deployed contract.
func NewTestUSDT(address common.Address, backend bind.ContractBackend) (*TestUSDT, error) {
	contract, err := bindTestUSDT(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &TestUSDT{TestUSDTCaller: TestUSDTCaller{contract: contract}, TestUSDTTransactor: TestUSDTTransactor{contract: contract}, TestUSDTFilterer: TestUSDTFilterer{contract: contract}}, nil
}

// NewTestUSDTCaller creates a new read-only instance of TestUSDT, bound to a specific deployed contract.
func NewTestUSDTCaller(address common.Address, caller bind.ContractCaller) (*TestUSDTCaller, error) {
	contract, err := bindTestUSDT(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &TestUSDTCaller{contract: contract}, nil
}

// NewTestUSDTTransactor creates a new write-only instance of TestUSDT, bound to a specific deployed contract.
func NewTestUSDTTransactor(address common.Address, transactor bind.ContractTransactor) (*TestUSDTTransactor, error) {
	contract, err := bindTestUSDT(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &TestUSDTTransactor{contract: contract}, nil
}

// NewTestUSDTFilterer creates a new log filterer instance of TestUSDT, bound to a specific deployed contract.
func NewTestUSDTFilterer(address common.Address, filterer bind.ContractFilterer) (*TestUSDTFilterer, error) {
	contract, err := bindTestUSDT(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &TestUSDTFilterer{contract: contract}, nil
}

// bindTestUSDT binds a generic wrapper to an already deployed contract.
func bindTestUSDT(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := TestUSDTMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TestUSDT *TestUSDTRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TestUSDT.Contract.TestUSDTCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TestUSDT *TestUSDTRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TestUSDT.Contract.TestUSDTTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TestUSDT *TestUSDTRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TestUSDT.Contract.TestUSDTTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TestUSDT *TestUSDTCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TestUSDT.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TestUSDT *TestUSDTTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TestUSDT.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TestUSDT *TestUSDTTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TestUSDT.Contract.contract.Transact(opts, method, params...)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (_TestUSDT *TestUSDTCaller) Allowance(opts *bind.CallOpts, arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "allowance", arg0, arg1)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (_TestUSDT *TestUSDTSession) Allowance(arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	return _TestUSDT.Contract.Allowance(&_TestUSDT.CallOpts, arg0, arg1)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (_TestUSDT *TestUSDTCallerSession) Allowance(arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	return _TestUSDT.Contract.Allowance(&_TestUSDT.CallOpts, arg0, arg1)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_TestUSDT *TestUSDTCaller) BalanceOf(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "balanceOf", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_TestUSDT *TestUSDTSession) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _TestUSDT.Contract.BalanceOf(&_TestUSDT.CallOpts, arg0)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_TestUSDT *TestUSDTCallerSession) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _TestUSDT.Contract.BalanceOf(&_TestUSDT.CallOpts, arg0)
}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TestUSDT *TestUSDTCaller) BasisPointsRate(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "basisPointsRate")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TestUSDT *TestUSDTSession) BasisPointsRate() (*big.Int, error) {
	return _TestUSDT.Contract.BasisPointsRate(&_TestUSDT.CallOpts)
}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TestUSDT *TestUSDTCallerSession) BasisPointsRate() (*big.Int, error) {
	return _TestUSDT.Contract.BasisPointsRate(&_TestUSDT.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_TestUSDT *TestUSDTCaller) Decimals(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "decimals")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_TestUSDT *TestUSDTSession) Decimals() (uint8, error) {
	return _TestUSDT.Contract.Decimals(&_TestUSDT.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_TestUSDT *TestUSDTCallerSession) Decimals() (uint8, error) {
	return _TestUSDT.Contract.Decimals(&_TestUSDT.CallOpts)
}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TestUSDT *TestUSDTCaller) IsBlackListed(opts *bind.CallOpts, arg0 common.Address) (bool, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "isBlackListed", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TestUSDT *TestUSDTSession) IsBlackListed(arg0 common.Address) (bool, error) {
	return _TestUSDT.Contract.IsBlackListed(&_TestUSDT.CallOpts, arg0)
}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TestUSDT *TestUSDTCallerSession) IsBlackListed(arg0 common.Address) (bool, error) {
	return _TestUSDT.Contract.IsBlackListed(&_TestUSDT.CallOpts, arg0)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TestUSDT *TestUSDTCaller) Name(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "name")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TestUSDT *TestUSDTSession) Name() (string, error) {
	return _TestUSDT.Contract.Name(&_TestUSDT.CallOpts)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TestUSDT *TestUSDTCallerSession) Name() (string, error) {
	return _TestUSDT.Contract.Name(&_TestUSDT.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TestUSDT *TestUSDTCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TestUSDT *TestUSDTSession) Owner() (common.Address, error) {
	return _TestUSDT.Contract.Owner(&_TestUSDT.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TestUSDT *TestUSDTCallerSession) Owner() (common.Address, error) {
	return _TestUSDT.Contract.Owner(&_TestUSDT.CallOpts)
}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TestUSDT *TestUSDTCaller) Paused(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "paused")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TestUSDT *TestUSDTSession) Paused() (bool, error) {
	return _TestUSDT.Contract.Paused(&_TestUSDT.CallOpts)
}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TestUSDT *TestUSDTCallerSession) Paused() (bool, error) {
	return _TestUSDT.Contract.Paused(&_TestUSDT.CallOpts)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TestUSDT *TestUSDTCaller) Symbol(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "symbol")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TestUSDT *TestUSDTSession) Symbol() (string, error) {
	return _TestUSDT.Contract.Symbol(&_TestUSDT.CallOpts)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TestUSDT *TestUSDTCallerSession) Symbol() (string, error) {
	return _TestUSDT.Contract.Symbol(&_TestUSDT.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TestUSDT *TestUSDTCaller) TotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TestUSDT.contract.Call(opts, &out, "totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TestUSDT *TestUSDTSession) TotalSupply() (*big.Int, error) {
	return _TestUSDT.Contract.TotalSupply(&_TestUSDT.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TestUSDT *TestUSDTCallerSession) TotalSupply() (*big.Int, error) {
	return _TestUSDT.Contract.TotalSupply(&_TestUSDT.CallOpts)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TestUSDT *TestUSDTTransactor) Approve(opts *bind.TransactOpts, spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.contract.Transact(opts, "approve", spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TestUSDT *TestUSDTSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.Approve(&_TestUSDT.TransactOpts, spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TestUSDT *TestUSDTTransactorSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.Approve(&_TestUSDT.TransactOpts, spender, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_TestUSDT *TestUSDTTransactor) Mint(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.contract.Transact(opts, "mint", to, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_TestUSDT *TestUSDTSession) Mint(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.Mint(&_TestUSDT.TransactOpts, to, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_TestUSDT *TestUSDTTransactorSession) Mint(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.Mint(&_TestUSDT.TransactOpts, to, value)
}

// SetBlackListed is a paid mutator transaction binding the contract method 0x5cd8c072.
//
// Solidity: function setBlackListed(address who, bool listed) returns()
func (_TestUSDT *TestUSDTTransactor) SetBlackListed(opts *bind.TransactOpts, who common.Address, listed bool) (*types.Transaction, error) {
	return _TestUSDT.contract.Transact(opts, "setBlackListed", who, listed)
}

// SetBlackListed is a paid mutator transaction binding the contract method 0x5cd8c072.
//
// Solidity: function setBlackListed(address who, bool listed) returns()
func (_TestUSDT *TestUSDTSession) SetBlackListed(who common.Address, listed bool) (*types.Transaction, error) {
	return _TestUSDT.Contract.SetBlackListed(&_TestUSDT.TransactOpts, who, listed)
}

// SetBlackListed is a paid mutator transaction binding the contract method 0x5cd8c072.
//
// Solidity: function setBlackListed(address who, bool listed) returns()
func (_TestUSDT *TestUSDTTransactorSession) SetBlackListed(who common.Address, listed bool) (*types.Transaction, error) {
	return _TestUSDT.Contract.SetBlackListed(&_TestUSDT.TransactOpts, who, listed)
}

// SetPaused is a paid mutator transaction binding the contract method 0x16c38b3c.
//
// Solidity: function setPaused(bool p) returns()
func (_TestUSDT *TestUSDTTransactor) SetPaused(opts *bind.TransactOpts, p bool) (*types.Transaction, error) {
	return _TestUSDT.contract.Transact(opts, "setPaused", p)
}

// SetPaused is a paid mutator transaction binding the contract method 0x16c38b3c.
//
// Solidity: function setPaused(bool p) returns()
func (_TestUSDT *TestUSDTSession) SetPaused(p bool) (*types.Transaction, error) {
	return _TestUSDT.Contract.SetPaused(&_TestUSDT.TransactOpts, p)
}

// SetPaused is a paid mutator transaction binding the contract method 0x16c38b3c.
//
// Solidity: function setPaused(bool p) returns()
func (_TestUSDT *TestUSDTTransactorSession) SetPaused(p bool) (*types.Transaction, error) {
	return _TestUSDT.Contract.SetPaused(&_TestUSDT.TransactOpts, p)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns()
func (_TestUSDT *TestUSDTTransactor) Transfer(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.contract.Transact(opts, "transfer", to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns()
func (_TestUSDT *TestUSDTSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.Transfer(&_TestUSDT.TransactOpts, to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns()
func (_TestUSDT *TestUSDTTransactorSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.Transfer(&_TestUSDT.TransactOpts, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns()
func (_TestUSDT *TestUSDTTransactor) TransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.contract.Transact(opts, "transferFrom", from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns()
func (_TestUSDT *TestUSDTSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.TransferFrom(&_TestUSDT.TransactOpts, from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns()
func (_TestUSDT *TestUSDTTransactorSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TestUSDT.Contract.TransferFrom(&_TestUSDT.TransactOpts, from, to, value)
}

// TestUSDTApprovalIterator is returned from FilterApproval and is used to iterate over the raw logs and unpacked data for Approval events raised by the TestUSDT contract.
type TestUSDTApprovalIterator struct {
	Event *TestUSDTApproval // Event containing the contract specifics and raw log

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
func (it *TestUSDTApprovalIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TestUSDTApproval)
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
		it.Event = new(TestUSDTApproval)
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
func (it *TestUSDTApprovalIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TestUSDTApprovalIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TestUSDTApproval represents a Approval event raised by the TestUSDT contract.
type TestUSDTApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterApproval is a free log retrieval operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TestUSDT *TestUSDTFilterer) FilterApproval(opts *bind.FilterOpts, owner []common.Address, spender []common.Address) (*TestUSDTApprovalIterator, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TestUSDT.contract.FilterLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return &TestUSDTApprovalIterator{contract: _TestUSDT.contract, event: "Approval", logs: logs, sub: sub}, nil
}

// WatchApproval is a free log subscription operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TestUSDT *TestUSDTFilterer) WatchApproval(opts *bind.WatchOpts, sink chan<- *TestUSDTApproval, owner []common.Address, spender []common.Address) (event.Subscription, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TestUSDT.contract.WatchLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TestUSDTApproval)
				if err := _TestUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
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

// ParseApproval is a log parse operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TestUSDT *TestUSDTFilterer) ParseApproval(log types.Log) (*TestUSDTApproval, error) {
	event := new(TestUSDTApproval)
	if err := _TestUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TestUSDTTransferIterator is returned from FilterTransfer and is used to iterate over the raw logs and unpacked data for Transfer events raised by the TestUSDT contract.
type TestUSDTTransferIterator struct {
	Event *TestUSDTTransfer // Event containing the contract specifics and raw log

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
func (it *TestUSDTTransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TestUSDTTransfer)
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
		it.Event = new(TestUSDTTransfer)
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
func (it *TestUSDTTransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TestUSDTTransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TestUSDTTransfer represents a Transfer event raised by the TestUSDT contract.
type TestUSDTTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterTransfer is a free log retrieval operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TestUSDT *TestUSDTFilterer) FilterTransfer(opts *bind.FilterOpts, from []common.Address, to []common.Address) (*TestUSDTTransferIterator, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TestUSDT.contract.FilterLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &TestUSDTTransferIterator{contract: _TestUSDT.contract, event: "Transfer", logs: logs, sub: sub}, nil
}

// WatchTransfer is a free log subscription operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TestUSDT *TestUSDTFilterer) WatchTransfer(opts *bind.WatchOpts, sink chan<- *TestUSDTTransfer, from []common.Address, to []common.Address) (event.Subscription, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TestUSDT.contract.WatchLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TestUSDTTransfer)
				if err := _TestUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
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

// ParseTransfer is a log parse operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TestUSDT *TestUSDTFilterer) ParseTransfer(log types.Log) (*TestUSDTTransfer, error) {
	event := new(TestUSDTTransfer)
	if err := _TestUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
