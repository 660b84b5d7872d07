package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// fakeDNS answers from a table; names not in it do not resolve.
type fakeDNS map[string][]string

func (f fakeDNS) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range f[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	if len(out) == 0 {
		return nil, errors.New("no such host")
	}
	return out, nil
}

var dns = fakeDNS{
	"169.254.169.254.nip.io": {"169.254.169.254"},
	"localtest.me":           {"127.0.0.1"},
	"cgnat.example":          {"100.64.1.2"},
	"bench.example":          {"198.18.0.5"},
	"zero.example":           {"0.1.2.3"},
	"mapped.example":         {"::ffff:10.0.0.1"},
	"metadata6.example":      {"fd00:ec2::254"},
	"linklocal6.example":     {"fe80::1"},
	"mixed.example":          {"93.184.216.34", "10.1.2.3"},
	"hooks.example.com":      {"93.184.216.34"},
	"hooks6.example.com":     {"2606:2800:220:1:248:1893:25c8:1946"},
}

func stubDNS(t *testing.T, f fakeDNS) {
	t.Helper()
	old := lookupHost
	lookupHost = f.lookup
	t.Cleanup(func() { lookupHost = old })
}

// The webhook URL is refused at saving when its host is, or resolves to,
// an address that is not public; the local stack's loopback exception
// lets 127.0.0.1 through and nothing else.
func TestCheckURLRefusesHostsThatAreNotPublic(t *testing.T) {
	stubDNS(t, dns)
	refused := []string{
		"https://169.254.169.254.nip.io/latest/meta-data",
		"https://localtest.me/hook",
		"https://LOCALHOST/hook",
		"https://localhost./hook",
		"https://api.localhost/hook",
		"https://[fe80::1%25eth0]/hook",
		"https://[::1]/hook",
		"https://[::ffff:127.0.0.1]/hook",
		"https://[::ffff:169.254.169.254]/hook",
		"https://[fd00:ec2::254]/hook",
		"https://[fc00::1]/hook",
		"https://[::]/hook",
		"https://0.0.0.0/hook",
		"https://0.1.2.3/hook",
		"https://127.0.0.1/hook",
		"https://127.9.9.9/hook",
		"https://10.0.0.7/hook",
		"https://172.16.5.4/hook",
		"https://192.168.1.1/hook",
		"https://169.254.169.254/latest",
		"https://100.64.0.1/hook",
		"https://100.127.255.254/hook",
		"https://198.18.0.1/hook",
		"https://198.19.255.1/hook",
		"https://[64:ff9b::a9fe:a9fe]/hook",
		"https://2130706433/hook",
		"https://0x7f000001/hook",
		"https://0177.0.0.1/hook",
		"https://127.1/hook",
		"https://cgnat.example/hook",
		"https://bench.example/hook",
		"https://zero.example/hook",
		"https://mapped.example/hook",
		"https://metadata6.example/hook",
		"https://linklocal6.example/hook",
		"https://mixed.example/hook",
		"https://user:pass@hooks.example.com/hook",
		"http://hooks.example.com/hook",
		"ftp://hooks.example.com/hook",
	}
	for _, u := range refused {
		t.Run("refuses "+u, func(t *testing.T) {
			err := CheckURL(u, false)
			if err == nil {
				t.Fatalf("CheckWebhookURL(%q) = %v; want refused", u, err)
			}
		})
	}
	for _, u := range []string{"https://hooks.example.com/vote", "https://hooks6.example.com:8443/vote", "https://93.184.216.34/vote", "https://unresolvable.example/vote"} {
		if err := CheckURL(u, false); err != nil {
			t.Errorf("CheckWebhookURL(%q) = %v; want accepted", u, err)
		}
	}
	t.Run("the local stack's exception is loopback only", func(t *testing.T) {
		for _, u := range []string{"http://127.0.0.1:8080/hook", "http://localhost:8080/hook", "http://[::1]:9/hook", "https://localtest.me/hook"} {
			if err := CheckURL(u, true); err != nil {
				t.Errorf("with loopback allowed, %q: %v", u, err)
			}
		}
		for _, u := range []string{"http://10.0.0.7/hook", "https://169.254.169.254.nip.io/", "http://hooks.example.com/hook", "https://[fe80::1%25eth0]/"} {
			if err := CheckURL(u, true); err == nil {
				t.Errorf("with loopback allowed, %q: %v; want refused", u, err)
			}
		}
	})
	t.Run("the exception never holds in a Lambda function", func(t *testing.T) {
		t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "stablegate-PolicyPutFunction")
		if err := CheckURL("http://127.0.0.1:8080/hook", true); err == nil {
			t.Fatalf("loopback allowed inside Lambda: %v", err)
		}
		if (&Dialer{AllowLoopback: true}).Allowed(netip.MustParseAddr("127.0.0.1")) {
			t.Fatal("the dialer allows loopback inside Lambda")
		}
	})
}

// The dialer checks the addresses a name resolves to when it connects,
// and the socket's address once more, so a name that passed at saving and
// resolves elsewhere at the call (DNS rebinding) reaches nothing.
func TestDialerChecksTheDialledAddress(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"decision":"approve"}`))
	}))
	defer srv.Close()
	port := srv.URL[len("http://127.0.0.1:"):]

	// At saving the name was public; now it answers loopback.
	stubDNS(t, dns)
	if err := CheckURL("https://hooks.example.com/vote", false); err != nil {
		t.Fatalf("at saving: %v", err)
	}
	rebound := fakeDNS{"hooks.example.com": {"127.0.0.1"}, "localtest.me": {"127.0.0.1"}, "169.254.169.254.nip.io": {"169.254.169.254"},
		"mixed.example": {"93.184.216.34", "127.0.0.1"}}
	for _, host := range []string{"hooks.example.com", "localtest.me", "mixed.example", "127.0.0.1", "[::ffff:127.0.0.1]"} {
		t.Run("refuses "+host, func(t *testing.T) {
			c := Client(&Dialer{Lookup: rebound.lookup}, 0)
			_, err := c.Get("http://" + host + ":" + port + "/vote")
			if !errors.Is(err, ErrAddress) {
				t.Fatalf("call to %s: %v; want %v", host, err, ErrAddress)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback server was called %d times", n)
	}
	t.Run("the metadata address behind a name is refused before any connect", func(t *testing.T) {
		d := &Dialer{Lookup: rebound.lookup}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := d.DialContext(ctx, "tcp", "169.254.169.254.nip.io:80"); !errors.Is(err, ErrAddress) {
			t.Fatalf("dial: %v", err)
		}
	})
	t.Run("the socket check judges the address actually dialled", func(t *testing.T) {
		d := &Dialer{}
		for addr, ok := range map[string]bool{
			"93.184.216.34:443": true, "[2606:2800:220:1:248:1893:25c8:1946]:443": true,
			"127.0.0.1:80": false, "[::1]:80": false, "[::ffff:169.254.169.254]:80": false, "169.254.169.254:80": false,
			"100.64.0.1:443": false, "198.18.0.1:443": false, "0.0.0.0:443": false, "[fe80::1%eth0]:443": false,
			"[fd00:ec2::254]:80": false, "10.0.0.1:443": false, "172.31.0.1:443": false, "192.168.0.1:443": false,
		} {
			if err := d.Control("tcp", addr, nil); (err == nil) != ok {
				t.Errorf("Control(%s) = %v; want allowed %v", addr, err, ok)
			}
		}
	})
	t.Run("with the local stack's exception, loopback is reached", func(t *testing.T) {
		c := Client(&Dialer{AllowLoopback: true, Lookup: rebound.lookup}, 0)
		resp, err := c.Get("http://hooks.example.com:" + port + "/vote")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if hits.Load() != 1 {
			t.Fatalf("%d calls; want 1", hits.Load())
		}
	})
}

// Each refusal names its reason with a stable code (issue 14 must-show 5).
func TestCheckURLNamesTheRefusal(t *testing.T) {
	stubDNS(t, dns)
	for _, c := range []struct {
		url  string
		want *sg.Error
	}{
		{"http://hooks.example.com/hook", sg.ErrURLNotHTTPS},
		{"ftp://hooks.example.com/hook", sg.ErrURLNotHTTPS},
		{"https://10.0.0.7/hook", sg.ErrURLNotPublic},
		{"https://169.254.169.254/latest", sg.ErrURLNotPublic},
		{"https://100.64.0.1/hook", sg.ErrURLNotPublic},
		{"https://169.254.169.254.nip.io/", sg.ErrURLNotPublic},
		{"http://127.0.0.1:8080/hook", sg.ErrURLNotPublic},
		{"https://user:pass@hooks.example.com/hook", sg.ErrURLInvalid},
		{"/relative", sg.ErrURLInvalid},
		{"https://hooks.example.com/" + strings.Repeat("a", 500), sg.ErrURLInvalid},
	} {
		t.Run(c.want.Code+" for "+c.url[:min(len(c.url), 60)], func(t *testing.T) {
			err := CheckURL(c.url, false)
			var e *sg.Error
			if !errors.As(err, &e) || e.Code != c.want.Code || e.Param != "url" {
				t.Fatalf("CheckURL = %v; want %s on url", err, c.want.Code)
			}
		})
	}
}
