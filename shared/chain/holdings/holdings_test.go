package holdings_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/holdings"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// node is a JSON-RPC stand-in that answers eth_call balanceOf (single or
// batched, as geth does) with a balance derived from the holder's address,
// and counts HTTP requests and calls.
type node struct {
	requests, calls atomic.Int64
	token           string
}

type rpcReq struct {
	ID     json.RawMessage   `json:"id"`
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

// balance is the stand-in's balance of a holder: its last two bytes.
func balance(holder [20]byte) int64 { return int64(holder[18])<<8 | int64(holder[19]) }

func (n *node) answer(r rpcReq) map[string]any {
	n.calls.Add(1)
	var call struct{ To, Data string }
	if r.Method != "eth_call" || len(r.Params) != 2 || json.Unmarshal(r.Params[0], &call) != nil || !strings.EqualFold(call.To, n.token) {
		return map[string]any{"jsonrpc": "2.0", "id": r.ID, "error": map[string]any{"code": -32000, "message": "unexpected call"}}
	}
	data, _ := hex.DecodeString(strings.TrimPrefix(call.Data, "0x"))
	var holder [20]byte
	copy(holder[:], data[16:36])
	return map[string]any{"jsonrpc": "2.0", "id": r.ID, "result": fmt.Sprintf("0x%064x", balance(holder))}
}

func (n *node) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	n.requests.Add(1)
	body, _ := io.ReadAll(req.Body)
	w.Header().Set("Content-Type", "application/json")
	if strings.HasPrefix(strings.TrimSpace(string(body)), "[") {
		var rs []rpcReq
		_ = json.Unmarshal(body, &rs)
		out := make([]map[string]any, len(rs))
		for i := range rs { // answered in reverse: a node may answer in any order
			out[len(rs)-1-i] = n.answer(rs[i])
		}
		_ = json.NewEncoder(w).Encode(out)
		return
	}
	var r rpcReq
	_ = json.Unmarshal(body, &r)
	_ = json.NewEncoder(w).Encode(n.answer(r))
}

func accounts(t testing.TB, n int) ([]address.Account, sg.Amount) {
	var out []address.Account
	var want sg.Amount
	for i := range n {
		var b [20]byte
		b[0], b[18], b[19] = 0x11, byte(i>>8), byte(i)
		a, err := address.Parse(sg.Ethereum, "0x"+hex.EncodeToString(b[:]))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
		want += sg.Amount(balance(b))
	}
	return out, want
}

func reader(t testing.TB, n *node, batch int) *holdings.Ethereum {
	srv := httptest.NewServer(n)
	t.Cleanup(srv.Close)
	tok, err := address.Parse(sg.Ethereum, "0xdac17f958d2ee523a2206206994597c13d831ec7")
	if err != nil {
		t.Fatal(err)
	}
	n.token = tok.EIP55()
	return &holdings.Ethereum{RPC: &ethrpc.Client{URL: srv.URL}, Token: tok, Batch: batch}
}

func TestEthereumTotalReadsInBatches(t *testing.T) {
	addrs, want := accounts(t, 250)
	for _, c := range []struct {
		name     string
		batch    int
		requests int64
	}{
		{"batches of 100: 3 requests", 100, 3},
		{"default batch size", 0, 3},
		{"one request per address", 1, 250},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := &node{}
			got, err := reader(t, n, c.batch).Total(context.Background(), addrs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("total %s; want %s", got, want)
			}
			if n.requests.Load() != c.requests || n.calls.Load() != 250 {
				t.Fatalf("%d requests, %d calls; want %d requests, 250 calls", n.requests.Load(), n.calls.Load(), c.requests)
			}
		})
	}
}

func TestEthereumTotalFailsOnACallsError(t *testing.T) {
	addrs, _ := accounts(t, 5)
	n := &node{}
	r := reader(t, n, 100)
	r.Token, _ = address.Parse(sg.Ethereum, "0x00000000000000000000000000000000000000aa") // the node refuses calls to another contract
	if _, err := r.Total(context.Background(), addrs, nil); err == nil {
		t.Fatal("a batch with a refused call summed anyway")
	}
}

// BenchmarkEthereumHoldings reads 1,000 addresses' balances over HTTP, one
// request per address (what reconciliation did) against batches of 100,
// interleaved; it reports HTTP requests per 1,000 addresses.
func BenchmarkEthereumHoldings(b *testing.B) {
	addrs, _ := accounts(b, 1000)
	for _, c := range []struct {
		name  string
		batch int
	}{{"per-address", 1}, {"batched-100", 100}} {
		b.Run(c.name, func(b *testing.B) {
			n := &node{}
			r := reader(b, n, c.batch)
			for b.Loop() {
				if _, err := r.Total(context.Background(), addrs, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n.requests.Load())/float64(b.N), "requests/1000addr")
		})
	}
}
