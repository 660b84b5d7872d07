package fn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kmssign"
)

// coursesAPI builds the course handlers: the table and CERT_SIGNER_KEY_ID,
// the KMS key that signs certificates.
func coursesAPI(env Env) (api.Courses, error) {
	st, err := Store(env)
	if err != nil {
		return api.Courses{}, err
	}
	kc, err := KMSClient(env)
	if err != nil {
		return api.Courses{}, err
	}
	signer := &kmssign.P256{KMS: kc, KeyID: env("CERT_SIGNER_KEY_ID")}
	return api.Courses{Svc: &courses.Service{Store: st.Courses, Signer: signer, Now: time.Now}}, nil
}

// CoursesAttempt builds POST /v1/courses/{course_id}/attempts.
func CoursesAttempt(ctx context.Context, env Env) (httpapi.Handler, error) {
	c, err := coursesAPI(env)
	return httpapi.Wrap("courses-attempt", c.Attempt), err
}

// CoursesProgress builds GET /v1/courses/progress.
func CoursesProgress(ctx context.Context, env Env) (httpapi.Handler, error) {
	c, err := coursesAPI(env)
	return httpapi.Wrap("courses-progress", c.Progress), err
}

// CertificatesGet builds GET /v1/certificates/{certificate_id}.
func CertificatesGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	c, err := coursesAPI(env)
	return httpapi.Wrap("certificates-get", c.Certificate), err
}
