package compliancefn

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/streamimage"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// RecordTimeout bounds the monitor's work on one stream record: its rule
// set read, one activity read-modify-write per wallet the event touches,
// and the alerts it raises (a stuck call fails the record, which the
// stream delivers again).
const RecordTimeout = 20 * time.Second

// ComplianceMonitor builds the stream consumer of the ledger's transfer
// records that feeds the monitoring rules: each internal transfer or
// payout that reaches posted becomes a ledger event
// (compliance.EventFromTransfer) for Monitor.OnEvent, which raises the
// alerts that fire and opens their cases. Deposits come to the monitor
// from the deposit sink (DepositControls), which knows their sender.
func ComplianceMonitor(ctx context.Context, env core.Env) (core.StreamHandler, error) {
	_, kit, err := StoreAndKit(env)
	if err != nil {
		return nil, err
	}
	return MonitorStream(kit.Monitor, obs.NewLogger(os.Stdout, "compliance-monitor")), nil
}

// eventMonitor is what MonitorStream feeds (compliance.Monitor).
type eventMonitor interface {
	OnEvent(ctx context.Context, e sg.LedgerEvent) ([]sg.Alert, error)
}

var _ eventMonitor = (*compliance.Monitor)(nil)

// MonitorStream feeds each transfer record of a stream batch to m, in
// order. The table's stream carries new images only, so a record is
// judged on its own: every image of a posted transfer makes the same
// event (its id is the transfer's and "posted"), which the monitor
// records and alerts on once, so redelivered and later records of the
// same transfer raise nothing new. A record that fails is reported with
// those after it (so none is skipped), bounded by RecordTimeout each.
func MonitorStream(m eventMonitor, log *slog.Logger) core.StreamHandler {
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		for _, r := range ev.Records {
			if r.EventName != "INSERT" && r.EventName != "MODIFY" {
				continue
			}
			t, ok := dynamo.TransferFromImage(streamimage.Item(r.Change.NewImage))
			if !ok {
				continue
			}
			e, ok := compliance.EventFromTransfer(sg.Transfer{}, false, t)
			if !ok {
				continue
			}
			rctx, cancel := context.WithTimeout(ctx, RecordTimeout)
			alerts, err := m.OnEvent(rctx, e)
			cancel()
			if err != nil {
				log.Warn("monitoring failed; the stream delivers the record again", "transfer_id", t.ID, "error", err.Error())
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
				return resp, nil
			}
			for _, a := range alerts {
				log.Info("alert raised", "tenant", a.Tenant, "alert_id", a.ID, "rule_id", a.RuleID, "rule_kind", string(a.RuleKind), "case_id", a.CaseID, "transfer_id", t.ID)
			}
		}
		return resp, nil
	}
}
