package compliance

import (
	"context"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// CaseBlocklistHit is the kind of case a hit on a tenant's own blocklist
// opens (a sanctions hit opens sg.CaseSanctionsHit).
const CaseBlocklistHit = "blocklist_hit"

// CaseSenderUnknown is the kind of case a deposit whose sender could not
// be screened opens.
const CaseSenderUnknown = "sender_unknown"

// Screening checks addresses against the platform's sanctions list and
// the tenant's blocklist, opens a case for every hit, and loads the list.
// It fails closed: with no list published it screens nothing and says so
// (sg.ErrSanctionsListMissing), so a payout waits rather than go out
// unscreened.
type Screening struct {
	Store sg.ScreeningStore
	// Cases opens a case for each hit (required: a hit whose case cannot
	// be opened is an error, retried, and the payout stays stopped).
	Cases sg.CaseOpener
	Now   func() time.Time
}

func (s *Screening) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// screen checks addr against both lists: one point read each.
func (s *Screening) screen(ctx context.Context, tenant string, c sg.Chain, addr, subject string) (sg.ScreeningDecision, error) {
	key := sg.ScreenKey(c, addr)
	d := sg.ScreeningDecision{Tenant: tenant, Chain: c, Address: key, Outcome: sg.ScreenClear, Subject: subject, At: s.now()}
	listed, version, err := s.Store.Listed(ctx, c, key)
	if err != nil {
		return d, err
	}
	if version == "" {
		return d, sg.ErrSanctionsListMissing
	}
	d.ListVersion = version
	if listed {
		d.Lists = append(d.Lists, sg.SanctionsOFAC+":"+version)
	}
	blocked, err := s.Store.Blocked(ctx, tenant, c, key)
	if err != nil {
		return d, err
	}
	if blocked {
		d.Lists = append(d.Lists, sg.ListTenantBlocklist)
	}
	if len(d.Lists) > 0 {
		d.Outcome = sg.ScreenHit
	}
	return d, nil
}

// openCase opens the case of a hit, idempotent by what was screened.
func (s *Screening) openCase(ctx context.Context, d *sg.ScreeningDecision, what, wallet string, evidence ...string) error {
	kind := CaseBlocklistHit
	switch {
	case d.Sanctioned():
		kind = sg.CaseSanctionsHit
	case len(d.Lists) == 1 && d.Lists[0] == ListSenderUnknown:
		kind = CaseSenderUnknown
	}
	id, err := s.Cases.OpenCase(ctx, sg.CaseRequest{Tenant: d.Tenant, Kind: kind,
		Key: kind + ":" + what + ":" + d.Subject + ":" + string(d.Chain) + ":" + d.Address, Subject: d.Subject, Wallet: wallet,
		Chain: d.Chain, Address: d.Address, Evidence: append(evidence, "list:"+sg.SanctionsOFAC+":"+d.ListVersion),
		Lists: d.Lists, ListVersion: d.ListVersion, At: d.At})
	if err != nil {
		return err
	}
	d.CaseID = id
	return nil
}

// ScreenPayout screens a payout's destination to before its hold is
// signed. A hit opens a case and returns the decision with its named
// refusal (sg.ErrDestinationSanctioned before sg.ErrDestinationBlocked);
// a clear decision returns nil. subject is the transfer's id.
func (s *Screening) ScreenPayout(ctx context.Context, tenant string, c sg.Chain, to, subject string) (sg.ScreeningDecision, error) {
	return s.screenPayout(ctx, tenant, c, to, subject, "")
}

// ScreenTransfer is ScreenPayout of a tenant's payout t: its case is the
// customer's of the wallet it leaves.
func (s *Screening) ScreenTransfer(ctx context.Context, t sg.Transfer) (sg.ScreeningDecision, error) {
	return s.screenPayout(ctx, t.TenantID, t.Chain, t.ToAddress, t.ID, t.FromWallet)
}

func (s *Screening) screenPayout(ctx context.Context, tenant string, c sg.Chain, to, subject, wallet string) (sg.ScreeningDecision, error) {
	d, err := s.screen(ctx, tenant, c, to, subject)
	if err != nil || !d.Hit() {
		return d, err
	}
	if err := s.openCase(ctx, &d, "payout", wallet, "transfer:"+subject); err != nil {
		return d, err
	}
	return d, d.Refusal()
}

// ScreenDeposit screens a deposit's sender from on arrival. A hit marks
// the decision Quarantine (the deposit is held apart, never made
// available, never sent back by itself) and opens a case; it is not an
// error. ref is the deposit's ref. A deposit whose sender the watcher did
// not report cannot be screened: it is quarantined too, and a case opened,
// so a person looks.
func (s *Screening) ScreenDeposit(ctx context.Context, tenant, wallet string, c sg.Chain, from, ref string) (sg.ScreeningDecision, error) {
	if from == "" {
		cur, ok, err := s.Store.CurrentSanctions(ctx)
		if err != nil {
			return sg.ScreeningDecision{}, err
		}
		if !ok {
			return sg.ScreeningDecision{}, sg.ErrSanctionsListMissing
		}
		d := sg.ScreeningDecision{Tenant: tenant, Chain: c, Outcome: sg.ScreenHit, Lists: []string{ListSenderUnknown},
			ListVersion: cur.Version, Quarantine: true, Subject: ref, At: s.now()}
		return d, s.openCase(ctx, &d, "deposit", wallet, "deposit:"+ref, "wallet:"+wallet)
	}
	d, err := s.screen(ctx, tenant, c, from, ref)
	if err != nil || !d.Hit() {
		return d, err
	}
	d.Quarantine = true
	return d, s.openCase(ctx, &d, "deposit", wallet, "deposit:"+ref, "wallet:"+wallet)
}

// ListSenderUnknown stands among a decision's lists when a deposit's
// sender was not reported, so it could not be screened.
const ListSenderUnknown = "sender-unknown"

// ScreenWalletDeposit is ScreenDeposit of a deposit the sink reports
// (sg.DepositScreen).
func (s *Screening) ScreenWalletDeposit(ctx context.Context, d sg.WalletDeposit) (sg.ScreeningDecision, error) {
	return s.ScreenDeposit(ctx, d.Tenant, d.Wallet, d.Chain, d.From, d.Ref)
}

var _ sg.DepositScreen = (*Screening)(nil)
