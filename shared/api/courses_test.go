package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stablegate/stablegate/shared/courses"
)

// hmacSigner signs certificates with an HMAC key (KMS's key in the stack).
type hmacSigner []byte

func (k hmacSigner) Sign(_ context.Context, msg []byte) ([]byte, error) {
	m := hmac.New(sha256.New, k)
	m.Write(msg)
	return m.Sum(nil), nil
}

func (k hmacSigner) Verify(ctx context.Context, msg, sig []byte) (bool, error) {
	want, _ := k.Sign(ctx, msg)
	return hmac.Equal(want, sig), nil
}

const testCourse = "kyc-aml"

// courseAnswers gives the course's key with the first wrong answers wrong.
func courseAnswers(wrong int) string {
	k := courses.Keys[testCourse]
	out := map[string]string{}
	for i := 1; i <= len(k.Answers); i++ {
		q := fmt.Sprintf("q%d", i)
		out[q] = k.Answers[q]
		if i <= wrong {
			out[q] = map[string]string{"a": "b", "b": "c", "c": "d", "d": "a"}[out[q]]
		}
	}
	b, _ := json.Marshal(map[string]any{"answers": out})
	return string(b)
}

func TestCourseAttemptProgressAndCertificate(t *testing.T) {
	e := newEnv(t)
	h := Courses{Svc: &courses.Service{Store: e.st, Signer: hmacSigner("key-1"), Now: e.clock.Now}}
	path := map[string]string{"course_id": testCourse}

	fail := e.do("courses-attempt", h.Attempt, call{key: "c-1", path: path, body: courseAnswers(2)})
	fail.wantOK(t, 201)
	var fv AttemptView
	fail.decode(t, &fv)
	if fv.Object != "course_attempt" || fv.Passed || fv.Certificate != nil || fv.Score != 60 || fv.Learner != "alice" || fv.CourseID != testCourse {
		t.Fatalf("a failed attempt %s", fail.body)
	}

	pass := e.do("courses-attempt", h.Attempt, call{key: "c-2", path: path, body: courseAnswers(1)})
	pass.wantOK(t, 201)
	var pv AttemptView
	pass.decode(t, &pv)
	if !pv.Passed || pv.Score != 80 || pv.Certificate == nil || pv.Certificate.Learner != "alice" || len(pv.Certificate.Signature) == 0 {
		t.Fatalf("a passed attempt %s", pass.body)
	}
	again := e.do("courses-attempt", h.Attempt, call{key: "c-2", path: path, body: courseAnswers(1)})
	if again.status != 201 || again.headers["idempotent-replayed"] != "true" || again.body != pass.body {
		t.Fatalf("retry %d %v %s", again.status, again.headers, again.body)
	}
	e.do("courses-attempt", h.Attempt, call{key: "c-2", path: path, body: courseAnswers(0)}).wantError(t, 409, "idempotency_key_reused", "Idempotency-Key")

	pr := e.do("courses-progress", h.Progress, call{})
	pr.wantOK(t, 200)
	var prog ProgressView
	pr.decode(t, &prog)
	var row *ProgressRow
	for i := range prog.Courses {
		if prog.Courses[i].CourseID == testCourse {
			row = &prog.Courses[i]
		}
	}
	if prog.Learner != "alice" || len(prog.Courses) != len(courses.Keys) || row == nil || row.Attempts != 2 || row.BestScore != 80 || !row.Passed ||
		row.CertificateID == nil || *row.CertificateID != pv.Certificate.ID {
		t.Fatalf("progress %s", pr.body)
	}

	cert := map[string]string{"certificate_id": pv.Certificate.ID}
	c := e.do("certificates-get", h.Certificate, call{path: cert})
	c.wantOK(t, 200)
	var cc CertificateCheck
	c.decode(t, &cc)
	if !cc.Valid || cc.Certificate.ID != pv.Certificate.ID || cc.Certificate.Score != 80 {
		t.Fatalf("certificate %s", c.body)
	}
	// Checked with another key, the signature does not verify.
	other := Courses{Svc: &courses.Service{Store: e.st, Signer: hmacSigner("key-2"), Now: e.clock.Now}}
	var oc CertificateCheck
	e.do("certificates-get", other.Certificate, call{path: cert}).decode(t, &oc)
	if oc.Valid {
		t.Fatal("a certificate verifies under another key")
	}

	cases := []struct {
		name        string
		route       func() reply
		status      int
		code, param string
	}{
		{"another tenant's certificate", func() reply { return e.do("certificates-get", h.Certificate, call{tenant: "globex", path: cert}) }, 404, "certificate_not_found", "certificate_id"},
		{"an unknown course", func() reply {
			return e.do("courses-attempt", h.Attempt, call{key: "c-3", path: map[string]string{"course_id": "astrology"}, body: courseAnswers(0)})
		}, 404, "course_not_found", "course_id"},
		{"an unanswered question", func() reply {
			return e.do("courses-attempt", h.Attempt, call{key: "c-4", path: path, body: `{"answers":{"q1":"a"}}`})
		}, 400, "validation_failed", "answers.q2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.route().wantError(t, c.status, c.code, c.param) })
	}
}
