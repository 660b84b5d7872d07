package storetest

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/courses"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func attempt(tenant, learner, course string, percent int, passed bool) courses.Attempt {
	at := time.Now().UTC().Truncate(time.Second)
	return courses.Attempt{ID: sg.NewKeyedID("att", at, tenant, courses.OpAttempt, "k-"+randHex(6)), Tenant: tenant, Learner: learner, Course: course,
		Correct: percent / 10, Total: 10, Percent: percent, Passed: passed, At: at}
}

func attemptIdem(tenant string) sg.Idempotency {
	return sg.Idempotency{TenantID: tenant, Operation: courses.OpAttempt, Key: "k-" + randHex(6), RequestHash: "h", Status: 201, Response: []byte(`{}`)}
}

// aCourse is a course of the banks.
func aCourse(t *testing.T) (string, courses.Bank) {
	t.Helper()
	for id, k := range courses.Banks() {
		return id, k
	}
	t.Fatal("no course in the banks")
	return "", courses.Bank{}
}

// next is the progress after a over before, as the service writes it.
func next(before courses.Progress, a courses.Attempt) courses.Progress {
	after := before
	after.Course, after.Open = a.Course, nil
	after.Attempts++
	after.BestPercent = max(before.BestPercent, a.Percent)
	after.Passed = before.Passed || a.Passed
	if a.Certificate != nil {
		after.CertificateID = a.Certificate.ID
	}
	return after
}

// save is SaveAttempt with the progress after computed.
func save(st Store, a courses.Attempt, before courses.Progress, idem sg.Idempotency) error {
	return st.SaveAttempt(ctx, a, before, next(before, a), idem)
}

var courseCases = []Case{
	{"Courses/a drawn attempt is kept in the progress, guarded by its revision", func(t *testing.T, st Store) {
		tn, learner := tenant(), "sub-"+randHex(4)
		course, _ := aCourse(t)
		at := time.Now().UTC().Truncate(time.Second)
		open := &sg.OpenAttempt{ID: sg.NewID("att", at), Name: "Ada", StartedAt: at, Lang: "zh", Questions: []sg.AskedQuestion{{ID: "q1", Order: []int{2, 0, 3, 1}}}}
		p := courses.Progress{Course: course, Day: "2026-03-02", DayStarts: 1, FailedAt: at.Add(-time.Hour), Open: open}
		must(t, "StartProgress", st.StartProgress(ctx, tn, learner, courses.Progress{Course: course}, p))
		wantErr(t, "a racing draw", st.StartProgress(ctx, tn, learner, courses.Progress{Course: course}, p), sg.ErrStateChanged)
		ps, err := st.Progress(ctx, tn, learner)
		must(t, "Progress", err)
		got := ps[course]
		if got.Rev != 1 || got.Day != p.Day || got.DayStarts != 1 || !got.FailedAt.Equal(p.FailedAt) || got.Open == nil ||
			got.Open.ID != open.ID || got.Open.Name != "Ada" || got.Open.Lang != "zh" || len(got.Open.Questions) != 1 || fmt.Sprint(got.Open.Questions[0].Order) != "[2 0 3 1]" {
			t.Fatalf("progress = %+v; want the open attempt kept", got)
		}
		a := attempt(tn, learner, course, 50, false)
		a.Questions = open.Questions
		must(t, "grading it", save(st, a, got, attemptIdem(tn)))
		ps, _ = st.Progress(ctx, tn, learner)
		if g := ps[course]; g.Rev != 2 || g.Open != nil || g.Attempts != 1 {
			t.Fatalf("after grading: %+v", g)
		}
		wantErr(t, "a stale write", st.StartProgress(ctx, tn, learner, got, got), sg.ErrStateChanged)
	}},
	{"Courses/an attempt moves progress only from what it was graded against, with its idempotency record", func(t *testing.T, st Store) {
		tn, learner := tenant(), "sub-"+randHex(4)
		course, _ := aCourse(t)
		first := attemptIdem(tn)
		must(t, "first attempt", save(st, attempt(tn, learner, course, 40, false), courses.Progress{}, first))
		rec, err := st.Idempotency(ctx, tn, courses.OpAttempt, first.Key)
		must(t, "Idempotency", err)
		if rec.Status != 201 || rec.RequestHash != "h" {
			t.Fatalf("idempotency record = %+v", rec)
		}
		// A racing attempt graded against the same (empty) progress loses.
		wantErr(t, "a racing first attempt", save(st, attempt(tn, learner, course, 90, true), courses.Progress{}, attemptIdem(tn)), sg.ErrStateChanged)
		wantErr(t, "the same key again", save(st, attempt(tn, learner, course, 90, true), courses.Progress{Attempts: 1}, first), sg.ErrIdempotencyInProgress)
		ps, err := st.Progress(ctx, tn, learner)
		must(t, "Progress", err)
		p := ps[course]
		if len(ps) != 1 || p.Attempts != 1 || p.BestPercent != 40 || p.Passed || p.CertificateID != "" || p.Course != course {
			t.Fatalf("progress = %+v; want one attempt at 40%%", ps)
		}
		must(t, "second attempt", save(st, attempt(tn, learner, course, 30, false), p, attemptIdem(tn)))
		ps, _ = st.Progress(ctx, tn, learner)
		if p := ps[course]; p.Attempts != 2 || p.BestPercent != 40 {
			t.Fatalf("progress after a worse attempt = %+v; want 2 attempts, best 40%%", p)
		}
		if other, _ := st.Progress(ctx, tn, "sub-other"); len(other) != 0 {
			t.Fatalf("another learner's progress = %v", other)
		}
		if other, _ := st.Progress(ctx, tenant(), learner); len(other) != 0 {
			t.Fatalf("the learner's progress under another tenant = %v", other)
		}
	}},
	{"Courses/a pass keeps its certificate, once, in its tenant", func(t *testing.T, st Store) {
		tn, learner := tenant(), "sub-"+randHex(4)
		course, key := aCourse(t)
		a := attempt(tn, learner, course, 90, true)
		c := courses.Certificate{ID: sg.NewID("cert", a.At), Tenant: tn, Learner: learner, Course: course, CourseTitle: key.Title, Percent: 90,
			IssuedAt: a.At, ExpiresAt: a.At.AddDate(1, 0, 0), Name: "Ada Lovelace", Band: "merit", Token: "h.p.s", Signature: []byte{0x30, 1, 2}}
		a.Certificate = &c
		must(t, "passing attempt", save(st, a, courses.Progress{}, attemptIdem(tn)))
		got, err := st.Certificate(ctx, tn, c.ID)
		must(t, "Certificate", err)
		if got.ID != c.ID || got.Learner != learner || got.Course != course || got.CourseTitle != key.Title || got.Percent != 90 ||
			!got.IssuedAt.Equal(c.IssuedAt) || !bytes.Equal(got.Signature, c.Signature) || !bytes.Equal(got.Message(), c.Message()) ||
			!got.ExpiresAt.Equal(c.ExpiresAt) || got.Name != c.Name || got.Band != c.Band || got.Token != c.Token {
			t.Fatalf("Certificate = %+v; want %+v", got, c)
		}
		_, err = st.Certificate(ctx, tenant(), c.ID)
		wantErr(t, "another tenant's certificate", err, courses.ErrCertNotFound)
		ps, _ := st.Progress(ctx, tn, learner)
		if p := ps[course]; !p.Passed || p.CertificateID != c.ID || p.BestPercent != 90 {
			t.Fatalf("progress = %+v; want passed with %s", p, c.ID)
		}
		// The same certificate issued again is refused, and nothing of the
		// attempt is written.
		b := attempt(tn, learner, course, 100, true)
		b.Certificate = &c
		idem := attemptIdem(tn)
		wantErr(t, "a certificate issued twice", save(st, b, ps[course], idem), sg.ErrStateChanged)
		_, err = st.Idempotency(ctx, tn, courses.OpAttempt, idem.Key)
		wantErr(t, "the refused attempt's idempotency record", err, sg.ErrNotFound)
		ps, _ = st.Progress(ctx, tn, learner)
		if p := ps[course]; p.Attempts != 1 || p.BestPercent != 90 {
			t.Fatalf("progress after a refused attempt = %+v; want it unchanged", p)
		}
		// A later pass keeps the first certificate.
		must(t, "a later pass", save(st, attempt(tn, learner, course, 100, true), ps[course], attemptIdem(tn)))
		ps, _ = st.Progress(ctx, tn, learner)
		if p := ps[course]; p.CertificateID != c.ID || p.BestPercent != 100 || p.Attempts != 2 {
			t.Fatalf("progress after a later pass = %+v; want %s kept, best 100%%", p, c.ID)
		}
	}},
}
