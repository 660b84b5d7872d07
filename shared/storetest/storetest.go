// Package storetest is the contract the money core's stores are held to:
// one suite of named cases that runs, under the same names, against the
// in-memory twin (shared/memstore, with no emulator) and against the
// DynamoDB adapter on DynamoDB Local (shared/dynamo), so the twin cannot
// drift from the store it stands in for.
//
// Each case opens a store of its own and states one rule of the ports:
// a transfer is written once and all or nothing, a wallet never goes below
// zero, a move happens only from the state it names, a withdrawal holding
// a nonce is never voided, a quote is honoured for one withdrawal, and so on.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Store is every port the contract covers: the domain's wallet,
// idempotency, balance, ledger and move ports, the ports the ledger and
// custody services declare (wallets under freeze, freezes, waits,
// destinations, quotes; policies, allowlists, velocity, approvals, votes
// to unfreeze, parked payouts, the journal; what reconciliation reads),
// the courses' store, the chain side's stores (ChainStore: open
// withdrawals, the hot key and its rotations, cold payouts, Tron grants,
// signed transactions, sweeps) and the writes the chain side makes that
// the ledger's rules depend on (nonces held by withdrawals).
type Store interface {
	sg.WalletStore
	sg.WalletOwners
	sg.IdempotencyStore
	sg.BalanceReader
	sg.Mover
	sg.TransferLedger
	sg.WalletReader
	sg.PayoutFreezes
	sg.WaitMarker
	sg.OwnAddresses
	sg.QuoteStore
	sg.CustodyStore
	sg.PolicyFacts
	sg.ReconStore
	sg.CourseStore
	ChainStore
	IdemClaims
	Watchers
	Live
	Owed // settlefix: the in-flight sum of a chain

	// History lists a wallet's transfers, newest first (api.HistoryStore).
	History(ctx context.Context, tenant, wallet string, f sg.HistoryFilter, page sg.Page) ([]sg.Transfer, string, error)

	// PutIdempotency records a first answer on its own; a live record
	// under the key is ErrIdempotencyInProgress.
	PutIdempotency(ctx context.Context, r sg.Idempotency) error
	// RegisterOwn records an address of the platform's own.
	RegisterOwn(ctx context.Context, c sg.Chain, addr, kind string) error
	// NonceHolders counts open withdrawals holding a nonce and not yet
	// broadcast (a hot key rotation waits for them).
	NonceHolders(ctx context.Context) (int, error)
	// Track lists a payout as waiting for its chain; Untrack takes it off.
	Track(ctx context.Context, c sg.Chain, tenant, id string) error
	Untrack(ctx context.Context, c sg.Chain, id string) error
	// FreezesOver returns the freeze in force over each of the tenant's
	// wallets ids that one covers (the wallet service's read).
	FreezesOver(ctx context.Context, tenant string, ids ...string) (map[string]sg.Freeze, error)
	// AllocateNonce gives a job the next nonce of a hot address, marking
	// the guard's withdrawal as holding it.
	AllocateNonce(ctx context.Context, c sg.Chain, addr, id string, start uint64, terms sg.NonceClaim, guard *sg.NonceGuard) (sg.NonceClaim, error)
	// ---- bigrun: reconciliation's ranged reads (recon.RangePager, recon.WalletPager) ----
	TenantTransferRange(ctx context.Context, tenant string, segment, segments int, after string, page func(ts []sg.Transfer, last string) error) error
	WalletAccountPages(ctx context.Context, tenant, after string, page func([]sg.Wallet) error) error
	// ---- reconckpt: reconciliation's checkpoint ----
	sg.ReconCheckpoints
}

// Case is one rule of the contract.
type Case struct {
	Name string
	Run  func(t *testing.T, st Store)
}

// Run runs every case, each as a subtest of its own name on a store that
// open makes for it (empty, or at least holding nothing of the tenant the
// case makes up).
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			c.Run(t, open(t))
		})
	}
}

// Cases lists the contract's rules.
func Cases() []Case {
	var all []Case
	for _, group := range [][]Case{transferCases, moveCases, walletCases, freezeCases, custodyCases, reconCases, concurrentCases, chainCases, courseCases, historyCases, idemClaimCases, watchCases, liveCases, walletOwnerCases, owedCases, reconCkptCases} {
		all = append(all, group...)
	}
	return all
}

// ---- helpers the cases share ----

var ctx = context.Background()

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// tenant is a tenant of the case's own.
func tenant() string { return "t-" + randHex(6) }

func ethAddress() string { return "0x" + randHex(20) }

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// newWallet creates a wallet with an Ethereum deposit address.
func newWallet(t *testing.T, st Store, tenant string, highVolume bool) sg.Wallet {
	t.Helper()
	idx, err := st.NextIndex(ctx)
	if err != nil {
		t.Fatalf("NextIndex: %v", err)
	}
	w := sg.Wallet{ID: sg.NewID("wal", time.Now()), TenantID: tenant, CustomerRef: "c-" + randHex(3), Index: idx, HighVolume: highVolume, CreatedBy: "user-" + randHex(3),
		CreatedAt: now(), Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: ethAddress(), Scheme: sg.SchemeBIP32, Path: "m/44'/60'/0'/0/1"}}}
	idem := sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: "k-" + randHex(6), RequestHash: "h", Status: 201, Response: []byte(`{}`)}
	if err := st.CreateWallet(ctx, w, idem); err != nil {
		t.Fatalf("CreateWallet: %v", err)
	}
	return w
}

func acct(w sg.Wallet) sg.Account { return sg.WalletAccount(w.TenantID, w.ID, sg.Ethereum, sg.USDT) }

func faucet() sg.Account { return sg.SystemAccount(sg.SysDevFaucet, sg.Ethereum, sg.USDT) }

// transfer is a posted transfer of the tenant under key with postings ps.
func transfer(tenant, key string, typ sg.TransferType, state sg.TransferState, ps ...sg.Posting) sg.Transfer {
	at := now()
	return sg.Transfer{ID: sg.NewKeyedID("txn", at, tenant, "contract", key), TenantID: tenant, Type: typ, State: state,
		Chain: sg.Ethereum, Asset: sg.USDT, Amount: max(ps[0].Delta, -ps[0].Delta), RequestHash: "rh-" + key, CreatedAt: at, UpdatedAt: at,
		Events: []sg.Event{{State: state, At: at, Note: "made"}}, Entry: sg.Entry{Postings: ps}}
}

// fund credits a wallet's bucket from the faucet account.
func fund(t *testing.T, st Store, w sg.Wallet, b sg.Bucket, amount sg.Amount) sg.Transfer {
	t.Helper()
	tr := transfer(w.TenantID, "fund-"+randHex(6), sg.TransferDeposit, sg.StatePosted,
		sg.Posting{Account: faucet(), Bucket: sg.Available, Delta: -amount},
		sg.Posting{Account: acct(w), Bucket: b, Delta: amount, Shards: w.Shards()})
	tr.ToWallet = w.ID
	if err := st.ApplyTransfer(ctx, tr); err != nil {
		t.Fatalf("fund %s: %v", w.ID, err)
	}
	return tr
}

// hold places a pending withdrawal's hold of amount on w.
func hold(w sg.Wallet, key string, amount sg.Amount) sg.Transfer {
	tr := transfer(w.TenantID, key, sg.TransferWithdrawal, sg.StatePending,
		sg.Posting{Account: acct(w), Bucket: sg.Available, Delta: -amount, Shards: w.Shards()},
		sg.Posting{Account: acct(w), Bucket: sg.Held, Delta: amount, Shards: w.Shards()})
	tr.FromWallet, tr.ToAddress, tr.ExpiresAt = w.ID, ethAddress(), tr.CreatedAt.Add(time.Hour)
	return tr
}

// void is the entry that gives a withdrawal's hold back.
func void(w sg.Wallet, amount sg.Amount) sg.Entry {
	return sg.Entry{Postings: []sg.Posting{
		{Account: acct(w), Bucket: sg.Held, Delta: -amount, Shards: w.Shards()},
		{Account: acct(w), Bucket: sg.Available, Delta: amount, Shards: w.Shards()},
	}}
}

func balance(t *testing.T, st Store, w sg.Wallet) sg.Balance {
	t.Helper()
	b, err := st.AccountBalance(ctx, acct(w), w.Shards())
	if err != nil {
		t.Fatalf("AccountBalance: %v", err)
	}
	return b
}

// wantBalance fails unless w's available, pending and held are as given.
func wantBalance(t *testing.T, st Store, w sg.Wallet, available, pending, held sg.Amount) {
	t.Helper()
	b := balance(t, st, w)
	if b.Available != available || b.Pending != pending || b.Held != held {
		t.Fatalf("balance of %s = available %d, pending %d, held %d; want %d, %d, %d", w.ID, b.Available, b.Pending, b.Held, available, pending, held)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s = %v; want %v", what, err, want)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustState(t *testing.T, st Store, tr sg.Transfer, want sg.TransferState) sg.Transfer {
	t.Helper()
	got, err := st.Transfer(ctx, tr.TenantID, tr.ID)
	must(t, "Transfer", err)
	if got.State != want {
		t.Fatalf("%s is %s; want %s", tr.ID, got.State, want)
	}
	return got
}

func move(tr sg.Transfer, from, to sg.TransferState, e sg.Entry) sg.Move {
	return sg.Move{From: from, To: to, Event: sg.Event{State: to, At: now(), Note: string(to)}, Entry: e}
}

// laterAttempt is id as a later attempt of the same request makes it: the
// same key part, another time part.
func laterAttempt(id string) string {
	kp, _ := sg.KeyPart("txn", id)
	later := sg.NewKeyedID("txn", time.Now().Add(time.Hour), "x", "y", "z")
	return later[:len(later)-len(kp)] + kp
}
