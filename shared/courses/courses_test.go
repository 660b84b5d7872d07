package courses_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

// signer is an ECDSA P-256 key in the test (KMS's in the stack): it signs
// the SHA-256 of the message, DER-encoded, as the KMS certificate key does.
type signer struct {
	key   *ecdsa.PrivateKey
	fail  error
	signs int
}

func newSigner(t *testing.T) *signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{key: k}
}

func (s *signer) Sign(_ context.Context, msg []byte) ([]byte, error) {
	if s.fail != nil {
		return nil, s.fail
	}
	s.signs++
	h := sha256.Sum256(msg)
	return ecdsa.SignASN1(rand.Reader, s.key, h[:])
}

func (s *signer) Verify(_ context.Context, msg, sig []byte) (bool, error) {
	h := sha256.Sum256(msg)
	return ecdsa.VerifyASN1(&s.key.PublicKey, h[:], sig), nil
}

// render is the response a handler stores: the attempt as JSON.
func render(a courses.Attempt) (int, []byte, error) {
	out := map[string]any{"id": a.ID, "percent": a.Percent, "passed": a.Passed}
	if a.Certificate != nil {
		out["certificate_id"] = a.Certificate.ID
	}
	b, err := json.Marshal(out)
	return 201, b, err
}

type answer struct {
	ID            string `json:"id"`
	Percent       int    `json:"percent"`
	Passed        bool   `json:"passed"`
	CertificateID string `json:"certificate_id"`
}

func decode(t *testing.T, body []byte) answer {
	t.Helper()
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("response %s: %v", body, err)
	}
	return a
}

const course = "kyc-aml"

// answers gives course's key with the first wrong of its questions answered
// wrongly (5 questions: 0 wrong is 100%, 1 is 80%, a pass; 2 is 60%).
func answers(wrong int) map[string]string {
	k := courses.Keys[course]
	out := map[string]string{}
	for i := 1; i <= len(k.Answers); i++ {
		q := fmt.Sprintf("q%d", i)
		out[q] = k.Answers[q]
		if i <= wrong {
			out[q] = map[string]string{"a": "b", "b": "c", "c": "d", "d": "a"}[out[q]]
		}
	}
	return out
}

func service(t *testing.T) (*courses.Service, *memstore.Store, *signer) {
	t.Helper()
	st, sig := memstore.New(), newSigner(t)
	return &courses.Service{Store: st, Signer: sig, Now: time.Now}, st, sig
}

func TestGrade(t *testing.T) {
	for _, c := range []struct {
		name           string
		course         string
		answers        map[string]string
		correct, total int
		err            error
		param          string
	}{
		{name: "every answer right", course: course, answers: answers(0), correct: 5, total: 5},
		{name: "two answers wrong", course: course, answers: answers(2), correct: 3, total: 5},
		{name: "an unknown course", course: "no-such-course", answers: answers(0), err: courses.ErrCourseNotFound, param: "course_id"},
		{name: "a question left out", course: course, answers: func() map[string]string { a := answers(0); delete(a, "q3"); return a }(),
			err: courses.ErrAnswers, param: "answers.q3"},
		{name: "an answer that is no option", course: course, answers: func() map[string]string { a := answers(0); a["q2"] = "e"; return a }(),
			err: courses.ErrAnswers, param: "answers.q2"},
		{name: "an answer of two letters", course: course, answers: func() map[string]string { a := answers(0); a["q1"] = "ab"; return a }(),
			err: courses.ErrAnswers, param: "answers.q1"},
		{name: "a question the course does not ask", course: course, answers: func() map[string]string { a := answers(0); a["q9"] = "a"; return a }(),
			err: courses.ErrAnswers, param: "answers.q9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			correct, total, err := courses.Grade(c.course, c.answers)
			if c.err != nil {
				var e *sg.Error
				if !errors.Is(err, c.err) || !errors.As(err, &e) || e.Param != c.param {
					t.Fatalf("Grade = %v; want %v on %s", err, c.err, c.param)
				}
				return
			}
			if err != nil || correct != c.correct || total != c.total {
				t.Fatalf("Grade = %d/%d, %v; want %d/%d", correct, total, err, c.correct, c.total)
			}
		})
	}
}

func TestEveryCourseHasAPassableKey(t *testing.T) {
	for id, k := range courses.Keys {
		if k.Title == "" || k.PassPercent <= 0 || k.PassPercent > 100 || len(k.Answers) == 0 {
			t.Errorf("course %s: %+v", id, k)
		}
		correct, total, err := courses.Grade(id, k.Answers)
		if err != nil || correct != total {
			t.Errorf("course %s graded against its own key: %d/%d, %v", id, correct, total, err)
		}
	}
}

func TestSubmitRecordsProgressAndIssuesOneCertificate(t *testing.T) {
	svc, st, sig := service(t)
	tn, learner := "t-1", "sub-1"

	status, body, replay, err := svc.Submit(ctx, tn, learner, course, "k1", "h1", answers(2), render)
	if err != nil || status != 201 || replay {
		t.Fatalf("a failing attempt = %d, %v, %v", status, replay, err)
	}
	if a := decode(t, body); a.Passed || a.Percent != 60 || a.CertificateID != "" {
		t.Fatalf("a failing attempt answered %+v", a)
	}
	if sig.signs != 0 {
		t.Fatal("a failing attempt was signed for")
	}

	_, body, _, err = svc.Submit(ctx, tn, learner, course, "k2", "h2", answers(1), render)
	if err != nil {
		t.Fatal(err)
	}
	pass := decode(t, body)
	if !pass.Passed || pass.Percent != 80 || pass.CertificateID == "" {
		t.Fatalf("a passing attempt answered %+v; want a pass with a certificate", pass)
	}
	c, ok, err := svc.Verify(ctx, tn, pass.CertificateID)
	if err != nil || !ok {
		t.Fatalf("Verify = %v, %v; want a valid certificate", ok, err)
	}
	if c.Learner != learner || c.Course != course || c.Percent != 80 || c.CourseTitle != courses.Keys[course].Title {
		t.Fatalf("certificate = %+v", c)
	}

	// A better pass later: progress moves, the certificate stays the first.
	_, body, _, err = svc.Submit(ctx, tn, learner, course, "k3", "h3", answers(0), render)
	if err != nil {
		t.Fatal(err)
	}
	if a := decode(t, body); !a.Passed || a.CertificateID != "" {
		t.Fatalf("a second pass answered %+v; want no new certificate", a)
	}
	if sig.signs != 1 {
		t.Fatalf("%d certificates signed; want 1", sig.signs)
	}
	ps, err := st.Progress(ctx, tn, learner)
	if err != nil {
		t.Fatal(err)
	}
	if p := ps[course]; p.Attempts != 3 || p.BestPercent != 100 || !p.Passed || p.CertificateID != pass.CertificateID {
		t.Fatalf("progress = %+v; want 3 attempts, best 100%%, passed with %s", p, pass.CertificateID)
	}
	// Another learner of the tenant starts from nothing.
	if ps, _ := st.Progress(ctx, tn, "sub-2"); len(ps) != 0 {
		t.Fatalf("another learner's progress = %v", ps)
	}
}

func TestSubmitIsOncePerKey(t *testing.T) {
	svc, st, _ := service(t)
	_, first, _, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h1", answers(0), render)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the same request replays the first answer", func(t *testing.T) {
		status, body, replay, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h1", answers(0), render)
		if err != nil || !replay || status != 201 || string(body) != string(first) {
			t.Fatalf("replay = %d %s, %v, %v; want the first answer %s", status, body, replay, err, first)
		}
	})
	t.Run("the key with another request is refused", func(t *testing.T) {
		_, _, _, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h-other", answers(2), render)
		if !errors.Is(err, sg.ErrIdempotencyKeyReused) {
			t.Fatalf("err = %v; want %v", err, sg.ErrIdempotencyKeyReused)
		}
	})
	t.Run("the key is the tenant's own", func(t *testing.T) {
		_, _, replay, err := svc.Submit(ctx, "t-2", "sub-1", course, "k1", "h-other", answers(2), render)
		if err != nil || replay {
			t.Fatalf("another tenant's first use of the key = %v, %v", replay, err)
		}
	})
	ps, _ := st.Progress(ctx, "t-1", "sub-1")
	if ps[course].Attempts != 1 {
		t.Fatalf("%d attempts recorded; want 1", ps[course].Attempts)
	}
}

// racing stands in for a concurrent request with the same key: it records
// that request's answer just before this one saves.
type racing struct {
	*memstore.Store
	winner func()
}

func (r racing) SaveAttempt(ctx context.Context, a courses.Attempt, before courses.Progress, idem sg.Idempotency) error {
	r.winner()
	return r.Store.SaveAttempt(ctx, a, before, idem)
}

func TestSubmitLosingARaceAnswersAsTheWinner(t *testing.T) {
	st := memstore.New()
	won := []byte(`{"id":"att-winner"}`)
	svc := &courses.Service{Signer: newSigner(t), Now: time.Now, Store: racing{Store: st, winner: func() {
		if err := st.PutIdempotency(ctx, sg.Idempotency{TenantID: "t-1", Operation: courses.OpAttempt, Key: "k1", RequestHash: "h1", Status: 201, Response: won}); err != nil {
			t.Fatal(err)
		}
	}}}
	status, body, replay, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h1", answers(0), render)
	if err != nil || !replay || status != 201 || string(body) != string(won) {
		t.Fatalf("Submit = %d %s, %v, %v; want the winner's answer", status, body, replay, err)
	}
	if ps, _ := st.Progress(ctx, "t-1", "sub-1"); len(ps) != 0 {
		t.Fatalf("the loser recorded progress %v", ps)
	}
}

func TestSubmitFaultsRecordNothing(t *testing.T) {
	t.Run("invalid answers", func(t *testing.T) {
		svc, st, _ := service(t)
		_, _, _, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h1", map[string]string{"q1": "a"}, render)
		if !errors.Is(err, courses.ErrAnswers) {
			t.Fatalf("err = %v; want %v", err, courses.ErrAnswers)
		}
		if _, err := st.Idempotency(ctx, "t-1", courses.OpAttempt, "k1"); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("an idempotency record was kept for a refusal: %v", err)
		}
	})
	t.Run("an unknown course", func(t *testing.T) {
		svc, _, _ := service(t)
		if _, _, _, err := svc.Submit(ctx, "t-1", "sub-1", "no-such", "k1", "h1", answers(0), render); !errors.Is(err, courses.ErrCourseNotFound) {
			t.Fatalf("err = %v; want %v", err, courses.ErrCourseNotFound)
		}
	})
	t.Run("the signer failing", func(t *testing.T) {
		svc, st, sig := service(t)
		sig.fail = sg.Unavailable("kms", errors.New("down"))
		if _, _, _, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h1", answers(0), render); !errors.Is(err, sig.fail) {
			t.Fatalf("err = %v; want the signer's", err)
		}
		if ps, _ := st.Progress(ctx, "t-1", "sub-1"); len(ps) != 0 {
			t.Fatalf("progress recorded without a certificate: %v", ps)
		}
	})
	t.Run("the render failing", func(t *testing.T) {
		svc, st, _ := service(t)
		bad := func(courses.Attempt) (int, []byte, error) { return 0, nil, errors.New("no") }
		_, _, _, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h1", answers(2), bad)
		var e *sg.Error
		if !errors.As(err, &e) || e.Kind != sg.KindInternal {
			t.Fatalf("err = %v; want an internal fault", err)
		}
		if ps, _ := st.Progress(ctx, "t-1", "sub-1"); len(ps) != 0 {
			t.Fatalf("progress recorded: %v", ps)
		}
	})
}

func TestVerify(t *testing.T) {
	svc, _, _ := service(t)
	_, body, _, err := svc.Submit(ctx, "t-1", "sub-1", course, "k1", "h1", answers(0), render)
	if err != nil {
		t.Fatal(err)
	}
	id := decode(t, body).CertificateID
	for _, c := range []struct {
		name, tenant, id string
		err              error
		valid            bool
	}{
		{name: "the tenant's certificate", tenant: "t-1", id: id, valid: true},
		{name: "another tenant's is not found", tenant: "t-2", id: id, err: courses.ErrCertNotFound},
		{name: "no certificate id", tenant: "t-1", id: "wal_123", err: courses.ErrCertNotFound},
		{name: "an id of no certificate", tenant: "t-1", id: sg.NewID("cert", time.Now()), err: courses.ErrCertNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ok, err := svc.Verify(ctx, c.tenant, c.id)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v; want %v", err, c.err)
				}
				return
			}
			if err != nil || ok != c.valid {
				t.Fatalf("Verify = %v, %v; want %v", ok, err, c.valid)
			}
		})
	}
	t.Run("a signature by another key does not verify", func(t *testing.T) {
		other := newSigner(t)
		svc2 := &courses.Service{Store: svc.Store, Signer: other, Now: time.Now}
		if _, ok, err := svc2.Verify(ctx, "t-1", id); err != nil || ok {
			t.Fatalf("Verify with another key = %v, %v; want false", ok, err)
		}
	})
}
