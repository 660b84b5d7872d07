package stablegate

import (
	"fmt"
	"strings"
	"time"
)

// CourseAttempt is one graded attempt at a course's assessment.
type CourseAttempt struct {
	ID, Tenant, Learner, Course string
	Correct, Total, Percent     int
	Passed                      bool
	Certificate                 *Certificate
	At                          time.Time
}

// Certificate proves a learner passed a course. Signature is an ECDSA P-256
// signature (DER, by the KMS certificate key) over Message().
type Certificate struct {
	ID, Tenant, Learner, Course, CourseTitle string
	Percent                                  int
	IssuedAt                                 time.Time
	Signature                                []byte
}

// Message is what a certificate's signature covers.
func (c Certificate) Message() []byte {
	return []byte(strings.Join([]string{"stablegate-certificate/v1", c.ID, c.Tenant, c.Learner, c.Course,
		fmt.Sprint(c.Percent), c.IssuedAt.UTC().Format(time.RFC3339)}, "\n"))
}

// CourseProgress is a learner's standing in one course.
type CourseProgress struct {
	Course        string
	Attempts      int
	BestPercent   int
	Passed        bool
	CertificateID string
}

// ErrCertificateNotFound: no such certificate (or another tenant's).
var ErrCertificateNotFound = &Error{Kind: KindNotFound, Code: "certificate_not_found", Message: "no such certificate", Param: "certificate_id"}
