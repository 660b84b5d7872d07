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
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

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

// ErrWebhookAddress: the webhook's host is, or resolves to, an address that
// is not public (loopback, private, link-local, cloud metadata, CGNAT,
// benchmarking, documentation, multicast, reserved). It is returned by the
// webhook's dialer, so a DNS answer that changes between the check and the
// call (rebinding) is caught on the address actually dialled.
var ErrWebhookAddress = errors.New("custody: approval webhook address is not public")

// CheckWebhookURL accepts https URLs to public hosts, and http or https to
// the loopback address only when allowLoopback (a local stack; never in a
// deployed Lambda function, see LoopbackAllowed). It refuses at once what
// it can tell from the URL: IP literals and names of the loopback host, and
// host names that resolve to addresses that are not public. The dialer
// checks again at each call on the address it connects to, which is the
// check that counts: DNS answers change.
func CheckWebhookURL(raw string, allowLoopback bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(raw) > 500 || u.User != nil || u.Opaque != "" {
		return ErrWebhookURL.WithMessage("approval_webhook.url must be an absolute URL")
	}
	allowLoopback = LoopbackAllowed(allowLoopback)
	if u.Scheme != "https" && u.Scheme != "http" {
		return ErrWebhookURL.WithMessage("approval_webhook.url must be https")
	}
	host, loop, ok := webhookHost(u)
	if !ok {
		return ErrWebhookURL.WithMessage("approval_webhook.url must be a public address")
	}
	if loop && allowLoopback {
		return nil
	}
	if loop {
		return ErrWebhookURL.WithMessage("approval_webhook.url must be a public address")
	}
	if u.Scheme != "https" {
		return ErrWebhookURL.WithMessage("approval_webhook.url must be https")
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !publicAddr(ip) {
			return ErrWebhookURL.WithMessage("approval_webhook.url must be a public address")
		}
		return nil
	}
	// An early answer for names that resolve to addresses we never call
	// (169.254.169.254.nip.io, localtest.me). A failed lookup is no
	// answer: the dialer decides at the call.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if addrs, err := lookupHost(ctx, host); err == nil {
		for _, a := range addrs {
			if !publicAddr(a) && !(allowLoopback && a.Unmap().IsLoopback()) {
				return ErrWebhookURL.WithMessage("approval_webhook.url must be a public address")
			}
		}
	}
	return nil
}

// webhookHost returns u's host, lower case without a trailing dot, whether
// it names the loopback host (an IP in 127.0.0.0/8 or ::1, or "localhost"
// and its subdomains), and false for hosts never called: IP literals with
// a zone (fe80::1%eth0), and IPv4 in forms other than the dotted quad
// (2130706433, 0x7f.1, 0177.0.0.1), which some resolvers read as addresses.
func webhookHost(u *url.URL) (host string, loop, ok bool) {
	host = strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" || strings.ContainsAny(host, "%[] ") {
		return "", false, false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return "", false, false
		}
		return host, ip.Unmap().IsLoopback(), true
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return host, true, true
	}
	labels := strings.Split(host, ".")
	last := labels[len(labels)-1]
	if last == "" || strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x") {
		return "", false, false
	}
	return host, false, true
}

// LoopbackAllowed is allow, unless this process is a Lambda function
// (AWS_LAMBDA_FUNCTION_NAME is set): there 127.0.0.1 is the runtime's own
// API, so the local stack's exception never holds, whatever the
// deployment's ALLOW_LOOPBACK_WEBHOOKS says. The local stack runs the
// functions in its own process, without that variable.
func LoopbackAllowed(allow bool) bool {
	return allow && os.Getenv("AWS_LAMBDA_FUNCTION_NAME") == ""
}

// notPublic are the ranges a webhook is never dialled at (RFC 6890 and
// the IANA special-purpose registries, plus cloud metadata and CGNAT).
var notPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/96",                          // unspecified, loopback and IPv4-compatible addresses
		"64:ff9b::/96", "64:ff9b:1::/48", // NAT64: an IPv4 address behind a prefix
		"100::/64", "2001::/23", "2001:db8::/32", "2002::/16", // discard, IETF (Teredo, ORCHID), documentation, 6to4
		"fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", // unique local (fd00:ec2::254 is EC2's metadata), link-local, site-local, multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// publicAddr reports whether ip may be dialled for a webhook. IPv4-mapped
// IPv6 addresses (::ffff:169.254.169.254) are judged as the IPv4 address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// lookupHost resolves a webhook's host name (a variable for tests).
var lookupHost = func(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// WebhookDialer dials approval webhooks: it resolves the host itself,
// refuses if any of its addresses is not public (loopback too, unless
// AllowLoopback), and connects only to a checked address; the socket's
// Control function checks the address actually connected to once more, so
// nothing between the lookup and the connect (a rebinding DNS answer, a
// resolver that reads "0x7f000001") can reach a private address.
type WebhookDialer struct {
	AllowLoopback bool
	// Lookup resolves host names; nil is the system resolver.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Dialer connects; its Control is replaced by the address check.
	Dialer net.Dialer
}

// allowed reports whether ip may be dialled.
func (d *WebhookDialer) allowed(ip netip.Addr) bool {
	return publicAddr(ip) || LoopbackAllowed(d.AllowLoopback) && ip.Unmap().IsLoopback() && ip.Zone() == ""
}

// Control is the socket check: address is the IP and port being dialled.
func (d *WebhookDialer) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !d.allowed(ap.Addr()) {
		return ErrWebhookAddress
	}
	return nil
}

// DialContext connects to addr ("host:port") if every address of host is
// allowed.
func (d *WebhookDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		lookup := d.Lookup
		if lookup == nil {
			lookup = lookupHost
		}
		if ips, err = lookup(ctx, host); err != nil {
			return nil, fmt.Errorf("custody: approval webhook: resolve: %w", err)
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("custody: approval webhook: %s has no address", host)
	}
	for _, ip := range ips {
		if !d.allowed(ip) {
			return nil, ErrWebhookAddress
		}
	}
	dialer := d.Dialer
	dialer.Control = d.Control
	dialer.ControlContext = nil
	var last error
	for _, ip := range ips {
		c, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		if errors.Is(err, ErrWebhookAddress) {
			return nil, ErrWebhookAddress
		}
		last = err
	}
	return nil, last
}

// WebhookClient is the HTTP client approval webhooks are called with: no
// proxy (a proxy would resolve the host itself), no redirects, the answer
// bounded by WebhookTimeout, and every connection through d.
func WebhookClient(d *WebhookDialer) *http.Client {
	if d.Dialer.Timeout == 0 {
		d.Dialer.Timeout = WebhookTimeout
	}
	return &http.Client{
		Timeout:       WebhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			Proxy: nil, DialContext: d.DialContext, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: WebhookTimeout, ResponseHeaderTimeout: WebhookTimeout,
			MaxIdleConns: 10, IdleConnTimeout: 30 * time.Second,
		},
	}
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
