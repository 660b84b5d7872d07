package storetest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Compliance holds a monitoring and case store (sg.MonitorStore) to its
// contract: one named subtest per rule, each on a store open returns. The
// same names pass on the in-memory twin and on DynamoDB Local.
func Compliance(t *testing.T, open func(t *testing.T) sg.MonitorStore) {
	for _, c := range complianceCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type complianceCase struct {
	name string
	run  func(t *testing.T, st sg.MonitorStore)
}

func monRules() []sg.MonitorRule {
	return []sg.MonitorRule{
		{ID: "vel", Kind: sg.MonVelocity, Version: 1, Enabled: true, Params: sg.MonitorParams{Window: 90 * time.Minute, Count: 3, Threshold: 12_345_678, Direction: sg.DirOut}},
		{ID: "round", Kind: sg.MonRoundAmounts, Version: 1, Params: sg.MonitorParams{Window: time.Hour, Unit: 1_000_000_000, Count: 2, Direction: sg.DirAny}},
		{ID: "dormant", Kind: sg.MonDormantWakes, Version: 1, Enabled: true, Params: sg.MonitorParams{Dormant: 2160 * time.Hour, Threshold: 5}},
	}
}

func activity(id string, at time.Time, dir sg.Direction, amount sg.Amount) sg.Activity {
	return sg.Activity{EventID: id, TransferID: "txn_" + id, At: at, Dir: dir, Amount: amount, Chain: sg.Tron, Address: "TAddr" + id, Counterparty: "TFrom" + id}
}

func newCase(tn, subject string, at time.Time) sg.Case {
	return sg.Case{ID: sg.NewID("case", at), Tenant: tn, Kind: sg.CaseAMLAlert, Status: sg.CaseOpen, Subject: subject, Summary: "s " + subject,
		Evidence: sg.CaseEvidence{Transfers: []string{"txn_1"}, Alerts: []string{"alr_1"}}, CreatedAt: at, UpdatedAt: at,
		ChangedBy: "monitor", Change: "case.opened"}
}

var complianceCases = []complianceCase{
	{"RuleSet/none is version 0; versions put one up over the last; read back whole; history newest first in pages", func(t *testing.T, st sg.MonitorStore) {
		tn := tenant()
		cur, err := st.RuleSet(ctx, tn)
		must(t, "RuleSet", err)
		if cur.Version != 0 || len(cur.Rules) != 0 {
			t.Fatalf("no rule set read as %+v", cur)
		}
		v1 := sg.MonitorRuleSet{Tenant: tn, Version: 1, Rules: monRules(), UpdatedBy: "officer-1", UpdatedAt: now()}
		wantErr(t, "PutRuleSet of version 2 first", st.PutRuleSet(ctx, sg.MonitorRuleSet{Tenant: tn, Version: 2}), sg.ErrMonitorRulesChanged)
		must(t, "PutRuleSet v1", st.PutRuleSet(ctx, v1))
		wantErr(t, "PutRuleSet v1 again", st.PutRuleSet(ctx, v1), sg.ErrMonitorRulesChanged)
		v2 := sg.MonitorRuleSet{Tenant: tn, Version: 2, Rules: monRules()[:1], UpdatedBy: "officer-2", UpdatedAt: now()}
		must(t, "PutRuleSet v2", st.PutRuleSet(ctx, v2))
		v3 := sg.MonitorRuleSet{Tenant: tn, Version: 3, UpdatedBy: "officer-3", UpdatedAt: now()}
		must(t, "PutRuleSet v3 (no rules)", st.PutRuleSet(ctx, v3))
		got, err := st.RuleSet(ctx, tn)
		must(t, "RuleSet", err)
		if got.Version != 3 || len(got.Rules) != 0 || got.UpdatedBy != "officer-3" {
			t.Fatalf("current %+v", got)
		}
		p1, cur1, err := st.RuleSetHistory(ctx, tn, sg.Page{Limit: 2})
		must(t, "RuleSetHistory", err)
		if len(p1) != 2 || p1[0].Version != 3 || p1[1].Version != 2 || cur1 == "" {
			t.Fatalf("first page %+v, cursor %q", p1, cur1)
		}
		p2, cur2, err := st.RuleSetHistory(ctx, tn, sg.Page{Limit: 2, Cursor: cur1})
		must(t, "RuleSetHistory page 2", err)
		if len(p2) != 1 || cur2 != "" {
			t.Fatalf("second page %+v, cursor %q", p2, cur2)
		}
		if !reflect.DeepEqual(p2[0], v1) {
			t.Fatalf("v1 read back as %+v; wrote %+v", p2[0], v1)
		}
		other, err := st.RuleSet(ctx, tenant())
		must(t, "RuleSet of another tenant", err)
		if other.Version != 0 {
			t.Fatalf("another tenant sees version %d", other.Version)
		}
	}},
	{"RecordActivity/appended once per event with the previous activity's time; trimmed by time and count; oldest first", func(t *testing.T, st sg.MonitorStore) {
		tn, w := tenant(), "wal_"+randHex(4)
		t0 := now()
		a1 := activity("e1", t0, sg.DirIn, 100)
		win, stored, fresh, err := st.RecordActivity(ctx, tn, w, a1, t0.Add(-time.Hour), 3)
		must(t, "RecordActivity e1", err)
		if !fresh || len(win) != 1 || !stored.PrevAt.IsZero() || !reflect.DeepEqual(win[0], a1) {
			t.Fatalf("first entry: %+v, %+v, %v", win, stored, fresh)
		}
		a2 := activity("e2", t0.Add(time.Minute), sg.DirOut, 50)
		win, stored, fresh, err = st.RecordActivity(ctx, tn, w, a2, t0.Add(-time.Hour), 3)
		must(t, "RecordActivity e2", err)
		if !fresh || len(win) != 2 || !stored.PrevAt.Equal(t0) || win[1].EventID != "e2" || !win[1].PrevAt.Equal(t0) {
			t.Fatalf("second entry: %+v, %+v, %v", win, stored, fresh)
		}
		// Redelivered: nothing appended, the entry as first stored.
		win, stored, fresh, err = st.RecordActivity(ctx, tn, w, a2, t0.Add(-time.Hour), 3)
		must(t, "RecordActivity e2 again", err)
		if fresh || len(win) != 2 || !stored.PrevAt.Equal(t0) {
			t.Fatalf("redelivery: %+v, %+v, %v", win, stored, fresh)
		}
		// Older than the window kept: not appended.
		_, _, fresh, err = st.RecordActivity(ctx, tn, w, activity("old", t0.Add(-2*time.Hour), sg.DirIn, 1), t0.Add(-time.Hour), 3)
		must(t, "RecordActivity old", err)
		if fresh {
			t.Fatal("an entry older than the window was appended")
		}
		for i := 3; i <= 4; i++ {
			_, _, _, err = st.RecordActivity(ctx, tn, w, activity(fmt.Sprintf("e%d", i), t0.Add(time.Duration(i)*time.Minute), sg.DirOut, 1), t0.Add(-time.Hour), 3)
			must(t, "RecordActivity", err)
		}
		win, _, _, err = st.RecordActivity(ctx, tn, w, activity("e5", t0.Add(2*time.Hour), sg.DirOut, 1), t0.Add(90*time.Minute), 3)
		must(t, "RecordActivity e5", err)
		if len(win) != 1 || win[0].EventID != "e5" || !win[0].PrevAt.Equal(t0.Add(4*time.Minute)) {
			t.Fatalf("after trimming by time: %+v", win)
		}
		for i := 6; i <= 9; i++ {
			win, _, _, err = st.RecordActivity(ctx, tn, w, activity(fmt.Sprintf("e%d", i), t0.Add(2*time.Hour+time.Duration(i)*time.Second), sg.DirOut, 1), t0, 3)
			must(t, "RecordActivity", err)
		}
		if len(win) != 3 || win[0].EventID != "e7" || win[2].EventID != "e9" {
			t.Fatalf("after trimming by count: %+v", win)
		}
		other, _, _, err := st.RecordActivity(ctx, tenant(), w, activity("x", t0, sg.DirIn, 1), t0.Add(-time.Hour), 3)
		must(t, "RecordActivity of another tenant", err)
		if len(other) != 1 {
			t.Fatalf("another tenant's wallet of the same id sees %d entries", len(other))
		}
	}},
	{"RecordActivity/concurrent events on one wallet all land", func(t *testing.T, st sg.MonitorStore) {
		tn, w := tenant(), "wal_"+randHex(4)
		t0 := now()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, _, err := st.RecordActivity(ctx, tn, w, activity(fmt.Sprintf("c%d", i), t0.Add(time.Duration(i)*time.Second), sg.DirIn, 1), t0.Add(-time.Hour), 100)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, "concurrent RecordActivity", err)
		}
		win, _, _, err := st.RecordActivity(ctx, tn, w, activity("last", t0.Add(time.Minute), sg.DirIn, 1), t0.Add(-time.Hour), 100)
		must(t, "RecordActivity", err)
		if len(win) != 9 {
			t.Fatalf("window holds %d entries, want 9", len(win))
		}
	}},
	{"FirstPayout/true for the first event to an address (and its redelivery), false after", func(t *testing.T, st sg.MonitorStore) {
		tn, w := tenant(), "wal_"+randHex(4)
		for _, c := range []struct {
			wallet string
			chain  sg.Chain
			addr   string
			event  string
			want   bool
		}{{w, sg.Tron, "TA", "e1", true}, {w, sg.Tron, "TA", "e1", true}, {w, sg.Tron, "TA", "e2", false},
			{w, sg.Ethereum, "TA", "e3", true}, {w, sg.Tron, "TB", "e4", true}, {"wal_other", sg.Tron, "TA", "e5", true}} {
			got, err := st.FirstPayout(ctx, tn, c.wallet, c.chain, c.addr, c.event)
			must(t, "FirstPayout", err)
			if got != c.want {
				t.Fatalf("FirstPayout(%s, %s, %s, %s) = %v", c.wallet, c.chain, c.addr, c.event, got)
			}
		}
	}},
	{"PutAlert/written once per id; read back whole; another tenant's is not found", func(t *testing.T, st sg.MonitorStore) {
		tn := tenant()
		a := sg.Alert{ID: "alr_" + randHex(16), Tenant: tn, RuleID: "vel", RuleKind: sg.MonVelocity, RuleVersion: 2, RuleSetVersion: 3, Subject: "wal_1",
			Wallet: "wal_1", Transfers: []string{"txn_1", "deposit:r"}, Detail: "4 transfers", At: now(), CaseID: "case_1", Fingerprint: "fp"}
		got, created, err := st.PutAlert(ctx, a)
		must(t, "PutAlert", err)
		if !created || !reflect.DeepEqual(got, a) {
			t.Fatalf("PutAlert = %+v, %v", got, created)
		}
		b := a
		b.Detail = "changed"
		got, created, err = st.PutAlert(ctx, b)
		must(t, "PutAlert again", err)
		if created || got.Detail != "4 transfers" {
			t.Fatalf("second PutAlert = %+v, %v", got, created)
		}
		read, err := st.Alert(ctx, tn, a.ID)
		must(t, "Alert", err)
		if !reflect.DeepEqual(read, a) {
			t.Fatalf("Alert read back %+v; wrote %+v", read, a)
		}
		_, err = st.Alert(ctx, tenant(), a.ID)
		wantErr(t, "another tenant's alert", err, sg.ErrNotFound)
	}},
	{"CreateCase/once per key; an open case of the subject is joined; another tenant's is not found", func(t *testing.T, st sg.MonitorStore) {
		tn := tenant()
		c := newCase(tn, "wal_a", now())
		got, created, err := st.CreateCase(ctx, c, "k1")
		must(t, "CreateCase", err)
		c.Version = 1
		if !created || !reflect.DeepEqual(got, c) {
			t.Fatalf("CreateCase = %+v, %v; wrote %+v", got, created, c)
		}
		again := newCase(tn, "wal_other", now())
		got, created, err = st.CreateCase(ctx, again, "k1")
		must(t, "CreateCase same key", err)
		if created || got.ID != c.ID {
			t.Fatalf("the same key made %+v, %v", got, created)
		}
		joined := newCase(tn, "wal_a", now())
		got, created, err = st.CreateCase(ctx, joined, "k2")
		must(t, "CreateCase same subject", err)
		if created || got.ID != c.ID {
			t.Fatalf("the same subject made %+v, %v", got, created)
		}
		got, _, err = st.CreateCase(ctx, newCase(tn, "wal_z", now()), "k2")
		must(t, "CreateCase k2 again", err)
		if got.ID != c.ID {
			t.Fatalf("key k2 now names %s, want the joined case %s", got.ID, c.ID)
		}
		read, err := st.Case(ctx, tn, c.ID)
		must(t, "Case", err)
		if !reflect.DeepEqual(read, c) {
			t.Fatalf("Case read back %+v; wrote %+v", read, c)
		}
		_, err = st.Case(ctx, tenant(), c.ID)
		wantErr(t, "another tenant's case", err, sg.ErrNotFound)
		// Another tenant's case of the same subject is its own.
		_, created, err = st.CreateCase(ctx, newCase(tenant(), "wal_a", now()), "k1")
		must(t, "CreateCase of another tenant", err)
		if !created {
			t.Fatal("another tenant's case joined this tenant's")
		}
	}},
	{"UpdateCase/over the version read; read back whole; closing frees the subject", func(t *testing.T, st sg.MonitorStore) {
		tn := tenant()
		c, _, err := st.CreateCase(ctx, newCase(tn, "wal_a", now()), "k")
		must(t, "CreateCase", err)
		c.Status, c.Assignee, c.UpdatedAt = sg.CaseInvestigating, "officer-1", now()
		c.Notes = []sg.CaseNote{{At: now(), Author: "officer-1", Text: "a note, with \"quotes\"\nand lines"}}
		c.Evidence.Addresses = []string{"tron:TX"}
		c.Evidence.Records = []string{"list:ofac:v1"}
		up, err := st.UpdateCase(ctx, c)
		must(t, "UpdateCase", err)
		want := c
		want.Version = 2
		if !reflect.DeepEqual(up, want) {
			t.Fatalf("UpdateCase = %+v; want %+v", up, want)
		}
		_, err = st.UpdateCase(ctx, c)
		wantErr(t, "UpdateCase over a stale version", err, sg.ErrCaseChanged)
		missing := c
		missing.ID = sg.NewID("case", now())
		_, err = st.UpdateCase(ctx, missing)
		wantErr(t, "UpdateCase of no case", err, sg.ErrNotFound)
		other := up
		other.Tenant = tenant()
		_, err = st.UpdateCase(ctx, other)
		wantErr(t, "UpdateCase under another tenant", err, sg.ErrNotFound)
		up.Status = sg.CaseClosedReported
		up.Decision = &sg.CaseDecision{Outcome: sg.CaseClosedReported, By: "officer-1", At: now(), Reason: "SAR filed",
			Certificate: &sg.CaseCertificate{CourseID: "aml", CertificateID: "cert_1"}}
		closed, err := st.UpdateCase(ctx, up)
		must(t, "UpdateCase closing", err)
		read, err := st.Case(ctx, tn, c.ID)
		must(t, "Case", err)
		if !reflect.DeepEqual(read, closed) || read.Version != 3 || read.Decision.Certificate.CertificateID != "cert_1" {
			t.Fatalf("closed case read back %+v", read)
		}
		fresh, created, err := st.CreateCase(ctx, newCase(tn, "wal_a", now()), "k-after")
		must(t, "CreateCase after closing", err)
		if !created || fresh.ID == c.ID {
			t.Fatalf("after closing, the subject's next case %+v, %v", fresh, created)
		}
	}},
	{"OpenCases/counts the customer's cases until each closes; the customer is kept; another tenant's and customer's apart", func(t *testing.T, st sg.MonitorStore) {
		tn := tenant()
		count := func(tenant, customer string) int {
			t.Helper()
			n, err := st.OpenCases(ctx, tenant, customer)
			must(t, "OpenCases", err)
			return n
		}
		if n := count(tn, "cus_a"); n != 0 {
			t.Fatalf("a customer with no cases has %d open", n)
		}
		var cases []sg.Case
		for i := range 3 {
			c := newCase(tn, fmt.Sprintf("wal_c%d", i), now())
			c.Customer = "cus_a"
			got, _, err := st.CreateCase(ctx, c, fmt.Sprintf("kc%d", i))
			must(t, "CreateCase", err)
			if got.Customer != "cus_a" {
				t.Fatalf("the case's customer reads back %q", got.Customer)
			}
			cases = append(cases, got)
		}
		other := newCase(tn, "wal_b", now())
		other.Customer = "cus_b"
		_, _, err := st.CreateCase(ctx, other, "kb")
		must(t, "CreateCase of another customer", err)
		elsewhere := newCase(tenant(), "wal_c0", now())
		elsewhere.Customer = "cus_a"
		_, _, err = st.CreateCase(ctx, elsewhere, "kc0")
		must(t, "CreateCase of another tenant", err)
		if n := count(tn, "cus_a"); n != 3 {
			t.Fatalf("cus_a has %d open cases, want 3", n)
		}
		// Moving a case keeps it open and its customer, even when the
		// update names none; closing it ends its count.
		c := cases[0]
		c.Status, c.Customer = sg.CaseInvestigating, ""
		moved, err := st.UpdateCase(ctx, c)
		must(t, "UpdateCase", err)
		if moved.Customer != "cus_a" || count(tn, "cus_a") != 3 {
			t.Fatalf("after a move the case names %q and cus_a has %d open", moved.Customer, count(tn, "cus_a"))
		}
		moved.Status = sg.CaseClosedNoAction
		moved.Decision = &sg.CaseDecision{Outcome: sg.CaseClosedNoAction, By: "officer-1", At: now(), Reason: "explained"}
		_, err = st.UpdateCase(ctx, moved)
		must(t, "UpdateCase closing", err)
		if n := count(tn, "cus_a"); n != 2 {
			t.Fatalf("after closing one, cus_a has %d open, want 2", n)
		}
		if n := count(tn, "cus_b"); n != 1 {
			t.Fatalf("cus_b has %d open, want 1", n)
		}
	}},
	{"Cases/oldest first, by status and assignee, in pages", func(t *testing.T, st sg.MonitorStore) {
		tn := tenant()
		t0 := now()
		var ids []string
		for i := range 5 {
			c, _, err := st.CreateCase(ctx, newCase(tn, fmt.Sprintf("wal_%d", i), t0.Add(time.Duration(i)*time.Millisecond)), fmt.Sprintf("k%d", i))
			must(t, "CreateCase", err)
			ids = append(ids, c.ID)
			if i%2 == 1 {
				c.Status, c.Assignee = sg.CaseInvestigating, "officer-1"
				_, err = st.UpdateCase(ctx, c)
				must(t, "UpdateCase", err)
			}
		}
		_, _, err := st.CreateCase(ctx, newCase(tenant(), "wal_0", t0), "k0")
		must(t, "CreateCase of another tenant", err)
		var all []string
		cursor := ""
		for {
			page, next, err := st.Cases(ctx, tn, sg.CaseFilter{}, sg.Page{Limit: 2, Cursor: cursor})
			must(t, "Cases", err)
			for _, c := range page {
				all = append(all, c.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if !reflect.DeepEqual(all, ids) {
			t.Fatalf("paged list %v; want %v", all, ids)
		}
		open, _, err := st.Cases(ctx, tn, sg.CaseFilter{Status: sg.CaseOpen}, sg.Page{})
		must(t, "Cases open", err)
		if len(open) != 3 || open[0].ID != ids[0] || open[2].ID != ids[4] {
			t.Fatalf("open cases %d", len(open))
		}
		mine, _, err := st.Cases(ctx, tn, sg.CaseFilter{Assignee: "officer-1"}, sg.Page{Limit: 1})
		must(t, "Cases by assignee", err)
		if len(mine) != 1 || mine[0].ID != ids[1] {
			t.Fatalf("officer-1's first case %+v", mine)
		}
		both, _, err := st.Cases(ctx, tn, sg.CaseFilter{Status: sg.CaseInvestigating, Assignee: "officer-1"}, sg.Page{})
		must(t, "Cases by status and assignee", err)
		if len(both) != 2 || both[1].ID != ids[3] {
			t.Fatalf("investigating and officer-1's: %d", len(both))
		}
		manual := newCase(tn, "wal_manual", t0.Add(10*time.Millisecond))
		manual.Kind = sg.CaseManual
		mc, _, err := st.CreateCase(ctx, manual, "k-manual")
		must(t, "CreateCase manual", err)
		byKind, _, err := st.Cases(ctx, tn, sg.CaseFilter{Kind: sg.CaseManual}, sg.Page{Limit: 1})
		must(t, "Cases by kind", err)
		if len(byKind) != 1 || byKind[0].ID != mc.ID {
			t.Fatalf("manual cases %+v", byKind)
		}
		openAML, _, err := st.Cases(ctx, tn, sg.CaseFilter{Status: sg.CaseOpen, Kind: sg.CaseAMLAlert}, sg.Page{})
		must(t, "Cases by status and kind", err)
		if len(openAML) != 3 || openAML[2].ID != ids[4] {
			t.Fatalf("open aml_alert cases: %d", len(openAML))
		}
	}},
}
