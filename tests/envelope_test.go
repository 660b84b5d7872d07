package tests

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/stablegate/stablegate/shared/dynamo"
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

// A wallet's PII (customer reference, label, metadata) is stored sealed
// under the tenant's data key, in the wallet record and in the first
// answer kept for replays; the API shows it as given. Moved to another
// wallet or another tenant, the sealed value does not open.
func TestWalletPIIIsSealed(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	ref, label := "alice.smith+"+randHex(4)+"@example.com", "Alice Smith main"
	body := []byte(`{"customer_ref":"` + ref + `","label":"` + label + `","metadata":{"phone":"+44 20 7946 0958"}}`)
	h := idem()
	r := e.do(t, "POST", "/v1/wallets", tok, h, body)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var w walletJSON
	r.json(t, &w)
	for _, got := range []reply{e.do(t, "GET", "/v1/wallets/"+w.ID, tok, nil, nil), e.do(t, "GET", "/v1/wallets", tok, nil, nil), e.do(t, "POST", "/v1/wallets", tok, h, body)} {
		if got.status/100 != 2 || !strings.Contains(string(got.body), ref) || !strings.Contains(string(got.body), label) || !strings.Contains(string(got.body), "7946") {
			t.Fatalf("the API does not show the PII as given: %d %s", got.status, got.body)
		}
	}
	// Nothing of it in the clear in the tenant's partition.
	ctx := context.Background()
	q, err := e.ddb.Query(ctx, &dynamodb.QueryInput{TableName: &e.table, KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: "TENANT#" + ten}}})
	if err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	for _, it := range q.Items {
		dump, _ := json.Marshal(it)
		for _, clear := range []string{ref, label, "7946", base64.StdEncoding.EncodeToString([]byte(ref))} {
			if strings.Contains(string(dump), clear) {
				t.Fatalf("%q is stored in the clear: %s", clear, dump)
			}
		}
		if b, ok := it["pii"].(*ddbtypes.AttributeValueMemberB); ok {
			sealed = b.Value
		}
	}
	if sealed == nil {
		t.Fatal("the wallet record has no sealed PII")
	}
	cfg, _ := config.LoadDefaultConfig(ctx)
	_, st := ledgerOn(t, rawDB(t))
	f := &envelope.Fields{KMS: kms.NewFromConfig(cfg), KeyID: functionEnv(t, "wallets-get")["ENVELOPE_KEY_ID"], Keys: st.Custody}
	pii := envelope.Context{Tenant: ten, Purpose: dynamo.PIIPurpose}
	if doc, err := f.Open(ctx, pii, "wallet/"+w.ID, sealed); err != nil || !strings.Contains(string(doc), ref) {
		t.Fatalf("the sealed PII does not open for its wallet: %v", err)
	}
	if _, err := f.Open(ctx, pii, "wallet/wal_someoneelse", sealed); !errors.Is(err, envelope.ErrCannotOpen) {
		t.Fatalf("the sealed PII opened as another wallet's: %v", err)
	}
	other := tenant()
	if _, err := f.Seal(ctx, envelope.Context{Tenant: other, Purpose: dynamo.PIIPurpose}, "wallet/x", []byte("y")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Open(ctx, envelope.Context{Tenant: other, Purpose: dynamo.PIIPurpose}, "wallet/"+w.ID, sealed); !errors.Is(err, envelope.ErrCannotOpen) {
		t.Fatalf("the sealed PII opened under another tenant's key: %v", err)
	}
}
