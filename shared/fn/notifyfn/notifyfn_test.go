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
