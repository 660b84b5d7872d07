package devstack

import (
	"context"
	"fmt"

	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/fn/acquirefn"
	"github.com/stablegate/stablegate/shared/fn/auditfn"
	"github.com/stablegate/stablegate/shared/fn/auditfn/anchorfn"
	"github.com/stablegate/stablegate/shared/fn/auditfn/auditroutes"
	"github.com/stablegate/stablegate/shared/fn/chainfn"
	"github.com/stablegate/stablegate/shared/fn/chainfn/chainroutes"
	"github.com/stablegate/stablegate/shared/fn/coldfn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/compliancefn/complianceroutes"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/coursefn"
	"github.com/stablegate/stablegate/shared/fn/coursefn/progressfn"
	"github.com/stablegate/stablegate/shared/fn/custodyfn"
	"github.com/stablegate/stablegate/shared/fn/custodyfn/custodytable"
	"github.com/stablegate/stablegate/shared/fn/custodyfn/policyfn"
	"github.com/stablegate/stablegate/shared/fn/customerfn"
	"github.com/stablegate/stablegate/shared/fn/hookfn"
	"github.com/stablegate/stablegate/shared/fn/hookfn/hooksends"
	"github.com/stablegate/stablegate/shared/fn/hookfn/hookwrites"
	"github.com/stablegate/stablegate/shared/fn/invoicefn"
	"github.com/stablegate/stablegate/shared/fn/invoicefn/cancelfn"
	"github.com/stablegate/stablegate/shared/fn/ledgerfn"
	"github.com/stablegate/stablegate/shared/fn/livefn"
	"github.com/stablegate/stablegate/shared/fn/notifyfn"
	"github.com/stablegate/stablegate/shared/fn/notifyfn/publishfn"
	"github.com/stablegate/stablegate/shared/fn/oauthfn"
	"github.com/stablegate/stablegate/shared/fn/payoutfn"
	"github.com/stablegate/stablegate/shared/fn/payoutfn/payoutroutes"
	"github.com/stablegate/stablegate/shared/fn/pipefn"
	"github.com/stablegate/stablegate/shared/fn/pipefn/piperoutes"
	"github.com/stablegate/stablegate/shared/fn/pushfn"
	"github.com/stablegate/stablegate/shared/fn/pushfn/marketfn"
	"github.com/stablegate/stablegate/shared/fn/quotefn"
	"github.com/stablegate/stablegate/shared/fn/reconfn"
	"github.com/stablegate/stablegate/shared/fn/tronfn"
	"github.com/stablegate/stablegate/shared/fn/tronfn/grantreads"
	"github.com/stablegate/stablegate/shared/fn/tronfn/grantroutes"
	"github.com/stablegate/stablegate/shared/fn/walletfn"
	"github.com/stablegate/stablegate/shared/httpapi"
)

// Functions maps each folder under functions/ to the builder its main.go
// calls, so the local gateway runs the same code as Lambda. It lives here,
// not in package fn, so a deployed function links only its own builder.
// A test checks it against functions/, template.yaml and the Makefile.
var Functions = map[string]fn.Builder{
	"wallets-create":   walletfn.WalletsCreate,
	"wallets-get":      walletfn.WalletsGet,
	"wallets-list":     walletfn.WalletsList,
	"wallets-balances": walletfn.WalletsBalances,
	"transfers-create": complianceroutes.TransfersCreate,
	"transfers-get":    ledgerfn.TransfersGet,

	"withdrawals-create": payoutroutes.WithdrawalsCreate,
	"withdrawals-cancel": piperoutes.WithdrawalsCancel,
	"wallets-transfers":  ledgerfn.WalletsTransfers,
	"wallets-statement":  ledgerfn.WalletsStatement,
	"transfers-batch":    complianceroutes.TransfersBatch,
	"reconciliation-get": ledgerfn.ReconciliationGet,
	"fee-quotes-get":     quotefn.FeeQuotesGet,
	"courses-attempt":    coursefn.CoursesAttempt,
	"courses-progress":   progressfn.CoursesProgress,
	"certificates-get":   coursefn.CertificatesGet,

	"policy-get":       custodytable.PolicyGet,
	"policy-put":       policyfn.PolicyPut,
	"allowlist-add":    custodytable.AllowlistAdd,
	"allowlist-list":   custodytable.AllowlistList,
	"approvals-create": custodyfn.ApprovalsCreate,
	"freezes-create":   custodytable.FreezesCreate,
	"freezes-list":     custodytable.FreezesList,
	"freezes-approve":  piperoutes.FreezesApprove,
	"journal-list":     custodytable.JournalList,
	"rotations-create": custodytable.RotationsCreate,
	"rotations-get":    custodytable.RotationsGet,

	"cold-payouts-create": chainroutes.ColdPayoutsCreate,
	"cold-payouts-get":    coldfn.ColdPayoutsGet,
	"cold-payouts-qr":     coldfn.ColdPayoutsQR,
	"cold-payouts-sign":   chainroutes.ColdPayoutsSign,
	"cold-payouts-cancel": coldfn.ColdPayoutsCancel,

	"tron-grants-create": grantroutes.TronGrantsCreate,
	"tron-grants-get":    grantreads.TronGrantsGet,
	"tron-grants-qr":     grantreads.TronGrantsQR,
	"tron-grants-sign":   grantroutes.TronGrantsSign,

	"invoices-create":       fn.InvoicesCreate,
	"invoices-list":         invoicefn.InvoicesList,
	"invoices-get":          invoicefn.InvoicesGet,
	"invoices-cancel":       cancelfn.InvoicesCancel,
	"invoices-payment-link": invoicefn.InvoicesPaymentLink,
	"invoices-receipt":      invoicefn.InvoicesReceipt,
	"fx-quotes-create":      invoicefn.FxQuotesCreate,
	"invoice-policy-get":    invoicefn.InvoicePolicyGet,
	"invoice-policy-put":    invoicefn.InvoicePolicyPut,
	"checkout-get":          invoicefn.CheckoutGet,
	"checkout-qr":           invoicefn.CheckoutQR,
	"checkout-receipt":      invoicefn.CheckoutReceipt,

	"webhook-endpoints-create":     hookwrites.WebhookEndpointsCreate,
	"webhook-endpoints-list":       hookfn.WebhookEndpointsList,
	"webhook-endpoints-get":        hookfn.WebhookEndpointsGet,
	"webhook-endpoints-update":     hookfn.WebhookEndpointsUpdate,
	"webhook-endpoints-delete":     hookfn.WebhookEndpointsDelete,
	"webhook-endpoints-rotate":     hookwrites.WebhookEndpointsRotate,
	"webhook-endpoints-test":       hooksends.WebhookEndpointsTest,
	"webhook-endpoints-deliveries": hookfn.WebhookEndpointsDeliveries,
	"webhook-endpoints-replay":     hooksends.WebhookEndpointsReplay,
	"events-list":                  hookfn.EventsList,
	"events-get":                   hookfn.EventsGet,

	// ---- compliance: customers, KYC, tiers, travel rule ----
	"customers-create":     customerfn.CustomersCreate,
	"customers-get":        customerfn.CustomersGet,
	"customers-update":     customerfn.CustomersUpdate,
	"customers-delete":     customerfn.CustomersDelete,
	"customers-export":     customerfn.CustomersExport,
	"customers-compliance": customerfn.CustomersCompliance,
	"kyc-start":            customerfn.KYCStart,
	"kyc-callback":         customerfn.KYCCallback,
	"kyc-reviews":          customerfn.KYCReviews,
	"kyc-review":           customerfn.KYCReview,
	"tiers-get":            complianceroutes.TiersGet,
	"tiers-put":            complianceroutes.TiersPut,
	"travel-rule-attach":   customerfn.TravelRuleAttach,
	"travel-rule-export":   customerfn.TravelRuleExport,
	"deposits-release":     payoutroutes.DepositsRelease,

	// ---- compliance: cases ----
	"cases-list":           complianceroutes.CasesList,
	"cases-get":            complianceroutes.CasesGet,
	"cases-assign":         complianceroutes.CasesAssign,
	"cases-note":           complianceroutes.CasesNote,
	"cases-evidence":       complianceroutes.CasesEvidence,
	"cases-status":         complianceroutes.CasesStatus,
	"cases-decide":         complianceroutes.CasesDecide,
	"cases-export":         complianceroutes.CasesExport,
	"compliance-rules-get": complianceroutes.ComplianceRulesGet,
	"compliance-rules-put": complianceroutes.ComplianceRulesPut,
	"blocklist-list":       complianceroutes.BlocklistList,
	"blocklist-add":        complianceroutes.BlocklistAdd,
	"blocklist-remove":     complianceroutes.BlocklistRemove,
	"sanctions-get":        complianceroutes.SanctionsGet,

	// ---- compliance: audit ----
	"audit-list":   auditroutes.AuditList,
	"audit-proof":  auditroutes.AuditProof,
	"audit-export": auditroutes.AuditExport,

	// ---- oauth: API clients and the token endpoint ----
	"api-clients": oauthfn.APIClients,
	"oauth-token": oauthfn.OAuthToken,

	// ---- settle: fees, configs, settlements ----
	"settlement-settings": fn.SettlementSettings,
	"settlements-get":     invoicefn.SettlementsGet,
	"invoices-refund":     payoutroutes.InvoicesRefund,
	"refund-links":        payoutroutes.RefundLinks,

	// ---- batch: payout batches ----
	"payout-batches-create": payoutroutes.PayoutBatchesCreate,
	"payout-batches-get":    ledgerfn.PayoutBatchesGet,
}

// ScheduledJobs maps each scheduled function to its builder (run by hand
// or by tests locally; EventBridge runs them on AWS).
var ScheduledJobs = map[string]fn.JobBuilder{
	"reconcile":      reconfn.ReconcileJob,
	"holds-expire":   pipefn.HoldsExpireJob,
	"deposits-watch": chainfn.DepositsWatch,
	"sweeps":         chainfn.Sweeps,

	"deposits-watch-tron": payoutfn.TronDepositsWatch,
	"sweeps-tron":         tronfn.TronSweeps,
	"withdrawals-track":   chainfn.WithdrawalsTrack,
	"hot-key-rotate":      chainfn.HotKeyRotate,
	"invoices-expire":     acquirefn.InvoicesExpireJob,

	// ---- compliance: payouts ----
	"sanctions-refresh": compliancefn.SanctionsRefresh,

	// ---- compliance: customers, KYC, tiers, travel rule ----
	"kyc-expire": compliancefn.KYCExpireJob,

	// ---- compliance: audit ----
	"audit-anchor": anchorfn.AuditAnchor,

	// ---- devx: the WebSocket market channel's publisher ----
	"market-publish": marketfn.MarketPublish,

	// ---- settle: the settlement scheduler ----
	"settlements-close": payoutfn.SettlementsClose,
}

// Consumers maps each queue-consuming function to its builder.
var Consumers = map[string]core.SQSBuilder{
	"withdrawals-worker": chainfn.WithdrawalsWorker,
	"webhooks-deliver":   notifyfn.WebhooksDeliver,
}

// WebSocketFunctions maps each WebSocket route's function to its builder.
var WebSocketFunctions = map[string]livefn.WSBuilder{
	"ws-connect":    livefn.WSConnect,
	"ws-disconnect": livefn.WSDisconnect,
	"ws-subscribe":  livefn.WSSubscribe,
}

// StreamConsumers maps each DynamoDB stream consumer to its builder.
var StreamConsumers = map[string]fn.StreamBuilder{
	"live-notify":       pushfn.LiveNotify,
	"history-projector": publishfn.HistoryProjector,
	// ---- compliance: deposits and monitoring ----
	"compliance-monitor": compliancefn.ComplianceMonitor,

	// ---- compliance: audit ----
	"audit-projector": auditfn.AuditProjector,
}

// Build returns the wrapped handler of a function.
func Build(ctx context.Context, name string, env fn.Env) (httpapi.Handler, error) {
	b, ok := Functions[name]
	if !ok {
		return nil, fmt.Errorf("devstack: no builder for functions/%s in devstack.Functions", name)
	}
	return b(ctx, env)
}
