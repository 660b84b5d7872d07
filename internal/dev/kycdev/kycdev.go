// Package kycdev is a KYC provider for the local stack and tests. It
// speaks the scheme of shared/kycprovider: POST /verifications starts a
// verification; POST /verifications/{id}/verify, /reject or /review tells
// it the verdict, which it sends as a callback signed with its secret.
// It holds no PII (the reference names tenant and customer only). It is
// for development only: nothing under functions/ links it.
package kycdev

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/stablegate/stablegate/shared/kycprovider"
)

// Deliver sends a signed callback (the signature header value and the
// body) to Stablegate.
type Deliver func(ctx context.Context, signature string, body []byte) error

// Provider is the dev provider. Its zero value is not usable; set Secret
// and Deliver (or CallbackURL).
type Provider struct {
	// Secret signs callbacks (the deployment's KYC callback secret).
	Secret []byte
	// Deliver, if set, sends callbacks; else they are POSTed to CallbackURL.
	Deliver     Deliver
	CallbackURL string
	// Now is the clock of signatures (nil: time.Now).
	Now func() time.Time
	// PublicURL is where the provider's API is served; a verification's
	// url is PublicURL/verifications/<ref> ("": http://127.0.0.1/kycdev).
	PublicURL string

	mu   sync.Mutex
	refs map[string]string // provider ref -> reference
}

func (p *Provider) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// ServeHTTP serves the provider's API.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if path == "verifications" {
		var in struct{ Reference, Tier string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil || in.Reference == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		ref := p.Begin(in.Reference)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		url := "http://127.0.0.1/kycdev/" + ref
		if p.PublicURL != "" {
			url = strings.TrimSuffix(p.PublicURL, "/") + "/verifications/" + ref
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"id": ref, "url": url})
		return
	}
	parts := strings.Split(path, "/")
	if len(parts) != 3 || parts[0] != "verifications" {
		http.NotFound(w, r)
		return
	}
	status := map[string]string{"verify": "verified", "reject": "rejected", "review": "review"}[parts[2]]
	if status == "" {
		http.NotFound(w, r)
		return
	}
	if err := p.Decide(r.Context(), parts[1], status, "dev provider: "+status, time.Time{}); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Begin records a verification of reference and returns its provider ref.
func (p *Provider) Begin(reference string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	ref := "kycdev_" + hex.EncodeToString(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refs == nil {
		p.refs = map[string]string{}
	}
	p.refs[ref] = reference
	return ref
}

// Callback is the signed callback of a verdict on ref (without sending it).
func (p *Provider) Callback(ref, status, reason string, expires time.Time) (signature string, body []byte, err error) {
	p.mu.Lock()
	reference, ok := p.refs[ref]
	p.mu.Unlock()
	if !ok {
		return "", nil, fmt.Errorf("kycdev: no verification %q", ref)
	}
	now := p.now()
	cb := kycprovider.Callback{Reference: reference, ProviderRef: ref, Status: status, Reason: reason, OccurredAt: now.UTC().Format(time.RFC3339)}
	if !expires.IsZero() {
		cb.ExpiresAt = expires.UTC().Format(time.RFC3339)
	}
	body, err = json.Marshal(cb)
	if err != nil {
		return "", nil, err
	}
	return kycprovider.Sign(p.Secret, now, body), body, nil
}

// Decide sends the verdict status (verified, rejected, review) on ref.
func (p *Provider) Decide(ctx context.Context, ref, status, reason string, expires time.Time) error {
	sig, body, err := p.Callback(ref, status, reason, expires)
	if err != nil {
		return err
	}
	if p.Deliver != nil {
		return p.Deliver(ctx, sig, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.CallbackURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(kycprovider.SignatureHeader, sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("kycdev: callback answered %d", resp.StatusCode)
	}
	return nil
}
