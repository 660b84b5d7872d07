// Package courseapi is the HTTP shape of the courses and certificates: its
// own package so that the other routes, which link package api, link
// neither the course banks nor their YAML parser (issue 18).
package courseapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Courses serves assessments, progress and certificates.
type Courses struct {
	Svc *courses.Service
}

// StartRequest is the body of POST /v1/courses/{course_id}/attempts.
type StartRequest struct {
	Name string `json:"name" validate:"required,max=100"`
	// Lang is the language of the questions and topic feedback: en (the
	// default) or zh. Grading is by option and the same in every language.
	Lang string `json:"lang" validate:"omitempty,oneof=en zh"`
}

// AnswersRequest is the body of POST /v1/courses/{course_id}/attempts/{attempt_id}/answers.
type AnswersRequest struct {
	Answers map[string]string `json:"answers" validate:"required,max=50,dive,keys,min=1,max=40,endkeys,max=1"`
}

// OptionView is one option of a question as shown.
type OptionView struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// QuestionView is a question of an attempt as shown.
type QuestionView struct {
	ID      string       `json:"id"`
	Text    string       `json:"text"`
	Options []OptionView `json:"options"`
}

// OpenAttemptView is a drawn attempt: the questions to answer.
type OpenAttemptView struct {
	ID          string         `json:"id"`
	Object      string         `json:"object"`
	CourseID    string         `json:"course_id"`
	Name        string         `json:"name"`
	PassPercent int            `json:"pass_percent"`
	Questions   []QuestionView `json:"questions"`
	StartedAt   string         `json:"started_at"`
	ExpiresAt   string         `json:"expires_at"`
}

// CertificateView is a certificate in the API's shape: the learner's name,
// the score band (never the exact score) and its dates, in RFC 3339 and in
// words; Token is its signed form (a compact JWS anyone can verify).
type CertificateView struct {
	ID          string `json:"id"`
	Object      string `json:"object"`
	Name        string `json:"name"`
	CourseID    string `json:"course_id"`
	CourseTitle string `json:"course_title"`
	Band        string `json:"band"`
	IssuedAt    string `json:"issued_at"`
	ExpiresAt   string `json:"expires_at"`
	IssuedOn    string `json:"issued_on"`
	ExpiresOn   string `json:"expires_on"`
	Token       string `json:"token"`
}

// HumanDate writes a date as people read it: 7 December 2026.
func HumanDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 January 2006")
}

func viewCert(c courses.Certificate) *CertificateView {
	v := &CertificateView{ID: c.ID, Object: "certificate", Name: c.Name, CourseID: c.Course, CourseTitle: c.CourseTitle, Band: c.Band,
		IssuedAt: c.IssuedAt.UTC().Format(time.RFC3339), IssuedOn: HumanDate(c.IssuedAt), ExpiresOn: HumanDate(c.ExpiresAt), Token: c.Token}
	if !c.ExpiresAt.IsZero() {
		v.ExpiresAt = c.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return v
}

// ReviewView is a topic to review, with its lesson.
type ReviewView struct {
	Topic  string `json:"topic"`
	Title  string `json:"title"`
	Lesson string `json:"lesson"`
}

// AttemptView is a graded attempt: the score and the topics to review,
// never which question was right.
type AttemptView struct {
	ID          string           `json:"id"`
	Object      string           `json:"object"`
	CourseID    string           `json:"course_id"`
	Correct     int              `json:"correct"`
	Total       int              `json:"total"`
	Score       int              `json:"score"`
	PassPercent int              `json:"pass_percent"`
	Passed      bool             `json:"passed"`
	Review      []ReviewView     `json:"review"`
	Certificate *CertificateView `json:"certificate"`
	CreatedAt   string           `json:"created_at"`
}

// Route serves the attempt routes of courses-attempt.
func (h Courses) Route(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if req.RouteKey == "POST /v1/courses/{course_id}/attempts/{attempt_id}/answers" {
		return h.Answer(ctx, req)
	}
	return h.Start(ctx, req)
}

// Start is POST /v1/courses/{course_id}/attempts: draw an attempt (or show
// the open one again).
func (h Courses) Start(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body StartRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	d, err := h.Svc.Start(ctx, p.TenantID, p.Subject, req.PathParameters["course_id"], body.Name, body.Lang)
	var ref *courses.Refusal
	if errors.As(err, &ref) {
		resp := httpapi.Fail(ctx, req, ref)
		resp.Headers["retry-after"] = strconv.FormatInt(max(1, int64(ref.Until.Sub(h.Svc.Now()).Seconds()+0.999)), 10)
		return resp, nil
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	v := OpenAttemptView{ID: d.ID, Object: "course_attempt_open", CourseID: d.Course, Name: d.Name, PassPercent: d.PassPercent,
		StartedAt: d.StartedAt.Format(time.RFC3339), ExpiresAt: d.ExpiresAt.Format(time.RFC3339)}
	for _, q := range d.Questions {
		qv := QuestionView{ID: q.ID, Text: q.Text}
		for _, o := range q.Options {
			qv.Options = append(qv.Options, OptionView{ID: o.ID, Text: o.Text})
		}
		v.Questions = append(v.Questions, qv)
	}
	return httpapi.JSON(http.StatusCreated, v), nil
}

// Answer is POST /v1/courses/{course_id}/attempts/{attempt_id}/answers:
// grade the open attempt.
func (h Courses) Answer(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body AnswersRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	course, attempt := req.PathParameters["course_id"], req.PathParameters["attempt_id"]
	status, raw, replayed, err := h.Svc.Submit(ctx, p.TenantID, p.Subject, course, attempt, key,
		httpapi.RequestHash(courses.OpAttempt+"/"+course+"/"+attempt, body), body.Answers,
		func(r courses.Result) (int, []byte, error) {
			v := AttemptView{ID: r.ID, Object: "course_attempt", CourseID: r.Course, Correct: r.Correct, Total: r.Total,
				Score: r.Percent, PassPercent: r.PassPercent, Passed: r.Passed, Review: []ReviewView{}, CreatedAt: r.At.Format(time.RFC3339)}
			for _, t := range r.Review {
				v.Review = append(v.Review, ReviewView{Topic: t.Topic, Title: t.Title, Lesson: t.Lesson})
			}
			if r.Certificate != nil {
				v.Certificate = viewCert(*r.Certificate)
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
	ids := make([]string, 0, len(courses.Banks()))
	for id := range courses.Banks() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := ProgressView{Object: "course_progress", Learner: p.Subject}
	for _, id := range ids {
		pr := ps[id]
		row := ProgressRow{CourseID: id, Title: courses.Banks()[id].Title, Attempts: pr.Attempts, BestScore: pr.BestPercent, Passed: pr.Passed}
		if pr.CertificateID != "" {
			c := pr.CertificateID
			row.CertificateID = &c
		}
		out.Courses = append(out.Courses, row)
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// CertificateCheck is a certificate with the outcome of its check.
type CertificateCheck struct {
	Object      string           `json:"object"`
	Valid       bool             `json:"valid"`
	Reason      *string          `json:"reason"`
	Certificate *CertificateView `json:"certificate"`
}

func checkView(c courses.Check) CertificateCheck {
	out := CertificateCheck{Object: "certificate_check", Valid: c.Valid}
	if c.Reason != "" {
		r := c.Reason
		out.Reason = &r
	}
	if c.Certificate.ID != "" {
		out.Certificate = viewCert(c.Certificate)
	}
	return out
}

// CertificateRoute serves certificates-get's routes: a tenant's certificate
// by id, and the public check and key set.
func (h Courses) CertificateRoute(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	switch req.RouteKey {
	case "POST /v1/certificate-verifications":
		return h.PublicVerify(ctx, req)
	case "GET /v1/certificate-keys":
		return h.Keys(ctx, req)
	}
	return h.Certificate(ctx, req)
}

// Certificate is GET /v1/certificates/{certificate_id}: the certificate and
// whether it verifies (signature, record, expiry).
func (h Courses) Certificate(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Svc.Verify(ctx, p.TenantID, req.PathParameters["certificate_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, checkView(c)), nil
}

// VerifyRequest is the body of POST /v1/certificate-verifications.
type VerifyRequest struct {
	Certificate string `json:"certificate" validate:"required,max=4096"`
}

// PublicVerify is POST /v1/certificate-verifications, open to anyone (no
// token): whether a certificate token is one the platform issued, signed
// by its published key and not expired.
func (h Courses) PublicVerify(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body VerifyRequest
	if err := httpapi.Decode(req, &body, 8<<10); err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Svc.Public(ctx, body.Certificate)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, checkView(c)), nil
}

// Keys is GET /v1/certificate-keys, open to anyone: the JWK set that
// verifies certificates offline.
func (h Courses) Keys(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	jwk, err := h.Svc.Signer.JWK(ctx)
	if err != nil {
		return httpapi.Response{}, sg.ErrUnavailable.Because("api.Keys", err)
	}
	resp := httpapi.JSON(http.StatusOK, map[string]any{"keys": []map[string]string{jwk}})
	resp.Headers["cache-control"] = "public, max-age=3600"
	return resp, nil
}
