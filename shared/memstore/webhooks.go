package memstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Webhooks is the in-memory twin of the webhook store (sg.WebhookStore):
// endpoints written over the version read, events put once, delivery jobs
// written once with the next sequence number of their (endpoint, ordering
// key) in the same write, attempts recorded over the attempt count read,
// a cursor that only moves one step up, and the delivery log. Times come
// back at the adapter's precision (events at the second, the rest at the
// microsecond, UTC). The zero value is not usable; call NewWebhooks.
type Webhooks struct {
	mu        sync.Mutex
	endpoints map[string]sg.WebhookEndpoint // id
	events    map[string]sg.WebhookEvent    // tenant\x00id
	jobs      map[string]sg.DeliveryJob     // endpoint\x00key
	seqs      map[string]int64              // endpoint\x00ordering key: last seq given
	bySeq     map[string]string             // endpoint\x00ordering key\x00seq: job key
	cursors   map[string]int64              // endpoint\x00ordering key
	log       map[string][]sg.Delivery      // endpoint
	logKeys   map[string]bool               // endpoint\x00job\x00attempt
}

var _ sg.WebhookStore = (*Webhooks)(nil)

// NewWebhooks is an empty webhook store.
func NewWebhooks() *Webhooks {
	return &Webhooks{endpoints: map[string]sg.WebhookEndpoint{}, events: map[string]sg.WebhookEvent{}, jobs: map[string]sg.DeliveryJob{},
		seqs: map[string]int64{}, bySeq: map[string]string{}, cursors: map[string]int64{}, log: map[string][]sg.Delivery{}, logKeys: map[string]bool{}}
}

func usec(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func cloneEndpoint(e sg.WebhookEndpoint) sg.WebhookEndpoint {
	e.EnabledEvents = append([]string(nil), e.EnabledEvents...)
	e.SecretSealed = append([]byte(nil), e.SecretSealed...)
	if e.PreviousSecretSealed != nil {
		e.PreviousSecretSealed = append([]byte(nil), e.PreviousSecretSealed...)
	}
	e.PreviousExpires, e.Created, e.Updated, e.FailingSince = usec(e.PreviousExpires), usec(e.Created), usec(e.Updated), usec(e.FailingSince)
	return e
}

// CreateWebhookEndpoint writes e once, at Version 1.
func (w *Webhooks) CreateWebhookEndpoint(_ context.Context, e sg.WebhookEndpoint) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.endpoints[e.ID]; ok {
		return sg.ErrWebhookEndpointChanged.WithMessage("a webhook endpoint with this id exists")
	}
	e = cloneEndpoint(e)
	e.Version = 1
	w.endpoints[e.ID] = e
	return nil
}

// WebhookEndpoint is the tenant's endpoint.
func (w *Webhooks) WebhookEndpoint(_ context.Context, tenant, id string) (sg.WebhookEndpoint, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.endpoints[id]
	if !ok || e.TenantID != tenant {
		return sg.WebhookEndpoint{}, sg.ErrNotFound
	}
	return cloneEndpoint(e), nil
}

// WebhookEndpoints are the tenant's endpoints, oldest first.
func (w *Webhooks) WebhookEndpoints(_ context.Context, tenant string) ([]sg.WebhookEndpoint, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []sg.WebhookEndpoint
	for _, e := range w.endpoints {
		if e.TenantID == tenant {
			out = append(out, cloneEndpoint(e))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// UpdateWebhookEndpoint writes e over the version it was read at.
func (w *Webhooks) UpdateWebhookEndpoint(_ context.Context, e sg.WebhookEndpoint) (sg.WebhookEndpoint, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old, ok := w.endpoints[e.ID]
	if !ok || old.TenantID != e.TenantID {
		return sg.WebhookEndpoint{}, sg.ErrNotFound
	}
	if old.Version != e.Version {
		return sg.WebhookEndpoint{}, sg.ErrWebhookEndpointChanged
	}
	e = cloneEndpoint(e)
	e.Created = old.Created
	e.Version++
	w.endpoints[e.ID] = e
	return cloneEndpoint(e), nil
}

// DeleteWebhookEndpoint removes the tenant's endpoint.
func (w *Webhooks) DeleteWebhookEndpoint(_ context.Context, tenant, id string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.endpoints[id]
	if !ok || e.TenantID != tenant {
		return sg.ErrNotFound
	}
	delete(w.endpoints, id)
	return nil
}

func cloneEvent(e sg.WebhookEvent) sg.WebhookEvent {
	e.Data = append([]byte(nil), e.Data...)
	e.Created = e.Created.UTC().Truncate(time.Second)
	return e
}

// PutWebhookEvent stores e once by (tenant, id).
func (w *Webhooks) PutWebhookEvent(_ context.Context, e sg.WebhookEvent) (sg.WebhookEvent, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := e.TenantID + "\x00" + e.ID
	if old, ok := w.events[k]; ok {
		return cloneEvent(old), false, nil
	}
	e = cloneEvent(e)
	w.events[k] = e
	return cloneEvent(e), true, nil
}

// WebhookEvent is the tenant's event.
func (w *Webhooks) WebhookEvent(_ context.Context, tenant, id string) (sg.WebhookEvent, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.events[tenant+"\x00"+id]
	if !ok {
		return sg.WebhookEvent{}, sg.ErrNotFound
	}
	return cloneEvent(e), nil
}

// pageLimit is the page's limit within 1..100 (20 by default).
func pageLimit(p sg.Page) int {
	switch {
	case p.Limit <= 0:
		return 20
	case p.Limit > 100:
		return 100
	}
	return p.Limit
}

// webhookCursor encodes the position after an item: a sort value and an id.
func webhookCursor(kind string, at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "|" + strconv.FormatInt(at.UnixMicro(), 10) + "|" + id))
}

func readWebhookCursor(kind, c string) (time.Time, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	parts := strings.SplitN(string(raw), "|", 3)
	if err != nil || len(parts) != 3 || parts[0] != kind {
		return time.Time{}, "", sg.ErrInvalidCursor
	}
	n, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return time.Time{}, "", sg.ErrInvalidCursor
	}
	return time.UnixMicro(n).UTC(), parts[2], nil
}

// WebhookEvents lists the tenant's events created in [from, to), oldest first.
func (w *Webhooks) WebhookEvents(_ context.Context, tenant string, from, to time.Time, page sg.Page) ([]sg.WebhookEvent, string, error) {
	var afterAt time.Time
	afterID := ""
	if page.Cursor != "" {
		var err error
		if afterAt, afterID, err = readWebhookCursor("evt", page.Cursor); err != nil {
			return nil, "", err
		}
	}
	w.mu.Lock()
	var all []sg.WebhookEvent
	for _, e := range w.events {
		if e.TenantID != tenant || e.Created.Before(from) || !to.IsZero() && !e.Created.Before(to) {
			continue
		}
		if afterID != "" && (e.Created.Before(afterAt) || e.Created.Equal(afterAt) && e.ID <= afterID) {
			continue
		}
		all = append(all, cloneEvent(e))
	}
	w.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if !all[i].Created.Equal(all[j].Created) {
			return all[i].Created.Before(all[j].Created)
		}
		return all[i].ID < all[j].ID
	})
	n := pageLimit(page)
	if len(all) <= n {
		return all, "", nil
	}
	last := all[n-1]
	return all[:n], webhookCursor("evt", last.Created, last.ID), nil
}

func jobTimes(j sg.DeliveryJob) sg.DeliveryJob {
	j.NextAttemptAt, j.Created, j.Updated = usec(j.NextAttemptAt), usec(j.Created), usec(j.Updated)
	return j
}

// AssignDeliveryJob writes j once, with the next seq of its ordering key.
func (w *Webhooks) AssignDeliveryJob(_ context.Context, j sg.DeliveryJob) (sg.DeliveryJob, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := j.EndpointID + "\x00" + j.Key
	if old, ok := w.jobs[k]; ok {
		return old, nil
	}
	j = jobTimes(j)
	j.Seq, j.Gen, j.Attempts = 0, 0, 0
	if j.OrderingKey != "" {
		ok := j.EndpointID + "\x00" + j.OrderingKey
		w.seqs[ok]++
		j.Seq = w.seqs[ok]
		w.bySeq[ok+"\x00"+strconv.FormatInt(j.Seq, 10)] = j.Key
	}
	if j.State == "" {
		j.State = sg.JobPending
	}
	w.jobs[k] = j
	return j, nil
}

// DeliveryJob is the job of (endpoint, key).
func (w *Webhooks) DeliveryJob(_ context.Context, endpointID, key string) (sg.DeliveryJob, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	j, ok := w.jobs[endpointID+"\x00"+key]
	if !ok {
		return sg.DeliveryJob{}, sg.ErrNotFound
	}
	return j, nil
}

// DeliveryJobAt is the job holding seq of (endpoint, ordering key).
func (w *Webhooks) DeliveryJobAt(_ context.Context, endpointID, orderingKey string, seq int64) (sg.DeliveryJob, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	key, ok := w.bySeq[endpointID+"\x00"+orderingKey+"\x00"+strconv.FormatInt(seq, 10)]
	if !ok {
		return sg.DeliveryJob{}, sg.ErrNotFound
	}
	return w.jobs[endpointID+"\x00"+key], nil
}

// RecordDeliveryAttempt saves j one attempt after the stored job, and logs d.
func (w *Webhooks) RecordDeliveryAttempt(_ context.Context, j sg.DeliveryJob, d sg.Delivery) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := j.EndpointID + "\x00" + j.Key
	old, ok := w.jobs[k]
	if !ok {
		return sg.ErrNotFound
	}
	if old.State != sg.JobPending || j.Gen != old.Gen+1 {
		return sg.ErrWebhookJobChanged
	}
	lk := fmt.Sprintf("%s\x00%s\x00%d", d.EndpointID, d.JobKey, d.Attempt)
	if w.logKeys[lk] {
		return sg.ErrWebhookJobChanged
	}
	j = jobTimes(j)
	j.Seq, j.OrderingKey, j.Created = old.Seq, old.OrderingKey, old.Created
	w.jobs[k] = j
	d.At, d.NextAttemptAt = usec(d.At), usec(d.NextAttemptAt)
	d.Duration = d.Duration.Truncate(time.Millisecond)
	w.logKeys[lk] = true
	w.log[d.EndpointID] = append(w.log[d.EndpointID], d)
	return nil
}

// BumpDeliveryJob moves a pending job's Gen from gen to gen+1.
func (w *Webhooks) BumpDeliveryJob(_ context.Context, endpointID, key string, gen int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := endpointID + "\x00" + key
	j, ok := w.jobs[k]
	if !ok {
		return sg.ErrNotFound
	}
	if j.State != sg.JobPending || j.Gen != gen {
		return sg.ErrWebhookJobChanged
	}
	j.Gen++
	w.jobs[k] = j
	return nil
}

// DeliveryCursor is the highest seq done with no gap below it.
func (w *Webhooks) DeliveryCursor(_ context.Context, endpointID, orderingKey string) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cursors[endpointID+"\x00"+orderingKey], nil
}

// AdvanceDeliveryCursor moves the cursor from seq-1 to seq.
func (w *Webhooks) AdvanceDeliveryCursor(_ context.Context, endpointID, orderingKey string, seq int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	k := endpointID + "\x00" + orderingKey
	switch cur := w.cursors[k]; {
	case cur >= seq:
		return nil
	case cur != seq-1:
		return sg.ErrWebhookJobChanged
	}
	w.cursors[k] = seq
	return nil
}

// Deliveries is the endpoint's log, newest first (by time, then job key
// and attempt, descending).
func (w *Webhooks) Deliveries(_ context.Context, tenant, endpointID string, page sg.Page) ([]sg.Delivery, string, error) {
	var afterAt time.Time
	after := ""
	if page.Cursor != "" {
		var err error
		if afterAt, after, err = readWebhookCursor("dlv", page.Cursor); err != nil {
			return nil, "", err
		}
	}
	w.mu.Lock()
	var all []sg.Delivery
	for _, d := range w.log[endpointID] {
		if d.TenantID != tenant {
			continue
		}
		if after != "" && (d.At.After(afterAt) || d.At.Equal(afterAt) && deliverySortKey(d) >= after) {
			continue
		}
		all = append(all, d)
	}
	w.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if !all[i].At.Equal(all[j].At) {
			return all[i].At.After(all[j].At)
		}
		return deliverySortKey(all[i]) > deliverySortKey(all[j])
	})
	n := pageLimit(page)
	if len(all) <= n {
		return all, "", nil
	}
	last := all[n-1]
	return all[:n], webhookCursor("dlv", last.At, deliverySortKey(last)), nil
}

// deliverySortKey orders the attempts made at one microsecond.
func deliverySortKey(d sg.Delivery) string {
	return fmt.Sprintf("%s#%05d", d.JobKey, d.Attempt)
}

// WebhookQueue is the in-memory twin of the delivery queue: messages
// become visible after their delay, on the clock Now (set by tests), and
// are taken in the order they became visible.
type WebhookQueue struct {
	Now func() time.Time

	mu   sync.Mutex
	msgs []queued
	seq  int
}

type queued struct {
	t   sg.DeliveryTask
	at  time.Time
	seq int
}

var _ sg.WebhookQueue = (*WebhookQueue)(nil)

// EnqueueDelivery queues t, visible after delay (at most sg.MaxQueueDelay).
func (q *WebhookQueue) EnqueueDelivery(_ context.Context, t sg.DeliveryTask, delay time.Duration) error {
	if delay < 0 || delay > sg.MaxQueueDelay {
		return fmt.Errorf("memstore: queue delay %s outside 0..%s", delay, sg.MaxQueueDelay)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	q.msgs = append(q.msgs, queued{t: t, at: q.Now().Add(delay), seq: q.seq})
	return nil
}

// Due takes the messages visible now, in the order they became visible.
func (q *WebhookQueue) Due() []sg.DeliveryTask {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.Now()
	var due, rest []queued
	for _, m := range q.msgs {
		if m.at.After(now) {
			rest = append(rest, m)
		} else {
			due = append(due, m)
		}
	}
	q.msgs = rest
	sort.Slice(due, func(i, j int) bool {
		if !due[i].at.Equal(due[j].at) {
			return due[i].at.Before(due[j].at)
		}
		return due[i].seq < due[j].seq
	})
	out := make([]sg.DeliveryTask, len(due))
	for i, m := range due {
		out[i] = m.t
	}
	return out
}

// Next is when the earliest queued message becomes visible (false: none).
func (q *WebhookQueue) Next() (time.Time, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var at time.Time
	for i, m := range q.msgs {
		if i == 0 || m.at.Before(at) {
			at = m.at
		}
	}
	return at, len(q.msgs) > 0
}

// Len is the number of queued messages.
func (q *WebhookQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.msgs)
}
