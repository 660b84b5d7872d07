package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpDeposit names chain deposits in idempotency keys.
const OpDeposit = "deposits.chain"

// ChainDeposit is one token transfer into a deposit address, as the chain
// shows it. Ref identifies it on its branch of the chain: chain, transaction
// hash, log index and block hash, so a log seen twice is credited once and a
// log re-included in another block after a reorganisation is credited anew
// (its first credit having been reversed).
type ChainDeposit struct {
	Tenant string
	Wallet string
	Chain  sg.Chain
	Asset  sg.Asset
	Amount sg.Amount
	Ref    string
	Block  uint64
	// Quarantine, when set, is why the deposit is held apart: its sender's
	// screening hit. Seen credits such a deposit to the platform's
	// quarantine instead of the wallet's pending balance; Confirm moves a
	// clear pending one there instead of making it available.
	Quarantine *Quarantine
}

// Quarantine records a screening hit on a deposit's sender: the lists it
// hit, the sanctions list version it was checked against, and its case.
type Quarantine struct {
	Lists       []string
	ListVersion string
	CaseID      string
}

// QuarantineOf is the quarantine a screening decision asks for (nil when
// it does not).
func QuarantineOf(d sg.ScreeningDecision) *Quarantine {
	if !d.Quarantine {
		return nil
	}
	return &Quarantine{Lists: d.Lists, ListVersion: d.ListVersion, CaseID: d.CaseID}
}

// note is the quarantine as the deposit's event records it (no address:
// the case holds it).
func (q Quarantine) note() string {
	return fmt.Sprintf("quarantined: sender on %s; list version %s; case %s", strings.Join(q.Lists, ", "), q.ListVersion, q.CaseID)
}

// QuarantineAccount is the platform's account holding quarantined deposits
// of one chain and asset.
func QuarantineAccount(c sg.Chain, a sg.Asset) sg.Account {
	return sg.SystemAccount(sg.SysQuarantine, c, a)
}

// heldAtSeen reports whether a deposit was credited to the quarantine
// when seen (its sender's screening hit before any confirmation).
func heldAtSeen(t sg.Transfer) bool {
	return len(t.Entry.Postings) == 2 && t.Entry.Postings[1].Account == QuarantineAccount(t.Chain, t.Asset)
}

// Quarantined reports whether t is a deposit held in quarantine: seen and
// credited there, or quarantined at its confirmations, and not released.
// Such a deposit is no part of its wallet's balance and settles nothing.
func Quarantined(t sg.Transfer) bool {
	return t.Type == sg.TransferDeposit && (t.State == sg.StateQuarantined || t.State == sg.StatePending && heldAtSeen(t))
}

// ErrNotQuarantined: a release asked of a deposit that is not quarantined.
var ErrNotQuarantined = &sg.Error{Kind: sg.KindConflict, Code: "deposit_not_quarantined",
	Message: "the deposit is not quarantined: only a confirmed, quarantined deposit can be released"}

// Deposits moves chain deposits through pending, posted, quarantined and
// reversed.
type Deposits struct {
	*Service
	Mover Mover
}

// Recorded reads the deposit of c's Ref; false when none is recorded.
func (d *Deposits) Recorded(ctx context.Context, c ChainDeposit) (sg.Transfer, bool, error) {
	t, err := d.Store.TransferByKey(ctx, c.Tenant, sg.KeyHash(c.Tenant, OpDeposit, c.Ref))
	if errors.Is(err, sg.ErrNotFound) {
		return sg.Transfer{}, false, nil
	}
	return t, err == nil, err
}

// Seen credits a deposit as pending, once per Ref: to the wallet's pending
// balance, or with c.Quarantine to the platform's quarantine (pending), so
// the wallet never counts it. A Ref seen again returns the first record,
// whatever c.Quarantine says now.
func (d *Deposits) Seen(ctx context.Context, c ChainDeposit) (sg.Transfer, error) {
	key := c.Ref
	if r, ok, err := d.replay(ctx, c.Tenant, OpDeposit, key, key); ok || err != nil {
		return r.Transfer, err
	}
	ws, err := d.Wallets.WalletsByID(ctx, c.Tenant, c.Wallet)
	if err != nil {
		return sg.Transfer{}, err
	}
	w, ok := ws[c.Wallet]
	if !ok {
		return sg.Transfer{}, sg.ErrWalletNotFound.WithParam("wallet_id")
	}
	now := d.Now().UTC().Truncate(time.Microsecond)
	to := sg.Posting{Account: sg.WalletAccount(c.Tenant, w.ID, c.Chain, c.Asset), Bucket: sg.Pending, Delta: c.Amount, Shards: w.Shards()}
	note := c.Ref
	if c.Quarantine != nil {
		to = sg.Posting{Account: QuarantineAccount(c.Chain, c.Asset), Bucket: sg.Pending, Delta: c.Amount}
		note += "; " + c.Quarantine.note()
	}
	t := sg.Transfer{
		ID: sg.NewKeyedID("txn", now, c.Tenant, OpDeposit, key), TenantID: c.Tenant, Type: sg.TransferDeposit, State: sg.StatePending,
		ToWallet: w.ID, Chain: c.Chain, Asset: c.Asset, Amount: c.Amount, RequestHash: key, CreatedAt: now, UpdatedAt: now,
		Memo:   fmt.Sprintf("block %d", c.Block),
		Events: []sg.Event{{State: sg.StatePending, At: now, Note: note}},
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysInbound, c.Chain, c.Asset), Bucket: sg.Available, Delta: -c.Amount},
			to,
		}},
	}
	err = d.Store.ApplyTransfer(ctx, t)
	if errors.Is(err, sg.ErrTransferExists) {
		r, _, err := d.replay(ctx, c.Tenant, OpDeposit, key, key)
		return r.Transfer, err
	}
	return t, err
}

// settle moves the deposit of c.Ref to state to with the postings that
// move makes, once: a deposit already there is returned as it is.
func (d *Deposits) settle(ctx context.Context, c ChainDeposit, to sg.TransferState, quarantine *Quarantine) (sg.Transfer, error) {
	t, err := d.Store.TransferByKey(ctx, c.Tenant, sg.KeyHash(c.Tenant, OpDeposit, c.Ref))
	if err != nil {
		return t, err
	}
	if to == sg.StatePosted && t.State == sg.StateQuarantined {
		return t, nil // confirmed already, into the quarantine
	}
	if t.State == to {
		return t, nil
	}
	if to == sg.StatePosted && (quarantine != nil || heldAtSeen(t)) {
		to = sg.StateQuarantined
	}
	if !sg.CanMoveDeposit(t.State, to) || t.State != sg.StatePending {
		return t, sg.Internal("ledger.settle", fmt.Errorf("deposit %s is %s, cannot become %s", t.ID, t.State, to))
	}
	shards := t.Entry.Postings[1].Shards
	wallet := sg.WalletAccount(c.Tenant, t.ToWallet, t.Chain, t.Asset)
	quar := QuarantineAccount(t.Chain, t.Asset)
	from := sg.Posting{Account: wallet, Bucket: sg.Pending, Delta: -t.Amount, Shards: shards}
	if heldAtSeen(t) {
		from = sg.Posting{Account: quar, Bucket: sg.Pending, Delta: -t.Amount}
	}
	ps := []sg.Posting{from}
	note := "confirmed"
	switch to {
	case sg.StatePosted:
		ps = append(ps, sg.Posting{Account: wallet, Bucket: sg.Available, Delta: t.Amount, Shards: shards})
	case sg.StateQuarantined:
		ps = append(ps, sg.Posting{Account: quar, Bucket: sg.Available, Delta: t.Amount})
		note = "confirmed; held in quarantine"
		if quarantine != nil && !heldAtSeen(t) {
			note = "confirmed; " + quarantine.note()
		}
	default:
		ps = append(ps, sg.Posting{Account: sg.SystemAccount(sg.SysInbound, t.Chain, t.Asset), Bucket: sg.Available, Delta: t.Amount})
		note = "block left the chain"
	}
	err = d.Mover.Transition(ctx, c.Tenant, t.ID, sg.Move{From: t.State, To: to,
		Event: sg.Event{State: to, At: d.Now().UTC(), Note: note}, Entry: sg.Entry{Postings: ps}})
	if err != nil && !errors.Is(err, sg.ErrStateChanged) {
		return t, err
	}
	// Moved, or another run settled it: the record says which.
	return d.Store.Transfer(ctx, c.Tenant, t.ID)
}

// Confirm settles a pending deposit at its confirmations: it is made
// available, or quarantined when it was held at seen or c.Quarantine is
// set. It returns the deposit as recorded.
func (d *Deposits) Confirm(ctx context.Context, c ChainDeposit) (sg.Transfer, error) {
	return d.settle(ctx, c, sg.StatePosted, c.Quarantine)
}

// Reverse takes back a pending deposit whose block left the chain, from
// the wallet's pending balance or from the quarantine that held it.
func (d *Deposits) Reverse(ctx context.Context, c ChainDeposit) (sg.Transfer, error) {
	return d.settle(ctx, c, sg.StateReversed, nil)
}

// Release makes a quarantined deposit available to its wallet: an
// officer's decision on its case (by names the officer, note the
// decision). Only a confirmed deposit is released; one released already is
// returned as it is.
func (d *Deposits) Release(ctx context.Context, tenant, id, by, note string) (sg.Transfer, error) {
	t, err := d.Store.Transfer(ctx, tenant, id)
	if err != nil {
		return t, err
	}
	if t.Type != sg.TransferDeposit {
		return t, sg.ErrNotFound.WithParam("transfer_id")
	}
	if t.State != sg.StateQuarantined {
		for _, e := range t.Events {
			if e.State == sg.StateQuarantined && t.State == sg.StatePosted {
				return t, nil // released already
			}
		}
		return t, ErrNotQuarantined
	}
	ws, err := d.Wallets.WalletsByID(ctx, tenant, t.ToWallet)
	if err != nil {
		return t, err
	}
	w, ok := ws[t.ToWallet]
	if !ok {
		return t, sg.ErrWalletNotFound.WithParam("wallet_id")
	}
	ps := []sg.Posting{{Account: QuarantineAccount(t.Chain, t.Asset), Bucket: sg.Available, Delta: -t.Amount},
		{Account: sg.WalletAccount(tenant, w.ID, t.Chain, t.Asset), Bucket: sg.Available, Delta: t.Amount, Shards: w.Shards()}}
	err = d.Mover.Transition(ctx, tenant, t.ID, sg.Move{From: sg.StateQuarantined, To: sg.StatePosted,
		Event: sg.Event{State: sg.StatePosted, At: d.Now().UTC(), Note: fmt.Sprintf("released by %s: %s", by, note)}, Entry: sg.Entry{Postings: ps}})
	if err != nil && !errors.Is(err, sg.ErrStateChanged) {
		return t, err
	}
	return d.Store.Transfer(ctx, tenant, t.ID)
}

// Releaser releases quarantined deposits (Deposits.Release) and marks
// each released deposit's address for its chain's sweeper: a quarantined
// deposit was never marked, so its tokens wait on the deposit address
// until released. A crash between the release and the mark is mended by
// asking again: the release answers as released already and the mark is
// written (marks are idempotent by address).
type Releaser struct {
	Deposits *Deposits
	// Marks and Scopes (the sweep scope of each chain whose deposit
	// addresses are swept) may be nil: nothing is marked.
	Marks  SweepMarks
	Scopes map[sg.Chain]string
}

// Release releases the tenant's quarantined deposit id (by names the
// officer, note the decision) and marks its address for the sweeper.
func (r Releaser) Release(ctx context.Context, tenant, id, by, note string) (sg.Transfer, error) {
	t, err := r.Deposits.Release(ctx, tenant, id, by, note)
	if err != nil {
		return t, err
	}
	scope := r.Scopes[t.Chain]
	if r.Marks == nil || scope == "" {
		return t, nil
	}
	ws, err := r.Deposits.Wallets.WalletsByID(ctx, tenant, t.ToWallet)
	if err != nil {
		return t, err
	}
	w := ws[t.ToWallet]
	for _, a := range w.Addresses {
		if a.Chain == t.Chain {
			return t, r.Marks.MarkForSweep(ctx, scope, a.Address, w.Index, t.RequestHash)
		}
	}
	return t, nil
}
