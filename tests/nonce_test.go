package tests

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/internal/dev/testusdt"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// 200 payouts from one hot address, signed concurrently through KMS, get 200
// distinct consecutive nonces (a retried payout gets its own nonce again)
// and 200 successful receipts.
func TestConcurrentPayoutsGetConsecutiveNonces(t *testing.T) {
	e := stack(t)
	ctx := context.Background()
	st := dynamo.New(rawDB(t), e.table)
	c := newHotChain(t, 1_000_000_000_000)
	sim, ec, chainID, hot, hotAddr, tokenAddr := c.sim, c.ec, c.chainID, c.hot, c.hotAddr, c.tokenAddr
	start, _ := ec.PendingNonceAt(ctx, hotAddr)
	abi, _ := testusdt.TestUSDTMetaData.GetAbi()
	head, _ := ec.HeaderByNumber(ctx, nil)
	tip, _ := ec.SuggestGasTipCap(ctx) // below the miner's floor a transaction waits forever
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(4)), tip)

	const payouts = 200
	nonces := make([]uint64, payouts)
	txs := make([]*types.Transaction, payouts)
	var wg sync.WaitGroup
	errs := make(chan error, payouts)
	for i := 0; i < payouts; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("txn_test_%s_%03d", randHex(3), i)
			c, err := st.Withdrawals.AllocateNonce(ctx, sg.Ethereum, hotAddr.Hex(), id, start, dynamo.NonceClaim{}, nil)
			if err != nil {
				errs <- err
				return
			}
			n := c.Nonce
			if again, err := st.Withdrawals.AllocateNonce(ctx, sg.Ethereum, hotAddr.Hex(), id, start, dynamo.NonceClaim{}, nil); err != nil || again.Nonce != n {
				errs <- fmt.Errorf("retry of %s got nonce %d, first %d (%v)", id, again.Nonce, n, err)
				return
			}
			to := common.BigToAddress(big.NewInt(int64(1000 + i)))
			data, _ := abi.Pack("transfer", to, big.NewInt(1_000_000))
			tx := types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: n, GasTipCap: tip, GasFeeCap: feeCap, Gas: 200_000, To: &tokenAddr, Data: data})
			signed, err := chaineth.SignTx(ctx, hot, tx, chainID)
			if err != nil {
				errs <- err
				return
			}
			nonces[i], txs[i] = n, signed
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sorted := append([]uint64(nil), nonces...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	for i, n := range sorted {
		if n != start+uint64(i) {
			t.Fatalf("nonces are not %d..%d without gaps or duplicates: position %d holds %d", start, start+payouts-1, i, n)
		}
	}
	// Broadcast in nonce order, as the FIFO queue (one group per chain)
	// delivers payouts to the broadcaster; every one is mined.
	byNonce := append([]*types.Transaction(nil), txs...)
	sort.Slice(byNonce, func(i, j int) bool { return byNonce[i].Nonce() < byNonce[j].Nonce() })
	for i, tx := range byNonce {
		if err := ec.SendTransaction(ctx, tx); err != nil {
			t.Fatalf("send nonce %d: %v", tx.Nonce(), err)
		}
		if i%20 == 19 {
			sim.Commit()
		}
	}
	sim.Commit()
	mined, _ := ec.NonceAt(ctx, hotAddr, nil)
	pending, _ := ec.PendingNonceAt(ctx, hotAddr)
	for _, tx := range txs {
		r, err := ec.TransactionReceipt(ctx, tx.Hash())
		if err != nil || r.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("nonce %d: receipt %v, %v (chain nonce %d, pending %d, start %d)", tx.Nonce(), r, err, mined, pending, start)
		}
	}
}
