package dynamo

import (
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Store implements the ports of the domain. The checks live here, in the
// adapter, so no service names DynamoDB.
var (
	_ sg.Mover             = (*Store)(nil)
	_ sg.TransferLedger    = (*Store)(nil)
	_ sg.WalletReader      = (*Store)(nil)
	_ sg.PayoutFreezes     = (*Store)(nil)
	_ sg.FreezesOver       = (*Store)(nil)
	_ sg.WaitMarker        = (*Store)(nil)
	_ sg.OwnAddresses      = (*Store)(nil)
	_ sg.QuoteStore        = (*Store)(nil)
	_ sg.SweepMarker       = (*Store)(nil)
	_ sg.CustodyStore      = (*Store)(nil)
	_ sg.PolicyFacts       = (*Store)(nil)
	_ sg.RotationStore     = (*Store)(nil)
	_ sg.RotationWaits     = (*Store)(nil)
	_ sg.SignedTxReader    = (*Store)(nil)
	_ sg.ReconStore        = (*Store)(nil)
	_ sg.HistoryStore      = (*Store)(nil)
	_ sg.IdempotencyClaims = (*Store)(nil)
	_ sg.ColdPayouts       = (*Store)(nil)
	_ sg.FreezeReader      = (*Store)(nil)
	_ sg.LiveStore         = (*Store)(nil)
	_ sg.CourseStore       = (*Store)(nil)
)
