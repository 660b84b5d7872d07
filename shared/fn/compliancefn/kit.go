// Package compliancefn builds the compliance kit (screening, cases,
// monitoring, customers and KYC, tiers and limits, the travel rule) over the
// DynamoDB stores, the monitor (a stream) and the sanctions job. It links
// no HTTP code, package fn or KMS client; its routes (cases, rules and
// lists, internal transfers) are in compliancefn/complianceroutes, which
// links no package fn or KMS either. customerfn adds the PII routes and the sealed
// kit, payoutfn the payout and settlement paths. Every function that moves
// money or serves a compliance route gets its services from Build, so all
// paths share one configuration.
package compliancefn

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Kit is the compliance services of one function, built once at init.
type Kit struct {
	Screening *compliance.Screening
	Cases     *compliance.Cases
	Monitor   *compliance.Monitor
	Customers *compliance.Customers
	Tiers     *compliance.Tiers
	Limits    *compliance.Limits
	Travel    *compliance.Travel
}

// Build makes the kit over st. Its environment:
//   - ENVELOPE_KEY_ID: the KMS key sealing customers' PII and travel-rule
//     data (unset: customers and travel data cannot be written, said when
//     asked, never stored in plain text); the sealer over it is the
//     caller's (kmsfn.Sealer), so that a function that stores and reads
//     no PII (cases, monitoring, sanctions, internal transfers) links no
//     KMS client: it passes nil, and its Customers and Travel refuse to
//     store data as with the key unset;
//   - OFFICER_COURSE: the course whose valid certificate an officer must
//     hold to decide a case (unset: none required); OFFICER_CERT_DAYS how
//     long such a certificate counts (unset or 0: no expiry);
//   - TRAVEL_RULE_THRESHOLD: the amount in USDT (a decimal string) above
//     which an outside payout needs travel-rule data (unset: 1000;
//     "off": the rule is not applied).
func Build(env core.Env, st *dynamo.Store, sealer sg.Sealer) (*Kit, error) {
	now := time.Now
	cases := &compliance.Cases{Store: st.Compliance, Transfers: st.Ledger, Wallets: st.Wallets, Now: now}
	if c := env("OFFICER_COURSE"); c != "" {
		cc := compliance.CourseCertificates{Store: st.Courses}
		if d := env("OFFICER_CERT_DAYS"); d != "" {
			var days int
			if _, err := fmt.Sscan(d, &days); err != nil || days < 0 {
				return nil, fmt.Errorf("compliancefn: OFFICER_CERT_DAYS %q is not a number of days", d)
			}
			cc.Validity = time.Duration(days) * 24 * time.Hour
		}
		cases.RequiredCourse, cases.Certs = c, cc
	}
	travelCfg, err := TravelConfig(env("TRAVEL_RULE_THRESHOLD"))
	if err != nil {
		return nil, err
	}
	customers := &compliance.Customers{Store: st.Customers, Sealer: sealer, Now: now}
	return &Kit{
		Screening: &compliance.Screening{Store: st.Sanctions, Cases: cases, Now: now},
		Cases:     cases,
		Monitor:   &compliance.Monitor{Rules: st.Compliance, Activity: st.Compliance, Alerts: st.Compliance, Cases: cases, Now: now},
		Customers: customers,
		Tiers:     &compliance.Tiers{Store: st.Customers, Now: now},
		Limits:    &compliance.Limits{Store: st.Customers, Counters: st.Customers, Now: now},
		Travel: &compliance.Travel{Store: st.Travel, Sealer: sealer, Transfers: st.Ledger, Now: now,
			Config: func(_ context.Context, _ string) (sg.TravelRuleConfig, error) { return travelCfg, nil }},
	}, nil
}

// TravelConfig reads TRAVEL_RULE_THRESHOLD: "" is the default (1,000 USDT),
// "off" turns the rule off, else a USDT amount as a decimal string.
func TravelConfig(v string) (sg.TravelRuleConfig, error) {
	c := compliance.DefaultTravelConfig()
	switch v = strings.TrimSpace(v); v {
	case "":
		return c, nil
	case "off":
		c.Disabled = true
		return c, nil
	}
	a, err := sg.ParseAmount(v, sg.USDTDecimals)
	if err != nil {
		return c, fmt.Errorf("compliancefn: TRAVEL_RULE_THRESHOLD %q is not a USDT amount", v)
	}
	c.Threshold = a
	return c, nil
}

// StoreAndKit is the table (TABLE_NAME) and the compliance kit over it,
// with no sealer (see Build).
func StoreAndKit(env core.Env) (*dynamo.Store, *Kit, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	kit, err := Build(env, st, nil)
	return st, kit, err
}
