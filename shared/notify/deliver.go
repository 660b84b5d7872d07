package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

var _ sg.EventPublisher = (*Service)(nil)

// Publish stores ev once and queues its delivery to each of the tenant's
// enabled endpoints that takes its type. It is idempotent by ev.ID: a
// second call finishes a fan-out the first left unfinished and sends
// nothing twice. Created defaults to now and APIVersion to the current one.
func (s *Service) Publish(ctx context.Context, ev sg.WebhookEvent) error {
	if len(ev.ID) < 5 || len(ev.ID) > 64 || ev.ID[:4] != "evt_" || ev.TenantID == "" || !typeRE.MatchString(ev.Type) || len(ev.OrderingKey) > 128 {
		return sg.ErrValidation.WithMessage("notify.publish: an event needs an evt_ id, a tenant and a type")
	}
	if len(ev.Data) > 0 && (!json.Valid(ev.Data) || bytes.TrimSpace(ev.Data)[0] != '{') {
		return sg.ErrValidation.WithParam("data").WithMessage("notify.publish: data must be a JSON object")
	}
	if ev.Created.IsZero() {
		ev.Created = s.now()
	}
	if ev.APIVersion == "" {
		ev.APIVersion = sg.WebhookAPIVersion
	}
	stored, _, err := s.Store.PutWebhookEvent(ctx, ev)
	if err != nil {
		return err
	}
	eps, err := s.Store.WebhookEndpoints(ctx, ev.TenantID)
	if err != nil {
		return err
	}
	for _, ep := range eps {
		if ep.Status != sg.EndpointEnabled || stored.Type == TypeTest || !takes(ep.EnabledEvents, stored.Type) {
			continue
		}
		if err := s.fanTo(ctx, stored, ep, stored.ID, stored.OrderingKey); err != nil {
			return err
		}
	}
	return nil
}

// fanTo makes the job of sending ev to ep under key (once) and queues its
// first attempt if none was made.
func (s *Service) fanTo(ctx context.Context, ev sg.WebhookEvent, ep sg.WebhookEndpoint, key, orderingKey string) error {
	now := s.now()
	j, err := s.Store.AssignDeliveryJob(ctx, sg.DeliveryJob{TenantID: ev.TenantID, EndpointID: ep.ID, Key: key, EventID: ev.ID, EventType: ev.Type,
		OrderingKey: orderingKey, State: sg.JobPending, NextAttemptAt: now, Created: now, Updated: now})
	if err != nil {
		return err
	}
	if j.State != sg.JobPending || j.Gen != 0 {
		return nil
	}
	return s.enqueue(ctx, task(j), 0)
}

func task(j sg.DeliveryJob) sg.DeliveryTask {
	return sg.DeliveryTask{TenantID: j.TenantID, EndpointID: j.EndpointID, JobKey: j.Key, Gen: j.Gen}
}

// enqueue queues t after d, clamped to the queue's 0..15 minutes.
func (s *Service) enqueue(ctx context.Context, t sg.DeliveryTask, d time.Duration) error {
	d = min(max(d, 0), sg.MaxQueueDelay)
	return s.Queue.EnqueueDelivery(ctx, t, d)
}

// Deliver runs one queued task (see the package doc). It returns an error
// only for a fault worth the queue's redelivery (the store, the queue or
// the sealer unavailable); a receiver's failure is a scheduled retry, not
// an error.
func (s *Service) Deliver(ctx context.Context, t sg.DeliveryTask) error {
	j, err := s.Store.DeliveryJob(ctx, t.EndpointID, t.JobKey)
	if isNotFound(err) || err == nil && j.TenantID != t.TenantID {
		return nil
	}
	if err != nil {
		return err
	}
	if t.Gen != j.Gen || j.State != sg.JobPending {
		// A duplicate of a task already run, or a step already taken. If
		// that run failed its attempt and then died, it may have disabled
		// the endpoint without telling the tenant: finish that here.
		if j.State == sg.JobDelivered {
			return nil
		}
		ep, err := s.Store.WebhookEndpoint(ctx, j.TenantID, j.EndpointID)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.announceDisabled(ctx, ep, s.now())
	}
	now := s.now()
	if now.Before(j.NextAttemptAt) {
		return s.hop(ctx, j, j.NextAttemptAt.Sub(now)) // one hop of a long wait
	}
	ep, err := s.Store.WebhookEndpoint(ctx, j.TenantID, j.EndpointID)
	switch {
	case isNotFound(err):
		return s.record(ctx, j, sg.WebhookEndpoint{}, attempt{class: "endpoint_deleted", dead: true}, now)
	case err != nil:
		return err
	case ep.Status != sg.EndpointEnabled && j.EventType != TypeTest:
		if err := s.announceDisabled(ctx, ep, now); err != nil {
			return err
		}
		return s.record(ctx, j, ep, attempt{class: "endpoint_disabled", dead: true}, now)
	}
	if j.Seq > 1 {
		ok, due, err := s.ready(ctx, j)
		if err != nil {
			return err
		}
		if !ok {
			// Wait for the predecessor's next attempt (at least WaitDelay):
			// when it finishes it queues this job at once.
			return s.hop(ctx, j, max(due.Sub(now), orDefault(s.WaitDelay, DefaultWaitDelay)))
		}
	}
	ev, err := s.Store.WebhookEvent(ctx, j.TenantID, j.EventID)
	if isNotFound(err) {
		return s.record(ctx, j, ep, attempt{class: "event_missing", dead: true}, now)
	}
	if err != nil {
		return err
	}
	a, err := s.post(ctx, ep, ev, now)
	if err != nil {
		return err
	}
	return s.record(ctx, j, ep, a, now)
}

// hop queues the job's next task after d, then moves its Gen on: of two
// runs of one message, the second finds the Gen moved and stops. A crash
// between leaves an extra task, which dies at its first run.
func (s *Service) hop(ctx context.Context, j sg.DeliveryJob, d time.Duration) error {
	next := task(j)
	next.Gen++
	if err := s.enqueue(ctx, next, d); err != nil {
		return err
	}
	if err := s.Store.BumpDeliveryJob(ctx, j.EndpointID, j.Key, j.Gen); err != nil && !errors.Is(err, sg.ErrWebhookJobChanged) {
		return err
	}
	return nil
}

// attempt is the outcome of one POST.
type attempt struct {
	status   int
	class    string // "" delivered
	duration time.Duration
	dead     bool // no retry whatever the schedule says
}

// record writes the attempt with the job's next state (after queuing the
// retry's first task, if one is due), then, for a finished job, moves the
// cursor of its key and queues its successor.
func (s *Service) record(ctx context.Context, j sg.DeliveryJob, ep sg.WebhookEndpoint, a attempt, now time.Time) error {
	j.Attempts++
	j.Gen++
	j.Updated = now
	d := sg.Delivery{TenantID: j.TenantID, EndpointID: j.EndpointID, JobKey: j.Key, EventID: j.EventID, EventType: j.EventType, Attempt: j.Attempts,
		At: now, StatusCode: a.status, Duration: a.duration, ErrorClass: a.class}
	wait, retry := s.backoff(j.Attempts)
	switch {
	case a.class == "":
		j.State, d.Outcome = sg.JobDelivered, "delivered"
	case retry && !a.dead:
		j.NextAttemptAt = now.Add(wait)
		d.Outcome, d.NextAttemptAt = "retrying", j.NextAttemptAt
		if err := s.enqueue(ctx, task(j), wait); err != nil {
			return err
		}
	default:
		j.State, d.Outcome = sg.JobDead, "dead"
	}
	if err := s.Store.RecordDeliveryAttempt(ctx, j, d); errors.Is(err, sg.ErrWebhookJobChanged) {
		return nil // another run of the same task got there first
	} else if err != nil {
		return err
	}
	if ep.ID != "" && !a.dead {
		if err := s.health(ctx, ep, j, a.class == "", now); err != nil {
			return err
		}
	}
	if j.State == sg.JobPending || j.Seq == 0 {
		return nil
	}
	// A crash from here on leaves the successor to its own waiting task
	// (WaitDelay), which moves the cursor itself (ready).
	if err := s.Store.AdvanceDeliveryCursor(ctx, j.EndpointID, j.OrderingKey, j.Seq); err != nil && !errors.Is(err, sg.ErrWebhookJobChanged) {
		return err
	}
	next, err := s.Store.DeliveryJobAt(ctx, j.EndpointID, j.OrderingKey, j.Seq+1)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if next.State != sg.JobPending {
		return nil
	}
	return s.enqueue(ctx, task(next), next.NextAttemptAt.Sub(now))
}

// ready reports whether every earlier job of j's key to its endpoint is
// done, moving a cursor a crash left behind; if not, when the first
// pending one is due.
func (s *Service) ready(ctx context.Context, j sg.DeliveryJob) (bool, time.Time, error) {
	cur, err := s.Store.DeliveryCursor(ctx, j.EndpointID, j.OrderingKey)
	if err != nil {
		return false, time.Time{}, err
	}
	for cur < j.Seq-1 {
		p, err := s.Store.DeliveryJobAt(ctx, j.EndpointID, j.OrderingKey, cur+1)
		if isNotFound(err) {
			return false, time.Time{}, nil
		}
		if err != nil {
			return false, time.Time{}, err
		}
		if p.State == sg.JobPending {
			return false, p.NextAttemptAt, nil
		}
		if err := s.Store.AdvanceDeliveryCursor(ctx, j.EndpointID, j.OrderingKey, p.Seq); err != nil && !errors.Is(err, sg.ErrWebhookJobChanged) {
			return false, time.Time{}, err
		}
		cur++
	}
	return true, time.Time{}, nil
}

// post sends the signed envelope of ev to ep. The error is the sealer's
// (retryable); the receiver's failures are in the attempt.
func (s *Service) post(ctx context.Context, ep sg.WebhookEndpoint, ev sg.WebhookEvent, now time.Time) (attempt, error) {
	if err := webhook.CheckURL(ep.URL, s.AllowLoopback); err != nil {
		return attempt{class: "url_refused"}, nil
	}
	secrets, err := s.secrets(ctx, ep, now)
	if err != nil {
		return attempt{}, err
	}
	body, err := webhook.MarshalEnvelope(ev.ID, ev.Type, ev.Created, ev.APIVersion, ev.Data)
	if err != nil {
		return attempt{}, sg.Internal("notify.envelope", err)
	}
	callCtx, cancel := context.WithTimeout(ctx, orDefault(s.Timeout, webhook.Timeout))
	defer cancel()
	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return attempt{class: "url_refused"}, nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Stablegate-Webhooks/1")
	req.Header.Set(webhook.Header, webhook.Sign(secrets, now, body))
	start := s.now()
	resp, err := s.httpClient().Do(req)
	a := attempt{duration: s.now().Sub(start)}
	if err != nil {
		var ne net.Error
		switch {
		case errors.Is(err, webhook.ErrAddress):
			a.class = "address_refused"
		case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
			a.class = "timeout"
		default:
			a.class = "connection"
		}
		return a, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	a.status = resp.StatusCode
	if resp.StatusCode/100 != 2 {
		a.class = "http_status"
	}
	return a, nil
}

// health keeps the endpoint's failure streak, and disables it after
// sustained failure: an event dead with no delivery since it was made,
// every attempt failing for DisableAfter, or DeadLimit events dead in a row.
func (s *Service) health(ctx context.Context, ep sg.WebhookEndpoint, j sg.DeliveryJob, delivered bool, now time.Time) error {
	if delivered && ep.FailingSince.IsZero() && ep.ConsecutiveDead == 0 {
		return nil
	}
	disabled := false
	e, err := s.update(ctx, ep.TenantID, ep.ID, func(e *sg.WebhookEndpoint) error {
		disabled = false
		if delivered {
			e.FailingSince, e.ConsecutiveDead = time.Time{}, 0
			return nil
		}
		if e.FailingSince.IsZero() {
			e.FailingSince = now
		}
		if j.State == sg.JobDead {
			e.ConsecutiveDead++
		}
		sustained := j.State == sg.JobDead && !e.FailingSince.After(j.Created) ||
			now.Sub(e.FailingSince) >= orDefault(s.DisableAfter, DefaultDisableAfter) ||
			e.ConsecutiveDead >= s.deadLimit()
		if sustained && e.Status == sg.EndpointEnabled {
			e.Status, e.DisabledReason, disabled = sg.EndpointDisabled, "failing", true
		}
		return nil
	})
	if isNotFound(err) {
		return nil
	}
	if err != nil || !disabled {
		return err
	}
	return s.announceDisabled(ctx, e, now)
}

// announceDisabled publishes webhook_endpoint.disabled for an endpoint the
// service disabled for failing. The event's id is fixed by the endpoint and
// the failing streak (to the microsecond the store keeps), so every call after the first is a no-op: a run that
// disabled the endpoint and died before publishing is finished by the next
// run that meets the endpoint (a redelivered task, or a later job of it).
func (s *Service) announceDisabled(ctx context.Context, e sg.WebhookEndpoint, now time.Time) error {
	if e.Status != sg.EndpointDisabled || e.DisabledReason != "failing" || e.FailingSince.IsZero() {
		return nil
	}
	data, _ := json.Marshal(map[string]any{"object": "webhook_endpoint", "id": e.ID, "url": e.URL, "status": e.Status,
		"disabled_reason": e.DisabledReason, "failing_since": e.FailingSince.Unix()})
	return s.Publish(ctx, sg.WebhookEvent{ID: eventID(e.ID, "disabled", strconv.FormatInt(e.FailingSince.UnixMicro(), 10)), TenantID: e.TenantID,
		Type: TypeEndpointDisabled, Created: now, OrderingKey: e.ID, Data: data})
}

func (s *Service) deadLimit() int {
	if s.DeadLimit > 0 {
		return s.DeadLimit
	}
	return DefaultDeadLimit
}
