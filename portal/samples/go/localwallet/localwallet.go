// Package localwallet plays a customer's wallet on the local chain for the
// portal's samples: it sends test USDT from the local stack's throwaway
// faucet key to an address, as an ERC-20 transfer signed and broadcast with
// go-ethereum, and waits until it is mined. On a real network your customer
// does this with their own wallet; the platform only watches the deposit
// address.
package localwallet

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

// ChainInfoPath is where the running stack describes its local chain:
// CHAIN_INFO, or .dev/dev/chain.json as make dev writes it.
func ChainInfoPath() string {
	if p := os.Getenv("CHAIN_INFO"); p != "" {
		return p
	}
	return ".dev/dev/chain.json"
}

// SendUSDT transfers whole USDT (6 decimals on chain) to the address and
// returns the mined transaction's hash and block.
func SendUSDT(ctx context.Context, to string, whole int64) (string, uint64, error) {
	if !common.IsHexAddress(to) || whole <= 0 {
		return "", 0, fmt.Errorf("send %d USDT to %q: want a positive amount and a 0x address", whole, to)
	}
	raw, err := os.ReadFile(ChainInfoPath())
	if err != nil {
		return "", 0, fmt.Errorf("no local chain details (start the stack with make dev): %w", err)
	}
	var info struct {
		RPC       string `json:"rpc"`
		Token     string `json:"token"`
		FaucetKey string `json:"faucet_key"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		return "", 0, err
	}
	key, err := crypto.HexToECDSA(strings.TrimPrefix(info.FaucetKey, "0x"))
	if err != nil {
		return "", 0, err
	}
	ec, err := ethclient.DialContext(ctx, info.RPC)
	if err != nil {
		return "", 0, err
	}
	defer ec.Close()
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		return "", 0, err
	}
	nonce, err := ec.PendingNonceAt(ctx, crypto.PubkeyToAddress(key.PublicKey))
	if err != nil {
		return "", 0, err
	}
	tip, err := ec.SuggestGasTipCap(ctx)
	if err != nil {
		return "", 0, err
	}
	head, err := ec.HeaderByNumber(ctx, nil)
	if err != nil {
		return "", 0, err
	}
	// transfer(address,uint256): the selector, then both arguments as 32-byte words.
	units := new(big.Int).Mul(big.NewInt(whole), big.NewInt(1_000_000))
	data := append(crypto.Keccak256([]byte("transfer(address,uint256)"))[:4], common.LeftPadBytes(common.HexToAddress(to).Bytes(), 32)...)
	data = append(data, common.LeftPadBytes(units.Bytes(), 32)...)
	token := common.HexToAddress(info.Token)
	tx, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
		ChainID: chainID, Nonce: nonce, To: &token, Data: data, Gas: 200_000,
		GasTipCap: tip, GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
	}), types.LatestSignerForChainID(chainID), key)
	if err != nil {
		return "", 0, err
	}
	if err := ec.SendTransaction(ctx, tx); err != nil {
		return "", 0, err
	}
	for {
		if rc, err := ec.TransactionReceipt(ctx, tx.Hash()); err == nil {
			if rc.Status != types.ReceiptStatusSuccessful {
				return "", 0, fmt.Errorf("transfer %s reverted", tx.Hash())
			}
			return tx.Hash().Hex(), rc.BlockNumber.Uint64(), nil
		}
		select {
		case <-ctx.Done():
			return "", 0, fmt.Errorf("transfer %s not mined: %w", tx.Hash(), ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
