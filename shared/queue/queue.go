// Package queue sends messages to SQS: FIFO queues (groups, deduplication) and standard queues with a per-message delay.
package queue

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sender is the part of the SQS client the queue uses.
type Sender interface {
	SendMessage(context.Context, *sqs.SendMessageInput, ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// FIFO is one FIFO queue.
type FIFO struct {
	Client Sender
	URL    string
}

// Send queues body in group with a deduplication id: SQS drops a second
// message with the same id sent within five minutes.
func (q *FIFO) Send(ctx context.Context, group, dedupID, body string) error {
	_, err := q.Client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl: &q.URL, MessageBody: &body, MessageGroupId: &group, MessageDeduplicationId: &dedupID,
	})
	if err != nil {
		return sg.Unavailable("queue.Send", err)
	}
	return nil
}
