package tron

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// TxStore keeps signed transactions (dynamo.Store).
type TxStore interface {
	SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (dynamo.SignedTx, error)
	ReplaceSignedTx(ctx context.Context, id, oldHash string, raw []byte, hash string, at time.Time) (dynamo.SignedTx, error)
	SignedTx(ctx context.Context, id string) (dynamo.SignedTx, error)
}

// Payout pays withdrawals out of the hot wallet on Tron: a TRC20 transfer
// (TriggerSmartContract) built and identified by our own code, signed in
// KMS, kept so a retried step sends the same bytes, and followed until its
// block is solidified. Tron has no nonces: a transaction that was not taken
// before its expiration can never be, so it is signed anew on a fresh
// reference block (any earlier version's info still counts).
type Payout struct {
	Grid   *Grid
	Signer *kmssign.Signer
	Token  address.Account
	Store  TxStore
	// FeeLimit caps the TRX (sun) the transfer may burn for energy (0: 50 TRX).
	FeeLimit int64
	// Expiry is how long a signed transaction stays valid (0: 10 minutes).
	Expiry time.Duration
	// FeeInAsset converts a fee in sun to the asset's base units.
	FeeInAsset func(sun int64) sg.Amount
	Now        func() time.Time
}

var _ ledger.Payout = (*Payout)(nil)

func (p *Payout) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// build signs the transfer of t on the current head block.
func (p *Payout) build(ctx context.Context, t sg.Transfer) ([]byte, string, error) {
	to, err := address.Parse(sg.Tron, t.ToAddress)
	if err != nil {
		return nil, "", sg.Internal("tron.Sign", err)
	}
	owner, err := p.Signer.Address(ctx)
	if err != nil {
		return nil, "", err
	}
	head, err := p.Grid.NowBlock(ctx, false)
	if err != nil {
		return nil, "", sg.Unavailable("tron.Sign", err)
	}
	rb, rh, err := head.RefBlock()
	if err != nil {
		return nil, "", sg.Unavailable("tron.Sign", err)
	}
	expiry, limit := p.Expiry, p.FeeLimit
	if expiry == 0 {
		expiry = 10 * time.Minute
	}
	if limit == 0 {
		limit = 50_000_000
	}
	tx := TRC20Transfer{Owner: owner, Contract: p.Token, To: to, Amount: big.NewInt(int64(t.Amount)), RefBlockBytes: rb, RefBlockHash: rh,
		Expiration: head.Timestamp + expiry.Milliseconds(), Timestamp: p.now().UnixMilli(), FeeLimit: limit}
	raw, err := tx.RawData()
	if err != nil {
		return nil, "", sg.Internal("tron.Sign", err)
	}
	id := TxID(raw)
	rsv, err := p.Signer.SignDigest(ctx, id)
	if err != nil {
		return nil, "", err
	}
	sig := SignatureFromRecoverable(rsv)
	body, _ := json.Marshal(SignedTx{TxID: hex.EncodeToString(id[:]), RawDataHex: hex.EncodeToString(raw), Signature: []string{hex.EncodeToString(sig[:])}})
	return body, hex.EncodeToString(id[:]), nil
}

// Sign builds and signs the payout's transaction once.
func (p *Payout) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	if kept, err := p.Store.SignedTx(ctx, t.ID); err == nil {
		return kept.Hash, nil
	} else if !errors.Is(err, sg.ErrNotFound) {
		return "", err
	}
	body, id, err := p.build(ctx, t)
	if err != nil {
		return "", err
	}
	kept, err := p.Store.SaveSignedTx(ctx, t.ID, body, id, p.now())
	return kept.Hash, err
}

// Broadcast sends the kept transaction; one already known is a success,
// and one expired is left for Receipt to sign anew.
func (p *Payout) Broadcast(ctx context.Context, t sg.Transfer) error {
	kept, err := p.Store.SignedTx(ctx, t.ID)
	if err != nil {
		return err
	}
	return p.send(ctx, kept.Raw)
}

func (p *Payout) send(ctx context.Context, body []byte) error {
	var tx SignedTx
	if err := json.Unmarshal(body, &tx); err != nil {
		return sg.Internal("tron.Broadcast", err)
	}
	err := p.Grid.Broadcast(ctx, tx)
	var be *BroadcastError
	if errors.As(err, &be) && be.Expired() {
		return nil
	}
	if err != nil {
		return sg.Unavailable("tron.Broadcast", err)
	}
	return nil
}

// Receipt follows whichever version of the transaction was taken until its
// block is solidified, with the TRX it burnt as the fee; an expired version
// nobody took is replaced by a fresh one.
func (p *Payout) Receipt(ctx context.Context, t sg.Transfer) (ledger.Receipt, error) {
	kept, err := p.Store.SignedTx(ctx, t.ID)
	if err != nil {
		return ledger.Receipt{}, err
	}
	for _, id := range append([]string{kept.Hash}, kept.Prev...) {
		info, err := p.Grid.TxInfo(ctx, id)
		if err != nil {
			return ledger.Receipt{}, sg.Unavailable("tron.Receipt", err)
		}
		if !info.Found {
			continue
		}
		if info.Result != "SUCCESS" {
			return ledger.Receipt{Failed: true, TxHash: id}, nil
		}
		solid, err := p.Grid.NowBlock(ctx, true)
		if err != nil {
			return ledger.Receipt{}, sg.Unavailable("tron.Receipt", err)
		}
		if info.Block > solid.Number {
			return ledger.Receipt{}, nil
		}
		return ledger.Receipt{Confirmed: true, TxHash: id, Fee: p.FeeInAsset(info.Fee)}, nil
	}
	var tx SignedTx
	json.Unmarshal(kept.Raw, &tx)
	raw, _ := hex.DecodeString(tx.RawDataHex)
	parsed, err := ParseRawData(raw)
	if err != nil {
		return ledger.Receipt{}, sg.Internal("tron.Receipt", err)
	}
	head, err := p.Grid.NowBlock(ctx, false)
	if err != nil {
		return ledger.Receipt{}, sg.Unavailable("tron.Receipt", err)
	}
	if head.Timestamp <= parsed.Expiration {
		return ledger.Receipt{}, p.send(ctx, kept.Raw) // again, in case a node lost it
	}
	body, id, err := p.build(ctx, t)
	if err != nil {
		return ledger.Receipt{}, err
	}
	now, err := p.Store.ReplaceSignedTx(ctx, t.ID, kept.Hash, body, id, p.now())
	if err != nil {
		return ledger.Receipt{}, err
	}
	return ledger.Receipt{}, p.send(ctx, now.Raw)
}
