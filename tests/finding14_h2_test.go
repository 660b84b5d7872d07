package tests

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A money request that names a field twice is refused with duplicate_field,
// naming it, and moves nothing; the last value used to win.
func TestFinding14_DuplicateKeysRefusedOnMoneyRequests(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	before := e.balancesJSON(t, tok, a.ID, b.ID)

	transfer := string(transferBody(a.ID, b.ID, "tron", "1"))
	withdrawal := string(withdrawalBody(a.ID, "tron", tronPayee(), "1"))
	for _, c := range []struct {
		name, path, body, param string
	}{
		{"transfer amount twice", "/v1/transfers", strings.Replace(transfer, `"amount":"1"`, `"amount":"1","amount":"90"`, 1), "amount"},
		{"transfer amount in two letter cases", "/v1/transfers", strings.Replace(transfer, `"amount":"1"`, `"amount":"1","Amount":"90"`, 1), "Amount"},
		{"transfer destination twice", "/v1/transfers", strings.Replace(transfer, `"to_wallet_id"`, `"to_wallet_id":"`+a.ID+`","to_wallet_id"`, 1), "to_wallet_id"},
		{"withdrawal amount twice", "/v1/withdrawals", strings.Replace(withdrawal, `"amount":"1"`, `"amount":"1","amount":"90"`, 1), "amount"},
		{"withdrawal address twice", "/v1/withdrawals", strings.Replace(withdrawal, `"to_address"`, `"to_address":"`+tronPayee()+`","to_address"`, 1), "to_address"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(t, "POST", c.path, tok, idem(), []byte(c.body))
			if r.status != 400 || r.errCode() != "duplicate_field" || r.errParam() != c.param {
				t.Fatalf("%s: %d %s; want 400 duplicate_field %s", c.body, r.status, r.body, c.param)
			}
		})
	}
	if after := e.balancesJSON(t, tok, a.ID, b.ID); after != before {
		t.Fatalf("balances moved: %s -> %s", before, after)
	}
	if r := e.do(t, "GET", "/v1/wallets/"+a.ID+"/transfers", tok, nil, nil); strings.Contains(string(r.body), `"type":"internal"`) || strings.Contains(string(r.body), `"type":"withdrawal"`) {
		t.Fatalf("a refused request left a transfer: %s", r.body)
	}
}

// A WebSocket message with an action the API does not serve answers the
// documented error, not {"message":"Forbidden"}.
func TestFinding14_UnknownWSActionAnswersTheDocumentedError(t *testing.T) {
	e := stack(t)
	c, _, err := dialLive(t, e.token(t, tenant()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.CloseNow() }()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, msg := range []string{`{"action":"unsubscribe","wallet_id":"wal_x"}`, `{"wallet_id":"wal_x"}`, `not json`} {
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("message %s answered %s: %v", msg, data, err)
		}
		if m["type"] != "error" || m["code"] != "unknown_action" || m["param"] != "action" {
			t.Errorf("message %s answered %s; want {\"type\":\"error\",\"code\":\"unknown_action\",\"param\":\"action\",...}", msg, data)
		}
	}
}
