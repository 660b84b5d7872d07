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

    /// @dev The events' topics, keccak256("Failed(uint256,address,uint256)")
    /// and keccak256("Batch(address,bytes32,uint256,uint256,uint256)"), are
    /// written out in the assembly (the package's tests read them through the ABI).
    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Pays items of token. `pull` (0: the contract is already
    /// funded) must equal the items' total; it is taken from the caller with
    /// transferFrom.
    function pay(address token, uint256 pull, bytes32[] calldata items) external {
        require(pull != 0 || msg.sender == owner, "not owner");
        require(token.code.length > 0, "token");
        assembly {
            // Memory at fixed places (nothing of Solidity's is live here):
            // 0x00 the word a token call returns; 0x80.. a call's input
            // (selector, then two or three words); 0x100 the failed count,
            // 0x120 the failed total (read on failures only: kept off the stack).
            mstore(0x100, 0)
            mstore(0x120, 0)
            // the funding step: transferFrom(caller, this, pull)
            if pull {
                mstore(0x80, shl(224, 0x23b872dd))
                mstore(0x84, caller())
                mstore(0xa4, address())
                mstore(0xc4, pull)
                mstore(0, 0)
                let ok := call(gas(), token, 0, 0x80, 100, 0, 32)
                if iszero(and(ok, or(iszero(returndatasize()), and(gt(returndatasize(), 31), eq(mload(0), 1))))) {
                    mstore(0, shl(224, 0x08c379a0)) // Error("pull")
                    mstore(4, 32)
                    mstore(36, 4)
                    mstore(68, shl(224, 0x70756c6c))
                    revert(0, 100)
                }
            }
            // transfer(to, amount) for each item. A call succeeds when it
            // does not revert and leaves the word at 0x00 at 1: a token that
            // returns nothing (Tether) leaves the 1 put there before the loop,
            // one that returns a bool writes it (as OpenZeppelin's SafeERC20
            // reads a token's answer); a failure puts the 1 back.
            mstore(0x80, shl(224, 0xa9059cbb))
            mstore(0, 1)
            let sum := 0
            let mask := sub(shl(160, 1), 1) // computed once: a PUSH20 in the loop costs the same as a DUP, but the optimizer rebuilds it each row
            let end := add(items.offset, shl(5, items.length))
            for { let it := items.offset } lt(it, end) { it := add(it, 32) } {
                let item := calldataload(it)
                let amount := shr(160, item)
                sum := add(sum, amount)
                mstore(0x84, and(item, mask))
                mstore(0xa4, amount)
                // Yul evaluates arguments right to left: the call, then the word it left
                if iszero(and(eq(mload(0), 1), call(CALL_GAS, token, 0, 0x80, 68, 0, 32))) {
                    mstore(0x100, add(mload(0x100), 1))
                    mstore(0x120, add(mload(0x120), amount))
                    log3(0xa4, 32, 0x588dcfcbb5374fc86c413296e3ed7c6c0f173823a87afd0016558cc6a5969ab6, shr(5, sub(it, items.offset)), mload(0x84))
                    mstore(0, 1)
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
            let failedN := mload(0x100)
            let failedSum := mload(0x120)
            // what the token refused goes back to the caller
            if failedSum {
                mstore(0x84, caller())
                mstore(0xa4, failedSum)
                mstore(0, 0)
                let ok := call(gas(), token, 0, 0x80, 68, 0, 32)
                if iszero(and(ok, or(iszero(returndatasize()), and(gt(returndatasize(), 31), eq(mload(0), 1))))) {
                    mstore(0, shl(224, 0x08c379a0)) // Error("return")
                    mstore(4, 32)
                    mstore(36, 6)
                    mstore(68, shl(208, 0x72657475726e))
                    revert(0, 100)
                }
            }
            // Batch(token, keccak256(items), count, failed, returned)
            calldatacopy(0x140, items.offset, shl(5, items.length))
            let h := keccak256(0x140, shl(5, items.length))
            mstore(0x80, items.length)
            mstore(0xa0, failedN)
            mstore(0xc0, failedSum)
            log3(0x80, 96, 0x57b3336ea116b53b4dbe403770f26b3cd905c60d512462a692bd55ba4837946a, token, h)
        }
    }
}
