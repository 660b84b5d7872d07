package tests

// ---- ops: one payout's trace across the functions ----

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// traceSpans reads the local stack's spans of one trace.
func traceSpans(t *testing.T, traceID string) []devstack.SpanLine {
	t.Helper()
	f, err := os.Open(os.Getenv("STABLEGATE_TRACES"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read only
	var out []devstack.SpanLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if !strings.Contains(sc.Text(), traceID) {
			continue
		}
		var s devstack.SpanLine
		if err := json.Unmarshal(sc.Bytes(), &s); err == nil && s.TraceID == traceID {
			out = append(out, s)
		}
	}
	return out
}

// A payout's trace, started by the caller's X-Amzn-Trace-Id, runs from
// the request through the queue (the message's AWSTraceHeader) to the
// worker that signs it in KMS and sends it to the chain, and on to the
// tracker that posts it: one connected tree of spans in one trace.
func TestPayoutTraceAcrossFunctions(t *testing.T) {
	e := stack(t)
	if os.Getenv("STABLEGATE_TRACES") == "" {
		t.Skip("the stack writes no traces (STABLEGATE_TRACES unset)")
	}
	ten := tenant()
	tok := e.token(t, ten)
	w := e.newWallet(t, tok, false)
	l, _ := ledgerOn(t, rawDB(t))
	fund(t, l, ten, w.ID, sg.Tron, "20")

	root := "1-" + randHex(4) + "-" + randHex(12)
	hdr := idem()
	hdr["X-Amzn-Trace-Id"] = "Root=" + root + ";Parent=" + randHex(8) + ";Sampled=1"
	r := e.do(t, "POST", "/v1/withdrawals", tok, hdr, withdrawalBody(w.ID, "tron", acct("traced payee "+randHex(4)).Tron(), "5"))
	if r.status != 201 {
		t.Fatalf("withdrawal: %d %s", r.status, r.body)
	}
	var wd withdrawalJSON
	r.json(t, &wd)
	var got struct{ State string }
	for deadline := time.Now().Add(60 * time.Second); got.State != "posted"; time.Sleep(250 * time.Millisecond) {
		e.do(t, "GET", "/v1/transfers/"+wd.ID, tok, nil, nil).json(t, &got)
		if time.Now().After(deadline) {
			t.Fatalf("payout not posted: %s", got.State)
		}
	}
	// The tracker's span of the posting check is written as it ends.
	var spans []devstack.SpanLine
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		spans = traceSpans(t, root)
		posted := false
		for _, s := range spans {
			posted = posted || (s.Name == "withdrawals-track" && s.Attrs["state"] == "posted")
		}
		if posted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no tracker span of the posting in trace %s (%d spans)", root, len(spans))
		}
	}
	ids := map[string]bool{}
	names := map[string]int{}
	for _, s := range spans {
		ids[s.SpanID] = true
		names[s.Name]++
	}
	for _, want := range []string{"POST /v1/withdrawals", "SQS.SendMessage", "withdrawals-worker", "KMS.Sign", "rpc tron", "DynamoDB.TransactWriteItems", "withdrawals-track"} {
		if names[want] == 0 {
			t.Errorf("trace %s has no %q span; it has %v", root, want, names)
		}
	}
	// One tree: every span but the request's hangs under another span of
	// the trace; the request's hangs under the caller's (outside).
	for _, s := range spans {
		if s.Name == "POST /v1/withdrawals" {
			if s.Attrs["request_id"] == "" {
				t.Error("the request's span does not carry its request id")
			}
			continue
		}
		if !ids[s.ParentID] {
			t.Errorf("span %s %q hangs under %q, not a span of the trace", s.SpanID, s.Name, s.ParentID)
		}
	}
	t.Logf("payout %s: trace %s, %d spans: %v", wd.ID, root, len(spans), names)
}
