package stablegate

import (
	"context"
	"time"
)

// Alerts and compliance cases: a monitoring rule that fires raises an
// Alert (once per fingerprint); alerts and screening hits open Cases that
// officers investigate and decide. shared/compliance owns the rules.

// Alert is one firing of a rule. Fingerprint names the pattern (tenant,
// rule, subject and the window it fell in): the same pattern in the same
// window alerts once, however often its events are delivered. ID is
// derived from the fingerprint.
type Alert struct {
	ID             string
	Tenant         string
	RuleID         string
	RuleKind       MonitorRuleKind
	RuleVersion    int64
	RuleSetVersion int64
	// Subject is the wallet (or "chain:address") the pattern is about.
	Subject     string
	Wallet      string
	Transfers   []string // evidence: the transfers (or deposit refs) that make the pattern
	Detail      string   // what was seen, for an officer ("3 transfers of 9,900.000000 ...")
	At          time.Time
	CaseID      string // the case it opened or joined ("" until then)
	Fingerprint string
}

// CaseKind says why a case was opened.
type CaseKind string

// Case kinds.
const (
	CaseAMLAlert CaseKind = "aml_alert"
	CaseManual   CaseKind = "manual"
	// CaseSanctionsHit (screening.go) is the kind a screening hit opens.
)

// CaseStatus is a case's place in its lifecycle:
//
//	open -> investigating -> escalated -> closed_no_action | closed_reported
//	open | investigating -> closed_no_action | closed_reported
//
// The closed states are final and reached only by a decision.
type CaseStatus string

// Case statuses.
const (
	CaseOpen           CaseStatus = "open"
	CaseInvestigating  CaseStatus = "investigating"
	CaseEscalated      CaseStatus = "escalated"
	CaseClosedNoAction CaseStatus = "closed_no_action"
	CaseClosedReported CaseStatus = "closed_reported"
)

// Closed reports whether s is final.
func (s CaseStatus) Closed() bool { return s == CaseClosedNoAction || s == CaseClosedReported }

// Valid reports whether s is a status.
func (s CaseStatus) Valid() bool {
	switch s {
	case CaseOpen, CaseInvestigating, CaseEscalated, CaseClosedNoAction, CaseClosedReported:
		return true
	}
	return false
}

// CaseNote is one officer's note on a case.
type CaseNote struct {
	At     time.Time
	Author string
	Text   string
}

// CaseEvidence is what a case rests on.
type CaseEvidence struct {
	Transfers []string
	Alerts    []string
	Addresses []string
	// Records names other records the case rests on ("list:ofac:<version>").
	Records []string
}

// CaseCertificate is the certificate an officer held when deciding.
type CaseCertificate struct {
	CourseID      string
	CertificateID string
}

// CaseDecision closes a case.
type CaseDecision struct {
	Outcome     CaseStatus // CaseClosedNoAction or CaseClosedReported
	By          string
	At          time.Time
	Reason      string
	Certificate *CaseCertificate // when the deployment requires one
}

// Case is one matter for compliance officers. Version is the store's
// optimistic lock: UpdateCase writes only over the version read.
type Case struct {
	ID      string
	Tenant  string
	Kind    CaseKind
	Status  CaseStatus
	Subject string // the wallet or address the case is about
	// Customer is the customer the case concerns, when the wallet it was
	// opened over belongs to one (kept from the opening on).
	Customer  string
	Summary   string
	Assignee  string
	Notes     []CaseNote
	Evidence  CaseEvidence
	Decision  *CaseDecision
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
	// ChangedBy and Change name the case's last change: who made it (an
	// officer's token subject, or "screening", "monitor") and what it was
	// ("case.assigned"). They are kept on the item, so the audit chain,
	// which reads the table's changes, records who did what.
	ChangedBy string
	Change    string
}

// CaseFilter narrows a list of cases (empty fields: no filter).
type CaseFilter struct {
	Status   CaseStatus
	Kind     CaseKind
	Assignee string
}

// CaseStore keeps alerts and cases.
type CaseStore interface {
	// PutAlert writes a once per a.ID (derived from its fingerprint);
	// a second put returns the first alert and false.
	PutAlert(ctx context.Context, a Alert) (Alert, bool, error)
	// Alert reads one of the tenant's alerts (ErrNotFound).
	Alert(ctx context.Context, tenant, id string) (Alert, error)
	// CreateCase writes c (Version 1) once per key. When key was used, it
	// returns the case the key opened or joined and false. When c has a
	// Subject that an open (not closed) case of the tenant already covers,
	// it records key against that case and returns it and false: the
	// caller attaches its evidence.
	CreateCase(ctx context.Context, c Case, key string) (Case, bool, error)
	// Case reads one of the tenant's cases (ErrNotFound, also for
	// another tenant's).
	Case(ctx context.Context, tenant, id string) (Case, error)
	// Cases lists the tenant's cases, oldest first; the cursor is the
	// last case id returned.
	Cases(ctx context.Context, tenant string, f CaseFilter, page Page) ([]Case, string, error)
	// UpdateCase writes c over c.Version (ErrCaseChanged when it moved,
	// ErrNotFound when there is no such case) and returns it at
	// Version+1. A case that becomes closed frees its subject.
	UpdateCase(ctx context.Context, c Case) (Case, error)
	// OpenCases counts the tenant's cases about customer that are not
	// closed (a read of the customer's own pointers, never of all cases).
	OpenCases(ctx context.Context, tenant, customer string) (int, error)
}

// CertificateChecker says whether a learner holds a valid certificate of a
// course at a time, and which.
type CertificateChecker interface {
	Valid(ctx context.Context, tenant, learner, courseID string, at time.Time) (certID string, ok bool, err error)
}

// Case refusals.
var (
	// ErrCaseChanged: the case moved on since it was read.
	ErrCaseChanged = &Error{Kind: KindConflict, Code: "case_changed", Message: "the case changed since it was read; read it again"}
	// ErrCaseClosed: the case is decided; nothing changes it any more.
	ErrCaseClosed = &Error{Kind: KindConflict, Code: "case_closed", Message: "the case is closed"}
	// ErrCaseTransition: the case cannot move to that status.
	ErrCaseTransition = &Error{Kind: KindInvalid, Code: "case_transition_invalid", Message: "the case cannot move to that status", Param: "status"}
	// ErrOfficerNotCertified: deciding needs a valid certificate of the named course.
	ErrOfficerNotCertified = &Error{Kind: KindRefused, Code: "officer_not_certified", Message: "deciding a case needs a valid certificate of the required course"}
)
