package custody

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
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/envelope"
	sg "github.com/stablegate/stablegate/shared/stablegate"
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

// CheckWebhookURL accepts https URLs, and http to the loopback address only
// when allowLoopback (a local stack). Elsewhere a loopback or private
// address is refused: inside a Lambda, 127.0.0.1 is the runtime's own API.
func CheckWebhookURL(raw string, allowLoopback bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(raw) > 500 {
		return ErrWebhookURL.WithMessage("approval_webhook.url must be an absolute URL")
	}
	ip := net.ParseIP(u.Hostname())
	loop := u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()
	switch {
	case loop && allowLoopback && (u.Scheme == "http" || u.Scheme == "https"):
		return nil
	case loop || ip != nil && (ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()):
		return ErrWebhookURL.WithMessage("approval_webhook.url must be a public address")
	case u.Scheme != "https":
		return ErrWebhookURL.WithMessage("approval_webhook.url must be https")
	}
	return nil
}

// Sign is the signature header of body at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
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
	Sealer *envelope.Sealer
	HTTP   *http.Client
	// AllowLoopback: the URL is checked again at each call, as at saving.
	AllowLoopback bool
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
	secret, err := v.Sealer.Open(ctx, envelope.Context{Tenant: t.TenantID, Purpose: WebhookPurpose}, p.WebhookSecretSealed)
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
	resp, err := v.HTTP.Do(req)
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
