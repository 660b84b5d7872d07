package queue

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type sent struct{ in []*sqs.SendMessageInput }

func (s *sent) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	s.in = append(s.in, in)
	return &sqs.SendMessageOutput{}, nil
}

// A delivery task is queued as its JSON on the standard queue, never
// visible before its delay: seconds round up, at most 15 minutes.
func TestWebhookTasksCarryTheirDelayRoundedUp(t *testing.T) {
	cases := []struct {
		name  string
		delay time.Duration
		want  int32
	}{
		{"none", 0, 0},
		{"a negative wait is none", -time.Second, 0},
		{"a part of a second is a second", 100 * time.Millisecond, 1},
		{"1.2 s is 2 s", 1200 * time.Millisecond, 2},
		{"whole seconds stay", 5 * time.Second, 5},
		{"SQS's limit", 15 * time.Minute, 900},
		{"beyond it is the limit", time.Hour, 900},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &sent{}
			q := Webhooks{Q: &Standard{Client: s, URL: "https://sqs.example/q"}}
			task := sg.DeliveryTask{TenantID: "acme", EndpointID: "we_1", JobKey: "evt_1", Gen: 3}
			if err := q.EnqueueDelivery(context.Background(), task, c.delay); err != nil {
				t.Fatal(err)
			}
			in := s.in[0]
			var got sg.DeliveryTask
			if err := json.Unmarshal([]byte(*in.MessageBody), &got); err != nil || got != task {
				t.Fatalf("body %s: %v", *in.MessageBody, err)
			}
			if in.DelaySeconds != c.want || in.MessageGroupId != nil || *in.QueueUrl != "https://sqs.example/q" {
				t.Fatalf("DelaySeconds %d (group %v); want %d", in.DelaySeconds, in.MessageGroupId, c.want)
			}
		})
	}
}
