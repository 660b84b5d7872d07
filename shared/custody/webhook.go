package custody

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

// The approval webhook: a tenant's own server votes on each payout that
// waits for approvals. Stablegate POSTs the payout to it, signed with the
// tenant's secret (the secret is stored sealed under the envelope key, for
// the tenant and this purpose only):
//
//	Stablegate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// and counts an answer of {"decision":"approve"|"reject","comment":"..."}
// as one approval (approver "webhook"). Any other answer, or none within
// WebhookTimeout, is no vote: the payout waits for people.

// WebhookPurpose is the envelope purpose of the webhook secret.
const WebhookPurpose = "approval-webhook-secret"

// WebhookTimeout bounds the tenant server's answer.
const WebhookTimeout = 5 * time.Second

// ErrWebhookURL: the webhook URL is not one Stablegate calls.
var ErrWebhookURL = sg.ErrValidation.WithParam("approval_webhook.url")

// ErrWebhookAddress: the webhook's host is, or resolves to, an address that
// is not public. It is returned by the webhook's dialer (webhook.ErrAddress),
// so a DNS answer that changes between the check and the call (rebinding)
// is caught on the address actually dialled.
var ErrWebhookAddress = webhook.ErrAddress

// CheckWebhookURL is webhook.CheckURL with custody's refusal
// (validation_failed naming approval_webhook.url): https to public hosts,
// and loopback only when allowLoopback on the local stack.
func CheckWebhookURL(raw string, allowLoopback bool) error {
	err := webhook.CheckURL(raw, allowLoopback)
	if err == nil {
		return nil
	}
	msg := "approval_webhook.url must be a public address"
	switch {
	case errors.Is(err, sg.ErrURLInvalid):
		msg = "approval_webhook.url must be an absolute URL"
	case errors.Is(err, sg.ErrURLNotHTTPS):
		msg = "approval_webhook.url must be https"
	}
	return ErrWebhookURL.WithMessage("%s", msg)
}

// LoopbackAllowed is webhook.LoopbackAllowed: never inside a Lambda function.
func LoopbackAllowed(allow bool) bool { return webhook.LoopbackAllowed(allow) }

// WebhookDialer dials approval webhooks (webhook.Dialer: public addresses
// only, checked on the address dialled).
type WebhookDialer = webhook.Dialer

// WebhookClient is the HTTP client approval webhooks are called with
// (webhook.Client, bounded by WebhookTimeout).
func WebhookClient(d *WebhookDialer) *http.Client { return webhook.Client(d, WebhookTimeout) }

// Sign is the signature header of body at t under one secret.
func Sign(secret []byte, t time.Time, body []byte) string {
	return webhook.Sign([][]byte{secret}, t, body)
}

// WebhookRequest is what the tenant's server receives.
type WebhookRequest struct {
	Type              string    `json:"type"`
	TransferID        string    `json:"transfer_id"`
	WalletID          string    `json:"wallet_id"`
	Chain             sg.Chain  `json:"chain"`
	Asset             sg.Asset  `json:"asset"`
	Amount            string    `json:"amount"`
	ToAddress         string    `json:"to_address"`
	RequestedBy       string    `json:"requested_by"`
	RequiredApprovals int       `json:"required_approvals"`
	Deadline          time.Time `json:"deadline"`
	Reason            string    `json:"reason"`
}

// Voter asks the tenant's webhook for its vote.
type Voter struct {
	Svc    *Service
	Sealer sg.Sealer
	// HTTP is not used for its transport: every call goes through a
	// WebhookDialer (see client); only a Timeout shorter than
	// WebhookTimeout is kept.
	HTTP *http.Client
	// AllowLoopback: the URL is checked again at each call, as at saving.
	AllowLoopback bool
	// Dialer, if set, replaces the default WebhookDialer (tests resolve
	// names through it).
	Dialer *WebhookDialer

	once   sync.Once
	client *http.Client
}

// httpClient is the guarded client of the webhook calls, made once.
func (v *Voter) httpClient() *http.Client {
	v.once.Do(func() {
		d := v.Dialer
		if d == nil {
			d = &WebhookDialer{AllowLoopback: v.AllowLoopback}
		}
		v.client = WebhookClient(d)
		if v.HTTP != nil && v.HTTP.Timeout > 0 && v.HTTP.Timeout < v.client.Timeout {
			v.client.Timeout = v.HTTP.Timeout
		}
	})
	return v.client
}

// Vote calls the webhook of t's tenant, if it has one, and records its
// answer. It is called once, when a payout starts waiting; a failure is
// no vote.
func (v *Voter) Vote(ctx context.Context, t sg.Transfer) error {
	p, err := v.Svc.Store.Policy(ctx, t.TenantID)
	if err != nil || p.Webhook == nil || len(p.WebhookSecretSealed) == 0 {
		return err
	}
	if err := CheckWebhookURL(p.Webhook.URL, v.AllowLoopback); err != nil {
		return err
	}
	secret, err := v.Sealer.Open(ctx, sg.SealContext{Tenant: t.TenantID, Purpose: WebhookPurpose}, p.WebhookSecretSealed)
	if err != nil {
		return err
	}
	reason := ""
	if n := len(t.Events); n > 0 {
		reason = t.Events[n-1].Note
	}
	body, _ := json.Marshal(WebhookRequest{Type: "withdrawal.awaiting_approval", TransferID: t.ID, WalletID: t.FromWallet, Chain: t.Chain, Asset: t.Asset,
		Amount: t.Amount.String(), ToAddress: t.ToAddress, RequestedBy: t.RequestedBy, RequiredApprovals: t.RequiredApprovals, Deadline: t.ApprovalDeadline, Reason: reason})
	// The timeout bounds the tenant's server, not the recording of its vote.
	callCtx, cancel := context.WithTimeout(ctx, WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, p.Webhook.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stablegate-Signature", Sign(secret, v.Svc.Now(), body))
	resp, err := v.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("custody: approval webhook: %w", err)
	}
	defer resp.Body.Close()
	var ans struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 || json.Unmarshal(raw, &ans) != nil || ans.Decision != "approve" && ans.Decision != "reject" {
		return fmt.Errorf("custody: approval webhook answered %d without a decision", resp.StatusCode)
	}
	if len(ans.Comment) > 500 {
		ans.Comment = ans.Comment[:500]
	}
	now := v.Svc.Now().UTC()
	a := sg.Approval{Approver: sg.WebhookApprover, Approve: ans.Decision == "approve", Comment: ans.Comment, At: now}
	verb := map[bool]string{true: "approved", false: "rejected"}[a.Approve]
	j := sg.JournalEntry{At: now, Actor: sg.WebhookApprover, Action: "approval." + verb, Subject: t.ID, Detail: ans.Comment}
	if err := v.Svc.Store.AddApproval(ctx, t.TenantID, t.ID, a, j); err != nil && !errors.Is(err, sg.ErrAlreadyDecided) {
		return err
	}
	_, err = v.Svc.Withdrawals.SettleApprovals(ctx, t.TenantID, t.ID)
	return err
}
