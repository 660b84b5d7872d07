package memstore_test

import (
	"context"
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the webhook store's contract.
func TestWebhooksContract(t *testing.T) {
	storetest.Webhooks(t, func(*testing.T) sg.WebhookStore { return memstore.NewWebhooks() })
}

// A value sealed for one tenant or purpose opens for it only.
func TestSealerBindsItsContext(t *testing.T) {
	var s memstore.Sealer
	ctx := context.Background()
	c := sg.SealContext{Tenant: "t1", Purpose: sg.WebhookSecretPurpose}
	blob, err := s.Seal(ctx, c, []byte("whsec_x"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Open(ctx, c, blob); err != nil || string(got) != "whsec_x" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	for _, other := range []sg.SealContext{{Tenant: "t2", Purpose: c.Purpose}, {Tenant: "t1", Purpose: "other"}} {
		if _, err := s.Open(ctx, other, blob); err == nil {
			t.Errorf("opened under %+v", other)
		}
	}
	if _, err := s.Open(ctx, c, blob[:5]); err == nil {
		t.Error("opened a truncated blob")
	}
}
