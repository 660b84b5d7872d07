package anchorfn

import (
	"context"
	"testing"
)

// A cold start of the anchor job makes no network call: with the chain and
// KMS unreachable it still builds, and each invocation tries again rather
// than keeping the first failure.
func TestAuditAnchorReadsTheKeyAtItsFirstInvocation(t *testing.T) {
	vars := map[string]string{
		"TABLE_NAME": "t", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
		"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:1",
		"ETH_RPC_URL": "http://127.0.0.1:1", "NETWORK_ETHEREUM": "dev",
		"USDT_CONTRACT_ETHEREUM": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "AUDIT_ANCHOR_KEY_ID": "alias/anchor",
	}
	var calls int
	env := func(k string) string {
		calls++
		return vars[k]
	}
	job, err := AuditAnchor(context.Background(), env)
	if err != nil {
		t.Fatalf("the job did not build without the chain and KMS: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing answers anyway: fail fast
	for i := 0; i < 2; i++ {
		before := calls
		if _, err := job(ctx); err == nil {
			t.Fatalf("invocation %d anchored with KMS unreachable", i+1)
		}
		if calls == before {
			t.Fatalf("invocation %d did not read the anchor key's configuration again: a failure was kept", i+1)
		}
	}
}
