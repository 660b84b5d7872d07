package settlement

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The bodies of PUT /v1/fee-schedule and PUT /v1/settlement-config and
// the answers of their GETs. Amounts are USDT decimal strings; a percent
// is a decimal string of at most 4 decimals or a whole number of basis
// points, never a float. Unknown fields are refused.

// FeeScheduleBody is a fee schedule on the wire.
type FeeScheduleBody struct {
	Chain      string  `json:"chain"`
	Percent    *string `json:"percent,omitempty"`
	PercentBPS *int64  `json:"percent_bps,omitempty"`
	Fixed      string  `json:"fixed,omitempty"`
	Min        string  `json:"min,omitempty"`
	Max        string  `json:"max,omitempty"`
	NetworkFee string  `json:"network_fee"`
	// Version is the version the put is made over (0: the first).
	Version     int64  `json:"version"`
	EffectiveAt string `json:"effective_at,omitempty"`
}

// ConfigBody is a settlement config on the wire.
type ConfigBody struct {
	Chain       string          `json:"chain"`
	Mode        string          `json:"mode"`
	Schedule    string          `json:"schedule,omitempty"`
	CutoffHour  int             `json:"cutoff_hour,omitempty"`
	Threshold   string          `json:"threshold,omitempty"`
	Destination DestinationView `json:"destination"`
	MinPayout   string          `json:"min_payout,omitempty"`
	// CustomerID names the merchant as a customer of the tenant: the
	// settlement wallet is that customer's, so settlements are paid under
	// its tier (issue 15). Optional; the tenant's settlement wallet has one
	// customer, the one named last.
	CustomerID string `json:"customer_id,omitempty"`
	Version    int64  `json:"version"`
	UpdatedAt  string `json:"updated_at,omitempty"`
}

// decodeStrict reads exactly one JSON object into v, refusing unknown
// fields and trailing data.
func decodeStrict(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		if bytes.Contains([]byte(err.Error()), []byte("unknown field")) {
			return sg.ErrUnknownField
		}
		return sg.ErrInvalidJSON
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return sg.ErrInvalidJSON
	}
	return nil
}

func amountField(s, param string) (sg.Amount, error) {
	if s == "" {
		return 0, nil
	}
	a, err := sg.ParseAmount(s, sg.USDTDecimals)
	if err != nil {
		var e *sg.Error
		if errors.As(err, &e) {
			return 0, e.WithParam(param)
		}
		return 0, sg.ErrValidation.WithParam(param)
	}
	return a, nil
}

// DecodeFeeSchedule reads a fee schedule body for tenant: exactly one of
// percent and percent_bps (or neither: 0%), amounts as decimal strings.
// The schedule it returns is validated.
func DecodeFeeSchedule(tenant string, body []byte) (sg.FeeSchedule, error) {
	var b FeeScheduleBody
	if err := decodeStrict(body, &b); err != nil {
		return sg.FeeSchedule{}, err
	}
	f := sg.FeeSchedule{TenantID: tenant, Chain: sg.Chain(b.Chain), NetworkFee: sg.NetworkFeeMode(b.NetworkFee), Version: b.Version}
	switch {
	case b.Percent != nil && b.PercentBPS != nil:
		return sg.FeeSchedule{}, sg.ErrFeeRateInvalid
	case b.Percent != nil:
		r, err := sg.ParsePercent(*b.Percent)
		if err != nil {
			return sg.FeeSchedule{}, err
		}
		f.Percent = r
	case b.PercentBPS != nil:
		if *b.PercentBPS < 0 || *b.PercentBPS > 10_000 {
			return sg.FeeSchedule{}, sg.ErrFeeRateInvalid.WithParam("percent_bps")
		}
		f.Percent = sg.FeeRateBPS(*b.PercentBPS)
	}
	var err error
	if f.Fixed, err = amountField(b.Fixed, "fixed"); err != nil {
		return sg.FeeSchedule{}, err
	}
	if f.Min, err = amountField(b.Min, "min"); err != nil {
		return sg.FeeSchedule{}, err
	}
	if f.Max, err = amountField(b.Max, "max"); err != nil {
		return sg.FeeSchedule{}, err
	}
	if b.Version < 0 {
		return sg.FeeSchedule{}, sg.ErrValidation.WithParam("version")
	}
	if err := f.Validate(); err != nil {
		return sg.FeeSchedule{}, err
	}
	return f, nil
}

// EncodeFeeSchedule is the answer of GET/PUT /v1/fee-schedule (the
// percent as a decimal string).
func EncodeFeeSchedule(f sg.FeeSchedule) FeeScheduleBody {
	p := f.Percent.Percent()
	b := FeeScheduleBody{Chain: string(f.Chain), Percent: &p, Fixed: f.Fixed.String(), Min: f.Min.String(), Max: f.Max.String(),
		NetworkFee: string(f.NetworkFee), Version: f.Version, EffectiveAt: ts(f.EffectiveAt)}
	return b
}

// DecodeConfig reads a settlement config body for tenant; the config it
// returns is validated (the address's format is checked by PutConfig).
func DecodeConfig(tenant string, body []byte) (sg.SettlementConfig, error) {
	var b ConfigBody
	if err := decodeStrict(body, &b); err != nil {
		return sg.SettlementConfig{}, err
	}
	c := sg.SettlementConfig{TenantID: tenant, Chain: sg.Chain(b.Chain), Mode: sg.SettlementMode(b.Mode),
		Schedule: sg.SettlementSchedule(b.Schedule), CutoffHour: b.CutoffHour, Version: b.Version,
		Destination: sg.SettlementDestination{Chain: sg.Chain(b.Destination.Chain), Address: b.Destination.Address}}
	var err error
	if c.Threshold, err = amountField(b.Threshold, "threshold"); err != nil {
		return sg.SettlementConfig{}, err
	}
	if c.MinPayout, err = amountField(b.MinPayout, "min_payout"); err != nil {
		return sg.SettlementConfig{}, err
	}
	if b.Version < 0 {
		return sg.SettlementConfig{}, sg.ErrValidation.WithParam("version")
	}
	if err := c.Validate(); err != nil {
		return sg.SettlementConfig{}, err
	}
	return c, nil
}

// EncodeConfig is the answer of GET/PUT /v1/settlement-config.
func EncodeConfig(c sg.SettlementConfig) ConfigBody {
	b := ConfigBody{Chain: string(c.Chain), Mode: string(c.Mode), Schedule: string(c.Schedule), CutoffHour: c.CutoffHour,
		Destination: DestinationView{Chain: string(c.Destination.Chain), Address: c.Destination.Address},
		MinPayout:   c.MinPayout.String(), Version: c.Version, UpdatedAt: ts(c.UpdatedAt)}
	if c.Threshold > 0 {
		b.Threshold = c.Threshold.String()
	}
	return b
}
