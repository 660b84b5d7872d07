package fn

import (
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/ledger"
)

// Store builds the DynamoDB store on TABLE_NAME.
func Store(env Env) (*dynamo.Store, error) { return core.Store(env) }

// Ledger is the ledger service over a store (core.Ledger).
func Ledger(st *dynamo.Store) *ledger.Service { return core.Ledger(st) }

// LedgerService builds the ledger on TABLE_NAME.
func LedgerService(env Env) (*ledger.Service, error) { return core.LedgerService(env) }
