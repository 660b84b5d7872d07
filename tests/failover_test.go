package tests

// ---- ops: chain provider failover ----

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// setFault tells one of the local stack's fault proxies (the first provider
// of a chain, in front of its node) to fail ("down") or pass ("up").
func setFault(t *testing.T, envVar, mode string) {
	t.Helper()
	u := os.Getenv(envVar)
	if u == "" {
		t.Skipf("%s not set: the stack was started without fault proxies", envVar)
	}
	resp, err := http.Post(u, "text/plain", strings.NewReader(mode))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("fault proxy %s: HTTP %d", mode, resp.StatusCode)
	}
}

// breakerEvents reads the BreakerOpen metrics (EMF lines) the functions
// wrote to the local stack's function log for chain's provider, in order,
// from byte offset from on; and the log's size.
func breakerEvents(t *testing.T, chain, provider string, from int64) ([]int, int64) {
	t.Helper()
	f, err := os.Open(filepath.Join(os.Getenv("STABLEGATE_STATE"), "logs", "functions.log"))
	if err != nil {
		t.Skipf("no function log to read metrics from (run the stack with sgdev run): %v", err)
	}
	defer func() { _ = f.Close() }() // read only
	st, _ := f.Stat()
	if _, err := f.Seek(from, 0); err != nil {
		t.Fatal(err)
	}
	var vals []int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !strings.Contains(string(line), `"BreakerOpen"`) {
			continue
		}
		var m struct {
			Chain, Provider string
			BreakerOpen     *int
			AWS             json.RawMessage `json:"_aws"`
		}
		if json.Unmarshal(line, &m) != nil || m.BreakerOpen == nil || m.AWS == nil || m.Chain != chain || m.Provider != provider {
			continue
		}
		vals = append(vals, *m.BreakerOpen)
	}
	return vals, st.Size()
}

// With the first of a chain's two providers failing, a Tron deposit is
// credited and a Tron payout is posted through the other one; the failing
// provider's breaker opens, and closes again once it recovers, as the
// metrics show.
func TestChainProviderFailover(t *testing.T) {
	e := stack(t)
	_, start := breakerEvents(t, "tron", "p0", 0)
	setFault(t, "STABLEGATE_FAULT_TRON", "down")
	setFault(t, "STABLEGATE_FAULT_ETHEREUM", "down")
	healed := false
	heal := func() {
		if !healed {
			healed = true
			setFault(t, "STABLEGATE_FAULT_TRON", "up")
			setFault(t, "STABLEGATE_FAULT_ETHEREUM", "up")
		}
	}
	defer heal()

	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	token, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatalf("the local stack's Tron token: %v", err)
	}
	tok := e.token(t, tenant())
	w := e.newWallet(t, tok, false)
	var depo string
	for _, a := range w.Addresses {
		if a.Chain == "tron" {
			depo = a.Address
		}
	}
	to, _ := address.Parse(sg.Tron, depo)
	sendTronUSDT(t, grid, token, to, 20_000_000)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		if b := e.balances(t, tok, w.ID)["tron"]; b.Available == "20.000000" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deposit not credited with a provider down: %+v", e.balances(t, tok, w.ID)["tron"])
		}
	}
	payee := acct("failover payee " + randHex(4))
	r := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(w.ID, "tron", payee.Tron(), "5"))
	if r.status != 201 {
		t.Fatalf("withdrawal: %d %s", r.status, r.body)
	}
	var wd withdrawalJSON
	r.json(t, &wd)
	var got struct{ State string }
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		e.do(t, "GET", "/v1/transfers/"+wd.ID, tok, nil, nil).json(t, &got)
		if got.State == "posted" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("payout not posted with a provider down: state %s", got.State)
		}
	}
	if b, _ := grid.TRC20Balance(t.Context(), payee.Tron(), token.Tron()); b.Int64() != 5_000_000 {
		t.Fatalf("payee holds %s; want 5 USDT", b)
	}
	opened, _ := breakerEvents(t, "tron", "p0", start)
	if len(opened) == 0 || opened[0] != 1 {
		t.Fatalf("BreakerOpen for tron p0 while it failed: %v, want it opened (1)", opened)
	}
	heal()
	// The watchers call the chain every few seconds: after the cooldown
	// (3 s locally) a trial call finds the provider well and closes it.
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		vals, _ := breakerEvents(t, "tron", "p0", start)
		if len(vals) > 0 && vals[len(vals)-1] == 0 {
			t.Logf("tron p0 breaker metrics: %v (1 open or half-open, 0 closed)", vals)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("breaker of the recovered provider did not close: %v", vals)
		}
	}
	if vals, _ := breakerEvents(t, "ethereum", "p0", start); len(vals) == 0 {
		t.Error("no BreakerOpen metric for the failing Ethereum provider")
	}
}
