package tests

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/stablegate/stablegate/shared/envelope"
)

// A secret sealed under the template's envelope key for one tenant and
// purpose opens only for that tenant and purpose: another tenant, another
// purpose, another key or an altered blob is refused; the blob does not
// contain the secret.
func TestEnvelopeEncryptionBindsTenantAndPurpose(t *testing.T) {
	stack(t)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kc := kms.NewFromConfig(cfg)
	s := &envelope.Sealer{KMS: kc, KeyID: "alias/stablegate-local-envelope"}
	secret := []byte("whsec_" + randHex(16))
	acme := envelope.Context{Tenant: "acme", Purpose: "webhook_secret"}
	blob, err := s.Seal(ctx, acme, secret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(blob, secret) || bytes.Contains(blob, secret[6:]) {
		t.Fatal("the sealed blob holds the secret in clear")
	}
	got, err := s.Open(ctx, acme, blob)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open: %q, %v", got, err)
	}
	for _, c := range []envelope.Context{{Tenant: "globex", Purpose: "webhook_secret"}, {Tenant: "acme", Purpose: "pii"}} {
		if _, err := s.Open(ctx, c, blob); !errors.Is(err, envelope.ErrCannotOpen) {
			t.Fatalf("opened as %+v: %v", c, err)
		}
	}
	altered := append([]byte(nil), blob...)
	altered[len(altered)-1] ^= 1
	if _, err := s.Open(ctx, acme, altered); !errors.Is(err, envelope.ErrCannotOpen) {
		t.Fatalf("an altered blob: %v", err)
	}
	if _, err := s.Open(ctx, acme, []byte("not a blob")); !errors.Is(err, envelope.ErrMalformed) {
		t.Fatalf("garbage: %v", err)
	}
	other, err := kc.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecSymmetricDefault})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&envelope.Sealer{KMS: kc, KeyID: *other.KeyMetadata.KeyId}).Open(ctx, acme, blob); !errors.Is(err, envelope.ErrCannotOpen) {
		t.Fatalf("opened under another key: %v", err)
	}
	// Two seals of one secret differ (a fresh data key and nonce each).
	again, _ := s.Seal(ctx, acme, secret)
	if bytes.Equal(again, blob) {
		t.Fatal("two seals of one secret are equal")
	}
}
