package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/shared/anchor"
	"github.com/stablegate/stablegate/shared/audit"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The export is JSON lines: the spec check reads it as a string.
func init() {
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.FileBodyDecoder)
}

type auditRecordJSON struct {
	Object, Scope     string
	Seq               int64
	At, Actor, Action string
	Subject, Detail   string
	Prev, Hash        string
}

type auditPageJSON struct {
	Object     string            `json:"object"`
	Scope      string            `json:"scope"`
	Order      string            `json:"order"`
	Head       sg.AuditHead      `json:"head"`
	Data       []auditRecordJSON `json:"data"`
	NextCursor *string           `json:"next_cursor"`
}

func (r auditRecordJSON) record(t *testing.T) sg.AuditRecord {
	t.Helper()
	at, err := time.Parse(sg.AuditTimeLayout, r.At)
	if err != nil {
		t.Fatalf("record %d at %q: %v", r.Seq, r.At, err)
	}
	rec := sg.AuditRecord{Scope: r.Scope, Seq: r.Seq, At: at, Actor: r.Actor, Action: r.Action, Subject: r.Subject, PrevHash: r.Prev, Hash: r.Hash}
	if r.Detail != "" {
		rec.Detail = json.RawMessage(r.Detail)
	}
	return rec
}

// auditPages reads the whole chain through GET /v1/audit, limit records a
// page, in order ("asc" or "desc").
func (e *env) auditPages(t *testing.T, tok, order string, limit int) ([]auditRecordJSON, int) {
	t.Helper()
	var all []auditRecordJSON
	cursor, pages := "", 0
	for {
		q := fmt.Sprintf("/v1/audit?order=%s&limit=%d", order, limit)
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		r := e.do(t, "GET", q, tok, nil, nil)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", q, r.status, r.body)
		}
		var p auditPageJSON
		r.json(t, &p)
		pages++
		if len(p.Data) > limit || p.Order != order {
			t.Fatalf("page of %d records, order %q", len(p.Data), p.Order)
		}
		all = append(all, p.Data...)
		if p.NextCursor == nil {
			return all, pages
		}
		cursor = *p.NextCursor
		if pages > 1000 {
			t.Fatal("the pages do not end")
		}
	}
}

// runAuditAnchor runs the local stack's audit-anchor job once, as the
// schedule would. The stack's own schedule runs it too (every minute
// locally); two runs at once may race for the anchor key's nonce, and the
// loser fails: it is tried again.
func runAuditAnchor(t *testing.T) audit.AnchorRun {
	t.Helper()
	job, err := devstack.ScheduledJobs["audit-anchor"](context.Background(), functionGetenv(t, "audit-anchor"))
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for i := 0; i < 5; i++ {
		r, err := job(context.Background())
		if err == nil {
			return r.(audit.AnchorRun)
		}
		last = err
		time.Sleep(2 * time.Second)
	}
	t.Fatalf("audit-anchor: %v", last)
	return audit.AnchorRun{}
}

// buildAuditverify builds cmd/auditverify, the verifier an outside party runs.
func buildAuditverify(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "auditverify")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/auditverify")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build auditverify: %v\n%s", err, out)
	}
	return bin
}

func auditverify(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// The audit chain end to end on the local stack: a wallet, a transfer and
// a freeze made through the API are each appended to the tenant's chain
// by the stream, with their actor and without their content; GET
// /v1/audit pages it both ways and every page's records hash and link; a
// record's proof checks, first against the head, then, after the anchor
// job, against an anchor read back from the local chain's calldata; the
// export verifies with cmd/auditverify held to that anchor, and a copy
// with one record edited, or cut after the anchor with its anchor lines
// removed, is refused with the position.
func TestAuditChainEndToEnd(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice := e.tokenAs(t, ten, "alice", "audit:read")
	l, _ := ledgerOn(t, rawDB(t))

	// Some actions, through the existing routes.
	a, b := e.newWallet(t, alice, false), e.newWallet(t, alice, false)
	fund(t, l, ten, a.ID, sg.Tron, "50")
	memo := "rent for flat 4, Ada Lovelace"
	r := e.do(t, "POST", "/v1/transfers", alice, idem(), []byte(fmt.Sprintf(
		`{"from_wallet_id":%q,"to_wallet_id":%q,"chain":"tron","asset":"USDT","amount":"12.5","memo":%q}`, a.ID, b.ID, memo)))
	if r.status != 201 {
		t.Fatalf("transfer: %d %s", r.status, r.body)
	}
	var tr struct{ ID string }
	r.json(t, &tr)
	reason := "drill after a call from Ada Lovelace"
	r = e.do(t, "POST", "/v1/freezes", alice, nil, []byte(fmt.Sprintf(`{"scope":"tenant","reason":%q}`, reason)))
	if r.status != 201 {
		t.Fatalf("freeze: %d %s", r.status, r.body)
	}
	var f freezeJSON
	r.json(t, &f)

	// Their records arrive from the stream.
	type seen struct{ wallet, transfer, freeze, journal auditRecordJSON }
	var got seen
	var recs []auditRecordJSON
	deadline := time.Now().Add(90 * time.Second)
	for {
		recs, _ = e.auditPages(t, alice, "asc", 200)
		got = seen{}
		for _, rec := range recs {
			switch {
			case rec.Action == "wallet.created" && rec.Subject == a.ID:
				got.wallet = rec
			case rec.Action == "transfer.created" && rec.Subject == tr.ID:
				got.transfer = rec
			case rec.Action == "freeze.created" && rec.Subject == f.ID:
				got.freeze = rec
			case rec.Action == "journal_entry.created" && strings.Contains(rec.Detail, `"journal_action":"freeze.tenant"`):
				got.journal = rec
			}
		}
		if got.wallet.Seq > 0 && got.transfer.Seq > 0 && got.freeze.Seq > 0 && got.journal.Seq > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the audit records did not all arrive: %+v (of %d records)", got, len(recs))
		}
		time.Sleep(500 * time.Millisecond)
	}
	for what, rec := range map[string]auditRecordJSON{"wallet": got.wallet, "transfer": got.transfer, "freeze": got.freeze, "journal entry": got.journal} {
		if rec.Actor != "user:alice" {
			t.Errorf("the %s's actor is %q; want user:alice", what, rec.Actor)
		}
	}
	for _, rec := range recs {
		all := rec.Actor + rec.Action + rec.Subject + rec.Detail
		for _, s := range []string{"Lovelace", "rent for flat", "drill after"} {
			if strings.Contains(all, s) {
				t.Errorf("record %d holds %q: %+v", rec.Seq, s, rec)
			}
		}
		if rec.Scope != ten {
			t.Errorf("record %d is of scope %q in tenant %s's chain", rec.Seq, rec.Scope, ten)
		}
	}

	// Pages, both ways, with small pages: the same chain, each record's
	// hash its content's, each linked to the one before.
	asc, pages := e.auditPages(t, alice, "asc", 3)
	if pages < 2 {
		t.Fatalf("%d records in %d pages of 3", len(asc), pages)
	}
	desc, _ := e.auditPages(t, alice, "desc", 3)
	if len(desc) < len(asc) {
		t.Fatalf("desc read %d records, asc %d", len(desc), len(asc))
	}
	desc = desc[len(desc)-len(asc):] // records appended between the two reads come first in desc
	prev := sg.AuditGenesis
	for i, rec := range asc {
		if rec.Seq != int64(i+1) || desc[len(desc)-1-i] != rec {
			t.Fatalf("record %d: asc %+v, desc %+v", i+1, rec, desc[len(desc)-1-i])
		}
		rr := rec.record(t)
		if rr.PrevHash != prev || sg.AuditHash(rr) != rr.Hash {
			t.Fatalf("record %d does not hash or link: %+v", rr.Seq, rec)
		}
		prev = rr.Hash
	}

	// Bad input and another tenant.
	if r := e.do(t, "GET", "/v1/audit?cursor=abc", alice, nil, nil); r.status != 400 || r.errCode() != "invalid_cursor" {
		t.Errorf("bad cursor: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/v1/audit?scope=platform", alice, nil, nil); r.status != 403 || r.errCode() != "forbidden" {
		t.Errorf("platform chain without platform:admin: %d %s", r.status, r.body)
	}
	other := e.tokenAs(t, tenant(), "mallory", "audit:read")
	if r := e.do(t, "GET", "/v1/audit/"+strconv.FormatInt(got.wallet.Seq, 10)+"/proof", other, nil, nil); r.status != 404 {
		t.Errorf("another tenant's record: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/v1/audit", e.tokenAs(t, ten, "alice"), nil, nil); r.status != 403 {
		t.Errorf("no audit:read: %d %s", r.status, r.body)
	}

	proof := func() audit.Proof {
		t.Helper()
		r := e.do(t, "GET", "/v1/audit/"+strconv.FormatInt(got.wallet.Seq, 10)+"/proof", alice, nil, nil)
		if r.status != 200 {
			t.Fatalf("proof: %d %s", r.status, r.body)
		}
		p, err := audit.ParseProof(r.body)
		if err != nil {
			t.Fatalf("proof: %v: %s", err, r.body)
		}
		if err := audit.CheckProof(p); err != nil {
			t.Fatalf("the proof does not check: %v", err)
		}
		if p.Record.Hash != got.wallet.Hash {
			t.Fatalf("the proof is of another record: %+v", p.Record)
		}
		return p
	}
	proof()

	// The anchor job: the head goes on the local chain's calldata and into
	// the log (audit.anchored).
	runAuditAnchor(t)
	var p audit.Proof
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		if p = proof(); p.Anchor != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no anchor after the anchor job ran")
		}
		runAuditAnchor(t)
	}
	if p.Anchor.Seq < got.journal.Seq || !strings.HasPrefix(p.Anchor.Where, anchor.WhereEthereum) {
		t.Fatalf("anchor %+v; want one on ethereum at or after %d", p.Anchor, got.journal.Seq)
	}
	info, ec, _, _ := localChain(t)
	if !common.IsHexAddress(info.Anchor) {
		t.Fatalf("the local chain names no anchor address: %+v", info)
	}
	var onChain sg.AuditAnchor
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		var err error
		if onChain, err = anchor.FromChain(context.Background(), ec, p.Anchor.Where, common.HexToAddress(info.Anchor)); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("reading the anchor %s back from the chain: %v", p.Anchor.Where, err)
		}
	}
	if onChain.Scope != ten || onChain.Seq != p.Anchor.Seq || onChain.Hash != p.Anchor.Hash {
		t.Fatalf("the chain says %+v; the proof %+v", onChain, *p.Anchor)
	}
	onChain.Where = p.Anchor.Where

	// The export, verified as an outside party would: with cmd/auditverify,
	// held to the anchor read from the chain.
	r = e.do(t, "GET", "/v1/audit/export", alice, nil, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/x-ndjson") {
		t.Fatalf("export: %d %v %s", r.status, r.header, r.body)
	}
	dir := t.TempDir()
	export := filepath.Join(dir, "export.jsonl")
	anchors := filepath.Join(dir, "anchors.jsonl")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(export, r.body, 0o600))
	var ab bytes.Buffer
	must(audit.WriteJSONL(&ab, audit.AnchorLine(onChain)))
	must(os.WriteFile(anchors, ab.Bytes(), 0o600))
	bin := buildAuditverify(t)
	if out, code := auditverify(t, bin, "-anchors", anchors, export); code != 0 || !strings.HasPrefix(out, "OK scope "+ten) {
		t.Fatalf("auditverify of the export: exit %d: %s", code, out)
	}
	pf := filepath.Join(dir, "proof.json")
	pb, _ := json.Marshal(p.Doc())
	must(os.WriteFile(pf, pb, 0o600))
	if out, code := auditverify(t, bin, "-proof", "-anchors", anchors, pf); code != 0 || !strings.Contains(out, "leads to the anchor") {
		t.Fatalf("auditverify -proof: exit %d: %s", code, out)
	}

	// A copy with one record edited: the verifier names the position.
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	edit := got.transfer.Seq
	tampered := false
	for i, ln := range lines {
		var x audit.Line
		must(json.Unmarshal([]byte(ln), &x))
		if x.Type == audit.LineRecord && x.Seq == edit {
			x.Subject = "txn_forged"
			nb, _ := json.Marshal(x)
			lines[i], tampered = string(nb), true
		}
	}
	if !tampered {
		t.Fatalf("record %d is not in the export", edit)
	}
	bad := filepath.Join(dir, "edited.jsonl")
	must(os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	want := fmt.Sprintf("seq %d: %s", edit, audit.BreakHashMismatch)
	if out, code := auditverify(t, bin, "-anchors", anchors, bad); code != 1 || !strings.Contains(out, want) {
		t.Fatalf("auditverify of an edited copy: exit %d: %s; want %q", code, out, want)
	}

	// A copy cut before the anchored head, its head and anchor lines
	// rewritten away: the chain's anchor still finds the cut.
	var cut []string
	for _, ln := range strings.Split(strings.TrimSpace(string(r.body)), "\n") {
		var x audit.Line
		must(json.Unmarshal([]byte(ln), &x))
		if x.Type == audit.LineRecord && x.Seq < onChain.Seq {
			cut = append(cut, ln)
		}
	}
	cutFile := filepath.Join(dir, "cut.jsonl")
	must(os.WriteFile(cutFile, []byte(strings.Join(cut, "\n")+"\n"), 0o600))
	want = fmt.Sprintf("seq %d: %s", onChain.Seq, audit.BreakTruncated)
	if out, code := auditverify(t, bin, "-scope", ten, "-anchors", anchors, cutFile); code != 1 || !strings.Contains(out, want) {
		t.Fatalf("auditverify of a cut copy: exit %d: %s; want %q", code, out, want)
	}
}
