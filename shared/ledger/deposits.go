package ledger

import (
	"context"
	"errors"
	"fmt"
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
}

// Deposits moves chain deposits through pending, posted and reversed.
type Deposits struct {
	*Service
	Mover Mover
}

// Seen credits a deposit as pending, once per Ref.
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
	t := sg.Transfer{
		ID: sg.NewKeyedID("txn", now, c.Tenant, OpDeposit, key), TenantID: c.Tenant, Type: sg.TransferDeposit, State: sg.StatePending,
		ToWallet: w.ID, Chain: c.Chain, Asset: c.Asset, Amount: c.Amount, RequestHash: key, CreatedAt: now, UpdatedAt: now,
		Memo:   fmt.Sprintf("block %d", c.Block),
		Events: []sg.Event{{State: sg.StatePending, At: now, Note: c.Ref}},
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysInbound, c.Chain, c.Asset), Bucket: sg.Available, Delta: -c.Amount},
			{Account: sg.WalletAccount(c.Tenant, w.ID, c.Chain, c.Asset), Bucket: sg.Pending, Delta: c.Amount, Shards: w.Shards()},
		}},
	}
	err = d.Store.ApplyTransfer(ctx, t)
	if errors.Is(err, sg.ErrTransferExists) {
		r, _, err := d.replay(ctx, c.Tenant, OpDeposit, key, key)
		return r.Transfer, err
	}
	return t, err
}

func (d *Deposits) settle(ctx context.Context, c ChainDeposit, to sg.TransferState, note string) error {
	t, err := d.Store.TransferByKey(ctx, c.Tenant, sg.KeyHash(c.Tenant, OpDeposit, c.Ref))
	if err != nil {
		return err
	}
	if t.State == to {
		return nil
	}
	if !sg.CanMoveDeposit(t.State, to) {
		return sg.Internal("ledger.settle", fmt.Errorf("deposit %s is %s, cannot become %s", t.ID, t.State, to))
	}
	shards := t.Entry.Postings[1].Shards
	acct := sg.WalletAccount(c.Tenant, t.ToWallet, t.Chain, t.Asset)
	ps := []sg.Posting{{Account: acct, Bucket: sg.Pending, Delta: -t.Amount, Shards: shards}}
	if to == sg.StatePosted {
		ps = append(ps, sg.Posting{Account: acct, Bucket: sg.Available, Delta: t.Amount, Shards: shards})
	} else {
		ps = append(ps, sg.Posting{Account: sg.SystemAccount(sg.SysInbound, t.Chain, t.Asset), Bucket: sg.Available, Delta: t.Amount})
	}
	err = d.Mover.Transition(ctx, c.Tenant, t.ID, sg.Move{From: t.State, To: to,
		Event: sg.Event{State: to, At: d.Now().UTC(), Note: note}, Entry: sg.Entry{Postings: ps}})
	if errors.Is(err, sg.ErrStateChanged) {
		return nil // another run settled it
	}
	return err
}

// Confirm makes a pending deposit available (its confirmations reached).
func (d *Deposits) Confirm(ctx context.Context, c ChainDeposit) error {
	return d.settle(ctx, c, sg.StatePosted, "confirmed")
}

// Reverse takes back a pending deposit whose block left the chain.
func (d *Deposits) Reverse(ctx context.Context, c ChainDeposit) error {
	return d.settle(ctx, c, sg.StateReversed, "block left the chain")
}
