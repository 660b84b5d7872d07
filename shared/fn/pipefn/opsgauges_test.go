package pipefn

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func metricValues(t *testing.T, out string, name string) map[string]float64 {
	t.Helper()
	vals := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not an EMF line: %q", line)
		}
		if v, ok := m[name].(float64); ok {
			c, _ := m["Chain"].(string)
			vals[c] = v
		}
	}
	return vals
}

func TestOpsGaugesReportTheOldestOpenWithdrawalAndTheFloat(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	env := func(k string) string {
		return map[string]string{"TRON_GRID_URL": "http://127.0.0.1:1", "NETWORK_TRON": "dev", "USDT_CONTRACT_TRON": "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm"}[k]
	}
	var out bytes.Buffer
	m := obs.NewMetrics(&out, "Test", "holds-expire")
	if err := EmitOpsGauges(ctx, env, st, st, m, now); err != nil {
		t.Fatal(err)
	}
	if age := metricValues(t, out.String(), "OldestOpenWithdrawalAge"); age[""] != 0 {
		t.Fatalf("age with no open withdrawal = %v, want 0", age)
	}
	if f := metricValues(t, out.String(), "HotWalletFloat"); len(f) != 1 || f["tron"] != 0 {
		t.Fatalf("float = %v, want tron only (the one chain served) at 0", f)
	}
	books := &ledgerService{st: st, now: now}
	books.float(t, sg.Tron, 1234_500000)
	books.withdrawal(t, now.Add(-90*time.Minute))
	books.withdrawal(t, now.Add(-10*time.Minute))
	out.Reset()
	if err := EmitOpsGauges(ctx, env, st, st, m, now); err != nil {
		t.Fatal(err)
	}
	if age := metricValues(t, out.String(), "OldestOpenWithdrawalAge"); age[""] != 90*60 {
		t.Fatalf("age = %v, want 5400 s (the older of two open withdrawals)", age)
	}
	if f := metricValues(t, out.String(), "HotWalletFloat"); f["tron"] != 1234 {
		t.Fatalf("float = %v, want 1234 whole USDT", f)
	}
}

// ledgerService records what the gauges read, through the ledger's own
// entries (float) and the store (open withdrawals).
type ledgerService struct {
	st  *memstore.Store
	now time.Time
	n   int
}

func (l *ledgerService) float(t *testing.T, c sg.Chain, amount sg.Amount) {
	t.Helper()
	s := &ledger.Service{Store: l.st, Wallets: l.st, Now: func() time.Time { return l.now }}
	if _, err := s.RecordFloat(context.Background(), c, amount, "float-1"); err != nil {
		t.Fatal(err)
	}
}

func (l *ledgerService) withdrawal(t *testing.T, created time.Time) {
	t.Helper()
	l.n++
	w := sg.Transfer{ID: sg.NewKeyedID("txn", created, "acme", "test", string(rune('a'+l.n))), TenantID: "acme", Type: sg.TransferWithdrawal,
		State: sg.StatePending, Chain: sg.Tron, Asset: sg.USDT, Amount: 1, CreatedAt: created, UpdatedAt: created,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysFloat, sg.Tron, sg.USDT), Bucket: sg.Available, Delta: -1},
			{Account: sg.SystemAccount(sg.SysFloat, sg.Tron, sg.USDT), Bucket: sg.Held, Delta: 1},
		}}}
	if err := l.st.ApplyTransfer(context.Background(), w); err != nil {
		t.Fatal(err)
	}
}
