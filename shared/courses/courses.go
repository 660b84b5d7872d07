// Package courses runs the compliance micro-courses' assessments and
// issues their certificates. The question banks (with their answers) are
// embedded here, in the function that grades, and never in the portal: an
// attempt draws its questions from the course's bank at random, shuffles
// their options, and records what it asked; the result gives the score and
// the topics to review with their lessons, never which question was right.
// A failed attempt starts a cooldown and a learner may begin only so many
// attempts a day. A pass earns one certificate per course: a compact JWS
// (ES256, signed in KMS) anyone can verify against the published key.
package courses

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Named rejections.
var (
	ErrCourseNotFound  = &sg.Error{Kind: sg.KindNotFound, Code: "course_not_found", Message: "no such course", Param: "course_id"}
	ErrAnswers         = &sg.Error{Kind: sg.KindInvalid, Code: "validation_failed", Message: "answer every question of the attempt with one of its options"}
	ErrName            = &sg.Error{Kind: sg.KindInvalid, Code: "validation_failed", Message: "give the name to print on a certificate (1 to 100 letters, no control characters)", Param: "name"}
	ErrLang            = &sg.Error{Kind: sg.KindInvalid, Code: "validation_failed", Message: "lang is en or zh", Param: "lang"}
	ErrAttemptNotFound = &sg.Error{Kind: sg.KindNotFound, Code: "attempt_not_found", Message: "no such open attempt; begin one", Param: "attempt_id"}
	ErrAttemptExpired  = &sg.Error{Kind: sg.KindConflict, Code: "attempt_expired", Message: "the attempt's time ran out; begin another", Param: "attempt_id"}
	ErrCooldown        = &sg.Error{Kind: sg.KindTooMany, Code: "assessment_cooldown", Message: "a failed attempt is followed by a pause before the next"}
	ErrDailyCap        = &sg.Error{Kind: sg.KindTooMany, Code: "assessment_daily_cap", Message: "no more attempts at this course today"}
	ErrCertNotFound    = sg.ErrCertificateNotFound
)

// Refusal is a refusal to begin an attempt until a time (ErrCooldown,
// ErrDailyCap): the API answers it with Retry-After.
type Refusal struct {
	Err   *sg.Error
	Until time.Time
}

func (r *Refusal) Error() string { return r.Err.Error() }
func (r *Refusal) Unwrap() error { return r.Err }

func refuse(e *sg.Error, until time.Time) *Refusal {
	return &Refusal{Err: e.WithMessage("%s; retry at %s", e.Message, until.UTC().Format(time.RFC3339)), Until: until}
}

// The records and the store of courses are the domain's.
type (
	Attempt     = sg.CourseAttempt
	Asked       = sg.AskedQuestion
	Certificate = sg.Certificate
	Progress    = sg.CourseProgress
	Store       = sg.CourseStore
)

// Signer signs certificates as compact JWS (ES256) and publishes its
// public key (kmssign.TokenSigner fits).
type Signer interface {
	Sign(ctx context.Context, claims map[string]any) (string, error)
	JWK(ctx context.Context) (map[string]string, error)
}

// Config is the assessment policy; zero fields take the defaults.
type Config struct {
	Cooldown   time.Duration // after a failed attempt (1 hour)
	DailyCap   int           // attempts a learner may begin per course per UTC day (3)
	Validity   time.Duration // of a certificate (365 days)
	AttemptTTL time.Duration // how long a drawn attempt may be answered (2 hours)
}

// Defaults of Config.
const (
	DefaultCooldown   = time.Hour
	DefaultDailyCap   = 3
	DefaultValidity   = 365 * 24 * time.Hour
	DefaultAttemptTTL = 2 * time.Hour
)

func (c Config) withDefaults() Config {
	if c.Cooldown <= 0 {
		c.Cooldown = DefaultCooldown
	}
	if c.DailyCap <= 0 {
		c.DailyCap = DefaultDailyCap
	}
	if c.Validity <= 0 {
		c.Validity = DefaultValidity
	}
	if c.AttemptTTL <= 0 {
		c.AttemptTTL = DefaultAttemptTTL
	}
	return c
}

// Service runs attempts and certificates.
type Service struct {
	Store  Store
	Signer Signer
	Now    func() time.Time
	Config Config
	// Rand draws questions (nil: seeded from crypto/rand).
	Rand *rand.Rand

	mu sync.Mutex
}

func (s *Service) rng() func(func(*rand.Rand)) {
	return func(f func(*rand.Rand)) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.Rand == nil {
			var seed [32]byte
			if _, err := crand.Read(seed[:]); err != nil {
				panic(err)
			}
			s.Rand = rand.New(rand.NewChaCha8(seed))
		}
		f(s.Rand)
	}
}

// ShownQuestion is a question as an attempt shows it.
type ShownQuestion struct {
	ID      string
	Text    string
	Options []ShownOption
}

// ShownOption is one option of a shown question: its letter and text.
type ShownOption struct{ ID, Text string }

// Drawn is an open attempt as the learner sees it.
type Drawn struct {
	ID, Course, Name string
	Questions        []ShownQuestion
	PassPercent      int
	StartedAt        time.Time
	ExpiresAt        time.Time
}

const letters = "abcd"

func show(b Bank, o sg.OpenAttempt, ttl time.Duration, lang string) Drawn {
	d := Drawn{ID: o.ID, Course: b.ID, Name: o.Name, PassPercent: b.PassPercent, StartedAt: o.StartedAt, ExpiresAt: o.StartedAt.Add(ttl)}
	for _, a := range o.Questions {
		q, _ := b.question(a.ID)
		text, opts := q.In(lang)
		sq := ShownQuestion{ID: q.ID, Text: text}
		for i, bi := range a.Order {
			sq.Options = append(sq.Options, ShownOption{ID: letters[i : i+1], Text: opts[bi]})
		}
		d.Questions = append(d.Questions, sq)
	}
	return d
}

// CheckName says whether name can be printed on a certificate.
func CheckName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if n := len([]rune(name)); n < 1 || n > 100 {
		return "", ErrName
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == '<' || r == '>' {
			return "", ErrName
		}
	}
	return name, nil
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Start begins an attempt at course for learner, whose certificate will
// carry name: its questions drawn from the bank, options shuffled. An
// attempt still open is shown again (reloading draws nothing new). After a
// failed attempt the next waits Config.Cooldown; at most Config.DailyCap
// attempts begin per UTC day (*Refusal, with the time to retry). lang
// (one of Languages; "" is English) is the language the questions are
// shown in and, recorded with the attempt, the language of its topic
// feedback; an open attempt shown again is shown in the lang asked now.
// The language changes only words: the draw, the options' order and the
// grading (by option, never by text) are the same in every language.
func (s *Service) Start(ctx context.Context, tenant, learner, course, name, lang string) (Drawn, error) {
	b, ok := Banks()[course]
	if !ok {
		return Drawn{}, ErrCourseNotFound
	}
	if lang == "" {
		lang = Languages[0]
	}
	if !slices.Contains(Languages, lang) {
		return Drawn{}, ErrLang
	}
	name, err := CheckName(name)
	if err != nil {
		return Drawn{}, err
	}
	cfg := s.Config.withDefaults()
	ps, err := s.Store.Progress(ctx, tenant, learner)
	if err != nil {
		return Drawn{}, err
	}
	before := ps[course]
	before.Course = course
	now := s.Now().UTC().Truncate(time.Second)
	if o := before.Open; o != nil && now.Before(o.StartedAt.Add(cfg.AttemptTTL)) {
		return show(b, *o, cfg.AttemptTTL, lang), nil
	}
	if !before.FailedAt.IsZero() && now.Before(before.FailedAt.Add(cfg.Cooldown)) {
		return Drawn{}, refuse(ErrCooldown, before.FailedAt.Add(cfg.Cooldown))
	}
	starts := 0
	if before.Day == day(now) {
		starts = before.DayStarts
	}
	if starts >= cfg.DailyCap {
		y, m, d := now.Date()
		return Drawn{}, refuse(ErrDailyCap, time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC))
	}
	var asked []Asked
	s.rng()(func(r *rand.Rand) { asked = b.Draw(r) })
	open := sg.OpenAttempt{ID: sg.NewID("att", now), Name: name, Questions: asked, StartedAt: now, Lang: lang}
	after := before
	after.Day, after.DayStarts, after.Open = day(now), starts+1, &open
	if err := s.Store.StartProgress(ctx, tenant, learner, before, after); err != nil {
		return Drawn{}, err
	}
	return show(b, open, cfg.AttemptTTL, lang), nil
}

// TopicFeedback is one topic the learner should review, with its lesson.
type TopicFeedback struct {
	Topic, Title, Lesson string
}

// Result is a graded attempt and the topics to review.
type Result struct {
	Attempt
	PassPercent int
	Review      []TopicFeedback
}

// grade scores answers (question id -> the letter shown) against the
// questions the attempt asked: every one answered, no other.
func grade(b Bank, asked []Asked, answers map[string]string, lang string) (correct int, review []TopicFeedback, err error) {
	missed := map[string]bool{}
	for _, a := range asked {
		l, ok := answers[a.ID]
		i := strings.Index(letters[:len(a.Order)], l)
		if !ok || len(l) != 1 || i < 0 {
			return 0, nil, ErrAnswers.WithParam("answers." + a.ID)
		}
		q, _ := b.question(a.ID)
		if a.Order[i] == 0 {
			correct++
		} else {
			missed[q.Topic] = true
		}
	}
	if len(answers) != len(asked) {
		for q := range answers {
			found := false
			for _, a := range asked {
				found = found || a.ID == q
			}
			if !found {
				return 0, nil, ErrAnswers.WithParam("answers." + q)
			}
		}
	}
	for _, t := range b.Topics {
		if missed[t.ID] {
			review = append(review, TopicFeedback{Topic: t.ID, Title: t.TitleIn(lang), Lesson: "/courses/" + b.ID + "/" + t.Lesson + "/"})
		}
	}
	return correct, review, nil
}

// Band is the score band a certificate shows (never the exact score).
func Band(percent int) string {
	switch {
	case percent >= 100:
		return "distinction"
	case percent >= 90:
		return "merit"
	default:
		return "pass"
	}
}

// OpAttempt names attempts in idempotency records.
const OpAttempt = "courses.attempt"

// Render encodes a graded attempt as the response stored and replayed.
type Render func(Result) (int, []byte, error)

// Submit grades the learner's open attempt attemptID, records it with the
// learner's progress, and on the learner's first pass issues a signed
// certificate. The same Idempotency-Key replays the first answer.
func (s *Service) Submit(ctx context.Context, tenant, learner, course, attemptID, key, reqHash string, answers map[string]string, render Render) (int, []byte, bool, error) {
	if rec, err := s.Store.Idempotency(ctx, tenant, OpAttempt, key); err == nil {
		if rec.RequestHash != reqHash {
			return 0, nil, false, sg.ErrIdempotencyKeyReused
		}
		return rec.Status, rec.Response, true, nil
	}
	b, ok := Banks()[course]
	if !ok {
		return 0, nil, false, ErrCourseNotFound
	}
	cfg := s.Config.withDefaults()
	ps, err := s.Store.Progress(ctx, tenant, learner)
	if err != nil {
		return 0, nil, false, err
	}
	before := ps[course]
	before.Course = course
	o := before.Open
	if o == nil || o.ID != attemptID {
		return 0, nil, false, ErrAttemptNotFound
	}
	now := s.Now().UTC().Truncate(time.Second)
	if !now.Before(o.StartedAt.Add(cfg.AttemptTTL)) {
		return 0, nil, false, ErrAttemptExpired
	}
	correct, review, err := grade(b, o.Questions, answers, o.Lang)
	if err != nil {
		return 0, nil, false, err
	}
	total := len(o.Questions)
	a := Attempt{ID: o.ID, Tenant: tenant, Learner: learner, Course: course, Name: o.Name, Questions: o.Questions,
		Correct: correct, Total: total, Percent: correct * 100 / total, At: now}
	a.Passed = a.Percent >= b.PassPercent
	after := before
	after.Open = nil
	after.Attempts++
	after.BestPercent = max(before.BestPercent, a.Percent)
	after.Passed = before.Passed || a.Passed
	if !a.Passed {
		after.FailedAt = now
	}
	if a.Passed && !before.Passed {
		c := Certificate{ID: sg.NewID("cert", now), Tenant: tenant, Learner: learner, Course: course, CourseTitle: b.Title, Name: o.Name,
			Band: Band(a.Percent), Percent: a.Percent, IssuedAt: now, ExpiresAt: now.Add(cfg.Validity)}
		if c.Token, err = s.Signer.Sign(ctx, Claims(c)); err != nil {
			return 0, nil, false, err
		}
		a.Certificate = &c
		after.CertificateID = c.ID
	}
	status, body, err := render(Result{Attempt: a, PassPercent: b.PassPercent, Review: review})
	if err != nil {
		return 0, nil, false, sg.Internal("courses.Submit", err)
	}
	err = s.Store.SaveAttempt(ctx, a, before, after, sg.Idempotency{TenantID: tenant, Operation: OpAttempt, Key: key, RequestHash: reqHash, Status: status, Response: body, CreatedAt: now})
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

// Check is the outcome of checking a certificate: Valid, or why not
// (Reason: malformed, signature, expired, unknown).
type Check struct {
	Valid       bool
	Reason      string
	Certificate Certificate
}

// Verify reads a certificate of the tenant and checks it: its token
// verifies against the signer's key, says what the record says, and has
// not expired.
func (s *Service) Verify(ctx context.Context, tenant, id string) (Check, error) {
	if !sg.ValidID("cert", id) {
		return Check{}, ErrCertNotFound
	}
	c, err := s.Store.Certificate(ctx, tenant, id)
	if err != nil {
		return Check{}, err
	}
	if c.Token == "" {
		return Check{Reason: ReasonSignature, Certificate: c}, nil
	}
	chk, err := s.check(ctx, c.Token)
	if err != nil {
		return Check{}, err
	}
	if chk.Reason == "" && chk.Certificate.ID != c.ID {
		chk = Check{Reason: ReasonSignature}
	}
	chk.Certificate = c
	return chk, nil
}

// Public checks a certificate token for anyone: its signature by the
// published key, its expiry, and that the platform issued it (the record
// exists and holds the same token).
func (s *Service) Public(ctx context.Context, token string) (Check, error) {
	chk, err := s.check(ctx, token)
	if err != nil || chk.Reason != "" {
		return Check{Reason: chk.Reason}, err
	}
	c, err := s.Store.Certificate(ctx, chk.Certificate.Tenant, chk.Certificate.ID)
	if errors.Is(err, sg.ErrCertificateNotFound) || err == nil && c.Token != token {
		return Check{Reason: ReasonUnknown}, nil
	}
	if err != nil {
		return Check{}, err
	}
	chk.Certificate = c
	return chk, nil
}

func (s *Service) check(ctx context.Context, token string) (Check, error) {
	jwk, err := s.Signer.JWK(ctx)
	if err != nil {
		return Check{}, sg.ErrUnavailable.Because("courses.check", err)
	}
	c, reason := VerifyToken(token, []map[string]string{jwk}, s.Now())
	return Check{Valid: reason == "", Reason: reason, Certificate: c}, nil
}

// seed is for tests that need a fixed draw.
func seed(n uint64) *rand.Rand {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[:], n)
	return rand.New(rand.NewChaCha8(b))
}

// Seeded returns a random source with a fixed seed (tests).
func Seeded(n uint64) *rand.Rand { return seed(n) }
