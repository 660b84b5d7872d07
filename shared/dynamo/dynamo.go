// Package dynamo implements the stablegate stores on one DynamoDB table
// (single-table design; see infra/data-model.md for keys and access patterns).
package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/stablegate/stablegate/shared/envelope"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// DB is the part of the DynamoDB client the stores use. *dynamodb.Client
// implements it; tests wrap it to inject faults.
type DB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Store is the DynamoDB adapter for wallets, idempotency records and balances.
type Store struct {
	db    DB
	table string
	// Now is the clock; tests set it.
	Now func() time.Time
	// Fields, if set, seals the PII of wallets (customer reference, label,
	// metadata) and the first answers that carry them, for each tenant
	// under its own data key. Without it they are stored in the clear
	// (tools and tests that write the table directly).
	Fields *envelope.Fields
}

// New returns a store on table.
func New(db DB, table string) *Store {
	return &Store{db: db, table: table, Now: time.Now}
}

var (
	_ sg.WalletStore      = (*Store)(nil)
	_ sg.IdempotencyStore = (*Store)(nil)
	_ sg.BalanceReader    = (*Store)(nil)
)

// Key prefixes. Every tenant-owned item lives in the tenant's partition, so a
// query can never reach another tenant's data.
const (
	attrPK         = "PK"
	attrSK         = "SK"
	attrExpires    = "expires_at"
	tenantPrefix   = "TENANT#"
	walletPrefix   = "WALLET#"
	idemPrefix     = "IDEM#"
	balPrefix      = "BAL#"
	addrPrefix     = "ADDR#"
	addrListPrefix = "ADDRS#"
	seqHDIndex     = "SEQ#hd-index"
)

func tenantPK(tenant string) string { return tenantPrefix + tenant }

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: &types.AttributeValueMemberS{Value: pk}, attrSK: &types.AttributeValueMemberS{Value: sk}}
}

// classify turns SDK errors into kinds: throttling and conflicts are
// retryable (unavailable), anything else is internal.
func classify(op string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
			"TransactionConflictException", "InternalServerError", "ServiceUnavailable":
			return sg.Unavailable(op, err)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return sg.Unavailable(op, err)
	}
	return sg.Internal(op, err)
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

// cancelled returns the cancellation reasons of a cancelled transaction, or nil.
func cancelled(err error) []types.CancellationReason {
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		return tce.CancellationReasons
	}
	return nil
}

// Table names the table the store writes.
func (st *Store) Table() string { return st.table }
