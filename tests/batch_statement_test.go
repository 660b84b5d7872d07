package tests

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type batchReportJSON struct {
	Rows     int
	Accepted []struct {
		Row        int
		RowKey     string `json:"row_key"`
		TransferID string `json:"transfer_id"`
		Replayed   bool
	}
	Refused []struct {
		Row    int
		RowKey string `json:"row_key"`
		Code   string
		Param  string
	}
}

func csvHeaders(key string) map[string]string {
	return map[string]string{"Content-Type": "text/csv", "Idempotency-Key": key}
}

func TestBatchImportIsIdempotentByRowKey(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Tron, "100")
	rk := randHex(4)
	body := fmt.Sprintf("row_key,from_wallet_id,to_wallet_id,chain,amount,memo\n"+
		"%[1]s-1,%[2]s,%[3]s,tron,10,first\n"+
		"%[1]s-2,%[2]s,%[3]s,tron,5.5,\n"+
		"%[1]s-3,%[2]s,%[3]s,tron,1000,too much\n"+
		"%[1]s-4,%[2]s,%[3]s,bitcoin,1,wrong chain\n"+
		"%[1]s-1,%[2]s,%[3]s,tron,10,again in the same batch\n", rk, a.ID, b.ID)
	key := "batch-" + randHex(4)
	r := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(key), []byte(body))
	if r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	var rep batchReportJSON
	r.json(t, &rep)
	codes := map[int]string{}
	for _, x := range rep.Refused {
		codes[x.Row] = x.Code
	}
	if rep.Rows != 5 || len(rep.Accepted) != 2 || codes[4] != "insufficient_funds" || codes[5] != "unsupported_chain" || codes[6] != "duplicate_row_key" {
		t.Fatalf("report: %s", r.body)
	}
	if ba := e.balances(t, tok, a.ID)["tron"]; ba.Available != "84.500000" {
		t.Fatalf("after the batch: %+v", ba)
	}
	again := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders(key), []byte(body))
	if again.status != 200 || string(again.body) != string(r.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	// The same rows in a new batch are replayed, not applied again.
	more := fmt.Sprintf("row_key,from_wallet_id,to_wallet_id,chain,amount,memo\n%[1]s-1,%[2]s,%[3]s,tron,10,first\n%[1]s-5,%[2]s,%[3]s,tron,4.5,new\n", rk, a.ID, b.ID)
	r2 := e.do(t, "POST", "/v1/transfers/batch", tok, csvHeaders("batch-"+randHex(4)), []byte(more))
	var rep2 batchReportJSON
	r2.json(t, &rep2)
	if len(rep2.Accepted) != 2 || !rep2.Accepted[0].Replayed || rep2.Accepted[0].TransferID != rep.Accepted[0].TransferID || rep2.Accepted[1].Replayed {
		t.Fatalf("second batch: %s", r2.body)
	}
	if ba := e.balances(t, tok, a.ID)["tron"]; ba.Available != "80.000000" {
		t.Fatalf("after the second batch: %+v", ba)
	}
	for _, c := range []struct {
		name   string
		hdr    map[string]string
		body   string
		status int
		code   string
	}{
		{"reused key, other rows", csvHeaders(key), more, 409, "idempotency_key_reused"},
		{"unknown column", csvHeaders("k-" + randHex(4)), "row_key,from_wallet_id,to_wallet_id,chain,amount,fee\nx,a,b,tron,1,0\n", 400, "unknown_field"},
		{"missing column", csvHeaders("k-" + randHex(4)), "row_key,from_wallet_id,chain,amount\nx,a,tron,1\n", 400, "validation_failed"},
		{"JSON body", map[string]string{"Content-Type": "application/json", "Idempotency-Key": "k-" + randHex(4)}, "{}", 415, "unsupported_media_type"},
		{"no rows", csvHeaders("k-" + randHex(4)), "row_key,from_wallet_id,to_wallet_id,chain,amount\n", 400, "invalid_csv"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.balancesJSON(t, tok, a.ID, b.ID)
			r := e.do(t, "POST", "/v1/transfers/batch", tok, c.hdr, []byte(c.body))
			if r.status != c.status || r.errCode() != c.code {
				t.Fatalf("got %d %s; want %d %s", r.status, r.body, c.status, c.code)
			}
			if after := e.balancesJSON(t, tok, a.ID, b.ID); after != before {
				t.Fatal("a refused batch moved money")
			}
		})
	}
}

func TestStatementCSV(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a, b := e.newWallet(t, tok, false), e.newWallet(t, tok, false)
	from := time.Now().UTC().Add(-time.Second)
	fund(t, l, ten, a.ID, sg.Tron, "50")
	body := []byte(fmt.Sprintf(`{"from_wallet_id":%q,"to_wallet_id":%q,"chain":"tron","asset":"USDT","amount":"7.25","memo":"=HYPERLINK(\"x\")"}`, a.ID, b.ID))
	if r := e.do(t, "POST", "/v1/transfers", tok, idem(), body); r.status != 201 {
		t.Fatalf("transfer: %d %s", r.status, r.body)
	}
	e.history(t, tok, a.ID, "", 2)
	q := "from=" + url.QueryEscape(from.Format(time.RFC3339Nano)) + "&to=" + url.QueryEscape(time.Now().Add(time.Minute).UTC().Format(time.RFC3339))
	r := e.do(t, "GET", "/v1/wallets/"+a.ID+"/statement?"+q, tok, nil, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("statement: %d %s", r.status, r.body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("statement rows: %v %q", err, r.body)
	}
	if strings.Join(rows[0], ",") != "created_at,transfer_id,type,state,chain,asset,direction,amount,fee,network_fee,counterparty,memo" {
		t.Fatalf("header: %v", rows[0])
	}
	dep, out := rows[1], rows[2]
	if dep[2] != "deposit" || dep[6] != "in" || dep[7] != "50.000000" {
		t.Fatalf("deposit line: %v", dep)
	}
	if out[2] != "internal" || out[6] != "out" || out[7] != "7.250000" || out[10] != b.ID || out[11] != `'=HYPERLINK("x")` {
		t.Fatalf("transfer line: %v", out)
	}
	if r := e.do(t, "GET", "/v1/wallets/"+a.ID+"/statement", tok, nil, nil); r.status != 400 || r.errParam() != "from" {
		t.Fatalf("statement without a range: %d %s", r.status, r.body)
	}
}
