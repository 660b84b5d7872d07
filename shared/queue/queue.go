// Package queue sends messages to SQS: FIFO queues (groups, deduplication) and standard queues with a per-message delay.
package queue

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/stablegate/stablegate/shared/obs"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sender is the part of the SQS client the queue uses.
type Sender interface {
	SendMessage(context.Context, *sqs.SendMessageInput, ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// TraceAttribute is the message attribute carrying the sender's
// X-Amzn-Trace-Id.
const TraceAttribute = "X-Amzn-Trace-Id"

// TraceOf is the trace header a received message carries ("" none).
func TraceOf(system map[string]string, attrs map[string]string) string {
	if h := system["AWSTraceHeader"]; h != "" {
		return h
	}
	return attrs[TraceAttribute]
}

// FIFO is one FIFO queue.
type FIFO struct {
	Client Sender
	URL    string
}

// Send queues body in group with a deduplication id: SQS drops a second
// message with the same id sent within five minutes.
func (q *FIFO) Send(ctx context.Context, group, dedupID, body string) error {
	in := &sqs.SendMessageInput{
		QueueUrl: &q.URL, MessageBody: &body, MessageGroupId: &group, MessageDeduplicationId: &dedupID,
	}
	// ---- ops: tracing ---- the consumer's span continues the sender's
	// trace: SQS's own AWSTraceHeader (what X-Ray's service map follows)
	// and the same header as a message attribute, which every SQS
	// implementation keeps (the local emulator drops system attributes).
	if h := obs.TraceHeader(ctx); h != "" {
		in.MessageSystemAttributes = map[string]types.MessageSystemAttributeValue{
			"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(h)}}
		in.MessageAttributes = map[string]types.MessageAttributeValue{
			TraceAttribute: {DataType: aws.String("String"), StringValue: aws.String(h)}}
	}
	_, err := q.Client.SendMessage(ctx, in)
	if err != nil {
		return sg.Unavailable("queue.Send", err)
	}
	return nil
}
