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

// TronUSDTMetaData contains all meta data concerning the TronUSDT contract.
var TronUSDTMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"initialSupply\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"_totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"who\",\"type\":\"address\"}],\"name\":\"addBlackList\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"holder\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"who\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"basisPointsRate\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"deprecated\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isBlackListed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"maximumFee\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"paused\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"upgradedAddress\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x608060405234801561000f575f5ffd5b50604051610c75380380610c7583398101604081905261002e916100c2565b600280546001600160a01b0319163390811790915560088290555f90815260208181526040918290208390558151808301909252600a82526915195d1a195c881554d160b21b90820152600590610085908261017c565b506040805180820190915260048152631554d11560e21b60208201526006906100ae908261017c565b50506007805460ff1916600617905561023a565b5f602082840312156100d2575f5ffd5b5051919050565b634e487b7160e01b5f52604160045260245ffd5b600181811c9082168061010157607f821691505b60208210810361011f57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115610177578282111561017757805f5260205f20601f840160051c602085101561015057505f5b90810190601f840160051c035f5b81811015610173575f8382015560010161015e565b5050505b505050565b81516001600160401b03811115610195576101956100d9565b6101a9816101a384546100ed565b84610125565b6020601f8211600181146101db575f83156101c45750848201515b5f19600385901b1c1916600184901b178455610233565b5f84815260208120601f198516915b8281101561020a57878501518255602094850194600190920191016101ea565b508482101561022757868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b610a2e806102475f395ff3fe608060405234801561000f575f5ffd5b5060043610610111575f3560e01c80633eaaf86b1161009e57806395d89b411161006e57806395d89b411461024f578063a9059cbb14610257578063dd62ed3e1461026a578063dd644f72146102a2578063e47d6060146102ab575f5ffd5b80633eaaf86b146101f75780635c975abb1461020057806370a08231146102145780638da5cb5b1461023c575f5ffd5b806318160ddd116100e457806318160ddd1461017f57806323b872dd1461019157806326976e3f146101a4578063313ce567146101cf57806335390714146101ee575f5ffd5b806306fdde0314610115578063095ea7b3146101335780630e136b19146101565780630ecb93c01461016a575b5f5ffd5b61011d6102cd565b60405161012a919061082e565b60405180910390f35b610146610141366004610879565b610359565b604051901515815260200161012a565b600a5461014690600160a01b900460ff1681565b61017d6101783660046108a1565b610408565b005b6008545b60405190815260200161012a565b61014661019f3660046108c1565b610441565b600a546101b7906001600160a01b031681565b6040516001600160a01b03909116815260200161012a565b6007546101dc9060ff1681565b60405160ff909116815260200161012a565b61018360045481565b61018360085481565b60025461014690600160a01b900460ff1681565b6101836102223660046108a1565b6001600160a01b03165f9081526020819052604090205490565b6002546101b7906001600160a01b031681565b61011d61065d565b610146610265366004610879565b61066a565b6101836102783660046108fb565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205490565b61018360035481565b6101466102b93660046108a1565b60096020525f908152604090205460ff1681565b600580546102da9061092c565b80601f01602080910402602001604051908101604052809291908181526020018280546103069061092c565b80156103515780601f1061032857610100808354040283529160200191610351565b820191905f5260205f20905b81548152906001019060200180831161033457829003601f168201915b505050505081565b6002545f90600160a01b900460ff1615610371575f5ffd5b600a54600160a01b900460ff16156103a45760405162461bcd60e51b815260040161039b90610964565b60405180910390fd5b335f8181526001602090815260408083206001600160a01b03881680855290835292819020869055518581529192917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925910160405180910390a35060015b92915050565b6002546001600160a01b0316331461041e575f5ffd5b6001600160a01b03165f908152600960205260409020805460ff19166001179055565b6002545f90600160a01b900460ff1615610459575f5ffd5b6001600160a01b0384165f9081526009602052604090205460ff161561047d575f5ffd5b600a54600160a01b900460ff16156104a75760405162461bcd60e51b815260040161039b90610964565b6001600160a01b0383166104b9575f5ffd5b5f848152602081815260408083206001835281842090925233835282208154919290918511156104e7575f5ffd5b81548511156104f4575f5ffd5b6104fd85610735565b90505f61050a828761099c565b5f88815260208190526040812091925050845480881115610529575f5ffd5b879003855580548281018181101561053f575f5ffd5b82555083545f1981101561057b57610557888261099c565b6001600160a01b038b165f9081526001602090815260408083203384529091529020555b886001600160a01b03168a6001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef856040516105c091815260200190565b60405180910390a3831561064d576002546001600160a01b03165f81815260208190526040812080548792906105f79084906109af565b92505081905550806001600160a01b03168b6001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8760405161064391815260200190565b60405180910390a3505b5060019998505050505050505050565b600680546102da9061092c565b6002545f90600160a01b900460ff1615610682575f5ffd5b335f9081526009602052604090205460ff161561069d575f5ffd5b600a54600160a01b900460ff16156106c75760405162461bcd60e51b815260040161039b90610964565b6106d16013610767565b5a5a015a015a015a015a015a81016106e7575f5ffd5b505f6106f283610735565b90505f6106ff828561099c565b905061070c33868361078e565b811561072a5760025461072a9033906001600160a01b03168461078e565b506001949350505050565b5f6127106003548361074791906109c2565b61075191906109d9565b905060045481111561076257506004545b919050565b5f815b801561077d575a909101905f190161076a565b506001810361078a575f5ffd5b5050565b6001600160a01b0382166107a0575f5ffd5b5f83815260208190526040808220848352912081548311156107c0575f5ffd5b8282540382558054838101818110156107d557fe5b8083555050836001600160a01b0316856001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8560405161081f91815260200190565b60405180910390a35050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b80356001600160a01b0381168114610762575f5ffd5b5f5f6040838503121561088a575f5ffd5b61089383610863565b946020939093013593505050565b5f602082840312156108b1575f5ffd5b6108ba82610863565b9392505050565b5f5f5f606084860312156108d3575f5ffd5b6108dc84610863565b92506108ea60208501610863565b929592945050506040919091013590565b5f5f6040838503121561090c575f5ffd5b61091583610863565b915061092360208401610863565b90509250929050565b600181811c9082168061094057607f821691505b60208210810361095e57634e487b7160e01b5f52602260045260245ffd5b50919050565b6020808252600a908201526919195c1c9958d85d195960b21b604082015260600190565b634e487b7160e01b5f52601160045260245ffd5b8181038181111561040257610402610988565b8082018082111561040257610402610988565b808202811582820484141761040257610402610988565b5f826109f357634e487b7160e01b5f52601260045260245ffd5b50049056fea2646970667358221220902ef6daeeac1af58c302fbee40d64fc26f8b5ad1f93c8de96da1cdf25c400ca64736f6c63430008250033",
}

// TronUSDTABI is the input ABI used to generate the binding from.
// Deprecated: Use TronUSDTMetaData.ABI instead.
var TronUSDTABI = TronUSDTMetaData.ABI

// TronUSDTBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use TronUSDTMetaData.Bin instead.
var TronUSDTBin = TronUSDTMetaData.Bin

// DeployTronUSDT deploys a new Ethereum contract, binding an instance of TronUSDT to it.
func DeployTronUSDT(auth *bind.TransactOpts, backend bind.ContractBackend, initialSupply *big.Int) (common.Address, *types.Transaction, *TronUSDT, error) {
	parsed, err := TronUSDTMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(TronUSDTBin), backend, initialSupply)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &TronUSDT{TronUSDTCaller: TronUSDTCaller{contract: contract}, TronUSDTTransactor: TronUSDTTransactor{contract: contract}, TronUSDTFilterer: TronUSDTFilterer{contract: contract}}, nil
}

// TronUSDT is an auto generated Go binding around an Ethereum contract.
type TronUSDT struct {
	TronUSDTCaller     // Read-only binding to the contract
	TronUSDTTransactor // Write-only binding to the contract
	TronUSDTFilterer   // Log filterer for contract events
}

// TronUSDTCaller is an auto generated read-only Go binding around an Ethereum contract.
type TronUSDTCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TronUSDTTransactor is an auto generated write-only Go binding around an Ethereum contract.
type TronUSDTTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TronUSDTFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type TronUSDTFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TronUSDTSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type TronUSDTSession struct {
	Contract     *TronUSDT         // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// TronUSDTCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type TronUSDTCallerSession struct {
	Contract *TronUSDTCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts   // Call options to use throughout this session
}

// TronUSDTTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type TronUSDTTransactorSession struct {
	Contract     *TronUSDTTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts   // Transaction auth options to use throughout this session
}

// TronUSDTRaw is an auto generated low-level Go binding around an Ethereum contract.
type TronUSDTRaw struct {
	Contract *TronUSDT // Generic contract binding to access the raw methods on
}

// TronUSDTCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type TronUSDTCallerRaw struct {
	Contract *TronUSDTCaller // Generic read-only contract binding to access the raw methods on
}

// TronUSDTTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type TronUSDTTransactorRaw struct {
	Contract *TronUSDTTransactor // Generic write-only contract binding to access the raw methods on
}

// NewTronUSDT creates a new instance of TronUSDT, bound to a specific deployed contract.
func NewTronUSDT(address common.Address, backend bind.ContractBackend) (*TronUSDT, error) {
	contract, err := bindTronUSDT(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &TronUSDT{TronUSDTCaller: TronUSDTCaller{contract: contract}, TronUSDTTransactor: TronUSDTTransactor{contract: contract}, TronUSDTFilterer: TronUSDTFilterer{contract: contract}}, nil
}

// NewTronUSDTCaller creates a new read-only instance of TronUSDT, bound to a specific deployed contract.
func NewTronUSDTCaller(address common.Address, caller bind.ContractCaller) (*TronUSDTCaller, error) {
	contract, err := bindTronUSDT(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &TronUSDTCaller{contract: contract}, nil
}

// NewTronUSDTTransactor creates a new write-only instance of TronUSDT, bound to a specific deployed contract.
func NewTronUSDTTransactor(address common.Address, transactor bind.ContractTransactor) (*TronUSDTTransactor, error) {
	contract, err := bindTronUSDT(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &TronUSDTTransactor{contract: contract}, nil
}

// NewTronUSDTFilterer creates a new log filterer instance of TronUSDT, bound to a specific deployed contract.
func NewTronUSDTFilterer(address common.Address, filterer bind.ContractFilterer) (*TronUSDTFilterer, error) {
	contract, err := bindTronUSDT(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &TronUSDTFilterer{contract: contract}, nil
}

// bindTronUSDT binds a generic wrapper to an already deployed contract.
func bindTronUSDT(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := TronUSDTMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TronUSDT *TronUSDTRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TronUSDT.Contract.TronUSDTCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TronUSDT *TronUSDTRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TronUSDT.Contract.TronUSDTTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TronUSDT *TronUSDTRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TronUSDT.Contract.TronUSDTTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TronUSDT *TronUSDTCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TronUSDT.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TronUSDT *TronUSDTTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TronUSDT.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TronUSDT *TronUSDTTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TronUSDT.Contract.contract.Transact(opts, method, params...)
}

// RawTotalSupply is a free data retrieval call binding the contract method 0x3eaaf86b.
//
// Solidity: function _totalSupply() view returns(uint256)
func (_TronUSDT *TronUSDTCaller) RawTotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "_totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// RawTotalSupply is a free data retrieval call binding the contract method 0x3eaaf86b.
//
// Solidity: function _totalSupply() view returns(uint256)
func (_TronUSDT *TronUSDTSession) RawTotalSupply() (*big.Int, error) {
	return _TronUSDT.Contract.RawTotalSupply(&_TronUSDT.CallOpts)
}

// RawTotalSupply is a free data retrieval call binding the contract method 0x3eaaf86b.
//
// Solidity: function _totalSupply() view returns(uint256)
func (_TronUSDT *TronUSDTCallerSession) RawTotalSupply() (*big.Int, error) {
	return _TronUSDT.Contract.RawTotalSupply(&_TronUSDT.CallOpts)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address holder, address spender) view returns(uint256)
func (_TronUSDT *TronUSDTCaller) Allowance(opts *bind.CallOpts, holder common.Address, spender common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "allowance", holder, spender)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address holder, address spender) view returns(uint256)
func (_TronUSDT *TronUSDTSession) Allowance(holder common.Address, spender common.Address) (*big.Int, error) {
	return _TronUSDT.Contract.Allowance(&_TronUSDT.CallOpts, holder, spender)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address holder, address spender) view returns(uint256)
func (_TronUSDT *TronUSDTCallerSession) Allowance(holder common.Address, spender common.Address) (*big.Int, error) {
	return _TronUSDT.Contract.Allowance(&_TronUSDT.CallOpts, holder, spender)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address who) view returns(uint256)
func (_TronUSDT *TronUSDTCaller) BalanceOf(opts *bind.CallOpts, who common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "balanceOf", who)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address who) view returns(uint256)
func (_TronUSDT *TronUSDTSession) BalanceOf(who common.Address) (*big.Int, error) {
	return _TronUSDT.Contract.BalanceOf(&_TronUSDT.CallOpts, who)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address who) view returns(uint256)
func (_TronUSDT *TronUSDTCallerSession) BalanceOf(who common.Address) (*big.Int, error) {
	return _TronUSDT.Contract.BalanceOf(&_TronUSDT.CallOpts, who)
}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TronUSDT *TronUSDTCaller) BasisPointsRate(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "basisPointsRate")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TronUSDT *TronUSDTSession) BasisPointsRate() (*big.Int, error) {
	return _TronUSDT.Contract.BasisPointsRate(&_TronUSDT.CallOpts)
}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TronUSDT *TronUSDTCallerSession) BasisPointsRate() (*big.Int, error) {
	return _TronUSDT.Contract.BasisPointsRate(&_TronUSDT.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_TronUSDT *TronUSDTCaller) Decimals(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "decimals")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_TronUSDT *TronUSDTSession) Decimals() (uint8, error) {
	return _TronUSDT.Contract.Decimals(&_TronUSDT.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_TronUSDT *TronUSDTCallerSession) Decimals() (uint8, error) {
	return _TronUSDT.Contract.Decimals(&_TronUSDT.CallOpts)
}

// Deprecated is a free data retrieval call binding the contract method 0x0e136b19.
//
// Solidity: function deprecated() view returns(bool)
func (_TronUSDT *TronUSDTCaller) Deprecated(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "deprecated")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// Deprecated is a free data retrieval call binding the contract method 0x0e136b19.
//
// Solidity: function deprecated() view returns(bool)
func (_TronUSDT *TronUSDTSession) Deprecated() (bool, error) {
	return _TronUSDT.Contract.Deprecated(&_TronUSDT.CallOpts)
}

// Deprecated is a free data retrieval call binding the contract method 0x0e136b19.
//
// Solidity: function deprecated() view returns(bool)
func (_TronUSDT *TronUSDTCallerSession) Deprecated() (bool, error) {
	return _TronUSDT.Contract.Deprecated(&_TronUSDT.CallOpts)
}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TronUSDT *TronUSDTCaller) IsBlackListed(opts *bind.CallOpts, arg0 common.Address) (bool, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "isBlackListed", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TronUSDT *TronUSDTSession) IsBlackListed(arg0 common.Address) (bool, error) {
	return _TronUSDT.Contract.IsBlackListed(&_TronUSDT.CallOpts, arg0)
}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TronUSDT *TronUSDTCallerSession) IsBlackListed(arg0 common.Address) (bool, error) {
	return _TronUSDT.Contract.IsBlackListed(&_TronUSDT.CallOpts, arg0)
}

// MaximumFee is a free data retrieval call binding the contract method 0x35390714.
//
// Solidity: function maximumFee() view returns(uint256)
func (_TronUSDT *TronUSDTCaller) MaximumFee(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "maximumFee")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// MaximumFee is a free data retrieval call binding the contract method 0x35390714.
//
// Solidity: function maximumFee() view returns(uint256)
func (_TronUSDT *TronUSDTSession) MaximumFee() (*big.Int, error) {
	return _TronUSDT.Contract.MaximumFee(&_TronUSDT.CallOpts)
}

// MaximumFee is a free data retrieval call binding the contract method 0x35390714.
//
// Solidity: function maximumFee() view returns(uint256)
func (_TronUSDT *TronUSDTCallerSession) MaximumFee() (*big.Int, error) {
	return _TronUSDT.Contract.MaximumFee(&_TronUSDT.CallOpts)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TronUSDT *TronUSDTCaller) Name(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "name")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TronUSDT *TronUSDTSession) Name() (string, error) {
	return _TronUSDT.Contract.Name(&_TronUSDT.CallOpts)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TronUSDT *TronUSDTCallerSession) Name() (string, error) {
	return _TronUSDT.Contract.Name(&_TronUSDT.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TronUSDT *TronUSDTCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TronUSDT *TronUSDTSession) Owner() (common.Address, error) {
	return _TronUSDT.Contract.Owner(&_TronUSDT.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TronUSDT *TronUSDTCallerSession) Owner() (common.Address, error) {
	return _TronUSDT.Contract.Owner(&_TronUSDT.CallOpts)
}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TronUSDT *TronUSDTCaller) Paused(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "paused")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TronUSDT *TronUSDTSession) Paused() (bool, error) {
	return _TronUSDT.Contract.Paused(&_TronUSDT.CallOpts)
}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TronUSDT *TronUSDTCallerSession) Paused() (bool, error) {
	return _TronUSDT.Contract.Paused(&_TronUSDT.CallOpts)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TronUSDT *TronUSDTCaller) Symbol(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "symbol")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TronUSDT *TronUSDTSession) Symbol() (string, error) {
	return _TronUSDT.Contract.Symbol(&_TronUSDT.CallOpts)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TronUSDT *TronUSDTCallerSession) Symbol() (string, error) {
	return _TronUSDT.Contract.Symbol(&_TronUSDT.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TronUSDT *TronUSDTCaller) TotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TronUSDT *TronUSDTSession) TotalSupply() (*big.Int, error) {
	return _TronUSDT.Contract.TotalSupply(&_TronUSDT.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TronUSDT *TronUSDTCallerSession) TotalSupply() (*big.Int, error) {
	return _TronUSDT.Contract.TotalSupply(&_TronUSDT.CallOpts)
}

// UpgradedAddress is a free data retrieval call binding the contract method 0x26976e3f.
//
// Solidity: function upgradedAddress() view returns(address)
func (_TronUSDT *TronUSDTCaller) UpgradedAddress(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TronUSDT.contract.Call(opts, &out, "upgradedAddress")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// UpgradedAddress is a free data retrieval call binding the contract method 0x26976e3f.
//
// Solidity: function upgradedAddress() view returns(address)
func (_TronUSDT *TronUSDTSession) UpgradedAddress() (common.Address, error) {
	return _TronUSDT.Contract.UpgradedAddress(&_TronUSDT.CallOpts)
}

// UpgradedAddress is a free data retrieval call binding the contract method 0x26976e3f.
//
// Solidity: function upgradedAddress() view returns(address)
func (_TronUSDT *TronUSDTCallerSession) UpgradedAddress() (common.Address, error) {
	return _TronUSDT.Contract.UpgradedAddress(&_TronUSDT.CallOpts)
}

// AddBlackList is a paid mutator transaction binding the contract method 0x0ecb93c0.
//
// Solidity: function addBlackList(address who) returns()
func (_TronUSDT *TronUSDTTransactor) AddBlackList(opts *bind.TransactOpts, who common.Address) (*types.Transaction, error) {
	return _TronUSDT.contract.Transact(opts, "addBlackList", who)
}

// AddBlackList is a paid mutator transaction binding the contract method 0x0ecb93c0.
//
// Solidity: function addBlackList(address who) returns()
func (_TronUSDT *TronUSDTSession) AddBlackList(who common.Address) (*types.Transaction, error) {
	return _TronUSDT.Contract.AddBlackList(&_TronUSDT.TransactOpts, who)
}

// AddBlackList is a paid mutator transaction binding the contract method 0x0ecb93c0.
//
// Solidity: function addBlackList(address who) returns()
func (_TronUSDT *TronUSDTTransactorSession) AddBlackList(who common.Address) (*types.Transaction, error) {
	return _TronUSDT.Contract.AddBlackList(&_TronUSDT.TransactOpts, who)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTTransactor) Approve(opts *bind.TransactOpts, spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.contract.Transact(opts, "approve", spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.Contract.Approve(&_TronUSDT.TransactOpts, spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTTransactorSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.Contract.Approve(&_TronUSDT.TransactOpts, spender, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTTransactor) Transfer(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.contract.Transact(opts, "transfer", to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.Contract.Transfer(&_TronUSDT.TransactOpts, to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTTransactorSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.Contract.Transfer(&_TronUSDT.TransactOpts, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTTransactor) TransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.contract.Transact(opts, "transferFrom", from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.Contract.TransferFrom(&_TronUSDT.TransactOpts, from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (_TronUSDT *TronUSDTTransactorSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TronUSDT.Contract.TransferFrom(&_TronUSDT.TransactOpts, from, to, value)
}

// TronUSDTApprovalIterator is returned from FilterApproval and is used to iterate over the raw logs and unpacked data for Approval events raised by the TronUSDT contract.
type TronUSDTApprovalIterator struct {
	Event *TronUSDTApproval // Event containing the contract specifics and raw log

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
func (it *TronUSDTApprovalIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TronUSDTApproval)
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
		it.Event = new(TronUSDTApproval)
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
func (it *TronUSDTApprovalIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TronUSDTApprovalIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TronUSDTApproval represents a Approval event raised by the TronUSDT contract.
type TronUSDTApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterApproval is a free log retrieval operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TronUSDT *TronUSDTFilterer) FilterApproval(opts *bind.FilterOpts, owner []common.Address, spender []common.Address) (*TronUSDTApprovalIterator, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TronUSDT.contract.FilterLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return &TronUSDTApprovalIterator{contract: _TronUSDT.contract, event: "Approval", logs: logs, sub: sub}, nil
}

// WatchApproval is a free log subscription operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TronUSDT *TronUSDTFilterer) WatchApproval(opts *bind.WatchOpts, sink chan<- *TronUSDTApproval, owner []common.Address, spender []common.Address) (event.Subscription, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TronUSDT.contract.WatchLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TronUSDTApproval)
				if err := _TronUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
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
func (_TronUSDT *TronUSDTFilterer) ParseApproval(log types.Log) (*TronUSDTApproval, error) {
	event := new(TronUSDTApproval)
	if err := _TronUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TronUSDTTransferIterator is returned from FilterTransfer and is used to iterate over the raw logs and unpacked data for Transfer events raised by the TronUSDT contract.
type TronUSDTTransferIterator struct {
	Event *TronUSDTTransfer // Event containing the contract specifics and raw log

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
func (it *TronUSDTTransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TronUSDTTransfer)
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
		it.Event = new(TronUSDTTransfer)
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
func (it *TronUSDTTransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TronUSDTTransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TronUSDTTransfer represents a Transfer event raised by the TronUSDT contract.
type TronUSDTTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterTransfer is a free log retrieval operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TronUSDT *TronUSDTFilterer) FilterTransfer(opts *bind.FilterOpts, from []common.Address, to []common.Address) (*TronUSDTTransferIterator, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TronUSDT.contract.FilterLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &TronUSDTTransferIterator{contract: _TronUSDT.contract, event: "Transfer", logs: logs, sub: sub}, nil
}

// WatchTransfer is a free log subscription operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TronUSDT *TronUSDTFilterer) WatchTransfer(opts *bind.WatchOpts, sink chan<- *TronUSDTTransfer, from []common.Address, to []common.Address) (event.Subscription, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TronUSDT.contract.WatchLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TronUSDTTransfer)
				if err := _TronUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
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
func (_TronUSDT *TronUSDTFilterer) ParseTransfer(log types.Log) (*TronUSDTTransfer, error) {
	event := new(TronUSDTTransfer)
	if err := _TronUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
