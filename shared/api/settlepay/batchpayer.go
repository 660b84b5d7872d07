package settlepay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// BatchPayer pays closed settlements as the rows of one payout batch
// (settlement.BatchPayer) through the same batch machinery as POST
// /v1/payout-batches: every row a withdrawal from the tenant's settlement
// wallet with its own idempotency key (the settlement's id and attempt,
// the key Payer uses too), the pipeline's freezes, policy chain and
// approvals, and its share of the batch transaction's network fee; the
// approved rows of a chain with a multisend contract are paid in one
// transaction. A recipient the token refuses fails alone: its hold goes
// back to the settlement wallet and its settlement is marked failed.
//
// Each settlement is first prepared by P exactly as a single payout is
// (Payer.prepare): the merchant's tier is asked (a payout it does not
// allow yet is held, not batched) and the own-address travel data checked
// before the row, and recorded after it.
type BatchPayer struct {
	B *ledger.Batches
	P Payer
}

var _ settlement.BatchPayer = BatchPayer{}

// OpPayBatch names the settlement batches' request hashes.
const OpPayBatch = "settlement.pay_batch"

// payKey is a settlement attempt's payout key: it holds a space, so no API
// request can send it.
func payKey(stl sg.Settlement) string {
	return "settlement " + stl.ID + " " + strconv.Itoa(stl.Attempt)
}

// PayBatch implements settlement.BatchPayer. The batch's key is derived
// from its rows' keys: a rerun over the same settlements replays the same
// batch; a rerun over another set makes another batch, in which a row
// already paid by the first comes back as idempotency_key_reused and is
// answered with the first's payout (the row key's replay), never paid
// again.
func (p BatchPayer) PayBatch(ctx context.Context, tenant string, c sg.Chain, stls []sg.Settlement) ([]settlement.Payout, error) {
	out := make([]settlement.Payout, len(stls))
	type batch struct {
		rows []ledger.BatchPayoutIn
		idx  []int
		keys []string
	}
	var wallets []string
	by := map[string]*batch{}
	preps := make([]prepared, len(stls))
	for i, stl := range stls {
		pr, err := p.P.prepare(ctx, stl)
		if err != nil {
			if k := sg.KindOf(err); k == sg.KindUnavailable || k == sg.KindInternal {
				return nil, err
			}
			out[i].Err = err
			continue
		}
		preps[i] = pr
		if pr.prior != nil {
			// Paid by this attempt before (alone or in an earlier batch).
			if err := p.P.recordOwn(ctx, *pr.prior, pr.customer); err != nil {
				return nil, err
			}
			out[i] = settlement.Payout{TransferID: pr.prior.ID, BatchID: pr.prior.BatchID}
			continue
		}
		w := pr.wallet
		b := by[w]
		if b == nil {
			b = &batch{}
			by[w] = b
			wallets = append(wallets, w)
		}
		in := pr.withdraw()
		b.rows = append(b.rows, ledger.BatchPayoutIn{Key: pr.key, Hash: pr.hash, Chain: c,
			ToAddress: in.ToAddress, Amount: in.Amount, Memo: in.Memo, Metadata: in.Metadata})
		b.idx, b.keys = append(b.idx, i), append(b.keys, pr.key)
	}
	for _, w := range wallets {
		b := by[w]
		sum := sha256.Sum256([]byte(strings.Join(b.keys, "\n")))
		key := "settlements " + string(c) + " " + hex.EncodeToString(sum[:16])
		pb, _, err := p.B.Create(ctx, tenant, key, sg.KeyHash(tenant, OpPayBatch, key),
			ledger.BatchIn{Wallet: w, Asset: sg.USDT, Payouts: b.rows, RequestedBy: "settlement"})
		if err != nil {
			return nil, err
		}
		for j, row := range pb.Rows {
			i := b.idx[j]
			switch {
			case row.TransferID != "":
				t, err := p.B.W.Store.Transfer(ctx, tenant, row.TransferID)
				if err != nil {
					return nil, err
				}
				if err := p.P.recordOwn(ctx, t, preps[i].customer); err != nil {
					return nil, err
				}
				out[i] = settlement.Payout{TransferID: row.TransferID, BatchID: pb.ID}
			case row.Code == sg.ErrIdempotencyKeyReused.Code:
				// Paid by an earlier batch (or, before batches, alone): the
				// row key's first answer.
				in := b.rows[j]
				r, err := p.B.W.Create(ctx, tenant, in.Key, in.Hash, preps[i].withdraw())
				if err != nil {
					out[i].Err = err
					continue
				}
				if err := p.P.recordOwn(ctx, r.Transfer, preps[i].customer); err != nil {
					return nil, err
				}
				out[i] = settlement.Payout{TransferID: r.Transfer.ID, BatchID: r.Transfer.BatchID}
			default:
				out[i].Err = &sg.Error{Kind: sg.KindRefused, Code: row.Code, Message: row.Message, Param: row.Param}
			}
		}
	}
	for i := range out {
		if out[i].Err == nil && out[i].TransferID == "" {
			return nil, sg.Internal("settlementapi.PayBatch", errors.New("a settlement got no row"))
		}
	}
	return out, nil
}
