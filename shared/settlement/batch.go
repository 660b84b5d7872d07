package settlement

import (
	"context"
	"errors"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// BatchPayer pays closed settlements of one tenant on one payout chain as
// the rows of one payout batch (the ledger's batch machinery: each row its
// own withdrawal, idempotency key, policy checks and approvals, paid in one
// multisend transaction where the chain has one). It answers one Payout per
// settlement, in order; an error is a fault that leaves them all closed and
// due for the next run. The row of a settlement attempt is keyed by the
// settlement's id and attempt, so a rerun after a crash finds the payout
// the first run made, never a second.
type BatchPayer interface {
	PayBatch(ctx context.Context, tenant string, c sg.Chain, stls []sg.Settlement) ([]Payout, error)
}

// Payout is one settlement's answer from a BatchPayer: its row's transfer
// and batch, or Err, the row's refusal (funds, a freeze, the destination).
type Payout struct {
	TransferID string
	BatchID    string
	Err        error
}

// collectingKey marks a context in which closed settlements are left for
// the job to pay together (CloseDue with a BatchPayer).
type collectingKey struct{}

func collecting(ctx context.Context) bool { return ctx.Value(collectingKey{}) != nil }

// group is the closed settlements of one tenant on one payout chain that
// one run pays together.
type group struct {
	tenant string
	chain  sg.Chain
	stls   []sg.Settlement
	was    []sg.SettlementStatus
}

// payGroups pays each group's settlements as rows of one batch (up to
// sg.MaxBatchRows a batch) and records each one's payout. A group held
// back by the liquidity check (Waiting) is recorded waiting instead.
func (s *Service) payGroups(ctx context.Context, groups []*group, res *JobResult) error {
	var first error
	fail := func(g *group, from, to int, err error) {
		res.Errors += to - from
		s.log().WarnContext(ctx, "settlement.batch_error", "tenant", g.tenant, "chain", g.chain, "settlements", to-from, "code", code(err))
		if first == nil {
			first = err
		}
	}
	for _, g := range groups {
		for from := 0; from < len(g.stls); from += sg.MaxBatchRows {
			to := min(from+sg.MaxBatchRows, len(g.stls))
			outs, err := s.Batch.PayBatch(ctx, g.tenant, g.chain, g.stls[from:to])
			if err == nil && len(outs) != to-from {
				err = sg.Internal("settlement.payGroups", errors.New("the batch payer answered another number of payouts"))
			}
			if err != nil {
				fail(g, from, to, err)
				continue
			}
			for i, o := range outs {
				stl, err := s.recordPayout(ctx, g.stls[from+i], o)
				if err != nil {
					fail(g, from+i, from+i+1, err)
					continue
				}
				res.count(g.was[from+i], stl)
			}
		}
	}
	return first
}

// recordPayout writes a payout's answer on its settlement (paying, or
// failed on a refusal) and announces it. A settlement another writer moved
// on meanwhile is read again and written only if it still waits for this
// attempt's payout.
func (s *Service) recordPayout(ctx context.Context, stl sg.Settlement, o Payout) (sg.Settlement, error) {
	attempt := stl.Attempt
	for range maxAttempts {
		if stl.Status != sg.SettlementClosed || stl.Attempt != attempt {
			return stl, nil
		}
		var held *HeldError
		if errors.As(o.Err, &held) {
			// The merchant's tier does not allow it yet: held, as a
			// single payout would be, not failed.
			return s.hold(ctx, stl, held.Reason)
		}
		next, err := applyPayout(stl, o)
		if err != nil {
			return stl, err
		}
		out, err := s.Store.UpdateSettlement(ctx, next)
		if errors.Is(err, sg.ErrSettlementChanged) {
			if stl, err = s.Store.Settlement(ctx, stl.TenantID, stl.ID); err != nil {
				return sg.Settlement{}, err
			}
			continue
		}
		if err != nil {
			return sg.Settlement{}, err
		}
		if err := s.announce(ctx, out); err != nil {
			s.log().WarnContext(ctx, "settlement.event_unsent", "tenant", out.TenantID, "settlement", out.ID, "status", out.Status, "code", code(err))
		}
		return out, nil
	}
	return sg.Settlement{}, sg.Unavailable("settlement.recordPayout", errors.New("the settlement kept changing"))
}

// applyPayout is stl with its payout's answer: paying by the row's
// transfer, or failed on a refusal (out of the due index either way). A
// fault is returned: the settlement stays closed and due.
func applyPayout(stl sg.Settlement, o Payout) (sg.Settlement, error) {
	switch {
	case o.Err != nil && refused(o.Err):
		stl.Status, stl.FailReason = sg.SettlementFailed, code(o.Err)
	case o.Err != nil:
		return stl, o.Err
	default:
		stl.Status, stl.PayoutTransferID, stl.PayoutBatchID = sg.SettlementPaying, o.TransferID, o.BatchID
	}
	stl.DueAt, stl.Waiting, stl.Held = time.Time{}, "", nil
	return stl, nil
}
