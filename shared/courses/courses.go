// Package courses grades the compliance micro-courses' assessments. The
// answer keys live here, embedded in the function that grades, and never in
// the portal: the portal shows the questions (courses/<id>/assessment.md),
// this package knows the answers. A learner is the token's subject within
// its tenant; a pass earns one certificate per course, signed in KMS.
package courses

import (
	"context"
	_ "embed"
	"encoding/json"
	"sort"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

//go:embed keys.json
var keysJSON []byte

// Key is one course's answer key.
type Key struct {
	Title       string            `json:"title"`
	PassPercent int               `json:"pass_percent"`
	Answers     map[string]string `json:"answers"`
}

// Keys are the courses' answer keys by course id.
var Keys = func() map[string]Key {
	var k map[string]Key
	if err := json.Unmarshal(keysJSON, &k); err != nil {
		panic(err)
	}
	return k
}()

// Named rejections.
var (
	ErrCourseNotFound = &sg.Error{Kind: sg.KindNotFound, Code: "course_not_found", Message: "no such course", Param: "course_id"}
	ErrAnswers        = &sg.Error{Kind: sg.KindInvalid, Code: "validation_failed", Message: "answer every question of the assessment with one of its options"}
	ErrCertNotFound   = sg.ErrCertificateNotFound
)

// The records and the store of courses are the domain's.
type (
	Attempt     = sg.CourseAttempt
	Certificate = sg.Certificate
	Progress    = sg.CourseProgress
	Store       = sg.CourseStore
)

// Signer signs and verifies certificates (KMS).
type Signer interface {
	Sign(ctx context.Context, msg []byte) ([]byte, error)
	Verify(ctx context.Context, msg, sig []byte) (bool, error)
}

// Service grades attempts.
type Service struct {
	Store  Store
	Signer Signer
	Now    func() time.Time
}

// Grade scores answers against course's key: every question answered with
// one letter, no extra question.
func Grade(course string, answers map[string]string) (correct, total int, err error) {
	k, ok := Keys[course]
	if !ok {
		return 0, 0, ErrCourseNotFound
	}
	ids := make([]string, 0, len(k.Answers))
	for q := range k.Answers {
		ids = append(ids, q)
	}
	sort.Strings(ids)
	for _, q := range ids {
		a, ok := answers[q]
		if !ok || len(a) != 1 || a[0] < 'a' || a[0] > 'd' {
			return 0, 0, ErrAnswers.WithParam("answers." + q)
		}
		if a == k.Answers[q] {
			correct++
		}
	}
	for q := range answers {
		if _, ok := k.Answers[q]; !ok {
			return 0, 0, ErrAnswers.WithParam("answers." + q)
		}
	}
	return correct, len(ids), nil
}

// OpAttempt names attempts in idempotency records.
const OpAttempt = "courses.attempt"

// Render encodes an attempt as the response stored and replayed.
type Render func(Attempt) (int, []byte, error)

// Submit grades an attempt, records it with the learner's progress, and on
// the learner's first pass issues a signed certificate. The same
// Idempotency-Key replays the first answer.
func (s *Service) Submit(ctx context.Context, tenant, learner, course, key, reqHash string, answers map[string]string, render Render) (int, []byte, bool, error) {
	if rec, err := s.Store.Idempotency(ctx, tenant, OpAttempt, key); err == nil {
		if rec.RequestHash != reqHash {
			return 0, nil, false, sg.ErrIdempotencyKeyReused
		}
		return rec.Status, rec.Response, true, nil
	}
	correct, total, err := Grade(course, answers)
	if err != nil {
		return 0, nil, false, err
	}
	k := Keys[course]
	progress, err := s.Store.Progress(ctx, tenant, learner)
	if err != nil {
		return 0, nil, false, err
	}
	before := progress[course]
	now := s.Now().UTC().Truncate(time.Second)
	a := Attempt{ID: sg.NewKeyedID("att", now, tenant, OpAttempt, key), Tenant: tenant, Learner: learner, Course: course,
		Correct: correct, Total: total, Percent: correct * 100 / total, At: now}
	a.Passed = a.Percent >= k.PassPercent
	if a.Passed && !before.Passed {
		c := Certificate{ID: sg.NewID("cert", now), Tenant: tenant, Learner: learner, Course: course, CourseTitle: k.Title, Percent: a.Percent, IssuedAt: now}
		if c.Signature, err = s.Signer.Sign(ctx, c.Message()); err != nil {
			return 0, nil, false, err
		}
		a.Certificate = &c
	}
	status, body, err := render(a)
	if err != nil {
		return 0, nil, false, sg.Internal("courses.Submit", err)
	}
	err = s.Store.SaveAttempt(ctx, a, before, sg.Idempotency{TenantID: tenant, Operation: OpAttempt, Key: key, RequestHash: reqHash, Status: status, Response: body, CreatedAt: now})
	if err == sg.ErrIdempotencyInProgress {
		if rec, err := s.Store.Idempotency(ctx, tenant, OpAttempt, key); err == nil && rec.RequestHash == reqHash {
			return rec.Status, rec.Response, true, nil
		}
	}
	if err != nil {
		return 0, nil, false, err
	}
	return status, body, false, nil
}

// Verify reads a certificate of the tenant and checks its signature.
func (s *Service) Verify(ctx context.Context, tenant, id string) (Certificate, bool, error) {
	if !sg.ValidID("cert", id) {
		return Certificate{}, false, ErrCertNotFound
	}
	c, err := s.Store.Certificate(ctx, tenant, id)
	if err != nil {
		return c, false, err
	}
	ok, err := s.Signer.Verify(ctx, c.Message(), c.Signature)
	return c, ok, err
}
