// Package memstore is the in-memory twin of the stores shared/dynamo
// implements on DynamoDB, kept in mutex-guarded maps: the money core's
// (wallet, idempotency, ledger, withdrawal, quote, freeze and nonce ports),
// custody's and reconciliation's, the courses', and the chain side's (open
// withdrawals, the hot key and its rotations, cold payouts, Tron grants,
// signed transactions, sweeps).
//
// It keeps the semantics that matter to the services: conditional writes
// (a transfer id is written once, a move happens only from the state it
// names, a quote is honoured for one withdrawal), all-or-nothing entries
// (a refused posting changes nothing), idempotency records, and wallet
// balances that never go below zero. What it stores it returns as the
// adapter would read it back (times at the adapter's precision, fields the
// adapter does not keep dropped), so a service tested on the twin sees what
// it would see on DynamoDB. The contract suite in shared/storetest holds
// both to the same behaviour.
//
// It is for tests and local tools: nothing persists, and one process sees
// it.
package memstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// IdempotencyTTL is how long a key is remembered (as the adapter's).
const IdempotencyTTL = 24 * time.Hour

// Store is the in-memory twin. The zero value is not usable; call New.
type Store struct {
	// Now is the clock of idempotency records; tests set it.
	Now func() time.Time

	mu        sync.Mutex
	next      uint32
	wallets   map[string]map[string]sg.Wallet    // tenant -> wallet id
	claimed   map[string]bool                    // chain#lower(address): a deposit address or an own one
	idem      map[string]idemRecord              // tenant\x00op\x00key
	transfers map[string]map[string]*sg.Transfer // tenant -> key part of the id
	balances  map[sg.Account]map[sg.Bucket]int64
	quotes    map[string]*quoteRecord // tenant\x00id
	freezes   map[string]sg.Freeze    // freezeKey
	parked    map[string]sg.ParkedPayout
	journal   map[string][]sg.JournalEntry
	decided   map[string]bool // tenant\x00key part\x00approver
	nextNonce map[string]uint64
	nonces    map[string]sg.NonceClaim // nonceKey\x00job id
	policies  map[string]*policyState
	tracked   map[sg.Chain]map[string]sg.TrackedPayout
	ch        *chainState
	courses   *courseState
	watches   map[string]watchState
	conns     map[string]conn
	subs      map[string]map[string]int64 // tenant\x00wallet -> connection -> expiry
	dataKeys  map[string][]byte
	// ---- devx: WebSocket resume ----
	liveEv map[string]*liveStream // tenant\x00wallet -> its kept events
	// ---- reconckpt: reconciliation's checkpoints, by tenant ----
	reconCkpt map[string]sg.ReconCheckpoint
}

type idemRecord struct {
	sg.Idempotency
	expires time.Time
	lease   time.Time // a claim's (status 0)
}

type quoteRecord struct {
	q      sg.FeeQuote
	usedBy string
}

// New returns an empty store on the wall clock.
func New() *Store {
	return &Store{
		Now:       time.Now,
		wallets:   map[string]map[string]sg.Wallet{},
		claimed:   map[string]bool{},
		idem:      map[string]idemRecord{},
		transfers: map[string]map[string]*sg.Transfer{},
		balances:  map[sg.Account]map[sg.Bucket]int64{},
		quotes:    map[string]*quoteRecord{},
		freezes:   map[string]sg.Freeze{},
		parked:    map[string]sg.ParkedPayout{},
		journal:   map[string][]sg.JournalEntry{},
		decided:   map[string]bool{},
		nextNonce: map[string]uint64{},
		nonces:    map[string]sg.NonceClaim{},
	}
}

var (
	_ sg.WalletStore      = (*Store)(nil)
	_ sg.IdempotencyStore = (*Store)(nil)
	_ sg.BalanceReader    = (*Store)(nil)
	_ sg.LedgerStore      = (*Store)(nil)
	_ sg.Mover            = (*Store)(nil)
)

func addrKey(c sg.Chain, addr string) string { return string(c) + "#" + strings.ToLower(addr) }

// ---- wallets and idempotency ----

// NextIndex hands out derivation indexes, each once.
func (st *Store) NextIndex(context.Context) (uint32, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := st.next
	st.next++
	return n, nil
}

// CreateWallet writes the wallet, the claim on each of its deposit
// addresses and the idempotency record together or not at all. A live
// record under the key is ErrIdempotencyInProgress; a wallet or an address
// already claimed is an internal fault (indexes are never handed out twice).
func (st *Store) CreateWallet(_ context.Context, w sg.Wallet, idem sg.Idempotency) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	ik := idemKey(idem.TenantID, idem.Operation, idem.Key)
	if r, ok := st.idem[ik]; ok && !st.Now().After(r.expires) {
		return sg.ErrIdempotencyInProgress
	}
	if _, ok := st.wallets[w.TenantID][w.ID]; ok {
		return sg.Internal("memstore.CreateWallet", fmt.Errorf("wallet %s exists", w.ID))
	}
	for _, a := range w.Addresses {
		if st.claimed[addrKey(a.Chain, a.Address)] {
			return sg.Internal("memstore.CreateWallet", fmt.Errorf("deposit address already claimed (index %d)", w.Index))
		}
	}
	if st.wallets[w.TenantID] == nil {
		st.wallets[w.TenantID] = map[string]sg.Wallet{}
	}
	w.Frozen = false // the adapter writes no freeze flag with a new wallet
	w.CreatedAt = w.CreatedAt.UTC()
	st.wallets[w.TenantID][w.ID] = copyWallet(w)
	for _, a := range w.Addresses {
		st.claimed[addrKey(a.Chain, a.Address)] = true
	}
	st.putIdem(idem)
	return nil
}

// SetFrozen sets a wallet's own frozen flag (a twin-only setter for tests:
// the adapter's flag is written by operators' tools).
func (st *Store) SetFrozen(tenant, id string, frozen bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if w, ok := st.wallets[tenant][id]; ok {
		w.Frozen = frozen
		st.wallets[tenant][id] = w
	}
}

func copyWallet(w sg.Wallet) sg.Wallet {
	w.Addresses = append([]sg.DepositAddress(nil), w.Addresses...)
	if len(w.Metadata) == 0 {
		w.Metadata = nil
	} else {
		m := make(map[string]string, len(w.Metadata))
		for k, v := range w.Metadata {
			m[k] = v
		}
		w.Metadata = m
	}
	return w
}

// Wallet reads one wallet of the tenant; another tenant's is not found.
func (st *Store) Wallet(_ context.Context, tenant, id string) (sg.Wallet, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	w, ok := st.wallets[tenant][id]
	if !ok {
		return sg.Wallet{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	return copyWallet(w), nil
}

// Wallets lists the tenant's wallets newest first (by id, which sorts by
// creation time); the cursor is the last id of the page.
func (st *Store) Wallets(_ context.Context, tenant string, page sg.Page) ([]sg.Wallet, string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ids := make([]string, 0, len(st.wallets[tenant]))
	for id := range st.wallets[tenant] {
		if page.Cursor == "" || id < page.Cursor {
			ids = append(ids, id)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	limit := page.Limit
	if limit <= 0 {
		limit = 100
	}
	next := ""
	if len(ids) > limit {
		ids, next = ids[:limit], ids[limit-1]
	}
	out := make([]sg.Wallet, 0, len(ids))
	for _, id := range ids {
		out = append(out, copyWallet(st.wallets[tenant][id]))
	}
	return out, next, nil
}

// WalletsByID reads several wallets of the tenant; ids with no wallet (or
// that are no wallet id) are absent.
func (st *Store) WalletsByID(_ context.Context, tenant string, ids ...string) (map[string]sg.Wallet, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.walletsByID(tenant, ids), nil
}

func (st *Store) walletsByID(tenant string, ids []string) map[string]sg.Wallet {
	out := map[string]sg.Wallet{}
	for _, id := range ids {
		if w, ok := st.wallets[tenant][id]; ok && sg.ValidID("wal", id) {
			out[id] = copyWallet(w)
		}
	}
	return out
}

// WalletsUnderFreeze is WalletsByID with the freeze in force over each
// wallet: the platform's first, then the tenant's, then the wallet's own.
func (st *Store) WalletsUnderFreeze(_ context.Context, tenant string, ids ...string) (map[string]sg.Wallet, map[string]sg.Freeze, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	ws := st.walletsByID(tenant, ids)
	frozen := map[string]sg.Freeze{}
	for _, id := range ids {
		if !sg.ValidID("wal", id) {
			continue
		}
		if f, ok := st.freezeOn(tenant, id); ok {
			frozen[id] = f
		}
	}
	return ws, frozen, nil
}

func idemKey(tenant, op, key string) string { return tenant + "\x00" + op + "\x00" + key }

func (st *Store) putIdem(r sg.Idempotency) {
	now := st.Now()
	r.CreatedAt = now.UTC()
	r.Response = append([]byte(nil), r.Response...)
	if len(r.Response) == 0 {
		r.Response = nil
	}
	st.idem[idemKey(r.TenantID, r.Operation, r.Key)] = idemRecord{Idempotency: r, expires: now.Add(IdempotencyTTL)}
}

// Idempotency reads a live record or returns ErrNotFound.
func (st *Store) Idempotency(_ context.Context, tenant, op, key string) (sg.Idempotency, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.idem[idemKey(tenant, op, key)]
	if !ok || st.Now().After(r.expires) {
		return sg.Idempotency{}, sg.ErrNotFound
	}
	out := r.Idempotency
	out.Response = append([]byte(nil), r.Response...)
	return out, nil
}

// PutIdempotency records a first answer on its own; a live record under
// the key is ErrIdempotencyInProgress.
func (st *Store) PutIdempotency(_ context.Context, r sg.Idempotency) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if old, ok := st.idem[idemKey(r.TenantID, r.Operation, r.Key)]; ok && !st.Now().After(old.expires) {
		return sg.ErrIdempotencyInProgress
	}
	st.putIdem(r)
	return nil
}

// Balances reads the wallet's balance on each chain it has an address on.
func (st *Store) Balances(ctx context.Context, w sg.Wallet) ([]sg.Balance, error) {
	out := make([]sg.Balance, 0, len(w.Addresses))
	for _, a := range w.Addresses {
		b, err := st.AccountBalance(ctx, sg.WalletAccount(w.TenantID, w.ID, a.Chain, a.Asset), w.Shards())
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// ---- own addresses ----

// RegisterOwn records addr as one of the platform's own addresses.
func (st *Store) RegisterOwn(_ context.Context, c sg.Chain, addr, _ string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.claimed[addrKey(c, addr)] = true
	return nil
}

// OwnAddress reports whether addr (in any case) is a wallet's deposit
// address or an address the platform registered as its own.
func (st *Store) OwnAddress(_ context.Context, c sg.Chain, addr string) (bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.claimed[addrKey(c, addr)], nil
}

// ---- quotes ----

// PutQuote stores a quote (replacing one with its id).
func (st *Store) PutQuote(_ context.Context, q sg.FeeQuote) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	q.Network = copyMap(q.Network)
	q.CreatedAt, q.ExpiresAt = q.CreatedAt.UTC(), q.ExpiresAt.UTC()
	st.quotes[q.TenantID+"\x00"+q.ID] = &quoteRecord{q: q}
	return nil
}

// Quote reads a tenant's quote; another tenant's is ErrQuoteNotFound.
func (st *Store) Quote(_ context.Context, tenant, id string) (sg.FeeQuote, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.quotes[tenant+"\x00"+id]
	if !ok {
		return sg.FeeQuote{}, sg.ErrQuoteNotFound
	}
	q := r.q
	q.Network = copyMap(q.Network)
	return q, nil
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

var _ sg.CourseStore = (*Store)(nil)

// ---- cust: the settlement wallet's customer (issue 15) ----

var _ sg.WalletOwners = (*Store)(nil)

// SetWalletCustomer makes customerID the wallet's customer.
func (st *Store) SetWalletCustomer(_ context.Context, tenant, walletID, customerID string) (sg.Wallet, error) {
	if !sg.ValidID(sg.CustomerIDPrefix, customerID) {
		return sg.Wallet{}, sg.ErrSettlementCustomerNotFound
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	w, ok := st.wallets[tenant][walletID]
	if !ok {
		return sg.Wallet{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	w.CustomerRef = customerID
	st.wallets[tenant][walletID] = w
	return copyWallet(w), nil
}
