package stablegate

import (
	"context"
	"encoding/json"
	"time"
)

// Webhooks: the events Stablegate tells a merchant about, the endpoints
// that receive them, and the record of each delivery. The notify service
// owns the rules (shared/notify); the primitive that signs and verifies
// the envelope is shared/webhook.

// WebhookAPIVersion is the version of the event envelope sent today.
const WebhookAPIVersion = "2026-12-01"

// WebhookEvent is one thing that happened to a tenant, sent to its endpoints in a
// stable envelope (see webhook.Envelope). ID ("evt_...") is the receivers'
// key to dedupe by: an event is stored once and every delivery and replay
// of it carries the same ID. Events with the same OrderingKey (an
// invoice's id) reach each endpoint in the order they were published.
type WebhookEvent struct {
	ID          string
	TenantID    string
	Type        string // "invoice.paid", "webhook.test", ...
	Created     time.Time
	APIVersion  string
	OrderingKey string // empty: no order with other events
	Data        json.RawMessage
}

// EventPublisher takes the events the services raise (acquiring, payouts,
// settlements). Publish is idempotent by WebhookEvent.ID: a second call with the
// same ID (a retried handler, a redelivered message) stores nothing new and
// sends nothing twice, but finishes a fan-out the first call did not.
type EventPublisher interface {
	Publish(ctx context.Context, e WebhookEvent) error
}

// Endpoint states.
const (
	EndpointEnabled  = "enabled"
	EndpointDisabled = "disabled"
)

// WebhookEndpoint is a URL of a tenant's that receives the events it
// enabled ("*" is every type). Its signing secrets are stored sealed
// (Sealer, purpose WebhookSecretPurpose) and never returned: the secret is
// shown once, in the answer that creates or rotates it. During a rotation's
// overlap (until PreviousExpires) deliveries carry a signature under each.
type WebhookEndpoint struct {
	ID            string
	TenantID      string
	URL           string
	Description   string
	EnabledEvents []string
	Status        string // EndpointEnabled or EndpointDisabled
	// DisabledReason says why a disabled endpoint is ("failing" when the
	// service turned it off, "user" when the tenant did).
	DisabledReason string

	SecretSealed         []byte
	PreviousSecretSealed []byte    // nil when no rotation overlaps
	PreviousExpires      time.Time // the previous secret signs until then

	Created time.Time
	Updated time.Time
	// FailingSince is the first failed attempt since the last delivered
	// one (zero when the last attempt succeeded); ConsecutiveDead counts
	// events dead-lettered since the last delivered one.
	FailingSince    time.Time
	ConsecutiveDead int
	// Version is the store's optimistic lock: UpdateWebhookEndpoint writes
	// only over the version read, and stores Version+1.
	Version int64
}

// WebhookSecretPurpose is the envelope purpose of endpoint secrets.
const WebhookSecretPurpose = "webhook-endpoint-secret"

// Delivery job states.
const (
	JobPending   = "pending"
	JobDelivered = "delivered"
	JobDead      = "dead"
)

// DeliveryJob is the sending of one event to one endpoint: made once at
// fan-out (Key is the event id) or at a replay (Key "rpl_...:<event id>"),
// then attempted until delivered or dead. Seq orders the jobs of one
// (endpoint, OrderingKey): a job is attempted only once the cursor of its
// key has reached Seq-1, that is when every earlier job of the key to that
// endpoint was delivered or dead.
type DeliveryJob struct {
	TenantID      string
	EndpointID    string
	Key           string
	EventID       string
	EventType     string
	OrderingKey   string
	Seq           int64 // 0 when OrderingKey is empty
	State         string
	Attempts      int       // attempts made
	NextAttemptAt time.Time // when the next attempt is due
	// Gen counts the job's queue messages: only a task of the job's Gen is
	// run, and each step that queues the next task moves Gen on (after
	// queuing it), so duplicates of a message die at their first run.
	Gen     int64
	Created time.Time
	Updated time.Time
}

// Delivery is one attempt, in the endpoint's delivery log. Outcome is
// "delivered", "retrying" (NextAttemptAt set) or "dead" (the last attempt
// failed, or the endpoint was disabled or deleted: ErrorClass says).
type Delivery struct {
	TenantID      string
	EndpointID    string
	JobKey        string
	EventID       string
	EventType     string
	Attempt       int
	At            time.Time
	StatusCode    int // 0: no answer
	Duration      time.Duration
	ErrorClass    string // "", "http_status", "timeout", "connection", "address_refused", "endpoint_disabled", ...
	Outcome       string
	NextAttemptAt time.Time
}

// WebhookStore keeps endpoints, events, delivery jobs with their order
// per key, and the delivery log.
type WebhookStore interface {
	// CreateWebhookEndpoint writes e once (by ID), with Version 1.
	CreateWebhookEndpoint(ctx context.Context, e WebhookEndpoint) error
	// WebhookEndpoint is the tenant's endpoint; another tenant's is ErrNotFound.
	WebhookEndpoint(ctx context.Context, tenant, id string) (WebhookEndpoint, error)
	// WebhookEndpoints are the tenant's endpoints, oldest first.
	WebhookEndpoints(ctx context.Context, tenant string) ([]WebhookEndpoint, error)
	// UpdateWebhookEndpoint writes e only over e.Version as stored
	// (ErrWebhookEndpointChanged otherwise; ErrNotFound if gone) and
	// returns it at Version+1.
	UpdateWebhookEndpoint(ctx context.Context, e WebhookEndpoint) (WebhookEndpoint, error)
	// DeleteWebhookEndpoint removes the tenant's endpoint (ErrNotFound if none).
	DeleteWebhookEndpoint(ctx context.Context, tenant, id string) error

	// PutWebhookEvent stores e once by (tenant, ID) and returns the stored
	// event (the first one written, for a second call) and whether this
	// call wrote it.
	PutWebhookEvent(ctx context.Context, e WebhookEvent) (WebhookEvent, bool, error)
	// WebhookEvent is the tenant's event (ErrNotFound otherwise).
	WebhookEvent(ctx context.Context, tenant, id string) (WebhookEvent, error)
	// WebhookEvents lists the tenant's events created in [from, to) (a zero to is
	// no bound), oldest first, by (Created, ID).
	WebhookEvents(ctx context.Context, tenant string, from, to time.Time, page Page) ([]WebhookEvent, string, error)

	// AssignDeliveryJob writes j once by (EndpointID, Key); when
	// OrderingKey is set it gives j the next Seq of (EndpointID,
	// OrderingKey) in the same write. A job already there is returned as
	// stored, with no new Seq.
	AssignDeliveryJob(ctx context.Context, j DeliveryJob) (DeliveryJob, error)
	// DeliveryJob is the job (ErrNotFound if none).
	DeliveryJob(ctx context.Context, endpointID, key string) (DeliveryJob, error)
	// DeliveryJobAt is the job holding seq of (endpoint, ordering key).
	DeliveryJobAt(ctx context.Context, endpointID, orderingKey string, seq int64) (DeliveryJob, error)
	// RecordDeliveryAttempt saves j, whose Gen must be one more than the
	// stored job's while that is pending (ErrWebhookJobChanged otherwise),
	// and appends d to the log, both or neither.
	RecordDeliveryAttempt(ctx context.Context, j DeliveryJob, d Delivery) error
	// BumpDeliveryJob moves a pending job's Gen from gen to gen+1
	// (ErrWebhookJobChanged if it is not at gen or not pending).
	BumpDeliveryJob(ctx context.Context, endpointID, key string, gen int64) error
	// DeliveryCursor is the highest Seq of (endpoint, ordering key) done
	// with no gap below it (0 for none).
	DeliveryCursor(ctx context.Context, endpointID, orderingKey string) (int64, error)
	// AdvanceDeliveryCursor moves the cursor from seq-1 to seq; a cursor
	// at seq or past it is left as it is (nil); one below seq-1 is
	// ErrWebhookJobChanged.
	AdvanceDeliveryCursor(ctx context.Context, endpointID, orderingKey string, seq int64) error
	// Deliveries is the endpoint's log, newest first.
	Deliveries(ctx context.Context, tenant, endpointID string, page Page) ([]Delivery, string, error)
}

// DeliveryTask is the queue message of one attempt of a job.
type DeliveryTask struct {
	TenantID   string `json:"tenant_id"`
	EndpointID string `json:"endpoint_id"`
	JobKey     string `json:"job_key"`
	Gen        int64  `json:"gen"` // the job's Gen this task is for
}

// MaxQueueDelay is the longest delay a queue message can be given (SQS's
// DelaySeconds): a longer wait is made of hops of at most this.
const MaxQueueDelay = 15 * time.Minute

// WebhookQueue queues delivery tasks (a standard SQS queue: FIFO queues
// have no per-message delay). Delivery is at least once.
type WebhookQueue interface {
	// EnqueueDelivery queues t, visible after delay (0 <= delay <= MaxQueueDelay).
	EnqueueDelivery(ctx context.Context, t DeliveryTask, delay time.Duration) error
}

// Webhook refusals.
var (
	// ErrURLInvalid: the URL is not an absolute http(s) URL of at most 500
	// bytes, or carries a user name or password.
	ErrURLInvalid = &Error{Kind: KindInvalid, Code: "url_invalid", Message: "url must be an absolute https URL without user or password", Param: "url"}
	// ErrURLNotHTTPS: the URL is not https (plain http is allowed to the
	// loopback address on the local stack only).
	ErrURLNotHTTPS = &Error{Kind: KindInvalid, Code: "url_not_https", Message: "url must be https", Param: "url"}
	// ErrURLNotPublic: the URL's host is, or resolves to, an address that is
	// not public (loopback, private, link-local, CGNAT, cloud metadata,
	// documentation, multicast, reserved).
	ErrURLNotPublic = &Error{Kind: KindInvalid, Code: "url_not_public", Message: "url must be a public address", Param: "url"}
	// ErrEventTypeInvalid: an enabled event type is neither "*", "<group>.*"
	// nor a type such as "invoice.paid".
	ErrEventTypeInvalid = &Error{Kind: KindInvalid, Code: "event_type_invalid", Message: `enabled_events holds "*", "invoice.*" or types such as "invoice.paid"`, Param: "enabled_events"}
	// ErrTooManyEndpoints: the tenant has the most endpoints allowed.
	ErrTooManyEndpoints = &Error{Kind: KindRefused, Code: "too_many_webhook_endpoints", Message: "a tenant has at most 16 webhook endpoints"}
	// ErrEndpointDisabled: the endpoint is disabled (replay refused).
	ErrEndpointDisabled = &Error{Kind: KindConflict, Code: "webhook_endpoint_disabled", Message: "the webhook endpoint is disabled; enable it first"}
	// ErrReplayRange: a replay names neither one event nor a valid range.
	ErrReplayRange = &Error{Kind: KindInvalid, Code: "replay_range_invalid", Message: "replay one event_id, or a range with from before to, at most 30 days long"}
	// ErrWebhookEndpointChanged: the endpoint changed since it was read.
	ErrWebhookEndpointChanged = &Error{Kind: KindConflict, Code: "webhook_endpoint_changed", Message: "the webhook endpoint changed; read it again"}
	// ErrWebhookJobChanged: another attempt of the delivery got there first.
	ErrWebhookJobChanged = &Error{Kind: KindConflict, Code: "webhook_delivery_changed", Message: "the delivery changed; read it again"}
)
