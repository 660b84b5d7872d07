// Package customerfn builds the routes of customers, KYC and the
// travel rule: the functions that store or read customers' PII, so the
// ones that link the envelope sealer (KMS), with the compliance kit
// sealed by it (package sealedkit, which payouts and settlements use too).
package customerfn

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/fn/compliancefn/sealedkit"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kycprovider"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// KYCProvider is the KYC provider of the deployment, from:
//   - KYC_PROVIDER_URL: the provider's API (kycprovider's scheme; https,
//     or http on loopback for the local stack's dev provider);
//   - KYC_PROVIDER_NAME: its name kept on customers (unset: "kyc");
//   - KYC_API_KEY: the bearer key of its API (never logged);
//   - KYC_CALLBACK_SECRET: the secret its callbacks are signed with, and
//     KYC_CALLBACK_SECRET_PREVIOUS while one is rotated (never logged).
//
// Nil when neither URL nor secret is set: no provider, and the KYC routes
// answer service_unavailable.
func KYCProvider(env core.Env) (sg.KYCProvider, error) {
	base, secret := env("KYC_PROVIDER_URL"), env("KYC_CALLBACK_SECRET")
	if base == "" && secret == "" {
		return nil, nil
	}
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && custLoopback(u.Hostname()))) {
			return nil, fmt.Errorf("compliancefn: KYC_PROVIDER_URL must be an https URL (http only on 127.0.0.1)")
		}
	}
	name := env("KYC_PROVIDER_NAME")
	if name == "" {
		name = "kyc"
	}
	c := &kycprovider.Client{ProviderName: name, BaseURL: base, APIKey: env("KYC_API_KEY")}
	for _, s := range []string{secret, env("KYC_CALLBACK_SECRET_PREVIOUS")} {
		if s != "" {
			c.Secrets = append(c.Secrets, []byte(s))
		}
	}
	return c, nil
}

func custLoopback(host string) bool {
	return host == "127.0.0.1" || host == "localhost" || host == "::1"
}

// CustomerHandlers builds the customer, KYC and compliance-view routes'
// handlers over the table (TABLE_NAME; ENVELOPE_KEY_ID for the routes
// that read or write PII; the KYC provider's variables for the KYC routes).
func CustomerHandlers(env core.Env, name string) (complianceapi.Customers, error) {
	st, kit, err := sealedkit.StoreAnd(env)
	if err != nil {
		return complianceapi.Customers{}, err
	}
	kit.Customers.Log = obs.NewLogger(os.Stdout, name)
	prov, err := KYCProvider(env)
	if err != nil {
		return complianceapi.Customers{}, err
	}
	return complianceapi.Customers{Svc: kit.Customers, Idem: st.Base, KYC: &compliance.KYC{Customers: kit.Customers, Provider: prov},
		Views: &compliance.ComplianceViews{Customers: kit.Customers, Limits: kit.Limits, OpenCases: st.Compliance.OpenCases}, Now: time.Now}, nil
}

func custRoute(name string, pick func(complianceapi.Customers) httpapi.Handler) httpfn.Builder {
	return func(ctx context.Context, env core.Env) (httpapi.Handler, error) {
		h, err := CustomerHandlers(env, name)
		if err != nil {
			return nil, err
		}
		return httpapi.Wrap(name, pick(h)), nil
	}
}

func custTravelRoute(name string, pick func(complianceapi.Travel) httpapi.Handler) httpfn.Builder {
	return func(ctx context.Context, env core.Env) (httpapi.Handler, error) {
		_, kit, err := sealedkit.StoreAnd(env)
		if err != nil {
			return nil, err
		}
		return httpapi.Wrap(name, pick(complianceapi.Travel{Svc: kit.Travel})), nil
	}
}

// The customer, KYC, tier and travel-rule routes (see template.yaml).

// CustomersCreate builds the customers-create function.
func CustomersCreate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("customers-create", func(h complianceapi.Customers) httpapi.Handler { return h.Create })(ctx, env)
}

// CustomersGet builds the customers-get function.
func CustomersGet(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("customers-get", func(h complianceapi.Customers) httpapi.Handler { return h.Get })(ctx, env)
}

// CustomersUpdate builds the customers-update function.
func CustomersUpdate(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("customers-update", func(h complianceapi.Customers) httpapi.Handler { return h.Update })(ctx, env)
}

// CustomersDelete builds the customers-delete function.
func CustomersDelete(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("customers-delete", func(h complianceapi.Customers) httpapi.Handler { return h.Erase })(ctx, env)
}

// CustomersExport builds the customers-export function.
func CustomersExport(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("customers-export", func(h complianceapi.Customers) httpapi.Handler { return h.Export })(ctx, env)
}

// CustomersCompliance builds the customers-compliance function.
func CustomersCompliance(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("customers-compliance", func(h complianceapi.Customers) httpapi.Handler { return h.Compliance })(ctx, env)
}

// KYCStart builds the kyc-start function.
func KYCStart(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("kyc-start", func(h complianceapi.Customers) httpapi.Handler { return h.StartKYC })(ctx, env)
}

// KYCCallback builds the kyc-callback function.
func KYCCallback(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("kyc-callback", func(h complianceapi.Customers) httpapi.Handler { return h.Callback })(ctx, env)
}

// KYCReviews builds the kyc-reviews function.
func KYCReviews(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("kyc-reviews", func(h complianceapi.Customers) httpapi.Handler { return h.Reviews })(ctx, env)
}

// KYCReview builds the kyc-review function.
func KYCReview(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custRoute("kyc-review", func(h complianceapi.Customers) httpapi.Handler { return h.Review })(ctx, env)
}

// TravelRuleAttach builds the travel-rule-attach function.
func TravelRuleAttach(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custTravelRoute("travel-rule-attach", func(h complianceapi.Travel) httpapi.Handler { return h.AttachIncoming })(ctx, env)
}

// TravelRuleExport builds the travel-rule-export function.
func TravelRuleExport(ctx context.Context, env core.Env) (httpapi.Handler, error) {
	return custTravelRoute("travel-rule-export", func(h complianceapi.Travel) httpapi.Handler { return h.Export })(ctx, env)
}
