package chainfn

import (
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/kmssign"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The chain adapters declare the stores they need over the domain's
// records; the dynamo adapter implements them. The checks live in the
// wiring, which links both (dynamo itself links no chain library).
var (
	_ chaineth.TxStore    = (*dynamo.Withdrawals)(nil)
	_ chaineth.SweepStore = (*dynamo.Sweeps)(nil)
	_ chaineth.ColdStore  = (*dynamo.Cold)(nil)
	_ tron.TxStore        = (*dynamo.Withdrawals)(nil)
	_ tron.ColdStore      = (*dynamo.Cold)(nil)
	_ tron.GrantStore     = dynamo.TronSweeps{}

	_ sg.Payout = (*chaineth.Payout)(nil)
	_ sg.Payout = (*tron.Payout)(nil)

	// The hot key signs Tron transactions in KMS.
	_ tron.Signer = (*kmssign.Signer)(nil)
)
