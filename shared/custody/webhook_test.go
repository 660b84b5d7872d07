package custody

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The approval webhook's URL goes through the shared guard (shared/webhook,
// whose tests hold the full table of hosts that are not public) and is
// refused as custody's validation_failed on approval_webhook.url.
func TestFinding8_WebhookURLRefusesHostsThatAreNotPublic(t *testing.T) {
	for _, c := range []struct{ url, msg string }{
		{"https://169.254.169.254/latest/meta-data", "approval_webhook.url must be a public address"},
		{"https://localhost./hook", "approval_webhook.url must be a public address"},
		{"https://[fd00:ec2::254]/hook", "approval_webhook.url must be a public address"},
		{"https://10.0.0.7/hook", "approval_webhook.url must be a public address"},
		{"https://100.64.0.1/hook", "approval_webhook.url must be a public address"},
		{"https://0x7f000001/hook", "approval_webhook.url must be a public address"},
		{"https://user:pass@hooks.example.com/hook", "approval_webhook.url must be an absolute URL"},
		{"http://hooks.example.com/hook", "approval_webhook.url must be https"},
		{"ftp://hooks.example.com/hook", "approval_webhook.url must be https"},
	} {
		t.Run("refuses "+c.url, func(t *testing.T) {
			err := CheckWebhookURL(c.url, false)
			var e *sg.Error
			if !errors.Is(err, ErrWebhookURL) || !errors.As(err, &e) || e.Param != "approval_webhook.url" || e.Message != c.msg {
				t.Fatalf("CheckWebhookURL(%q) = %v; want %s %q", c.url, err, ErrWebhookURL.Code, c.msg)
			}
		})
	}
	if err := CheckWebhookURL("https://93.184.216.34/vote", false); err != nil {
		t.Errorf("a public address: %v", err)
	}
	t.Run("the local stack's exception is loopback only", func(t *testing.T) {
		if err := CheckWebhookURL("http://127.0.0.1:8080/hook", true); err != nil {
			t.Errorf("loopback with the exception: %v", err)
		}
		if err := CheckWebhookURL("http://10.0.0.7/hook", true); !errors.Is(err, ErrWebhookURL) {
			t.Errorf("a private address with the exception: %v", err)
		}
	})
	t.Run("the exception never holds in a Lambda function", func(t *testing.T) {
		t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "stablegate-PolicyPutFunction")
		if err := CheckWebhookURL("http://127.0.0.1:8080/hook", true); !errors.Is(err, ErrWebhookURL) {
			t.Fatalf("loopback allowed inside Lambda: %v", err)
		}
	})
}

// The voter calls through the guarded dialer whatever client it was given,
// and signs as the shared primitive does.
func TestFinding8_WebhookDialerChecksTheDialledAddress(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"decision":"approve"}`))
	}))
	defer srv.Close()
	v := &Voter{HTTP: &http.Client{Timeout: time.Second}}
	if _, err := v.httpClient().Get(srv.URL); !errors.Is(err, ErrWebhookAddress) {
		t.Fatalf("voter call to loopback: %v", err)
	}
	if hits.Load() != 0 {
		t.Fatalf("the loopback server was called %d times", hits.Load())
	}
	lv := &Voter{AllowLoopback: true}
	resp, err := lv.httpClient().Get(srv.URL)
	if err != nil {
		t.Fatalf("with the local stack's exception: %v", err)
	}
	resp.Body.Close()
	if hits.Load() != 1 {
		t.Fatalf("%d calls; want 1", hits.Load())
	}
	if got := Sign([]byte("s3cret-0123456789"), time.Unix(1700000000, 0), []byte(`{}`)); got[:13] != "t=1700000000," {
		t.Fatalf("Sign = %q", got)
	}
}
