package queue

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// MaxDelay is the longest per-message delay SQS takes (DelaySeconds 900).
const MaxDelay = 15 * time.Minute

// Standard is one standard (not FIFO) queue: messages may carry their own
// delay, and arrive at least once, in no set order.
type Standard struct {
	Client Sender
	URL    string
}

// delaySeconds is d in whole seconds, rounded up so a message is never
// visible before d has passed, within 0..900.
func delaySeconds(d time.Duration) int32 {
	if d <= 0 {
		return 0
	}
	s := (d + time.Second - 1) / time.Second
	return int32(min(s, MaxDelay/time.Second))
}

// SendDelayed queues body, visible after delay (rounded up to the second,
// at most 15 minutes).
func (q *Standard) SendDelayed(ctx context.Context, body string, delay time.Duration) error {
	_, err := q.Client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &q.URL, MessageBody: &body, DelaySeconds: delaySeconds(delay)})
	if err != nil {
		return sg.Unavailable("queue.SendDelayed", err)
	}
	return nil
}

// Webhooks is the webhook delivery queue (sg.WebhookQueue) on a standard
// queue: each task is its JSON, delayed as asked.
type Webhooks struct {
	Q *Standard
}

var _ sg.WebhookQueue = Webhooks{}

// EnqueueDelivery queues t, visible after delay.
func (w Webhooks) EnqueueDelivery(ctx context.Context, t sg.DeliveryTask, delay time.Duration) error {
	b, err := json.Marshal(t)
	if err != nil {
		return sg.Internal("queue.EnqueueDelivery", err)
	}
	return w.Q.SendDelayed(ctx, string(b), delay)
}
