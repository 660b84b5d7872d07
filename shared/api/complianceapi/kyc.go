package complianceapi

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kycprovider"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// CustMaxCallback bounds a KYC provider callback's body.
const CustMaxCallback = 16 << 10

// StartKYCRequest is the (optional) body of POST
// /v1/customers/{customer_id}/kyc.
type StartKYCRequest struct {
	// Tier is the tier to verify for ("" or absent: the table's verified tier).
	Tier string `json:"tier,omitempty" validate:"max=40"`
}

// KYCStartView answers a started verification: the customer is pending
// and completes the verification at URL, with the provider.
type KYCStartView struct {
	Object      string       `json:"object"`
	CustomerID  string       `json:"customer_id"`
	Status      sg.KYCStatus `json:"status"`
	Tier        string       `json:"tier"`
	Provider    string       `json:"provider"`
	ProviderRef string       `json:"provider_ref"`
	URL         string       `json:"url"`
	Version     int64        `json:"version"`
}

// StartKYC is POST /v1/customers/{customer_id}/kyc: it hands the customer
// to the KYC provider (no PII is sent; the provider collects it from the
// customer at the URL) and the customer's status becomes pending.
func (h Customers) StartKYC(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := custTarget(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body StartKYCRequest
	if strings.TrimSpace(req.Body) != "" {
		if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
			return httpapi.Response{}, err
		}
	}
	if h.KYC == nil || h.KYC.Provider == nil {
		return httpapi.Response{}, sg.ErrUnavailable.WithMessage("no KYC provider is configured")
	}
	c, st, err := h.KYC.Start(ctx, p.TenantID, id, body.Tier)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, KYCStartView{Object: "kyc_verification", CustomerID: c.ID, Status: c.KYC.Status, Tier: c.KYC.Tier,
		Provider: c.KYC.Provider, ProviderRef: st.ProviderRef, URL: st.URL, Version: c.Version}), nil
}

// KYCCallbackView answers an accepted provider callback (no PII, no
// tenant: the provider knows what it sent).
type KYCCallbackView struct {
	Object   string `json:"object"`
	Received bool   `json:"received"`
}

// Callback is POST /v1/kyc/callback, the provider's verdict. It has no
// JWT: the provider signs the body (header Stablegate-KYC-Signature,
// kycprovider.SignatureHeader) with the deployment's callback secret,
// and a missing, forged, altered or stale signature is
// kyc_callback_invalid, changing nothing. The same verdict again changes
// nothing (providers redeliver).
func (h Customers) Callback(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	sig, ok := httpapi.Header(req, kycprovider.SignatureHeader)
	if !ok || sig == "" {
		return httpapi.Response{}, sg.ErrKYCCallbackInvalid
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return httpapi.Response{}, sg.ErrKYCCallbackInvalid
		}
		body = b
	}
	if len(body) > CustMaxCallback {
		return httpapi.Response{}, sg.ErrBodyTooLarge.WithMessage("request body is larger than %d bytes", CustMaxCallback)
	}
	if h.KYC == nil || h.KYC.Provider == nil {
		return httpapi.Response{}, sg.ErrUnavailable.WithMessage("no KYC provider is configured")
	}
	if _, err := h.KYC.Callback(ctx, sig, body); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, KYCCallbackView{Object: "kyc_callback", Received: true}), nil
}

// Reviews is GET /v1/kyc/reviews: the officers' review queue, the
// tenant's pending customers oldest first, with their PII.
func (h Customers) Reviews(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, page, err := api.ListRequest(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	list, next, err := h.KYC.Queue(ctx, p.TenantID, page)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := api.List[CustomerView]{Object: "list", Data: make([]CustomerView, 0, len(list))}
	for _, c := range list {
		out.Data = append(out.Data, ViewCustomer(c))
	}
	if next != "" {
		out.HasMore, out.NextCursor = true, &next
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// ReviewKYCRequest is the body of POST
// /v1/customers/{customer_id}/kyc/review.
type ReviewKYCRequest struct {
	// Version is the customer's version the officer read.
	Version  int64  `json:"version" validate:"required,min=1"`
	Decision string `json:"decision" validate:"required,oneof=approve reject"`
	// Tier to grant on approval (absent: the tier asked for).
	Tier string `json:"tier,omitempty" validate:"max=40"`
	// Reason is kept on the customer; it must hold no PII.
	Reason string `json:"reason" validate:"required,max=500"`
}

// Review is POST /v1/customers/{customer_id}/kyc/review: an officer's
// decision on a pending customer, over the version read. The officer is
// the token's subject.
func (h Customers) Review(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := custTarget(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body ReviewKYCRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	if p.Subject == "" {
		return httpapi.Response{}, sg.ErrUnauthenticated.WithMessage("the token names no officer (sub)")
	}
	c, err := h.KYC.Review(ctx, p.TenantID, id, body.Version, compliance.KYCDecision{Approve: body.Decision == "approve",
		Tier: body.Tier, Reason: body.Reason, Officer: p.Subject})
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err = h.Svc.Get(ctx, p.TenantID, c.ID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewCustomer(c)), nil
}
