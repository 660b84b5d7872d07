// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title TetherUSDT: a test token that costs what Tether's token costs.
/// @notice Our own code, written to do on every call the storage reads and
/// checks that Tether's TetherToken (mainnet 0xdAC17F958D2ee523a2206206994597C13D831ec7)
/// does, in the same order and in the same storage slots, so gas measured
/// with it is what the real token charges:
///   transfer: paused (slot 0), isBlackListed[sender] (slot 6), deprecated
///   (slot 10), the payload size, the fee (basisPointsRate slot 3, capped by
///   maximumFee slot 4) with overflow-checked arithmetic, balances (slot 2),
///   the fee to the owner when there is one, Transfer events. No return value.
///   transferFrom: the same with isBlackListed[from] and allowed (slot 5),
///   which is not decreased when it is MAX_UINT.
///   approve: deprecated, payload size, and the rule that a non-zero
///   allowance must be set to zero before it is changed. No return value.
/// A transfer to a blacklisted recipient succeeds, as on Tether. For tests
/// of a payer that must survive a refused recipient (USDC refuses those),
/// setRecipientBlocking makes transfers TO a listed address revert; the
/// switch shares slot 10 with deprecated, so it costs nothing while off.
/// Tether's code was built by solc 0.4.18 without the optimizer: beyond the
/// same storage accesses in the same order, its transfer and transferFrom
/// spend more gas on computation than this contract built by 0.8 with it.
/// A calibrated loop (_pad) burns that difference, so a transfer costs
/// exactly what Tether's costs: TestTetherFaithful in internal/dev/gasbench
/// holds the two equal (Tether's figures measured on its code by
/// cmd/tetherref, built from its published source).
contract TetherUSDT {
    // slot 0 (Ownable, Pausable)
    address public owner;
    bool public paused;
    // slot 1 (ERC20Basic)
    uint256 public _totalSupply;
    // slot 2..4 (BasicToken)
    mapping(address => uint256) public balances;
    uint256 public basisPointsRate;
    uint256 public maximumFee;
    // slot 5 (StandardToken)
    mapping(address => mapping(address => uint256)) public allowed;
    // slot 6 (BlackList)
    mapping(address => bool) public isBlackListed;
    // slot 7..9 (TetherToken)
    string public name;
    string public symbol;
    uint256 public decimals;
    // slot 10: upgradedAddress and a mode byte (1: deprecated, 2: test switch on)
    address public upgradedAddress;
    uint8 private mode;
    // slot 11: recipients refused while the test switch is on
    mapping(address => bool) public isRecipientBlocked;

    uint256 public constant MAX_UINT = type(uint256).max;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event Issue(uint256 amount);
    event Redeem(uint256 amount);
    event Deprecate(address newAddress);
    event Params(uint256 feeBasisPoints, uint256 maxFee);
    event AddedBlackList(address user);
    event RemovedBlackList(address user);
    event Pause();
    event Unpause();

    constructor(uint256 initialSupply) {
        owner = msg.sender;
        _totalSupply = initialSupply;
        balances[msg.sender] = initialSupply;
        name = "Tether USD";
        symbol = "USDT";
        decimals = 6;
    }

    modifier onlyOwner() {
        require(msg.sender == owner);
        _;
    }

    modifier whenNotPaused() {
        require(!paused);
        _;
    }

    modifier onlyPayloadSize(uint256 size) {
        require(!(msg.data.length < size + 4));
        _;
    }

    function deprecated() external view returns (bool) {
        return mode == 1;
    }

    function totalSupply() external view returns (uint256) {
        return _totalSupply;
    }

    function balanceOf(address who) external view returns (uint256) {
        return balances[who];
    }

    function allowance(address holder, address spender) external view returns (uint256) {
        return allowed[holder][spender];
    }

    function transfer(address to, uint256 value) external whenNotPaused {
        require(!isBlackListed[msg.sender]);
        if (mode != 0) {
            if (mode == 1) {
                return _legacy(abi.encodeWithSelector(0x6e18980a, msg.sender, to, value));
            }
            require(!isRecipientBlocked[to], "recipient blocked");
        }
        _pad(PAD_TRANSFER);
        assembly {
            // single steps (5 gas each) after the loop's rounds
            let x := gas()
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            x := add(x, gas())
            if iszero(x) { revert(0, 0) }
        }
        _transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) external whenNotPaused {
        require(!isBlackListed[from]);
        if (mode != 0) {
            if (mode == 1) {
                return _legacy(abi.encodeWithSelector(0x8b477adb, msg.sender, from, to, value));
            }
            require(!isRecipientBlocked[to], "recipient blocked");
        }
        _pad(PAD_TRANSFER_FROM);
        assembly {
            // one single step (8 gas) after the loop's round
            let x := gas()
            x := add(x, not(gas()))
            if iszero(x) { revert(0, 0) }
        }
        _transferFrom(from, to, value);
    }

    // Rounds of _pad (58 gas each), with the single steps written beside
    // each call, that bring transfer and transferFrom to the gas of Tether's
    // code: calibrated by measurement (see the contract's notice); a change
    // to this contract moves its gas, and TestTetherFaithful says by how much.
    uint256 private constant PAD_TRANSFER = 9;
    uint256 private constant PAD_TRANSFER_FROM = 1;

    /// @dev Burns gas: n rounds of a loop (no state, no memory; the count is
    /// checked so that no optimizer drops the loop).
    function _pad(uint256 n) private view {
        assembly {
            let x := 0
            for { let i := n } i { i := sub(i, 1) } { x := add(x, gas()) }
            if eq(x, 1) { revert(0, 0) }
        }
    }

    function approve(address spender, uint256 value) external onlyPayloadSize(2 * 32) {
        if (mode == 1) {
            return _legacy(abi.encodeWithSelector(0xaee92d33, msg.sender, spender, value));
        }
        _approve(spender, value);
    }

    /// @dev A deprecated token forwards to the upgraded one
    /// (transferByLegacy, transferFromByLegacy, approveByLegacy).
    function _legacy(bytes memory data) private {
        (bool ok,) = upgradedAddress.call(data);
        require(ok);
    }

    function _transfer(address to, uint256 value) private onlyPayloadSize(2 * 32) {
        uint256 fee = (value * basisPointsRate) / 10000;
        if (fee > maximumFee) {
            fee = maximumFee;
        }
        uint256 sendAmount = value - fee;
        balances[msg.sender] = balances[msg.sender] - value;
        balances[to] = balances[to] + sendAmount;
        if (fee > 0) {
            address o = owner;
            balances[o] = balances[o] + fee;
            emit Transfer(msg.sender, o, fee);
        }
        emit Transfer(msg.sender, to, sendAmount);
    }

    function _transferFrom(address from, address to, uint256 value) private onlyPayloadSize(3 * 32) {
        uint256 allowance_ = allowed[from][msg.sender];
        uint256 fee = (value * basisPointsRate) / 10000;
        if (fee > maximumFee) {
            fee = maximumFee;
        }
        if (allowance_ < MAX_UINT) {
            allowed[from][msg.sender] = allowance_ - value;
        }
        uint256 sendAmount = value - fee;
        balances[from] = balances[from] - value;
        balances[to] = balances[to] + sendAmount;
        if (fee > 0) {
            address o = owner;
            balances[o] = balances[o] + fee;
            emit Transfer(from, o, fee);
        }
        emit Transfer(from, to, sendAmount);
    }

    function _approve(address spender, uint256 value) private {
        require(!((value != 0) && (allowed[msg.sender][spender] != 0)));
        allowed[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    // ---- admin (the owner), as on Tether

    /// @notice Creates tokens in the owner's balance.
    function issue(uint256 amount) external onlyOwner {
        require(_totalSupply + amount > _totalSupply);
        require(balances[owner] + amount > balances[owner]);
        balances[owner] += amount;
        _totalSupply += amount;
        emit Issue(amount);
    }

    function redeem(uint256 amount) external onlyOwner {
        require(_totalSupply >= amount);
        require(balances[owner] >= amount);
        _totalSupply -= amount;
        balances[owner] -= amount;
        emit Redeem(amount);
    }

    function setParams(uint256 newBasisPoints, uint256 newMaxFee) external onlyOwner {
        require(newBasisPoints < 20);
        require(newMaxFee < 50);
        basisPointsRate = newBasisPoints;
        maximumFee = newMaxFee * (10 ** decimals);
        emit Params(basisPointsRate, maximumFee);
    }

    function addBlackList(address user) external onlyOwner {
        isBlackListed[user] = true;
        emit AddedBlackList(user);
    }

    function removeBlackList(address user) external onlyOwner {
        isBlackListed[user] = false;
        emit RemovedBlackList(user);
    }

    function pause() external onlyOwner {
        paused = true;
        emit Pause();
    }

    function unpause() external onlyOwner {
        paused = false;
        emit Unpause();
    }

    function deprecate(address upgraded) external onlyOwner {
        upgradedAddress = upgraded;
        mode = 1;
        emit Deprecate(upgraded);
    }

    // ---- test switches (not on Tether); setPaused and setBlackListed are
    // TestUSDT's names, kept so the local stack's tools drive either token

    function setPaused(bool p) external onlyOwner {
        paused = p;
    }

    function setBlackListed(address who, bool listed) external onlyOwner {
        isBlackListed[who] = listed;
    }


    /// @notice Turns on (or off) refusing transfers to listed recipients.
    function setRecipientBlocking(bool on) external onlyOwner {
        require(mode != 1);
        mode = on ? 2 : 0;
    }

    /// @notice Lists (or unlists) a recipient that transfers are refused to
    /// while the switch is on.
    function setRecipientBlocked(address who, bool blocked) external onlyOwner {
        isRecipientBlocked[who] = blocked;
    }

    /// @notice Test faucet: issues amount and moves it to `to` (two steps
    /// the real owner would take: issue, then transfer).
    function mint(address to, uint256 value) external onlyOwner {
        _totalSupply += value;
        balances[to] += value;
        emit Transfer(address(0), to, value);
    }
}

/// @title PlainUSDT: a token with none of Tether's extra reads (balances and
/// the Transfer event only; transfer returns true). The floor a batch payer
/// is measured against.
contract PlainUSDT {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function transfer(address to, uint256 value) external returns (bool) {
        balanceOf[msg.sender] -= value;
        unchecked {
            balanceOf[to] += value;
        }
        emit Transfer(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        if (a != type(uint256).max) {
            allowance[from][msg.sender] = a - value;
        }
        balanceOf[from] -= value;
        unchecked {
            balanceOf[to] += value;
        }
        emit Transfer(from, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @notice Test faucet (anyone).
    function mint(address to, uint256 value) external {
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }
}
