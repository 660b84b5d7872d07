package courses_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

func newSigner(t *testing.T) courses.LocalSigner {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return courses.LocalSigner{Key: k}
}

// render is the response a handler stores: what a learner sees.
func render(r courses.Result) (int, []byte, error) {
	out := map[string]any{"id": r.ID, "percent": r.Percent, "correct": r.Correct, "passed": r.Passed, "review": r.Review}
	if r.Certificate != nil {
		out["certificate_id"] = r.Certificate.ID
	}
	b, err := json.Marshal(out)
	return 201, b, err
}

type result struct {
	ID            string
	Percent       int
	Correct       int
	Passed        bool
	Review        []courses.TopicFeedback
	CertificateID string `json:"certificate_id"`
}

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func service(t *testing.T, cfg courses.Config, seed uint64) (*courses.Service, *memstore.Store, *clock) {
	st := memstore.New()
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	return &courses.Service{Store: st, Signer: newSigner(t), Now: c.Now, Config: cfg, Rand: courses.Seeded(seed)}, st, c
}

// submit answers an attempt; answers by question id -> option text.
func submit(t *testing.T, s *courses.Service, d courses.Drawn, pick func(courses.ShownQuestion) string) result {
	t.Helper()
	ans := map[string]string{}
	for _, q := range d.Questions {
		ans[q.ID] = pick(q)
	}
	_, body, _, err := s.Submit(ctx, "t1", "u1", d.Course, d.ID, "k-"+d.ID, "h-"+d.ID, ans, render)
	if err != nil {
		t.Fatal(err)
	}
	var r result
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func letterOf(q courses.ShownQuestion, text string) string {
	for _, o := range q.Options {
		if o.Text == text {
			return o.ID
		}
	}
	return ""
}

func answerOf(course, qid string) string {
	for _, q := range courses.Banks()[course].Questions {
		if q.ID == qid {
			return q.Answer
		}
	}
	return ""
}

func courseIDs() []string {
	var ids []string
	for id := range courses.Banks() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Every bank holds more questions than an attempt asks, a pass mark, and
// distractors distinct from the answer; at least five courses.
func TestBanksAreWellFormed(t *testing.T) {
	if len(courses.Banks()) < 5 {
		t.Fatalf("%d banks; want at least five", len(courses.Banks()))
	}
	for id, b := range courses.Banks() {
		if err := b.Check(); err != nil {
			t.Fatal(err)
		}
		if len(b.Questions) <= b.Ask || b.PassPercent == 0 {
			t.Fatalf("%s: bank of %d asks %d, pass %d", id, len(b.Questions), b.Ask, b.PassPercent)
		}
	}
	bad := courses.Banks()["kyc-aml"]
	bad.Questions = bad.Questions[:bad.Ask]
	if bad.Check() == nil {
		t.Fatal("a bank that asks all it holds passes its check")
	}
}

// Attempts draw different questions and shuffle options; each topic is
// asked at least twice; the attempt records what it asked; reloading an
// open attempt shows the same questions.
func TestAttemptsDrawAndShuffle(t *testing.T) {
	s, st, c := service(t, courses.Config{Cooldown: time.Minute, DailyCap: 100}, 1)
	const course = "kyc-aml"
	sets, orders := map[string]bool{}, map[string]bool{}
	for i := 0; i < 10; i++ {
		d, err := s.Start(ctx, "t1", "u1", course, "Ada Lovelace", "")
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Start(ctx, "t1", "u1", course, "Ada Lovelace", "")
		if err != nil || again.ID != d.ID || fmt.Sprint(again.Questions) != fmt.Sprint(d.Questions) {
			t.Fatalf("reloading an open attempt drew another: %v", err)
		}
		b := courses.Banks()[course]
		if len(d.Questions) != b.Ask {
			t.Fatalf("asked %d; want %d", len(d.Questions), b.Ask)
		}
		ids, perTopic := []string{}, map[string]int{}
		for _, q := range d.Questions {
			ids = append(ids, q.ID)
			for _, bq := range b.Questions {
				if bq.ID == q.ID {
					perTopic[bq.Topic]++
				}
			}
			orders[letterOf(q, answerOf(course, q.ID))] = true
		}
		for _, tp := range b.Topics {
			if perTopic[tp.ID] < courses.MinPerTopic {
				t.Fatalf("topic %s asked %d times", tp.ID, perTopic[tp.ID])
			}
		}
		sort.Strings(ids)
		sets[strings.Join(ids, ",")] = true
		ps, _ := st.Progress(ctx, "t1", "u1")
		if o := ps[course].Open; o == nil || o.ID != d.ID || len(o.Questions) != len(d.Questions) {
			t.Fatalf("the open attempt is not recorded: %+v", ps[course])
		}
		submit(t, s, d, func(q courses.ShownQuestion) string { return "a" })
		c.t = c.t.Add(2 * time.Minute)
	}
	if len(sets) < 3 || len(orders) < 4 {
		t.Fatalf("10 attempts drew %d question sets and put the answer at %d positions", len(sets), len(orders))
	}
}

// Must-show 3, first half: a learner answering at random passes no
// assessment in 50 attempts (the cooldown shortened, the cap raised). An
// attempt asks 8 and passes at 7: at random the odds of a pass are about
// 4 in 10,000 an attempt.
func TestRandomLearnerPassesNothing(t *testing.T) {
	for i, course := range courseIDs() {
		s, _, c := service(t, courses.Config{Cooldown: time.Minute, DailyCap: 1000}, uint64(100+i))
		r := mrand.New(mrand.NewPCG(uint64(i), 7))
		best := 0
		for n := 0; n < 50; n++ {
			d, err := s.Start(ctx, "t1", "u1", course, "Random Learner", "")
			if err != nil {
				t.Fatalf("%s attempt %d: %v", course, n, err)
			}
			res := submit(t, s, d, func(q courses.ShownQuestion) string { return q.Options[r.IntN(len(q.Options))].ID })
			if res.Passed || res.CertificateID != "" {
				t.Fatalf("%s: a random learner passed on attempt %d with %d%%", course, n+1, res.Percent)
			}
			best = max(best, res.Percent)
			c.t = c.t.Add(time.Minute)
		}
		t.Logf("%s: best of 50 random attempts %d%%", course, best)
	}
}

// Must-show 3, second half: a learner who changes one answer at a time and
// reads the feedback (score and topics) cannot pass within the daily cap;
// the next attempt is refused by name until the next UTC day. The result
// names topics, never a question.
func TestHillClimberCannotPassWithinTheCap(t *testing.T) {
	for i, course := range courseIDs() {
		s, _, c := service(t, courses.Config{}, uint64(200+i))
		r := mrand.New(mrand.NewPCG(uint64(i), 11))
		choice := map[string]string{} // question id -> option text chosen
		lastScore, lastChanged, lastPrev := -1, "", ""
		for n := 0; ; n++ {
			d, err := s.Start(ctx, "t1", "u1", course, "Hill Climber", "")
			var ref *courses.Refusal
			if errors.As(err, &ref) {
				if !errors.Is(err, courses.ErrDailyCap) || n != courses.DefaultDailyCap {
					t.Fatalf("%s: refused after %d attempts: %v", course, n, err)
				}
				if y, m, dd := c.t.Date(); !ref.Until.Equal(time.Date(y, m, dd+1, 0, 0, 0, 0, time.UTC)) {
					t.Fatalf("%s: retry at %s; want the next UTC midnight", course, ref.Until)
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			// Change one answer from the last attempt, keeping the rest.
			changed := ""
			for _, q := range d.Questions {
				if _, ok := choice[q.ID]; !ok {
					choice[q.ID] = q.Options[r.IntN(len(q.Options))].Text
				} else if changed == "" && q.ID != lastChanged {
					changed, lastPrev = q.ID, choice[q.ID]
					for choice[q.ID] == lastPrev {
						choice[q.ID] = q.Options[r.IntN(len(q.Options))].Text
					}
				}
			}
			res := submit(t, s, d, func(q courses.ShownQuestion) string { return letterOf(q, choice[q.ID]) })
			for _, fb := range res.Review {
				if !strings.HasPrefix(fb.Lesson, "/courses/"+course+"/") || fb.Title == "" {
					t.Fatalf("%s: feedback %+v does not link a lesson", course, fb)
				}
			}
			if res.Passed {
				t.Fatalf("%s: the hill climber passed on attempt %d", course, n+1)
			}
			if res.Correct < lastScore && changed != "" {
				choice[changed] = lastPrev // the change made it worse: undo it
			}
			lastScore, lastChanged = res.Correct, changed
			// Wait out the cooldown, staying within the day.
			c.t = c.t.Add(courses.DefaultCooldown)
		}
	}
}

// A failed attempt is followed by a cooldown, refused by name with the time
// to retry; an expired attempt cannot be answered.
func TestCooldownAndExpiry(t *testing.T) {
	s, _, c := service(t, courses.Config{Cooldown: 30 * time.Minute, AttemptTTL: time.Hour}, 3)
	d, err := s.Start(ctx, "t1", "u1", "kyc-aml", "Ada", "")
	if err != nil {
		t.Fatal(err)
	}
	submit(t, s, d, func(q courses.ShownQuestion) string { return letterOf(q, q.Options[0].Text) })
	_, err = s.Start(ctx, "t1", "u1", "kyc-aml", "Ada", "")
	var ref *courses.Refusal
	if !errors.As(err, &ref) || !errors.Is(err, courses.ErrCooldown) || !ref.Until.Equal(c.t.Add(30*time.Minute)) ||
		!strings.Contains(err.Error(), ref.Until.Format(time.RFC3339)) {
		t.Fatalf("right after a failure: %v", err)
	}
	c.t = c.t.Add(30 * time.Minute)
	d, err = s.Start(ctx, "t1", "u1", "kyc-aml", "Ada", "")
	if err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(time.Hour)
	_, _, _, err = s.Submit(ctx, "t1", "u1", "kyc-aml", d.ID, "k-late", "h", map[string]string{}, render)
	if !errors.Is(err, courses.ErrAttemptExpired) {
		t.Fatalf("an expired attempt answered: %v", err)
	}
	if _, err := s.Start(ctx, "t1", "u1", "kyc-aml", " \t", ""); !errors.Is(err, courses.ErrName) {
		t.Fatalf("a blank name: %v", err)
	}
	if _, err := s.Start(ctx, "t1", "u1", "astrology", "Ada", ""); !errors.Is(err, courses.ErrCourseNotFound) {
		t.Fatalf("an unknown course: %v", err)
	}
}

// pass draws an attempt and answers it with the bank's answers.
func pass(t *testing.T, s *courses.Service, course, name string) result {
	t.Helper()
	d, err := s.Start(ctx, "t1", "u1", course, name, "")
	if err != nil {
		t.Fatal(err)
	}
	return submit(t, s, d, func(q courses.ShownQuestion) string { return letterOf(q, answerOf(course, q.ID)) })
}

// A pass earns one certificate: the learner's name, band, one year's
// validity; it verifies by id and publicly by its token; once.
func TestPassIssuesOneCertificate(t *testing.T) {
	s, _, c := service(t, courses.Config{}, 4)
	res := pass(t, s, "kyc-aml", "Ada  Lovelace")
	if !res.Passed || res.Percent != 100 || res.CertificateID == "" || len(res.Review) != 0 {
		t.Fatalf("the key's answers: %+v", res)
	}
	chk, err := s.Verify(ctx, "t1", res.CertificateID)
	if err != nil || !chk.Valid {
		t.Fatalf("Verify: %+v %v", chk, err)
	}
	cert := chk.Certificate
	if cert.Name != "Ada Lovelace" || cert.Band != "distinction" || !cert.ExpiresAt.Equal(c.t.AddDate(1, 0, 0)) || cert.Token == "" {
		t.Fatalf("certificate %+v", cert)
	}
	if pub, err := s.Public(ctx, cert.Token); err != nil || !pub.Valid || pub.Certificate.ID != cert.ID {
		t.Fatalf("Public: %+v %v", pub, err)
	}
	c.t = c.t.Add(time.Hour)
	if again := pass(t, s, "kyc-aml", "Ada Lovelace"); !again.Passed || again.CertificateID != "" {
		t.Fatalf("a second pass: %+v; want no second certificate", again)
	}
	if _, err := s.Verify(ctx, "t2", res.CertificateID); !errors.Is(err, sg.ErrCertificateNotFound) {
		t.Fatalf("another tenant's certificate: %v", err)
	}
	c.t = cert.ExpiresAt
	if pub, _ := s.Public(ctx, cert.Token); pub.Valid || pub.Reason != courses.ReasonExpired {
		t.Fatalf("at expiry: %+v", pub)
	}
}

// Must-show 4 (in memory): a certificate verifies offline against the
// published key, and fails after any byte of it changes, under another
// key, or after its expiry.
func TestCertificateVerifiesOfflineAndFailsOnAnyChange(t *testing.T) {
	s, _, c := service(t, courses.Config{}, 5)
	res := pass(t, s, "sanctions-travel-rule", "Grace Hopper")
	chk, _ := s.Verify(ctx, "t1", res.CertificateID)
	tok := chk.Certificate.Token
	jwk, _ := s.Signer.JWK(ctx)
	keys := []map[string]string{jwk}
	got, reason := courses.VerifyToken(tok, keys, c.t)
	if reason != "" || got.Name != "Grace Hopper" || got.Course != "sanctions-travel-rule" || got.Band != "distinction" {
		t.Fatalf("offline: %q %+v", reason, got)
	}
	for i := range len(tok) {
		for _, ch := range []byte{'A', 'x', '.', '0'} {
			if tok[i] == ch {
				continue
			}
			bad := tok[:i] + string(ch) + tok[i+1:]
			if _, reason := courses.VerifyToken(bad, keys, c.t); reason == "" {
				t.Fatalf("byte %d changed to %q still verifies", i, ch)
			}
		}
	}
	other, _ := newSigner(t).JWK(ctx)
	if _, reason := courses.VerifyToken(tok, []map[string]string{other}, c.t); reason == "" {
		t.Fatal("verifies under another key")
	}
	if _, reason := courses.VerifyToken(tok, keys, c.t.AddDate(1, 0, 0)); reason != courses.ReasonExpired {
		t.Fatalf("a year on: %q; want expired", reason)
	}
	if _, reason := courses.VerifyToken(tok, keys, c.t.AddDate(1, 0, 0).Add(-time.Second)); reason != "" {
		t.Fatalf("a second before expiry: %q", reason)
	}
}
