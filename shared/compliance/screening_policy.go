package compliance

import (
	"context"
	"errors"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Policy is the withdrawal pipeline's policy step (ledger.Policy has the
// same method; custody.Rules implements it): evaluated for every payout
// before its hold is signed.
type Policy interface {
	Evaluate(ctx context.Context, t sg.Transfer) (sg.Decision, error)
}

// ScreeningPolicy screens each payout's destination: a listed or blocked
// one is refused, with the named refusal and the list version in the
// decision (so on the transfer's rejection event), and a case is opened.
// Faults (the store, the case service, no list loaded) are errors: the
// payout is not approved and its step is tried again.
type ScreeningPolicy struct {
	Screening *Screening
}

// Evaluate screens t's destination.
func (p ScreeningPolicy) Evaluate(ctx context.Context, t sg.Transfer) (sg.Decision, error) {
	d, err := p.Screening.ScreenTransfer(ctx, t)
	var refused *sg.Error
	if errors.As(err, &refused) && sg.KindOf(err) == sg.KindRefused && d.Hit() {
		return sg.Decision{Outcome: sg.OutcomeReject, Matched: []string{Matched(d)}}, nil
	}
	if err != nil {
		return sg.Decision{}, err
	}
	return sg.Decision{Outcome: sg.OutcomeApprove}, nil
}

// Matched is how a screening hit names itself among a decision's matched
// rules: its refusal code, the lists it hit and its case, e.g.
// "destination_sanctioned [ofac:2024-09-27.1a2b3c4d5e6f7a8b] case cs_1".
func Matched(d sg.ScreeningDecision) string {
	s := d.Refusal().Code + " " + "["
	for i, l := range d.Lists {
		if i > 0 {
			s += " "
		}
		s += l
	}
	s += "] list " + d.ListVersion
	if d.CaseID != "" {
		s += " case " + d.CaseID
	}
	return s
}

// Chain runs every policy on each payout and combines their decisions as
// one policy does its rules: any refusal beats any approval count, a
// larger count beats a smaller one (with the longer wait). Every policy
// runs, so screening opens its case even when another policy refuses
// first. The first fault stops it.
func Chain(policies ...Policy) Policy { return chain(policies) }

type chain []Policy

func (c chain) Evaluate(ctx context.Context, t sg.Transfer) (sg.Decision, error) {
	var rejects, approvals []string
	out := sg.Decision{Outcome: sg.OutcomeApprove}
	for _, p := range c {
		d, err := p.Evaluate(ctx, t)
		if err != nil {
			return sg.Decision{}, err
		}
		switch d.Outcome {
		case sg.OutcomeReject:
			rejects = append(rejects, d.Matched...)
		case sg.OutcomeNeedsApprovals:
			approvals = append(approvals, d.Matched...)
			out.Approvals = max(out.Approvals, d.Approvals)
			out.Wait = max(out.Wait, d.Wait)
		case sg.OutcomeApprove:
		default:
			return sg.Decision{}, sg.Internal("compliance.chain", errors.New("a policy decided "+string(d.Outcome)))
		}
	}
	switch {
	case len(rejects) > 0:
		return sg.Decision{Outcome: sg.OutcomeReject, Matched: rejects}, nil
	case len(approvals) > 0:
		out.Outcome, out.Matched = sg.OutcomeNeedsApprovals, approvals
	}
	return out, nil
}
