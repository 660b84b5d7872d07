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

// TetherUSDTMetaData contains all meta data concerning the TetherUSDT contract.
var TetherUSDTMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"initialSupply\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"user\",\"type\":\"address\"}],\"name\":\"AddedBlackList\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"newAddress\",\"type\":\"address\"}],\"name\":\"Deprecate\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Issue\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"feeBasisPoints\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"maxFee\",\"type\":\"uint256\"}],\"name\":\"Params\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"Pause\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Redeem\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"user\",\"type\":\"address\"}],\"name\":\"RemovedBlackList\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"Unpause\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_UINT\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"_totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"user\",\"type\":\"address\"}],\"name\":\"addBlackList\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"holder\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"allowed\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"who\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balances\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"basisPointsRate\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"upgraded\",\"type\":\"address\"}],\"name\":\"deprecate\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"deprecated\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isBlackListed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isRecipientBlocked\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"issue\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"maximumFee\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pause\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"paused\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"redeem\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"user\",\"type\":\"address\"}],\"name\":\"removeBlackList\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"who\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"listed\",\"type\":\"bool\"}],\"name\":\"setBlackListed\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"newBasisPoints\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"newMaxFee\",\"type\":\"uint256\"}],\"name\":\"setParams\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bool\",\"name\":\"p\",\"type\":\"bool\"}],\"name\":\"setPaused\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"who\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"blocked\",\"type\":\"bool\"}],\"name\":\"setRecipientBlocked\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bool\",\"name\":\"on\",\"type\":\"bool\"}],\"name\":\"setRecipientBlocking\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"unpause\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"upgradedAddress\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x608060405234801561000f575f5ffd5b506040516117d43803806117d483398101604081905261002e916100b8565b5f80546001600160a01b03191633908117825560018390558152600260209081526040918290208390558151808301909252600a82526915195d1a195c881554d160b21b908201526007906100839082610172565b506040805180820190915260048152631554d11560e21b60208201526008906100ac9082610172565b50506006600955610230565b5f602082840312156100c8575f5ffd5b5051919050565b634e487b7160e01b5f52604160045260245ffd5b600181811c908216806100f757607f821691505b60208210810361011557634e487b7160e01b5f52602260045260245ffd5b50919050565b601f82111561016d578282111561016d57805f5260205f20601f840160051c602085101561014657505f5b90810190601f840160051c035f5b81811015610169575f83820155600101610154565b5050505b505050565b81516001600160401b0381111561018b5761018b6100cf565b61019f8161019984546100e3565b8461011b565b6020601f8211600181146101d1575f83156101ba5750848201515b5f19600385901b1c1916600184901b178455610229565b5f84815260208120601f198516915b8281101561020057878501518255602094850194600190920191016101e0565b508482101561021d57868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b6115978061023d5f395ff3fe608060405234801561000f575f5ffd5b50600436106101fd575f3560e01c80635cd8c07211610114578063c0324c77116100a9578063dd644f7211610079578063dd644f7214610461578063e47d60601461046a578063e4997dc51461048c578063e5b5019a1461049f578063ef5b4e1f146104a7575f5ffd5b8063c0324c7714610415578063cc872b6614610428578063db006a751461043b578063dd62ed3e1461044e575f5ffd5b80638da5cb5b116100e45780638da5cb5b146103c657806392b14d98146103d857806395d89b41146103fa578063a9059cbb14610402575f5ffd5b80635cd8c072146103705780636d570e081461038357806370a08231146103965780638456cb59146103be575f5ffd5b806326976e3f116101955780633eaaf86b116101655780633eaaf86b1461030f5780633f4ba83a1461031857806340c10f19146103205780635c658165146103335780635c975abb1461035d575f5ffd5b806326976e3f146102b357806327e235e3146102de578063313ce567146102fd5780633539071414610306575f5ffd5b80630ecb93c0116101d05780630ecb93c01461026857806316c38b3c1461027b57806318160ddd1461028e57806323b872dd146102a0575f5ffd5b806306fdde03146102015780630753c30c1461021f578063095ea7b3146102345780630e136b1914610247575b5f5ffd5b6102096104ba565b604051610216919061120b565b60405180910390f35b61023261022d36600461125b565b610546565b005b61023261024236600461127b565b6105b6565b600a54600160a01b900460ff166001145b6040519015158152602001610216565b61023261027636600461125b565b61064f565b6102326102893660046112b2565b6106b7565b6001545b604051908152602001610216565b6102326102ae3660046112cb565b6106e9565b600a546102c6906001600160a01b031681565b6040516001600160a01b039091168152602001610216565b6102926102ec36600461125b565b60026020525f908152604090205481565b61029260095481565b61029260045481565b61029260015481565b610232610805565b61023261032e36600461127b565b61084f565b610292610341366004611305565b600560209081525f928352604080842090915290825290205481565b5f5461025890600160a01b900460ff1681565b61023261037e366004611336565b6108d8565b6102326103913660046112b2565b610917565b6102926103a436600461125b565b6001600160a01b03165f9081526002602052604090205490565b61023261096f565b5f546102c6906001600160a01b031681565b6102586103e636600461125b565b600b6020525f908152604090205460ff1681565b6102096109bf565b61023261041036600461127b565b6109cc565b61023261042336600461135e565b610ae2565b61023261043636600461137e565b610b76565b61023261044936600461137e565b610c40565b61029261045c366004611305565b610cf8565b61029260035481565b61025861047836600461125b565b60066020525f908152604090205460ff1681565b61023261049a36600461125b565b610d24565b6102925f1981565b6102326104b5366004611336565b610d89565b600780546104c790611395565b80601f01602080910402602001604051908101604052809291908181526020018280546104f390611395565b801561053e5780601f106105155761010080835404028352916020019161053e565b820191905f5260205f20905b81548152906001019060200180831161052157829003601f168201915b505050505081565b5f546001600160a01b0316331461055b575f5ffd5b600a80546001600160a81b0319166001600160a01b038316908117600160a01b179091556040519081527fcc358699805e9a8b7f77b522628c7cb9abd07d9efb86b6fb616af1609036a99e906020015b60405180910390a150565b60406105c38160046113e1565b3610156105ce575f5ffd5b600a54600160a01b900460ff16600103610645576040513360248201526001600160a01b0384166044820152606481018390526106409063aee92d33906084015b6040516020818303038152906040529060e01b6020820180516001600160e01b038381831617835250505050610dc8565b505050565b6106408383610e30565b5f546001600160a01b03163314610664575f5ffd5b6001600160a01b0381165f81815260066020908152604091829020805460ff1916600117905590519182527f42e160154868087d6bfdc0ca23d96a1c1cfa32f1b72ba9ba27b69b98a0d819dc91016105ab565b5f546001600160a01b031633146106cc575f5ffd5b5f8054911515600160a01b0260ff60a01b19909216919091179055565b5f54600160a01b900460ff16156106fe575f5ffd5b6001600160a01b0383165f9081526006602052604090205460ff1615610722575f5ffd5b600a54600160a01b900460ff16156107e257600a54600160a01b900460ff16600103610781576040513360248201526001600160a01b038085166044830152831660648201526084810182905261064090638b477adb9060a40161060f565b6001600160a01b0382165f908152600b602052604090205460ff16156107e25760405162461bcd60e51b81526020600482015260116024820152701c9958da5c1a595b9d08189b1bd8dad959607a1b60448201526064015b60405180910390fd5b6107ec6001610ec0565b5a5a1981016107f9575f5ffd5b50610640838383610ee3565b5f546001600160a01b0316331461081a575f5ffd5b5f805460ff60a01b191681556040517f7805862f689e2f13df9f062ff482ad3ad112aca9e0847911ed832e158c525b339190a1565b5f546001600160a01b03163314610864575f5ffd5b8060015f82825461087591906113e1565b90915550506001600160a01b0382165f90815260026020526040812080548392906108a19084906113e1565b90915550506040518181526001600160a01b038316905f905f5160206115425f395f51905f52906020015b60405180910390a35050565b5f546001600160a01b031633146108ed575f5ffd5b6001600160a01b03919091165f908152600660205260409020805460ff1916911515919091179055565b5f546001600160a01b0316331461092c575f5ffd5b600a54600160a01b900460ff16600103610944575f5ffd5b8061094f575f610952565b60025b600a60146101000a81548160ff021916908360ff16021790555050565b5f546001600160a01b03163314610984575f5ffd5b5f805460ff60a01b1916600160a01b1781556040517f6985a02210a168e66602d3235cb6db0e70f92b3ba4d376a33c0f3d9434bff6259190a1565b600880546104c790611395565b5f54600160a01b900460ff16156109e1575f5ffd5b335f9081526006602052604090205460ff16156109fc575f5ffd5b600a54600160a01b900460ff1615610ab357600a54600160a01b900460ff16600103610a57576040513360248201526001600160a01b038316604482015260648101829052610a5390636e18980a9060840161060f565b5050565b6001600160a01b0382165f908152600b602052604090205460ff1615610ab35760405162461bcd60e51b81526020600482015260116024820152701c9958da5c1a595b9d08189b1bd8dad959607a1b60448201526064016107d9565b610abd6009610ec0565b5a5a015a015a015a015a015a015a015a8101610ad7575f5ffd5b50610a5382826110b4565b5f546001600160a01b03163314610af7575f5ffd5b60148210610b03575f5ffd5b60328110610b0f575f5ffd5b6003829055600954610b2290600a6114d7565b610b2c90826114e2565b60048190556003546040517fb044a1e409eac5c48e5af22d4af52670dd1a99059537a78b31b48c6500a6354e92610b6a928252602082015260400190565b60405180910390a15050565b5f546001600160a01b03163314610b8b575f5ffd5b600154610b9882826113e1565b11610ba1575f5ffd5b5f80546001600160a01b0316815260026020526040902054610bc382826113e1565b11610bcc575f5ffd5b5f80546001600160a01b031681526002602052604081208054839290610bf39084906113e1565b925050819055508060015f828254610c0b91906113e1565b90915550506040518181527fcb8241adb0c3fdb35b70c24ce35c5eb0c17af7431c99f827d44a445ca624176a906020016105ab565b5f546001600160a01b03163314610c55575f5ffd5b806001541015610c63575f5ffd5b5f80546001600160a01b0316815260026020526040902054811115610c86575f5ffd5b8060015f828254610c9791906114f9565b90915550505f80546001600160a01b031681526002602052604081208054839290610cc39084906114f9565b90915550506040518181527f702d5967f45f6513a38ffc42d6ba9bf230bd40e8f53b16363c7eb4fd2deb9a44906020016105ab565b6001600160a01b038083165f908152600560209081526040808320938516835292905220545b92915050565b5f546001600160a01b03163314610d39575f5ffd5b6001600160a01b0381165f81815260066020908152604091829020805460ff1916905590519182527fd7e9ec6e6ecd65492dce6bf513cd6867560d49544421d0783ddf06e76c24470c91016105ab565b5f546001600160a01b03163314610d9e575f5ffd5b6001600160a01b03919091165f908152600b60205260409020805460ff1916911515919091179055565b600a546040515f916001600160a01b031690610de590849061150c565b5f604051808303815f865af19150503d805f8114610e1e576040519150601f19603f3d011682016040523d82523d5f602084013e610e23565b606091505b5050905080610a53575f5ffd5b8015801590610e605750335f9081526005602090815260408083206001600160a01b038616845290915290205415155b15610e69575f5ffd5b335f8181526005602090815260408083206001600160a01b03871680855290835292819020859055518481529192917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b92591016108cc565b5f815b8015610ed6575a909101905f1901610ec3565b5060018103610a53575f5ffd5b6060610ef08160046113e1565b361015610efb575f5ffd5b6001600160a01b0384165f90815260056020908152604080832033845290915281205460035490919061271090610f3290866114e2565b610f3c9190611522565b9050600454811115610f4d57506004545b5f19821015610f8457610f6084836114f9565b6001600160a01b0387165f9081526005602090815260408083203384529091529020555b5f610f8f82866114f9565b6001600160a01b0388165f90815260026020526040902054909150610fb59086906114f9565b6001600160a01b038089165f908152600260205260408082209390935590881681522054610fe49082906113e1565b6001600160a01b0387165f908152600260205260409020558115611071575f80546001600160a01b031680825260026020526040909120546110279084906113e1565b6001600160a01b038083165f8181526002602052604090819020939093559151908a16905f5160206115425f395f51905f52906110679087815260200190565b60405180910390a3505b856001600160a01b0316876001600160a01b03165f5160206115425f395f51905f52836040516110a391815260200190565b60405180910390a350505050505050565b60406110c18160046113e1565b3610156110cc575f5ffd5b5f612710600354846110de91906114e2565b6110e89190611522565b90506004548111156110f957506004545b5f61110482856114f9565b335f908152600260205260409020549091506111219085906114f9565b335f90815260026020526040808220929092556001600160a01b0387168152205461114d9082906113e1565b6001600160a01b0386165f9081526002602052604090205581156111d7575f80546001600160a01b031680825260026020526040909120546111909084906113e1565b6001600160a01b0382165f818152600260205260409081902092909255905133905f5160206115425f395f51905f52906111cd9087815260200190565b60405180910390a3505b6040518181526001600160a01b0386169033905f5160206115425f395f51905f529060200160405180910390a35050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b80356001600160a01b0381168114611256575f5ffd5b919050565b5f6020828403121561126b575f5ffd5b61127482611240565b9392505050565b5f5f6040838503121561128c575f5ffd5b61129583611240565b946020939093013593505050565b80358015158114611256575f5ffd5b5f602082840312156112c2575f5ffd5b611274826112a3565b5f5f5f606084860312156112dd575f5ffd5b6112e684611240565b92506112f460208501611240565b929592945050506040919091013590565b5f5f60408385031215611316575f5ffd5b61131f83611240565b915061132d60208401611240565b90509250929050565b5f5f60408385031215611347575f5ffd5b61135083611240565b915061132d602084016112a3565b5f5f6040838503121561136f575f5ffd5b50508035926020909101359150565b5f6020828403121561138e575f5ffd5b5035919050565b600181811c908216806113a957607f821691505b6020821081036113c757634e487b7160e01b5f52602260045260245ffd5b50919050565b634e487b7160e01b5f52601160045260245ffd5b80820180821115610d1e57610d1e6113cd565b6001815b600184111561142f57808504811115611413576114136113cd565b600184161561142157908102905b60019390931c9280026113f8565b935093915050565b5f8261144557506001610d1e565b8161145157505f610d1e565b816001811461146757600281146114715761148d565b6001915050610d1e565b60ff841115611482576114826113cd565b50506001821b610d1e565b5060208310610133831016604e8410600b84101617156114b0575081810a610d1e565b6114bc5f1984846113f4565b805f19048211156114cf576114cf6113cd565b029392505050565b5f6112748383611437565b8082028115828204841417610d1e57610d1e6113cd565b81810381811115610d1e57610d1e6113cd565b5f82518060208501845e5f920191825250919050565b5f8261153c57634e487b7160e01b5f52601260045260245ffd5b50049056feddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3efa264697066735822122095d879a066b6901b2f6382aab026ca79918975135fb68932d695e8a2f05f85cd64736f6c63430008250033",
}

// TetherUSDTABI is the input ABI used to generate the binding from.
// Deprecated: Use TetherUSDTMetaData.ABI instead.
var TetherUSDTABI = TetherUSDTMetaData.ABI

// TetherUSDTBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use TetherUSDTMetaData.Bin instead.
var TetherUSDTBin = TetherUSDTMetaData.Bin

// DeployTetherUSDT deploys a new Ethereum contract, binding an instance of TetherUSDT to it.
func DeployTetherUSDT(auth *bind.TransactOpts, backend bind.ContractBackend, initialSupply *big.Int) (common.Address, *types.Transaction, *TetherUSDT, error) {
	parsed, err := TetherUSDTMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(TetherUSDTBin), backend, initialSupply)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &TetherUSDT{TetherUSDTCaller: TetherUSDTCaller{contract: contract}, TetherUSDTTransactor: TetherUSDTTransactor{contract: contract}, TetherUSDTFilterer: TetherUSDTFilterer{contract: contract}}, nil
}

// TetherUSDT is an auto generated Go binding around an Ethereum contract.
type TetherUSDT struct {
	TetherUSDTCaller     // Read-only binding to the contract
	TetherUSDTTransactor // Write-only binding to the contract
	TetherUSDTFilterer   // Log filterer for contract events
}

// TetherUSDTCaller is an auto generated read-only Go binding around an Ethereum contract.
type TetherUSDTCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TetherUSDTTransactor is an auto generated write-only Go binding around an Ethereum contract.
type TetherUSDTTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TetherUSDTFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type TetherUSDTFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// TetherUSDTSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type TetherUSDTSession struct {
	Contract     *TetherUSDT       // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// TetherUSDTCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type TetherUSDTCallerSession struct {
	Contract *TetherUSDTCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts     // Call options to use throughout this session
}

// TetherUSDTTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type TetherUSDTTransactorSession struct {
	Contract     *TetherUSDTTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts     // Transaction auth options to use throughout this session
}

// TetherUSDTRaw is an auto generated low-level Go binding around an Ethereum contract.
type TetherUSDTRaw struct {
	Contract *TetherUSDT // Generic contract binding to access the raw methods on
}

// TetherUSDTCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type TetherUSDTCallerRaw struct {
	Contract *TetherUSDTCaller // Generic read-only contract binding to access the raw methods on
}

// TetherUSDTTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type TetherUSDTTransactorRaw struct {
	Contract *TetherUSDTTransactor // Generic write-only contract binding to access the raw methods on
}

// NewTetherUSDT creates a new instance of TetherUSDT, bound to a specific deployed contract.
func NewTetherUSDT(address common.Address, backend bind.ContractBackend) (*TetherUSDT, error) {
	contract, err := bindTetherUSDT(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &TetherUSDT{TetherUSDTCaller: TetherUSDTCaller{contract: contract}, TetherUSDTTransactor: TetherUSDTTransactor{contract: contract}, TetherUSDTFilterer: TetherUSDTFilterer{contract: contract}}, nil
}

// NewTetherUSDTCaller creates a new read-only instance of TetherUSDT, bound to a specific deployed contract.
func NewTetherUSDTCaller(address common.Address, caller bind.ContractCaller) (*TetherUSDTCaller, error) {
	contract, err := bindTetherUSDT(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &TetherUSDTCaller{contract: contract}, nil
}

// NewTetherUSDTTransactor creates a new write-only instance of TetherUSDT, bound to a specific deployed contract.
func NewTetherUSDTTransactor(address common.Address, transactor bind.ContractTransactor) (*TetherUSDTTransactor, error) {
	contract, err := bindTetherUSDT(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &TetherUSDTTransactor{contract: contract}, nil
}

// NewTetherUSDTFilterer creates a new log filterer instance of TetherUSDT, bound to a specific deployed contract.
func NewTetherUSDTFilterer(address common.Address, filterer bind.ContractFilterer) (*TetherUSDTFilterer, error) {
	contract, err := bindTetherUSDT(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &TetherUSDTFilterer{contract: contract}, nil
}

// bindTetherUSDT binds a generic wrapper to an already deployed contract.
func bindTetherUSDT(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := TetherUSDTMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TetherUSDT *TetherUSDTRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TetherUSDT.Contract.TetherUSDTCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TetherUSDT *TetherUSDTRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TetherUSDT.Contract.TetherUSDTTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TetherUSDT *TetherUSDTRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TetherUSDT.Contract.TetherUSDTTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_TetherUSDT *TetherUSDTCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _TetherUSDT.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_TetherUSDT *TetherUSDTTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TetherUSDT.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_TetherUSDT *TetherUSDTTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _TetherUSDT.Contract.contract.Transact(opts, method, params...)
}

// MAXUINT is a free data retrieval call binding the contract method 0xe5b5019a.
//
// Solidity: function MAX_UINT() view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) MAXUINT(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "MAX_UINT")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// MAXUINT is a free data retrieval call binding the contract method 0xe5b5019a.
//
// Solidity: function MAX_UINT() view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) MAXUINT() (*big.Int, error) {
	return _TetherUSDT.Contract.MAXUINT(&_TetherUSDT.CallOpts)
}

// MAXUINT is a free data retrieval call binding the contract method 0xe5b5019a.
//
// Solidity: function MAX_UINT() view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) MAXUINT() (*big.Int, error) {
	return _TetherUSDT.Contract.MAXUINT(&_TetherUSDT.CallOpts)
}

// RawTotalSupply is a free data retrieval call binding the contract method 0x3eaaf86b.
//
// Solidity: function _totalSupply() view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) RawTotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "_totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// RawTotalSupply is a free data retrieval call binding the contract method 0x3eaaf86b.
//
// Solidity: function _totalSupply() view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) RawTotalSupply() (*big.Int, error) {
	return _TetherUSDT.Contract.RawTotalSupply(&_TetherUSDT.CallOpts)
}

// RawTotalSupply is a free data retrieval call binding the contract method 0x3eaaf86b.
//
// Solidity: function _totalSupply() view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) RawTotalSupply() (*big.Int, error) {
	return _TetherUSDT.Contract.RawTotalSupply(&_TetherUSDT.CallOpts)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address holder, address spender) view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) Allowance(opts *bind.CallOpts, holder common.Address, spender common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "allowance", holder, spender)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address holder, address spender) view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) Allowance(holder common.Address, spender common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.Allowance(&_TetherUSDT.CallOpts, holder, spender)
}

// Allowance is a free data retrieval call binding the contract method 0xdd62ed3e.
//
// Solidity: function allowance(address holder, address spender) view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) Allowance(holder common.Address, spender common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.Allowance(&_TetherUSDT.CallOpts, holder, spender)
}

// Allowed is a free data retrieval call binding the contract method 0x5c658165.
//
// Solidity: function allowed(address , address ) view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) Allowed(opts *bind.CallOpts, arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "allowed", arg0, arg1)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Allowed is a free data retrieval call binding the contract method 0x5c658165.
//
// Solidity: function allowed(address , address ) view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) Allowed(arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.Allowed(&_TetherUSDT.CallOpts, arg0, arg1)
}

// Allowed is a free data retrieval call binding the contract method 0x5c658165.
//
// Solidity: function allowed(address , address ) view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) Allowed(arg0 common.Address, arg1 common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.Allowed(&_TetherUSDT.CallOpts, arg0, arg1)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address who) view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) BalanceOf(opts *bind.CallOpts, who common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "balanceOf", who)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address who) view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) BalanceOf(who common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.BalanceOf(&_TetherUSDT.CallOpts, who)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address who) view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) BalanceOf(who common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.BalanceOf(&_TetherUSDT.CallOpts, who)
}

// Balances is a free data retrieval call binding the contract method 0x27e235e3.
//
// Solidity: function balances(address ) view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) Balances(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "balances", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Balances is a free data retrieval call binding the contract method 0x27e235e3.
//
// Solidity: function balances(address ) view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) Balances(arg0 common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.Balances(&_TetherUSDT.CallOpts, arg0)
}

// Balances is a free data retrieval call binding the contract method 0x27e235e3.
//
// Solidity: function balances(address ) view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) Balances(arg0 common.Address) (*big.Int, error) {
	return _TetherUSDT.Contract.Balances(&_TetherUSDT.CallOpts, arg0)
}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) BasisPointsRate(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "basisPointsRate")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) BasisPointsRate() (*big.Int, error) {
	return _TetherUSDT.Contract.BasisPointsRate(&_TetherUSDT.CallOpts)
}

// BasisPointsRate is a free data retrieval call binding the contract method 0xdd644f72.
//
// Solidity: function basisPointsRate() view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) BasisPointsRate() (*big.Int, error) {
	return _TetherUSDT.Contract.BasisPointsRate(&_TetherUSDT.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) Decimals(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "decimals")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) Decimals() (*big.Int, error) {
	return _TetherUSDT.Contract.Decimals(&_TetherUSDT.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) Decimals() (*big.Int, error) {
	return _TetherUSDT.Contract.Decimals(&_TetherUSDT.CallOpts)
}

// Deprecated is a free data retrieval call binding the contract method 0x0e136b19.
//
// Solidity: function deprecated() view returns(bool)
func (_TetherUSDT *TetherUSDTCaller) Deprecated(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "deprecated")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// Deprecated is a free data retrieval call binding the contract method 0x0e136b19.
//
// Solidity: function deprecated() view returns(bool)
func (_TetherUSDT *TetherUSDTSession) Deprecated() (bool, error) {
	return _TetherUSDT.Contract.Deprecated(&_TetherUSDT.CallOpts)
}

// Deprecated is a free data retrieval call binding the contract method 0x0e136b19.
//
// Solidity: function deprecated() view returns(bool)
func (_TetherUSDT *TetherUSDTCallerSession) Deprecated() (bool, error) {
	return _TetherUSDT.Contract.Deprecated(&_TetherUSDT.CallOpts)
}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TetherUSDT *TetherUSDTCaller) IsBlackListed(opts *bind.CallOpts, arg0 common.Address) (bool, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "isBlackListed", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TetherUSDT *TetherUSDTSession) IsBlackListed(arg0 common.Address) (bool, error) {
	return _TetherUSDT.Contract.IsBlackListed(&_TetherUSDT.CallOpts, arg0)
}

// IsBlackListed is a free data retrieval call binding the contract method 0xe47d6060.
//
// Solidity: function isBlackListed(address ) view returns(bool)
func (_TetherUSDT *TetherUSDTCallerSession) IsBlackListed(arg0 common.Address) (bool, error) {
	return _TetherUSDT.Contract.IsBlackListed(&_TetherUSDT.CallOpts, arg0)
}

// IsRecipientBlocked is a free data retrieval call binding the contract method 0x92b14d98.
//
// Solidity: function isRecipientBlocked(address ) view returns(bool)
func (_TetherUSDT *TetherUSDTCaller) IsRecipientBlocked(opts *bind.CallOpts, arg0 common.Address) (bool, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "isRecipientBlocked", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsRecipientBlocked is a free data retrieval call binding the contract method 0x92b14d98.
//
// Solidity: function isRecipientBlocked(address ) view returns(bool)
func (_TetherUSDT *TetherUSDTSession) IsRecipientBlocked(arg0 common.Address) (bool, error) {
	return _TetherUSDT.Contract.IsRecipientBlocked(&_TetherUSDT.CallOpts, arg0)
}

// IsRecipientBlocked is a free data retrieval call binding the contract method 0x92b14d98.
//
// Solidity: function isRecipientBlocked(address ) view returns(bool)
func (_TetherUSDT *TetherUSDTCallerSession) IsRecipientBlocked(arg0 common.Address) (bool, error) {
	return _TetherUSDT.Contract.IsRecipientBlocked(&_TetherUSDT.CallOpts, arg0)
}

// MaximumFee is a free data retrieval call binding the contract method 0x35390714.
//
// Solidity: function maximumFee() view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) MaximumFee(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "maximumFee")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// MaximumFee is a free data retrieval call binding the contract method 0x35390714.
//
// Solidity: function maximumFee() view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) MaximumFee() (*big.Int, error) {
	return _TetherUSDT.Contract.MaximumFee(&_TetherUSDT.CallOpts)
}

// MaximumFee is a free data retrieval call binding the contract method 0x35390714.
//
// Solidity: function maximumFee() view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) MaximumFee() (*big.Int, error) {
	return _TetherUSDT.Contract.MaximumFee(&_TetherUSDT.CallOpts)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TetherUSDT *TetherUSDTCaller) Name(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "name")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TetherUSDT *TetherUSDTSession) Name() (string, error) {
	return _TetherUSDT.Contract.Name(&_TetherUSDT.CallOpts)
}

// Name is a free data retrieval call binding the contract method 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (_TetherUSDT *TetherUSDTCallerSession) Name() (string, error) {
	return _TetherUSDT.Contract.Name(&_TetherUSDT.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TetherUSDT *TetherUSDTCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TetherUSDT *TetherUSDTSession) Owner() (common.Address, error) {
	return _TetherUSDT.Contract.Owner(&_TetherUSDT.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_TetherUSDT *TetherUSDTCallerSession) Owner() (common.Address, error) {
	return _TetherUSDT.Contract.Owner(&_TetherUSDT.CallOpts)
}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TetherUSDT *TetherUSDTCaller) Paused(opts *bind.CallOpts) (bool, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "paused")

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TetherUSDT *TetherUSDTSession) Paused() (bool, error) {
	return _TetherUSDT.Contract.Paused(&_TetherUSDT.CallOpts)
}

// Paused is a free data retrieval call binding the contract method 0x5c975abb.
//
// Solidity: function paused() view returns(bool)
func (_TetherUSDT *TetherUSDTCallerSession) Paused() (bool, error) {
	return _TetherUSDT.Contract.Paused(&_TetherUSDT.CallOpts)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TetherUSDT *TetherUSDTCaller) Symbol(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "symbol")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TetherUSDT *TetherUSDTSession) Symbol() (string, error) {
	return _TetherUSDT.Contract.Symbol(&_TetherUSDT.CallOpts)
}

// Symbol is a free data retrieval call binding the contract method 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (_TetherUSDT *TetherUSDTCallerSession) Symbol() (string, error) {
	return _TetherUSDT.Contract.Symbol(&_TetherUSDT.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TetherUSDT *TetherUSDTCaller) TotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TetherUSDT *TetherUSDTSession) TotalSupply() (*big.Int, error) {
	return _TetherUSDT.Contract.TotalSupply(&_TetherUSDT.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_TetherUSDT *TetherUSDTCallerSession) TotalSupply() (*big.Int, error) {
	return _TetherUSDT.Contract.TotalSupply(&_TetherUSDT.CallOpts)
}

// UpgradedAddress is a free data retrieval call binding the contract method 0x26976e3f.
//
// Solidity: function upgradedAddress() view returns(address)
func (_TetherUSDT *TetherUSDTCaller) UpgradedAddress(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _TetherUSDT.contract.Call(opts, &out, "upgradedAddress")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// UpgradedAddress is a free data retrieval call binding the contract method 0x26976e3f.
//
// Solidity: function upgradedAddress() view returns(address)
func (_TetherUSDT *TetherUSDTSession) UpgradedAddress() (common.Address, error) {
	return _TetherUSDT.Contract.UpgradedAddress(&_TetherUSDT.CallOpts)
}

// UpgradedAddress is a free data retrieval call binding the contract method 0x26976e3f.
//
// Solidity: function upgradedAddress() view returns(address)
func (_TetherUSDT *TetherUSDTCallerSession) UpgradedAddress() (common.Address, error) {
	return _TetherUSDT.Contract.UpgradedAddress(&_TetherUSDT.CallOpts)
}

// AddBlackList is a paid mutator transaction binding the contract method 0x0ecb93c0.
//
// Solidity: function addBlackList(address user) returns()
func (_TetherUSDT *TetherUSDTTransactor) AddBlackList(opts *bind.TransactOpts, user common.Address) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "addBlackList", user)
}

// AddBlackList is a paid mutator transaction binding the contract method 0x0ecb93c0.
//
// Solidity: function addBlackList(address user) returns()
func (_TetherUSDT *TetherUSDTSession) AddBlackList(user common.Address) (*types.Transaction, error) {
	return _TetherUSDT.Contract.AddBlackList(&_TetherUSDT.TransactOpts, user)
}

// AddBlackList is a paid mutator transaction binding the contract method 0x0ecb93c0.
//
// Solidity: function addBlackList(address user) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) AddBlackList(user common.Address) (*types.Transaction, error) {
	return _TetherUSDT.Contract.AddBlackList(&_TetherUSDT.TransactOpts, user)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactor) Approve(opts *bind.TransactOpts, spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "approve", spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns()
func (_TetherUSDT *TetherUSDTSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Approve(&_TetherUSDT.TransactOpts, spender, value)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Approve(spender common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Approve(&_TetherUSDT.TransactOpts, spender, value)
}

// Deprecate is a paid mutator transaction binding the contract method 0x0753c30c.
//
// Solidity: function deprecate(address upgraded) returns()
func (_TetherUSDT *TetherUSDTTransactor) Deprecate(opts *bind.TransactOpts, upgraded common.Address) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "deprecate", upgraded)
}

// Deprecate is a paid mutator transaction binding the contract method 0x0753c30c.
//
// Solidity: function deprecate(address upgraded) returns()
func (_TetherUSDT *TetherUSDTSession) Deprecate(upgraded common.Address) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Deprecate(&_TetherUSDT.TransactOpts, upgraded)
}

// Deprecate is a paid mutator transaction binding the contract method 0x0753c30c.
//
// Solidity: function deprecate(address upgraded) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Deprecate(upgraded common.Address) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Deprecate(&_TetherUSDT.TransactOpts, upgraded)
}

// Issue is a paid mutator transaction binding the contract method 0xcc872b66.
//
// Solidity: function issue(uint256 amount) returns()
func (_TetherUSDT *TetherUSDTTransactor) Issue(opts *bind.TransactOpts, amount *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "issue", amount)
}

// Issue is a paid mutator transaction binding the contract method 0xcc872b66.
//
// Solidity: function issue(uint256 amount) returns()
func (_TetherUSDT *TetherUSDTSession) Issue(amount *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Issue(&_TetherUSDT.TransactOpts, amount)
}

// Issue is a paid mutator transaction binding the contract method 0xcc872b66.
//
// Solidity: function issue(uint256 amount) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Issue(amount *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Issue(&_TetherUSDT.TransactOpts, amount)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactor) Mint(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "mint", to, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTSession) Mint(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Mint(&_TetherUSDT.TransactOpts, to, value)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Mint(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Mint(&_TetherUSDT.TransactOpts, to, value)
}

// Pause is a paid mutator transaction binding the contract method 0x8456cb59.
//
// Solidity: function pause() returns()
func (_TetherUSDT *TetherUSDTTransactor) Pause(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "pause")
}

// Pause is a paid mutator transaction binding the contract method 0x8456cb59.
//
// Solidity: function pause() returns()
func (_TetherUSDT *TetherUSDTSession) Pause() (*types.Transaction, error) {
	return _TetherUSDT.Contract.Pause(&_TetherUSDT.TransactOpts)
}

// Pause is a paid mutator transaction binding the contract method 0x8456cb59.
//
// Solidity: function pause() returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Pause() (*types.Transaction, error) {
	return _TetherUSDT.Contract.Pause(&_TetherUSDT.TransactOpts)
}

// Redeem is a paid mutator transaction binding the contract method 0xdb006a75.
//
// Solidity: function redeem(uint256 amount) returns()
func (_TetherUSDT *TetherUSDTTransactor) Redeem(opts *bind.TransactOpts, amount *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "redeem", amount)
}

// Redeem is a paid mutator transaction binding the contract method 0xdb006a75.
//
// Solidity: function redeem(uint256 amount) returns()
func (_TetherUSDT *TetherUSDTSession) Redeem(amount *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Redeem(&_TetherUSDT.TransactOpts, amount)
}

// Redeem is a paid mutator transaction binding the contract method 0xdb006a75.
//
// Solidity: function redeem(uint256 amount) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Redeem(amount *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Redeem(&_TetherUSDT.TransactOpts, amount)
}

// RemoveBlackList is a paid mutator transaction binding the contract method 0xe4997dc5.
//
// Solidity: function removeBlackList(address user) returns()
func (_TetherUSDT *TetherUSDTTransactor) RemoveBlackList(opts *bind.TransactOpts, user common.Address) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "removeBlackList", user)
}

// RemoveBlackList is a paid mutator transaction binding the contract method 0xe4997dc5.
//
// Solidity: function removeBlackList(address user) returns()
func (_TetherUSDT *TetherUSDTSession) RemoveBlackList(user common.Address) (*types.Transaction, error) {
	return _TetherUSDT.Contract.RemoveBlackList(&_TetherUSDT.TransactOpts, user)
}

// RemoveBlackList is a paid mutator transaction binding the contract method 0xe4997dc5.
//
// Solidity: function removeBlackList(address user) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) RemoveBlackList(user common.Address) (*types.Transaction, error) {
	return _TetherUSDT.Contract.RemoveBlackList(&_TetherUSDT.TransactOpts, user)
}

// SetBlackListed is a paid mutator transaction binding the contract method 0x5cd8c072.
//
// Solidity: function setBlackListed(address who, bool listed) returns()
func (_TetherUSDT *TetherUSDTTransactor) SetBlackListed(opts *bind.TransactOpts, who common.Address, listed bool) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "setBlackListed", who, listed)
}

// SetBlackListed is a paid mutator transaction binding the contract method 0x5cd8c072.
//
// Solidity: function setBlackListed(address who, bool listed) returns()
func (_TetherUSDT *TetherUSDTSession) SetBlackListed(who common.Address, listed bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetBlackListed(&_TetherUSDT.TransactOpts, who, listed)
}

// SetBlackListed is a paid mutator transaction binding the contract method 0x5cd8c072.
//
// Solidity: function setBlackListed(address who, bool listed) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) SetBlackListed(who common.Address, listed bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetBlackListed(&_TetherUSDT.TransactOpts, who, listed)
}

// SetParams is a paid mutator transaction binding the contract method 0xc0324c77.
//
// Solidity: function setParams(uint256 newBasisPoints, uint256 newMaxFee) returns()
func (_TetherUSDT *TetherUSDTTransactor) SetParams(opts *bind.TransactOpts, newBasisPoints *big.Int, newMaxFee *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "setParams", newBasisPoints, newMaxFee)
}

// SetParams is a paid mutator transaction binding the contract method 0xc0324c77.
//
// Solidity: function setParams(uint256 newBasisPoints, uint256 newMaxFee) returns()
func (_TetherUSDT *TetherUSDTSession) SetParams(newBasisPoints *big.Int, newMaxFee *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetParams(&_TetherUSDT.TransactOpts, newBasisPoints, newMaxFee)
}

// SetParams is a paid mutator transaction binding the contract method 0xc0324c77.
//
// Solidity: function setParams(uint256 newBasisPoints, uint256 newMaxFee) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) SetParams(newBasisPoints *big.Int, newMaxFee *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetParams(&_TetherUSDT.TransactOpts, newBasisPoints, newMaxFee)
}

// SetPaused is a paid mutator transaction binding the contract method 0x16c38b3c.
//
// Solidity: function setPaused(bool p) returns()
func (_TetherUSDT *TetherUSDTTransactor) SetPaused(opts *bind.TransactOpts, p bool) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "setPaused", p)
}

// SetPaused is a paid mutator transaction binding the contract method 0x16c38b3c.
//
// Solidity: function setPaused(bool p) returns()
func (_TetherUSDT *TetherUSDTSession) SetPaused(p bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetPaused(&_TetherUSDT.TransactOpts, p)
}

// SetPaused is a paid mutator transaction binding the contract method 0x16c38b3c.
//
// Solidity: function setPaused(bool p) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) SetPaused(p bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetPaused(&_TetherUSDT.TransactOpts, p)
}

// SetRecipientBlocked is a paid mutator transaction binding the contract method 0xef5b4e1f.
//
// Solidity: function setRecipientBlocked(address who, bool blocked) returns()
func (_TetherUSDT *TetherUSDTTransactor) SetRecipientBlocked(opts *bind.TransactOpts, who common.Address, blocked bool) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "setRecipientBlocked", who, blocked)
}

// SetRecipientBlocked is a paid mutator transaction binding the contract method 0xef5b4e1f.
//
// Solidity: function setRecipientBlocked(address who, bool blocked) returns()
func (_TetherUSDT *TetherUSDTSession) SetRecipientBlocked(who common.Address, blocked bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetRecipientBlocked(&_TetherUSDT.TransactOpts, who, blocked)
}

// SetRecipientBlocked is a paid mutator transaction binding the contract method 0xef5b4e1f.
//
// Solidity: function setRecipientBlocked(address who, bool blocked) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) SetRecipientBlocked(who common.Address, blocked bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetRecipientBlocked(&_TetherUSDT.TransactOpts, who, blocked)
}

// SetRecipientBlocking is a paid mutator transaction binding the contract method 0x6d570e08.
//
// Solidity: function setRecipientBlocking(bool on) returns()
func (_TetherUSDT *TetherUSDTTransactor) SetRecipientBlocking(opts *bind.TransactOpts, on bool) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "setRecipientBlocking", on)
}

// SetRecipientBlocking is a paid mutator transaction binding the contract method 0x6d570e08.
//
// Solidity: function setRecipientBlocking(bool on) returns()
func (_TetherUSDT *TetherUSDTSession) SetRecipientBlocking(on bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetRecipientBlocking(&_TetherUSDT.TransactOpts, on)
}

// SetRecipientBlocking is a paid mutator transaction binding the contract method 0x6d570e08.
//
// Solidity: function setRecipientBlocking(bool on) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) SetRecipientBlocking(on bool) (*types.Transaction, error) {
	return _TetherUSDT.Contract.SetRecipientBlocking(&_TetherUSDT.TransactOpts, on)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactor) Transfer(opts *bind.TransactOpts, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "transfer", to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Transfer(&_TetherUSDT.TransactOpts, to, value)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Transfer(to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.Transfer(&_TetherUSDT.TransactOpts, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactor) TransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "transferFrom", from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.TransferFrom(&_TetherUSDT.TransactOpts, from, to, value)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns()
func (_TetherUSDT *TetherUSDTTransactorSession) TransferFrom(from common.Address, to common.Address, value *big.Int) (*types.Transaction, error) {
	return _TetherUSDT.Contract.TransferFrom(&_TetherUSDT.TransactOpts, from, to, value)
}

// Unpause is a paid mutator transaction binding the contract method 0x3f4ba83a.
//
// Solidity: function unpause() returns()
func (_TetherUSDT *TetherUSDTTransactor) Unpause(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _TetherUSDT.contract.Transact(opts, "unpause")
}

// Unpause is a paid mutator transaction binding the contract method 0x3f4ba83a.
//
// Solidity: function unpause() returns()
func (_TetherUSDT *TetherUSDTSession) Unpause() (*types.Transaction, error) {
	return _TetherUSDT.Contract.Unpause(&_TetherUSDT.TransactOpts)
}

// Unpause is a paid mutator transaction binding the contract method 0x3f4ba83a.
//
// Solidity: function unpause() returns()
func (_TetherUSDT *TetherUSDTTransactorSession) Unpause() (*types.Transaction, error) {
	return _TetherUSDT.Contract.Unpause(&_TetherUSDT.TransactOpts)
}

// TetherUSDTAddedBlackListIterator is returned from FilterAddedBlackList and is used to iterate over the raw logs and unpacked data for AddedBlackList events raised by the TetherUSDT contract.
type TetherUSDTAddedBlackListIterator struct {
	Event *TetherUSDTAddedBlackList // Event containing the contract specifics and raw log

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
func (it *TetherUSDTAddedBlackListIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTAddedBlackList)
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
		it.Event = new(TetherUSDTAddedBlackList)
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
func (it *TetherUSDTAddedBlackListIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTAddedBlackListIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTAddedBlackList represents a AddedBlackList event raised by the TetherUSDT contract.
type TetherUSDTAddedBlackList struct {
	User common.Address
	Raw  types.Log // Blockchain specific contextual infos
}

// FilterAddedBlackList is a free log retrieval operation binding the contract event 0x42e160154868087d6bfdc0ca23d96a1c1cfa32f1b72ba9ba27b69b98a0d819dc.
//
// Solidity: event AddedBlackList(address user)
func (_TetherUSDT *TetherUSDTFilterer) FilterAddedBlackList(opts *bind.FilterOpts) (*TetherUSDTAddedBlackListIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "AddedBlackList")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTAddedBlackListIterator{contract: _TetherUSDT.contract, event: "AddedBlackList", logs: logs, sub: sub}, nil
}

// WatchAddedBlackList is a free log subscription operation binding the contract event 0x42e160154868087d6bfdc0ca23d96a1c1cfa32f1b72ba9ba27b69b98a0d819dc.
//
// Solidity: event AddedBlackList(address user)
func (_TetherUSDT *TetherUSDTFilterer) WatchAddedBlackList(opts *bind.WatchOpts, sink chan<- *TetherUSDTAddedBlackList) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "AddedBlackList")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTAddedBlackList)
				if err := _TetherUSDT.contract.UnpackLog(event, "AddedBlackList", log); err != nil {
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

// ParseAddedBlackList is a log parse operation binding the contract event 0x42e160154868087d6bfdc0ca23d96a1c1cfa32f1b72ba9ba27b69b98a0d819dc.
//
// Solidity: event AddedBlackList(address user)
func (_TetherUSDT *TetherUSDTFilterer) ParseAddedBlackList(log types.Log) (*TetherUSDTAddedBlackList, error) {
	event := new(TetherUSDTAddedBlackList)
	if err := _TetherUSDT.contract.UnpackLog(event, "AddedBlackList", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTApprovalIterator is returned from FilterApproval and is used to iterate over the raw logs and unpacked data for Approval events raised by the TetherUSDT contract.
type TetherUSDTApprovalIterator struct {
	Event *TetherUSDTApproval // Event containing the contract specifics and raw log

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
func (it *TetherUSDTApprovalIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTApproval)
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
		it.Event = new(TetherUSDTApproval)
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
func (it *TetherUSDTApprovalIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTApprovalIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTApproval represents a Approval event raised by the TetherUSDT contract.
type TetherUSDTApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterApproval is a free log retrieval operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TetherUSDT *TetherUSDTFilterer) FilterApproval(opts *bind.FilterOpts, owner []common.Address, spender []common.Address) (*TetherUSDTApprovalIterator, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return &TetherUSDTApprovalIterator{contract: _TetherUSDT.contract, event: "Approval", logs: logs, sub: sub}, nil
}

// WatchApproval is a free log subscription operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (_TetherUSDT *TetherUSDTFilterer) WatchApproval(opts *bind.WatchOpts, sink chan<- *TetherUSDTApproval, owner []common.Address, spender []common.Address) (event.Subscription, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var spenderRule []interface{}
	for _, spenderItem := range spender {
		spenderRule = append(spenderRule, spenderItem)
	}

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Approval", ownerRule, spenderRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTApproval)
				if err := _TetherUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
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
func (_TetherUSDT *TetherUSDTFilterer) ParseApproval(log types.Log) (*TetherUSDTApproval, error) {
	event := new(TetherUSDTApproval)
	if err := _TetherUSDT.contract.UnpackLog(event, "Approval", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTDeprecateIterator is returned from FilterDeprecate and is used to iterate over the raw logs and unpacked data for Deprecate events raised by the TetherUSDT contract.
type TetherUSDTDeprecateIterator struct {
	Event *TetherUSDTDeprecate // Event containing the contract specifics and raw log

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
func (it *TetherUSDTDeprecateIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTDeprecate)
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
		it.Event = new(TetherUSDTDeprecate)
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
func (it *TetherUSDTDeprecateIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTDeprecateIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTDeprecate represents a Deprecate event raised by the TetherUSDT contract.
type TetherUSDTDeprecate struct {
	NewAddress common.Address
	Raw        types.Log // Blockchain specific contextual infos
}

// FilterDeprecate is a free log retrieval operation binding the contract event 0xcc358699805e9a8b7f77b522628c7cb9abd07d9efb86b6fb616af1609036a99e.
//
// Solidity: event Deprecate(address newAddress)
func (_TetherUSDT *TetherUSDTFilterer) FilterDeprecate(opts *bind.FilterOpts) (*TetherUSDTDeprecateIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Deprecate")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTDeprecateIterator{contract: _TetherUSDT.contract, event: "Deprecate", logs: logs, sub: sub}, nil
}

// WatchDeprecate is a free log subscription operation binding the contract event 0xcc358699805e9a8b7f77b522628c7cb9abd07d9efb86b6fb616af1609036a99e.
//
// Solidity: event Deprecate(address newAddress)
func (_TetherUSDT *TetherUSDTFilterer) WatchDeprecate(opts *bind.WatchOpts, sink chan<- *TetherUSDTDeprecate) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Deprecate")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTDeprecate)
				if err := _TetherUSDT.contract.UnpackLog(event, "Deprecate", log); err != nil {
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

// ParseDeprecate is a log parse operation binding the contract event 0xcc358699805e9a8b7f77b522628c7cb9abd07d9efb86b6fb616af1609036a99e.
//
// Solidity: event Deprecate(address newAddress)
func (_TetherUSDT *TetherUSDTFilterer) ParseDeprecate(log types.Log) (*TetherUSDTDeprecate, error) {
	event := new(TetherUSDTDeprecate)
	if err := _TetherUSDT.contract.UnpackLog(event, "Deprecate", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTIssueIterator is returned from FilterIssue and is used to iterate over the raw logs and unpacked data for Issue events raised by the TetherUSDT contract.
type TetherUSDTIssueIterator struct {
	Event *TetherUSDTIssue // Event containing the contract specifics and raw log

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
func (it *TetherUSDTIssueIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTIssue)
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
		it.Event = new(TetherUSDTIssue)
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
func (it *TetherUSDTIssueIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTIssueIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTIssue represents a Issue event raised by the TetherUSDT contract.
type TetherUSDTIssue struct {
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterIssue is a free log retrieval operation binding the contract event 0xcb8241adb0c3fdb35b70c24ce35c5eb0c17af7431c99f827d44a445ca624176a.
//
// Solidity: event Issue(uint256 amount)
func (_TetherUSDT *TetherUSDTFilterer) FilterIssue(opts *bind.FilterOpts) (*TetherUSDTIssueIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Issue")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTIssueIterator{contract: _TetherUSDT.contract, event: "Issue", logs: logs, sub: sub}, nil
}

// WatchIssue is a free log subscription operation binding the contract event 0xcb8241adb0c3fdb35b70c24ce35c5eb0c17af7431c99f827d44a445ca624176a.
//
// Solidity: event Issue(uint256 amount)
func (_TetherUSDT *TetherUSDTFilterer) WatchIssue(opts *bind.WatchOpts, sink chan<- *TetherUSDTIssue) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Issue")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTIssue)
				if err := _TetherUSDT.contract.UnpackLog(event, "Issue", log); err != nil {
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

// ParseIssue is a log parse operation binding the contract event 0xcb8241adb0c3fdb35b70c24ce35c5eb0c17af7431c99f827d44a445ca624176a.
//
// Solidity: event Issue(uint256 amount)
func (_TetherUSDT *TetherUSDTFilterer) ParseIssue(log types.Log) (*TetherUSDTIssue, error) {
	event := new(TetherUSDTIssue)
	if err := _TetherUSDT.contract.UnpackLog(event, "Issue", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTParamsIterator is returned from FilterParams and is used to iterate over the raw logs and unpacked data for Params events raised by the TetherUSDT contract.
type TetherUSDTParamsIterator struct {
	Event *TetherUSDTParams // Event containing the contract specifics and raw log

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
func (it *TetherUSDTParamsIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTParams)
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
		it.Event = new(TetherUSDTParams)
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
func (it *TetherUSDTParamsIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTParamsIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTParams represents a Params event raised by the TetherUSDT contract.
type TetherUSDTParams struct {
	FeeBasisPoints *big.Int
	MaxFee         *big.Int
	Raw            types.Log // Blockchain specific contextual infos
}

// FilterParams is a free log retrieval operation binding the contract event 0xb044a1e409eac5c48e5af22d4af52670dd1a99059537a78b31b48c6500a6354e.
//
// Solidity: event Params(uint256 feeBasisPoints, uint256 maxFee)
func (_TetherUSDT *TetherUSDTFilterer) FilterParams(opts *bind.FilterOpts) (*TetherUSDTParamsIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Params")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTParamsIterator{contract: _TetherUSDT.contract, event: "Params", logs: logs, sub: sub}, nil
}

// WatchParams is a free log subscription operation binding the contract event 0xb044a1e409eac5c48e5af22d4af52670dd1a99059537a78b31b48c6500a6354e.
//
// Solidity: event Params(uint256 feeBasisPoints, uint256 maxFee)
func (_TetherUSDT *TetherUSDTFilterer) WatchParams(opts *bind.WatchOpts, sink chan<- *TetherUSDTParams) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Params")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTParams)
				if err := _TetherUSDT.contract.UnpackLog(event, "Params", log); err != nil {
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

// ParseParams is a log parse operation binding the contract event 0xb044a1e409eac5c48e5af22d4af52670dd1a99059537a78b31b48c6500a6354e.
//
// Solidity: event Params(uint256 feeBasisPoints, uint256 maxFee)
func (_TetherUSDT *TetherUSDTFilterer) ParseParams(log types.Log) (*TetherUSDTParams, error) {
	event := new(TetherUSDTParams)
	if err := _TetherUSDT.contract.UnpackLog(event, "Params", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTPauseIterator is returned from FilterPause and is used to iterate over the raw logs and unpacked data for Pause events raised by the TetherUSDT contract.
type TetherUSDTPauseIterator struct {
	Event *TetherUSDTPause // Event containing the contract specifics and raw log

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
func (it *TetherUSDTPauseIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTPause)
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
		it.Event = new(TetherUSDTPause)
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
func (it *TetherUSDTPauseIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTPauseIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTPause represents a Pause event raised by the TetherUSDT contract.
type TetherUSDTPause struct {
	Raw types.Log // Blockchain specific contextual infos
}

// FilterPause is a free log retrieval operation binding the contract event 0x6985a02210a168e66602d3235cb6db0e70f92b3ba4d376a33c0f3d9434bff625.
//
// Solidity: event Pause()
func (_TetherUSDT *TetherUSDTFilterer) FilterPause(opts *bind.FilterOpts) (*TetherUSDTPauseIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Pause")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTPauseIterator{contract: _TetherUSDT.contract, event: "Pause", logs: logs, sub: sub}, nil
}

// WatchPause is a free log subscription operation binding the contract event 0x6985a02210a168e66602d3235cb6db0e70f92b3ba4d376a33c0f3d9434bff625.
//
// Solidity: event Pause()
func (_TetherUSDT *TetherUSDTFilterer) WatchPause(opts *bind.WatchOpts, sink chan<- *TetherUSDTPause) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Pause")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTPause)
				if err := _TetherUSDT.contract.UnpackLog(event, "Pause", log); err != nil {
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

// ParsePause is a log parse operation binding the contract event 0x6985a02210a168e66602d3235cb6db0e70f92b3ba4d376a33c0f3d9434bff625.
//
// Solidity: event Pause()
func (_TetherUSDT *TetherUSDTFilterer) ParsePause(log types.Log) (*TetherUSDTPause, error) {
	event := new(TetherUSDTPause)
	if err := _TetherUSDT.contract.UnpackLog(event, "Pause", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTRedeemIterator is returned from FilterRedeem and is used to iterate over the raw logs and unpacked data for Redeem events raised by the TetherUSDT contract.
type TetherUSDTRedeemIterator struct {
	Event *TetherUSDTRedeem // Event containing the contract specifics and raw log

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
func (it *TetherUSDTRedeemIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTRedeem)
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
		it.Event = new(TetherUSDTRedeem)
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
func (it *TetherUSDTRedeemIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTRedeemIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTRedeem represents a Redeem event raised by the TetherUSDT contract.
type TetherUSDTRedeem struct {
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterRedeem is a free log retrieval operation binding the contract event 0x702d5967f45f6513a38ffc42d6ba9bf230bd40e8f53b16363c7eb4fd2deb9a44.
//
// Solidity: event Redeem(uint256 amount)
func (_TetherUSDT *TetherUSDTFilterer) FilterRedeem(opts *bind.FilterOpts) (*TetherUSDTRedeemIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Redeem")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTRedeemIterator{contract: _TetherUSDT.contract, event: "Redeem", logs: logs, sub: sub}, nil
}

// WatchRedeem is a free log subscription operation binding the contract event 0x702d5967f45f6513a38ffc42d6ba9bf230bd40e8f53b16363c7eb4fd2deb9a44.
//
// Solidity: event Redeem(uint256 amount)
func (_TetherUSDT *TetherUSDTFilterer) WatchRedeem(opts *bind.WatchOpts, sink chan<- *TetherUSDTRedeem) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Redeem")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTRedeem)
				if err := _TetherUSDT.contract.UnpackLog(event, "Redeem", log); err != nil {
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

// ParseRedeem is a log parse operation binding the contract event 0x702d5967f45f6513a38ffc42d6ba9bf230bd40e8f53b16363c7eb4fd2deb9a44.
//
// Solidity: event Redeem(uint256 amount)
func (_TetherUSDT *TetherUSDTFilterer) ParseRedeem(log types.Log) (*TetherUSDTRedeem, error) {
	event := new(TetherUSDTRedeem)
	if err := _TetherUSDT.contract.UnpackLog(event, "Redeem", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTRemovedBlackListIterator is returned from FilterRemovedBlackList and is used to iterate over the raw logs and unpacked data for RemovedBlackList events raised by the TetherUSDT contract.
type TetherUSDTRemovedBlackListIterator struct {
	Event *TetherUSDTRemovedBlackList // Event containing the contract specifics and raw log

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
func (it *TetherUSDTRemovedBlackListIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTRemovedBlackList)
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
		it.Event = new(TetherUSDTRemovedBlackList)
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
func (it *TetherUSDTRemovedBlackListIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTRemovedBlackListIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTRemovedBlackList represents a RemovedBlackList event raised by the TetherUSDT contract.
type TetherUSDTRemovedBlackList struct {
	User common.Address
	Raw  types.Log // Blockchain specific contextual infos
}

// FilterRemovedBlackList is a free log retrieval operation binding the contract event 0xd7e9ec6e6ecd65492dce6bf513cd6867560d49544421d0783ddf06e76c24470c.
//
// Solidity: event RemovedBlackList(address user)
func (_TetherUSDT *TetherUSDTFilterer) FilterRemovedBlackList(opts *bind.FilterOpts) (*TetherUSDTRemovedBlackListIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "RemovedBlackList")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTRemovedBlackListIterator{contract: _TetherUSDT.contract, event: "RemovedBlackList", logs: logs, sub: sub}, nil
}

// WatchRemovedBlackList is a free log subscription operation binding the contract event 0xd7e9ec6e6ecd65492dce6bf513cd6867560d49544421d0783ddf06e76c24470c.
//
// Solidity: event RemovedBlackList(address user)
func (_TetherUSDT *TetherUSDTFilterer) WatchRemovedBlackList(opts *bind.WatchOpts, sink chan<- *TetherUSDTRemovedBlackList) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "RemovedBlackList")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTRemovedBlackList)
				if err := _TetherUSDT.contract.UnpackLog(event, "RemovedBlackList", log); err != nil {
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

// ParseRemovedBlackList is a log parse operation binding the contract event 0xd7e9ec6e6ecd65492dce6bf513cd6867560d49544421d0783ddf06e76c24470c.
//
// Solidity: event RemovedBlackList(address user)
func (_TetherUSDT *TetherUSDTFilterer) ParseRemovedBlackList(log types.Log) (*TetherUSDTRemovedBlackList, error) {
	event := new(TetherUSDTRemovedBlackList)
	if err := _TetherUSDT.contract.UnpackLog(event, "RemovedBlackList", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTTransferIterator is returned from FilterTransfer and is used to iterate over the raw logs and unpacked data for Transfer events raised by the TetherUSDT contract.
type TetherUSDTTransferIterator struct {
	Event *TetherUSDTTransfer // Event containing the contract specifics and raw log

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
func (it *TetherUSDTTransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTTransfer)
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
		it.Event = new(TetherUSDTTransfer)
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
func (it *TetherUSDTTransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTTransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTTransfer represents a Transfer event raised by the TetherUSDT contract.
type TetherUSDTTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterTransfer is a free log retrieval operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TetherUSDT *TetherUSDTFilterer) FilterTransfer(opts *bind.FilterOpts, from []common.Address, to []common.Address) (*TetherUSDTTransferIterator, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &TetherUSDTTransferIterator{contract: _TetherUSDT.contract, event: "Transfer", logs: logs, sub: sub}, nil
}

// WatchTransfer is a free log subscription operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_TetherUSDT *TetherUSDTFilterer) WatchTransfer(opts *bind.WatchOpts, sink chan<- *TetherUSDTTransfer, from []common.Address, to []common.Address) (event.Subscription, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTTransfer)
				if err := _TetherUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
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
func (_TetherUSDT *TetherUSDTFilterer) ParseTransfer(log types.Log) (*TetherUSDTTransfer, error) {
	event := new(TetherUSDTTransfer)
	if err := _TetherUSDT.contract.UnpackLog(event, "Transfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// TetherUSDTUnpauseIterator is returned from FilterUnpause and is used to iterate over the raw logs and unpacked data for Unpause events raised by the TetherUSDT contract.
type TetherUSDTUnpauseIterator struct {
	Event *TetherUSDTUnpause // Event containing the contract specifics and raw log

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
func (it *TetherUSDTUnpauseIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(TetherUSDTUnpause)
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
		it.Event = new(TetherUSDTUnpause)
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
func (it *TetherUSDTUnpauseIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *TetherUSDTUnpauseIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// TetherUSDTUnpause represents a Unpause event raised by the TetherUSDT contract.
type TetherUSDTUnpause struct {
	Raw types.Log // Blockchain specific contextual infos
}

// FilterUnpause is a free log retrieval operation binding the contract event 0x7805862f689e2f13df9f062ff482ad3ad112aca9e0847911ed832e158c525b33.
//
// Solidity: event Unpause()
func (_TetherUSDT *TetherUSDTFilterer) FilterUnpause(opts *bind.FilterOpts) (*TetherUSDTUnpauseIterator, error) {

	logs, sub, err := _TetherUSDT.contract.FilterLogs(opts, "Unpause")
	if err != nil {
		return nil, err
	}
	return &TetherUSDTUnpauseIterator{contract: _TetherUSDT.contract, event: "Unpause", logs: logs, sub: sub}, nil
}

// WatchUnpause is a free log subscription operation binding the contract event 0x7805862f689e2f13df9f062ff482ad3ad112aca9e0847911ed832e158c525b33.
//
// Solidity: event Unpause()
func (_TetherUSDT *TetherUSDTFilterer) WatchUnpause(opts *bind.WatchOpts, sink chan<- *TetherUSDTUnpause) (event.Subscription, error) {

	logs, sub, err := _TetherUSDT.contract.WatchLogs(opts, "Unpause")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(TetherUSDTUnpause)
				if err := _TetherUSDT.contract.UnpackLog(event, "Unpause", log); err != nil {
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

// ParseUnpause is a log parse operation binding the contract event 0x7805862f689e2f13df9f062ff482ad3ad112aca9e0847911ed832e158c525b33.
//
// Solidity: event Unpause()
func (_TetherUSDT *TetherUSDTFilterer) ParseUnpause(log types.Log) (*TetherUSDTUnpause, error) {
	event := new(TetherUSDTUnpause)
	if err := _TetherUSDT.contract.UnpackLog(event, "Unpause", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
