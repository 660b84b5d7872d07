// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title Deposit forwarders: one address per wallet, no private key behind it.
/// @notice Every Ethereum deposit address is the CREATE2 address of a minimal
/// proxy (EIP-1167) of Forwarder, deployed by ForwarderFactory with the
/// wallet's index as salt. The address is known before any code is there, so
/// customers can pay into it at once. The first sweep of an address deploys
/// its proxy and has it approve the factory for the token; from then on a
/// sweep is a single transferFrom by the factory inside one batch
/// transaction paid for by the hot key. The whole balance moves (no dust) and
/// no key of a deposit address exists anywhere.
contract Forwarder {
    /// @notice The factory: the only caller allowed to act for a forwarder
    /// (set in the implementation's code, so every proxy shares it).
    address public immutable factory;

    constructor() {
        factory = msg.sender;
    }

    modifier onlyFactory() {
        require(msg.sender == factory, "only factory");
        _;
    }

    /// @notice Lets the factory move this forwarder's token balance.
    function approveFactory(address token) external onlyFactory {
        _call(token, abi.encodeWithSelector(0x095ea7b3, factory, type(uint256).max));
    }

    /// @notice Moves the whole balance of any token to `to` (for a token the
    /// factory was not approved for: recovery of a mistaken deposit).
    function flush(address token, address to) external onlyFactory {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(0x70a08231, address(this)));
        require(ok && ret.length >= 32, "balanceOf");
        uint256 bal = abi.decode(ret, (uint256));
        if (bal > 0) {
            _call(token, abi.encodeWithSelector(0xa9059cbb, to, bal));
        }
    }

    /// @dev Calls a token that may return nothing (Tether) or a bool.
    function _call(address token, bytes memory data) private {
        (bool ok, bytes memory ret) = token.call(data);
        require(ok && (ret.length == 0 || abi.decode(ret, (bool))), "token call");
    }
}

contract ForwarderFactory {
    /// @notice The Forwarder every proxy delegates to.
    address public immutable implementation;
    /// @notice keccak256 of a proxy's init code (for CREATE2 addresses).
    bytes32 public immutable proxyCodeHash;
    /// @notice The hot key: the only account that may sweep.
    address public owner;
    /// @notice Where sweeps send the tokens: the hot wallet.
    address public sweepTo;

    event OwnerChanged(address owner, address sweepTo);

    constructor(address owner_, address sweepTo_) {
        implementation = address(new Forwarder());
        proxyCodeHash = keccak256(_proxyInitCode(implementation));
        owner = owner_;
        sweepTo = sweepTo_;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "not owner");
        _;
    }

    /// @notice Hands the factory to a new hot key (key rotation).
    function setOwner(address owner_, address sweepTo_) external onlyOwner {
        owner = owner_;
        sweepTo = sweepTo_;
        emit OwnerChanged(owner_, sweepTo_);
    }

    /// @notice The deposit address of salt, whether or not it has code yet.
    function forwarderAddress(bytes32 salt) public view returns (address) {
        return _predict(salt, proxyCodeHash);
    }

    /// @notice Deploys the forwarders of `deploy` (addresses with no code
    /// yet: calling one would succeed and move nothing) and has each approve
    /// the factory; then, for each 12-byte item of `items` (a uint32 salt,
    /// the wallet index, then a uint64 amount; packed, as calldata is paid
    /// per byte), moves amount of token from the salt's forwarder to sweepTo. The hot key reads each
    /// forwarder's balance just before it signs and passes it whole; a
    /// deposit landing after that read stays for the next sweep. All or
    /// nothing: one failed move reverts the batch.
    function sweep(address token, bytes32[] calldata deploy, bytes calldata items) external onlyOwner {
        require(items.length % 12 == 0, "items");
        for (uint256 i = 0; i < deploy.length; i++) {
            bytes memory init = _proxyInitCode(implementation);
            bytes32 salt = deploy[i];
            address made;
            assembly {
                made := create2(0, add(init, 32), mload(init), salt)
            }
            require(made != address(0), "deploy");
            Forwarder(made).approveFactory(token);
        }
        bytes32 h = proxyCodeHash;
        address to = sweepTo;
        assembly {
            // Memory at fixed places (nothing of Solidity's is live here):
            // 0x00 the word a token call returns; 0x80.. transferFrom's input
            // (selector, from, to, amount); 0x100.. CREATE2's preimage
            // (0xff ++ this, salt, the proxy's code hash).
            mstore(0x100, or(shl(160, 0xff), address()))
            mstore(0x140, h)
            mstore(0x80, shl(224, 0x23b872dd))
            mstore(0xa4, to)
            // A call succeeds when it does not revert and leaves the word at
            // 0x00 at 1: a token that returns nothing (Tether) leaves the 1
            // put there before the loop, one that returns a bool writes it
            // (as OpenZeppelin's SafeERC20 reads a token's answer).
            mstore(0, 1)
            let addrMask := sub(shl(160, 1), 1) // kept on the stack: the optimizer rebuilds a literal mask every row
            let end := add(items.offset, items.length)
            for { let it := items.offset } lt(it, end) { it := add(it, 12) } {
                let item := calldataload(it)
                mstore(0x120, shr(224, item))
                mstore(0x84, and(keccak256(0x10b, 85), addrMask))
                mstore(0xc4, and(shr(160, item), 0xffffffffffffffff))
                // Yul evaluates arguments right to left: the call, then the word it left
                if iszero(and(eq(mload(0), 1), call(gas(), token, 0, 0x80, 100, 0, 32))) { revert(0, 0) }
            }
        }
    }

    /// @notice Recovers another token sent to a forwarder by mistake.
    function rescue(bytes32 salt, address token, address to) external onlyOwner {
        Forwarder(_predict(salt, proxyCodeHash)).flush(token, to);
    }

    /// @dev The CREATE2 address of salt, computed in scratch memory.
    function _predict(bytes32 salt, bytes32 h) private view returns (address a) {
        assembly {
            let p := mload(0x40)
            mstore(p, or(shl(160, 0xff), address()))
            mstore(add(p, 32), salt)
            mstore(add(p, 64), h)
            a := and(keccak256(add(p, 11), 85), 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }

    /// @dev EIP-1167 minimal proxy init code delegating to impl.
    function _proxyInitCode(address impl) private pure returns (bytes memory) {
        return abi.encodePacked(
            hex"3d602d80600a3d3981f3363d3d373d3d3d363d73", impl, hex"5af43d82803e903d91602b57fd5bf3"
        );
    }
}
