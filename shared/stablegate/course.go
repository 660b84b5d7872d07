package stablegate

import (
	"fmt"
	"strings"
	"time"
)

// CourseAttempt is one graded attempt at a course's assessment: the
// questions it asked (drawn from the course's bank, options shuffled) and
// how it went.
type CourseAttempt struct {
	ID, Tenant, Learner, Course string
	Name                        string // the learner's name as given when the attempt began
	Questions                   []AskedQuestion
	Correct, Total, Percent     int
	Passed                      bool
	Certificate                 *Certificate
	At                          time.Time
}

// AskedQuestion is one question of an attempt as the learner saw it: the
// bank's question id and the order its options were shown in (Order[i] is
// the bank index of the i-th option shown; bank index 0 is the answer).
type AskedQuestion struct {
	ID    string `json:"id"`
	Order []int  `json:"order"`
}

// OpenAttempt is an attempt drawn and not yet answered.
type OpenAttempt struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Questions []AskedQuestion `json:"questions"`
	StartedAt time.Time       `json:"started_at"`
	// Lang is the language the attempt was begun in (its topic feedback's);
	// "" is English.
	Lang string `json:"lang,omitempty"`
}

// Certificate proves a learner passed a course. Token is its signed form, a
// compact JWS (ES256, by the KMS certificate key) anyone can check against
// the published key; Signature is the legacy v1 signature over Message()
// (certificates issued before the JWS form).
type Certificate struct {
	ID, Tenant, Learner, Course, CourseTitle string
	Name                                     string // the learner's name, as given at the attempt
	Band                                     string // the score band shown (pass, merit, distinction)
	Percent                                  int    // the exact score: kept, never shown on the certificate
	IssuedAt, ExpiresAt                      time.Time
	Token                                    string
	Signature                                []byte
}

// Message is what a legacy certificate's signature covers.
func (c Certificate) Message() []byte {
	return []byte(strings.Join([]string{"stablegate-certificate/v1", c.ID, c.Tenant, c.Learner, c.Course,
		fmt.Sprint(c.Percent), c.IssuedAt.UTC().Format(time.RFC3339)}, "\n"))
}

// CourseProgress is a learner's standing in one course. Rev counts its
// writes (the guard against concurrent ones); Day and DayStarts count the
// attempts begun on one UTC day; FailedAt is when the last attempt failed.
type CourseProgress struct {
	Course        string
	Attempts      int
	BestPercent   int
	Passed        bool
	CertificateID string
	Rev           int
	Day           string
	DayStarts     int
	FailedAt      time.Time
	Open          *OpenAttempt
}

// ErrCertificateNotFound: no such certificate (or another tenant's).
var ErrCertificateNotFound = &Error{Kind: KindNotFound, Code: "certificate_not_found", Message: "no such certificate", Param: "certificate_id"}
