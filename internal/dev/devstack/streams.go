package devstack

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/stablegate/stablegate/shared/fn"
)

// StreamEvent is a DynamoDB stream event source of a function.
type StreamEvent struct {
	Table          string // logical id of the table
	BatchSize      int
	ReportFailures bool
	FromStart      bool // StartingPosition: TRIM_HORIZON
}

// pollStream stands in for Lambda's DynamoDB stream event source mapping:
// it reads each shard of the table's stream in order, hands batches to the
// consumer as the event Lambda would send (DynamoDB JSON), and on a
// reported failure reads again from the failed record, so records are
// delivered in order and at least once.
func pollStream(ctx context.Context, c *dynamodbstreams.Client, arn string, ev StreamEvent, h fn.StreamHandler, logf func(string, ...any)) {
	iters := map[string]*string{} // shard id -> iterator
	started := time.Now()
	for ctx.Err() == nil {
		d, err := c.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &arn})
		if err != nil {
			if ctx.Err() == nil {
				logf("describe stream: %v", err)
			}
			time.Sleep(time.Second)
			continue
		}
		for _, sh := range d.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if _, ok := iters[id]; ok {
				continue
			}
			// Shards open before we started begin at LATEST, as the mapping's
			// StartingPosition says; shards born later from the start.
			typ := st.ShardIteratorTypeTrimHorizon
			if !ev.FromStart && time.Since(started) < 2*time.Second && sh.SequenceNumberRange.EndingSequenceNumber == nil {
				typ = st.ShardIteratorTypeLatest
			}
			it, err := c.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn, ShardId: &id, ShardIteratorType: typ})
			if err != nil {
				continue
			}
			iters[id] = it.ShardIterator
		}
		busy := false
		for id, it := range iters {
			if it == nil {
				continue
			}
			out, err := c.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(int32(ev.BatchSize))})
			if err != nil {
				if ctx.Err() == nil {
					logf("get records: %v", err)
				}
				iters[id] = nil
				continue
			}
			iters[id] = out.NextShardIterator
			if len(out.Records) == 0 {
				continue
			}
			busy = true
			raw, _ := json.Marshal(map[string]any{"Records": lambdaRecords(out.Records, arn)})
			var lev events.DynamoDBEvent
			if err := json.Unmarshal(raw, &lev); err != nil {
				logf("stream event: %v", err)
				continue
			}
			resp, err := h(ctx, lev)
			var failedAt string
			if err != nil {
				failedAt = aws.ToString(out.Records[0].Dynamodb.SequenceNumber)
			} else if ev.ReportFailures && len(resp.BatchItemFailures) > 0 {
				failedAt = resp.BatchItemFailures[0].ItemIdentifier
			}
			if failedAt != "" {
				time.Sleep(500 * time.Millisecond)
				again, err := c.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &arn, ShardId: aws.String(id),
					ShardIteratorType: st.ShardIteratorTypeAtSequenceNumber, SequenceNumber: &failedAt})
				if err == nil {
					iters[id] = again.ShardIterator
				}
			}
		}
		if !busy {
			time.Sleep(100 * time.Millisecond)
		}
	}
}

func lambdaRecords(rs []st.Record, arn string) []map[string]any {
	out := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		d := r.Dynamodb
		rec := map[string]any{
			"eventID": aws.ToString(r.EventID), "eventName": string(r.EventName), "eventVersion": "1.1",
			"eventSource": "aws:dynamodb", "awsRegion": aws.ToString(r.AwsRegion), "eventSourceARN": arn,
			"dynamodb": map[string]any{
				"Keys": image(d.Keys), "NewImage": image(d.NewImage), "OldImage": image(d.OldImage),
				"SequenceNumber": aws.ToString(d.SequenceNumber), "SizeBytes": aws.ToInt64(d.SizeBytes), "StreamViewType": string(d.StreamViewType),
			},
		}
		out = append(out, rec)
	}
	return out
}

func image(m map[string]st.AttributeValue) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = jsonValue(v)
	}
	return out
}

// jsonValue renders an attribute value as DynamoDB JSON ({"S": "..."}).
func jsonValue(v st.AttributeValue) map[string]any {
	switch x := v.(type) {
	case *st.AttributeValueMemberS:
		return map[string]any{"S": x.Value}
	case *st.AttributeValueMemberN:
		return map[string]any{"N": x.Value}
	case *st.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(x.Value)}
	case *st.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": x.Value}
	case *st.AttributeValueMemberNULL:
		return map[string]any{"NULL": true}
	case *st.AttributeValueMemberL:
		l := make([]any, 0, len(x.Value))
		for _, e := range x.Value {
			l = append(l, jsonValue(e))
		}
		return map[string]any{"L": l}
	case *st.AttributeValueMemberM:
		return map[string]any{"M": image(x.Value)}
	case *st.AttributeValueMemberSS:
		return map[string]any{"SS": x.Value}
	case *st.AttributeValueMemberNS:
		return map[string]any{"NS": x.Value}
	}
	return map[string]any{"NULL": true}
}

// startStreams builds every stream consumer of the template and polls its
// table's stream.
func (s *Stack) startStreams(ctx context.Context, cfg aws.Config, res *Resolver, env func(Function) fn.Env) error {
	client := dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) {
		o.BaseEndpoint = aws.String(s.Env["AWS_ENDPOINT_URL_DYNAMODB"])
	})
	for _, f := range s.Template.Functions() {
		for _, se := range f.Streams {
			b, ok := StreamConsumers[f.Name]
			if !ok {
				return fmt.Errorf("devstack: no stream consumer builder for functions/%s in devstack.StreamConsumers", f.Name)
			}
			h, err := b(ctx, env(f))
			if err != nil {
				return fmt.Errorf("devstack: %s: %w", f.LogicalID, err)
			}
			arn := res.Attrs[se.Table+".StreamArn"]
			if arn == "" {
				return fmt.Errorf("devstack: %s: table %s has no stream", f.LogicalID, se.Table)
			}
			go pollStream(ctx, client, arn, se, h, func(format string, a ...any) {
				fmt.Fprintf(s.Opts.Out, "streams: "+format+"\n", a...)
			})
		}
	}
	return nil
}
