package courseapi

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/courses"
)

const testCourse = "kyc-aml"

func testSigner(t *testing.T) courses.LocalSigner {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return courses.LocalSigner{Key: k}
}

// answersFor answers an open attempt with the bank's answers, the first
// wrong ones wrong.
func answersFor(t *testing.T, o OpenAttemptView, wrong int) string {
	t.Helper()
	out := map[string]string{}
	for i, q := range o.Questions {
		var answer string
		for _, bq := range courses.Banks()[o.CourseID].Questions {
			if bq.ID == q.ID {
				answer = bq.Answer
			}
		}
		for _, opt := range q.Options {
			if (opt.Text == answer) != (i < wrong) {
				out[q.ID] = opt.ID
			}
		}
	}
	b, _ := json.Marshal(map[string]any{"answers": out})
	return string(b)
}

// An attempt through the handlers: drawn with the learner's name, its
// questions shown without answers; a failed answer gives the score and the
// topics to review with their lessons, names no question, and starts a
// cooldown refused with Retry-After; a pass earns a certificate with the
// name, band and dates in words, which verifies by id, publicly by its
// token (no token needed) against the published key set.
func TestCourseAttemptProgressAndCertificate(t *testing.T) {
	e := newEnv(t)
	h := Courses{Svc: &courses.Service{Store: e.st, Signer: testSigner(t), Now: e.clock.Now, Config: courses.Config{DailyCap: 10}}}
	path := map[string]string{"course_id": testCourse}
	start := func(name string) OpenAttemptView {
		r := e.do("courses-attempt", h.Start, call{path: path, body: `{"name":"` + name + `"}`})
		r.wantOK(t, 201)
		var o OpenAttemptView
		r.decode(t, &o)
		for _, bq := range courses.Banks()[testCourse].Questions {
			if strings.Contains(r.body, "distractors") || strings.Contains(r.body, `"order"`) || strings.Contains(r.body, `"answer"`) {
				t.Fatalf("the drawn attempt shows its key: %s", r.body)
			}
			_ = bq
		}
		return o
	}
	o := start("Ada Lovelace")
	if o.Object != "course_attempt_open" || len(o.Questions) != courses.Banks()[testCourse].Ask || o.PassPercent != 85 || o.Name != "Ada Lovelace" {
		t.Fatalf("drawn %+v", o)
	}
	answer := func(o OpenAttemptView, key string, wrong int) reply {
		return e.do("courses-attempt", h.Answer, call{key: key, path: map[string]string{"course_id": testCourse, "attempt_id": o.ID}, body: answersFor(t, o, wrong)})
	}
	fail := answer(o, "c-1", 3)
	fail.wantOK(t, 201)
	var fv AttemptView
	fail.decode(t, &fv)
	if fv.Passed || fv.Certificate != nil || fv.Correct != len(o.Questions)-3 || len(fv.Review) == 0 || !strings.HasPrefix(fv.Review[0].Lesson, "/courses/"+testCourse+"/") {
		t.Fatalf("a failed attempt %s", fail.body)
	}
	for _, q := range o.Questions {
		if strings.Contains(fail.body, q.ID) {
			t.Fatalf("the result names question %s: %s", q.ID, fail.body)
		}
	}
	cool := e.do("courses-attempt", h.Start, call{path: path, body: `{"name":"Ada Lovelace"}`})
	cool.wantError(t, 429, "assessment_cooldown", "")
	if cool.headers["retry-after"] != "3600" {
		t.Fatalf("cooldown Retry-After %q", cool.headers["retry-after"])
	}
	e.clock.Add(courses.DefaultCooldown)
	o = start("Ada Lovelace")
	pass := answer(o, "c-2", 0)
	pass.wantOK(t, 201)
	var pv AttemptView
	pass.decode(t, &pv)
	c := pv.Certificate
	if !pv.Passed || pv.Score != 100 || c == nil || c.Name != "Ada Lovelace" || c.Band != "distinction" || c.Token == "" ||
		c.IssuedOn == "" || c.ExpiresOn == "" || strings.Contains(pass.body, "alice") {
		t.Fatalf("a passed attempt %s", pass.body)
	}
	again := answer(o, "c-2", 0)
	if again.status != 201 || again.headers["idempotent-replayed"] != "true" || again.body != pass.body {
		t.Fatalf("retry %d %v %s", again.status, again.headers, again.body)
	}
	answer(o, "c-3", 0).wantError(t, 404, "attempt_not_found", "attempt_id")

	var cc CertificateCheck
	e.do("certificates-get", h.Certificate, call{path: map[string]string{"certificate_id": c.ID}}).decode(t, &cc)
	if !cc.Valid || cc.Certificate == nil || cc.Certificate.ID != c.ID {
		t.Fatalf("certificate check %+v", cc)
	}
	e.do("certificates-get", h.Certificate, call{tenant: "globex", path: map[string]string{"certificate_id": c.ID}}).wantError(t, 404, "certificate_not_found", "certificate_id")
	var pub CertificateCheck
	pr := e.do("certificates-get", h.PublicVerify, call{noClaim: true, body: `{"certificate":"` + c.Token + `"}`})
	pr.wantOK(t, 200)
	pr.decode(t, &pub)
	if !pub.Valid || pub.Certificate.Name != "Ada Lovelace" {
		t.Fatalf("public check %s", pr.body)
	}
	bad := c.Token[:len(c.Token)-3] + "AAA"
	e.do("certificates-get", h.PublicVerify, call{noClaim: true, body: `{"certificate":"` + bad + `"}`}).decode(t, &pub)
	if pub.Valid || pub.Reason == nil || pub.Certificate != nil {
		t.Fatalf("an altered certificate: %+v", pub)
	}
	var set struct{ Keys []map[string]string }
	e.do("certificates-get", h.Keys, call{noClaim: true}).decode(t, &set)
	if len(set.Keys) != 1 {
		t.Fatalf("key set %+v", set)
	}
	if _, reason := courses.VerifyToken(c.Token, set.Keys, e.clock.Now()); reason != "" {
		t.Fatalf("offline with the published set: %s", reason)
	}
	var prog ProgressView
	e.do("courses-progress", h.Progress, call{}).decode(t, &prog)
	for _, row := range prog.Courses {
		if row.CourseID == testCourse && (row.Attempts != 2 || !row.Passed || row.CertificateID == nil || *row.CertificateID != c.ID) {
			t.Fatalf("progress %+v", row)
		}
	}
	e.do("courses-attempt", h.Start, call{path: map[string]string{"course_id": "astrology"}, body: `{"name":"Ada"}`}).wantError(t, 404, "course_not_found", "course_id")
	_ = context.Background()
}

// An attempt begun with lang zh is asked in Chinese and its topic feedback
// names the topics in Chinese, linking the same language-free lesson paths;
// answered by the Chinese answers it passes. Another lang is refused by name.
func TestCourseAttemptInChinese(t *testing.T) {
	e := newEnv(t)
	h := Courses{Svc: &courses.Service{Store: e.st, Signer: testSigner(t), Now: e.clock.Now, Config: courses.Config{DailyCap: 10}}}
	path := map[string]string{"course_id": testCourse}
	e.do("courses-attempt", h.Start, call{path: path, body: `{"name":"李雷","lang":"fr"}`}).wantError(t, 400, "validation_failed", "lang")
	r := e.do("courses-attempt", h.Start, call{path: path, body: `{"name":"李雷","lang":"zh"}`})
	r.wantOK(t, 201)
	var o OpenAttemptView
	r.decode(t, &o)
	bank := courses.Banks()[testCourse]
	zhAnswer, zhTopics := map[string]string{}, map[string]string{}
	for _, bq := range bank.Questions {
		if strings.Contains(r.body, bq.Text) || strings.Contains(r.body, bq.Answer) {
			t.Fatalf("the Chinese attempt shows English: %s", r.body)
		}
		_, opts := bq.In("zh")
		zhAnswer[bq.ID] = opts[0]
	}
	for _, tp := range bank.Topics {
		zhTopics[tp.ID] = tp.TitleIn("zh")
	}
	out := map[string]string{}
	for i, q := range o.Questions {
		for _, opt := range q.Options {
			if (opt.Text == zhAnswer[q.ID]) != (i < 3) {
				out[q.ID] = opt.ID
			}
		}
	}
	body, _ := json.Marshal(map[string]any{"answers": out})
	fail := e.do("courses-attempt", h.Answer, call{key: "z-1", path: map[string]string{"course_id": testCourse, "attempt_id": o.ID}, body: string(body)})
	fail.wantOK(t, 201)
	var fv AttemptView
	fail.decode(t, &fv)
	if fv.Passed || fv.Correct != len(o.Questions)-3 || len(fv.Review) == 0 {
		t.Fatalf("a failed Chinese attempt %s", fail.body)
	}
	for _, rv := range fv.Review {
		if rv.Title != zhTopics[rv.Topic] || !strings.HasPrefix(rv.Lesson, "/courses/"+testCourse+"/") {
			t.Fatalf("Chinese feedback %+v", rv)
		}
	}
}
