// Package notify is the webhook service: a tenant's endpoints and their
// secrets, the events the other services publish, and their delivery,
// signed (shared/webhook), in order per ordering key, at least once.
//
// Delivery. Publish stores an event once and makes one delivery job per
// enabled endpoint that takes its type, each queued as a task. Deliver runs
// one task: it POSTs the signed envelope with a timeout; a 2xx answer
// delivers the event; anything else (another status, a timeout, a refused
// address) schedules the next attempt after Schedule[n-1] with ±10% jitter:
//
//	attempt  1   2   3    4    5   6   7   8   9   10   11   12   13   14   15
//	after    0   1m  5m   15m  30m 1h  2h  4h  6h  8h   10h  10h  10h  10h  10h
//
// about 72 hours from the first attempt to the fifteenth; when that one
// fails the job is dead, written so in the endpoint's delivery log (the
// dead letter: replay sends it again). SQS delays a message 15 minutes at
// most, so a longer wait is made of hops: a task that arrives before its
// job is due re-queues itself for the rest (at most 15 minutes at a time).
//
// Order. Events that share an OrderingKey (an invoice's id) reach each
// endpoint in the order they were published: a job takes the next sequence
// number of its (endpoint, key) when it is made, and the cursor of the key
// moves past it when it is delivered or dead. A task whose predecessors are
// not done re-queues itself (WaitDelay), and the job that finishes queues
// its successor at once. A cursor left behind by a crash is repaired by the
// next task that waits on it.
//
// At least once. Every queue message is for one generation of its job
// (Gen); a step that queues the job's next message queues it first and
// then moves Gen on in a conditional write (an attempt's write also
// appends its log entry), so a redelivered or duplicated message finds
// the Gen moved and stops, and a crash between the two leaves a message
// that does. A crash during the POST makes the attempt again (receivers
// dedupe by event id).
//
// Sustained failure. An endpoint whose attempts have all failed for
// DisableAfter (3 days), or whose last DeadLimit events died in a row, is
// disabled, and a webhook_endpoint.disabled event is published to the
// tenant's other endpoints.
package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

// DefaultSchedule is the wait before each retry: Schedule[i] is the wait
// after attempt i+1 fails.
var DefaultSchedule = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour, 8 * time.Hour,
	10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// Defaults of the service's knobs.
const (
	DefaultOverlap      = 24 * time.Hour // a rotated secret keeps signing
	DefaultWaitDelay    = 5 * time.Minute
	DefaultDisableAfter = 72 * time.Hour
	DefaultDeadLimit    = 5
	MaxEndpoints        = 16
	maxReplayRange      = 30 * 24 * time.Hour
	maxReplayEvents     = 1000
	maxAnswer           = 4096
)

// Event types the service itself publishes.
const (
	TypeTest             = "webhook.test"
	TypeEndpointDisabled = "webhook_endpoint.disabled"
)

// Service is the webhook service.
type Service struct {
	Store  sg.WebhookStore
	Queue  sg.WebhookQueue
	Sealer sg.Sealer
	// HTTP sends deliveries; nil is the guarded client
	// (webhook.Client(&webhook.Dialer{AllowLoopback}, Timeout)). Whatever
	// client is given, each URL is checked with webhook.CheckURL before
	// the call.
	HTTP *http.Client
	// AllowLoopback is the local stack's exception (never in Lambda).
	AllowLoopback bool
	Timeout       time.Duration // per attempt; 0 is webhook.Timeout

	Now  func() time.Time
	Rand io.Reader // ids and secrets; nil is crypto/rand
	// Jitter returns a number in [0, n); nil draws from Rand.
	Jitter func(n int64) int64

	Schedule     []time.Duration // nil is DefaultSchedule
	Overlap      time.Duration
	WaitDelay    time.Duration
	DisableAfter time.Duration
	DeadLimit    int

	once   sync.Once
	client *http.Client
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) rand() io.Reader {
	if s.Rand != nil {
		return s.Rand
	}
	return rand.Reader
}

func (s *Service) schedule() []time.Duration {
	if s.Schedule != nil {
		return s.Schedule
	}
	return DefaultSchedule
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (s *Service) httpClient() *http.Client {
	s.once.Do(func() {
		s.client = s.HTTP
		if s.client == nil {
			s.client = webhook.Client(&webhook.Dialer{AllowLoopback: s.AllowLoopback}, s.Timeout)
		}
	})
	return s.client
}

// randHex is n random bytes in hex.
func (s *Service) randHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand(), b); err != nil {
		return "", sg.Internal("notify.rand", err)
	}
	return hex.EncodeToString(b), nil
}

// newID is prefix_ + 24 random hex digits.
func (s *Service) newID(prefix string) (string, error) {
	h, err := s.randHex(12)
	return prefix + "_" + h, err
}

// newSecret is a signing secret as shown to the tenant once.
func (s *Service) newSecret() (string, error) {
	h, err := s.randHex(24)
	return "whsec_" + h, err
}

// backoff is the wait after attempt n (1-based) failed, with ±10% jitter;
// false when n was the last attempt.
func (s *Service) backoff(n int) (time.Duration, bool) {
	sch := s.schedule()
	if n < 1 || n > len(sch) {
		return 0, false
	}
	d := sch[n-1]
	span := int64(d) / 5
	if span <= 0 {
		return d, true
	}
	var j int64
	if s.Jitter != nil {
		j = s.Jitter(span)
	} else {
		var b [8]byte
		if _, err := io.ReadFull(s.rand(), b[:]); err == nil {
			j = int64(binary.BigEndian.Uint64(b[:]) % uint64(span))
		}
	}
	return d - time.Duration(span/2) + time.Duration(j), true
}

var typeRE = &lazy.Regexp{Expr: `^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`}
var groupRE = &lazy.Regexp{Expr: `^[a-z][a-z0-9_]*\.\*$`}

// checkEvents validates enabled event types.
func checkEvents(types []string) ([]string, error) {
	if len(types) == 0 || len(types) > 64 {
		return nil, sg.ErrEventTypeInvalid
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range types {
		if t != "*" && !typeRE.MatchString(t) && !groupRE.MatchString(t) || len(t) > 100 {
			return nil, sg.ErrEventTypeInvalid.WithMessage("enabled_events: %q is not an event type", t)
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// takes reports whether an endpoint enabled for types receives typ.
func takes(types []string, typ string) bool {
	for _, t := range types {
		if t == "*" || t == typ || strings.HasSuffix(t, ".*") && strings.HasPrefix(typ, strings.TrimSuffix(t, "*")) {
			return true
		}
	}
	return false
}

func (s *Service) seal(ctx context.Context, tenant, secret string) ([]byte, error) {
	return s.Sealer.Seal(ctx, sg.SealContext{Tenant: tenant, Purpose: sg.WebhookSecretPurpose}, []byte(secret))
}

// secrets are the endpoint's signing secrets at now: the current one, and
// the previous one while its overlap lasts.
func (s *Service) secrets(ctx context.Context, e sg.WebhookEndpoint, now time.Time) ([][]byte, error) {
	sc := sg.SealContext{Tenant: e.TenantID, Purpose: sg.WebhookSecretPurpose}
	cur, err := s.Sealer.Open(ctx, sc, e.SecretSealed)
	if err != nil {
		return nil, err
	}
	out := [][]byte{cur}
	if len(e.PreviousSecretSealed) > 0 && now.Before(e.PreviousExpires) {
		prev, err := s.Sealer.Open(ctx, sc, e.PreviousSecretSealed)
		if err != nil {
			return nil, err
		}
		out = append(out, prev)
	}
	return out, nil
}

// eventID is a deterministic event id for an event the service derives
// from others (so a retried derivation publishes the same event once).
func eventID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "evt_" + hex.EncodeToString(h[:12])
}

// isNotFound reports a store's not found.
func isNotFound(err error) bool { return errors.Is(err, sg.ErrNotFound) }

// EndpointView is an endpoint as the API shows it: never a secret.
type EndpointView struct {
	Object          string   `json:"object"`
	ID              string   `json:"id"`
	URL             string   `json:"url"`
	Description     string   `json:"description"`
	EnabledEvents   []string `json:"enabled_events"`
	Status          string   `json:"status"`
	DisabledReason  string   `json:"disabled_reason,omitempty"`
	PreviousExpires *int64   `json:"previous_secret_expires,omitempty"`
	Created         int64    `json:"created"`
	Updated         int64    `json:"updated"`
	FailingSince    *int64   `json:"failing_since,omitempty"`
	Secret          string   `json:"secret,omitempty"` // only in the answer that creates or rotates it
}

// View is e as the API shows it, with secret ("" but at create and rotate).
func View(e sg.WebhookEndpoint, secret string, now time.Time) EndpointView {
	v := EndpointView{Object: "webhook_endpoint", ID: e.ID, URL: e.URL, Description: e.Description, EnabledEvents: e.EnabledEvents,
		Status: e.Status, DisabledReason: e.DisabledReason, Created: e.Created.Unix(), Updated: e.Updated.Unix(), Secret: secret}
	if len(e.PreviousSecretSealed) > 0 && now.Before(e.PreviousExpires) {
		x := e.PreviousExpires.Unix()
		v.PreviousExpires = &x
	}
	if !e.FailingSince.IsZero() {
		x := e.FailingSince.Unix()
		v.FailingSince = &x
	}
	return v
}

// EventView is an event as GET /v1/events shows it: its envelope.
func EventView(e sg.WebhookEvent) json.RawMessage {
	b, _ := webhook.MarshalEnvelope(e.ID, e.Type, e.Created, e.APIVersion, e.Data)
	return b
}
