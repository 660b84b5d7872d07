package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The outbound guard: Stablegate calls a tenant's URL (an event endpoint,
// custody's approval webhook) only over https to a public address. The
// URL is checked when it is saved (CheckURL), and the dialer checks again
// at each call on the address it connects to, which is the check that
// counts: DNS answers change between the two (rebinding).

// Timeout is the default bound on a tenant server's answer.
const Timeout = 10 * time.Second

// ErrAddress: the host is, or resolves to, an address that is not public
// (loopback, private, link-local, cloud metadata, CGNAT, benchmarking,
// documentation, multicast, reserved). The dialer returns it, so a DNS
// answer that changes between the check and the call is caught on the
// address actually dialled.
var ErrAddress = errors.New("webhook: address is not public")

// CheckURL accepts https URLs to public hosts, and http or https to the
// loopback address only when allowLoopback (a local stack; never in a
// deployed Lambda function, see LoopbackAllowed). It refuses at once what
// it can tell from the URL (sg.ErrURLInvalid, sg.ErrURLNotHTTPS,
// sg.ErrURLNotPublic): IP literals and names of the loopback host, and host
// names that resolve to addresses that are not public. A failed lookup is
// no answer: the dialer decides at the call.
func CheckURL(raw string, allowLoopback bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(raw) > 500 || u.User != nil || u.Opaque != "" {
		return sg.ErrURLInvalid
	}
	allowLoopback = LoopbackAllowed(allowLoopback)
	if u.Scheme != "https" && u.Scheme != "http" {
		return sg.ErrURLNotHTTPS
	}
	host, loop, ok := hostOf(u)
	if !ok {
		return sg.ErrURLNotPublic
	}
	if loop && allowLoopback {
		return nil
	}
	if loop {
		return sg.ErrURLNotPublic
	}
	if u.Scheme != "https" {
		return sg.ErrURLNotHTTPS
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !PublicAddr(ip) {
			return sg.ErrURLNotPublic
		}
		return nil
	}
	// An early answer for names that resolve to addresses we never call
	// (169.254.169.254.nip.io, localtest.me).
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if addrs, err := lookupHost(ctx, host); err == nil {
		for _, a := range addrs {
			if !PublicAddr(a) && !(allowLoopback && a.Unmap().IsLoopback()) {
				return sg.ErrURLNotPublic
			}
		}
	}
	return nil
}

// hostOf returns u's host, lower case without a trailing dot, whether it
// names the loopback host (an IP in 127.0.0.0/8 or ::1, or "localhost" and
// its subdomains), and false for hosts never called: IP literals with a
// zone (fe80::1%eth0), and IPv4 in forms other than the dotted quad
// (2130706433, 0x7f.1, 0177.0.0.1), which some resolvers read as addresses.
func hostOf(u *url.URL) (host string, loop, ok bool) {
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
// They are parsed at first use, not at init.
var notPublic = &lazy.Value[[]netip.Prefix]{New: func() []netip.Prefix {
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
}}

// PublicAddr reports whether ip may be dialled for a webhook. IPv4-mapped
// IPv6 addresses (::ffff:169.254.169.254) are judged as the IPv4 address.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	for _, p := range notPublic.Get() {
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

// Dialer dials webhooks: it resolves the host itself, refuses if any of
// its addresses is not public (loopback too, unless AllowLoopback), and
// connects only to a checked address; the socket's Control function checks
// the address actually connected to once more, so nothing between the
// lookup and the connect (a rebinding DNS answer, a resolver that reads
// "0x7f000001") can reach a private address.
type Dialer struct {
	AllowLoopback bool
	// Lookup resolves host names; nil is the system resolver.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Dialer connects; its Control is replaced by the address check.
	Dialer net.Dialer
}

// Allowed reports whether ip may be dialled.
func (d *Dialer) Allowed(ip netip.Addr) bool {
	return PublicAddr(ip) || LoopbackAllowed(d.AllowLoopback) && ip.Unmap().IsLoopback() && ip.Zone() == ""
}

// Control is the socket check: address is the IP and port being dialled.
func (d *Dialer) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !d.Allowed(ap.Addr()) {
		return ErrAddress
	}
	return nil
}

// DialContext connects to addr ("host:port") if every address of host is
// allowed.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
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
			return nil, fmt.Errorf("webhook: resolve: %w", err)
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("webhook: %s has no address", host)
	}
	for _, ip := range ips {
		if !d.Allowed(ip) {
			return nil, ErrAddress
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
		if errors.Is(err, ErrAddress) {
			return nil, ErrAddress
		}
		last = err
	}
	return nil, last
}

// Client is the HTTP client webhooks are called with: no proxy (a proxy
// would resolve the host itself), no redirects, the answer bounded by
// timeout (0 is Timeout), and every connection through d.
func Client(d *Dialer, timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = Timeout
	}
	if d.Dialer.Timeout == 0 {
		d.Dialer.Timeout = timeout
	}
	return &http.Client{
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			Proxy: nil, DialContext: d.DialContext, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: timeout, ResponseHeaderTimeout: timeout,
			MaxIdleConns: 10, IdleConnTimeout: 30 * time.Second,
		},
	}
}
