package payoutfn

import (
	"context"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The settlement job's liquidity reader makes no network call at init:
// with a chain served and nothing reachable it builds, each check tries
// again rather than keeping the first failure, and with no chain served
// there is no reader (every settlement is paid, as before).
func TestHotLiquidityIsReadAtTheFirstCheck(t *testing.T) {
	vars := map[string]string{
		"TABLE_NAME": "t", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x",
		"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:1",
		"HOT_KEY_ID": "alias/hot", "ETH_RPC_URL": "http://127.0.0.1:1", "NETWORK_ETHEREUM": "dev",
		"USDT_CONTRACT_ETHEREUM": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
	}
	calls := 0
	env := func(k string) string {
		calls++
		return vars[k]
	}
	liq, err := HotLiquidity(context.Background(), env)
	if err != nil || liq == nil {
		t.Fatalf("a served chain's reader did not build without the network: %v, %v", liq, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := 0; i < 2; i++ {
		before := calls
		if _, err := liq.HotLiquidity(ctx, sg.Ethereum); err == nil {
			t.Fatalf("check %d read a hot wallet with nothing reachable", i+1)
		}
		if calls == before {
			t.Fatalf("check %d did not read the configuration again: a failure was kept", i+1)
		}
	}
	delete(vars, "ETH_RPC_URL")
	if liq, err := HotLiquidity(context.Background(), env); err != nil || liq != nil {
		t.Fatalf("no chain served: want no reader, got %v, %v", liq, err)
	}
}
