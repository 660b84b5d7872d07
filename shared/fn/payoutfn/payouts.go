// Package payoutfn builds what moves money out or settles it: the
// withdrawal pipeline with its compliance policy step, payout batches,
// settlements and refunds, deposit controls and release. These need the
// queues, the chains' configuration and the sealed compliance kit
// (sealedkit.For), which the lighter routes of compliancefn do not
// link.
package payoutfn

import (
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn/sealedkit"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The controls of issue 15 on every path that moves money out: payouts
// (the pipeline's policy step, the guard before signing, the limits'
// settlement), internal transfers and their batches (the ledger's limits),
// cold payouts (screening at prepare and import: see chainfn).

// PayoutPolicy is the withdrawal pipeline's one policy step, the same for
// every function that builds the pipeline: the tenant's custody rules
// (allowlist, approvals, windows), sanctions and blocklist screening of the
// destination, the travel rule, then the tier limits. Every step runs on
// every payout (compliance.Chain), so a screening hit opens its case even
// when the custody rules refuse too. The limits come last because they
// reserve the amount: a payout refused by another step is rejected, and
// the ledger's Settler gives the reservation back. A payout whose
// travel-rule data places its beneficiary in another country than the
// wallet's customer needs a tier with cross_border (compliance.PayoutOps).
func PayoutPolicy(k *compliancefn.Kit, st *dynamo.Store) ledger.Policy {
	return compliance.Chain(
		custody.Rules{Store: st.Custody, Now: time.Now},
		compliance.ScreeningPolicy{Screening: k.Screening},
		compliance.TravelPolicy{Travel: k.Travel},
		tierStep(k, st),
	)
}

// tierStep is the payout policy's tier step: the payout's wallet's
// customer's tier, with what else the payout is (cross-border by its
// travel-rule data, cross-chain when a settlement's value was cleared).
// The settlement payer asks the same step (Check) before a payout.
func tierStep(k *compliancefn.Kit, st *dynamo.Store) compliance.LimitPolicy {
	return compliance.LimitPolicy{Limits: k.Limits, Wallets: st.Wallets,
		Op: compliance.PayoutOps{Travel: k.Travel, Customers: k.Customers, Wallets: st.Wallets}.Op}
}

// Screened guards each chain's payout adapter with the screening of its
// destination right before signing (compliance.ScreenedPayout).
func Screened(k *compliancefn.Kit, payouts map[sg.Chain]ledger.Payout) map[sg.Chain]ledger.Payout {
	out := make(map[sg.Chain]ledger.Payout, len(payouts))
	for c, p := range payouts {
		out[c] = compliance.ScreenedPayout{Payout: p, Screening: k.Screening}
	}
	return out
}

// Unscreened is the chain adapter under a Screened guard and a batch
// router (the adapter itself otherwise), for code that needs the adapter's own type.
func Unscreened(p ledger.Payout) ledger.Payout {
	if s, ok := p.(compliance.ScreenedPayout); ok {
		p = s.Payout
	}
	// ---- batch: payout batches ---- the single payout under the batch router
	if r, ok := p.(*ledger.BatchRouter); ok && r.Single != nil {
		return r.Single
	}
	return p
}

// Withdrawals is the withdrawal pipeline (pipefn.WithdrawalsService, whose
// Settler keeps the tier limits) with the compliance policy step and the
// kit it was built from. The chains' payouts are chainfn's to add.
func Withdrawals(env core.Env) (*ledger.Withdrawals, *dynamo.Store, *compliancefn.Kit, error) {
	w, st, err := pipefn.WithdrawalsService(env)
	if err != nil {
		return nil, nil, nil, err
	}
	k, err := sealedkit.For(env, st)
	if err != nil {
		return nil, nil, nil, err
	}
	w.Policy = PayoutPolicy(k, st)
	return w, st, k, nil
}
