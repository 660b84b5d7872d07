package stablegate

import "time"

// GCRA is the token bucket written as the generic cell rate algorithm: the
// bucket is one number, tat (the theoretical arrival time), the moment the
// bucket would be full again. With interval T = 1/Rate and capacity
// tau = Burst*T, a request at now is allowed iff max(tat, now) + T - now <=
// tau, and then tat becomes max(tat, now) + T. The memory twin and the
// DynamoDB bucket both decide with it, so they cannot drift.
type GCRA struct {
	T, Tau time.Duration
}

// NewGCRA returns the bucket's parameters for l.
func NewGCRA(l RateLimit) GCRA {
	t := time.Duration(float64(time.Second) / l.Rate)
	if t <= 0 {
		t = time.Microsecond
	}
	return GCRA{T: t, Tau: time.Duration(l.Burst) * t}
}

// Decide answers for a request at now against tat (zero time: a new
// bucket) and returns the new tat (unchanged when refused).
func (g GCRA) Decide(tat, now time.Time, burst int) (RateDecision, time.Time) {
	base := tat
	if base.Before(now) {
		base = now
	}
	next := base.Add(g.T)
	if next.Sub(now) > g.Tau {
		return RateDecision{Limit: burst, Remaining: 0, Reset: base.Sub(now), RetryIn: next.Sub(now) - g.Tau}, tat
	}
	return g.Allowed(next, now, burst), next
}

// Allowed is the decision for an allowed request that left the bucket at newTat.
func (g GCRA) Allowed(newTat, now time.Time, burst int) RateDecision {
	left := g.Tau - newTat.Sub(now)
	return RateDecision{Allowed: true, Limit: burst, Remaining: int(left / g.T), Reset: newTat.Sub(now)}
}

// Refused is the decision for a refused request against a bucket at tat.
func (g GCRA) Refused(tat, now time.Time, burst int) RateDecision {
	return RateDecision{Limit: burst, Reset: tat.Sub(now), RetryIn: tat.Add(g.T).Sub(now) - g.Tau}
}
