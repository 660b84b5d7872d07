package compliance_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// exportFix is a decided case over a ledger holding one of its evidence
// transfers, with officer-written text that tries formula injection and
// CSV breaking.
func exportFix(t *testing.T) (*compliance.Cases, sg.Case, sg.Transfer) {
	t.Helper()
	ledger := memstore.New()
	tr := sg.Transfer{ID: sg.NewID("txn", mt0), TenantID: mtn, Type: sg.TransferDeposit, State: sg.StatePosted, ToWallet: "wal_x", Chain: sg.Tron,
		Asset: sg.USDT, Amount: 9_900_000_001, CreatedAt: mt0, UpdatedAt: mt0,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysInbound, sg.Tron, sg.USDT), Bucket: sg.Available, Delta: -9_900_000_001},
			{Account: sg.WalletAccount(mtn, "wal_x", sg.Tron, sg.USDT), Bucket: sg.Available, Delta: 9_900_000_001},
		}}}
	if err := ledger.ApplyTransfer(mctx, tr); err != nil {
		t.Fatal(err)
	}
	st := memstore.NewCompliance()
	clk := &mclock{t: mt0}
	cs := &compliance.Cases{Store: st, Transfers: ledger, Now: clk.Now}
	c, _, err := cs.Open(mctx, mtn, sg.CaseAMLAlert, "k", "wal_x", "structuring, \"just under\" 10,000",
		sg.CaseEvidence{Transfers: []string{tr.ID, "deposit:tron:0xabc:1"}, Addresses: []string{"tron:TSender"}}, "monitor")
	if err != nil {
		t.Fatal(err)
	}
	clk.t = mt0.Add(time.Hour)
	if _, _, err := cs.Note(mctx, mtn, c.ID, "officer-1", "=HYPERLINK(\"http://evil\",\"x\")"); err != nil {
		t.Fatal(err)
	}
	clk.t = mt0.Add(2 * time.Hour)
	if _, _, err := cs.Note(mctx, mtn, c.ID, "officer-1", "line one\nline two, with a comma"); err != nil {
		t.Fatal(err)
	}
	clk.t = mt0.Add(3 * time.Hour)
	c, _, err = cs.Decide(mctx, mtn, c.ID, "@officer-1", sg.CaseClosedReported, "+SAR filed; -cmd|' /C calc'!A0")
	if err != nil {
		t.Fatal(err)
	}
	return cs, c, tr
}

// The JSON export holds the case, its evidence transfers with amounts as
// decimal strings, the timeline in order and the decision.
func TestExportJSON(t *testing.T) {
	cs, c, tr := exportFix(t)
	b, ctype, err := cs.ExportCase(mctx, mtn, c.ID, compliance.FormatJSON)
	if err != nil || ctype != "application/json" {
		t.Fatalf("ExportCase = %q, %v", ctype, err)
	}
	var x map[string]any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	transfers := x["transfers"].([]any)
	first := transfers[0].(map[string]any)
	if first["id"] != tr.ID || first["amount"] != "9900.000001" || first["found"] != true || first["type"] != "deposit" {
		t.Fatalf("first transfer %v", first)
	}
	if second := transfers[1].(map[string]any); second["found"] != false || second["id"] != "deposit:tron:0xabc:1" {
		t.Fatalf("a transfer the ledger does not hold: %v", second)
	}
	var events []string
	for _, e := range x["timeline"].([]any) {
		events = append(events, e.(map[string]any)["event"].(string))
	}
	if strings.Join(events, ",") != "opened,note,note,decided" {
		t.Fatalf("timeline %v", events)
	}
	d := x["decision"].(map[string]any)
	if d["outcome"] != "closed_reported" || d["by"] != "@officer-1" {
		t.Fatalf("decision %v", d)
	}
	if x["case"].(map[string]any)["subject"] != "wal_x" {
		t.Fatalf("case %v", x["case"])
	}
	if _, _, err := cs.ExportCase(mctx, "t-other", c.ID, compliance.FormatJSON); sg.KindOf(err) != sg.KindNotFound {
		t.Fatalf("another tenant exported the case: %v", err)
	}
	if _, _, err := cs.ExportCase(mctx, mtn, c.ID, "xml"); sg.KindOf(err) != sg.KindInvalid {
		t.Fatalf("format xml: %v", err)
	}
}

// The CSV export reads back through encoding/csv cell for cell (commas,
// quotes and newlines kept), and no cell starts with = + - @.
func TestExportCSVIsEscapedAndInjectionSafe(t *testing.T) {
	cs, c, tr := exportFix(t)
	b, ctype, err := cs.ExportCase(mctx, mtn, c.ID, compliance.FormatCSV)
	if err != nil || !strings.HasPrefix(ctype, "text/csv") {
		t.Fatalf("ExportCase = %q, %v", ctype, err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v\n%s", err, b)
	}
	if strings.Join(rows[0], ",") != strings.Join(compliance.CSVHeader, ",") {
		t.Fatalf("header %v", rows[0])
	}
	find := func(section, col, want string) {
		t.Helper()
		i := indexOf(compliance.CSVHeader, col)
		for _, r := range rows[1:] {
			if r[0] == section && r[i] == want {
				return
			}
		}
		t.Errorf("no %s row with %s = %q in\n%s", section, col, want, b)
	}
	find("case", "text", "structuring, \"just under\" 10,000")
	find("transfer", "amount", "9900.000001")
	find("transfer", "id", tr.ID)
	find("transfer", "status", "not_in_ledger")
	find("timeline", "text", "'=HYPERLINK(\"http://evil\",\"x\")")
	find("timeline", "text", "line one\nline two, with a comma")
	find("decision", "by", "'@officer-1")
	find("decision", "text", "'+SAR filed; -cmd|' /C calc'!A0")
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts with a formula character", cell)
			}
		}
	}
}

func indexOf(l []string, v string) int {
	for i, x := range l {
		if x == v {
			return i
		}
	}
	return -1
}

func csvRows(b []byte) ([][]string, error) { return csv.NewReader(bytes.NewReader(b)).ReadAll() }

// normalizeCR is what encoding/csv reads back for a quoted field: \r\n
// inside it becomes \n.
func normalizeCR(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
