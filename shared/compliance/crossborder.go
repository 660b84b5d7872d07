package compliance

import (
	"context"
	"errors"
	"strings"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// PayoutOps says what a payout is for the tier capabilities
// (LimitPolicy.Op): cross-border when the payout's travel-rule data places
// its beneficiary (an address's country, the country of residence or of
// registration) or the beneficiary's VASP in another country than the
// paying wallet's customer. A payout with no travel-rule data (under the
// threshold, and none given), a beneficiary with no country, or a wallet
// with no customer is counted as domestic: its country is not known. A
// payout leaves from the balance it is paid on, so it is cross-chain only
// when it is a settlement's that brings value cleared from another chain
// (MetaClearedFrom, set by the settlement payer): that needs cross_chain.
type PayoutOps struct {
	Travel    *Travel
	Customers *Customers
	Wallets   LimitWallets
}

// Op is the limit operation of payout t.
func (o PayoutOps) Op(ctx context.Context, t sg.Transfer) (sg.LimitOp, error) {
	op := sg.LimitOp{Kind: sg.OpPayout, CrossChain: clearedFrom(t)}
	if t.Type != sg.TransferWithdrawal || o.Travel == nil || o.Customers == nil || o.Wallets == nil {
		return op, nil
	}
	if _, err := o.Travel.Store.Travel(ctx, t.TenantID, t.ID, sg.TravelOut); errors.Is(err, sg.ErrNotFound) {
		return op, nil
	} else if err != nil {
		return op, err
	}
	if o.Travel.Sealer == nil || o.Customers.Sealer == nil {
		// Data is recorded but this function cannot open it: fail closed
		// (the step is retried), never guess domestic.
		return op, sg.Internal("compliance.PayoutOps", errors.New("travel-rule data is recorded but no envelope key is configured to read it"))
	}
	p, _, err := o.Travel.Payload(ctx, t.TenantID, t.ID, sg.TravelOut)
	if err != nil || p == nil {
		return op, err
	}
	theirs := BeneficiaryCountries(p)
	if len(theirs) == 0 {
		return op, nil
	}
	w, err := o.Wallets.Wallet(ctx, t.TenantID, t.FromWallet)
	if err != nil {
		return op, err
	}
	id := sg.WalletCustomerID(w)
	if id == "" {
		return op, nil
	}
	c, err := o.Customers.Get(ctx, t.TenantID, id)
	if err != nil {
		return op, err
	}
	mine := strings.ToUpper(strings.TrimSpace(c.PII.Country))
	if c.Erased() || mine == "" {
		return op, nil
	}
	for _, cc := range theirs {
		if cc != mine {
			op.CrossBorder = true
		}
	}
	return op, nil
}

// BeneficiaryCountries are the countries (ISO 3166-1 alpha-2, upper case,
// each once) a travel-rule payload places its beneficiary and the
// beneficiary's VASP in.
func BeneficiaryCountries(p *sg.TravelPayload) []string {
	var out []string
	add := func(c string) {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			return
		}
		for _, have := range out {
			if have == c {
				return
			}
		}
		out = append(out, c)
	}
	person := func(x sg.IVMSPerson) {
		if n := x.NaturalPerson; n != nil {
			add(n.CountryOfResidence)
			for _, a := range n.GeographicAddress {
				add(a.Country)
			}
		}
		if l := x.LegalPerson; l != nil {
			add(l.CountryOfRegistration)
			for _, a := range l.GeographicAddress {
				add(a.Country)
			}
		}
	}
	for _, x := range p.Beneficiary.BeneficiaryPerson {
		person(x)
	}
	if p.BeneficiaryVASP != nil {
		person(*p.BeneficiaryVASP)
	}
	return out
}
