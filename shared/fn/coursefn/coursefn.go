// Package coursefn wires the course and certificate routes that sign or
// verify certificates (KMS) over package core alone, so they link the
// course service, not every adapter package fn holds (issue 18). Reading
// progress signs nothing (coursefn/progressfn).
package coursefn

import (
	"context"
	"fmt"
	"time"

	"github.com/stablegate/stablegate/shared/api/courseapi"
	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kmssign"
)

// coursesAPI builds the course handlers: the table, CERT_SIGNER_KEY_ID (the
// KMS key that signs certificates, ES256) and the assessment policy:
// COURSE_COOLDOWN_MINUTES after a failed attempt (60), COURSE_DAILY_CAP
// attempts begun per course and day (3), CERT_VALIDITY_DAYS (365).
func coursesAPI(env core.Env) (courseapi.Courses, error) {
	st, err := core.Store(env)
	if err != nil {
		return courseapi.Courses{}, err
	}
	kc, err := kmsfn.Client(env)
	if err != nil {
		return courseapi.Courses{}, err
	}
	var cfg courses.Config
	for name, set := range map[string]func(int){
		"COURSE_COOLDOWN_MINUTES": func(n int) { cfg.Cooldown = time.Duration(n) * time.Minute },
		"COURSE_DAILY_CAP":        func(n int) { cfg.DailyCap = n },
		"CERT_VALIDITY_DAYS":      func(n int) { cfg.Validity = time.Duration(n) * 24 * time.Hour },
	} {
		if v := env(name); v != "" {
			var n int
			if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
				return courseapi.Courses{}, fmt.Errorf("fn: %s %q is not a positive number", name, v)
			}
			set(n)
		}
	}
	signer := &kmssign.TokenSigner{KMS: kc, KeyID: env("CERT_SIGNER_KEY_ID")}
	return courseapi.Courses{Svc: &courses.Service{Store: st.Courses, Signer: signer, Now: time.Now, Config: cfg}}, nil
}

// CoursesAttempt builds POST /v1/courses/{course_id}/attempts (draw) and
// POST /v1/courses/{course_id}/attempts/{attempt_id}/answers (grade).
func CoursesAttempt(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	c, err := coursesAPI(env)
	return httpapi.Wrap("courses-attempt", c.Route), err
}

// CertificatesGet builds GET /v1/certificates/{certificate_id} and the
// public POST /v1/certificate-verifications and GET /v1/certificate-keys.
func CertificatesGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	c, err := coursesAPI(env)
	return httpapi.Wrap("certificates-get", c.CertificateRoute), err
}
