// Package kycprovider is the HTTP adapter of a KYC provider (sg.KYCProvider)
// speaking a generic, documented scheme, so a real provider is plugged in
// by a thin translation to it (or directly, if it signs this way):
//
// Start: POST {BaseURL}/verifications with Authorization: Bearer {APIKey}
// and the JSON body {"reference":"<tenant>/<customer id>","tier":"<tier>"};
// the provider answers 200/201 with {"id":"<provider ref>","url":"<where the
// customer completes it>"}. No PII is sent: the provider collects it from
// the customer at url.
//
// Callback: the provider POSTs a JSON body
//
//	{"reference":"<tenant>/<customer id>","provider_ref":"<id>",
//	 "status":"verified"|"rejected"|"review","reason":"...",
//	 "expires_at":"<RFC 3339, optional>","occurred_at":"<RFC 3339>"}
//
// with the header Stablegate-KYC-Signature: t=<unix seconds>,v1=<hex>
// where hex is HMAC-SHA256(secret, "<t>." + body). Several v1 values may
// be sent while a secret is rotated; any one that matches passes. A
// timestamp further than Tolerance from now (either way) is refused, so a
// captured callback cannot be replayed later; applying the same verdict
// twice changes nothing (the service is idempotent), so a replay within
// the tolerance is harmless. Signatures are compared in constant time.
// Neither the secret nor the body appears in an error or a log.
package kycprovider

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// SignatureHeader carries a callback's signature.
const SignatureHeader = "Stablegate-KYC-Signature"

// DefaultTolerance is how far a callback's timestamp may be from now.
const DefaultTolerance = 5 * time.Minute

// maxBody bounds what a callback or an answer may be.
const maxBody = 64 << 10

// Sign is the signature header value of body at time t under secret.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks header against body under any of secrets, and that its
// timestamp is within tolerance of now. Every failure is
// sg.ErrKYCCallbackInvalid (with no detail of the secret or the body).
func Verify(secrets [][]byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return sg.ErrKYCCallbackInvalid
		}
		switch k {
		case "t":
			if ts != "" {
				return sg.ErrKYCCallbackInvalid
			}
			ts = v
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil || len(b) != sha256.Size {
				return sg.ErrKYCCallbackInvalid
			}
			sigs = append(sigs, b)
		}
	}
	if ts == "" || len(sigs) == 0 || len(sigs) > 4 || len(ts) > 12 {
		return sg.ErrKYCCallbackInvalid
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sec <= 0 {
		return sg.ErrKYCCallbackInvalid
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return sg.ErrKYCCallbackInvalid.WithMessage("the KYC callback's timestamp is outside the tolerance")
	}
	for _, secret := range secrets {
		want := mac(secret, ts, body)
		for _, got := range sigs {
			if hmac.Equal(want, got) {
				return nil
			}
		}
	}
	return sg.ErrKYCCallbackInvalid
}

// Callback is the callback body of the scheme.
type Callback struct {
	Reference   string `json:"reference"`
	ProviderRef string `json:"provider_ref"`
	Status      string `json:"status"`
	Reason      string `json:"reason,omitempty"`
	ExpiresAt   string `json:"expires_at,omitempty"`
	OccurredAt  string `json:"occurred_at"`
}

// Reference is how a customer is named to the provider.
func Reference(tenant, customerID string) string { return tenant + "/" + customerID }

// Parse decodes a (verified) callback body into the domain's verdict.
func Parse(body []byte) (sg.KYCCallback, error) {
	var c Callback
	d := json.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(&c); err != nil || d.More() {
		return sg.KYCCallback{}, sg.ErrKYCCallbackInvalid.WithParam("body")
	}
	tenant, cus, ok := strings.Cut(c.Reference, "/")
	if !ok || tenant == "" || !sg.ValidID(sg.CustomerIDPrefix, cus) || c.ProviderRef == "" || len(c.ProviderRef) > 200 || len(c.Reason) > 500 {
		return sg.KYCCallback{}, sg.ErrKYCCallbackInvalid.WithParam("body")
	}
	out := sg.KYCCallback{TenantID: tenant, CustomerID: cus, ProviderRef: c.ProviderRef, Reason: c.Reason}
	switch c.Status {
	case "verified":
		out.Status = sg.KYCVerified
	case "rejected":
		out.Status = sg.KYCRejected
	case "review":
		out.Status = sg.KYCPending
	default:
		return sg.KYCCallback{}, sg.ErrKYCCallbackInvalid.WithParam("status")
	}
	at, err := time.Parse(time.RFC3339, c.OccurredAt)
	if err != nil {
		return sg.KYCCallback{}, sg.ErrKYCCallbackInvalid.WithParam("occurred_at")
	}
	out.At = at.UTC()
	if c.ExpiresAt != "" {
		exp, err := time.Parse(time.RFC3339, c.ExpiresAt)
		if err != nil {
			return sg.KYCCallback{}, sg.ErrKYCCallbackInvalid.WithParam("expires_at")
		}
		out.ExpiresAt = exp.UTC()
	}
	return out, nil
}

// Client is a provider speaking the scheme.
type Client struct {
	// ProviderName is kept on customers (e.g. "dev", "acme-kyc").
	ProviderName string
	BaseURL      string
	// APIKey authenticates Start; never logged.
	APIKey string
	// Secrets verify callbacks (the current one first; more while rotating).
	Secrets   [][]byte
	Tolerance time.Duration
	// HTTP is the client (nil: a client with a 10 s timeout).
	HTTP *http.Client
}

var _ sg.KYCProvider = (*Client)(nil)

// Name is the provider's name.
func (c *Client) Name() string { return c.ProviderName }

// Start asks the provider to verify the customer.
func (c *Client) Start(ctx context.Context, tenant, customerID, tier string) (sg.KYCStart, error) {
	body, _ := json.Marshal(map[string]string{"reference": Reference(tenant, customerID), "tier": tier})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.BaseURL, "/")+"/verifications", bytes.NewReader(body))
	if err != nil {
		return sg.KYCStart{}, sg.Internal("kycprovider.Start", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return sg.KYCStart{}, sg.Unavailable("kycprovider.Start", errors.New("the provider did not answer"))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return sg.KYCStart{}, sg.Unavailable("kycprovider.Start", err)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return sg.KYCStart{}, sg.Unavailable("kycprovider.Start", fmt.Errorf("provider answered %d", resp.StatusCode))
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated:
		return sg.KYCStart{}, sg.Internal("kycprovider.Start", fmt.Errorf("provider answered %d", resp.StatusCode))
	}
	var out struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.ID == "" || len(out.ID) > 200 {
		return sg.KYCStart{}, sg.Internal("kycprovider.Start", errors.New("the provider's answer has no verification id"))
	}
	return sg.KYCStart{ProviderRef: out.ID, URL: out.URL}, nil
}

// VerifyCallback checks the signature and freshness, then decodes.
func (c *Client) VerifyCallback(_ context.Context, signature string, body []byte, now time.Time) (sg.KYCCallback, error) {
	if len(body) > maxBody {
		return sg.KYCCallback{}, sg.ErrKYCCallbackInvalid.WithParam("body")
	}
	if err := Verify(c.Secrets, signature, body, now, c.Tolerance); err != nil {
		return sg.KYCCallback{}, err
	}
	return Parse(body)
}
