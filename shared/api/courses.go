package api

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// Courses serves graded assessments, progress and certificates.
type Courses struct {
	Svc *courses.Service
}

// AttemptRequest is the body of POST /v1/courses/{course_id}/attempts.
type AttemptRequest struct {
	Answers map[string]string `json:"answers" validate:"required,max=50,dive,keys,min=1,max=10,endkeys,max=1"`
}

// CertificateView is a certificate in the API's shape.
type CertificateView struct {
	ID          string `json:"id"`
	Object      string `json:"object"`
	Learner     string `json:"learner"`
	CourseID    string `json:"course_id"`
	CourseTitle string `json:"course_title"`
	Score       int    `json:"score"`
	IssuedAt    string `json:"issued_at"`
	Signature   []byte `json:"signature"`
}

func viewCert(c courses.Certificate) *CertificateView {
	return &CertificateView{ID: c.ID, Object: "certificate", Learner: c.Learner, CourseID: c.Course, CourseTitle: c.CourseTitle,
		Score: c.Percent, IssuedAt: c.IssuedAt.Format(time.RFC3339), Signature: c.Signature}
}

// AttemptView is a graded attempt.
type AttemptView struct {
	ID          string           `json:"id"`
	Object      string           `json:"object"`
	CourseID    string           `json:"course_id"`
	Learner     string           `json:"learner"`
	Correct     int              `json:"correct"`
	Total       int              `json:"total"`
	Score       int              `json:"score"`
	Passed      bool             `json:"passed"`
	Certificate *CertificateView `json:"certificate"`
	CreatedAt   string           `json:"created_at"`
}

// Attempt is POST /v1/courses/{course_id}/attempts.
func (h Courses) Attempt(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body AttemptRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	course := req.PathParameters["course_id"]
	status, raw, replayed, err := h.Svc.Submit(ctx, p.TenantID, p.Subject, course, key, httpapi.RequestHash(courses.OpAttempt+"/"+course, body), body.Answers,
		func(a courses.Attempt) (int, []byte, error) {
			v := AttemptView{ID: a.ID, Object: "course_attempt", CourseID: a.Course, Learner: a.Learner, Correct: a.Correct, Total: a.Total,
				Score: a.Percent, Passed: a.Passed, CreatedAt: a.At.Format(time.RFC3339)}
			if a.Certificate != nil {
				v.Certificate = viewCert(*a.Certificate)
			}
			b, err := json.Marshal(v)
			return http.StatusCreated, b, err
		})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.Raw(status, raw)
	if replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// ProgressRow is a learner's standing in one course.
type ProgressRow struct {
	CourseID      string  `json:"course_id"`
	Title         string  `json:"title"`
	Attempts      int     `json:"attempts"`
	BestScore     int     `json:"best_score"`
	Passed        bool    `json:"passed"`
	CertificateID *string `json:"certificate_id"`
}

// ProgressView is a learner's standing in every course.
type ProgressView struct {
	Object  string        `json:"object"`
	Learner string        `json:"learner"`
	Courses []ProgressRow `json:"courses"`
}

// Progress is GET /v1/courses/progress: the caller's standing per course.
func (h Courses) Progress(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	ps, err := h.Svc.Store.Progress(ctx, p.TenantID, p.Subject)
	if err != nil {
		return httpapi.Response{}, err
	}
	ids := make([]string, 0, len(courses.Keys))
	for id := range courses.Keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := ProgressView{Object: "course_progress", Learner: p.Subject}
	for _, id := range ids {
		pr := ps[id]
		row := ProgressRow{CourseID: id, Title: courses.Keys[id].Title, Attempts: pr.Attempts, BestScore: pr.BestPercent, Passed: pr.Passed}
		if pr.CertificateID != "" {
			c := pr.CertificateID
			row.CertificateID = &c
		}
		out.Courses = append(out.Courses, row)
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// CertificateCheck is a certificate with the outcome of its signature check.
type CertificateCheck struct {
	Object      string          `json:"object"`
	Valid       bool            `json:"valid"`
	Certificate CertificateView `json:"certificate"`
}

// Certificate is GET /v1/certificates/{certificate_id}: the certificate and
// whether its signature verifies.
func (h Courses) Certificate(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, ok, err := h.Svc.Verify(ctx, p.TenantID, req.PathParameters["certificate_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, CertificateCheck{Object: "certificate_check", Valid: ok, Certificate: *viewCert(c)}), nil
}
