package tests

import (
	"strings"
	"testing"
)

// Saving a policy refuses approval webhooks at addresses that are not
// public, in the forms the literal-IP check let through: CGNAT,
// benchmarking, a zoned link-local address, IPv4 written as a number or
// IPv4-mapped IPv6. (Names that resolve there are refused by the dialer at
// each call; the package tests of shared/custody drive that with a stub
// resolver.)
func TestFinding8_PolicyRefusesWebhookHostsThatAreNotPublic(t *testing.T) {
	e := stack(t)
	tok := e.tokenAs(t, tenant(), "alice")
	pol := `{"if_version":0,"approval_ttl_seconds":3600,"unfreeze_approvals":1,"approval_webhook":{"url":"URL","secret":"0123456789abcdef0123"},"rules":[]}`
	for _, u := range []string{
		"https://100.64.0.1/hook", "https://100.127.255.254/hook", "https://198.18.0.1/hook", "https://198.19.1.1/hook",
		"https://[fe80::1%25eth0]/hook", "https://0x7f000001/hook", "https://2130706433/hook", "https://127.1/hook",
		"https://[::ffff:169.254.169.254]/latest", "https://[fd00:ec2::254]/latest", "https://0.0.0.0/hook", "https://10.0.0.7/hook",
	} {
		t.Run(u, func(t *testing.T) {
			r := e.do(t, "PUT", "/v1/policy", tok, nil, []byte(strings.Replace(pol, "URL", u, 1)))
			if r.status != 400 || r.errParam() != "approval_webhook.url" {
				t.Fatalf("webhook %s: %d %s; want 400 naming approval_webhook.url", u, r.status, r.body)
			}
		})
	}
}
