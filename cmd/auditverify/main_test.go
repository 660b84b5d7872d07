package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/memstore"
)

type logAnchorer struct{}

func (logAnchorer) Anchor(context.Context, string, int64, string) (string, error) { return "log", nil }

func logOf(t *testing.T) *audit.Service {
	t.Helper()
	ctx := context.Background()
	s := audit.New(memstore.NewAudit(), logAnchorer{})
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { at = at.Add(time.Second); return at }
	for i := 1; i <= 29; i++ {
		if _, err := s.Append(ctx, "t-cli", "user:u1", "withdrawal.approved", fmt.Sprintf("wd_%d", i), json.RawMessage(`{"amount":"1.00"}`)); err != nil {
			t.Fatal(err)
		}
		if i == 20 {
			if _, _, err := s.AnchorNow(ctx, "t-cli"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// export writes a 30-record log of scope t-cli, anchored at 20, as the
// lines of an export.
func export(t *testing.T) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := logOf(t).Export(context.Background(), &buf, "t-cli"); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(buf.String()), "\n")
}

func write(t *testing.T, name string, lines []string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Lines 0 and 1 are the head and the anchor; record seq k is line k+1.
func TestAuditverify(t *testing.T) {
	lines := export(t)
	without := func(i int) []string { return append(append([]string(nil), lines[:i]...), lines[i+1:]...) }
	edited := func(i int, from, to string) []string {
		c := append([]string(nil), lines...)
		c[i] = strings.Replace(c[i], from, to, 1)
		return c
	}
	for _, c := range []struct {
		name   string
		args   func(t *testing.T) []string
		code   int
		output string
	}{
		{"an untouched export holds", func(t *testing.T) []string { return []string{write(t, "x.jsonl", lines)} }, 0,
			"OK scope t-cli: 30 records, head 30"},
		{"an edited amount is found where it is", func(t *testing.T) []string {
			return []string{write(t, "x.jsonl", edited(1+7, `1.00`, `9.00`))}
		}, 1, "BROKEN scope t-cli: seq 7: hash_mismatch"},
		{"a deleted record is found where it was", func(t *testing.T) []string { return []string{write(t, "x.jsonl", without(1+12))} }, 1,
			"seq 12: missing"},
		{"a truncation before the anchor, with the head and anchor lines gone, is found by the anchor given apart",
			func(t *testing.T) []string {
				cut := append([]string(nil), lines[2:2+15]...)
				return []string{"-anchors", write(t, "a.jsonl", lines[1:2]), write(t, "x.jsonl", cut)}
			}, 1, "seq 16: truncated"},
		{"a line that is not JSON", func(t *testing.T) []string { return []string{write(t, "x.jsonl", edited(5, `{`, `[`))} }, 2, ""},
		{"no file", func(t *testing.T) []string { return nil }, 2, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(c.args(t), &out, &errOut)
			if code != c.code || !strings.Contains(out.String(), c.output) {
				t.Fatalf("exit %d, output %q (stderr %q); want %d and %q", code, out.String(), errOut.String(), c.code, c.output)
			}
		})
	}
}

// A record's proof checks against the anchor it names and the anchors
// given apart; an edited record's or an unknown anchor's does not.
func TestAuditverifyProof(t *testing.T) {
	s := logOf(t)
	lines := export(t)
	proofFile := func(t *testing.T, seq int64, edit func(d *audit.ProofDoc)) string {
		p, err := s.Proof(context.Background(), "t-cli", seq)
		if err != nil {
			t.Fatal(err)
		}
		d := p.Doc()
		if edit != nil {
			edit(&d)
		}
		b, _ := json.Marshal(d)
		return write(t, "p.json", []string{string(b)})
	}
	for _, c := range []struct {
		name   string
		args   func(t *testing.T) []string
		code   int
		output string
	}{
		{"a record before the anchor", func(t *testing.T) []string {
			return []string{"-proof", "-anchors", write(t, "a.jsonl", lines[1:2]), proofFile(t, 7, nil)}
		}, 0, "OK scope t-cli record 7 leads to the anchor at 20"},
		{"a record after the last anchor reaches the head", func(t *testing.T) []string { return []string{"-proof", proofFile(t, 25, nil)} }, 0,
			"leads to the head 30"},
		{"an edited record", func(t *testing.T) []string {
			return []string{"-proof", proofFile(t, 7, func(d *audit.ProofDoc) { d.Record.Subject = "wd_x" })}
		}, 1, "BROKEN scope t-cli record 7"},
		{"an anchor that is not among those given", func(t *testing.T) []string {
			other := strings.Replace(lines[1], `"seq":20`, `"seq":19`, 1)
			return []string{"-proof", "-anchors", write(t, "a.jsonl", []string{other}), proofFile(t, 7, nil)}
		}, 1, "not among the anchors given"},
		{"not a proof", func(t *testing.T) []string { return []string{"-proof", write(t, "p.json", lines[:1])} }, 2, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(c.args(t), &out, &errOut)
			if code != c.code || !strings.Contains(out.String(), c.output) {
				t.Fatalf("exit %d, output %q (stderr %q); want %d and %q", code, out.String(), errOut.String(), c.code, c.output)
			}
		})
	}
}
