package chainfn

import (
	"testing"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- tronms: Tron batch payouts ----

// MULTISEND_TRON decides how Tron batch rows are paid: unset, by the
// single Tron payout (nothing changes); set, through the batch router whose
// batch service has a Tron sender for that contract; a value that is not a
// Tron address stops the function at start rather than paying one by one
// unnoticed.
func TestTronBatchRouterFollowsMultisendTron(t *testing.T) {
	st := dynamo.New(nil, "t")
	single := &tron.Payout{Send: &tron.Sender{}}
	pipeline := func() *ledger.Withdrawals {
		return &ledger.Withdrawals{Payouts: map[sg.Chain]ledger.Payout{sg.Tron: single}}
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "MULTISEND_TRON" {
				return v
			}
			return ""
		}
	}
	t.Run("unset: rows paid one by one", func(t *testing.T) {
		w := pipeline()
		if err := tronBatchRouter(env(""), st, w, single); err != nil || w.Payouts[sg.Tron] != single {
			t.Fatalf("payout %T, %v; want the single payout", w.Payouts[sg.Tron], err)
		}
	})
	t.Run("set: the batch router with a Tron sender", func(t *testing.T) {
		w := pipeline()
		const at = "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm"
		if err := tronBatchRouter(env(at), st, w, single); err != nil {
			t.Fatal(err)
		}
		r, ok := w.Payouts[sg.Tron].(*ledger.BatchRouter)
		if !ok || r.Single != single {
			t.Fatalf("payout %T; want the batch router over the single payout", w.Payouts[sg.Tron])
		}
		s, ok := r.Batches.Senders[sg.Tron].(*tron.BatchPayout)
		if !ok || s.Multisend.Tron() != at || r.Sender != s || batchesOf(w, st) != r.Batches {
			t.Fatalf("senders %+v; want the Tron Multisend at %s shared with the worker", r.Batches.Senders, at)
		}
	})
	t.Run("with Ethereum's: one batch service, both senders", func(t *testing.T) {
		w := pipeline()
		eth := &chaineth.Payout{Hot: &chaineth.HotWallet{}}
		w.Payouts[sg.Ethereum] = eth
		both := func(k string) string {
			return map[string]string{"MULTISEND_ETHEREUM": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "MULTISEND_TRON": "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm"}[k]
		}
		if err := batchRouter(both, st, w, eth); err != nil {
			t.Fatal(err)
		}
		if err := tronBatchRouter(both, st, w, single); err != nil {
			t.Fatal(err)
		}
		er, _ := w.Payouts[sg.Ethereum].(*ledger.BatchRouter)
		tr, _ := w.Payouts[sg.Tron].(*ledger.BatchRouter)
		if er == nil || tr == nil || er.Batches != tr.Batches || len(tr.Batches.Senders) != 2 {
			t.Fatalf("routers %+v, %+v; want one batch service with both chains' senders", er, tr)
		}
	})
	t.Run("not a Tron address: refused at start", func(t *testing.T) {
		if err := tronBatchRouter(env("0x5FbDB2315678afecb367f032d93F642f64180aa3"), st, pipeline(), single); err == nil {
			t.Fatal("an Ethereum address was taken as the Tron Multisend")
		}
	})
}
