// Package reconstore is what reconciliation reads of the table: For the
// API's one-pass read (ledgerfn), Scheduled for the scheduled run, which
// keeps each tenant's checkpoint (reconfn). It links no KMS client or
// request handling, so both sides link only what they use.
package reconstore

import (
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/recon"
)

// For is what reconciliation reads of the stores.
func For(st *dynamo.Store) recon.Store {
	return recon.Store{LedgerReads: st.Ledger, TenantWalletLister: st.Wallets, TrackedReader: st.Watch, Pages: st.Ledger, Balances: st.Ledger,
		Ranges: st.Ledger, Wallets: st.Wallets} // ---- bigrun: ranged reads ----
}

// ---- reconckpt: the scheduled run's reads, its checkpoints ----

// Scheduled is For for the scheduled job: each tenant's
// run is kept between invocations (its checkpoint, in the table), and an
// account that differs is verified against its history before it is
// reported. The API's read (ReconciliationGet) stays one pass.
func Scheduled(st *dynamo.Store) recon.Store {
	rs := For(st)
	rs.History, rs.Checkpoints = st.History, st.Ledger
	return rs
}
