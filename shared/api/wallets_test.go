package api

import (
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func TestWalletCreateAnswersOncePerKey(t *testing.T) {
	e := newEnv(t)
	body := `{"customer_ref":"cust-1","label":"main","metadata":{"tier":"gold"}}`
	first := e.do("wallets-create", e.wallets.Create, call{key: "k-wallet-1", body: body})
	first.wantOK(t, 201)
	if first.headers["idempotent-replayed"] != "" {
		t.Fatalf("first answer marked as a replay: %v", first.headers)
	}
	var w WalletView
	first.decode(t, &w)
	if !sg.ValidID("wal", w.ID) || w.Object != "wallet" || w.CustomerRef != "cust-1" || w.Label != "main" || w.Metadata["tier"] != "gold" ||
		w.Frozen || w.HighVolume || w.CreatedAt == "" || len(w.Addresses) != len(sg.Chains) {
		t.Fatalf("wallet %+v", w)
	}
	for _, a := range w.Addresses {
		if a.Asset != sg.USDT || a.Address == "" || a.DerivationPath == "" {
			t.Fatalf("address %+v", a)
		}
	}

	// The same request again (fields in another order): the first answer.
	again := e.do("wallets-create", e.wallets.Create, call{key: "k-wallet-1", body: `{"metadata":{"tier":"gold"},"label":"main","customer_ref":"cust-1"}`})
	again.wantOK(t, 201)
	if again.headers["idempotent-replayed"] != "true" || again.body != first.body {
		t.Fatalf("replay %v %s; want the first answer %s marked replayed", again.headers, again.body, first.body)
	}

	// The key with another body is refused, and makes no wallet.
	e.do("wallets-create", e.wallets.Create, call{key: "k-wallet-1", body: `{"customer_ref":"cust-2"}`}).
		wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")
	list := e.do("wallets-list", e.wallets.List, call{})
	list.wantOK(t, 200)
	var l List[WalletView]
	list.decode(t, &l)
	if len(l.Data) != 1 || l.Data[0].ID != w.ID || l.Object != "list" || l.HasMore || l.NextCursor != nil {
		t.Fatalf("list %+v; want only %s", l, w.ID)
	}

	// The same key under another tenant is another request.
	other := e.do("wallets-create", e.wallets.Create, call{tenant: "globex", key: "k-wallet-1", body: body})
	other.wantOK(t, 201)
	if other.headers["idempotent-replayed"] != "" || other.body == first.body {
		t.Fatalf("another tenant's create was answered with acme's: %s", other.body)
	}
}

func TestWalletCreateRefusals(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name        string
		c           call
		status      int
		code, param string
	}{
		{"unknown field", call{key: "k1", body: `{"customer_ref":"c","colour":"red"}`}, 400, "unknown_field", "colour"},
		{"customer_ref missing", call{key: "k2", body: `{"label":"x"}`}, 400, "validation_failed", "customer_ref"},
		{"no Idempotency-Key", call{body: `{"customer_ref":"c"}`}, 400, "idempotency_key_missing", "Idempotency-Key"},
		{"no claims", call{key: "k3", body: `{"customer_ref":"c"}`, noClaim: true}, 401, "unauthenticated", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("wallets-create", e.wallets.Create, c.c)
			var eb errorBody
			r.decode(t, &eb)
			if r.status != c.status || eb.Error.Code != c.code || eb.Error.Param != c.param {
				t.Fatalf("got %d %s (param %q); want %d %s (param %q)", r.status, eb.Error.Code, eb.Error.Param, c.status, c.code, c.param)
			}
		})
	}
	var l List[WalletView]
	e.do("wallets-list", e.wallets.List, call{}).decode(t, &l)
	if len(l.Data) != 0 {
		t.Fatalf("a refused create made wallets: %+v", l.Data)
	}
}

func TestWalletReadsAreTheTenants(t *testing.T) {
	e := newEnv(t)
	w := e.wallet("acme", "a1")
	e.fund("acme", w.ID, 5_000_000)
	path := map[string]string{"wallet_id": w.ID}

	got := e.do("wallets-get", e.wallets.Get, call{path: path})
	got.wantOK(t, 200)
	var v WalletView
	got.decode(t, &v)
	if v.ID != w.ID || v.CustomerRef != "a1" {
		t.Fatalf("get %+v", v)
	}
	if b := e.balance("acme", w.ID); b.Available != "5.000000" || b.Held != "0.000000" {
		t.Fatalf("balance %+v", b)
	}

	// Another tenant sees no such wallet, whatever the route.
	for name, h := range map[string]func() reply{
		"get":      func() reply { return e.do("wallets-get", e.wallets.Get, call{tenant: "globex", path: path}) },
		"balances": func() reply { return e.do("wallets-balances", e.wallets.Balances, call{tenant: "globex", path: path}) },
		"history":  func() reply { return e.do("wallets-transfers", e.history.List, call{tenant: "globex", path: path}) },
	} {
		t.Run(name, func(t *testing.T) {
			r := h()
			var eb errorBody
			r.decode(t, &eb)
			if r.status != 404 || eb.Error.Code != "not_found" {
				t.Fatalf("another tenant's wallet: %d %s", r.status, r.body)
			}
		})
	}
	e.do("wallets-get", e.wallets.Get, call{path: map[string]string{"wallet_id": "wal_nope"}}).wantError(t, 404, "not_found", "wallet_id")
}

func TestWalletListPages(t *testing.T) {
	e := newEnv(t)
	made := map[string]bool{}
	for _, ref := range []string{"a", "b", "c"} {
		made[e.wallet("acme", ref).ID] = true
	}
	e.wallet("globex", "z")
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		q := map[string]string{"limit": "2"}
		if cursor != "" {
			q["cursor"] = cursor
		}
		r := e.do("wallets-list", e.wallets.List, call{query: q})
		r.wantOK(t, 200)
		var l List[WalletView]
		r.decode(t, &l)
		if len(l.Data) > 2 || l.HasMore != (l.NextCursor != nil) {
			t.Fatalf("page %+v", l)
		}
		for _, w := range l.Data {
			seen[w.ID] = true
		}
		if l.NextCursor == nil {
			break
		}
		cursor = *l.NextCursor
	}
	if len(seen) != 3 {
		t.Fatalf("listed %v; want the tenant's 3 wallets %v", seen, made)
	}
	for id := range seen {
		if !made[id] {
			t.Fatalf("listed %s, not acme's", id)
		}
	}
	for _, limit := range []string{"0", "101", "ten"} {
		e.do("wallets-list", e.wallets.List, call{query: map[string]string{"limit": limit}}).wantError(t, 400, "validation_failed", "limit")
	}
}
