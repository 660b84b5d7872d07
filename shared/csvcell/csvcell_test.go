package csvcell_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/csvcell"
)

// FuzzSafe: any text reads back from the CSV as written (bar the
// quote Safe adds), and no cell starts with a formula character
// unless it is a plain number.
func FuzzSafe(f *testing.F) {
	for _, s := range []string{"=1+1", "-2.500000", "-1+2", "@SUM(A1)", "+x", "\tx", "plain", "", "inv_01", "-", "-.5", "1."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8Valid(s) {
			return
		}
		cell := csvcell.Safe(s)
		if cell != s && cell != "'"+s {
			t.Fatalf("%q became %q", s, cell)
		}
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !number.MatchString(cell) {
			t.Fatalf("%q starts with a formula character", cell)
		}
		if cell == "" || strings.Contains(cell, "\r") {
			return // a lone empty field is an empty line; \r\n in a quoted field reads back as \n
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write([]string{cell})
		w.Flush()
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 1 || rows[0][0] != cell {
			t.Fatalf("%q read back as %q, %v", cell, rows, err)
		}
	})
}

var number = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// A statement's memo, a report's reference and an export's note all pass
// through Safe: text a spreadsheet would run gets the quote, amounts stay
// numbers.
func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"-1.500000": "-1.500000", "-1+2": "'-1+2", "-": "'-", "1.": "1.", "plain": "plain", "": "",
	} {
		if got := csvcell.Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}
