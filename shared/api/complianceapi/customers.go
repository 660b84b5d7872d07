// Package complianceapi serves the compliance routes over HTTP: customers
// and their KYC, the tier table, the travel rule, cases and the officers'
// work. The rules live in shared/compliance; this package decodes,
// validates and renders in the shapes of infra/openapi.yaml. Every route
// but the KYC provider's callback needs scope compliance (the template
// declares it); the callback is authenticated by the provider's signature.
//
// PII (a customer's name, date of birth, country and documents' references)
// is returned on purpose to the compliance-scoped caller by the customer
// routes and the review queue; it never appears in a log line or an error.
package complianceapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Customers serves the customer, KYC and compliance-view routes.
type Customers struct {
	Svc   *compliance.Customers
	KYC   *compliance.KYC
	Views *compliance.ComplianceViews
	// Idem holds POST /v1/customers' idempotency keys for 24 hours: the
	// customer a key made, never its PII (nil: the service's own keyed ids
	// alone, which a retry in another millisecond does not meet).
	Idem sg.IdempotencyClaims
	// Now is the clock of the compliance view (nil: time.Now).
	Now func() time.Time
}

// custCreateOp names POST /v1/customers in idempotency records.
const custCreateOp = "customers.create"

// custLease is how long a create holds its key before answering.
const custLease = 30 * time.Second

// custIdemRecord is what an idempotency record of a create keeps: the id
// of the customer made. The request's hash is a constant: a hash of the
// body would be a hash of PII; a retry's body is compared with the
// customer's opened PII instead.
type custIdemRecord struct {
	ID string `json:"id"`
}

func (h Customers) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

// CustomerDocumentJSON is a reference to an identity document.
type CustomerDocumentJSON struct {
	Kind      string `json:"kind" validate:"required,max=40"`
	Reference string `json:"reference" validate:"required,max=200"`
}

// CreateCustomerRequest is the body of POST /v1/customers.
type CreateCustomerRequest struct {
	Name        string                 `json:"name" validate:"required,max=200"`
	DateOfBirth string                 `json:"date_of_birth,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Country     string                 `json:"country" validate:"required,len=2,uppercase"`
	Documents   []CustomerDocumentJSON `json:"documents,omitempty" validate:"omitempty,max=10,dive"`
}

// UpdateCustomerRequest is the body of PATCH /v1/customers/{customer_id}:
// the version read, and the fields to change (absent ones stay).
type UpdateCustomerRequest struct {
	Version     int64                   `json:"version" validate:"required,min=1"`
	Name        *string                 `json:"name,omitempty" validate:"omitempty,min=1,max=200"`
	DateOfBirth *string                 `json:"date_of_birth,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Country     *string                 `json:"country,omitempty" validate:"omitempty,len=2,uppercase"`
	Documents   *[]CustomerDocumentJSON `json:"documents,omitempty" validate:"omitempty,max=10,dive"`
}

// CustomerKYCView is a customer's KYC state.
type CustomerKYCView struct {
	Status      sg.KYCStatus `json:"status"`
	Tier        string       `json:"tier,omitempty"`
	Provider    string       `json:"provider,omitempty"`
	ProviderRef string       `json:"provider_ref,omitempty"`
	VerifiedAt  *string      `json:"verified_at,omitempty"`
	ExpiresAt   *string      `json:"expires_at,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	ReviewedBy  string       `json:"reviewed_by,omitempty"`
	UpdatedAt   string       `json:"updated_at"`
}

// CustomerView is a customer as the API answers it, with its PII opened
// ("[erased]" once erased).
type CustomerView struct {
	Object      string                 `json:"object"`
	ID          string                 `json:"id"`
	Name        string                 `json:"name"`
	DateOfBirth string                 `json:"date_of_birth,omitempty"`
	Country     string                 `json:"country"`
	Documents   []CustomerDocumentJSON `json:"documents"`
	KYC         CustomerKYCView        `json:"kyc"`
	Erased      bool                   `json:"erased"`
	ErasedAt    *string                `json:"erased_at,omitempty"`
	Version     int64                  `json:"version"`
	CreatedAt   string                 `json:"created_at"`
	UpdatedAt   string                 `json:"updated_at"`
}

// viewTime renders t at the microsecond, as the stores keep it, so a
// replayed answer reads as the first did.
// viewTime is a time as every view of this package shows it: UTC, RFC 3339,
// to the microsecond the store keeps.
// viewTime is a time as every view of this package shows it: UTC, RFC 3339,
// to the microsecond the store keeps.
func viewTime(t time.Time) string { return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano) }

func viewTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := viewTime(t)
	return &s
}

// ViewCustomer renders c in the spec's shape.
func ViewCustomer(c sg.Customer) CustomerView {
	v := CustomerView{Object: "customer", ID: c.ID, Name: c.PII.Name, DateOfBirth: c.PII.DateOfBirth, Country: c.PII.Country,
		Documents: make([]CustomerDocumentJSON, 0, len(c.PII.Documents)), Erased: c.Erased(), ErasedAt: viewTimePtr(c.ErasedAt),
		Version: c.Version, CreatedAt: viewTime(c.CreatedAt), UpdatedAt: viewTime(c.UpdatedAt),
		KYC: CustomerKYCView{Status: c.KYC.Status, Tier: c.KYC.Tier, Provider: c.KYC.Provider, ProviderRef: c.KYC.ProviderRef,
			VerifiedAt: viewTimePtr(c.KYC.VerifiedAt), ExpiresAt: viewTimePtr(c.KYC.ExpiresAt), Reason: c.KYC.Reason,
			ReviewedBy: c.KYC.ReviewedBy, UpdatedAt: viewTime(c.KYC.UpdatedAt)}}
	if v.KYC.Status == "" {
		v.KYC.Status = sg.KYCNone
	}
	for _, d := range c.PII.Documents {
		v.Documents = append(v.Documents, CustomerDocumentJSON(d))
	}
	return v
}

func custDocuments(ds []CustomerDocumentJSON) []sg.CustomerDocument {
	if len(ds) == 0 {
		return nil
	}
	out := make([]sg.CustomerDocument, 0, len(ds))
	for _, d := range ds {
		out = append(out, sg.CustomerDocument(d))
	}
	return out
}

// custPathID reads the path's customer id; a malformed one is not_found.
func custPathID(req httpapi.Request) (string, error) {
	id := req.PathParameters["customer_id"]
	if !sg.ValidID(sg.CustomerIDPrefix, id) {
		return "", sg.ErrNotFound
	}
	return id, nil
}

// custTarget reads the principal and the path's customer id.
func custTarget(req httpapi.Request) (httpapi.Principal, string, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return p, "", err
	}
	id, err := custPathID(req)
	return p, id, err
}

// Create is POST /v1/customers: the PII is sealed under the customer's
// own data key before it is stored. A retry with the same Idempotency-Key
// and body answers with the same customer (Idempotent-Replayed: true);
// the key with another body is idempotency_key_reused.
func (h Customers) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body CreateCustomerRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	pii := sg.CustomerPII{Name: body.Name, DateOfBirth: body.DateOfBirth, Country: body.Country, Documents: custDocuments(body.Documents)}
	if err := pii.Validate(); err != nil {
		return httpapi.Response{}, err
	}
	hash := httpapi.RequestHash(custCreateOp, nil)
	if h.Idem != nil {
		rec, claimed, err := h.Idem.ClaimIdempotency(ctx, p.TenantID, custCreateOp, key, hash, custLease)
		if err != nil {
			return httpapi.Response{}, err
		}
		if !claimed {
			return h.custReplay(ctx, p.TenantID, rec, pii)
		}
	}
	c, err := h.Svc.Create(ctx, p.TenantID, key, pii)
	if err != nil {
		if h.Idem != nil {
			h.Idem.ReleaseIdempotency(ctx, p.TenantID, custCreateOp, key, hash) //nolint:errcheck // the lease ends it anyway
		}
		return httpapi.Response{}, err
	}
	if h.Idem != nil {
		ref, _ := json.Marshal(custIdemRecord{ID: c.ID})
		err := h.Idem.CompleteIdempotency(ctx, sg.Idempotency{TenantID: p.TenantID, Operation: custCreateOp, Key: key, RequestHash: hash,
			Status: http.StatusCreated, Response: ref, CreatedAt: h.now()})
		if err != nil && !errors.Is(err, sg.ErrIdempotencyInProgress) {
			return httpapi.Response{}, err
		}
	}
	return httpapi.JSON(http.StatusCreated, ViewCustomer(c)), nil
}

// custReplay answers a retried create: the customer the key made, if the
// retry's PII is the same.
func (h Customers) custReplay(ctx context.Context, tenant string, rec sg.Idempotency, pii sg.CustomerPII) (httpapi.Response, error) {
	if rec.Status == 0 {
		return httpapi.Response{}, sg.ErrIdempotencyInProgress
	}
	var ref custIdemRecord
	if err := json.Unmarshal(rec.Response, &ref); err != nil || ref.ID == "" {
		return httpapi.Response{}, sg.ErrIdempotencyKeyReused
	}
	c, err := h.Svc.Get(ctx, tenant, ref.ID)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !c.Erased() && !custSamePII(c.PII, pii) {
		return httpapi.Response{}, sg.ErrIdempotencyKeyReused
	}
	r := httpapi.JSON(http.StatusCreated, ViewCustomer(c))
	r.Headers["idempotent-replayed"] = "true"
	return r, nil
}

func custSamePII(a, b sg.CustomerPII) bool {
	if a.Name != b.Name || a.DateOfBirth != b.DateOfBirth || a.Country != b.Country || len(a.Documents) != len(b.Documents) {
		return false
	}
	for i := range a.Documents {
		if a.Documents[i] != b.Documents[i] {
			return false
		}
	}
	return true
}

// Get is GET /v1/customers/{customer_id}: the customer with its PII.
func (h Customers) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := custTarget(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Svc.Get(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewCustomer(c)), nil
}

// Update is PATCH /v1/customers/{customer_id}: the fields given replace
// the customer's, over the version read (customer_changed if it moved on).
func (h Customers) Update(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := custTarget(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body UpdateCustomerRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	cur, err := h.Svc.Get(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	if cur.Erased() {
		return httpapi.Response{}, sg.ErrCustomerErased
	}
	if cur.Version != body.Version {
		return httpapi.Response{}, sg.ErrCustomerChanged
	}
	pii := cur.PII
	if body.Name != nil {
		pii.Name = *body.Name
	}
	if body.DateOfBirth != nil {
		pii.DateOfBirth = *body.DateOfBirth
	}
	if body.Country != nil {
		pii.Country = *body.Country
	}
	if body.Documents != nil {
		pii.Documents = custDocuments(*body.Documents)
	}
	c, err := h.Svc.UpdatePII(ctx, p.TenantID, id, body.Version, pii)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewCustomer(c)), nil
}

// Erase is DELETE /v1/customers/{customer_id}: the customer's data key is
// destroyed, so its PII can never be read again, from the table or any
// copy of it; the customer, its KYC status and limits stay, as do the
// ledger and the audit chain. Erasing again answers the same.
func (h Customers) Erase(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := custTarget(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Svc.EraseCustomer(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	c.PII = sg.ErasedCustomerPII()
	return httpapi.JSON(http.StatusOK, ViewCustomer(c)), nil
}

// Export is GET /v1/customers/{customer_id}/export: the customer's data
// (a subject access request). An erased customer has none:
// customer_erased.
func (h Customers) Export(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := custTarget(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	b, err := h.Svc.ExportCustomer(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	r := httpapi.Raw(http.StatusOK, b)
	r.Headers["content-disposition"] = `attachment; filename="` + id + `.json"`
	return r, nil
}

// LimitViewJSON is one window of one scope of a customer's tier.
type LimitViewJSON struct {
	Scope     string         `json:"scope"`
	Window    sg.LimitWindow `json:"window"`
	Limit     string         `json:"limit"`
	Used      string         `json:"used"`
	Remaining *string        `json:"remaining"`
}

// ScreeningSummaryJSON is the customer's screening state.
type ScreeningSummaryJSON struct {
	Status      string `json:"status"`
	ListVersion string `json:"list_version,omitempty"`
	Hits        int    `json:"hits"`
}

// ComplianceStatusView answers GET /v1/customers/{customer_id}/compliance:
// the KYC/AML status of the customer, without PII.
type ComplianceStatusView struct {
	Object       string               `json:"object"`
	CustomerID   string               `json:"customer_id"`
	KYCStatus    sg.KYCStatus         `json:"kyc_status"`
	Tier         string               `json:"tier"`
	KYCExpiresAt *string              `json:"kyc_expires_at,omitempty"`
	Capabilities []sg.Capability      `json:"capabilities"`
	Limits       []LimitViewJSON      `json:"limits"`
	Screening    ScreeningSummaryJSON `json:"screening"`
	OpenCases    int                  `json:"open_cases"`
	At           string               `json:"at"`
}

// ViewCompliance renders v in the spec's shape: a limit of "0" does not
// limit (and has no remaining).
func ViewCompliance(v compliance.ComplianceView, at time.Time) ComplianceStatusView {
	out := ComplianceStatusView{Object: "customer_compliance", CustomerID: v.CustomerID, KYCStatus: v.KYCStatus, Tier: v.Tier,
		KYCExpiresAt: viewTimePtr(v.KYCExpiresAt), Capabilities: append([]sg.Capability{}, v.Capabilities...),
		Limits:    make([]LimitViewJSON, 0, len(v.Limits)),
		Screening: ScreeningSummaryJSON{Status: v.Screening.Status, ListVersion: v.Screening.ListVersion, Hits: v.Screening.Hits},
		OpenCases: v.OpenCases, At: viewTime(at)}
	for _, l := range v.Limits {
		lv := LimitViewJSON{Scope: l.Scope, Window: l.Window, Limit: l.Limit.String(), Used: l.Used.String()}
		if l.Limit > 0 {
			r := l.Remaining.String()
			lv.Remaining = &r
		}
		out.Limits = append(out.Limits, lv)
	}
	return out
}

// Compliance is GET /v1/customers/{customer_id}/compliance.
func (h Customers) Compliance(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, id, err := custTarget(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	at := h.now()
	v, err := h.Views.View(ctx, p.TenantID, id, at)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewCompliance(v, at)), nil
}
