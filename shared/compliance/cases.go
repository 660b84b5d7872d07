package compliance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Cases runs compliance cases: opened by monitoring alerts and screening
// hits (it implements sg.CaseOpener), then assigned, annotated, given
// evidence, moved through investigating and escalated, and decided. Every
// change returns a journal entry for the audit chain (Actor, Action,
// Subject = the case id, Detail); the lead appends it.
//
// A deployment may require that whoever decides holds a valid certificate
// of a named course (RequiredCourse, checked through Certs at the time of
// the decision); the certificate is written into the decision and its
// journal entry. Without one the decision is refused with
// officer_not_certified and nothing is written.
type Cases struct {
	Store sg.CaseStore
	// Transfers reads the evidence transfers for exports (optional).
	Transfers sg.TransferReader
	// RequiredCourse, when set, is the course an officer must hold a valid
	// certificate of to decide a case; Certs checks it.
	RequiredCourse string
	Certs          sg.CertificateChecker
	// Wallets, when set, names the customer of the wallet a case is
	// opened over (sg.Case.Customer), so the customer's open cases can
	// be counted.
	Wallets LimitWallets
	Now     func() time.Time
}

var _ sg.CaseOpener = (*Cases)(nil)

// Limits on what officers write into a case.
const (
	maxNoteLen    = 4000
	maxReasonLen  = 2000
	maxEvidence   = 500
	maxActorLen   = 200
	updateRetries = 5
)

// Case input refusals.
var (
	// ErrNoteInvalid: a note is empty or too long.
	ErrNoteInvalid = sg.ErrValidation.WithMessage("a note must have 1 to %d characters", maxNoteLen).WithParam("text")
	// ErrReasonInvalid: a decision needs a reason.
	ErrReasonInvalid = sg.ErrValidation.WithMessage("a decision needs a reason of 1 to %d characters", maxReasonLen).WithParam("reason")
	// ErrActorInvalid: the acting officer or assignee is empty or too long.
	ErrActorInvalid = sg.ErrValidation.WithMessage("an officer must be named by 1 to %d characters", maxActorLen).WithParam("assignee")
	// ErrEvidenceTooLarge: a case holds at most maxEvidence items of each kind.
	ErrEvidenceTooLarge = sg.ErrValidation.WithMessage("a case holds at most %d evidence items of each kind", maxEvidence).WithParam("evidence")
)

type openRequest struct {
	tenant   string
	kind     sg.CaseKind
	key      string
	subject  string
	summary  string
	evidence sg.CaseEvidence
	at       time.Time
	by       string
	// wallet is the wallet the case is about, if any.
	wallet string
}

// Open opens a case once per key, or joins the open case of the same
// subject and adds the evidence to it. It returns the case and its
// journal entry (Action case.opened, or case.evidence_added when joined;
// empty when the key had been used and nothing changed).
func (s *Cases) Open(ctx context.Context, tenant string, kind sg.CaseKind, key, subject, summary string, ev sg.CaseEvidence, by string) (sg.Case, sg.JournalEntry, error) {
	return s.openJ(ctx, openRequest{tenant: tenant, kind: kind, key: key, subject: subject, summary: summary, evidence: ev, at: s.Now(), by: by})
}

func (s *Cases) open(ctx context.Context, r openRequest) (sg.Case, error) {
	c, _, err := s.openJ(ctx, r)
	return c, err
}

func (s *Cases) openJ(ctx context.Context, r openRequest) (sg.Case, sg.JournalEntry, error) {
	if r.key == "" || r.tenant == "" {
		return sg.Case{}, sg.JournalEntry{}, sg.Internal("compliance.OpenCase", errors.New("a case needs a tenant and a key"))
	}
	at := r.at.UTC().Truncate(time.Microsecond)
	customer, err := s.customerOf(ctx, r.tenant, r.wallet)
	if err != nil {
		return sg.Case{}, sg.JournalEntry{}, err
	}
	c := sg.Case{ID: sg.NewKeyedID("case", at, r.tenant, "cases.open", r.key), Tenant: r.tenant, Kind: r.kind, Status: sg.CaseOpen,
		Subject: r.subject, Customer: customer, Summary: r.summary, Evidence: r.evidence, CreatedAt: at, UpdatedAt: at, ChangedBy: r.by, Change: "case.opened"}
	got, created, err := s.Store.CreateCase(ctx, c, r.key)
	if err != nil {
		return sg.Case{}, sg.JournalEntry{}, err
	}
	if created {
		return got, sg.JournalEntry{At: at, Actor: r.by, Action: "case.opened", Subject: got.ID, Detail: string(r.kind) + ": " + r.summary}, nil
	}
	// Joined (or a retry): add what the request names, if anything is new.
	if covers(got.Evidence, r.evidence) || got.Status.Closed() {
		return got, sg.JournalEntry{}, nil
	}
	return s.update(ctx, r.tenant, got.ID, r.by, "case.evidence_added", func(c *sg.Case) (string, error) {
		if err := mergeEvidence(&c.Evidence, r.evidence); err != nil {
			return "", err
		}
		return evidenceDetail(r.evidence), nil
	})
}

// customerOf is the customer of the tenant's wallet ("" when there is no
// wallet, no reader, or the wallet belongs to no customer).
func (s *Cases) customerOf(ctx context.Context, tenant, wallet string) (string, error) {
	if wallet == "" || s.Wallets == nil {
		return "", nil
	}
	w, err := s.Wallets.Wallet(ctx, tenant, wallet)
	if errors.Is(err, sg.ErrNotFound) || errors.Is(err, sg.ErrWalletNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return sg.WalletCustomerID(w), nil
}

// OpenCase opens the case a screening hit asks for (sg.CaseOpener).
// Evidence "transfer:<id>" and "deposit:<ref>" become the case's
// transfers, the address its addresses, anything else (the list and its
// version) its records.
func (s *Cases) OpenCase(ctx context.Context, r sg.CaseRequest) (string, error) {
	ev := sg.CaseEvidence{}
	for _, e := range r.Evidence {
		switch {
		case strings.HasPrefix(e, "transfer:"):
			ev.Transfers = appendNew(ev.Transfers, strings.TrimPrefix(e, "transfer:"))
		case strings.HasPrefix(e, "deposit:"):
			ev.Transfers = appendNew(ev.Transfers, e)
		default:
			ev.Records = appendNew(ev.Records, e)
		}
	}
	if r.Address != "" {
		ev.Addresses = appendNew(ev.Addresses, string(r.Chain)+":"+r.Address)
	}
	if r.ListVersion != "" {
		ev.Records = appendNew(ev.Records, "list_version:"+r.ListVersion)
	}
	at := r.At
	if at.IsZero() {
		at = s.Now()
	}
	summary := fmt.Sprintf("%s: %s %s", r.Kind, r.Chain, r.Address)
	if len(r.Lists) > 0 {
		summary += " on " + strings.Join(r.Lists, ", ")
	}
	c, err := s.open(ctx, openRequest{tenant: r.Tenant, kind: sg.CaseKind(r.Kind), key: r.Key, subject: r.Subject, summary: summary,
		evidence: ev, at: at, by: "screening", wallet: r.Wallet})
	return c.ID, err
}

// Get reads one of the tenant's cases.
func (s *Cases) Get(ctx context.Context, tenant, id string) (sg.Case, error) {
	if !sg.ValidID("case", id) {
		return sg.Case{}, sg.ErrNotFound
	}
	return s.Store.Case(ctx, tenant, id)
}

// List lists the tenant's cases, oldest first, by status and assignee.
func (s *Cases) List(ctx context.Context, tenant string, f sg.CaseFilter, page sg.Page) ([]sg.Case, string, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", sg.ErrValidation.WithMessage("status must be a case status").WithParam("status")
	}
	if page.Cursor != "" && !sg.ValidID("case", page.Cursor) {
		return nil, "", sg.ErrInvalidCursor
	}
	return s.Store.Cases(ctx, tenant, f, page)
}

// Assign gives the case to an officer (investigating from open).
func (s *Cases) Assign(ctx context.Context, tenant, id, assignee, by string) (sg.Case, sg.JournalEntry, error) {
	if !validActor(assignee) || !validActor(by) {
		return sg.Case{}, sg.JournalEntry{}, ErrActorInvalid
	}
	return s.update(ctx, tenant, id, by, "case.assigned", func(c *sg.Case) (string, error) {
		c.Assignee = assignee
		if c.Status == sg.CaseOpen {
			c.Status = sg.CaseInvestigating
		}
		return "to " + assignee, nil
	})
}

// Note adds an officer's note.
func (s *Cases) Note(ctx context.Context, tenant, id, author, text string) (sg.Case, sg.JournalEntry, error) {
	if !validActor(author) {
		return sg.Case{}, sg.JournalEntry{}, ErrActorInvalid.WithParam("author")
	}
	if strings.TrimSpace(text) == "" || len(text) > maxNoteLen {
		return sg.Case{}, sg.JournalEntry{}, ErrNoteInvalid
	}
	return s.update(ctx, tenant, id, author, "case.noted", func(c *sg.Case) (string, error) {
		c.Notes = append(c.Notes, sg.CaseNote{At: s.now(), Author: author, Text: text})
		return fmt.Sprintf("note %d", len(c.Notes)), nil
	})
}

// AddEvidence adds transfers, alerts, addresses or records to the case.
func (s *Cases) AddEvidence(ctx context.Context, tenant, id string, ev sg.CaseEvidence, by string) (sg.Case, sg.JournalEntry, error) {
	if !validActor(by) {
		return sg.Case{}, sg.JournalEntry{}, ErrActorInvalid.WithParam("by")
	}
	return s.update(ctx, tenant, id, by, "case.evidence_added", func(c *sg.Case) (string, error) {
		if err := mergeEvidence(&c.Evidence, ev); err != nil {
			return "", err
		}
		return evidenceDetail(ev), nil
	})
}

// Move puts an open case under investigation or escalates it. Closing is
// a decision (Decide).
func (s *Cases) Move(ctx context.Context, tenant, id string, to sg.CaseStatus, by string) (sg.Case, sg.JournalEntry, error) {
	if !validActor(by) {
		return sg.Case{}, sg.JournalEntry{}, ErrActorInvalid.WithParam("by")
	}
	return s.update(ctx, tenant, id, by, "case.status_changed", func(c *sg.Case) (string, error) {
		ok := (to == sg.CaseInvestigating && c.Status == sg.CaseOpen) ||
			(to == sg.CaseEscalated && (c.Status == sg.CaseOpen || c.Status == sg.CaseInvestigating))
		if !ok {
			return "", sg.ErrCaseTransition.WithMessage("a %s case cannot move to %s", c.Status, to)
		}
		from := c.Status
		c.Status = to
		return fmt.Sprintf("%s -> %s", from, to), nil
	})
}

// Decide closes the case with an outcome (closed_no_action or
// closed_reported) and a reason. When the deployment names a required
// course, the officer must hold a valid certificate of it now; the
// certificate is recorded with the decision.
func (s *Cases) Decide(ctx context.Context, tenant, id, officer string, outcome sg.CaseStatus, reason string) (sg.Case, sg.JournalEntry, error) {
	if !validActor(officer) {
		return sg.Case{}, sg.JournalEntry{}, ErrActorInvalid.WithParam("officer")
	}
	if !outcome.Closed() {
		return sg.Case{}, sg.JournalEntry{}, sg.ErrCaseTransition.WithMessage("a decision's outcome is closed_no_action or closed_reported").WithParam("outcome")
	}
	if strings.TrimSpace(reason) == "" || len(reason) > maxReasonLen {
		return sg.Case{}, sg.JournalEntry{}, ErrReasonInvalid
	}
	// Read first: another tenant's case, or a closed one, is refused
	// before anything else is looked at.
	if c, err := s.Get(ctx, tenant, id); err != nil {
		return sg.Case{}, sg.JournalEntry{}, err
	} else if c.Status.Closed() {
		return sg.Case{}, sg.JournalEntry{}, sg.ErrCaseClosed
	}
	at := s.now()
	var cert *sg.CaseCertificate
	if s.RequiredCourse != "" {
		if s.Certs == nil {
			return sg.Case{}, sg.JournalEntry{}, sg.Internal("compliance.Decide", errors.New("a course is required but no certificate checker is wired"))
		}
		certID, ok, err := s.Certs.Valid(ctx, tenant, officer, s.RequiredCourse, at)
		if err != nil {
			return sg.Case{}, sg.JournalEntry{}, err
		}
		if !ok {
			return sg.Case{}, sg.JournalEntry{}, sg.ErrOfficerNotCertified.WithMessage("deciding a case needs a valid certificate of the course %q", s.RequiredCourse)
		}
		cert = &sg.CaseCertificate{CourseID: s.RequiredCourse, CertificateID: certID}
	}
	return s.update(ctx, tenant, id, officer, "case.decided", func(c *sg.Case) (string, error) {
		c.Status = outcome
		c.Decision = &sg.CaseDecision{Outcome: outcome, By: officer, At: at, Reason: reason, Certificate: cert}
		d := string(outcome) + ": " + reason
		if cert != nil {
			d += fmt.Sprintf(" (certificate %s of course %s)", cert.CertificateID, cert.CourseID)
		}
		return d, nil
	})
}

// update applies change to the case over the version read, again on a
// concurrent change, and returns the case and the journal entry.
func (s *Cases) update(ctx context.Context, tenant, id, by, action string, change func(*sg.Case) (string, error)) (sg.Case, sg.JournalEntry, error) {
	for range updateRetries {
		c, err := s.Get(ctx, tenant, id)
		if err != nil {
			return sg.Case{}, sg.JournalEntry{}, err
		}
		if c.Status.Closed() {
			return sg.Case{}, sg.JournalEntry{}, sg.ErrCaseClosed
		}
		detail, err := change(&c)
		if err != nil {
			return sg.Case{}, sg.JournalEntry{}, err
		}
		c.UpdatedAt, c.ChangedBy, c.Change = s.now(), by, action
		got, err := s.Store.UpdateCase(ctx, c)
		if errors.Is(err, sg.ErrCaseChanged) {
			continue
		}
		if err != nil {
			return sg.Case{}, sg.JournalEntry{}, err
		}
		return got, sg.JournalEntry{At: got.UpdatedAt, Actor: by, Action: action, Subject: got.ID, Detail: detail}, nil
	}
	return sg.Case{}, sg.JournalEntry{}, sg.ErrCaseChanged
}

func (s *Cases) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func validActor(a string) bool { return strings.TrimSpace(a) != "" && len(a) <= maxActorLen }

// covers reports whether have already holds everything in add.
func covers(have, add sg.CaseEvidence) bool {
	in := func(l []string, v string) bool {
		for _, x := range l {
			if x == v {
				return true
			}
		}
		return false
	}
	for _, p := range [][2][]string{{have.Transfers, add.Transfers}, {have.Alerts, add.Alerts}, {have.Addresses, add.Addresses}, {have.Records, add.Records}} {
		for _, v := range p[1] {
			if !in(p[0], v) {
				return false
			}
		}
	}
	return true
}

func mergeEvidence(dst *sg.CaseEvidence, add sg.CaseEvidence) error {
	for _, p := range []struct {
		dst *[]string
		add []string
	}{{&dst.Transfers, add.Transfers}, {&dst.Alerts, add.Alerts}, {&dst.Addresses, add.Addresses}, {&dst.Records, add.Records}} {
		for _, v := range p.add {
			*p.dst = appendNew(*p.dst, v)
		}
		if len(*p.dst) > maxEvidence {
			return ErrEvidenceTooLarge
		}
	}
	return nil
}

func evidenceDetail(ev sg.CaseEvidence) string {
	return fmt.Sprintf("%d transfers, %d alerts, %d addresses, %d records", len(ev.Transfers), len(ev.Alerts), len(ev.Addresses), len(ev.Records))
}

// CourseCertificates checks officers' certificates in the courses' store:
// the learner's progress in the course names its certificate, which must
// be the tenant's, the learner's and the course's, issued no later than
// the time asked about, not past its own expiry and, with Validity, no
// longer ago than that. With Verify set, its legacy (v1) signature must
// check too.
type CourseCertificates struct {
	Store    sg.CourseStore
	Validity time.Duration // 0: certificates do not expire
	Verify   interface {
		Verify(ctx context.Context, msg, sig []byte) (bool, error)
	}
}

var _ sg.CertificateChecker = CourseCertificates{}

// Valid says whether learner holds a valid certificate of courseID at at.
func (cc CourseCertificates) Valid(ctx context.Context, tenant, learner, courseID string, at time.Time) (string, bool, error) {
	prog, err := cc.Store.Progress(ctx, tenant, learner)
	if err != nil {
		return "", false, err
	}
	p, ok := prog[courseID]
	if !ok || !p.Passed || p.CertificateID == "" {
		return "", false, nil
	}
	cert, err := cc.Store.Certificate(ctx, tenant, p.CertificateID)
	if errors.Is(err, sg.ErrCertificateNotFound) || sg.KindOf(err) == sg.KindNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if cert.Tenant != tenant || cert.Learner != learner || cert.Course != courseID || cert.IssuedAt.After(at) {
		return "", false, nil
	}
	if cc.Validity > 0 && !at.Before(cert.IssuedAt.Add(cc.Validity)) {
		return "", false, nil
	}
	// ---- learn: a certificate's own expiry (one year) holds too ----
	if !cert.ExpiresAt.IsZero() && !at.Before(cert.ExpiresAt) {
		return "", false, nil
	}
	if cc.Verify != nil {
		ok, err := cc.Verify.Verify(ctx, cert.Message(), cert.Signature)
		if err != nil || !ok {
			return "", false, err
		}
	}
	return cert.ID, true, nil
}
