package chainfn

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// recorder is a stand-in for one service over HTTP that records what it
// was asked: a JSON-RPC node answering eth_chainId, or DynamoDB answering
// GetItem with no item. Anything else fails, so the test sees it.
type recorder struct {
	mu    sync.Mutex
	asked []string
}

func (r *recorder) calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.asked...)
}

func (r *recorder) note(s string) {
	r.mu.Lock()
	r.asked = append(r.asked, s)
	r.mu.Unlock()
}

// node answers eth_chainId with chainID (hex).
func (r *recorder) node(chainID string) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		b, _ := io.ReadAll(req.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			http.Error(w, "batch or malformed request", http.StatusBadRequest)
			return
		}
		r.note(m.Method)
		w.Header().Set("Content-Type", "application/json")
		if m.Method != "eth_chainId" {
			_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":`+string(m.ID)+`,"error":{"code":-32601,"message":"not here"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"jsonrpc":"2.0","id":`+string(m.ID)+`,"result":"`+chainID+`"}`)
	}
}

// dynamo answers GetItem with no item (no rotation yet: the template's hot
// key is in use).
func (r *recorder) dynamo(w http.ResponseWriter, req *http.Request) {
	op := req.Header.Get("X-Amz-Target")
	r.note(op)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	if !strings.HasSuffix(op, ".GetItem") {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"com.amazon.coral.validate#ValidationException","message":"not here"}`)
		return
	}
	_, _ = io.WriteString(w, `{}`)
}

// The withdrawals worker reads nothing at init (no hot key, no chain id):
// its first invocation does. Pointed at a node of another chain it still
// refuses to move money: the invocation fails and the batch comes back,
// nothing is signed or sent, and the next invocation checks the chain
// again rather than remembering the failure.
func TestWithdrawalsWorkerStartsLazilyAndRefusesAnotherChain(t *testing.T) {
	var node, db recorder
	ns := httptest.NewServer(node.node("0x5")) // Goerli's id; mainnet's is 1
	defer ns.Close()
	ds := httptest.NewServer(http.HandlerFunc(db.dynamo))
	defer ds.Close()
	vars := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_ENDPOINT_URL_DYNAMODB": ds.URL, "AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:1",
		"TABLE_NAME": "t", "WITHDRAWALS_QUEUE_URL": "http://127.0.0.1:1/q.fifo",
		"WITHDRAWAL_FEE_ETHEREUM": "1", "WITHDRAWAL_FEE_TRON": "1", "ETH_PRICE_USDT": "3000",
		"HOT_SIGNER_KEY_ID": "alias/hot", "NETWORK_ETHEREUM": "mainnet", "ETH_RPC_URL": ns.URL,
		"RPC_TIMEOUT": "2s",
	}
	env := func(k string) string { return vars[k] }
	ctx := context.Background()
	h, err := WithdrawalsWorker(ctx, env)
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	if n, d := node.calls(), db.calls(); len(n)+len(d) != 0 {
		t.Fatalf("init called out: node %v, DynamoDB %v; want nothing before the first invocation", n, d)
	}
	ev := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m1", Body: `{"tenant":"ten_1","id":"txn_1"}`}}}
	for i := 1; i <= 2; i++ {
		_, err := h(ctx, ev)
		if err == nil || !strings.Contains(err.Error(), "chain id") {
			t.Fatalf("invocation %d: %v; want the wrong chain refused", i, err)
		}
		asked := node.calls()
		if got := strings.Count(strings.Join(asked, " "), "eth_chainId"); got != i {
			t.Fatalf("invocation %d: node asked %v; want the chain id asked again each time (%d)", i, asked, i)
		}
		for _, m := range asked {
			if m != "eth_chainId" {
				t.Fatalf("the node was asked %s on a chain the function refuses", m)
			}
		}
	}
	for _, op := range db.calls() {
		if !strings.HasSuffix(op, ".GetItem") {
			t.Fatalf("DynamoDB was asked %s: something was written on a chain the function refuses", op)
		}
	}
}
