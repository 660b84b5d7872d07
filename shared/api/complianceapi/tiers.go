package complianceapi

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Tiers serves GET and PUT /v1/compliance/tiers.
type Tiers struct {
	Svc *compliance.Tiers
}

// TierLimitsJSON are the limits of one scope, in USDT as decimal strings
// ("0": no limit).
type TierLimitsJSON struct {
	Single string `json:"single" validate:"required,max=40"`
	Day    string `json:"day" validate:"required,max=40"`
	Month  string `json:"month" validate:"required,max=40"`
}

// TierJSON is one tier: what it may do and how much.
type TierJSON struct {
	Name         string                    `json:"name" validate:"required,max=40"`
	PerChain     map[string]TierLimitsJSON `json:"per_chain,omitempty" validate:"omitempty,max=2,dive"`
	Total        TierLimitsJSON            `json:"total"`
	Capabilities []sg.Capability           `json:"capabilities" validate:"max=8"`
}

// TierTableRequest is the body of PUT /v1/compliance/tiers: the whole
// table, over the version read (0 for the default table).
type TierTableRequest struct {
	Version         *int64     `json:"version" validate:"required,min=0"`
	Default         string     `json:"default" validate:"required,max=40"`
	Verified        string     `json:"verified" validate:"required,max=40"`
	KYCValidityDays int        `json:"kyc_validity_days" validate:"required,min=1,max=3650"`
	Tiers           []TierJSON `json:"tiers" validate:"required,min=1,max=20,dive"`
}

// TierTableView is the tier table as the API answers it.
type TierTableView struct {
	Object          string     `json:"object"`
	Version         int64      `json:"version"`
	Default         string     `json:"default"`
	Verified        string     `json:"verified"`
	KYCValidityDays int        `json:"kyc_validity_days"`
	Tiers           []TierJSON `json:"tiers"`
	UpdatedAt       *string    `json:"updated_at"`
}

func custLimitsJSON(l sg.TierLimits) TierLimitsJSON {
	return TierLimitsJSON{Single: l.Single.String(), Day: l.Day.String(), Month: l.Month.String()}
}

// ViewTiers renders tt in the spec's shape.
func ViewTiers(tt sg.TierTable) TierTableView {
	v := TierTableView{Object: "tier_table", Version: tt.Version, Default: tt.Default, Verified: tt.Verified,
		KYCValidityDays: int(tt.KYCValidity / (24 * time.Hour)), Tiers: make([]TierJSON, 0, len(tt.Tiers)), UpdatedAt: viewTimePtr(tt.UpdatedAt)}
	for _, t := range tt.Tiers {
		j := TierJSON{Name: t.Name, Total: custLimitsJSON(t.Total), Capabilities: append([]sg.Capability{}, t.Capabilities...)}
		if len(t.PerChain) > 0 {
			j.PerChain = map[string]TierLimitsJSON{}
			for c, l := range t.PerChain {
				j.PerChain[string(c)] = custLimitsJSON(l)
			}
		}
		v.Tiers = append(v.Tiers, j)
	}
	return v
}

// custAmount reads a limit; param names where it is.
func custAmount(s, param string) (sg.Amount, error) {
	a, err := sg.ParseAmount(s, sg.USDTDecimals)
	if err != nil {
		return 0, sg.ErrValidation.WithParam(param).WithMessage("%s must be a USDT amount as a decimal string (\"0\": no limit)", param)
	}
	return a, nil
}

func custLimits(j TierLimitsJSON, param string) (sg.TierLimits, error) {
	var l sg.TierLimits
	var err error
	if l.Single, err = custAmount(j.Single, param+".single"); err != nil {
		return l, err
	}
	if l.Day, err = custAmount(j.Day, param+".day"); err != nil {
		return l, err
	}
	l.Month, err = custAmount(j.Month, param+".month")
	return l, err
}

// TierTableOf reads a request into the domain's table for tenant.
func TierTableOf(tenant string, body TierTableRequest) (sg.TierTable, error) {
	tt := sg.TierTable{TenantID: tenant, Version: *body.Version, Default: body.Default, Verified: body.Verified,
		KYCValidity: time.Duration(body.KYCValidityDays) * 24 * time.Hour}
	for i, t := range body.Tiers {
		at := "tiers[" + strconv.Itoa(i) + "]"
		total, err := custLimits(t.Total, at+".total")
		if err != nil {
			return tt, err
		}
		tier := sg.Tier{Name: t.Name, Total: total, Capabilities: append([]sg.Capability(nil), t.Capabilities...)}
		chains := make([]string, 0, len(t.PerChain))
		for c := range t.PerChain {
			chains = append(chains, c)
		}
		sort.Strings(chains)
		for _, c := range chains {
			if !sg.Chain(c).Valid() {
				return tt, sg.ErrValidation.WithParam(at + ".per_chain").WithMessage("per_chain names chains: ethereum, tron")
			}
			l, err := custLimits(t.PerChain[c], at+".per_chain."+c)
			if err != nil {
				return tt, err
			}
			if tier.PerChain == nil {
				tier.PerChain = map[sg.Chain]sg.TierLimits{}
			}
			tier.PerChain[sg.Chain(c)] = l
		}
		tt.Tiers = append(tt.Tiers, tier)
	}
	return tt, nil
}

// Get is GET /v1/compliance/tiers: the tenant's tier table (the default
// table at version 0 until one is put).
func (h Tiers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	tt, err := h.Svc.Get(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewTiers(tt)), nil
}

// Put is PUT /v1/compliance/tiers: the whole table over the version read
// (tiers_changed if it moved on). Limits hold from the next check.
func (h Tiers) Put(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body TierTableRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	tt, err := TierTableOf(p.TenantID, body)
	if err != nil {
		return httpapi.Response{}, err
	}
	out, err := h.Svc.Put(ctx, tt)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewTiers(out)), nil
}
