package settlement

import (
	"context"
	"errors"
	"strconv"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// JobResult counts what one CloseDue run did.
type JobResult struct {
	Due      int // settlements read from the due index
	Closed   int
	Deferred int // open and due, but below the minimum payout: carried over
	Paying   int // payout requested
	Held     int // the merchant's tier does not allow the payout yet: asked again later
	Failed   int // payout refused
	Waiting  int // payout held back: the chain's hot wallet is short
	Errors   int // left due for the next run
	Redriven int // parked invoices settled now their freeze is lifted
}

// CloseDue is the scheduled job: it reads the due index (a sparse index
// of settlements needing action, never a scan) up to now and, for each,
// closes an open settlement whose cut-off passed or whose threshold was
// reached (or defers it when its net is below the minimum payout) and
// requests the payout of a closed one. A settlement that fails for a
// retryable reason stays due for the next run; the first such error is
// returned after the others were tried. Run it every few minutes (the
// cut-offs are hourly marks); each run takes BatchSize settlements.
func (s *Service) CloseDue(ctx context.Context, now time.Time) (JobResult, error) {
	now = now.UTC()
	limit := s.BatchSize
	if limit <= 0 {
		limit = 100
	}
	// Parked invoices first: settled now, their lines are in the open
	// settlements this run may close.
	redriven, perr := s.redriveParked(ctx, limit)
	refs, err := s.Store.DueSettlements(ctx, now, limit)
	if err != nil {
		return JobResult{Redriven: redriven}, err
	}
	res := JobResult{Due: len(refs), Redriven: redriven}
	first := perr
	if s.Batch != nil {
		// Closed settlements are left closed here and paid together below.
		ctx = context.WithValue(ctx, collectingKey{}, true)
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, ref := range refs {
		stl, err := s.Store.Settlement(ctx, ref.TenantID, ref.ID)
		if err == nil {
			was := stl.Status
			stl, err = s.settle(ctx, stl, now)
			switch {
			case err != nil:
			case s.Batch != nil && stl.Status == sg.SettlementClosed:
				k := stl.TenantID + "\x00" + string(stl.Chain)
				g := byKey[k]
				if g == nil {
					g = &group{tenant: stl.TenantID, chain: stl.Chain}
					byKey[k] = g
					groups = append(groups, g)
				}
				g.stls, g.was = append(g.stls, stl), append(g.was, was)
			default:
				res.count(was, stl)
			}
		}
		if err != nil {
			res.Errors++
			s.log().WarnContext(ctx, "settlement.job_error", "tenant", ref.TenantID, "settlement", ref.ID, "code", code(err))
			if first == nil {
				first = err
			}
		}
	}
	groups, err = s.holdShort(ctx, groups, now, &res)
	if err != nil && first == nil {
		first = err
	}
	if err := s.payGroups(ctx, groups, &res); err != nil && first == nil {
		first = err
	}
	return res, first
}

func (r *JobResult) count(was sg.SettlementStatus, stl sg.Settlement) {
	if was == sg.SettlementOpen && stl.Status != sg.SettlementOpen {
		r.Closed++
	}
	switch stl.Status {
	case sg.SettlementOpen:
		r.Deferred++
	case sg.SettlementClosed:
		if stl.Held != nil {
			r.Held++
		}
	case sg.SettlementPaying:
		r.Paying++
	case sg.SettlementFailed:
		r.Failed++
	}
}

// governing is the config that rules a settlement paid on its chain: the
// config of payments on that chain if it pays there, else the first chain's
// whose destination is there.
func (s *Service) governing(ctx context.Context, stl sg.Settlement) (sg.SettlementConfig, error) {
	order := []sg.Chain{stl.Chain}
	for _, c := range sg.Chains {
		if c != stl.Chain {
			order = append(order, c)
		}
	}
	for _, c := range order {
		cfg, err := s.Configs.SettlementConfig(ctx, stl.TenantID, c)
		if errors.Is(err, sg.ErrNotFound) {
			continue
		}
		if err != nil {
			return sg.SettlementConfig{}, err
		}
		if cfg.Destination.Chain == stl.Chain {
			return cfg, nil
		}
	}
	return sg.SettlementConfig{}, sg.ErrSettlementNotConfigured
}

// networkFee is the pass-through network fee of a payout on c (0 when
// absorbed or unknown).
func (s *Service) networkFee(ctx context.Context, tenant string, c sg.Chain) (sg.Amount, error) {
	if s.Fees.Network == nil {
		return 0, nil
	}
	sch, err := s.Fees.Schedule(ctx, tenant, c)
	if err != nil || sch.NetworkFee != sg.NetworkPassThrough {
		return 0, err
	}
	return s.Fees.Network.NetworkFee(ctx, c)
}

// settle moves one settlement on as far as it can now: an open and due one
// is closed (or deferred), a closed one gets its payout requested.
func (s *Service) settle(ctx context.Context, stl sg.Settlement, now time.Time) (sg.Settlement, error) {
	for range maxAttempts {
		next, err := s.step(ctx, stl, now)
		if errors.Is(err, sg.ErrSettlementReversing) {
			// A reversal admitted while it was open has not recorded its
			// line yet: it stays open and due, and a later run closes it.
			s.log().InfoContext(ctx, "settlement.close_waits", "tenant", stl.TenantID, "settlement", stl.ID)
			return stl, nil
		}
		if errors.Is(err, sg.ErrSettlementChanged) {
			if stl, err = s.Store.Settlement(ctx, stl.TenantID, stl.ID); err != nil {
				return sg.Settlement{}, err
			}
			continue
		}
		if err != nil || next.Version == stl.Version {
			return next, err
		}
		if next.Status != stl.Status {
			if err := s.announce(ctx, next); err != nil {
				s.log().WarnContext(ctx, "settlement.event_unsent", "tenant", next.TenantID, "settlement", next.ID, "status", next.Status, "code", code(err))
			}
		}
		stl = next
	}
	return stl, nil
}

// step makes one write: open -> open (deferred) or closed, closed ->
// paying or failed. Anything else is left as it is.
func (s *Service) step(ctx context.Context, stl sg.Settlement, now time.Time) (sg.Settlement, error) {
	switch stl.Status {
	case sg.SettlementOpen:
		if stl.DueAt.IsZero() || stl.DueAt.After(now) {
			return stl, nil
		}
		return s.close(ctx, stl, now)
	case sg.SettlementClosed:
		if stl.Held != nil && stl.DueAt.After(now) {
			return stl, nil // held: asked again at DueAt
		}
		return s.pay(ctx, stl)
	}
	if !stl.DueAt.IsZero() { // no action left: out of the due index
		stl.DueAt = time.Time{}
		return s.Store.UpdateSettlement(ctx, stl)
	}
	return stl, nil
}

func (s *Service) close(ctx context.Context, stl sg.Settlement, now time.Time) (sg.Settlement, error) {
	cfg, err := s.governing(ctx, stl)
	if err != nil {
		return sg.Settlement{}, err
	}
	nf, err := s.networkFee(ctx, stl.TenantID, stl.Chain)
	if err != nil {
		return sg.Settlement{}, err
	}
	if stl.Totals.Net-nf < max(cfg.MinPayout, 1) {
		// Carried over: due again at the next cut-off (daily), or when a
		// line makes it due (threshold, instant).
		stl.DueAt = time.Time{}
		if cfg.Mode == sg.SettleScheduled && cfg.Schedule == sg.ScheduleDaily {
			stl.DueAt = cfg.NextCutoff(now)
		}
		return s.Store.UpdateSettlement(ctx, stl)
	}
	if nf > 0 {
		l := sg.SettlementLine{Kind: sg.LineNetworkFee, Ref: stl.ID, Chain: stl.Chain, Fee: nf, Net: -nf, At: now}
		added, err := s.Store.AddSettlementLines(ctx, stl, []sg.SettlementLine{l})
		switch {
		case errors.Is(err, sg.ErrSettlementLineExists):
			// added by an earlier attempt: close as it stands
		case err != nil:
			return sg.Settlement{}, err
		default:
			stl = added
		}
	}
	stl.Status, stl.ClosedAt, stl.Period.To, stl.DueAt = sg.SettlementClosed, now, now, now
	stl.Destination, stl.Attempt = cfg.Destination, 1
	return s.Store.UpdateSettlement(ctx, stl)
}

// refused reports whether err is a business refusal (not worth a retry).
func refused(err error) bool {
	switch sg.KindOf(err) {
	case sg.KindRefused, sg.KindInvalid, sg.KindForbidden, sg.KindNotFound:
		return true
	}
	return false
}

func (s *Service) pay(ctx context.Context, stl sg.Settlement) (sg.Settlement, error) {
	if s.Batch != nil {
		if collecting(ctx) {
			return stl, nil // the job pays it with the others of its tenant and chain
		}
		outs, err := s.Batch.PayBatch(ctx, stl.TenantID, stl.Chain, []sg.Settlement{stl})
		if err != nil {
			return stl, err
		}
		if len(outs) != 1 {
			return stl, sg.Internal("settlement.pay", errors.New("the batch payer answered another number of payouts"))
		}
		var held *HeldError
		if errors.As(outs[0].Err, &held) {
			return s.hold(ctx, stl, held.Reason)
		}
		next, err := applyPayout(stl, outs[0])
		if err != nil {
			return stl, err
		}
		next.Held = nil
		return s.Store.UpdateSettlement(ctx, next)
	}
	if s.Payer == nil {
		// Wired without a payer (the deposit hook): left closed and due,
		// the scheduled job requests the payout.
		return stl, nil
	}
	id, err := s.Payer.Pay(ctx, stl)
	var held *HeldError
	if errors.As(err, &held) {
		return s.hold(ctx, stl, held.Reason)
	}
	stl.Held = nil
	switch {
	case err != nil && refused(err):
		stl.Status, stl.FailReason, stl.DueAt = sg.SettlementFailed, code(err), time.Time{}
	case err != nil:
		return stl, err
	default:
		stl.Status, stl.PayoutTransferID, stl.DueAt = sg.SettlementPaying, id, time.Time{}
	}
	return s.Store.UpdateSettlement(ctx, stl)
}

// MarkPaid records that the settlement's payout transfer reached its final
// posted state (the withdrawal pipeline tells): the settlement is paid, its
// net leaves the liabilities and settlement.paid is published. Idempotent:
// a redelivery publishes the same event id again (sent once); an error
// (the event not published) asks for a redelivery.
func (s *Service) MarkPaid(ctx context.Context, tenant, id, transferID string) (sg.Settlement, error) {
	return s.finish(ctx, tenant, id, transferID, sg.SettlementPaid, "", nil)
}

// MarkFailed records that the payout transfer failed for good (reason: a
// stable code); Retry pays it again. Idempotent.
func (s *Service) MarkFailed(ctx context.Context, tenant, id, transferID, reason string) (sg.Settlement, error) {
	return s.finish(ctx, tenant, id, transferID, sg.SettlementFailed, reason, nil)
}

// finish records the end of the settlement's payout transferID. payout,
// when given, is that transfer: a closed settlement with no payout
// recorded takes it on when it is a payout of the settlement's current
// attempt (the job requested it and stopped before recording it, and it
// ended before the next run, which would otherwise record it as paying
// for ever): first paying with it, then its end.
func (s *Service) finish(ctx context.Context, tenant, id, transferID string, to sg.SettlementStatus, reason string, payout *sg.Transfer) (sg.Settlement, error) {
	for range maxAttempts {
		stl, err := s.Store.Settlement(ctx, tenant, id)
		if err != nil {
			return sg.Settlement{}, err
		}
		if stl.PayoutTransferID == "" && payout != nil && s.attemptOf(ctx, stl, *payout) {
			stl.Status, stl.PayoutTransferID, stl.Held, stl.Waiting, stl.DueAt = sg.SettlementPaying, transferID, nil, "", time.Time{}
			took, err := s.Store.UpdateSettlement(ctx, stl)
			if errors.Is(err, sg.ErrSettlementChanged) {
				continue
			}
			if err != nil {
				return sg.Settlement{}, err
			}
			s.log().InfoContext(ctx, "settlement.payout_taken_on", "tenant", tenant, "settlement", id, "transfer", transferID)
			if err := s.announce(ctx, took); err != nil {
				// As the job's own step: logged, the end is recorded all the same.
				s.log().WarnContext(ctx, "settlement.event_unsent", "tenant", tenant, "settlement", id, "status", took.Status, "code", code(err))
			}
			continue
		}
		if stl.PayoutTransferID != transferID {
			return sg.Settlement{}, sg.ErrSettlementChanged.WithMessage("the transfer is not this settlement's payout")
		}
		if stl.Status == to {
			return stl, s.announce(ctx, stl) // redelivered: the event again, once by id
		}
		stl.Status = to
		if to == sg.SettlementPaid {
			stl.PaidAt = s.now()
		} else {
			stl.FailReason = reason
		}
		out, err := s.Store.UpdateSettlement(ctx, stl)
		if errors.Is(err, sg.ErrSettlementChanged) {
			continue
		}
		if err != nil {
			return sg.Settlement{}, err
		}
		// An event not sent is an error: the hook is redelivered and sends it then.
		return out, s.announce(ctx, out)
	}
	return sg.Settlement{}, sg.Unavailable("settlement.finish", errors.New("the settlement kept changing"))
}

// attemptOf reports whether t is a payout of stl's current attempt: stl is
// closed, t names it and its attempt, and t pays its net from the
// settlement wallet to its destination on its chain.
func (s *Service) attemptOf(ctx context.Context, stl sg.Settlement, t sg.Transfer) bool {
	if stl.Status != sg.SettlementClosed || t.Type != sg.TransferWithdrawal || t.TenantID != stl.TenantID ||
		t.Metadata["settlement_id"] != stl.ID || t.Metadata["attempt"] != strconv.Itoa(stl.Attempt) ||
		t.Chain != stl.Chain || t.Amount != stl.Totals.Net || sg.ScreenKey(t.Chain, t.ToAddress) != sg.ScreenKey(stl.Chain, stl.Destination.Address) {
		return false
	}
	cfg, err := s.governing(ctx, stl)
	return err == nil && t.FromWallet == cfg.WalletID
}

// Retry closes a failed settlement again for its next payout attempt (the
// merchant fixed its destination, say) and requests the payout at once.
func (s *Service) Retry(ctx context.Context, tenant, id string) (sg.Settlement, error) {
	stl, err := s.Store.Settlement(ctx, tenant, id)
	if err != nil {
		return sg.Settlement{}, err
	}
	if stl.Status != sg.SettlementFailed {
		return sg.Settlement{}, sg.ErrSettlementNotRetryable
	}
	now := s.now()
	cfg, err := s.governing(ctx, stl)
	if err != nil {
		return sg.Settlement{}, err
	}
	stl.Status, stl.Attempt, stl.PayoutTransferID, stl.FailReason = sg.SettlementClosed, stl.Attempt+1, "", ""
	stl.PayoutBatchID, stl.Waiting = "", ""
	stl.Destination, stl.DueAt = cfg.Destination, now
	if stl, err = s.Store.UpdateSettlement(ctx, stl); err != nil {
		return sg.Settlement{}, err
	}
	return s.settle(ctx, stl, now)
}

// Get is the tenant's settlement (without lines).
func (s *Service) Get(ctx context.Context, tenant, id string) (sg.Settlement, error) {
	if !sg.ValidID("stl", id) {
		return sg.Settlement{}, sg.ErrNotFound
	}
	return s.Store.Settlement(ctx, tenant, id)
}

// List is the tenant's settlements, newest first.
func (s *Service) List(ctx context.Context, tenant string, page sg.Page) ([]sg.Settlement, string, error) {
	return s.Store.Settlements(ctx, tenant, page)
}

// Lines is a page of a settlement's lines.
func (s *Service) Lines(ctx context.Context, tenant, id string, page sg.Page) ([]sg.SettlementLine, string, error) {
	if !sg.ValidID("stl", id) {
		return nil, "", sg.ErrNotFound
	}
	return s.Store.SettlementLines(ctx, tenant, id, page)
}

// Liabilities is the net owed per payout chain by settlements not yet
// paid (a counter the store keeps, not a scan).
func (s *Service) Liabilities(ctx context.Context) (map[sg.Chain]sg.Amount, error) {
	return s.Store.SettlementLiabilities(ctx)
}
