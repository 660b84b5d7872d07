package dynamo_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The API client store and the token bucket on DynamoDB Local: the same
// cases, under the same names, as memstore's TestOAuthContract.
func TestOAuthContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	storetest.OAuth(t, func(t *testing.T) storetest.OAuthStore {
		return &dynamo.OAuth{Table: dynamo.New(db, contractTable(t, db)).Base}
	})
}
