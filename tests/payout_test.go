package tests

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A withdrawal is paid out from a KMS hot key on a (simulated) chain: the
// tokens arrive, the hold is posted with the real network fee, and signing
// twice (a crash between signing and recording it) yields one transaction.
func TestWithdrawalPaidOutOnChain(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 1_000_000_000)
	sim, ec, chainID, hot, tokenAddr, token := c.sim, c.ec, c.chainID, c.hot, c.tokenAddr, c.token

	l, st := simLedgerOn(t, rawDB(t))
	ten := tenant()
	wallet := seedWallets(t, st, l, ten, 1, false, "")[0]
	fund(t, l, ten, wallet, sg.Ethereum, "100")
	// 1 ETH = 3,000 USDT for charging the network fee.
	usdtPerEth := big.NewInt(3_000_000_000)
	payout := &chaineth.Payout{Hot: &chaineth.HotWallet{Node: ec, Signer: hot, ChainID: chainID, Store: st.Withdrawals, Confirmations: 2}, Token: tokenAddr,
		FeeInAsset: func(wei *big.Int) sg.Amount {
			return sg.Amount(new(big.Int).Div(new(big.Int).Mul(wei, usdtPerEth), big.NewInt(params.Ether)).Int64())
		}}
	w := pipeline(t, rawDB(t), testQueue(t), payout)
	to := "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	r, err := w.Create(ctx, ten, "p-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: to, Amount: 40_000_000})
	if err != nil {
		t.Fatal(err)
	}
	// Signing twice gives the same transaction. (A payout is signed once
	// approved: with no signer yet it waits in awaiting_signer.)
	w.Payouts = map[sg.Chain]ledger.Payout{}
	if got, _, err := w.Advance(ctx, ten, r.Transfer.ID); err != nil || got.State != sg.StateAwaitingSigner {
		t.Fatalf("without a signer: %s %v", got.State, err)
	}
	w.Payouts = map[sg.Chain]ledger.Payout{sg.Ethereum: payout}
	rec, _ := st.Ledger.Transfer(ctx, ten, r.Transfer.ID)
	h1, err := payout.Sign(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	got, waiting, err := w.Advance(ctx, ten, r.Transfer.ID)
	if err != nil || !waiting || got.State != sg.StateBroadcast || got.TxHash != h1 {
		t.Fatalf("after the first run: %s waiting=%v hash %s (signed %s) %v", got.State, waiting, got.TxHash, h1, err)
	}
	sim.Commit()
	if _, waiting, _ := w.Advance(ctx, ten, r.Transfer.ID); !waiting {
		t.Fatal("posted before the confirmation depth")
	}
	sim.Commit()
	got, waiting, err = w.Advance(ctx, ten, r.Transfer.ID)
	if err != nil || waiting || got.State != sg.StatePosted {
		t.Fatalf("after confirmations: %s %v %v", got.State, waiting, err)
	}
	if bal, _ := token.BalanceOf(nil, common.HexToAddress(to)); bal.Int64() != 40_000_000 {
		t.Fatalf("recipient holds %s; want 40 USDT", bal)
	}
	rcpt, _ := ec.TransactionReceipt(ctx, common.HexToHash(h1))
	realFee := payout.FeeInAsset(new(big.Int).Mul(new(big.Int).SetUint64(rcpt.GasUsed), rcpt.EffectiveGasPrice))
	charged := min(realFee, got.Fee)
	b, _ := st.Ledger.AccountBalance(ctx, sg.WalletAccount(ten, wallet, sg.Ethereum, sg.USDT), 1)
	if got.NetworkFee != realFee || b.Held != 0 || b.Available != 100_000_000-40_000_000-charged {
		t.Fatalf("ledger after payout: %+v, network fee %s, real %s", b, got.NetworkFee, realFee)
	}
	t.Logf("paid 40 USDT, gas %d, network fee %s USDT (quote %s)", rcpt.GasUsed, realFee, got.Fee)
}
