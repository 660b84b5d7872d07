package storetest

import (
	"bytes"
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

// aCourse is a course of the answer keys (the adapter titles progress by it).
func aCourse(t *testing.T) (string, courses.Key) {
	t.Helper()
	for id, k := range courses.Keys {
		return id, k
	}
	t.Fatal("no course in the answer keys")
	return "", courses.Key{}
}

var courseCases = []Case{
	{"Courses/an attempt moves progress only from what it was graded against, with its idempotency record", func(t *testing.T, st Store) {
		tn, learner := tenant(), "sub-"+randHex(4)
		course, _ := aCourse(t)
		first := attemptIdem(tn)
		must(t, "first attempt", st.SaveAttempt(ctx, attempt(tn, learner, course, 40, false), courses.Progress{}, first))
		rec, err := st.Idempotency(ctx, tn, courses.OpAttempt, first.Key)
		must(t, "Idempotency", err)
		if rec.Status != 201 || rec.RequestHash != "h" {
			t.Fatalf("idempotency record = %+v", rec)
		}
		// A racing attempt graded against the same (empty) progress loses.
		wantErr(t, "a racing first attempt", st.SaveAttempt(ctx, attempt(tn, learner, course, 90, true), courses.Progress{}, attemptIdem(tn)), sg.ErrStateChanged)
		wantErr(t, "the same key again", st.SaveAttempt(ctx, attempt(tn, learner, course, 90, true), courses.Progress{Attempts: 1}, first), sg.ErrIdempotencyInProgress)
		ps, err := st.Progress(ctx, tn, learner)
		must(t, "Progress", err)
		p := ps[course]
		if len(ps) != 1 || p.Attempts != 1 || p.BestPercent != 40 || p.Passed || p.CertificateID != "" || p.Course != course {
			t.Fatalf("progress = %+v; want one attempt at 40%%", ps)
		}
		must(t, "second attempt", st.SaveAttempt(ctx, attempt(tn, learner, course, 30, false), p, attemptIdem(tn)))
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
			IssuedAt: a.At, Signature: []byte{0x30, 1, 2}}
		a.Certificate = &c
		must(t, "passing attempt", st.SaveAttempt(ctx, a, courses.Progress{}, attemptIdem(tn)))
		got, err := st.Certificate(ctx, tn, c.ID)
		must(t, "Certificate", err)
		if got.ID != c.ID || got.Learner != learner || got.Course != course || got.CourseTitle != key.Title || got.Percent != 90 ||
			!got.IssuedAt.Equal(c.IssuedAt) || !bytes.Equal(got.Signature, c.Signature) || !bytes.Equal(got.Message(), c.Message()) {
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
		wantErr(t, "a certificate issued twice", st.SaveAttempt(ctx, b, ps[course], idem), sg.ErrStateChanged)
		_, err = st.Idempotency(ctx, tn, courses.OpAttempt, idem.Key)
		wantErr(t, "the refused attempt's idempotency record", err, sg.ErrNotFound)
		ps, _ = st.Progress(ctx, tn, learner)
		if p := ps[course]; p.Attempts != 1 || p.BestPercent != 90 {
			t.Fatalf("progress after a refused attempt = %+v; want it unchanged", p)
		}
		// A later pass keeps the first certificate.
		must(t, "a later pass", st.SaveAttempt(ctx, attempt(tn, learner, course, 100, true), ps[course], attemptIdem(tn)))
		ps, _ = st.Progress(ctx, tn, learner)
		if p := ps[course]; p.CertificateID != c.ID || p.BestPercent != 100 || p.Attempts != 2 {
			t.Fatalf("progress after a later pass = %+v; want %s kept, best 100%%", p, c.ID)
		}
	}},
}
