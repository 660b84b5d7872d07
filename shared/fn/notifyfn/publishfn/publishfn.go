// Package publishfn wires the webhook events' publishing apart from the
// rest of the webhooks: the event publisher every money path and the
// invoice service use (Publisher), and the history projector that
// publishes transfer and payout events (history-projector). Publishing
// needs the queue and the webhook store but no sealer of endpoint secrets,
// so it links no KMS client; the delivery worker and the webhook routes,
// which seal and unseal secrets, are notifyfn's and package fn's.
package publishfn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/stablegate/stablegate/shared/api/hookevents"
	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/notify"
	"github.com/stablegate/stablegate/shared/queue"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

// Env reads one configuration variable.
type Env = core.Env

// LocalWebhookSchedule is the retry schedule on the local stack when
// WEBHOOK_SCHEDULE is unset: seconds instead of hours, so a receiver that
// is down for a while is caught up within a test's minute.
// The fifteenth attempt comes about 106 s after the first: an outage
// of a minute or so is caught up at most 10 s after it ends.
var LocalWebhookSchedule = []time.Duration{
	time.Second, 2 * time.Second, 3 * time.Second, 5 * time.Second, 5 * time.Second, 10 * time.Second, 10 * time.Second,
	10 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second,
}

// localWebhooks reports whether this is the local stack: loopback webhooks
// allowed (ALLOW_LOOPBACK_WEBHOOKS, never inside Lambda, as custody's
// approval webhook decides).
func localWebhooks(env Env) bool {
	return webhook.LoopbackAllowed(env("ALLOW_LOOPBACK_WEBHOOKS") == "true")
}

// ParseSchedule reads "1s,2s,3s": the waits before each retry.
func ParseSchedule(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, p := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(p))
		if err != nil || d <= 0 || d > 24*time.Hour {
			return nil, fmt.Errorf("publishfn: WEBHOOK_SCHEDULE: %q is not a wait such as 5s or 10m", p)
		}
		out = append(out, d)
	}
	if len(out) == 0 || len(out) > 30 {
		return nil, errors.New("publishfn: WEBHOOK_SCHEDULE holds 1 to 30 waits")
	}
	return out, nil
}

// webhookQueue is the delivery queue at WEBHOOK_QUEUE_URL (standard, with
// per-message delays).
func webhookQueue(env Env) (sg.WebhookQueue, error) {
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "SQS")
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = ep })
	return queue.Webhooks{Q: &queue.Standard{Client: q, URL: env("WEBHOOK_QUEUE_URL")}}, nil
}

// Service builds the webhook service from TABLE_NAME, WEBHOOK_QUEUE_URL
// and ALLOW_LOOPBACK_WEBHOOKS, with no sealer of endpoint secrets: enough
// to publish (notifyfn.NotifyService adds the sealer for the rest).
// On the local stack only, WEBHOOK_SCHEDULE ("1s,2s,3s") sets the retry
// schedule (unset: LocalWebhookSchedule) and the wait of a job behind its
// predecessor is a second; elsewhere the schedule is notify's (about 3
// days) and WEBHOOK_SCHEDULE is refused.
func Service(env Env) (*notify.Service, *dynamo.Store, error) {
	if err := core.Required(env, "TABLE_NAME", "WEBHOOK_QUEUE_URL"); err != nil {
		return nil, nil, err
	}
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	q, err := webhookQueue(env)
	if err != nil {
		return nil, nil, err
	}
	local := localWebhooks(env)
	svc := &notify.Service{Store: st.Webhooks, Queue: q, AllowLoopback: local, Now: time.Now}
	switch s := env("WEBHOOK_SCHEDULE"); {
	case s != "" && !local:
		return nil, nil, errors.New("publishfn: WEBHOOK_SCHEDULE is for the local stack only")
	case s != "":
		if svc.Schedule, err = ParseSchedule(s); err != nil {
			return nil, nil, err
		}
		svc.WaitDelay = time.Second
	case local:
		svc.Schedule, svc.WaitDelay = LocalWebhookSchedule, time.Second
	}
	return svc, st, nil
}

// WebhookPublisher is the webhook service as the other services' event
// publisher (Publish only: no sealer); nil when WEBHOOK_QUEUE_URL is unset
// (a deployment without webhooks: events stay where their source keeps
// them, as acquiring's outbox does).
func WebhookPublisher(env Env) (sg.EventPublisher, error) {
	if env("WEBHOOK_QUEUE_URL") == "" {
		return nil, nil
	}
	svc, _, err := Service(env)
	if err != nil {
		return nil, err
	}
	return svc, nil
}

// Publisher is WebhookPublisher for wiring that takes no error (the
// invoice service's Events): nil when WEBHOOK_QUEUE_URL is unset; a
// publisher whose every Publish fails when it cannot be built, so its
// caller keeps the events (acquiring's outbox) and says so.
func Publisher(env Env) sg.EventPublisher {
	p, err := WebhookPublisher(env)
	if err != nil {
		return failingPublisher{err}
	}
	return p
}

type failingPublisher struct{ err error }

func (f failingPublisher) Publish(context.Context, sg.WebhookEvent) error {
	return sg.Unavailable("publishfn.Publisher", f.err)
}

// transferPublisher publishes transfer and payout events from the
// history projector; it is built at the first record that needs it, and
// publishes nothing when WEBHOOK_QUEUE_URL is unset. A tenant's transfer
// events are published (and kept for GET /v1/events and replays) from the
// time it has an endpoint that takes them: a tenant without webhooks gets
// no event written per transfer change. Invoice events are always kept.
type transferPublisher struct {
	env  Env
	once sync.Once
	svc  *notify.Service
	err  error
}

func (p *transferPublisher) publish(ctx context.Context, t sg.Transfer, inserted bool) error {
	p.once.Do(func() {
		if p.env("WEBHOOK_QUEUE_URL") != "" {
			p.svc, _, p.err = Service(p.env)
		}
	})
	if p.err != nil || p.svc == nil {
		return p.err
	}
	evs := hookevents.TransferEvents(t, inserted)
	if len(evs) == 0 {
		return nil
	}
	eps, err := p.svc.Endpoints(ctx, t.TenantID)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		if !hookevents.Subscribed(eps, ev.Type) {
			continue
		}
		if err := p.svc.Publish(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}
