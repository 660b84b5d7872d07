// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title Multisend: one transaction pays many recipients of one token.
/// @notice In pull mode any hot wallet may call it: the batch total is taken
/// from the caller and what the token refuses goes back to the caller, so a
/// caller only ever pays out its own tokens, and a hot key rotated in uses
/// the same contract after its own one approval. Funding by transfer (pull
/// = 0) pays from what the contract holds: only the owner (fixed at
/// deployment) may do that. Funding is one step per batch, in either of two ways:
///   - approve once: the hot wallet approves this contract for the token
///     (once, for good) and passes the batch total as `pull`; pay takes it
///     with one transferFrom in the same transaction;
///   - fund by transfer: the hot wallet transfers the total here first and
///     passes pull = 0.
/// Each recipient is then paid by its own call to token.transfer; a call
/// that reverts or returns false (a token that refuses the recipient) fails
/// that recipient alone: Failed(index, to, amount) is emitted and the other
/// payouts go on. At the end the failed amounts go back to the hot wallet in
/// one transfer, so nothing stays here. Paid recipients are evidenced by the
/// token's own Transfer events; the contract writes no storage of its own.
/// Items are packed, one 32-byte word each: amount (uint96) in the high 12
/// bytes, the recipient in the low 20 (calldata is paid per byte).
contract Multisend {
    /// @notice The hot wallet that deployed it: the only caller of a batch
    /// funded by transfer (pull = 0).
    address public immutable owner;

    /// @notice A recipient the token refused (reverted or returned false).
    event Failed(uint256 indexed index, address indexed to, uint256 amount);
    /// @notice One per batch: the token, keccak256 of the packed items, how
    /// many there were, and the total returned to the caller.
    event Batch(address indexed token, bytes32 indexed itemsHash, uint256 count, uint256 failed, uint256 returned);

    /// @dev Gas a single token call may use: a token that fails with an
    /// invalid opcode (Solidity 0.4's assert) burns only this much.
    uint256 private constant CALL_GAS = 200_000;

    /// @dev keccak256("Failed(uint256,address,uint256)"), written out for
    /// the assembly (a test checks it against the ABI).
    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Pays items of token. `pull` (0: the contract is already
    /// funded) must equal the items' total; it is taken from the caller with
    /// transferFrom.
    function pay(address token, uint256 pull, bytes32[] calldata items) external {
        require(pull != 0 || msg.sender == owner, "not owner");
        require(token.code.length > 0, "token");
        uint256 failedN;
        uint256 failedSum;
        assembly {
            let p := mload(0x40)
            // p+128: failed count, p+160: failed total, p+192: items offset (read on failures only: kept off the stack)
            mstore(add(p, 128), 0)
            mstore(add(p, 160), 0)
            mstore(add(p, 192), items.offset)
            // the funding step: transferFrom(caller, this, pull)
            if pull {
                mstore(p, shl(224, 0x23b872dd))
                mstore(add(p, 4), caller())
                mstore(add(p, 36), address())
                mstore(add(p, 68), pull)
                mstore(0, 0)
                let ok := call(gas(), token, 0, p, 100, 0, 32)
                if iszero(and(ok, or(iszero(returndatasize()), and(gt(returndatasize(), 31), eq(mload(0), 1))))) {
                    mstore(0, shl(224, 0x08c379a0)) // Error("pull")
                    mstore(4, 32)
                    mstore(36, 4)
                    mstore(68, shl(224, 0x70756c6c))
                    revert(0, 100)
                }
            }
            // transfer(to, amount) for each item
            mstore(p, shl(224, 0xa9059cbb))
            let sum := 0
            let end := add(items.offset, shl(5, items.length))
            for { let it := items.offset } lt(it, end) { it := add(it, 32) } {
                let item := calldataload(it)
                sum := add(sum, shr(160, item))
                mstore(add(p, 4), and(item, 0xffffffffffffffffffffffffffffffffffffffff))
                mstore(add(p, 36), shr(160, item))
                let ok := call(CALL_GAS, token, 0, p, 68, 0, 32)
                if iszero(and(ok, or(iszero(returndatasize()), and(gt(returndatasize(), 31), eq(mload(0), 1))))) {
                    mstore(add(p, 128), add(mload(add(p, 128)), 1))
                    mstore(add(p, 160), add(mload(add(p, 160)), shr(160, item)))
                    log3(add(p, 36), 32, 0x588dcfcbb5374fc86c413296e3ed7c6c0f173823a87afd0016558cc6a5969ab6, shr(5, sub(it, mload(add(p, 192)))), mload(add(p, 4)))
                }
            }
            if pull {
                if iszero(eq(pull, sum)) {
                    mstore(0, shl(224, 0x08c379a0)) // Error("total")
                    mstore(4, 32)
                    mstore(36, 5)
                    mstore(68, shl(216, 0x746f74616c))
                    revert(0, 100)
                }
            }
            failedN := mload(add(p, 128))
            failedSum := mload(add(p, 160))
            // what the token refused goes back to the caller
            if failedSum {
                mstore(add(p, 4), caller())
                mstore(add(p, 36), failedSum)
                mstore(0, 0)
                let ok := call(gas(), token, 0, p, 68, 0, 32)
                if iszero(and(ok, or(iszero(returndatasize()), and(gt(returndatasize(), 31), eq(mload(0), 1))))) {
                    mstore(0, shl(224, 0x08c379a0)) // Error("return")
                    mstore(4, 32)
                    mstore(36, 6)
                    mstore(68, shl(208, 0x72657475726e))
                    revert(0, 100)
                }
            }
        }
        bytes32 h;
        assembly {
            let q := mload(0x40)
            calldatacopy(q, items.offset, shl(5, items.length))
            h := keccak256(q, shl(5, items.length))
        }
        emit Batch(token, h, items.length, failedN, failedSum);
    }
}
