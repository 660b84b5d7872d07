package tests

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/internal/dev/testusdt"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
)

// A transaction signed by a key in the KMS emulator is accepted by a real
// (simulated) Ethereum chain: here a USDT transfer of the test token, whose
// transfer returns no value, like Tether's.
func TestKMSSignedTransferAcceptedByTheChain(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 1_000_000_000)
	sim, ec, chainID, hot, hotAddr, tokenAddr, token := c.sim, c.ec, c.chainID, c.hot, c.hotAddr, c.tokenAddr, c.token

	to := common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
	abi, _ := testusdt.TestUSDTMetaData.GetAbi()
	data, _ := abi.Pack("transfer", to, big.NewInt(25_500_000))
	// transfer returns no value: a client that expects a bool must not be used.
	if out, err := ec.CallContract(ctx, ethereum.CallMsg{From: hotAddr, To: &tokenAddr, Data: data}, nil); err != nil || len(out) != 0 {
		t.Fatalf("transfer returned %x, %v; want no value", out, err)
	}
	nonce, _ := ec.PendingNonceAt(ctx, hotAddr)
	tip, _ := ec.SuggestGasTipCap(ctx)
	head, _ := ec.HeaderByNumber(ctx, nil)
	gas, err := ec.EstimateGas(ctx, ethereum.CallMsg{From: hotAddr, To: &tokenAddr, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: nonce, GasTipCap: tip,
		GasFeeCap: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip), Gas: gas, To: &tokenAddr, Data: data})
	signed, err := chaineth.SignTx(ctx, hot, tx, chainID)
	if err != nil {
		t.Fatal(err)
	}
	if from, err := types.Sender(types.LatestSignerForChainID(chainID), signed); err != nil || from != hotAddr {
		t.Fatalf("sender %s, %v; want the KMS key's %s", from, err, hotAddr)
	}
	if err := ec.SendTransaction(ctx, signed); err != nil {
		t.Fatalf("the chain refused the KMS-signed transaction: %v", err)
	}
	sim.Commit()
	rcpt, err := ec.TransactionReceipt(ctx, signed.Hash())
	if err != nil || rcpt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("receipt %+v, %v", rcpt, err)
	}
	if bal, _ := token.BalanceOf(nil, to); bal.Int64() != 25_500_000 {
		t.Fatalf("recipient holds %s; want 25.5 USDT", bal)
	}
}
