package notifyfn

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/notify"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func TestParseScheduleReadsWaitsAndRefusesTheRest(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []time.Duration
		ok   bool
	}{
		{"seconds", "1s,2s, 3s", []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, true},
		{"minutes and hours", "1m,5m,1h", []time.Duration{time.Minute, 5 * time.Minute, time.Hour}, true},
		{"a bare number", "1,2", nil, false},
		{"a zero wait", "0s", nil, false},
		{"a negative wait", "-1s", nil, false},
		{"more than a day", "25h", nil, false},
		{"empty", "", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseSchedule(c.in)
			if (err == nil) != c.ok {
				t.Fatalf("ParseSchedule(%q) = %v, %v", c.in, got, err)
			}
			for i := range c.want {
				if got[i] != c.want[i] {
					t.Fatalf("wait %d = %s; want %s", i, got[i], c.want[i])
				}
			}
		})
	}
}

// failing is a webhook store that is down.
type failing struct{ sg.WebhookStore }

func (failing) DeliveryJob(context.Context, string, string) (sg.DeliveryJob, error) {
	return sg.DeliveryJob{}, sg.Unavailable("test", errors.New("store down"))
}

func TestDeliverWorkerReportsOurFaultsAndDropsWhatIsNotATask(t *testing.T) {
	store := memstore.NewWebhooks()
	q := &memstore.WebhookQueue{Now: time.Now}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ev := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "m1", Body: `{"tenant_id":"acme","endpoint_id":"we_1","job_key":"evt_1","gen":0}`},
		{MessageId: "m2", Body: `not a task`},
	}}
	up := DeliverHandler(&notify.Service{Store: store, Queue: q, Sealer: &memstore.Sealer{}}, log)
	resp, err := up(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("a task of no job: %+v, %v; want it acknowledged", resp, err)
	}
	down := DeliverHandler(&notify.Service{Store: failing{store}, Queue: q, Sealer: &memstore.Sealer{}}, log)
	resp, err = down(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m1" {
		t.Fatalf("store down: %+v, %v; want m1 reported, m2 dropped", resp, err)
	}
}
