package ledger_test

// Every control on every money path (audit, session 12). Each cell names
// the test that attacks the control on the path, or why the cell does not
// apply. Tests marked * were added by this audit (*_controls_test.go).
// Packages: L shared/ledger, S shared/settlement, SA shared/api/settlementapi,
// A shared/api, C shared/compliance, K shared/custody, CO shared/api/coldapi,
// T tests/ (the local stack), F shared/fn. "pipeline": the path is a withdrawal of the
// pipeline (ledger.Withdrawals.Create, then the policy chain at its
// pending step, then the screening guard before signing), so the single
// payout's tests cover the control and the cell's own test shows the path
// reaches the pipeline with it.
//
// Internal transfer (POST /v1/transfers, and /v1/transfers/batch rows):
//   freeze (wallet, tenant, platform): T TestFinding2_FreezeHoldsOnInternalTransfer,
//     T TestFinding2_PlatformFreezeHoldsOnInternalTransfer, L TestTransferRetryAfterAFreezeIsAReplay
//   tier limits: L TestInternalTransfersHeldToTierLimits, TestTransferRefusedForFundsReleasesItsLimits
//   approvals, screening, travel rule: none by design (no address leaves the
//     tenant; the money meets them when it is paid out of the other wallet)
//   tenancy: A TestTransferRefusals (another tenant's wallet is not found)
//   key reuse, unknown field: A TestTransferRefusals, T badinput_test.go
//   batch rows replayed by row_key: A TestBatchAppliesEachRowOnceAndReportsTheRest
// Single payout (POST /v1/withdrawals):
//   freeze: L TestWithdrawalStoppedByAFreezeGoesOnOnceLifted, TestWithdrawalPendingStepChecksAgain,
//     T TestFreezeStopsQueuedPayouts, TestPlatformFreezeStopsEveryTenant, TestFinding1_FreezeDoesNotStrandANonce
//   approvals: L TestWithdrawalApprovals, T TestPayoutWaitsForDistinctApprovals, TestApprovalWebhookVotes
//   limits (tier, velocity): L TestPayoutsHeldToTierLimitsAndSettled, C TestLimitPolicy, K custody_test.go
//   screening: L TestPayoutToSanctionedAddressRefusedBeforeSigning, TestPayoutScreenedAgainBeforeSigning,
//     C TestPayoutToEveryOFACAddressIsRefusedBeforeSigning, T compliance_payouts_test.go
//   travel rule: C travel_test.go, A travel_test.go
//   tenancy: A TestWithdrawalRefusals; key reuse, unknown field: A TestWithdrawalRefusals, T badinput_test.go
//   a cancelled or failed payout stalls none after it: T TestFinding1_ShortPayoutHoldsNoNonceAndCancelLeavesNoGap,
//     L TestWithdrawalHoldingANonceCannotBeCancelledOrExpire
//   a redelivered message moves nothing twice: L TestPayoutsHeldToTierLimitsAndSettled (last step),
//     L TestBatchCrashAtEachStepPaysOnce
// Payout batch rows (POST /v1/payout-batches, JSON or CSV): rows are withdrawals of the pipeline.
//   freeze before the request and before the build: L TestBatchRowsHeldByAFreezeOverTheirWallet *
//   approvals: L TestBatchRowAwaitingApprovalIsPaidAlone; velocity split across rows:
//     L TestBatchRowsCannotSplitPastTheVelocityRule *
//   tier limits split across rows, screening of a row: L TestBatchRowsScreenedAndHeldToTheTier *
//   tenancy, unknown field in a row: L TestBatchFromAnotherTenantsWalletIsNotFound *,
//     A TestPayoutBatchRowsRefuseUnknownFieldsAndOtherTenantsWallets *
//   a cancelled or refused row stalls no later batch, redelivery pays once:
//     L TestCancelledOrFailedRowsStallNoLaterBatch *, TestBatchCrashAtEachStepPaysOnce
//   key reuse, bad rows, CSV: L TestBatchCreateRowsAndReplays, A TestPayoutBatchesCSVAndRefusals
// Settlement payout (instant and scheduled, alone or as batch rows): a withdrawal of the pipeline
//   from the settlement wallet.
//   freeze over the settlement wallet, approval rules, screening of the destination, alone and
//     as a batch row: SA TestSettlementPayoutMeetsFreezeApprovalsAndScreening *
//   tier limits, cross-chain capability, travel rule: SA TestSettlementPayoutsAtTheTierEdges,
//     TestClearedSettlementsNeedCrossChain, TestSettlementTravelRuleIsTheMerchantsOwn
//   velocity: pipeline (the payout is evaluated by the same policy chain)
//   a refused payout fails the settlement and it is paid again: S TestPayoutRefusedThenRetried,
//     TestPayoutSettlerFollowsTheSettlementsPayout
//   batch payer replays and crashes: S TestJobPaysDueSettlementsInOneBatch, TestJobBatchCrashAndRetry
//   a retry after the payout was requested pays once, asks the tier once:
//     SA TestSettlementRetryFindsThePayoutItRequested *
//   tenancy: S TestTenancy
// Collection of a paid invoice (invoice wallet -> settlement wallet, clearing across chains):
//   freeze: S TestInvoiceHookHoldsToAFreeze, and settled once the freeze is lifted:
//     S TestAnInvoicePaidUnderAFreezeSettlesOnceItIsLifted; redelivery: S TestLinesAreIdempotent, TestConcurrentDeliveries
// Refund (POST /v1/invoices/{id}/refunds, and refund links): a withdrawal of the pipeline.
//   freeze over the invoice wallet: SA TestRefundOfInvoicePaidBeforeConfig
//   screening of the refund address, approval rules: SA TestRefundToASanctionedAddressIsRejectedBeforeSigning *,
//     TestRefundWaitsForApprovals *
//   cap (never more than paid), closed settlements: SA TestReversalsNeverShortAClosedSettlement
//   a refund whose payout ends unpaid (rejected, cancelled, expired, failed) gives back its
//     reservation and its line: SA TestRefundEndedUnpaidGivesBack, TestRefundLinkEndedUnpaidGivesBack;
//   over the travel-rule threshold only with its data: SA TestRefundOverTheTravelThresholdNeedsItsData
//   key reused on another invoice reserves nothing: SA TestRefundKeyReusedElsewhereReservesNothing *
//   tenancy: SA invoiceSet (another tenant's invoice is not found), A invoiceapi TestGetListCancel
//   expired link: SA TestExpiredRefundLinkCannotBeClaimed
// Chargeback (operator, disputes:write): no address, so no screening or approvals by design.
//   freeze, cap, replay: S TestChargebackRefusalsChangeNothing, TestChargebackMovesMoneyOnceAndIsNetted,
//     SA TestChargebackRoute, TestRefundOfInvoicePaidBeforeConfig
// Cross-chain clearing and rebalancing: clearing entries move value between one tenant's
//   settlement wallets only (S TestCrossChainClearing, TestChargebackAcrossChains); rebalancing
//   only raises instructions (S TestRebalance, TestCheckLiquidityAlertsWhenAChainIsShort): no
//   money moves without an operator, so no control of a tenant applies.
// Sweeps (forwarder -> hot wallet): platform custody only, no tenant balance moves;
//   T sweep_test.go, tron_sweep_test.go; freeze: F TestSweepsStandStillUnderAPlatformFreeze
//   (shared/fn/core: core.UnlessPlatformFrozen, which both chains' sweep jobs run under).
// Cold-wallet moves: CO TestPlatformFreezeStopsColdPayouts, TestColdPayoutsScreened,
//   T TestFinding4_ColdPayoutsArePlatformOnly.
// Invoices and payment links (acquiring): money in, not out; deposits are screened and
//   quarantined (C TestDepositFromEveryOFACAddressIsQuarantined, L sink_quarantine_test.go);
//   redelivered deposit counts once (acquiring TestRedeliveredDepositCountsOnceAndEmitsOnce);
//   tenancy: acquiring TestAnotherTenantsInvoiceIsNotFound.
// Staking / burn programme: none moves tokens in this tree (no cell): TRX staked for energy is
//   the platform's own (chain/tron), and burn addresses are refused as payout destinations
//   (L destinations_test.go).

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// batches is the rig's batch runner with no batch sender: every row is
// decided by the pipeline and paid as a single payout.
func (r *rig) batches() *ledger.Batches {
	return &ledger.Batches{W: r.w, Store: &memstore.PayoutBatches{}, Claims: r.st}
}

// runBatch creates a batch of rows (address, amount) from w and runs it.
func (r *rig) runBatch(t *testing.T, bs *ledger.Batches, w sg.Wallet, key string, rows ...any) sg.PayoutBatch {
	t.Helper()
	in := ledger.BatchIn{Wallet: w.ID, Asset: sg.USDT, RequestedBy: "alice"}
	for i := 0; i+1 < len(rows); i += 2 {
		in.Payouts = append(in.Payouts, ledger.BatchPayoutIn{Chain: sg.Tron, ToAddress: rows[i].(string), Amount: rows[i+1].(sg.Amount),
			Hash: fmt.Sprintf("%s-row-%d", key, i/2)})
	}
	b, _, err := bs.Create(context.Background(), r.tenant, key, "h-"+key, in)
	if err != nil {
		t.Fatal(err)
	}
	if b, err = bs.Run(context.Background(), r.tenant, b.ID); err != nil {
		t.Fatal(err)
	}
	return b
}

// A batch is no way around screening or the tier: a row to a sanctioned
// address is rejected by name before signing (and a case opened), and rows
// that each fit the single-payment limit are still held to the day's
// limit together (25 USDT: the third row of 10 is refused). Only what the
// tier allows to clean addresses is signed.
func TestBatchRowsScreenedAndHeldToTheTier(t *testing.T) {
	r := newRig(t)
	w := r.wallet(t, r.customer, usdt(100))
	b := r.runBatch(t, r.batches(), w, "split",
		cleanTRX, usdt(10), sanctionedTRX, usdt(3), cleanTRX, usdt(10), cleanTRX, usdt(10))
	want := []struct {
		state sg.TransferState
		code  string
	}{{sg.StatePosted, ""}, {sg.StateRejected, sg.ErrDestinationSanctioned.Code}, {sg.StatePosted, ""},
		{sg.StateRejected, sg.ErrTierLimitDaily.Code}}
	for i, row := range b.Rows {
		got, err := r.st.Transfer(context.Background(), r.tenant, row.TransferID)
		if err != nil {
			t.Fatalf("row %d (%s): %v", i, row.Code, err)
		}
		if got.State != want[i].state || (want[i].code != "" && !strings.Contains(lastNote(got), want[i].code)) {
			t.Fatalf("row %d: %s %q; want %s %s", i, got.State, lastNote(got), want[i].state, want[i].code)
		}
	}
	if len(r.sign.signed) != 2 || r.sign.signed[0] != cleanTRX || r.sign.signed[1] != cleanTRX {
		t.Fatalf("signed %v; want the two rows the tier allows, to the clean address", r.sign.signed)
	}
	if r.cases.count() != 1 {
		t.Fatalf("%d cases; want one for the sanctioned row", r.cases.count())
	}
	if u, a := r.used(t), r.available(t, w); u != usdt(20) || a != usdt(80) {
		t.Fatalf("day used %s, available %s; want 20 used and 80 left (refused rows voided)", u, a)
	}
}

// A tenant's 24-hour velocity rule counts every row of a batch: rows
// each under the rule's amount ask for approvals once together they pass
// it, as single payouts would.
func TestBatchRowsCannotSplitPastTheVelocityRule(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	pol := sg.Policy{ApprovalTTL: 24 * time.Hour, Rules: []sg.Rule{
		{Name: "day volume", Kind: sg.RuleVelocity, Amount: usdt(15), Approvals: 2}}}
	if err := r.st.PutPolicy(ctx, r.tenant, pol, sg.JournalEntry{At: r.st.Now(), Actor: "ops", Action: "policy.put"}); err != nil {
		t.Fatal(err)
	}
	r.w.Policy = compliance.Chain(compliance.ScreeningPolicy{Screening: r.screen}, custody.Rules{Store: r.st, Now: r.st.Now})
	w := r.wallet(t, "", usdt(100))
	b := r.runBatch(t, r.batches(), w, "velocity", cleanTRX, usdt(8), cleanTRX, usdt(7), cleanTRX, usdt(1))
	states := []sg.TransferState{sg.StatePosted, sg.StatePosted, sg.StateAwaitingApproval}
	for i, row := range b.Rows {
		got, err := r.st.Transfer(ctx, r.tenant, row.TransferID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != states[i] {
			t.Fatalf("row %d: %s %q; want %s", i, got.State, lastNote(got), states[i])
		}
	}
	if len(r.sign.signed) != 2 {
		t.Fatalf("signed %v; want the two rows within the day's volume", r.sign.signed)
	}
}
