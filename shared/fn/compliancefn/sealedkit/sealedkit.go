// Package sealedkit builds the compliance kit with the envelope sealer
// (KMS) that seals customers' PII: the customer routes, payouts,
// settlements and the deposit controls use it. It is apart from
// compliancefn so that the compliance jobs and light routes link no KMS
// client, and apart from the routes so that jobs link no request handling.
package sealedkit

import (
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/compliancefn"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
)

// For is the compliance kit over st with the envelope sealer of
// ENVELOPE_KEY_ID (kmsfn.Sealer; none when it is unset).
func For(env core.Env, st *dynamo.Store) (*compliancefn.Kit, error) {
	sealer, err := kmsfn.Sealer(env)
	if err != nil {
		return nil, err
	}
	return compliancefn.Build(env, st, sealer)
}

// StoreAnd is the table (TABLE_NAME) and the sealed kit over it.
func StoreAnd(env core.Env) (*dynamo.Store, *compliancefn.Kit, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	k, err := For(env, st)
	return st, k, err
}
