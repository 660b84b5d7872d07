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
			out[c] = p
		}
	}
	return out, nil
}

// SaveAttempt records an attempt over the progress it was graded against:
// sg.ErrIdempotencyInProgress if the key has a live record,
// sg.ErrStateChanged if the progress moved since it was read (or the
// certificate exists).
func (st *Store) SaveAttempt(_ context.Context, a sg.CourseAttempt, before sg.CourseProgress, idem sg.Idempotency) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	cs := st.courseState()
	if r, ok := st.idem[idemKey(idem.TenantID, idem.Operation, idem.Key)]; ok && !st.Now().After(r.expires) {
		return sg.ErrIdempotencyInProgress
	}
	pk := a.Tenant + "\x00" + a.Learner + "\x00" + a.Course
	cur, exists := cs.progress[pk]
	if before.Attempts == 0 && exists || before.Attempts != 0 && (!exists || cur.Attempts != before.Attempts) {
		return sg.ErrStateChanged
	}
	if c := a.Certificate; c != nil {
		if _, ok := cs.certs[c.Tenant+"\x00"+c.ID]; ok {
			return sg.ErrStateChanged
		}
	}
	after := sg.CourseProgress{Course: a.Course, Attempts: before.Attempts + 1, BestPercent: max(before.BestPercent, a.Percent),
		Passed: before.Passed || a.Passed, CertificateID: before.CertificateID}
	if c := a.Certificate; c != nil {
		after.CertificateID = c.ID
		cert := *c
		cert.IssuedAt = c.IssuedAt.UTC().Truncate(time.Second)
		cert.Signature = append([]byte(nil), c.Signature...)
		cs.certs[c.Tenant+"\x00"+c.ID] = cert
	}
	cs.progress[pk] = after
	a.Certificate = nil
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
