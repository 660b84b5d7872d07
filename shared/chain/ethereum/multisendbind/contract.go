// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package multisendbind

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

// MultisendMetaData contains all meta data concerning the Multisend contract.
var MultisendMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"itemsHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"failed\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"returned\",\"type\":\"uint256\"}],\"name\":\"Batch\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Failed\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pull\",\"type\":\"uint256\"},{\"internalType\":\"bytes32[]\",\"name\":\"items\",\"type\":\"bytes32[]\"}],\"name\":\"pay\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a0604052348015600e575f5ffd5b5060405161048e38038061048e833981016040819052602b91603b565b6001600160a01b03166080526066565b5f60208284031215604a575f5ffd5b81516001600160a01b0381168114605f575f5ffd5b9392505050565b60805161040b6100835f395f81816052015260a4015261040b5ff3fe608060405234801561000f575f5ffd5b5060043610610034575f3560e01c806312e4cc6c146100385780638da5cb5b1461004d575b5f5ffd5b61004b610046366004610342565b610090565b005b6100747f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b03909116815260200160405180910390f35b821515806100c65750336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016145b6101035760405162461bcd60e51b81526020600482015260096024820152683737ba1037bbb732b960b91b60448201526064015b60405180910390fd5b5f846001600160a01b03163b116101445760405162461bcd60e51b81526020600482015260056024820152643a37b5b2b760d91b60448201526064016100fa565b5f610100525f6101205282156101b3576323b872dd60e01b608052336084523060a4528260c4525f5f5260205f606460805f885af160015f5114601f3d11163d151781166101b15762461bcd60e51b5f90815260206004908152602452631c1d5b1b60e21b604452606490fd5b505b63a9059cbb60e01b60805260015f9081526001600160a01b03600583901b8401845b8181101561025d5780358060a01c80860195508482166084528060a45260205f604460805f8e62030d40f160015f5114166102535760016101005101610100528061012051016101205260845188840360051c7f588dcfcbb5374fc86c413296e3ed7c6c0f173823a87afd0016558cc6a5969ab6602060a4a360015f525b50506020016101d5565b5050508315610293578084146102935762461bcd60e51b5f90815260206004526005602452641d1bdd185b60da1b604452606490fd5b50610100516101205180156102f457336084528060a4525f5f5260205f604460805f8a5af160015f5114601f3d11163d151781166102f25762461bcd60e51b5f90815260206004526006602452653932ba3ab93760d11b604452606490fd5b505b8260051b84610140378260051b61014020836080528260a0528160c05280877f57b3336ea116b53b4dbe403770f26b3cd905c60d512462a692bd55ba4837946a60606080a350505050505050565b5f5f5f5f60608587031215610355575f5ffd5b84356001600160a01b038116811461036b575f5ffd5b935060208501359250604085013567ffffffffffffffff81111561038d575f5ffd5b8501601f8101871361039d575f5ffd5b803567ffffffffffffffff8111156103b3575f5ffd5b8760208260051b84010111156103c7575f5ffd5b94979396506020019450505056fea2646970667358221220062a8daacb63f72d96788dd352fb4c8c722ff753bb09a9fbe5792018ee0064a264736f6c63430008250033",
}

// MultisendABI is the input ABI used to generate the binding from.
// Deprecated: Use MultisendMetaData.ABI instead.
var MultisendABI = MultisendMetaData.ABI

// MultisendBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use MultisendMetaData.Bin instead.
var MultisendBin = MultisendMetaData.Bin

// DeployMultisend deploys a new Ethereum contract, binding an instance of Multisend to it.
func DeployMultisend(auth *bind.TransactOpts, backend bind.ContractBackend, owner_ common.Address) (common.Address, *types.Transaction, *Multisend, error) {
	parsed, err := MultisendMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(MultisendBin), backend, owner_)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &Multisend{MultisendCaller: MultisendCaller{contract: contract}, MultisendTransactor: MultisendTransactor{contract: contract}, MultisendFilterer: MultisendFilterer{contract: contract}}, nil
}

// Multisend is an auto generated Go binding around an Ethereum contract.
type Multisend struct {
	MultisendCaller     // Read-only binding to the contract
	MultisendTransactor // Write-only binding to the contract
	MultisendFilterer   // Log filterer for contract events
}

// MultisendCaller is an auto generated read-only Go binding around an Ethereum contract.
type MultisendCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MultisendTransactor is an auto generated write-only Go binding around an Ethereum contract.
type MultisendTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MultisendFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type MultisendFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MultisendSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type MultisendSession struct {
	Contract     *Multisend        // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// MultisendCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type MultisendCallerSession struct {
	Contract *MultisendCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts    // Call options to use throughout this session
}

// MultisendTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type MultisendTransactorSession struct {
	Contract     *MultisendTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts    // Transaction auth options to use throughout this session
}

// MultisendRaw is an auto generated low-level Go binding around an Ethereum contract.
type MultisendRaw struct {
	Contract *Multisend // Generic contract binding to access the raw methods on
}

// MultisendCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type MultisendCallerRaw struct {
	Contract *MultisendCaller // Generic read-only contract binding to access the raw methods on
}

// MultisendTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type MultisendTransactorRaw struct {
	Contract *MultisendTransactor // Generic write-only contract binding to access the raw methods on
}

// NewMultisend creates a new instance of Multisend, bound to a specific deployed contract.
func NewMultisend(address common.Address, backend bind.ContractBackend) (*Multisend, error) {
	contract, err := bindMultisend(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &Multisend{MultisendCaller: MultisendCaller{contract: contract}, MultisendTransactor: MultisendTransactor{contract: contract}, MultisendFilterer: MultisendFilterer{contract: contract}}, nil
}

// NewMultisendCaller creates a new read-only instance of Multisend, bound to a specific deployed contract.
func NewMultisendCaller(address common.Address, caller bind.ContractCaller) (*MultisendCaller, error) {
	contract, err := bindMultisend(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &MultisendCaller{contract: contract}, nil
}

// NewMultisendTransactor creates a new write-only instance of Multisend, bound to a specific deployed contract.
func NewMultisendTransactor(address common.Address, transactor bind.ContractTransactor) (*MultisendTransactor, error) {
	contract, err := bindMultisend(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &MultisendTransactor{contract: contract}, nil
}

// NewMultisendFilterer creates a new log filterer instance of Multisend, bound to a specific deployed contract.
func NewMultisendFilterer(address common.Address, filterer bind.ContractFilterer) (*MultisendFilterer, error) {
	contract, err := bindMultisend(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &MultisendFilterer{contract: contract}, nil
}

// bindMultisend binds a generic wrapper to an already deployed contract.
func bindMultisend(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := MultisendMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_Multisend *MultisendRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _Multisend.Contract.MultisendCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_Multisend *MultisendRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _Multisend.Contract.MultisendTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_Multisend *MultisendRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _Multisend.Contract.MultisendTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_Multisend *MultisendCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _Multisend.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_Multisend *MultisendTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _Multisend.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_Multisend *MultisendTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _Multisend.Contract.contract.Transact(opts, method, params...)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_Multisend *MultisendCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _Multisend.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_Multisend *MultisendSession) Owner() (common.Address, error) {
	return _Multisend.Contract.Owner(&_Multisend.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_Multisend *MultisendCallerSession) Owner() (common.Address, error) {
	return _Multisend.Contract.Owner(&_Multisend.CallOpts)
}

// Pay is a paid mutator transaction binding the contract method 0x12e4cc6c.
//
// Solidity: function pay(address token, uint256 pull, bytes32[] items) returns()
func (_Multisend *MultisendTransactor) Pay(opts *bind.TransactOpts, token common.Address, pull *big.Int, items [][32]byte) (*types.Transaction, error) {
	return _Multisend.contract.Transact(opts, "pay", token, pull, items)
}

// Pay is a paid mutator transaction binding the contract method 0x12e4cc6c.
//
// Solidity: function pay(address token, uint256 pull, bytes32[] items) returns()
func (_Multisend *MultisendSession) Pay(token common.Address, pull *big.Int, items [][32]byte) (*types.Transaction, error) {
	return _Multisend.Contract.Pay(&_Multisend.TransactOpts, token, pull, items)
}

// Pay is a paid mutator transaction binding the contract method 0x12e4cc6c.
//
// Solidity: function pay(address token, uint256 pull, bytes32[] items) returns()
func (_Multisend *MultisendTransactorSession) Pay(token common.Address, pull *big.Int, items [][32]byte) (*types.Transaction, error) {
	return _Multisend.Contract.Pay(&_Multisend.TransactOpts, token, pull, items)
}

// MultisendBatchIterator is returned from FilterBatch and is used to iterate over the raw logs and unpacked data for Batch events raised by the Multisend contract.
type MultisendBatchIterator struct {
	Event *MultisendBatch // Event containing the contract specifics and raw log

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
func (it *MultisendBatchIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(MultisendBatch)
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
		it.Event = new(MultisendBatch)
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
func (it *MultisendBatchIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *MultisendBatchIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// MultisendBatch represents a Batch event raised by the Multisend contract.
type MultisendBatch struct {
	Token     common.Address
	ItemsHash [32]byte
	Count     *big.Int
	Failed    *big.Int
	Returned  *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterBatch is a free log retrieval operation binding the contract event 0x57b3336ea116b53b4dbe403770f26b3cd905c60d512462a692bd55ba4837946a.
//
// Solidity: event Batch(address indexed token, bytes32 indexed itemsHash, uint256 count, uint256 failed, uint256 returned)
func (_Multisend *MultisendFilterer) FilterBatch(opts *bind.FilterOpts, token []common.Address, itemsHash [][32]byte) (*MultisendBatchIterator, error) {

	var tokenRule []interface{}
	for _, tokenItem := range token {
		tokenRule = append(tokenRule, tokenItem)
	}
	var itemsHashRule []interface{}
	for _, itemsHashItem := range itemsHash {
		itemsHashRule = append(itemsHashRule, itemsHashItem)
	}

	logs, sub, err := _Multisend.contract.FilterLogs(opts, "Batch", tokenRule, itemsHashRule)
	if err != nil {
		return nil, err
	}
	return &MultisendBatchIterator{contract: _Multisend.contract, event: "Batch", logs: logs, sub: sub}, nil
}

// WatchBatch is a free log subscription operation binding the contract event 0x57b3336ea116b53b4dbe403770f26b3cd905c60d512462a692bd55ba4837946a.
//
// Solidity: event Batch(address indexed token, bytes32 indexed itemsHash, uint256 count, uint256 failed, uint256 returned)
func (_Multisend *MultisendFilterer) WatchBatch(opts *bind.WatchOpts, sink chan<- *MultisendBatch, token []common.Address, itemsHash [][32]byte) (event.Subscription, error) {

	var tokenRule []interface{}
	for _, tokenItem := range token {
		tokenRule = append(tokenRule, tokenItem)
	}
	var itemsHashRule []interface{}
	for _, itemsHashItem := range itemsHash {
		itemsHashRule = append(itemsHashRule, itemsHashItem)
	}

	logs, sub, err := _Multisend.contract.WatchLogs(opts, "Batch", tokenRule, itemsHashRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(MultisendBatch)
				if err := _Multisend.contract.UnpackLog(event, "Batch", log); err != nil {
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

// ParseBatch is a log parse operation binding the contract event 0x57b3336ea116b53b4dbe403770f26b3cd905c60d512462a692bd55ba4837946a.
//
// Solidity: event Batch(address indexed token, bytes32 indexed itemsHash, uint256 count, uint256 failed, uint256 returned)
func (_Multisend *MultisendFilterer) ParseBatch(log types.Log) (*MultisendBatch, error) {
	event := new(MultisendBatch)
	if err := _Multisend.contract.UnpackLog(event, "Batch", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// MultisendFailedIterator is returned from FilterFailed and is used to iterate over the raw logs and unpacked data for Failed events raised by the Multisend contract.
type MultisendFailedIterator struct {
	Event *MultisendFailed // Event containing the contract specifics and raw log

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
func (it *MultisendFailedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(MultisendFailed)
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
		it.Event = new(MultisendFailed)
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
func (it *MultisendFailedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *MultisendFailedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// MultisendFailed represents a Failed event raised by the Multisend contract.
type MultisendFailed struct {
	Index  *big.Int
	To     common.Address
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterFailed is a free log retrieval operation binding the contract event 0x588dcfcbb5374fc86c413296e3ed7c6c0f173823a87afd0016558cc6a5969ab6.
//
// Solidity: event Failed(uint256 indexed index, address indexed to, uint256 amount)
func (_Multisend *MultisendFilterer) FilterFailed(opts *bind.FilterOpts, index []*big.Int, to []common.Address) (*MultisendFailedIterator, error) {

	var indexRule []interface{}
	for _, indexItem := range index {
		indexRule = append(indexRule, indexItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _Multisend.contract.FilterLogs(opts, "Failed", indexRule, toRule)
	if err != nil {
		return nil, err
	}
	return &MultisendFailedIterator{contract: _Multisend.contract, event: "Failed", logs: logs, sub: sub}, nil
}

// WatchFailed is a free log subscription operation binding the contract event 0x588dcfcbb5374fc86c413296e3ed7c6c0f173823a87afd0016558cc6a5969ab6.
//
// Solidity: event Failed(uint256 indexed index, address indexed to, uint256 amount)
func (_Multisend *MultisendFilterer) WatchFailed(opts *bind.WatchOpts, sink chan<- *MultisendFailed, index []*big.Int, to []common.Address) (event.Subscription, error) {

	var indexRule []interface{}
	for _, indexItem := range index {
		indexRule = append(indexRule, indexItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _Multisend.contract.WatchLogs(opts, "Failed", indexRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(MultisendFailed)
				if err := _Multisend.contract.UnpackLog(event, "Failed", log); err != nil {
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

// ParseFailed is a log parse operation binding the contract event 0x588dcfcbb5374fc86c413296e3ed7c6c0f173823a87afd0016558cc6a5969ab6.
//
// Solidity: event Failed(uint256 indexed index, address indexed to, uint256 amount)
func (_Multisend *MultisendFilterer) ParseFailed(log types.Log) (*MultisendFailed, error) {
	event := new(MultisendFailed)
	if err := _Multisend.contract.UnpackLog(event, "Failed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
