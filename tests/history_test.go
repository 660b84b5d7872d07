package tests

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type transferListJSON struct {
	Data       []withdrawalJSON `json:"data"`
	HasMore    bool             `json:"has_more"`
	NextCursor *string          `json:"next_cursor"`
}

// history lists a wallet's transfers with a query, waiting until n lines
// are there (lines are written from the change stream).
func (e *env) history(t *testing.T, tok, wallet, query string, n int) transferListJSON {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		r := e.do(t, "GET", "/v1/wallets/"+wallet+"/transfers?"+query, tok, nil, nil)
		if r.status != 200 {
			t.Fatalf("history: %d %s", r.status, r.body)
		}
		var l transferListJSON
		r.json(t, &l)
		if len(l.Data) >= n || time.Now().After(deadline) {
			return l
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestWalletHistoryFiltersAndPages(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	fund(t, l, ten, a.ID, sg.Ethereum, "100")
	start := time.Now().UTC()
	for i := 1; i <= 5; i++ {
		if r := e.do(t, "POST", "/v1/transfers", tok, idem(), transferBody(a.ID, b.ID, "tron", fmt.Sprint(i))); r.status != 201 {
			t.Fatalf("transfer: %d %s", r.status, r.body)
		}
	}
	wd := e.do(t, "POST", "/v1/withdrawals", tok, idem(), withdrawalBody(a.ID, "ethereum", ethDest, "10"))
	if wd.status != 201 {
		t.Fatalf("withdrawal: %d %s", wd.status, wd.body)
	}
	all := e.history(t, tok, a.ID, "", 8)
	if len(all.Data) != 8 {
		t.Fatalf("history has %d lines; want 2 deposits, 5 transfers, 1 withdrawal", len(all.Data))
	}
	for i := 1; i < len(all.Data); i++ {
		if all.Data[i-1].ID == all.Data[i].ID {
			t.Fatal("a transfer listed twice")
		}
	}
	if all.Data[0].Type != "withdrawal" {
		t.Fatalf("newest first: got %s first", all.Data[0].Type)
	}
	if got := e.history(t, tok, b.ID, "", 5); len(got.Data) != 5 || *got.Data[0].To != b.ID {
		t.Fatalf("the receiving wallet's history: %d lines", len(got.Data))
	}
	// Filters.
	if f := e.history(t, tok, a.ID, "type=internal&chain=tron", 5); len(f.Data) != 5 {
		t.Fatalf("type=internal&chain=tron: %d", len(f.Data))
	}
	if f := e.history(t, tok, a.ID, "type=deposit", 2); len(f.Data) != 2 {
		t.Fatalf("type=deposit: %d", len(f.Data))
	}
	if f := e.history(t, tok, a.ID, "chain=ethereum", 2); len(f.Data) != 2 {
		t.Fatalf("chain=ethereum: %d", len(f.Data))
	}
	q := "from=" + url.QueryEscape(start.Format(time.RFC3339Nano)) + "&to=" + url.QueryEscape(time.Now().Add(time.Minute).UTC().Format(time.RFC3339))
	if f := e.history(t, tok, a.ID, q, 6); len(f.Data) != 6 {
		t.Fatalf("time range: %d lines; want the 6 made after %s", len(f.Data), start)
	}
	// The withdrawal's line follows its state to the end.
	if f := e.history(t, tok, a.ID, "state=posted&type=withdrawal", 1); len(f.Data) != 1 || f.Data[0].Type != "withdrawal" {
		t.Fatalf("state=posted: %d lines", len(f.Data))
	}
	// Pages of 3, with a filter, no line twice, none missed.
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		q := "limit=3&type=internal"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		p := e.history(t, tok, a.ID, q, 0)
		for _, d := range p.Data {
			seen = append(seen, d.ID)
		}
		if !p.HasMore {
			break
		}
		cursor = *p.NextCursor
	}
	if len(seen) != 5 || strings.Count(strings.Join(seen, ","), "txn_") != 5 {
		t.Fatalf("paged history: %v", seen)
	}
	for _, bad := range []struct{ q, param string }{{"type=refund", "type"}, {"from=yesterday", "from"}, {"limit=0", "limit"}, {"cursor=abc", "cursor"}} {
		r := e.do(t, "GET", "/v1/wallets/"+a.ID+"/transfers?"+bad.q, tok, nil, nil)
		if r.status != 400 || r.errParam() != bad.param {
			t.Errorf("%s: %d %s", bad.q, r.status, r.body)
		}
	}
	if r := e.do(t, "GET", "/v1/wallets/"+a.ID+"/transfers", e.token(t, tenant()), nil, nil); r.status != 404 {
		t.Fatalf("another tenant reads the history: %d", r.status)
	}
}
