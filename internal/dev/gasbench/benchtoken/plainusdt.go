// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package benchtoken

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

// PlainUSDTMetaData contains all meta data concerning the PlainUSDT contract.
var PlainUSDTMetaData = &bind.MetaData{
	ABI: "[{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x6080604052348015600e575f5ffd5b506104c98061001c5f395ff3fe608060405234801561000f575f5ffd5b506004361061007a575f3560e01c806340c10f191161005857806340c10f19146100d057806370a08231146100e5578063a9059cbb14610104578063dd62ed3e14610117575f5ffd5b8063095ea7b31461007e57806318160ddd146100a657806323b872dd146100bd575b5f5ffd5b61009161008c3660046103a6565b610141565b60405190151581526020015b60405180910390f35b6100af60025481565b60405190815260200161009d565b6100916100cb3660046103ce565b6101ad565b6100e36100de3660046103a6565b610292565b005b6100af6100f3366004610408565b5f6020819052908152604090205481565b6100916101123660046103a6565b610318565b6100af610125366004610428565b600160209081525f928352604080842090915290825290205481565b335f8181526001602090815260408083206001600160a01b038716808552925280832085905551919290917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b9259061019b9086815260200190565b60405180910390a35060015b92915050565b6001600160a01b0383165f9081526001602090815260408083203384529091528120545f198114610206576101e2838261046d565b6001600160a01b0386165f9081526001602090815260408083203384529091529020555b6001600160a01b0385165f908152602081905260408120805485929061022d90849061046d565b90915550506001600160a01b038481165f8181526020818152604091829020805488019055905186815291928816917fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef910160405180910390a3506001949350505050565b8060025f8282546102a39190610480565b90915550506001600160a01b0382165f90815260208190526040812080548392906102cf908490610480565b90915550506040518181526001600160a01b038316905f907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef9060200160405180910390a35050565b335f9081526020819052604081208054839190839061033890849061046d565b90915550506001600160a01b0383165f8181526020818152604091829020805486019055905184815233917fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef910161019b565b80356001600160a01b03811681146103a1575f5ffd5b919050565b5f5f604083850312156103b7575f5ffd5b6103c08361038b565b946020939093013593505050565b5f5f5f606084860312156103e0575f5ffd5b6103e98461038b565b92506103f76020850161038b565b929592945050506040919091013590565b5f60208284031215610418575f5ffd5b6104218261038b565b9392505050565b5f5f60408385031215610439575f5ffd5b6104428361038b565b91506104506020840161038b565b90509250929050565b634e487b7160e01b5f52601160045260245ffd5b818103818111156101a7576101a7610459565b808201808211156101a7576101a761045956fea26469706673582212208e8acd5970569fc6d8385dd14596824720ccf06c29f1f254b7a51ac0282842b964736f6c63430008250033",
}

// PlainUSDTABI is the input ABI used to generate the binding from.
// Deprecated: Use PlainUSDTMetaData.ABI instead.
var PlainUSDTABI = PlainUSDTMetaData.ABI

// PlainUSDTBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use PlainUSDTMetaData.Bin instead.
var PlainUSDTBin = PlainUSDTMetaData.Bin

// DeployPlainUSDT deploys a new Ethereum contract, binding an instance of PlainUSDT to it.
func DeployPlainUSDT(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *PlainUSDT, error) {
	parsed, err := PlainUSDTMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(PlainUSDTBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &PlainUSDT{PlainUSDTCaller: PlainUSDTCaller{contract: contract}, PlainUSDTTransactor: PlainUSDTTransactor{contract: contract}, PlainUSDTFilterer: PlainUSDTFilterer{contract: contract}}, nil
}

// PlainUSDT is an auto generated Go binding around an Ethereum contract.
type PlainUSDT struct {
	PlainUSDTCaller     // Read-only binding to the contract
	PlainUSDTTransactor // Write-only binding to the contract
	PlainUSDTFilterer   // Log filterer for contract events
}

// PlainUSDTCaller is an auto generated read-only Go binding around an Ethereum contract.
type PlainUSDTCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// PlainUSDTTransactor is an auto generated write-only Go binding around an Ethereum contract.
type PlainUSDTTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// PlainUSDTFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type PlainUSDTFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// PlainUSDTSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type PlainUSDTSession struct {
	Contract     *PlainUSDT        // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// PlainUSDTCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type PlainUSDTCallerSession struct {
	Contract *PlainUSDTCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts    // Call options to use throughout this session
}

// PlainUSDTTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type PlainUSDTTransactorSession struct {
	Contract     *PlainUSDTTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts    // Transaction auth options to use throughout this session
}

// PlainUSDTRaw is an auto generated low-level Go binding around an Ethereum contract.
type PlainUSDTRaw struct {
	Contract *PlainUSDT // Generic contract binding to access the raw methods on
}

// PlainUSDTCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type PlainUSDTCallerRaw struct {
	Contract *PlainUSDTCaller // Generic read-only contract binding to access the raw methods on
}

// PlainUSDTTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type PlainUSDTTransactorRaw struct {
	Contract *PlainUSDTTransactor // Generic write-only contract binding to access the raw methods on
}

// NewPlainUSDT creates a new instance of PlainUSDT, bound to a specific deployed contract.
func NewPlainUSDT(address common.Address, backend bind.ContractBackend) (*PlainUSDT, error) {
	contract, err := bindPlainUSDT(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &PlainUSDT{PlainUSDTCaller: PlainUSDTCaller{contract: contract}, PlainUSDTTransactor: PlainUSDTTransactor{contract: contract}, PlainUSDTFilterer: PlainUSDTFilterer{contract: contract}}, nil
}

// NewPlainUSDTCaller creates a new read-only instance of PlainUSDT, bound to a specific deployed contract.
func NewPlainUSDTCaller(address common.Address, caller bind.ContractCaller) (*PlainUSDTCaller, error) {
	contract, err := bindPlainUSDT(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &PlainUSDTCaller{contract: contract}, nil
}

// NewPlainUSDTTransactor creates a new write-only instance of PlainUSDT, bound to a specific deployed contract.
func NewPlainUSDTTransactor(address common.Address, transactor bind.ContractTransactor) (*PlainUSDTTransactor, error) {
	contract, err := bindPlainUSDT(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &PlainUSDTTransactor{contract: contract}, nil
}

// NewPlainUSDTFilterer creates a new log filterer instance of PlainUSDT, bound to a specific deployed contract.
func NewPlainUSDTFilterer(address common.Address, filterer bind.ContractFilterer) (*PlainUSDTFilterer, error) {
	contract, err := bindPlainUSDT(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &PlainUSDTFilterer{contract: contract}, nil
}

// bindPlainUSDT binds a generic wrapper to an already deployed contract.
func bindPlainUSDT(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := PlainUSDTMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_PlainUSDT *PlainUSDTRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _PlainUSDT.Contract.PlainUSDTCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_PlainUSDT *PlainUSDTRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _PlainUSDT.Contract.PlainUSDTTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_PlainUSDT *PlainUSDTRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _PlainUSDT.Contract.PlainUSDTTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_PlainUSDT *PlainUSDTCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _PlainUSDT.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_PlainUSDT *PlainUSDTTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _PlainUSDT.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_PlainUSDT *PlainUSDTTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _PlainUSDT.Contract.contract.Transact(opts, method, params...)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (_PlainUSDT *PlainUSDTCaller) Allowance(opts *bind.CallOpts, arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _PlainUSDT.contract.Call(opts, &out, "allowance", arg0, arg1)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (_PlainUSDT *PlainUSDTSession) Allowance(arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	return _PlainUSDT.Contract.Allowance(&_PlainUSDT.CallOpts, arg0, arg1)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (_PlainUSDT *PlainUSDTCallerSession) Allowance(arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	return _PlainUSDT.Contract.Allowance(&_PlainUSDT.CallOpts, arg0, arg1)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_PlainUSDT *PlainUSDTCaller) BalanceOf(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _PlainUSDT.contract.Call(opts, &out, "balanceOf", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_PlainUSDT *PlainUSDTSession) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _PlainUSDT.Contract.BalanceOf(&_PlainUSDT.CallOpts, arg0)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_PlainUSDT *PlainUSDTCallerSession) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _PlainUSDT.Contract.BalanceOf(&_PlainUSDT.CallOpts, arg0)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_PlainUSDT *PlainUSDTCaller) TotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _PlainUSDT.contract.Call(opts, &out, "totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_PlainUSDT *PlainUSDTSession) TotalSupply() (*big.Int, error) {
	return _PlainUSDT.Contract.TotalSupply(&_PlainUSDT.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_PlainUSDT *PlainUSDTCallerSession) TotalSupply() (*big.Int, error) {
	return _PlainUSDT.Contract.TotalSupply(&_PlainUSDT.CallOpts)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTTransactor) Approve(opts *bind.TransactOpts, spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.contract.Transact(opts, "approve", spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.Approve(&_PlainUSDT.TransactOpts, spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTTransactorSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.Approve(&_PlainUSDT.TransactOpts, spender, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_PlainUSDT *PlainUSDTTransactor) Mint(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.contract.Transact(opts, "mint", to, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_PlainUSDT *PlainUSDTSession) Mint(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.Mint(&_PlainUSDT.TransactOpts, to, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_PlainUSDT *PlainUSDTTransactorSession) Mint(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.Mint(&_PlainUSDT.TransactOpts, to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTTransactor) Transfer(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.contract.Transact(opts, "transfer", to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.Transfer(&_PlainUSDT.TransactOpts, to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTTransactorSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.Transfer(&_PlainUSDT.TransactOpts, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTTransactor) TransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.contract.Transact(opts, "transferFrom", from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.TransferFrom(&_PlainUSDT.TransactOpts, from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_PlainUSDT *PlainUSDTTransactorSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _PlainUSDT.Contract.TransferFrom(&_PlainUSDT.TransactOpts, from, to, value)
}

// PlainUSDTApprovalIterator is returned from FilterApproval and is used to iterate over the raw logs and unpacked data for Approval events raised by the PlainUSDT contract.
type PlainUSDTApprovalIterator struct {
	Event *PlainUSDTApproval // Event containing the contract specifics and raw log

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
func (it *PlainUSDTApprovalIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(PlainUSDTApproval)
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
		it.Event = new(PlainUSDTApproval)
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
func (it *PlainUSDTApprovalIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *PlainUSDTApprovalIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// PlainUSDTApproval represents a Approval event raised by the PlainUSDT contract.
type PlainUSDTApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterApproval is a free log retrieval operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_PlainUSDT *PlainUSDTFilterer) FilterApproval(opts *bind.FilterOpts, owner []common.Address, spender []common.Address) (*PlainUSDTApprovalIterator, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _PlainUSDT.contract.FilterLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return &PlainUSDTApprovalIterator{contract: _PlainUSDT.contract, event: "Approval", logs: logs, sub: sub}, nil
}

// WatchApproval is a free log subscription operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_PlainUSDT *PlainUSDTFilterer) WatchApproval(opts *bind.WatchOpts, sink chan<- *PlainUSDTApproval, owner []common.Address, spender []common.Address) (event.Subscription, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _PlainUSDT.contract.WatchLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(PlainUSDTApproval)
				if err := _PlainUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
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
func (_PlainUSDT *PlainUSDTFilterer) ParseApproval(log types.Log) (*PlainUSDTApproval, error) {
	event := new(PlainUSDTApproval)
	if err := _PlainUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// PlainUSDTTransferIterator is returned from FilterTransfer and is used to iterate over the raw logs and unpacked data for Transfer events raised by the PlainUSDT contract.
type PlainUSDTTransferIterator struct {
	Event *PlainUSDTTransfer // Event containing the contract specifics and raw log

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
func (it *PlainUSDTTransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(PlainUSDTTransfer)
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
		it.Event = new(PlainUSDTTransfer)
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
func (it *PlainUSDTTransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *PlainUSDTTransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// PlainUSDTTransfer represents a Transfer event raised by the PlainUSDT contract.
type PlainUSDTTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterTransfer is a free log retrieval operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_PlainUSDT *PlainUSDTFilterer) FilterTransfer(opts *bind.FilterOpts, from []common.Address, to []common.Address) (*PlainUSDTTransferIterator, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _PlainUSDT.contract.FilterLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &PlainUSDTTransferIterator{contract: _PlainUSDT.contract, event: "Transfer", logs: logs, sub: sub}, nil
}

// WatchTransfer is a free log subscription operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_PlainUSDT *PlainUSDTFilterer) WatchTransfer(opts *bind.WatchOpts, sink chan<- *PlainUSDTTransfer, from []common.Address, to []common.Address) (event.Subscription, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _PlainUSDT.contract.WatchLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(PlainUSDTTransfer)
				if err := _PlainUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
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
func (_PlainUSDT *PlainUSDTFilterer) ParseTransfer(log types.Log) (*PlainUSDTTransfer, error) {
	event := new(PlainUSDTTransfer)
	if err := _PlainUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
