package storetest

import (
	"context"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settlefix: what payouts in flight owe a chain's hot wallet ----

// Owed is the read the settlement job's liquidity check makes (settlement.Owed).
type Owed interface {
	OpenWithdrawalsOwed(ctx context.Context, c sg.Chain) (sg.Amount, error)
}

// owedCases hold the in-flight sum read from the open-withdrawals index:
// every tenant's withdrawals on the chain not yet final count (held,
// awaiting approval, approved, signed, broadcast, confirmed), final ones
// and other chains' never, and one that ends leaves the sum.
var owedCases = []Case{
	{"OpenWithdrawals/owed: the in-flight sum of a chain, every tenant's, only what is not final", func(t *testing.T, st Store) {
		type wd struct {
			tr     sg.Transfer
			wallet sg.Wallet
		}
		// on makes a pending withdrawal of amount from w on c (funded first).
		on := func(w sg.Wallet, c sg.Chain, key string, amount sg.Amount) wd {
			t.Helper()
			a := sg.WalletAccount(w.TenantID, w.ID, c, sg.USDT)
			f := transfer(w.TenantID, "fund-"+key, sg.TransferDeposit, sg.StatePosted,
				sg.Posting{Account: sg.SystemAccount(sg.SysDevFaucet, c, sg.USDT), Bucket: sg.Available, Delta: -amount},
				sg.Posting{Account: a, Bucket: sg.Available, Delta: amount, Shards: w.Shards()})
			f.Chain, f.ToWallet = c, w.ID
			must(t, "fund "+key, st.ApplyTransfer(ctx, f))
			h := transfer(w.TenantID, key, sg.TransferWithdrawal, sg.StatePending,
				sg.Posting{Account: a, Bucket: sg.Available, Delta: -amount, Shards: w.Shards()},
				sg.Posting{Account: a, Bucket: sg.Held, Delta: amount, Shards: w.Shards()})
			h.Chain, h.FromWallet, h.ToAddress, h.ExpiresAt = c, w.ID, ethAddress(), h.CreatedAt.Add(time.Hour)
			must(t, "hold "+key, st.ApplyTransfer(ctx, h))
			return wd{tr: h, wallet: w}
		}
		step := func(x wd, from, to sg.TransferState, e sg.Entry) {
			t.Helper()
			m := move(x.tr, from, to, e)
			if to == sg.StateAwaitingApproval {
				m.Approvals = &sg.ApprovalWait{Required: 2, Deadline: now().Add(time.Hour)}
			}
			if to == sg.StateSigned {
				m.TxHash = "0x" + randHex(32)
			}
			must(t, string(from)+" to "+string(to), st.Transition(ctx, x.tr.TenantID, x.tr.ID, m))
		}
		voidOf := func(x wd) sg.Entry {
			a := sg.WalletAccount(x.wallet.TenantID, x.wallet.ID, x.tr.Chain, sg.USDT)
			return sg.Entry{Postings: []sg.Posting{{Account: a, Bucket: sg.Held, Delta: -x.tr.Amount, Shards: x.wallet.Shards()},
				{Account: a, Bucket: sg.Available, Delta: x.tr.Amount, Shards: x.wallet.Shards()}}}
		}
		postOf := func(x wd) sg.Entry {
			a := sg.WalletAccount(x.wallet.TenantID, x.wallet.ID, x.tr.Chain, sg.USDT)
			return sg.Entry{Postings: []sg.Posting{{Account: a, Bucket: sg.Held, Delta: -x.tr.Amount, Shards: x.wallet.Shards()},
				{Account: sg.SystemAccount(sg.SysOutbound, x.tr.Chain, sg.USDT), Bucket: sg.Available, Delta: x.tr.Amount}}}
		}
		// toward walks x from pending through the states up to the last of path.
		toward := func(x wd, path ...sg.TransferState) {
			t.Helper()
			from := sg.StatePending
			for _, to := range path {
				var e sg.Entry
				switch to {
				case sg.StateCancelled, sg.StateRejected, sg.StateExpired, sg.StateFailed:
					e = voidOf(x)
				case sg.StatePosted:
					e = postOf(x)
				}
				step(x, from, to, e)
				from = to
			}
		}
		var wantEth, wantTron sg.Amount
		// Each amount is a distinct power of two: a sum names what it counted.
		amount := sg.Amount(1)
		next := func() sg.Amount { amount *= 2; return amount }
		var broadcast wd
		for i, tn := range []string{tenant(), tenant(), tenant()} {
			w := newWallet(t, st, tn, i == 2) // the third tenant's wallet is sharded
			// In flight on Ethereum: counted.
			for _, path := range [][]sg.TransferState{
				nil, // pending (held)
				{sg.StateAwaitingApproval},
				{sg.StateApproved},
				{sg.StateApproved, sg.StateSigned},
				{sg.StateApproved, sg.StateSigned, sg.StateBroadcast},
				{sg.StateApproved, sg.StateSigned, sg.StateBroadcast, sg.StateConfirmed},
			} {
				x := on(w, sg.Ethereum, "eth-"+randHex(4), next())
				toward(x, path...)
				wantEth += x.tr.Amount
				if i == 0 && len(path) == 3 {
					broadcast = x
				}
			}
			// Final on Ethereum: never counted.
			for _, path := range [][]sg.TransferState{
				{sg.StateCancelled},
				{sg.StateRejected},
				{sg.StateExpired},
				{sg.StateApproved, sg.StateSigned, sg.StateFailed},
				{sg.StateApproved, sg.StateSigned, sg.StateBroadcast, sg.StateConfirmed, sg.StatePosted},
			} {
				toward(on(w, sg.Ethereum, "done-"+randHex(4), next()), path...)
			}
			// In flight on Tron: Tron's, never Ethereum's.
			x := on(w, sg.Tron, "tron-"+randHex(4), next())
			toward(x, sg.StateApproved, sg.StateSigned)
			wantTron += x.tr.Amount
		}
		owed := func(c sg.Chain) sg.Amount {
			got, err := st.OpenWithdrawalsOwed(ctx, c)
			must(t, "OpenWithdrawalsOwed", err)
			return got
		}
		// The index is read as it is kept (on DynamoDB a global secondary
		// index, eventually consistent): poll until it holds.
		eventually(t, "the Ethereum sum", func() bool { return owed(sg.Ethereum) == wantEth })
		eventually(t, "the Tron sum", func() bool { return owed(sg.Tron) == wantTron })

		// One in flight ends (confirmed, then posted): it leaves the index.
		toward2 := func(x wd) {
			step(x, sg.StateBroadcast, sg.StateConfirmed, sg.Entry{})
			step(x, sg.StateConfirmed, sg.StatePosted, postOf(x))
		}
		toward2(broadcast)
		wantEth -= broadcast.tr.Amount
		eventually(t, "the Ethereum sum after one was posted", func() bool { return owed(sg.Ethereum) == wantEth })
		if got := owed(sg.Tron); got != wantTron {
			t.Fatalf("the Tron sum moved to %s when an Ethereum payout ended; want %s", got, wantTron)
		}
	}},
}
