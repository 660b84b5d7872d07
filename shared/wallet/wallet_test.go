package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The wallet service's package tests run over the in-memory twin
// (shared/memstore), held to the DynamoDB adapter by shared/storetest.

var bg = context.Background()

// indexDeriver gives index i the address 0x…i on every chain (a stand-in
// for the HD deriver: the service only needs distinct addresses per index).
type indexDeriver struct{ fail bool }

func (d indexDeriver) DepositAddress(c sg.Chain, index uint32) (sg.DepositAddress, error) {
	if d.fail {
		return sg.DepositAddress{}, errors.New("no xpub")
	}
	return sg.DepositAddress{Chain: c, Asset: sg.USDT, Address: fmt.Sprintf("%s-%040d", c, index), Scheme: sg.SchemeBIP32,
		Path: fmt.Sprintf("m/44'/60'/0'/0/%d", index)}, nil
}

func newService() (*Service, *memstore.Store) {
	st := memstore.New()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &Service{Store: st, Idem: st, Balances: st, Deriver: indexDeriver{}, Freezes: st, Now: func() time.Time { return now }}, st
}

// render is the response a create stores and replays: the wallet as JSON.
func render(w sg.Wallet) (int, []byte, error) {
	b, err := json.Marshal(map[string]any{"id": w.ID, "frozen": w.Frozen, "addresses": len(w.Addresses)})
	return 201, b, err
}

func decode(t *testing.T, body []byte) (id string, frozen bool) {
	t.Helper()
	var v struct {
		ID     string `json:"id"`
		Frozen bool   `json:"frozen"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	return v.ID, v.Frozen
}

func TestCreateOncePerKey(t *testing.T) {
	s, st := newService()
	in := CreateInput{CustomerRef: "cust-1", Label: "main", Metadata: map[string]string{"tier": "gold"}}
	r, err := s.Create(bg, "acme", Idem{Key: "k", Hash: "h"}, in, render)
	if err != nil || r.Status != 201 || r.Replayed {
		t.Fatalf("Create = %+v, %v", r, err)
	}
	id, _ := decode(t, r.Body)
	w, err := s.Get(bg, "acme", id)
	if err != nil || w.CustomerRef != "cust-1" || w.Label != "main" || w.Metadata["tier"] != "gold" || len(w.Addresses) != len(sg.Chains) {
		t.Fatalf("Get = %+v, %v", w, err)
	}
	for _, a := range w.Addresses {
		if own, _ := st.OwnAddress(bg, a.Chain, a.Address); !own {
			t.Fatalf("%s is not claimed as the deployment's own", a.Address)
		}
	}
	again, err := s.Create(bg, "acme", Idem{Key: "k", Hash: "h"}, in, render)
	if err != nil || !again.Replayed || string(again.Body) != string(r.Body) || again.Status != 201 {
		t.Fatalf("retry = %+v, %v; want the first answer replayed", again, err)
	}
	_, err = s.Create(bg, "acme", Idem{Key: "k", Hash: "other"}, in, render)
	if !errors.Is(err, sg.ErrIdempotencyKeyReused) {
		t.Fatalf("key reuse = %v", err)
	}
	// The same key under another tenant is another request.
	if r, err := s.Create(bg, "globex", Idem{Key: "k", Hash: "other"}, in, render); err != nil || r.Replayed {
		t.Fatalf("another tenant's key = %+v, %v", r, err)
	}
	second, err := s.Create(bg, "acme", Idem{Key: "k2", Hash: "h"}, in, render)
	if err != nil {
		t.Fatal(err)
	}
	id2, _ := decode(t, second.Body)
	w2, _ := s.Get(bg, "acme", id2)
	if w2.Index == w.Index || w2.Addresses[0].Address == w.Addresses[0].Address {
		t.Fatalf("two wallets share index %d or address %s", w.Index, w.Addresses[0].Address)
	}
}

// racingIdem misses the first read of a key, as a request does that reads
// just before a concurrent one with the same key writes.
type racingIdem struct {
	*memstore.Store
	missed bool
}

func (r *racingIdem) Idempotency(ctx context.Context, tenant, op, key string) (sg.Idempotency, error) {
	if !r.missed {
		r.missed = true
		return sg.Idempotency{}, sg.ErrNotFound
	}
	return r.Store.Idempotency(ctx, tenant, op, key)
}

func TestCreateLosingTheRaceAnswersAsTheWinner(t *testing.T) {
	s, st := newService()
	first, err := s.Create(bg, "acme", Idem{Key: "k", Hash: "h"}, CreateInput{CustomerRef: "c"}, render)
	if err != nil {
		t.Fatal(err)
	}
	s.Idem = &racingIdem{Store: st}
	r, err := s.Create(bg, "acme", Idem{Key: "k", Hash: "h"}, CreateInput{CustomerRef: "c"}, render)
	if err != nil || !r.Replayed || string(r.Body) != string(first.Body) {
		t.Fatalf("loser = %+v, %v; want the winner's answer", r, err)
	}
	ws, _, _ := s.List(bg, "acme", sg.Page{Limit: 10})
	if len(ws) != 1 {
		t.Fatalf("%d wallets; want 1", len(ws))
	}
}

func TestCreateFaults(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Service)
		render Render
	}{
		{"the deriver fails", func(s *Service) { s.Deriver = indexDeriver{fail: true} }, render},
		{"rendering fails", func(*Service) {}, func(sg.Wallet) (int, []byte, error) { return 0, nil, errors.New("boom") }},
		{"no freeze reader", func(s *Service) { s.Freezes = nil }, render},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newService()
			c.change(s)
			_, err := s.Create(bg, "acme", Idem{Key: "k", Hash: "h"}, CreateInput{CustomerRef: "c"}, c.render)
			if sg.KindOf(err) != sg.KindInternal {
				t.Fatalf("Create = %v; want an internal error", err)
			}
			ws, _, _ := memstoreOf(s).Wallets(bg, "acme", sg.Page{})
			if len(ws) != 0 {
				t.Fatalf("%d wallets written", len(ws))
			}
		})
	}
}

func memstoreOf(s *Service) *memstore.Store { return s.Store.(*memstore.Store) }

// What the API shows is what the ledger enforces: a wallet is frozen while
// any freeze in force covers it.
func TestWalletsShowTheFreezesOverThem(t *testing.T) {
	s, st := newService()
	var ids []string
	for i := 0; i < 3; i++ {
		r, err := s.Create(bg, "acme", Idem{Key: fmt.Sprint(i), Hash: "h"}, CreateInput{CustomerRef: "c"}, render)
		if err != nil {
			t.Fatal(err)
		}
		id, frozen := decode(t, r.Body)
		if frozen {
			t.Fatal("a new wallet with no freeze shows frozen")
		}
		ids = append(ids, id)
	}
	put := func(f sg.Freeze) {
		t.Helper()
		if err := st.PutFreeze(bg, f, "acme", sg.JournalEntry{At: time.Now(), Actor: "ops", Action: "freeze"}); err != nil {
			t.Fatal(err)
		}
	}
	put(sg.Freeze{ID: "f1", Scope: sg.FreezeWallet, TenantID: "acme", WalletID: ids[0], Required: 1})
	if w, err := s.Get(bg, "acme", ids[0]); err != nil || !w.Frozen {
		t.Fatalf("Get(frozen wallet) = %v, %v", w.Frozen, err)
	}
	if w, err := s.Get(bg, "acme", ids[1]); err != nil || w.Frozen {
		t.Fatalf("Get(another wallet) = %v, %v", w.Frozen, err)
	}
	ws, _, err := s.List(bg, "acme", sg.Page{Limit: 10})
	if err != nil || len(ws) != 3 {
		t.Fatalf("List = %d, %v", len(ws), err)
	}
	for _, w := range ws {
		if w.Frozen != (w.ID == ids[0]) {
			t.Fatalf("List shows %s frozen=%v", w.ID, w.Frozen)
		}
	}
	put(sg.Freeze{ID: "f2", Scope: sg.FreezeTenant, TenantID: "acme", Required: 1})
	r, err := s.Create(bg, "acme", Idem{Key: "new", Hash: "h"}, CreateInput{CustomerRef: "c"}, render)
	if err != nil {
		t.Fatal(err)
	}
	if _, frozen := decode(t, r.Body); !frozen {
		t.Fatal("a wallet made under the tenant's freeze shows unfrozen")
	}
	ws, _, _ = s.List(bg, "acme", sg.Page{Limit: 10})
	for _, w := range ws {
		if !w.Frozen {
			t.Fatalf("%s shows unfrozen under the tenant's freeze", w.ID)
		}
	}
	if ws, _, err := s.List(bg, "globex", sg.Page{Limit: 10}); err != nil || len(ws) != 0 {
		t.Fatalf("another tenant's list = %v, %v", ws, err)
	}
}

func TestGetAndBalancesAreTheTenantsOwn(t *testing.T) {
	s, st := newService()
	r, err := s.Create(bg, "acme", Idem{Key: "k", Hash: "h"}, CreateInput{CustomerRef: "c"}, render)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := decode(t, r.Body)
	cases := []struct {
		name, tenant, id string
	}{
		{"not a wallet id", "acme", "wal_nonsense"},
		{"no such wallet", "acme", sg.NewID("wal", time.Now())},
		{"another tenant's wallet", "globex", id},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := s.Get(bg, c.tenant, c.id); !errors.Is(err, sg.ErrNotFound) {
				t.Fatalf("Get = %v; want not found", err)
			}
			if _, _, err := s.BalancesOf(bg, c.tenant, c.id); !errors.Is(err, sg.ErrNotFound) {
				t.Fatalf("BalancesOf = %v; want not found", err)
			}
		})
	}
	_, bs, err := s.BalancesOf(bg, "acme", id)
	if err != nil || len(bs) != len(sg.Chains) {
		t.Fatalf("BalancesOf = %+v, %v", bs, err)
	}
	for _, b := range bs {
		if b.Available != 0 || b.Pending != 0 || b.Held != 0 {
			t.Fatalf("a new wallet's balance %+v", b)
		}
	}
	credit := sg.Transfer{ID: sg.NewKeyedID("txn", time.Now(), "acme", "test", "c1"), TenantID: "acme", Type: sg.TransferDeposit, State: sg.StatePosted,
		Chain: sg.Tron, Asset: sg.USDT, Amount: 7, CreatedAt: time.Now(), UpdatedAt: time.Now(), Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysDevFaucet, sg.Tron, sg.USDT), Bucket: sg.Available, Delta: -7},
			{Account: sg.WalletAccount("acme", id, sg.Tron, sg.USDT), Bucket: sg.Available, Delta: 7},
		}}}
	if err := st.ApplyTransfer(bg, credit); err != nil {
		t.Fatal(err)
	}
	_, bs, _ = s.BalancesOf(bg, "acme", id)
	for _, b := range bs {
		if want := map[sg.Chain]sg.Amount{sg.Tron: 7}[b.Chain]; b.Available != want {
			t.Fatalf("%s balance %d; want %d", b.Chain, b.Available, want)
		}
	}
}
