package compliance_test

import (
	"context"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A payout whose travel-rule data puts the beneficiary (or its VASP) in
// another country than the paying wallet's customer is cross-border: a
// standard-tier customer is refused with tier_capability_missing, a plus
// customer passes; the same payout to a beneficiary at home, a payout with
// no travel-rule data, and a wallet of no customer are domestic.
func TestPayoutOpsMarksCrossBorderPayouts(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	std := r.create(t, "std", kcPII("Stan Dard")) // DE
	r.verify(t, std.ID, sg.TierStandard)
	plus := r.create(t, "plus", kcPII("Plus Ultra"))
	r.verify(t, plus.ID, sg.TierPlus)
	wallets := kcWallets{
		"wal_std":  {ID: "wal_std", TenantID: r.tenant, CustomerRef: std.ID},
		"wal_plus": {ID: "wal_plus", TenantID: r.tenant, CustomerRef: plus.ID},
		"wal_none": {ID: "wal_none", TenantID: r.tenant, CustomerRef: "crm-7"},
	}
	travel := &compliance.Travel{Store: &memstore.Travel{}, Sealer: &memstore.Sealer{},
		Config: func(context.Context, string) (sg.TravelRuleConfig, error) {
			return sg.TravelRuleConfig{Threshold: 0}, nil
		},
		Now: r.clock.Now}
	ops := compliance.PayoutOps{Travel: travel, Customers: r.cus, Wallets: wallets}
	p := compliance.LimitPolicy{Limits: r.lim, Wallets: wallets, Op: ops.Op}
	abroad := mustPayload(t, naturalPayload) // beneficiary and its VASP in JP
	home := mustPayload(t, edit(t, naturalPayload, func(m map[string]any) {
		delete(m, "beneficiaryVASP")
		b := m["beneficiary"].(map[string]any)["beneficiaryPerson"].([]any)[0].(map[string]any)["naturalPerson"].(map[string]any)
		b["geographicAddress"].([]any)[0].(map[string]any)["country"] = "DE"
	}))
	n := 0
	cases := []struct {
		name   string
		wallet string
		data   *sg.TravelPayload
		cross  bool
		reject string
	}{
		{"standard tier paying a beneficiary abroad is refused", "wal_std", abroad, true, "tier_capability_missing"},
		{"plus tier paying a beneficiary abroad passes", "wal_plus", abroad, true, ""},
		{"standard tier paying a beneficiary at home passes", "wal_std", home, false, ""},
		{"no travel-rule data: domestic", "wal_std", nil, false, ""},
		{"a wallet of no customer: its country is not known", "wal_none", abroad, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n++
			tr := sg.Transfer{ID: "txn_x" + string(rune('a'+n)), TenantID: r.tenant, Type: sg.TransferWithdrawal, FromWallet: c.wallet,
				Chain: sg.Tron, Asset: sg.USDT, Amount: 1_000_000, ToAddress: payoutTo, CreatedAt: r.clock.Now(), State: sg.StatePending}
			if c.data != nil {
				if _, err := travel.RequireForPayout(ctx, r.tenant, tr, c.data); err != nil {
					t.Fatal(err)
				}
			}
			op, err := ops.Op(ctx, tr)
			if err != nil || op.CrossBorder != c.cross || op.CrossChain || op.Kind != sg.OpPayout {
				t.Fatalf("Op = %+v, %v; want cross-border %v", op, err, c.cross)
			}
			d, err := p.Evaluate(ctx, tr)
			if err != nil {
				t.Fatal(err)
			}
			if c.reject == "" && d.Outcome != sg.OutcomeApprove || c.reject != "" && (d.Outcome != sg.OutcomeReject || len(d.Matched) != 1 || d.Matched[0] != c.reject) {
				t.Fatalf("decision %+v; want reject %q", d, c.reject)
			}
		})
	}
	// Data recorded (the first case's payout, txn_xb) but no key to read it: the step fails (and is
	// retried), it does not guess domestic.
	blind := compliance.PayoutOps{Travel: &compliance.Travel{Store: travel.Store, Now: time.Now}, Customers: r.cus, Wallets: wallets}
	if _, err := blind.Op(ctx, sg.Transfer{ID: "txn_xb", TenantID: r.tenant, Type: sg.TransferWithdrawal, FromWallet: "wal_std"}); err == nil {
		t.Fatal("an unreadable record was taken as domestic")
	}
}
