package storetest

import (
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// transferCases: ApplyTransfer, Transfer, TransferByKey, AccountBalance
// and the quote a withdrawal uses.
var transferCases = []Case{
	{"ApplyTransfer/credits and debits move balances; system accounts go below zero", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		fund(t, st, w, sg.Available, 100)
		fund(t, st, w, sg.Pending, 7)
		wantBalance(t, st, w, 100, 7, 0)
		sys, err := st.AccountBalance(ctx, faucet(), 0)
		must(t, "AccountBalance(system)", err)
		if sys.Available > -107 {
			t.Fatalf("the faucet account reads %d; want at most -107 (system accounts have no floor)", sys.Available)
		}
		must(t, "ApplyTransfer(hold)", st.ApplyTransfer(ctx, hold(w, "h1", 60)))
		wantBalance(t, st, w, 40, 7, 60)
	}},
	{"ApplyTransfer/a debit below zero is ErrInsufficientFunds and changes nothing", func(t *testing.T, st Store) {
		ten := tenant()
		from, to := newWallet(t, st, ten, false), newWallet(t, st, ten, false)
		fund(t, st, from, sg.Available, 50)
		tr := transfer(ten, "short", sg.TransferInternal, sg.StatePosted,
			sg.Posting{Account: acct(from), Bucket: sg.Available, Delta: -80, Shards: 1},
			sg.Posting{Account: acct(to), Bucket: sg.Available, Delta: 80, Shards: 1})
		wantErr(t, "ApplyTransfer(80 of 50)", st.ApplyTransfer(ctx, tr), sg.ErrInsufficientFunds)
		wantBalance(t, st, from, 50, 0, 0)
		wantBalance(t, st, to, 0, 0, 0)
		_, err := st.Transfer(ctx, ten, tr.ID)
		wantErr(t, "Transfer(refused)", err, sg.ErrNotFound)
		kp, _ := sg.KeyPart("txn", tr.ID)
		_, err = st.TransferByKey(ctx, ten, kp)
		wantErr(t, "TransferByKey(refused)", err, sg.ErrNotFound)
	}},
	{"ApplyTransfer/the held bucket is guarded too", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		fund(t, st, w, sg.Available, 30)
		wantErr(t, "hold of 31 on 30", st.ApplyTransfer(ctx, hold(w, "h", 31)), sg.ErrInsufficientFunds)
		must(t, "hold of 30", st.ApplyTransfer(ctx, hold(w, "h2", 30)))
		over := transfer(w.TenantID, "void-too-much", sg.TransferInternal, sg.StatePosted, void(w, 31).Postings...)
		wantErr(t, "release of 31 held of 30", st.ApplyTransfer(ctx, over), sg.ErrInsufficientFunds)
		wantBalance(t, st, w, 0, 0, 30)
	}},
	{"ApplyTransfer/a second transfer with the same key is ErrTransferExists and moves nothing", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		first := fund(t, st, w, sg.Available, 10)
		wantErr(t, "same transfer again", st.ApplyTransfer(ctx, first), sg.ErrTransferExists)
		// A retry made later carries another time part but the same key part.
		retry := first
		retry.ID = laterAttempt(first.ID)
		if retry.ID == first.ID {
			t.Fatal("the retry's id should differ in its time part")
		}
		wantErr(t, "same key, later attempt", st.ApplyTransfer(ctx, retry), sg.ErrTransferExists)
		// Even a retry the funds could not cover answers "exists", not "short".
		spend := hold(w, "spend", 10)
		must(t, "hold", st.ApplyTransfer(ctx, spend))
		wantErr(t, "the hold again, with nothing left", st.ApplyTransfer(ctx, spend), sg.ErrTransferExists)
		wantBalance(t, st, w, 0, 0, 10)
	}},
	{"ApplyTransfer/an entry that does not balance is refused and changes nothing", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		fund(t, st, w, sg.Available, 10)
		bad := transfer(w.TenantID, "unbalanced", sg.TransferInternal, sg.StatePosted,
			sg.Posting{Account: acct(w), Bucket: sg.Available, Delta: -5, Shards: 1},
			sg.Posting{Account: acct(w), Bucket: sg.Held, Delta: 4, Shards: 1})
		err := st.ApplyTransfer(ctx, bad)
		if err == nil || sg.KindOf(err) != sg.KindInternal {
			t.Fatalf("ApplyTransfer(unbalanced) = %v; want an internal error", err)
		}
		wantBalance(t, st, w, 10, 0, 0)
	}},
	{"ApplyTransfer/a sharded wallet's balance is the sum of its shards, and all of it can be spent", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), true)
		for _, a := range []sg.Amount{5, 11, 13, 17, 19} {
			fund(t, st, w, sg.Available, a)
		}
		wantBalance(t, st, w, 65, 0, 0)
		wantErr(t, "hold of 66", st.ApplyTransfer(ctx, hold(w, "all+1", 66)), sg.ErrInsufficientFunds)
		must(t, "hold of 65", st.ApplyTransfer(ctx, hold(w, "all", 65)))
		wantBalance(t, st, w, 0, 0, 65)
	}},
	{"Transfer/reads back what was written; another id or tenant is not found", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		fund(t, st, w, sg.Available, 100)
		tr := hold(w, "read-back", 40)
		tr.Fee, tr.Memo, tr.Metadata, tr.RequestedBy = 3, "rent", map[string]string{"order": "42"}, "sub-1"
		tr.NonceHeld, tr.NetworkFee = true, 9 // not written by a first write
		must(t, "ApplyTransfer", st.ApplyTransfer(ctx, tr))
		got, err := st.Transfer(ctx, w.TenantID, tr.ID)
		must(t, "Transfer", err)
		kp, _ := sg.KeyPart("txn", tr.ID)
		byKey, err := st.TransferByKey(ctx, w.TenantID, kp)
		must(t, "TransferByKey", err)
		for _, g := range []sg.Transfer{got, byKey} {
			if g.ID != tr.ID || g.TenantID != tr.TenantID || g.Type != tr.Type || g.State != tr.State || g.FromWallet != w.ID ||
				g.Chain != tr.Chain || g.Asset != tr.Asset || g.Amount != 40 || g.Fee != 3 || g.Memo != "rent" || g.Metadata["order"] != "42" ||
				g.ToAddress != tr.ToAddress || g.RequestedBy != "sub-1" || g.RequestHash != tr.RequestHash {
				t.Fatalf("read back %+v; wrote %+v", g, tr)
			}
			if !g.CreatedAt.Equal(tr.CreatedAt) || !g.ExpiresAt.Equal(tr.ExpiresAt.Truncate(time.Second)) {
				t.Fatalf("times read back %v, %v; wrote %v, %v", g.CreatedAt, g.ExpiresAt, tr.CreatedAt, tr.ExpiresAt)
			}
			if g.NonceHeld || g.NetworkFee != 0 || g.Waiting != nil || len(g.Events) != 1 || len(g.Entry.Postings) != 2 {
				t.Fatalf("read back nonce %v, network fee %d, waiting %v, %d events, %d postings", g.NonceHeld, g.NetworkFee, g.Waiting, len(g.Events), len(g.Entry.Postings))
			}
			if p := g.Entry.Postings[0]; p.Account != acct(w) || p.Bucket != sg.Available || p.Delta != -40 {
				t.Fatalf("first posting read back %+v", p)
			}
		}
		other := laterAttempt(tr.ID)
		_, err = st.Transfer(ctx, w.TenantID, other)
		wantErr(t, "Transfer(same key part, another time part)", err, sg.ErrNotFound)
		_, err = st.Transfer(ctx, tenant(), tr.ID)
		wantErr(t, "Transfer(another tenant)", err, sg.ErrNotFound)
		_, err = st.Transfer(ctx, w.TenantID, "txn_nonsense")
		wantErr(t, "Transfer(not an id)", err, sg.ErrNotFound)
	}},
	{"Quote/honoured for one withdrawal; a retry under its key is a replay", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		fund(t, st, w, sg.Available, 100)
		q := sg.FeeQuote{ID: sg.NewID("fq", time.Now()), TenantID: w.TenantID, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethAddress(),
			Amount: 10, Fee: 2, Network: map[string]string{"gas": "65000"}, CreatedAt: now(), ExpiresAt: now().Add(sg.QuoteTTL)}
		must(t, "PutQuote", st.PutQuote(ctx, q))
		got, err := st.Quote(ctx, w.TenantID, q.ID)
		must(t, "Quote", err)
		if got.Fee != 2 || got.Amount != 10 || got.ToAddress != q.ToAddress || got.Network["gas"] != "65000" || !got.ExpiresAt.Equal(q.ExpiresAt) {
			t.Fatalf("quote read back %+v; wrote %+v", got, q)
		}
		_, err = st.Quote(ctx, tenant(), q.ID)
		wantErr(t, "Quote(another tenant)", err, sg.ErrQuoteNotFound)
		first := hold(w, "q1", 12)
		first.QuoteID = q.ID
		must(t, "first withdrawal", st.ApplyTransfer(ctx, first))
		second := hold(w, "q2", 12)
		second.QuoteID = q.ID
		wantErr(t, "second withdrawal on the quote", st.ApplyTransfer(ctx, second), sg.ErrQuoteUsed)
		wantErr(t, "the first again", st.ApplyTransfer(ctx, first), sg.ErrTransferExists)
		none := hold(w, "q3", 12)
		none.QuoteID = sg.NewID("fq", time.Now())
		wantErr(t, "a quote that does not exist", st.ApplyTransfer(ctx, none), sg.ErrQuoteUsed)
		wantBalance(t, st, w, 88, 0, 12)
	}},
}
