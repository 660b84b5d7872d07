package memstore_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The API client store and rate limiter contract on the twin (the same
// cases run on DynamoDB Local in package dynamo).
func TestOAuthContract(t *testing.T) {
	storetest.OAuth(t, func(*testing.T) storetest.OAuthStore { return memstore.NewOAuth() })
}
