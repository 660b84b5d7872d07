// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title TronUSDT: a test token that reads and checks what Tron's USDT does.
/// @notice Our own code, written to do on every call the storage reads,
/// writes and checks that the TRC20 TetherToken on Tron
/// (TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t; its published source, solc 0.4.25:
/// TetherToken is Pausable, StandardTokenWithFees, BlackList) does, in the
/// same order and in the same storage slots, so energy measured on it is
/// what the real token charges. Its layout, by the source's inheritance
/// order: balances (slot 0), allowed (1), owner with paused (2),
/// basisPointsRate (3), maximumFee (4), name (5), symbol (6), decimals (7),
/// _totalSupply (8), isBlackListed (9), upgradedAddress with deprecated (10).
///   transfer: paused, isBlackListed[sender], deprecated, the fee
///   (basisPointsRate, then maximumFee), to != 0, the sender's balance read
///   for the check and again for the subtraction, written, the recipient's
///   read and written, one Transfer event; returns true.
///   transferFrom: paused, isBlackListed[from], deprecated, to != 0,
///   balances[from], allowed[from][sender], the fee, both balances read and
///   written, allowed read again (left alone at MAX_UINT), Transfer; true.
/// Unlike Ethereum's Tether, transfer and transferFrom return a bool, and
/// there is no payload-size check. A transfer to a blacklisted recipient
/// succeeds, as on Tron; the zero address is refused (require, a revert).
/// Tron's token was built by solc 0.4.25: the computation between those
/// accesses costs it more than this contract built by 0.8 with the
/// optimizer; _pad and the single steps after it burn the difference,
/// calibrated so that a transfer costs at table prices what TronScan showed
/// for USDT transfers before the dynamic energy model: 14,631 energy to an
/// existing holder, 29,631 to a fresh one (TestTronUSDTEnergy in
/// internal/dev/gasbench, which also checks the storage accesses above).
contract TronUSDT {
    mapping(address => uint256) private balances; // slot 0
    mapping(address => mapping(address => uint256)) private allowed; // slot 1
    address public owner; // slot 2
    bool public paused;
    uint256 public basisPointsRate; // slot 3
    uint256 public maximumFee; // slot 4
    string public name; // slot 5
    string public symbol; // slot 6
    uint8 public decimals; // slot 7
    uint256 public _totalSupply; // slot 8
    mapping(address => bool) public isBlackListed; // slot 9
    address public upgradedAddress; // slot 10
    bool public deprecated;

    uint256 private constant MAX_UINT = type(uint256).max;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(uint256 initialSupply) {
        owner = msg.sender;
        _totalSupply = initialSupply;
        balances[msg.sender] = initialSupply;
        name = "Tether USD";
        symbol = "USDT";
        decimals = 6;
    }

    function balanceOf(address who) external view returns (uint256) {
        return balances[who];
    }

    function allowance(address holder, address spender) external view returns (uint256) {
        return allowed[holder][spender];
    }

    function totalSupply() external view returns (uint256) {
        return _totalSupply;
    }

    /// @dev The owner blacklists a holder (a blacklisted sender is refused).
    function addBlackList(address who) external {
        require(msg.sender == owner);
        isBlackListed[who] = true;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(!paused);
        require(!isBlackListed[msg.sender]);
        require(!deprecated, "deprecated");
        _pad(PAD_TRANSFER);
        assembly {
            // single steps (5 energy each) after the loop's rounds
            let x := gas()
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            if iszero(x) { revert(0, 0) }
        }
        uint256 fee = _fee(value);
        uint256 send = value - fee;
        _move(msg.sender, to, send);
        if (fee > 0) {
            _move(msg.sender, owner, fee);
        }
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        require(!paused);
        require(!isBlackListed[from]);
        require(!deprecated, "deprecated");
        require(to != address(0));
        uint256 fromSlot = _balanceSlot(from);
        uint256 allowedSlot = _allowedSlot(from, msg.sender);
        uint256 fee;
        assembly {
            if gt(value, sload(fromSlot)) { revert(0, 0) }
            if gt(value, sload(allowedSlot)) { revert(0, 0) }
        }
        fee = _fee(value);
        uint256 send = value - fee;
        uint256 toSlot = _balanceSlot(to);
        assembly {
            let b := sload(fromSlot)
            if gt(value, b) { revert(0, 0) }
            sstore(fromSlot, sub(b, value))
            let c := sload(toSlot)
            let d := add(c, send)
            if lt(d, c) { revert(0, 0) }
            sstore(toSlot, d)
        }
        uint256 a;
        assembly { a := sload(allowedSlot) }
        if (a < MAX_UINT) {
            allowed[from][msg.sender] = a - value;
        }
        emit Transfer(from, to, send);
        if (fee > 0) {
            address o = owner;
            balances[o] += fee;
            emit Transfer(from, o, fee);
        }
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        require(!paused);
        require(!deprecated, "deprecated");
        allowed[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @dev calcFee: basisPointsRate, then maximumFee (read again when it caps).
    function _fee(uint256 value) private view returns (uint256 fee) {
        fee = (value * basisPointsRate) / 10000;
        if (fee > maximumFee) {
            fee = maximumFee;
        }
    }

    /// @dev BasicToken.transfer: to != 0, the sender's balance read for the
    /// check and again for the subtraction, then the recipient's.
    function _move(address from, address to, uint256 value) private {
        require(to != address(0));
        uint256 fromSlot = _balanceSlot(from);
        uint256 toSlot = _balanceSlot(to);
        assembly {
            if gt(value, sload(fromSlot)) { revert(0, 0) }
            sstore(fromSlot, sub(sload(fromSlot), value))
            let c := sload(toSlot)
            let d := add(c, value)
            if lt(d, c) { invalid() }
            sstore(toSlot, d)
        }
        emit Transfer(from, to, value);
    }

    function _balanceSlot(address who) private pure returns (uint256 s) {
        assembly {
            mstore(0, who)
            mstore(32, 0)
            s := keccak256(0, 64)
        }
    }

    function _allowedSlot(address holder, address spender) private pure returns (uint256 s) {
        assembly {
            mstore(0, holder)
            mstore(32, 1)
            mstore(32, keccak256(0, 64))
            mstore(0, spender)
            s := keccak256(0, 64)
        }
    }

    // Rounds of _pad that, with the single steps written beside its call,
    // bring transfer to the energy of Tron's code: calibrated by measurement
    // (see the contract's notice); a change to this contract moves its
    // energy, and TestTronUSDTEnergy says by how much.
    uint256 private constant PAD_TRANSFER = 19;

    /// @dev Burns energy: n rounds of a loop (no state, no memory; the count
    /// is checked so that no optimizer drops the loop).
    function _pad(uint256 n) private view {
        assembly {
            let x := 0
            for { let i := n } i { i := sub(i, 1) } { x := add(x, gas()) }
            if eq(x, 1) { revert(0, 0) }
        }
    }
}
