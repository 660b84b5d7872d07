// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title Multicall: many read calls answered by one eth_call (or one Tron
/// constant call).
/// @notice Reconciliation reads every deposit address's token balance; one
/// call of aggregate3 carries a page of balanceOf calls instead of one
/// request each. It answers Multicall3's aggregate3 (the same selector and
/// encoding), so the reader works unchanged against Multicall3 where that is
/// deployed (on Ethereum mainnet at 0xcA11bde05977b3631167028862bE2a173976CA11)
/// and against this contract where it is not (the local chain, a Tron
/// deployment of our own). It holds nothing and writes no storage.
contract Multicall {
    /// @notice One call: its target, whether its failure may be reported
    /// (rather than revert the whole aggregate), and its input.
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    /// @notice What one call did: whether it returned (not reverted), and
    /// what it returned (a call to an account with no code returns nothing
    /// and succeeds: the caller checks the length).
    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Makes each call in order and returns every result. A call
    /// that fails reverts the aggregate unless it allows failure.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            Call3 calldata c = calls[i];
            (bool ok, bytes memory ret) = c.target.call(c.callData);
            require(ok || c.allowFailure, "Multicall: call failed");
            returnData[i] = Result(ok, ret);
        }
    }
}
