package memstore_test

import (
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/api/coldapi"
	"github.com/stablegate/stablegate/shared/api/grantapi"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/courses"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/envelope"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/live"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The twin stands in for the stores the consumers declare. The checks of
// the chain packages' ports live here, in a test, so the twin's own code
// links no chain library (as dynamo's live in the wiring).
var (
	_ ledger.Store     = (*memstore.Store)(nil)
	_ custody.Store    = (*memstore.Store)(nil)
	_ sg.RotationStore = (*memstore.Store)(nil)
	_ sg.ReconStore    = (*memstore.Store)(nil)
	_ courses.Store    = (*memstore.Store)(nil)

	_ chaineth.TxStore    = (*memstore.Store)(nil)
	_ chaineth.SweepStore = (*memstore.Store)(nil)
	_ chaineth.ColdStore  = (*memstore.Store)(nil)
	_ tron.TxStore        = (*memstore.Store)(nil)
	_ tron.ColdStore      = (*memstore.Store)(nil)
	_ tron.GrantStore     = (*memstore.Store)(nil)

	_ coldapi.Store   = (*memstore.Store)(nil)
	_ coldapi.Freezes = (*memstore.Store)(nil)
	_ grantapi.Store  = (*memstore.Store)(nil)
)

var _ sg.HistoryStore = (*memstore.Store)(nil)

var _ api.IdemStore = (*memstore.Store)(nil)

var (
	_ sg.NonceHolders   = (*memstore.Store)(nil)
	_ sg.SignedTxReader = (*memstore.Store)(nil)
	_ live.Store        = (*memstore.Store)(nil)
	_ envelope.KeyStore = (*memstore.Store)(nil)
)

// ---- reconckpt: reconciliation's checkpoints ----
var _ sg.ReconCheckpoints = (*memstore.Store)(nil)
