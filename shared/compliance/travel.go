package compliance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Travel applies the travel rule: a payout to an outside address over the
// threshold carries originator and beneficiary data (IVMS 101), checked
// before anything is written and stored sealed, keyed by the transfer; a
// deposit's data from the sending VASP is attached to the deposit; either
// is exported in the IVMS 101 shape. The data never appears in a log line,
// an error or a listing: errors name the failing field's path and the rule,
// never the value.
type Travel struct {
	Store  sg.TravelStore
	Sealer sg.Sealer
	// Config is the rule for a tenant (nil: DefaultTravelConfig for all).
	Config func(ctx context.Context, tenant string) (sg.TravelRuleConfig, error)
	// Transfers, if set, is where AttachIncoming finds the deposit (the
	// tenant's, of type deposit, or not_found).
	Transfers sg.TransferReader
	// Grace is how long the policy step lets a payout over the threshold
	// wait for its data to be recorded (the handler records it right after
	// creating the withdrawal) before refusing it (0: DefaultTravelGrace).
	Grace time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// DefaultTravelGrace is how long a payout's data may take to be recorded.
const DefaultTravelGrace = 2 * time.Minute

// DefaultTravelConfig is the rule where none is configured: data for
// payouts over 1,000 USDT, the standard's minimum (originator and
// beneficiary; the beneficiary's VASP checked whenever it is named).
func DefaultTravelConfig() sg.TravelRuleConfig {
	return sg.TravelRuleConfig{Threshold: sg.DefaultTravelThreshold}
}

func (s *Travel) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Travel) config(ctx context.Context, tenant string) (sg.TravelRuleConfig, error) {
	if s.Config == nil {
		return DefaultTravelConfig(), nil
	}
	return s.Config(ctx, tenant)
}

// Validate checks an IVMS 101 document (TravelValidator, on s's clock).
func (s *Travel) Validate(p *sg.TravelPayload) error {
	return TravelValidator{Now: s.Now}.Validate(p)
}

// TravelFromRequest reads a request's travel_rule member: absent (or
// empty) gives nil, anything else must decode (DecodeTravelPayload). The
// handler calls it before CheckPayout.
func TravelFromRequest(raw json.RawMessage) (*sg.TravelPayload, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	return DecodeTravelPayload(raw)
}

// PayoutRequest is what the withdrawal handler calls before creating the
// withdrawal: it reads the request's travel_rule member (raw; absent is
// nil) and checks it for a payout of amount to the address (CheckPayout).
// It writes nothing. After the withdrawal is created the handler calls
// RequireForPayout with the transfer and the payload returned here.
func (s *Travel) PayoutRequest(ctx context.Context, tenant string, c sg.Chain, to string, amount sg.Amount, raw json.RawMessage) (*sg.TravelPayload, error) {
	p, err := TravelFromRequest(raw)
	if err != nil {
		return nil, err
	}
	if _, err := s.CheckPayout(ctx, tenant, c, to, amount, p); err != nil {
		return nil, err
	}
	return p, nil
}

// CheckPayout tells whether a payout of amount to the address on chain c
// needs travel-rule data and, if so or if data came anyway, that p is
// valid and meets the tenant's requirements. It writes nothing: the
// handler runs it before the withdrawal is created, so a refused request
// holds no funds. Refusals: ErrTravelRuleDataRequired (param travel_rule),
// ErrTravelRuleDataInvalid (param the failing field's path).
func (s *Travel) CheckPayout(ctx context.Context, tenant string, c sg.Chain, to string, amount sg.Amount, p *sg.TravelPayload) (bool, error) {
	cfg, err := s.config(ctx, tenant)
	if err != nil {
		return false, err
	}
	required := cfg.Requires(amount)
	if p == nil {
		if required {
			return true, sg.ErrTravelRuleDataRequired
		}
		return false, nil
	}
	if err := s.Validate(p); err != nil {
		return required, err
	}
	if err := meets(cfg, p); err != nil {
		return required, err
	}
	if l := p.Beneficiary.AccountNumber; len(l) > 0 && !containsAddress(c, l, to) {
		return required, sg.ErrTravelRuleDataInvalid.WithMessage("the beneficiary's accountNumber does not name the payout's to_address").
			WithParam(TravelParam + ".beneficiary.accountNumber")
	}
	return required, nil
}

func containsAddress(c sg.Chain, l []string, addr string) bool {
	for _, a := range l {
		if sg.ScreenKey(c, a) == sg.ScreenKey(c, addr) {
			return true
		}
	}
	return false
}

// meets checks what the configuration requires beyond the standard.
func meets(cfg sg.TravelRuleConfig, p *sg.TravelPayload) error {
	bad := func(path, msg string) error {
		return sg.ErrTravelRuleDataInvalid.WithMessage("%s", msg).WithParam(TravelParam + "." + path)
	}
	for _, f := range cfg.Require {
		switch f {
		case sg.TravelFieldBeneficiaryVASP:
			if p.BeneficiaryVASP == nil {
				return bad("beneficiaryVASP", "this deployment requires the beneficiary's VASP")
			}
		case sg.TravelFieldOriginatorAccount:
			if len(p.Originator.AccountNumber) == 0 {
				return bad("originator.accountNumber", "this deployment requires the originator's account")
			}
		case sg.TravelFieldOriginatorAddress, sg.TravelFieldOriginatorNationalID, sg.TravelFieldOriginatorBirth:
			for i, o := range p.Originator.OriginatorPerson {
				path := idx("originator.originatorPerson", i)
				has := false
				switch {
				case o.NaturalPerson != nil:
					path += ".naturalPerson"
					n := o.NaturalPerson
					has = f == sg.TravelFieldOriginatorAddress && len(n.GeographicAddress) > 0 ||
						f == sg.TravelFieldOriginatorNationalID && n.NationalIdentification != nil ||
						f == sg.TravelFieldOriginatorBirth && n.DateAndPlaceOfBirth != nil
				case o.LegalPerson != nil:
					path += ".legalPerson"
					l := o.LegalPerson
					has = f == sg.TravelFieldOriginatorAddress && len(l.GeographicAddress) > 0 ||
						f == sg.TravelFieldOriginatorNationalID && l.NationalIdentification != nil ||
						f == sg.TravelFieldOriginatorBirth // a company has no birth
				}
				if !has {
					field := strings.TrimPrefix(string(f), "originator.")
					return bad(path+"."+field, "this deployment requires the originator's "+field)
				}
			}
		}
	}
	return nil
}

// RequireForPayout records a created payout's travel-rule data: over the
// threshold the payout needs p (ErrTravelRuleDataRequired otherwise,
// nothing written); p, completed with the payout's address as the
// beneficiary's account and the deployment as originating VASP where it
// does not name them, is stored sealed, once per transfer. A replay with
// the same data returns the first record; other data for the same payout
// is ErrTravelRecordExists. Under the threshold with no data it returns a
// not_required record and writes nothing.
func (s *Travel) RequireForPayout(ctx context.Context, tenant string, t sg.Transfer, p *sg.TravelPayload) (sg.TravelRecord, error) {
	if t.TenantID != tenant || t.Type != sg.TransferWithdrawal {
		return sg.TravelRecord{}, sg.ErrNotFound
	}
	if _, err := s.CheckPayout(ctx, tenant, t.Chain, t.ToAddress, t.Amount, p); err != nil {
		return sg.TravelRecord{}, err
	}
	r := sg.TravelRecord{Tenant: tenant, TransferID: t.ID, Direction: sg.TravelOut, Status: sg.TravelNotRequired, Amount: t.Amount, Chain: t.Chain,
		At: s.now().UTC().Truncate(time.Microsecond)}
	if p == nil { // not required: CheckPayout refused otherwise
		return r, nil
	}
	cfg, err := s.config(ctx, tenant)
	if err != nil {
		return sg.TravelRecord{}, err
	}
	q := *p
	if len(q.Beneficiary.AccountNumber) == 0 {
		q.Beneficiary.AccountNumber = []string{t.ToAddress}
	}
	if q.OriginatingVASP == nil && cfg.OriginatingVASP != nil {
		q.OriginatingVASP = cfg.OriginatingVASP
	}
	r.Status = sg.TravelProvided
	r.CounterpartyVASP = vaspName(q.BeneficiaryVASP)
	return s.put(ctx, r, &q)
}

// AttachIncoming attaches the sending VASP's data to a deposit (ref: the
// deposit's transfer id): checked as a payout's is, stored sealed, once.
// The same data again returns the first record.
func (s *Travel) AttachIncoming(ctx context.Context, tenant, depositRef string, p *sg.TravelPayload) (sg.TravelRecord, error) {
	if p == nil {
		return sg.TravelRecord{}, sg.ErrTravelRuleDataRequired
	}
	if err := s.Validate(p); err != nil {
		return sg.TravelRecord{}, err
	}
	r := sg.TravelRecord{Tenant: tenant, TransferID: depositRef, Direction: sg.TravelIn, Status: sg.TravelReceived,
		CounterpartyVASP: vaspName(p.OriginatingVASP), At: s.now().UTC().Truncate(time.Microsecond)}
	if s.Transfers != nil {
		t, err := s.Transfers.Transfer(ctx, tenant, depositRef)
		if err != nil {
			return sg.TravelRecord{}, err
		}
		if t.Type != sg.TransferDeposit {
			return sg.TravelRecord{}, sg.ErrNotFound
		}
		r.Amount, r.Chain = t.Amount, t.Chain
		if l := p.Beneficiary.AccountNumber; len(l) > 0 && t.ToAddress != "" && !containsAddress(t.Chain, l, t.ToAddress) {
			return sg.TravelRecord{}, sg.ErrTravelRuleDataInvalid.WithMessage("the beneficiary's accountNumber does not name the deposit's address").
				WithParam(TravelParam + ".beneficiary.accountNumber")
		}
	}
	return s.put(ctx, r, p)
}

func (s *Travel) put(ctx context.Context, r sg.TravelRecord, p *sg.TravelPayload) (sg.TravelRecord, error) {
	plain, err := json.Marshal(p)
	if err != nil {
		return sg.TravelRecord{}, sg.Internal("compliance.travel.put", err)
	}
	if r.PayloadSealed, err = s.Sealer.Seal(ctx, sealFor(r.Tenant), plain); err != nil {
		return sg.TravelRecord{}, err
	}
	err = s.Store.PutTravel(ctx, r)
	if !errors.Is(err, sg.ErrTravelRecordExists) {
		if err != nil {
			return sg.TravelRecord{}, err
		}
		return r, nil
	}
	old, err := s.Store.Travel(ctx, r.Tenant, r.TransferID, r.Direction)
	if err != nil {
		return sg.TravelRecord{}, err
	}
	was, err := s.open(ctx, old)
	if err != nil {
		return sg.TravelRecord{}, err
	}
	if !bytes.Equal(was, plain) {
		return sg.TravelRecord{}, sg.ErrTravelRecordExists
	}
	return old, nil
}

func sealFor(tenant string) sg.SealContext {
	return sg.SealContext{Tenant: tenant, Purpose: sg.TravelRulePurpose}
}

func (s *Travel) open(ctx context.Context, r sg.TravelRecord) ([]byte, error) {
	if len(r.PayloadSealed) == 0 {
		return nil, nil
	}
	b, err := s.Sealer.Open(ctx, sealFor(r.Tenant), r.PayloadSealed)
	if err != nil {
		return nil, sg.Internal("compliance.travel.open", err)
	}
	return b, nil
}

// Payload reads and opens a transfer's data in a direction.
func (s *Travel) Payload(ctx context.Context, tenant, transferID string, d sg.TravelDirection) (*sg.TravelPayload, sg.TravelRecord, error) {
	r, err := s.Store.Travel(ctx, tenant, transferID, d)
	if err != nil {
		return nil, sg.TravelRecord{}, err
	}
	b, err := s.open(ctx, r)
	if err != nil || b == nil {
		return nil, r, err
	}
	var p sg.TravelPayload
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, r, sg.Internal("compliance.travel.payload", err)
	}
	return &p, r, nil
}

// Export is a transfer's travel-rule data as an IVMS 101 (2023) JSON
// document (a payout's if it has one, else its deposit's); not_found if
// it has none.
func (s *Travel) Export(ctx context.Context, tenant, transferID string) (json.RawMessage, error) {
	rs, err := s.Store.TravelByTransfer(ctx, tenant, transferID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		b, err := s.open(ctx, r)
		if err != nil {
			return nil, err
		}
		if b != nil {
			return b, nil
		}
	}
	return nil, sg.ErrNotFound
}

// vaspName names a VASP: its LEI if given, else its legal name.
func vaspName(p *sg.IVMSPerson) string {
	if p == nil || p.LegalPerson == nil {
		return ""
	}
	l := p.LegalPerson
	if id := l.NationalIdentification; id != nil && id.NationalIdentifierType == "LEIX" {
		return "LEI:" + id.NationalIdentifier
	}
	for _, n := range l.Name.NameIdentifier {
		if n.LegalPersonNameIdentifierType == "LEGL" {
			return n.LegalPersonName
		}
	}
	return ""
}

// TravelPolicy is the withdrawal pipeline's travel-rule step (a Policy):
// a payout over the threshold is approved only once its data is recorded.
// While the payout is younger than the grace the step is tried again
// (the data is recorded right after the withdrawal is created); after
// that it is refused, named travel_rule_data_required. Run it in the
// pipeline's Chain with the other policies, so no path signs a payout
// over the threshold without data.
type TravelPolicy struct{ Travel *Travel }

// Evaluate checks that t's travel-rule data is recorded when it needs it.
func (p TravelPolicy) Evaluate(ctx context.Context, t sg.Transfer) (sg.Decision, error) {
	approve := sg.Decision{Outcome: sg.OutcomeApprove}
	if t.Type != sg.TransferWithdrawal {
		return approve, nil
	}
	cfg, err := p.Travel.config(ctx, t.TenantID)
	if err != nil {
		return sg.Decision{}, err
	}
	if !cfg.Requires(t.Amount) {
		return approve, nil
	}
	r, err := p.Travel.Store.Travel(ctx, t.TenantID, t.ID, sg.TravelOut)
	switch {
	case err == nil && r.Status == sg.TravelProvided:
		return approve, nil
	case err != nil && !errors.Is(err, sg.ErrNotFound):
		return sg.Decision{}, err
	}
	grace := p.Travel.Grace
	if grace <= 0 {
		grace = DefaultTravelGrace
	}
	if p.Travel.now().Sub(t.CreatedAt) < grace {
		return sg.Decision{}, sg.Unavailable("compliance.travel.policy", errors.New("travel-rule data not recorded yet"))
	}
	return sg.Decision{Outcome: sg.OutcomeReject, Matched: []string{sg.ErrTravelRuleDataRequired.Code}}, nil
}
