package devstack

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/stablegate/stablegate/shared/fn/core"
)

// pollQueue stands in for Lambda's SQS event source mapping: it receives
// batches from the queue, invokes the consumer with an SQS event, and
// deletes the messages the consumer did not report as failed. A failed or
// erroring batch's messages come back after the visibility timeout, and go
// to the dead-letter queue after maxReceiveCount, as on AWS.
func pollQueue(ctx context.Context, client *sqs.Client, url, arn string, q QueueEvent, h core.SQSHandler, logf func(string, ...any)) {
	for ctx.Err() == nil {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: &url, MaxNumberOfMessages: int32(min(q.BatchSize, 10)), WaitTimeSeconds: 1,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"}, // ---- ops: the trace header, as Lambda delivers it
		})
		if err != nil {
			if ctx.Err() == nil {
				logf("poll %s: %v", url, err)
				time.Sleep(time.Second)
			}
			continue
		}
		if len(out.Messages) == 0 {
			continue
		}
		ev := events.SQSEvent{}
		for _, m := range out.Messages {
			ev.Records = append(ev.Records, events.SQSMessage{
				MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
				Attributes: m.Attributes, EventSource: "aws:sqs", EventSourceARN: arn, AWSRegion: "us-east-1",
				MessageAttributes: messageAttributes(m.MessageAttributes),
			})
		}
		resp, err := h(ctx, ev)
		if err != nil {
			logf("consumer of %s failed: %v", url, err)
			continue
		}
		failed := map[string]bool{}
		if q.ReportFailures {
			for _, f := range resp.BatchItemFailures {
				failed[f.ItemIdentifier] = true
			}
		}
		for _, m := range out.Messages {
			if failed[aws.ToString(m.MessageId)] {
				continue
			}
			if _, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle}); err != nil && ctx.Err() == nil {
				logf("delete from %s: %v", url, err)
			}
		}
	}
}

// startConsumers builds every queue consumer of the template and polls its queues.
func (s *Stack) startConsumers(ctx context.Context, client *sqs.Client, res *Resolver, env func(Function) core.Env) error {
	for _, f := range s.Template.Functions() {
		if len(f.Queues) == 0 {
			continue
		}
		b, ok := Consumers[f.Name]
		if !ok {
			return fmt.Errorf("devstack: no consumer builder for functions/%s in devstack.Consumers", f.Name)
		}
		h, err := b(ctx, env(f))
		if err != nil {
			return fmt.Errorf("devstack: %s: %w", f.LogicalID, err)
		}
		for _, q := range f.Queues {
			url := res.Refs[q.Queue]
			if url == "" {
				return fmt.Errorf("devstack: %s: queue %s not provisioned", f.LogicalID, q.Queue)
			}
			go pollQueue(ctx, client, url, res.Attrs[q.Queue+".Arn"], q, h, func(format string, a ...any) {
				fmt.Fprintf(s.Opts.Out, "poller: "+format+"\n", a...)
			})
		}
	}
	return nil
}

// messageAttributes are a received message's string attributes as a
// Lambda SQS event carries them. ---- ops: tracing ----
func messageAttributes(in map[string]sqstypes.MessageAttributeValue) map[string]events.SQSMessageAttribute {
	if len(in) == 0 {
		return nil
	}
	out := map[string]events.SQSMessageAttribute{}
	for k, v := range in {
		out[k] = events.SQSMessageAttribute{DataType: aws.ToString(v.DataType), StringValue: v.StringValue}
	}
	return out
}
