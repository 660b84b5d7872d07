package tests

import (
	"context"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// lossyNode is a node that loses the first transaction sent to it (as a
// provider may, or a mempool evicting an underpriced one): it answers OK
// and the transaction never reaches a block.
type lossyNode struct {
	chaineth.Node
	sent atomic.Int32
	lost *types.Transaction
}

func (n *lossyNode) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if n.sent.Add(1) == 1 {
		n.lost = tx
		return nil
	}
	return n.Node.SendTransaction(ctx, tx)
}

// A payout whose transaction is not mined within StuckAfter is replaced by
// one with the same nonce and fees raised by at least 12.5%; the
// replacement is mined, recorded as the payout's transaction, and the hold
// posted once at its real fee. Before StuckAfter nothing is resent.
func TestStuckPayoutReplacedWithHigherFee(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 1_000_000_000)
	l, st := simLedgerOn(t, rawDB(t))
	ten := tenant()
	wallet := seedWallets(t, st, l, ten, 1, false, "")[0]
	fund(t, l, ten, wallet, sg.Ethereum, "100")
	now := time.Now()
	node := &lossyNode{Node: c.ec}
	hot := &chaineth.HotWallet{Node: node, Signer: c.hot, ChainID: c.chainID, Store: st.Withdrawals, Confirmations: 1,
		StuckAfter: 3 * time.Minute, Now: func() time.Time { return now }}
	payout := &chaineth.Payout{Hot: hot, Token: c.tokenAddr, FeeInAsset: func(wei *big.Int) sg.Amount { return sg.Amount(wei.Int64() / 1e9) }}
	w := pipeline(t, rawDB(t), testQueue(t), payout)
	to := "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	r, err := w.Create(ctx, ten, "r-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: to, Amount: 10_000_000})
	if err != nil {
		t.Fatal(err)
	}
	first, waiting, err := w.Advance(ctx, ten, r.Transfer.ID)
	if err != nil || !waiting || first.State != sg.StateBroadcast {
		t.Fatalf("after broadcast: %s waiting=%v %v", first.State, waiting, err)
	}
	c.sim.Commit()
	now = now.Add(2 * time.Minute)
	if _, waiting, _ := w.Advance(ctx, ten, r.Transfer.ID); !waiting || node.sent.Load() != 1 {
		t.Fatalf("resent before StuckAfter (%d sends)", node.sent.Load())
	}
	now = now.Add(2 * time.Minute) // 4 minutes unmined: stuck
	if _, waiting, err := w.Advance(ctx, ten, r.Transfer.ID); !waiting || node.sent.Load() != 2 {
		t.Fatalf("no replacement after StuckAfter (%d sends): %v", node.sent.Load(), err)
	}
	kept, err := st.Withdrawals.SignedTx(ctx, r.Transfer.ID)
	if err != nil || len(kept.Prev) != 1 || kept.Prev[0] != first.TxHash {
		t.Fatalf("kept %+v; want the replacement with the first hash remembered", kept)
	}
	var repl types.Transaction
	if err := repl.UnmarshalBinary(kept.Raw); err != nil {
		t.Fatal(err)
	}
	lost := node.lost
	if repl.Nonce() != lost.Nonce() || repl.Hash() == lost.Hash() {
		t.Fatalf("replacement nonce %d (lost %d): it must take the same nonce", repl.Nonce(), lost.Nonce())
	}
	for _, f := range []struct {
		name     string
		old, new *big.Int
	}{{"tip", lost.GasTipCap(), repl.GasTipCap()}, {"fee cap", lost.GasFeeCap(), repl.GasFeeCap()}} {
		if min := new(big.Int).Div(new(big.Int).Mul(f.old, big.NewInt(1125)), big.NewInt(1000)); f.new.Cmp(min) < 0 {
			t.Fatalf("replacement %s %s; want at least %s (+12.5%% of %s)", f.name, f.new, min, f.old)
		}
	}
	c.sim.Commit()
	got, waiting, err := w.Advance(ctx, ten, r.Transfer.ID)
	if err != nil || waiting || got.State != sg.StatePosted {
		t.Fatalf("after the replacement was mined: %s waiting=%v %v", got.State, waiting, err)
	}
	if got.TxHash != kept.Hash {
		t.Fatalf("the payout records %s; the mined replacement is %s", got.TxHash, kept.Hash)
	}
	rcpt, err := c.ec.TransactionReceipt(ctx, common.HexToHash(kept.Hash))
	if err != nil || rcpt.Status != 1 {
		t.Fatalf("replacement receipt: %v", err)
	}
	wantFee := payout.FeeInAsset(new(big.Int).Mul(new(big.Int).SetUint64(rcpt.GasUsed), rcpt.EffectiveGasPrice))
	if got.NetworkFee != wantFee {
		t.Fatalf("network fee %s; the replacement paid %s", got.NetworkFee, wantFee)
	}
	if bal, _ := c.token.BalanceOf(nil, common.HexToAddress(to)); bal.Int64() != 10_000_000 {
		t.Fatalf("recipient holds %s; want 10 USDT", bal)
	}
}
