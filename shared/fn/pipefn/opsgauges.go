package pipefn

// ---- ops: the gauges the alarms watch, written by the holds-expire job ----

import (
	"context"
	"time"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// oldestOpen is what the stuck-payouts gauge reads (the dynamo store; the
// in-memory twin in tests).
type oldestOpen interface {
	OldestOpenWithdrawal(ctx context.Context) (time.Time, bool, error)
}

// EmitOpsGauges writes, as EMF metrics, the age in seconds of the oldest
// withdrawal not yet final (OldestOpenWithdrawalAge; 0 when none is open:
// the stuck-payouts alarm) and, for each chain served, the books' balance of
// the hot wallet in whole USDT (HotWalletFloat by Chain: the float alarm).
// Each is one small read: a query of one item per shard of the open
// withdrawals index, and one balance item per chain.
func EmitOpsGauges(ctx context.Context, env Env, wd oldestOpen, books sg.LedgerStore, m *obs.Metrics, now time.Time) error {
	oldest, ok, err := wd.OldestOpenWithdrawal(ctx)
	if err != nil {
		return err
	}
	age := int64(0)
	if ok {
		age = int64(now.Sub(oldest) / time.Second)
	}
	m.EmitDims(nil, [][]string{{"Function"}}, obs.Metric{Name: "OldestOpenWithdrawalAge", Unit: "Seconds", Value: age})
	for _, c := range sg.Chains {
		if _, served, err := core.Network(env, c); err != nil || !served {
			continue
		}
		b, err := books.AccountBalance(ctx, sg.SystemAccount(sg.SysHotWallet, c, sg.USDT), 0)
		if err != nil {
			return err
		}
		m.EmitDims(map[string]string{"Chain": string(c)}, [][]string{{"Chain"}},
			obs.Metric{Name: "HotWalletFloat", Unit: "None", Value: int64(b.Available) / usdtUnit})
	}
	return nil
}

// usdtUnit is one USDT in base units.
var usdtUnit = func() int64 {
	u := int64(1)
	for range sg.USDTDecimals {
		u *= 10
	}
	return u
}()

// opsGauges is EmitOpsGauges over the DynamoDB store, for the job.
func opsGauges(env Env, st *dynamo.Store, m *obs.Metrics) func(context.Context, time.Time) error {
	return func(ctx context.Context, now time.Time) error {
		return EmitOpsGauges(ctx, env, st.Withdrawals, st.Ledger, m, now)
	}
}
