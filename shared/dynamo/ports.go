package dynamo

import (
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/recon"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Store implements the ports of the domain and those the services declare
// for themselves (interfaces in the consumer). The checks live here, in
// the adapter, so no service names DynamoDB.
var (
	_ sg.Mover            = (*Store)(nil)
	_ ledger.Store        = (*Store)(nil)
	_ ledger.Wallets      = (*Store)(nil)
	_ ledger.Freezes      = (*Store)(nil)
	_ ledger.Waits        = (*Store)(nil)
	_ ledger.Destinations = (*Store)(nil)
	_ ledger.QuoteStore   = (*Store)(nil)
	_ custody.Store       = (*Store)(nil)
	_ sg.RotationStore    = (*Store)(nil)
	_ recon.Store         = (*Store)(nil)
)
