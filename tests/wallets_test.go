package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type walletJSON struct {
	ID          string            `json:"id"`
	CustomerRef string            `json:"customer_ref"`
	Label       string            `json:"label"`
	Metadata    map[string]string `json:"metadata"`
	Addresses   []struct {
		Chain, Asset, Address string
		Path                  string `json:"derivation_path"`
		Scheme                string `json:"scheme"`
	} `json:"addresses"`
}

// The README's quickstart: create, fetch, list, read balances.
func TestQuickstartFlow(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	r := e.do(t, "POST", "/v1/wallets", tok, idem(), []byte(`{"customer_ref":"cust_1042","label":"Alice","metadata":{"tier":"gold"}}`))
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var w walletJSON
	r.json(t, &w)
	if len(w.Addresses) != 2 || w.Metadata["tier"] != "gold" || w.CustomerRef != "cust_1042" {
		t.Fatalf("unexpected wallet: %s", r.body)
	}
	for _, a := range w.Addresses {
		if _, err := address.Parse(sg.Chain(a.Chain), a.Address); err != nil {
			t.Errorf("%s address %s invalid: %v", a.Chain, a.Address, err)
		}
	}
	g := e.do(t, "GET", "/v1/wallets/"+w.ID, tok, nil, nil)
	if g.status != 200 || trimSpace(g.body) != trimSpace(r.body) {
		t.Fatalf("get: %d %s\nwant %s", g.status, g.body, r.body)
	}
	l := e.do(t, "GET", "/v1/wallets", tok, nil, nil)
	var list struct {
		Data []walletJSON `json:"data"`
	}
	l.json(t, &list)
	if l.status != 200 || len(list.Data) != 1 || list.Data[0].ID != w.ID {
		t.Fatalf("list: %d %s", l.status, l.body)
	}
	b := e.do(t, "GET", "/v1/wallets/"+w.ID+"/balances", tok, nil, nil)
	var bal struct {
		WalletID string `json:"wallet_id"`
		Balances []struct{ Chain, Asset, Available, Pending, Held string }
	}
	b.json(t, &bal)
	if b.status != 200 || bal.WalletID != w.ID || len(bal.Balances) != 2 {
		t.Fatalf("balances: %d %s", b.status, b.body)
	}
	for _, x := range bal.Balances {
		if x.Available != "0.000000" || x.Pending != "0.000000" || x.Held != "0.000000" || x.Asset != "USDT" {
			t.Errorf("new wallet balance not zero: %+v", x)
		}
	}
}

func TestIdempotentCreate(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	h := idem()
	first := e.do(t, "POST", "/v1/wallets", tok, h, []byte(`{"customer_ref":"c-1","label":"x"}`))
	if first.status != 201 || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v %s", first.status, first.header, first.body)
	}
	t.Run("replay with the same body (other spacing and order) returns the first answer", func(t *testing.T) {
		again := e.do(t, "POST", "/v1/wallets", tok, h, []byte(`{ "label": "x", "customer_ref": "c-1" }`))
		if again.status != 201 || string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s", again.status, again.body)
		}
	})
	t.Run("same key with another body is refused", func(t *testing.T) {
		before := e.footprint(t, ten)
		other := e.do(t, "POST", "/v1/wallets", tok, h, []byte(`{"customer_ref":"c-2","label":"x"}`))
		if other.status != 409 || other.errCode() != "idempotency_key_reused" || other.errParam() != "Idempotency-Key" {
			t.Fatalf("reuse: %d %s", other.status, other.body)
		}
		if after := e.footprint(t, ten); after != before {
			t.Fatalf("refused request wrote: %s -> %s", before, after)
		}
	})
	t.Run("another tenant's identical key is independent", func(t *testing.T) {
		r := e.do(t, "POST", "/v1/wallets", e.token(t, tenant()), h, []byte(`{"customer_ref":"c-1","label":"x"}`))
		if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" || string(r.body) == string(first.body) {
			t.Fatalf("cross-tenant key: %d %s", r.status, r.body)
		}
	})
	t.Run("concurrent requests with one key create one wallet", func(t *testing.T) {
		ten2 := tenant()
		tok2 := e.token(t, ten2)
		h2 := idem()
		ids := make(chan string, 16)
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do(t, "POST", "/v1/wallets", tok2, h2, createBody("same"))
				if r.status == 201 {
					var w walletJSON
					if err := json.Unmarshal(r.body, &w); err != nil {
						t.Errorf("created: %s: %v", r.body, err)
						return
					}
					ids <- w.ID
				} else if r.errCode() != "idempotency_in_progress" {
					t.Errorf("concurrent same key: %d %s", r.status, r.body)
				}
			}()
		}
		wg.Wait()
		close(ids)
		seen := map[string]bool{}
		for id := range ids {
			seen[id] = true
		}
		if len(seen) != 1 {
			t.Fatalf("one key made %d wallets", len(seen))
		}
		l := e.do(t, "GET", "/v1/wallets", tok2, nil, nil)
		var list struct{ Data []walletJSON }
		l.json(t, &list)
		if len(list.Data) != 1 {
			t.Fatalf("tenant has %d wallets", len(list.Data))
		}
	})
}

// 1,000 wallets created concurrently get 1,000 distinct, valid addresses per chain.
func TestConcurrentWalletsGetDistinctAddresses(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	const n, workers = 1000, 32
	type res struct{ eth, tron string }
	out := make(chan res, n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := e.do(t, "POST", "/v1/wallets", tok, idem(), createBody(fmt.Sprintf("cust-%d", i)))
				if r.status != 201 {
					t.Errorf("create %d: %d %s", i, r.status, r.body)
					continue
				}
				var w walletJSON
				r.json(t, &w)
				var x res
				for _, a := range w.Addresses {
					if a.Chain == "ethereum" {
						x.eth = a.Address
					} else {
						x.tron = a.Address
					}
				}
				out <- x
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(out)
	eth, tron := map[string]bool{}, map[string]bool{}
	for x := range out {
		if _, err := address.Parse(sg.Ethereum, x.eth); err != nil {
			t.Errorf("bad ethereum address %s", x.eth)
		}
		if _, err := address.Parse(sg.Tron, x.tron); err != nil {
			t.Errorf("bad tron address %s", x.tron)
		}
		eth[x.eth], tron[x.tron] = true, true
	}
	if len(eth) != n || len(tron) != n {
		t.Fatalf("distinct addresses: ethereum %d, tron %d; want %d each", len(eth), len(tron), n)
	}
}

func TestPaginationNewestFirst(t *testing.T) {
	e := stack(t)
	tok := e.token(t, tenant())
	var made []string
	for i := 0; i < 5; i++ {
		r := e.do(t, "POST", "/v1/wallets", tok, idem(), createBody(fmt.Sprint(i)))
		var w walletJSON
		r.json(t, &w)
		made = append([]string{w.ID}, made...)
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		path := "/v1/wallets?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		r := e.do(t, "GET", path, tok, nil, nil)
		var l struct {
			Data       []walletJSON `json:"data"`
			HasMore    bool         `json:"has_more"`
			NextCursor *string      `json:"next_cursor"`
		}
		r.json(t, &l)
		for _, w := range l.Data {
			got = append(got, w.ID)
		}
		if !l.HasMore {
			break
		}
		cursor = *l.NextCursor
	}
	if strings.Join(got, ",") != strings.Join(made, ",") {
		t.Fatalf("pages gave %v; want newest first %v", got, made)
	}
}
