// Package wallet holds the rules for creating and reading wallets: one
// derivation index per wallet, a deposit address on every chain, idempotent
// creation, and tenant isolation.
package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpCreate names wallet creation in idempotency records.
const OpCreate = "wallets.create"

// Service creates and reads wallets. A wallet it returns is Frozen while
// its own flag is set or any freeze in force covers it (the wallet's, the
// tenant's or the platform's): what the API shows is what the ledger and
// the payout pipeline enforce.
type Service struct {
	Store    sg.WalletStore
	Idem     sg.IdempotencyStore
	Balances sg.BalanceReader
	Deriver  sg.AddressDeriver
	Freezes  Freezes
	Now      func() time.Time
}

// Freezes tells which wallets a freeze in force covers (sg.FreezesOver).
type Freezes = sg.FreezesOver

// markFrozen sets Frozen on each of ws that a freeze in force covers.
func (s *Service) markFrozen(ctx context.Context, tenant string, ws []sg.Wallet) error {
	if len(ws) == 0 {
		return nil
	}
	if s.Freezes == nil {
		return sg.Internal("wallet.markFrozen", errors.New("no freeze reader configured"))
	}
	ids := make([]string, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	fs, err := s.Freezes.FreezesOver(ctx, tenant, ids...)
	if err != nil {
		return err
	}
	for i := range ws {
		if _, ok := fs[ws[i].ID]; ok {
			ws[i].Frozen = true
		}
	}
	return nil
}

// CreateInput is what a tenant says about a new wallet.
type CreateInput struct {
	CustomerRef string
	Label       string
	Metadata    map[string]string
	HighVolume  bool
	// CreatedBy is the requesting token's subject.
	CreatedBy string
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
		Metadata: in.Metadata, Index: index, CreatedAt: now, HighVolume: in.HighVolume, CreatedBy: in.CreatedBy,
	}
	for _, c := range sg.Chains {
		a, err := s.Deriver.DepositAddress(c, index)
		if err != nil {
			return Rendered{}, sg.Internal("wallet.Create", err)
		}
		w.Addresses = append(w.Addresses, a)
	}
	// A tenant or platform freeze covers a new wallet too.
	one := []sg.Wallet{w}
	if err := s.markFrozen(ctx, tenant, one); err != nil {
		return Rendered{}, err
	}
	w = one[0]
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
	w, err := s.Store.Wallet(ctx, tenant, id)
	if err != nil {
		return sg.Wallet{}, err
	}
	one := []sg.Wallet{w}
	if err := s.markFrozen(ctx, tenant, one); err != nil {
		return sg.Wallet{}, err
	}
	return one[0], nil
}

// List returns a page of the tenant's wallets, newest first.
func (s *Service) List(ctx context.Context, tenant string, page sg.Page) ([]sg.Wallet, string, error) {
	ws, next, err := s.Store.Wallets(ctx, tenant, page)
	if err != nil {
		return nil, "", err
	}
	if err := s.markFrozen(ctx, tenant, ws); err != nil {
		return nil, "", err
	}
	return ws, next, nil
}

// BalancesOf returns a balance for every chain the wallet has an address
// on, zero where nothing has moved yet.
func (s *Service) BalancesOf(ctx context.Context, tenant, id string) (sg.Wallet, []sg.Balance, error) {
	if !sg.ValidID("wal", id) {
		return sg.Wallet{}, nil, sg.ErrNotFound.WithParam("wallet_id")
	}
	w, err := s.Store.Wallet(ctx, tenant, id)
	if err != nil {
		return sg.Wallet{}, nil, err
	}
	bs, err := s.Balances.Balances(ctx, w)
	return w, bs, err
}

// ensured is what Ensure keeps as a creation's answer: the wallet's id.
type ensured struct {
	ID string `json:"id"`
}

// Ensure makes the wallet idem names, once, for the platform's own use (an
// invoice's wallet, a tenant's settlement wallet): the key is one no API
// request can send (it holds a space), so every call with it gets the one
// wallet, whatever retried or raced.
func (s *Service) Ensure(ctx context.Context, tenant string, idem Idem, in CreateInput) (sg.Wallet, error) {
	r, err := s.Create(ctx, tenant, idem, in, func(w sg.Wallet) (int, []byte, error) {
		b, err := json.Marshal(ensured{ID: w.ID})
		return http.StatusCreated, b, err
	})
	if err != nil {
		return sg.Wallet{}, err
	}
	var ref ensured
	if err := json.Unmarshal(r.Body, &ref); err != nil || ref.ID == "" {
		return sg.Wallet{}, sg.Internal("wallet.Ensure", fmt.Errorf("the record under key %q names no wallet", idem.Key))
	}
	return s.Get(ctx, tenant, ref.ID)
}
