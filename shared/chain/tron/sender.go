package tron

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Signer is the hot key as Tron needs it (kmssign.Signer in production):
// its address and recoverable signatures of transaction ids. An interface,
// so that what reads Tron without signing links no KMS client.
type Signer interface {
	Address(ctx context.Context) (address.Account, error)
	SignDigest(ctx context.Context, digest [32]byte) ([65]byte, error)
}

// Sender signs the hot key's Tron transactions in KMS and keeps each under
// a key of the caller's (a payout's id, a sweep step's), so a retried step
// sends the same bytes, and follows it to its solidified block. Tron has no
// nonces: a transaction nobody took before its expiration can never be
// taken, so it is built and signed anew on a fresh reference block (every
// earlier version's id is kept and still counts if it turns up).
type Sender struct {
	Grid   *Grid
	Signer Signer
	Store  TxStore
	// FeeLimit caps the TRX (sun) a contract call may burn (0: 50 TRX).
	FeeLimit int64
	// Expiry is how long a signed transaction stays valid (0: 10 minutes).
	Expiry time.Duration
	Now    func() time.Time
}

// Build makes the transaction to sign on a header (reference block,
// expiration, timestamp and fee limit already set).
type Build func(ctx context.Context, h Header) (Tx, error)

// Status is where a kept transaction stands.
type Status struct {
	TxID string
	// Found: in a block; Solid: that block is solidified; Success: it ran.
	Found, Solid, Success bool
	Result                string
	Fee                   int64 // sun burnt
	// Expired: an offline-signed transaction (no Build) lapsed untaken.
	Expired bool
	// Logs are the events of the version taken.
	Logs []Log
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// header is a header on the current head block.
func (s *Sender) header(ctx context.Context) (Header, error) {
	head, err := s.Grid.NowBlock(ctx, false)
	if err != nil {
		return Header{}, sg.Unavailable("tron.Sign", err)
	}
	rb, rh, err := head.RefBlock()
	if err != nil {
		return Header{}, sg.Unavailable("tron.Sign", err)
	}
	expiry, limit := s.Expiry, s.FeeLimit
	if expiry == 0 {
		expiry = 10 * time.Minute
	}
	if limit == 0 {
		limit = 50_000_000
	}
	return Header{RefBlockBytes: rb, RefBlockHash: rh, Expiration: head.Timestamp + expiry.Milliseconds(),
		Timestamp: s.now().UnixMilli(), FeeLimit: limit}, nil
}

// sign builds on a fresh header and signs in KMS.
func (s *Sender) sign(ctx context.Context, build Build) ([]byte, string, error) {
	h, err := s.header(ctx)
	if err != nil {
		return nil, "", err
	}
	tx, err := build(ctx, h)
	if err != nil {
		return nil, "", err
	}
	raw, err := tx.RawData()
	if err != nil {
		return nil, "", sg.Internal("tron.Sign", err)
	}
	id := TxID(raw)
	rsv, err := s.Signer.SignDigest(ctx, id)
	if err != nil {
		return nil, "", err
	}
	return Encode(raw, SignatureFromRecoverable(rsv))
}

// Sign builds and signs key's transaction once and returns its id.
func (s *Sender) Sign(ctx context.Context, key string, build Build) (string, error) {
	if kept, err := s.Store.SignedTx(ctx, key); err == nil {
		return kept.Hash, nil
	} else if !errors.Is(err, sg.ErrNotFound) {
		return "", err
	}
	body, id, err := s.sign(ctx, build)
	if err != nil {
		return "", err
	}
	kept, err := s.Store.SaveSignedTx(ctx, key, body, id, s.now())
	return kept.Hash, err
}

// Keep stores a transaction signed elsewhere (offline) under key, once.
func (s *Sender) Keep(ctx context.Context, key string, body []byte, id string) error {
	_, err := s.Store.SaveSignedTx(ctx, key, body, id, s.now())
	return err
}

// Send signs key's transaction once and broadcasts it.
func (s *Sender) Send(ctx context.Context, key string, build Build) (string, error) {
	id, err := s.Sign(ctx, key, build)
	if err != nil {
		return "", err
	}
	return id, s.Broadcast(ctx, key)
}

// Broadcast sends key's kept transaction; one already known is a success,
// and one expired is left for Follow to sign anew.
func (s *Sender) Broadcast(ctx context.Context, key string) error {
	kept, err := s.Store.SignedTx(ctx, key)
	if err != nil {
		return err
	}
	return s.send(ctx, kept.Raw)
}

func (s *Sender) send(ctx context.Context, body []byte) error {
	var tx SignedTx
	if err := json.Unmarshal(body, &tx); err != nil {
		return sg.Internal("tron.Broadcast", err)
	}
	err := s.Grid.Broadcast(ctx, tx)
	var be *BroadcastError
	if errors.As(err, &be) && be.Expired() {
		return nil
	}
	if err != nil {
		return sg.Unavailable("tron.Broadcast", err)
	}
	return nil
}

// Follow reports whichever version of key's transaction was taken. One not
// taken yet is sent again, or, past its expiration, built and signed anew
// (build nil: it was signed offline and is reported Expired instead).
// sg.ErrNotFound if nothing is kept under key.
func (s *Sender) Follow(ctx context.Context, key string, build Build) (Status, error) {
	kept, err := s.Store.SignedTx(ctx, key)
	if err != nil {
		return Status{}, err
	}
	for _, id := range append([]string{kept.Hash}, kept.Prev...) {
		info, err := s.Grid.TxInfo(ctx, id)
		if err != nil {
			return Status{}, sg.Unavailable("tron.Follow", err)
		}
		if !info.Found {
			continue
		}
		st := Status{TxID: id, Found: true, Success: info.Result == "SUCCESS", Result: info.Result, Fee: info.Fee, Logs: info.Logs}
		solid, err := s.Grid.NowBlock(ctx, true)
		if err != nil {
			return Status{}, sg.Unavailable("tron.Follow", err)
		}
		st.Solid = info.Block <= solid.Number
		return st, nil
	}
	var tx SignedTx
	if err := json.Unmarshal(kept.Raw, &tx); err != nil {
		return Status{}, sg.Internal("tron.Follow", err)
	}
	raw, _ := hex.DecodeString(tx.RawDataHex)
	parsed, err := Parse(raw)
	if err != nil {
		return Status{}, sg.Internal("tron.Follow", err)
	}
	head, err := s.Grid.NowBlock(ctx, false)
	if err != nil {
		return Status{}, sg.Unavailable("tron.Follow", err)
	}
	if head.Timestamp <= parsed.Expiration {
		return Status{TxID: kept.Hash}, s.send(ctx, kept.Raw) // again, in case a node lost it
	}
	if build == nil {
		return Status{TxID: kept.Hash, Expired: true}, nil
	}
	body, id, err := s.sign(ctx, build)
	if err != nil {
		return Status{}, err
	}
	now, err := s.Store.ReplaceSignedTx(ctx, key, kept.Hash, body, id, s.now())
	if err != nil {
		return Status{}, err
	}
	return Status{TxID: now.Hash}, s.send(ctx, now.Raw)
}
