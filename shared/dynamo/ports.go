package dynamo

import (
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Each aggregate's store implements the domain's ports over its items. The
// checks live here, in the adapter, so no service names DynamoDB.
var (
	_ sg.IdempotencyStore  = (*Table)(nil)
	_ sg.IdempotencyClaims = (*Table)(nil)

	_ sg.WalletStore   = (*Wallets)(nil)
	_ sg.WalletReader  = (*Wallets)(nil)
	_ sg.BalanceReader = (*Ledger)(nil)

	_ sg.Mover          = (*Ledger)(nil)
	_ sg.TransferLedger = (*Ledger)(nil)
	_ sg.LedgerReads    = (*Ledger)(nil)

	_ sg.WaitMarker     = (*Withdrawals)(nil)
	_ sg.QuoteStore     = (*Withdrawals)(nil)
	_ sg.SignedTxReader = (*Withdrawals)(nil)
	_ sg.NonceHolders   = (*Withdrawals)(nil)

	_ sg.PayoutFreezes = (*Custody)(nil)
	_ sg.FreezesOver   = (*Custody)(nil)
	_ sg.CustodyStore  = (*Custody)(nil)
	_ sg.PolicyFacts   = (*Custody)(nil)

	_ sg.RotationStore = (*HotKeys)(nil)
	_ sg.ColdPayouts   = (*Cold)(nil)
	_ sg.SweepMarker   = (*Sweeps)(nil)
	_ sg.HistoryReader = (*History)(nil)
	_ sg.CourseStore   = (*Courses)(nil)
	_ sg.LiveStore     = (*Live)(nil)
	_ sg.OwnAddresses  = (*Watch)(nil)
	_ sg.TrackedReader = (*Watch)(nil)
	_ sg.AuditStore    = (*Audit)(nil)
	_ sg.MonitorStore  = (*Compliance)(nil)
	_ sg.CustomerStore = (*Customers)(nil)
	_ sg.LimitCounters = (*Customers)(nil)
)

var _ sg.ScreeningStore = (*Sanctions)(nil)

var _ sg.TravelStore = (*Travel)(nil)

var (
	_ sg.FeeSchedules      = (*Settlements)(nil)
	_ sg.SettlementConfigs = (*Settlements)(nil)
	_ sg.SettlementStore   = (*Settlements)(nil)
)
