// Package auditfn wires the audit chain's functions: the stream consumer
// that appends a record for every change of the table (audit-projector).
// The routes that read the chain (audit-list, audit-proof, audit-export)
// are in auditfn/auditroutes, so the projector links no HTTP code; the
// anchor job, which links go-ethereum, is in auditfn/anchorfn, so neither
// links any of it.
//
// The chain's design, in short (infra/data-model.md has the whole):
//   - one chain per tenant and one for the platform (sg.AuditPlatformScope).
//     Appends to one chain are serial (each moves the head from the record
//     it follows, in one transaction), so a chain per tenant keeps tenants
//     from waiting on each other, and the platform's chain takes only the
//     platform's own items (its freezes, hot keys, grants, signed payouts,
//     the sanctions list's versions), never a tenant's traffic;
//   - the stream, not the services, is the source: every change of every
//     item (except the skipped kinds dynamo.AuditChange lists, with why)
//     reaches the projector, including admin, officer and platform actions,
//     which are items too (journal entries, freezes, approvals, policies,
//     cases, customers' reviews); the item's recorded actor becomes the
//     record's. A service that forgets to audit cannot exist;
//   - the stream delivers at least once: the record's key is the stream
//     record's event id, so a redelivered batch appends nothing twice;
//   - a batch's changes are appended one transaction per scope
//     (audit.Service.RecordBatch), not one per change.
package auditfn

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"

	"github.com/stablegate/stablegate/shared/streamimage"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Service is the audit chain over TABLE_NAME.
func Service(env core.Env) (*audit.Service, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	return audit.New(st.Audit, nil), nil
}

// AuditProjector builds the stream consumer that appends one audit record
// per change of the table.
func AuditProjector(ctx context.Context, env core.Env) (core.StreamHandler, error) {
	svc, err := Service(env)
	if err != nil {
		return nil, err
	}
	return Projector(svc, obs.NewLogger(os.Stdout, "audit-projector")), nil
}

// ttlRemoval tells a removal by DynamoDB's TTL from one by the code.
func ttlRemoval(r events.DynamoDBEventRecord) bool {
	return r.UserIdentity != nil && r.UserIdentity.Type == "Service" && r.UserIdentity.PrincipalID == "dynamodb.amazonaws.com"
}

// AuditBatchLog appends entries of one scope in as few writes as it can
// (audit.Service.RecordBatch).
type AuditBatchLog interface {
	RecordBatch(ctx context.Context, es []sg.AuditEntry) (int, error)
}

// Projector appends, for each stream record, the entry dynamo.AuditChange
// makes of it (nothing for a skipped item), keyed by the record's event id
// so a redelivery appends once. The entries of a batch are grouped by
// scope, each scope's in stream order, and each group is appended in one
// write (a transaction per batch and scope, not per change). A fault stops
// the batch and reports the earliest record not yet appended, so the
// stream delivers it (and what follows) again and no change is skipped; an
// entry the log refuses as invalid (it cannot be: the change's fields are
// clipped to fit) is logged by its event id and passed over rather than
// stopping the stream for good.
func Projector(log AuditBatchLog, logger *slog.Logger) core.StreamHandler {
	type pending struct {
		e  sg.AuditEntry
		at int // its stream record's index in the batch
	}
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		var order []string
		groups := map[string][]pending{}
		for i, r := range ev.Records {
			e, ok := dynamo.AuditChange(r.EventName, streamimage.Item(r.Change.Keys), streamimage.Item(r.Change.NewImage), ttlRemoval(r))
			if !ok {
				continue
			}
			e.Key = "ddb:" + r.EventID
			if r.EventID == "" {
				e.Key = "ddbseq:" + r.Change.SequenceNumber
			}
			if _, ok := groups[e.Scope]; !ok {
				order = append(order, e.Scope)
			}
			groups[e.Scope] = append(groups[e.Scope], pending{e: e, at: i})
		}
		failedAt := -1
		for _, scope := range order {
			g := groups[scope]
			es := make([]sg.AuditEntry, len(g))
			for i, p := range g {
				es[i] = p.e
			}
			n, err := log.RecordBatch(ctx, es)
			var se *sg.Error
			if errors.As(err, &se) && se.Kind == sg.KindInvalid {
				// Append the others one at a time, passing over the one refused.
				for j := n; j < len(g); j++ {
					_, err = log.RecordBatch(ctx, []sg.AuditEntry{g[j].e})
					if errors.As(err, &se) && se.Kind == sg.KindInvalid {
						logger.Error("audit record refused", "event_id", strings.TrimPrefix(g[j].e.Key, "ddb:"), "code", se.Code, "param", se.Param)
						err = nil
					}
					if err != nil {
						break
					}
					n = j + 1
				}
			}
			if err != nil {
				logger.Warn("audit append failed; the stream delivers the records again", "scope_records", len(g), "error", err.Error())
				if n < len(g) && (failedAt < 0 || g[n].at < failedAt) {
					failedAt = g[n].at
				}
			}
		}
		if failedAt >= 0 {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: ev.Records[failedAt].Change.SequenceNumber})
		}
		return resp, nil
	}
}
