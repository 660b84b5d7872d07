// Package wallet holds the rules for creating and reading wallets: one
// derivation index per wallet, a deposit address on every chain, idempotent
// creation, and tenant isolation.
package wallet

import (
	"context"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpCreate names wallet creation in idempotency records.
const OpCreate = "wallets.create"

// Service creates and reads wallets.
type Service struct {
	Store    sg.WalletStore
	Idem     sg.IdempotencyStore
	Balances sg.BalanceReader
	Deriver  sg.AddressDeriver
	Now      func() time.Time
}

// CreateInput is what a tenant says about a new wallet.
type CreateInput struct {
	CustomerRef string
	Label       string
	Metadata    map[string]string
	HighVolume  bool
}

// Idem is the idempotency key of a request and the fingerprint of its content.
type Idem struct {
	Key  string
	Hash string
}

// Rendered is the answer to a create: the status and body first given, and
// whether this call replayed it.
type Rendered struct {
	Status   int
	Body     []byte
	Replayed bool
}

// Render encodes a new wallet as the response that will be stored and replayed.
type Render func(sg.Wallet) (status int, body []byte, err error)

// Create makes a wallet with its deposit addresses, or replays the first
// answer given to the same key. A key reused with a different request is
// refused with ErrIdempotencyKeyReused.
func (s *Service) Create(ctx context.Context, tenant string, idem Idem, in CreateInput, render Render) (Rendered, error) {
	if r, ok, err := s.replay(ctx, tenant, idem); ok || err != nil {
		return r, err
	}
	index, err := s.Store.NextIndex(ctx)
	if err != nil {
		return Rendered{}, err
	}
	now := s.Now().UTC()
	w := sg.Wallet{
		ID: sg.NewID("wal", now), TenantID: tenant, CustomerRef: in.CustomerRef, Label: in.Label,
		Metadata: in.Metadata, Index: index, CreatedAt: now, HighVolume: in.HighVolume,
	}
	for _, c := range sg.Chains {
		a, err := s.Deriver.DepositAddress(c, index)
		if err != nil {
			return Rendered{}, sg.Internal("wallet.Create", err)
		}
		w.Addresses = append(w.Addresses, a)
	}
	status, body, err := render(w)
	if err != nil {
		return Rendered{}, sg.Internal("wallet.Create", err)
	}
	rec := sg.Idempotency{TenantID: tenant, Operation: OpCreate, Key: idem.Key, RequestHash: idem.Hash, Status: status, Response: body, CreatedAt: now}
	err = s.Store.CreateWallet(ctx, w, rec)
	if errors.Is(err, sg.ErrIdempotencyInProgress) {
		// A concurrent request with the same key won the race: answer as it did.
		if r, ok, err := s.replay(ctx, tenant, idem); ok || err != nil {
			return r, err
		}
		return Rendered{}, sg.ErrIdempotencyInProgress
	}
	if err != nil {
		return Rendered{}, err
	}
	return Rendered{Status: status, Body: body}, nil
}

func (s *Service) replay(ctx context.Context, tenant string, idem Idem) (Rendered, bool, error) {
	rec, err := s.Idem.Idempotency(ctx, tenant, OpCreate, idem.Key)
	if errors.Is(err, sg.ErrNotFound) {
		return Rendered{}, false, nil
	}
	if err != nil {
		return Rendered{}, false, err
	}
	if rec.RequestHash != idem.Hash {
		return Rendered{}, false, sg.ErrIdempotencyKeyReused
	}
	return Rendered{Status: rec.Status, Body: rec.Response, Replayed: true}, true, nil
}

// Get returns the tenant's wallet; another tenant's wallet is not found.
func (s *Service) Get(ctx context.Context, tenant, id string) (sg.Wallet, error) {
	if !sg.ValidID("wal", id) {
		return sg.Wallet{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	return s.Store.Wallet(ctx, tenant, id)
}

// List returns a page of the tenant's wallets, newest first.
func (s *Service) List(ctx context.Context, tenant string, page sg.Page) ([]sg.Wallet, string, error) {
	return s.Store.Wallets(ctx, tenant, page)
}

// BalancesOf returns a balance for every chain the wallet has an address
// on, zero where nothing has moved yet.
func (s *Service) BalancesOf(ctx context.Context, tenant, id string) (sg.Wallet, []sg.Balance, error) {
	w, err := s.Get(ctx, tenant, id)
	if err != nil {
		return sg.Wallet{}, nil, err
	}
	bs, err := s.Balances.Balances(ctx, w)
	return w, bs, err
}
