package compliance

import (
	"context"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The merchant's settlements under its tier (issue 15). A tenant's
// settlement wallet belongs to the customer its settlement config names
// (the merchant), so a settlement's payout is a withdrawal held by the one
// payout policy (LimitPolicy) to that customer's tier like any other. What
// is here only lets the settlement service ask that same policy before it
// asks for the payout (Check: no claim), mark a payout that brings value
// from another chain (MetaClearedFrom: cross_chain), and record the
// travel-rule data of a payout to the merchant's own address.

// MetaClearedFrom is the payout metadata key the settlement payer sets on
// a settlement's payout whose value was cleared from another chain's books
// (the chains it came from). The payout then needs cross_chain of the tier
// (PayoutOps). Setting it only adds a requirement, so a request naming it
// gains nothing.
const MetaClearedFrom = "cleared_from"

// Check says whether t (a payout about to be requested) would pass the
// tier step now: the same subject (its wallet's customer), the same
// operation (Op) and the same limits as Evaluate, without claiming
// anything. A refusal is the tier's named error (KindRefused).
func (p LimitPolicy) Check(ctx context.Context, t sg.Transfer) error {
	w, err := p.Wallets.Wallet(ctx, t.TenantID, t.FromWallet)
	if err != nil {
		return err
	}
	op := sg.LimitOp{Kind: sg.OpPayout}
	if p.Op != nil {
		if op, err = p.Op(ctx, t); err != nil {
			return err
		}
	}
	at := t.CreatedAt
	if at.IsZero() {
		at = p.Limits.now()
	}
	return p.Limits.Check(ctx, t.TenantID, sg.LimitSubject(w), t.Chain, t.Amount, op, at)
}

// clearedFrom reports whether t is a settlement's payout of value cleared
// from another chain.
func clearedFrom(t sg.Transfer) bool {
	return t.Metadata[MetaClearedFrom] != ""
}

// OwnPayoutPayload is the travel-rule data of a payout of customer c to
// its own address to: c is both originator and beneficiary (a natural
// person named as its PII names it, resident where it says, identified by
// its customer id), and the beneficiary's account is the address.
func OwnPayoutPayload(c sg.Customer, to string) *sg.TravelPayload {
	name := strings.Fields(c.PII.Name)
	id := sg.IVMSNaturalNameID{NaturalPersonNameIdentifierType: "LEGL"}
	if len(name) > 0 {
		id.PrimaryIdentifier = name[len(name)-1]
		id.SecondaryIdentifier = strings.Join(name[:len(name)-1], " ")
	}
	person := sg.IVMSPerson{NaturalPerson: &sg.IVMSNaturalPerson{Name: sg.IVMSNaturalName{NameIdentifier: []sg.IVMSNaturalNameID{id}},
		CustomerIdentification: c.ID, CountryOfResidence: strings.ToUpper(c.PII.Country)}}
	return &sg.TravelPayload{
		Originator:      sg.IVMSOriginator{OriginatorPerson: []sg.IVMSPerson{person}},
		Beneficiary:     sg.IVMSBeneficiary{BeneficiaryPerson: []sg.IVMSPerson{person}, AccountNumber: []string{to}},
		PayloadMetadata: &sg.IVMSPayloadMeta{PayloadVersion: sg.IVMSVersion2023},
	}
}

// OwnPayouts records the travel-rule data of payouts a customer makes to
// its own address (a merchant's settlement): built from the customer's
// sealed PII, never given by a request.
type OwnPayouts struct {
	Travel    *Travel
	Customers *Customers
}

// CheckOwn is what the settlement payer calls before it requests the
// payout of amount to the address on c for customer id: whether the rule
// needs data and, if so, that the customer's PII makes a valid payload
// that meets the deployment's requirements. It writes nothing.
func (o OwnPayouts) CheckOwn(ctx context.Context, tenant, customerID string, c sg.Chain, to string, amount sg.Amount) error {
	cfg, err := o.Travel.config(ctx, tenant)
	if err != nil || !cfg.Requires(amount) {
		return err
	}
	cus, err := o.Customers.Get(ctx, tenant, customerID)
	if err != nil {
		return err
	}
	_, err = o.Travel.CheckPayout(ctx, tenant, c, to, amount, OwnPayoutPayload(cus, to))
	return err
}

// RecordOwn records payout t's data (over the threshold; under it nothing
// is written and a not_required record is returned): sealed like any
// payout's, marked as a payout to the customer's own address, once per
// transfer (the same data again returns the first record).
func (o OwnPayouts) RecordOwn(ctx context.Context, t sg.Transfer, customerID string) (sg.TravelRecord, error) {
	r := sg.TravelRecord{Tenant: t.TenantID, TransferID: t.ID, Direction: sg.TravelOut, Status: sg.TravelNotRequired, Amount: t.Amount,
		Chain: t.Chain, At: o.Travel.now().UTC().Truncate(time.Microsecond), OwnAddress: true}
	cfg, err := o.Travel.config(ctx, t.TenantID)
	if err != nil || !cfg.Requires(t.Amount) {
		return r, err
	}
	if t.Type != sg.TransferWithdrawal {
		return sg.TravelRecord{}, sg.ErrNotFound
	}
	cus, err := o.Customers.Get(ctx, t.TenantID, customerID)
	if err != nil {
		return sg.TravelRecord{}, err
	}
	p := OwnPayoutPayload(cus, t.ToAddress)
	if _, err := o.Travel.CheckPayout(ctx, t.TenantID, t.Chain, t.ToAddress, t.Amount, p); err != nil {
		return sg.TravelRecord{}, err
	}
	if p.OriginatingVASP == nil && cfg.OriginatingVASP != nil {
		p.OriginatingVASP = cfg.OriginatingVASP
	}
	r.Status = sg.TravelProvided
	return o.Travel.put(ctx, r, p)
}
