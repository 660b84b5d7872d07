package storetest

import (
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// walletCases: wallets, idempotency records, balances and own addresses.
var walletCases = []Case{
	{"Wallets/created once per key, read by their tenant only, listed newest first", func(t *testing.T, st Store) {
		ten := tenant()
		w := newWallet(t, st, ten, false)
		got, err := st.Wallet(ctx, ten, w.ID)
		must(t, "Wallet", err)
		if got.ID != w.ID || got.TenantID != ten || got.CustomerRef != w.CustomerRef || got.Index != w.Index || len(got.Addresses) != 1 ||
			got.Addresses[0] != w.Addresses[0] || !got.CreatedAt.Equal(w.CreatedAt) || got.Frozen || got.HighVolume || got.CreatedBy != w.CreatedBy {
			t.Fatalf("read back %+v; wrote %+v", got, w)
		}
		_, err = st.Wallet(ctx, tenant(), w.ID)
		wantErr(t, "Wallet(another tenant)", err, sg.ErrNotFound)

		idx, err := st.NextIndex(ctx)
		must(t, "NextIndex", err)
		if idx == w.Index {
			t.Fatalf("NextIndex gave %d twice", idx)
		}
		idem := sg.Idempotency{TenantID: ten, Operation: "wallets.create", Key: "same", RequestHash: "h", Status: 201, Response: []byte(`{"id":1}`)}
		second := sg.Wallet{ID: sg.NewID("wal", time.Now().Add(time.Millisecond)), TenantID: ten, CustomerRef: "c2", Index: idx, CreatedAt: now(),
			Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: ethAddress()}}}
		must(t, "CreateWallet", st.CreateWallet(ctx, second, idem))
		third := second
		third.ID, third.Addresses = sg.NewID("wal", time.Now().Add(2*time.Millisecond)), []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: ethAddress()}}
		wantErr(t, "CreateWallet(the key again)", st.CreateWallet(ctx, third, idem), sg.ErrIdempotencyInProgress)
		_, err = st.Wallet(ctx, ten, third.ID)
		wantErr(t, "Wallet(refused)", err, sg.ErrNotFound)

		r, err := st.Idempotency(ctx, ten, "wallets.create", "same")
		must(t, "Idempotency", err)
		if r.RequestHash != "h" || r.Status != 201 || string(r.Response) != `{"id":1}` {
			t.Fatalf("idempotency record %+v", r)
		}
		_, err = st.Idempotency(ctx, ten, "wallets.create", "other")
		wantErr(t, "Idempotency(unknown key)", err, sg.ErrNotFound)

		ws, next, err := st.Wallets(ctx, ten, sg.Page{Limit: 1})
		must(t, "Wallets", err)
		if len(ws) != 1 || ws[0].ID != second.ID || next == "" {
			t.Fatalf("first page %v, next %q; want the newest wallet and a cursor", ws, next)
		}
		ws, next, err = st.Wallets(ctx, ten, sg.Page{Limit: 1, Cursor: next})
		must(t, "Wallets(page 2)", err)
		if len(ws) != 1 || ws[0].ID != w.ID {
			t.Fatalf("second page %v; want the first wallet", ws)
		}
		if next != "" {
			if ws, _, err = st.Wallets(ctx, ten, sg.Page{Limit: 1, Cursor: next}); err != nil || len(ws) != 0 {
				t.Fatalf("third page %v, %v; want none", ws, err)
			}
		}
	}},
	{"Wallets/read several at once; unknown ids and other tenants' wallets are absent", func(t *testing.T, st Store) {
		ten := tenant()
		a, b := newWallet(t, st, ten, false), newWallet(t, st, ten, true)
		stranger := newWallet(t, st, tenant(), false)
		ws, err := st.WalletsByID(ctx, ten, a.ID, b.ID, stranger.ID, sg.NewID("wal", time.Now()), "not-an-id")
		must(t, "WalletsByID", err)
		if len(ws) != 2 || ws[a.ID].ID != a.ID || !ws[b.ID].HighVolume || ws[b.ID].Shards() != sg.HighVolumeShards {
			t.Fatalf("WalletsByID = %v; want a and b (b high-volume)", ws)
		}
		ws, frozen, err := st.WalletsUnderFreeze(ctx, ten, a.ID, stranger.ID)
		must(t, "WalletsUnderFreeze", err)
		if len(ws) != 1 || len(frozen) != 0 {
			t.Fatalf("WalletsUnderFreeze = %v, %v; want a alone, no freeze", ws, frozen)
		}
	}},
	{"Idempotency/a first answer is recorded once", func(t *testing.T, st Store) {
		ten := tenant()
		r := sg.Idempotency{TenantID: ten, Operation: "batch", Key: "k", RequestHash: "h1", Status: 200}
		must(t, "PutIdempotency", st.PutIdempotency(ctx, r))
		r2 := r
		r2.RequestHash = "h2"
		wantErr(t, "PutIdempotency(again)", st.PutIdempotency(ctx, r2), sg.ErrIdempotencyInProgress)
		got, err := st.Idempotency(ctx, ten, "batch", "k")
		must(t, "Idempotency", err)
		if got.RequestHash != "h1" || got.Status != 200 || len(got.Response) != 0 {
			t.Fatalf("record %+v; want the first", got)
		}
	}},
	{"Balances/one per deposit address, zero where nothing moved", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		bs, err := st.Balances(ctx, w)
		must(t, "Balances(new)", err)
		if len(bs) != 1 || bs[0] != (sg.Balance{Chain: sg.Ethereum, Asset: sg.USDT}) {
			t.Fatalf("balances of a new wallet %+v", bs)
		}
		fund(t, st, w, sg.Available, 9)
		fund(t, st, w, sg.Pending, 4)
		bs, err = st.Balances(ctx, w)
		must(t, "Balances", err)
		if len(bs) != 1 || bs[0].Available != 9 || bs[0].Pending != 4 || bs[0].Held != 0 {
			t.Fatalf("balances %+v; want 9 available, 4 pending", bs)
		}
	}},
	{"OwnAddress/deposit addresses and registered ones, in any case, per chain", func(t *testing.T, st Store) {
		w := newWallet(t, st, tenant(), false)
		dep := w.Addresses[0].Address
		hot := ethAddress()
		must(t, "RegisterOwn", st.RegisterOwn(ctx, sg.Ethereum, hot, "hot"))
		cases := []struct {
			name  string
			chain sg.Chain
			addr  string
			want  bool
		}{
			{"a deposit address", sg.Ethereum, dep, true},
			{"a deposit address in upper case", sg.Ethereum, "0x" + strings.ToUpper(dep[2:]), true},
			{"a registered hot address", sg.Ethereum, hot, true},
			{"the same address on another chain", sg.Tron, hot, false},
			{"an outside address", sg.Ethereum, ethAddress(), false},
		}
		for _, c := range cases {
			got, err := st.OwnAddress(ctx, c.chain, c.addr)
			must(t, "OwnAddress("+c.name+")", err)
			if got != c.want {
				t.Errorf("OwnAddress(%s) = %v; want %v", c.name, got, c.want)
			}
		}
	}},
}
