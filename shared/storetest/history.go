package storetest

import (
	"context"
	"encoding/base64"
	"slices"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// HistoryProjector brings a store's history lines up to date with a
// transfer as it is now. The adapter writes them from the table's stream
// (its contract run projects the record read back); the twin's history is
// always caught up and needs no projector.
type HistoryProjector interface {
	ProjectHistory(ctx context.Context, tenant, id string) error
}

func project(t *testing.T, st Store, trs ...sg.Transfer) {
	t.Helper()
	p, ok := st.(HistoryProjector)
	if !ok {
		return
	}
	for _, tr := range trs {
		must(t, "ProjectHistory", p.ProjectHistory(ctx, tr.TenantID, tr.ID))
	}
}

func history(t *testing.T, st Store, tenant, wallet string, f sg.HistoryFilter, limit int, cursor string) ([]string, string) {
	t.Helper()
	ts, next, err := st.History(ctx, tenant, wallet, f, sg.Page{Limit: limit, Cursor: cursor})
	must(t, "History", err)
	return ids(ts), next
}

// dated is a posted transfer of the tenant made at at, from one wallet to
// another ("" for none: a faucet's side).
func dated(from, to sg.Wallet, typ sg.TransferType, at time.Time, amount sg.Amount) sg.Transfer {
	var ps []sg.Posting
	tenant := to.TenantID
	if from.ID != "" {
		tenant = from.TenantID
		ps = append(ps, sg.Posting{Account: acct(from), Bucket: sg.Available, Delta: -amount, Shards: from.Shards()})
	} else {
		ps = append(ps, sg.Posting{Account: faucet(), Bucket: sg.Available, Delta: -amount})
	}
	ps = append(ps, sg.Posting{Account: acct(to), Bucket: sg.Available, Delta: amount, Shards: to.Shards()})
	tr := transfer(tenant, "h-"+randHex(6), typ, sg.StatePosted, ps...)
	tr.CreatedAt, tr.UpdatedAt = at, at
	tr.FromWallet, tr.ToWallet = from.ID, to.ID
	return tr
}

var historyCases = []Case{
	{"History/a wallet's transfers from and to it, newest first, a page at a time", func(t *testing.T, st Store) {
		tn := tenant()
		a, b := newWallet(t, st, tn, false), newWallet(t, st, tn, false)
		base := now().Add(-time.Hour)
		d1 := dated(sg.Wallet{}, a, sg.TransferDeposit, base, 100)
		d2 := dated(sg.Wallet{}, a, sg.TransferDeposit, base.Add(time.Second), 100)
		in := dated(a, b, sg.TransferInternal, base.Add(2*time.Second), 30)
		d3 := dated(sg.Wallet{}, b, sg.TransferDeposit, base.Add(3*time.Second), 5)
		for _, tr := range []sg.Transfer{d1, d2, in, d3} {
			must(t, "ApplyTransfer", st.ApplyTransfer(ctx, tr))
		}
		project(t, st, d1, d2, in, d3)

		page1, next := history(t, st, tn, a.ID, sg.HistoryFilter{}, 2, "")
		if !slices.Equal(page1, []string{in.ID, d2.ID}) || next == "" {
			t.Fatalf("first page = %v, cursor %q; want [internal, second deposit] and a cursor", page1, next)
		}
		page2, end := history(t, st, tn, a.ID, sg.HistoryFilter{}, 2, next)
		if !slices.Equal(page2, []string{d1.ID}) || end != "" {
			t.Fatalf("second page = %v, cursor %q; want [first deposit] and no cursor", page2, end)
		}
		if got, _ := history(t, st, tn, b.ID, sg.HistoryFilter{}, 10, ""); !slices.Equal(got, []string{d3.ID, in.ID}) {
			t.Fatalf("the other wallet's history = %v; want [its deposit, the internal transfer]", got)
		}
		if got, _ := history(t, st, tenant(), a.ID, sg.HistoryFilter{}, 10, ""); len(got) != 0 {
			t.Fatalf("another tenant reads %v", got)
		}
	}},
	{"History/filters: type, state, chain, and a time range from inclusive to exclusive", func(t *testing.T, st Store) {
		tn := tenant()
		a, b := newWallet(t, st, tn, false), newWallet(t, st, tn, false)
		base := now().Add(-time.Hour)
		d1 := dated(sg.Wallet{}, a, sg.TransferDeposit, base, 100)
		d2 := dated(sg.Wallet{}, a, sg.TransferDeposit, base.Add(time.Second), 100)
		in := dated(a, b, sg.TransferInternal, base.Add(2*time.Second), 30)
		for _, tr := range []sg.Transfer{d1, d2, in} {
			must(t, "ApplyTransfer", st.ApplyTransfer(ctx, tr))
		}
		project(t, st, d1, d2, in)
		for _, c := range []struct {
			name string
			f    sg.HistoryFilter
			want []string
		}{
			{"deposits", sg.HistoryFilter{Type: sg.TransferDeposit}, []string{d2.ID, d1.ID}},
			{"internal", sg.HistoryFilter{Type: sg.TransferInternal}, []string{in.ID}},
			{"pending", sg.HistoryFilter{State: sg.StatePending}, []string{}},
			{"on Tron", sg.HistoryFilter{Chain: sg.Tron}, []string{}},
			{"on Ethereum", sg.HistoryFilter{Chain: sg.Ethereum}, []string{in.ID, d2.ID, d1.ID}},
			{"from the second", sg.HistoryFilter{From: d2.CreatedAt}, []string{in.ID, d2.ID}},
			{"to the second", sg.HistoryFilter{To: d2.CreatedAt}, []string{d1.ID}},
			{"between", sg.HistoryFilter{From: d1.CreatedAt, To: in.CreatedAt}, []string{d2.ID, d1.ID}},
			{"deposits, paged", sg.HistoryFilter{Type: sg.TransferDeposit}, nil},
		} {
			if c.want == nil {
				p1, next := history(t, st, tn, a.ID, c.f, 1, "")
				p2, end := history(t, st, tn, a.ID, c.f, 1, next)
				if !slices.Equal(p1, []string{d2.ID}) || !slices.Equal(p2, []string{d1.ID}) || next == "" {
					t.Fatalf("%s: %v then %v (cursor %q, then %q)", c.name, p1, p2, next, end)
				}
				continue
			}
			if got, _ := history(t, st, tn, a.ID, c.f, 10, ""); !slices.Equal(got, c.want) {
				t.Fatalf("%s: %v; want %v", c.name, got, c.want)
			}
		}
	}},
	{"History/a line follows its transfer's moves", func(t *testing.T, st Store) {
		tn := tenant()
		w := newWallet(t, st, tn, false)
		fund(t, st, w, sg.Available, 50)
		tr := hold(w, "h", 20)
		must(t, "ApplyTransfer", st.ApplyTransfer(ctx, tr))
		project(t, st, tr)
		must(t, "cancel", st.Transition(ctx, tn, tr.ID, move(tr, sg.StatePending, sg.StateCancelled, void(w, 20))))
		project(t, st, tr)
		ts, _, err := st.History(ctx, tn, w.ID, sg.HistoryFilter{Type: sg.TransferWithdrawal}, sg.Page{Limit: 10})
		must(t, "History", err)
		if len(ts) != 1 || ts[0].ID != tr.ID || ts[0].State != sg.StateCancelled || ts[0].Amount != 20 || ts[0].FromWallet != w.ID {
			t.Fatalf("history = %+v; want %s cancelled", ts, tr.ID)
		}
	}},
	{"History/a cursor that is not the store's is refused", func(t *testing.T, st Store) {
		tn := tenant()
		w := newWallet(t, st, tn, false)
		for _, c := range []string{"!!", base64.RawURLEncoding.EncodeToString([]byte("abc")),
			base64.RawURLEncoding.EncodeToString([]byte("000000000000000x#txn_1")),
			base64.RawURLEncoding.EncodeToString([]byte("0000000000000001#wal_1"))} {
			_, _, err := st.History(ctx, tn, w.ID, sg.HistoryFilter{}, sg.Page{Limit: 10, Cursor: c})
			wantErr(t, "History with cursor "+c, err, sg.ErrInvalidCursor)
		}
	}},
}
