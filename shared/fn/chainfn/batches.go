package chainfn

import (
	"errors"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// batchRouter makes Ethereum's payout the batch router when
// MULTISEND_ETHEREUM names the hot wallet's Multisend contract: a payout
// batch's approved rows are paid in one transaction through it (its
// members signed, sent and followed as the batch), anything else as
// before. Without it batch rows are paid one by one. TOKEN_LAYOUT_ETHEREUM,
// if set, lists the recipients' balance slots in the batch's access list.
func batchRouter(env core.Env, st *dynamo.Store, w *ledger.Withdrawals, p *chaineth.Payout) error {
	at := env("MULTISEND_ETHEREUM")
	if at == "" || p == nil {
		return nil
	}
	if !common.IsHexAddress(at) {
		return errors.New("chainfn: MULTISEND_ETHEREUM is not an address")
	}
	sender := &chaineth.BatchPayout{Hot: p.Hot, Token: p.Token, Multisend: common.HexToAddress(at), FeeInAsset: p.FeeInAsset}
	if name := env("TOKEN_LAYOUT_ETHEREUM"); name != "" {
		if l, ok := chaineth.TokenLayouts[name]; ok {
			sender.Layout = &l
		}
	}
	routeBatches(w, st, sg.Ethereum, p, sender)
	return nil
}

// ---- tronms: Tron batch payouts ----

// tronBatchRouter makes Tron's payout the batch router when MULTISEND_TRON
// names the hot key's Multisend contract on Tron (base58): a payout batch's
// approved Tron rows are paid in one transaction through it, as on
// Ethereum (the same batch service: one Senders map). Without it Tron batch
// rows are paid one by one.
func tronBatchRouter(env core.Env, st *dynamo.Store, w *ledger.Withdrawals, p *tron.Payout) error {
	at := env("MULTISEND_TRON")
	if at == "" || p == nil {
		return nil
	}
	ms, err := address.Parse(sg.Tron, at)
	if err != nil {
		return errors.New("chainfn: MULTISEND_TRON is not a Tron address")
	}
	sender := &tron.BatchPayout{Send: p.Send, Token: p.Token, Multisend: ms, FeeInAsset: p.FeeInAsset}
	routeBatches(w, st, sg.Tron, p, sender)
	return nil
}

// routeBatches makes chain c's payout a batch router over the one batch
// service: single payouts through single, batches through sender.
func routeBatches(w *ledger.Withdrawals, st *dynamo.Store, c sg.Chain, single sg.Payout, sender sg.BatchSender) {
	bs := batchesOf(w, st)
	if bs.Senders == nil {
		bs.Senders = map[sg.Chain]sg.BatchSender{}
	}
	bs.Senders[c] = sender
	w.Payouts[c] = &ledger.BatchRouter{Single: single, Batches: bs, Sender: sender}
}

// batchesOf is the batch service over a pipeline: the senders of the
// pipeline's router (none: every row is paid alone), members handed to the
// tracker once broadcast.
func batchesOf(w *ledger.Withdrawals, st *dynamo.Store) *ledger.Batches {
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} { // ---- tronms: either chain's router ----
		p := w.Payouts[c]
		if sc, ok := p.(compliance.ScreenedPayout); ok {
			p = sc.Payout
		}
		if r, ok := p.(*ledger.BatchRouter); ok {
			return r.Batches
		}
	}
	return &ledger.Batches{W: w, Store: st.Batches, Claims: st.Withdrawals, Track: st.Watch.Track}
}
