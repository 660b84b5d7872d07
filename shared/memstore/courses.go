package memstore

import (
	"context"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Courses: a learner's progress per course, guarded by its attempt count,
// and certificates, each issued once; an attempt, its progress, its
// certificate and its idempotency record are written together or not at
// all (as the adapter's one transaction).

type courseState struct {
	progress map[string]sg.CourseProgress // tenant\x00learner\x00course
	certs    map[string]sg.Certificate    // tenant\x00id
	attempts map[string]sg.CourseAttempt  // tenant\x00learner\x00course\x00id
}

func (st *Store) courseState() *courseState {
	if st.courses == nil {
		st.courses = &courseState{progress: map[string]sg.CourseProgress{}, certs: map[string]sg.Certificate{}, attempts: map[string]sg.CourseAttempt{}}
	}
	return st.courses
}

// Progress returns a learner's standing per course.
func (st *Store) Progress(_ context.Context, tenant, learner string) (map[string]sg.CourseProgress, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[string]sg.CourseProgress{}
	prefix := tenant + "\x00" + learner + "\x00"
	for k, p := range st.courseState().progress {
		if c, ok := strings.CutPrefix(k, prefix); ok {
			out[c] = copyProgress(p)
		}
	}
	return out, nil
}

// guard says whether before is the stored progress of pk (by its Rev; a
// legacy record without one by its attempt count).
func (cs *courseState) guard(pk string, before sg.CourseProgress) bool {
	cur, exists := cs.progress[pk]
	if !exists {
		return before.Rev == 0 && before.Attempts == 0
	}
	return cur.Rev == before.Rev && cur.Attempts == before.Attempts
}

func copyProgress(p sg.CourseProgress) sg.CourseProgress {
	if p.Open != nil {
		o := *p.Open
		o.Questions = append([]sg.AskedQuestion(nil), o.Questions...)
		p.Open = &o
	}
	return p
}

// StartProgress writes progress over the one read (sg.ErrStateChanged if
// it moved).
func (st *Store) StartProgress(_ context.Context, tenant, learner string, before, after sg.CourseProgress) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	cs := st.courseState()
	pk := tenant + "\x00" + learner + "\x00" + after.Course
	if !cs.guard(pk, before) {
		return sg.ErrStateChanged
	}
	after.Rev = before.Rev + 1
	cs.progress[pk] = copyProgress(after)
	return nil
}

// SaveAttempt records a graded attempt and the progress after it over the
// progress it was graded against: sg.ErrIdempotencyInProgress if the key
// has a live record, sg.ErrStateChanged if the progress moved since it was
// read (or the certificate exists).
func (st *Store) SaveAttempt(_ context.Context, a sg.CourseAttempt, before, after sg.CourseProgress, idem sg.Idempotency) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	cs := st.courseState()
	if r, ok := st.idem[idemKey(idem.TenantID, idem.Operation, idem.Key)]; ok && !st.Now().After(r.expires) {
		return sg.ErrIdempotencyInProgress
	}
	pk := a.Tenant + "\x00" + a.Learner + "\x00" + a.Course
	if !cs.guard(pk, before) {
		return sg.ErrStateChanged
	}
	if c := a.Certificate; c != nil {
		if _, ok := cs.certs[c.Tenant+"\x00"+c.ID]; ok {
			return sg.ErrStateChanged
		}
	}
	if c := a.Certificate; c != nil {
		cert := *c
		cert.IssuedAt = c.IssuedAt.UTC().Truncate(time.Second)
		cert.ExpiresAt = c.ExpiresAt.UTC().Truncate(time.Second)
		cert.Signature = append([]byte(nil), c.Signature...)
		cs.certs[c.Tenant+"\x00"+c.ID] = cert
	}
	after.Rev = before.Rev + 1
	cs.progress[pk] = copyProgress(after)
	a.Certificate = nil
	a.Questions = append([]sg.AskedQuestion(nil), a.Questions...)
	cs.attempts[pk+"\x00"+a.ID] = a
	st.putIdem(idem)
	return nil
}

// Certificate reads one of the tenant's certificates; another tenant's is
// sg.ErrCertificateNotFound.
func (st *Store) Certificate(_ context.Context, tenant, id string) (sg.Certificate, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	c, ok := st.courseState().certs[tenant+"\x00"+id]
	if !ok {
		return sg.Certificate{}, sg.ErrCertificateNotFound
	}
	c.Signature = append([]byte(nil), c.Signature...)
	return c, nil
}
