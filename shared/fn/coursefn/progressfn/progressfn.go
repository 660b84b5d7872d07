// Package progressfn builds GET /v1/courses/progress over the course
// store alone: reading a learner's progress signs nothing, so it links no
// KMS client (the certificate signer is coursefn's, for the routes that
// grade and issue or verify certificates).
package progressfn

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/api/courseapi"
	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// CoursesProgress builds GET /v1/courses/progress.
func CoursesProgress(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	c := courseapi.Courses{Svc: &courses.Service{Store: st.Courses, Now: time.Now}}
	return httpapi.Wrap("courses-progress", c.Progress), nil
}
