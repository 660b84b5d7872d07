package compliance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

const caseCourse = "aml-officer"

// certify gives learner a certificate of course issued at issued.
func certify(t *testing.T, courses *memstore.Store, learner, course string, issued time.Time) string {
	t.Helper()
	id := sg.NewID("cert", issued)
	cert := &sg.Certificate{ID: id, Tenant: mtn, Learner: learner, Course: course, CourseTitle: "AML for officers", Percent: 90, IssuedAt: issued,
		ExpiresAt: issued.AddDate(1, 0, 0)}
	a := sg.CourseAttempt{ID: sg.NewID("att", issued), Tenant: mtn, Learner: learner, Course: course, Correct: 9, Total: 10, Percent: 90,
		Passed: true, Certificate: cert, At: issued}
	idem := sg.Idempotency{TenantID: mtn, Operation: "courses.submit", Key: id, RequestHash: "h", Status: 201, CreatedAt: issued}
	after := sg.CourseProgress{Course: course, Attempts: 1, BestPercent: 90, Passed: true, CertificateID: id}
	if err := courses.SaveAttempt(mctx, a, sg.CourseProgress{}, after, idem); err != nil {
		t.Fatal(err)
	}
	return id
}

type caseFix struct {
	store   *memstore.Compliance
	clock   *mclock
	cases   *compliance.Cases
	courses *memstore.Store
}

func newCaseFix(t *testing.T, requireCourse bool) caseFix {
	t.Helper()
	st := memstore.NewCompliance()
	c := &mclock{t: mt0}
	courses := memstore.New()
	courses.Now = c.Now
	f := caseFix{store: st, clock: c, courses: courses, cases: &compliance.Cases{Store: st, Now: c.Now}}
	if requireCourse {
		f.cases.RequiredCourse = caseCourse
		f.cases.Certs = compliance.CourseCertificates{Store: courses, Validity: 365 * 24 * time.Hour}
	}
	return f
}

func (f caseFix) open(t *testing.T, key string) sg.Case {
	t.Helper()
	c, j, err := f.cases.Open(mctx, mtn, sg.CaseManual, key, "wal_"+key, "looks odd", sg.CaseEvidence{Transfers: []string{"txn_1"}}, "officer-1")
	if err != nil || j.Action != "case.opened" || j.Subject != c.ID {
		t.Fatalf("Open = %+v, %+v, %v", c, j, err)
	}
	return c
}

// A case moves open -> investigating (on assignment) -> escalated ->
// closed, gathering notes and evidence, each change journaled; a closed
// case changes no more.
func TestCaseLifecycle(t *testing.T) {
	f := newCaseFix(t, false)
	c := f.open(t, "k1")
	if again, _, err := f.cases.Open(mctx, mtn, sg.CaseManual, "k1", "wal_k1", "looks odd", sg.CaseEvidence{Transfers: []string{"txn_1"}}, "officer-1"); err != nil || again.ID != c.ID {
		t.Fatalf("opening again with the same key gave %+v, %v", again, err)
	}
	steps := []struct {
		name   string
		do     func() (sg.Case, sg.JournalEntry, error)
		status sg.CaseStatus
		action string
	}{
		{"assign", func() (sg.Case, sg.JournalEntry, error) {
			return f.cases.Assign(mctx, mtn, c.ID, "officer-2", "lead-1")
		}, sg.CaseInvestigating, "case.assigned"},
		{"note", func() (sg.Case, sg.JournalEntry, error) {
			return f.cases.Note(mctx, mtn, c.ID, "officer-2", "called the customer")
		}, sg.CaseInvestigating, "case.noted"},
		{"evidence", func() (sg.Case, sg.JournalEntry, error) {
			return f.cases.AddEvidence(mctx, mtn, c.ID, sg.CaseEvidence{Transfers: []string{"txn_2", "txn_1"}, Addresses: []string{"tron:TX"}}, "officer-2")
		}, sg.CaseInvestigating, "case.evidence_added"},
		{"escalate", func() (sg.Case, sg.JournalEntry, error) {
			return f.cases.Move(mctx, mtn, c.ID, sg.CaseEscalated, "officer-2")
		}, sg.CaseEscalated, "case.status_changed"},
		{"decide", func() (sg.Case, sg.JournalEntry, error) {
			return f.cases.Decide(mctx, mtn, c.ID, "officer-2", sg.CaseClosedReported, "filed a SAR")
		}, sg.CaseClosedReported, "case.decided"},
	}
	version := c.Version
	for _, s := range steps {
		f.clock.t = f.clock.t.Add(time.Minute)
		got, j, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got.Status != s.status || j.Action != s.action || j.Subject != c.ID || !j.At.Equal(f.clock.t) || got.Version != version+1 {
			t.Fatalf("%s: case %+v, journal %+v", s.name, got, j)
		}
		version = got.Version
	}
	got, _ := f.cases.Get(mctx, mtn, c.ID)
	if got.Assignee != "officer-2" || len(got.Notes) != 1 || len(got.Evidence.Transfers) != 2 || len(got.Evidence.Addresses) != 1 ||
		got.Decision == nil || got.Decision.By != "officer-2" || got.Decision.Certificate != nil {
		t.Fatalf("case after its lifecycle %+v", got)
	}
	if _, _, err := f.cases.Note(mctx, mtn, c.ID, "officer-2", "late"); !errors.Is(err, sg.ErrCaseClosed) {
		t.Fatalf("note on a closed case: %v", err)
	}
	if _, _, err := f.cases.Decide(mctx, mtn, c.ID, "officer-2", sg.CaseClosedNoAction, "again"); !errors.Is(err, sg.ErrCaseClosed) {
		t.Fatalf("deciding a closed case: %v", err)
	}
	if _, err := f.cases.Get(mctx, "t-other", c.ID); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("another tenant read the case: %v", err)
	}
	if _, _, err := f.cases.Assign(mctx, "t-other", c.ID, "x", "y"); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("another tenant assigned the case: %v", err)
	}
}

// Refusals name their field and change nothing.
func TestCaseRefusals(t *testing.T) {
	f := newCaseFix(t, false)
	c := f.open(t, "k1")
	for name, do := range map[string]func() error{
		"empty note":          func() error { _, _, err := f.cases.Note(mctx, mtn, c.ID, "o", " "); return err },
		"decision to open":    func() error { _, _, err := f.cases.Decide(mctx, mtn, c.ID, "o", sg.CaseOpen, "r"); return err },
		"decision, no reason": func() error { _, _, err := f.cases.Decide(mctx, mtn, c.ID, "o", sg.CaseClosedNoAction, ""); return err },
		"move to closed":      func() error { _, _, err := f.cases.Move(mctx, mtn, c.ID, sg.CaseClosedNoAction, "o"); return err },
		"assign to nobody":    func() error { _, _, err := f.cases.Assign(mctx, mtn, c.ID, "", "o"); return err },
		"list by a bad status": func() error {
			_, _, err := f.cases.List(mctx, mtn, sg.CaseFilter{Status: "nope"}, sg.Page{})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			if err := do(); sg.KindOf(err) != sg.KindInvalid {
				t.Fatalf("err = %v, want a validation refusal", err)
			}
			if got, _ := f.cases.Get(mctx, mtn, c.ID); got.Version != c.Version {
				t.Fatalf("a refusal wrote the case (version %d)", got.Version)
			}
		})
	}
}

// When the deployment requires a course, a certified officer decides (the
// certificate recorded with the decision and in its journal entry); an
// officer without one, or whose certificate expired, is refused with
// officer_not_certified and nothing is written.
func TestDecidingRequiresAValidCertificate(t *testing.T) {
	f := newCaseFix(t, true)
	certID := certify(t, f.courses, "officer-ok", caseCourse, mt0.Add(-24*time.Hour))
	certify(t, f.courses, "officer-old", caseCourse, mt0.Add(-400*24*time.Hour))
	certify(t, f.courses, "officer-other", "another-course", mt0.Add(-time.Hour))
	for _, officer := range []string{"officer-none", "officer-old", "officer-other"} {
		t.Run("refuses "+officer, func(t *testing.T) {
			c := f.open(t, "k-"+officer)
			_, j, err := f.cases.Decide(mctx, mtn, c.ID, officer, sg.CaseClosedNoAction, "nothing found")
			if !errors.Is(err, sg.ErrOfficerNotCertified) || j.Action != "" {
				t.Fatalf("Decide = %+v, %v; want officer_not_certified", j, err)
			}
			if got, _ := f.cases.Get(mctx, mtn, c.ID); got.Version != c.Version || got.Decision != nil || got.Status != sg.CaseOpen {
				t.Fatalf("a refused decision wrote %+v", got)
			}
		})
	}
	t.Run("a certified officer decides", func(t *testing.T) {
		c := f.open(t, "k-ok")
		got, j, err := f.cases.Decide(mctx, mtn, c.ID, "officer-ok", sg.CaseClosedNoAction, "nothing found")
		if err != nil {
			t.Fatal(err)
		}
		if got.Decision.Certificate == nil || got.Decision.Certificate.CertificateID != certID || got.Decision.Certificate.CourseID != caseCourse {
			t.Fatalf("decision %+v", got.Decision)
		}
		if j.Actor != "officer-ok" || j.Action != "case.decided" || !contains(j.Detail, certID) {
			t.Fatalf("journal %+v does not name the certificate", j)
		}
	})
	t.Run("the same officer's certificate lapses after its validity", func(t *testing.T) {
		c := f.open(t, "k-later")
		f.clock.t = mt0.Add(365 * 24 * time.Hour)
		if _, _, err := f.cases.Decide(mctx, mtn, c.ID, "officer-ok", sg.CaseClosedNoAction, "x"); !errors.Is(err, sg.ErrOfficerNotCertified) {
			t.Fatalf("an expired certificate decided: %v", err)
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Screening opens cases through sg.CaseOpener, once per key, with its
// evidence sorted into transfers, addresses and records.
func TestOpenCaseForScreening(t *testing.T) {
	f := newCaseFix(t, false)
	r := sg.CaseRequest{Tenant: mtn, Kind: sg.CaseSanctionsHit, Key: "sanctions:txn_9", Subject: "txn_9", Chain: sg.Tron, Address: "TBad",
		Evidence: []string{"transfer:txn_9", "list:ofac:2024-09-27.abc"}, Lists: []string{"ofac"}, ListVersion: "2024-09-27.abc", At: mt0}
	var opener sg.CaseOpener = f.cases
	id, err := opener.OpenCase(mctx, r)
	if err != nil {
		t.Fatal(err)
	}
	again, err := opener.OpenCase(mctx, r)
	if err != nil || again != id {
		t.Fatalf("second OpenCase = %s, %v; want %s", again, err, id)
	}
	c, _ := f.cases.Get(mctx, mtn, id)
	if c.Kind != sg.CaseSanctionsHit || c.Evidence.Transfers[0] != "txn_9" || c.Evidence.Addresses[0] != "tron:TBad" || len(c.Evidence.Records) != 2 {
		t.Fatalf("case %+v", c)
	}
	list, _, _ := f.cases.List(mctx, mtn, sg.CaseFilter{Status: sg.CaseOpen}, sg.Page{})
	if len(list) != 1 {
		t.Fatalf("open cases %d", len(list))
	}
}

// walletsOf reads wallets from a map (compliance.LimitWallets).
type walletsOf map[string]sg.Wallet

func (m walletsOf) Wallet(_ context.Context, tenant, id string) (sg.Wallet, error) {
	w, ok := m[id]
	if !ok || w.TenantID != tenant {
		return sg.Wallet{}, sg.ErrWalletNotFound
	}
	return w, nil
}

// A screening hit on a payout or a deposit of a customer's wallet opens a
// case that names the customer: the customer's compliance view counts it
// until an officer decides it; a wallet of no customer, or another
// customer's, does not count.
func TestOpenCasesCountedForTheWalletsCustomer(t *testing.T) {
	f := newCaseFix(t, false)
	cus := sg.NewID(sg.CustomerIDPrefix, mt0)
	other := sg.NewID(sg.CustomerIDPrefix, mt0.Add(time.Second))
	f.cases.Wallets = walletsOf{
		"wal_a": {ID: "wal_a", TenantID: mtn, CustomerRef: cus},
		"wal_b": {ID: "wal_b", TenantID: mtn, CustomerRef: other},
		"wal_n": {ID: "wal_n", TenantID: mtn, CustomerRef: "crm-1042"},
	}
	sc := newScreen(t, true)
	sc.svc.Cases = f.cases
	views := &compliance.ComplianceViews{OpenCases: f.store.OpenCases}
	count := func(customer string) int {
		t.Helper()
		n, err := views.OpenCases(mctx, mtn, customer)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	payout := sg.Transfer{ID: "txn_p1", TenantID: mtn, Type: sg.TransferWithdrawal, FromWallet: "wal_a", Chain: sg.Tron, ToAddress: sanctionedTRX}
	if _, err := sc.svc.ScreenTransfer(mctx, payout); !errors.Is(err, sg.ErrDestinationSanctioned) {
		t.Fatalf("ScreenTransfer = %v", err)
	}
	dep, err := sc.svc.ScreenDeposit(mctx, mtn, "wal_a", sg.Ethereum, sanctionedETH, "0xabc:1")
	if err != nil || !dep.Quarantine {
		t.Fatalf("ScreenDeposit = %+v, %v", dep, err)
	}
	for _, w := range []string{"wal_b", "wal_n"} {
		if _, err := sc.svc.ScreenDeposit(mctx, mtn, w, sg.Ethereum, sanctionedETH, "0xdef:"+w); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(cus); n != 2 {
		t.Fatalf("the customer has %d open cases, want 2 (its payout's and its deposit's)", n)
	}
	if n := count(other); n != 1 {
		t.Fatalf("the other customer has %d open cases, want 1", n)
	}
	c, err := f.cases.Get(mctx, mtn, dep.CaseID)
	if err != nil || c.Customer != cus {
		t.Fatalf("the deposit's case %+v, %v; want customer %s", c, err, cus)
	}
	if _, _, err := f.cases.Decide(mctx, mtn, dep.CaseID, "officer-1", sg.CaseClosedNoAction, "the sender was delisted"); err != nil {
		t.Fatal(err)
	}
	if n := count(cus); n != 1 {
		t.Fatalf("after a decision the customer has %d open cases, want 1", n)
	}
}

// ---- learn: a certificate past its own expiry (one year) no longer
// qualifies an officer, even where the deployment sets no validity ----
func TestCourseCertificatesHonourTheCertificatesExpiry(t *testing.T) {
	st := memstore.New()
	issued := mt0
	id := certify(t, st, "officer-9", caseCourse, issued)
	cc := compliance.CourseCertificates{Store: st}
	if got, ok, err := cc.Valid(mctx, mtn, "officer-9", caseCourse, issued.AddDate(1, 0, 0).Add(-time.Second)); err != nil || !ok || got != id {
		t.Fatalf("a second before expiry: %s %v %v", got, ok, err)
	}
	if _, ok, err := cc.Valid(mctx, mtn, "officer-9", caseCourse, issued.AddDate(1, 0, 0)); err != nil || ok {
		t.Fatalf("at expiry: %v %v; want not valid", ok, err)
	}
}
