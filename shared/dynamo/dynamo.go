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

// Table is the one DynamoDB table every aggregate's store writes, with
// what they share: the client, the clock, the sealing of PII, and the
// idempotency records every money write carries.
type Table struct {
	db    DB
	table string
	// Now is the clock; tests set it.
	Now func() time.Time
	// Fields, if set, seals the PII of wallets (customer reference, label,
	// metadata) and the first answers that carry them, for each tenant
	// under its own data key (envelope.Fields). Without it they are
	// stored in the clear (tools and tests that write the table directly).
	Fields sg.FieldSealer
}

// The stores, one per aggregate, each over the one table.
type (
	// Wallets keeps wallets, their deposit addresses and the HD index.
	Wallets struct{ *Table }
	// Ledger keeps transfers, their postings and the balances they move.
	Ledger struct{ *Table }
	// Withdrawals keeps what open withdrawals need: waits, nonces, signed
	// transactions and fee quotes.
	Withdrawals struct{ *Table }
	// Custody keeps policies, allowlists, approvals, freezes, parked
	// payouts, the journal and the tenants' data keys.
	Custody struct{ *Table }
	// HotKeys keeps the hot key in use and its rotations.
	HotKeys struct{ *Table }
	// Cold keeps the platform's cold payouts.
	Cold struct{ *Table }
	// Grants keeps Tron sweep grants.
	Grants struct{ *Table }
	// Sweeps keeps the deposit addresses waiting to be swept and the sweep
	// in flight.
	Sweeps struct{ *Table }
	// History keeps each wallet's transfer history.
	History struct{ *Table }
	// Courses keeps course attempts, progress and certificates.
	Courses struct{ *Table }
	// Live keeps WebSocket connections and their subscriptions.
	Live struct{ *Table }
	// Watch keeps the chain watchers' state, the payouts they follow and
	// the platform's own addresses.
	Watch struct{ *Table }
)

// Store bundles the aggregates' stores over one table, for wiring: each
// consumer takes the one it needs (store.Wallets, store.Ledger...).
type Store struct {
	// Base is the table they share (its clock, its sealing of PII).
	Base        *Table
	Wallets     *Wallets
	Ledger      *Ledger
	Withdrawals *Withdrawals
	Custody     *Custody
	HotKeys     *HotKeys
	Cold        *Cold
	Grants      *Grants
	Sweeps      *Sweeps
	History     *History
	Courses     *Courses
	Live        *Live
	Watch       *Watch
	// Webhooks keeps webhook endpoints, events, delivery jobs and the log.
	Webhooks *Webhooks
	// Audit keeps the hash-chained audit log, its heads, keys and anchors.
	Audit *Audit
	// Compliance keeps monitoring rules and activity, alerts and cases.
	Compliance *Compliance
	// Travel keeps transfers' travel-rule data (IVMS 101, sealed).
	Travel *Travel
	// Sanctions keeps the sanctions list by version and tenants' blocklists.
	Sanctions *Sanctions
	// Customers keeps customers (PII sealed), tier tables, the KYC expiry
	// index and the limit counters.
	Customers *Customers
	// Settlements keeps fee schedules, settlement configs, settlements
	// with their lines, the due index and the liabilities counter.
	Settlements *Settlements
	// Batches keeps payout batch records.
	Batches *PayoutBatches
}

// New returns the stores on table.
func New(db DB, table string) *Store {
	return Over(&Table{db: db, table: table, Now: time.Now})
}

// Over returns the stores over t (sharing its clock and sealing).
func Over(t *Table) *Store {
	return &Store{Base: t, Wallets: &Wallets{t}, Ledger: &Ledger{t}, Withdrawals: &Withdrawals{t}, Custody: &Custody{t},
		HotKeys: &HotKeys{t}, Cold: &Cold{t}, Grants: &Grants{t}, Sweeps: &Sweeps{t}, History: &History{t}, Courses: &Courses{t},
		Live: &Live{t}, Watch: &Watch{t}, Webhooks: &Webhooks{t}, Audit: &Audit{t}, Travel: &Travel{t},
		Sanctions: &Sanctions{Table: t}, Compliance: &Compliance{t}, Customers: &Customers{t},
		Settlements: &Settlements{Table: t}, Batches: &PayoutBatches{t}}
}

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

// Name names the table the stores write.
func (st *Table) Name() string { return st.table }

// Table names the table the stores write.
func (s *Store) Table() string { return s.Base.table }

// TronSweeps is the Tron sweeper's store: its sweeps, the grants that let
// the hot key pull the deposits, and the transactions it signs.
type TronSweeps struct {
	*Sweeps
	*Grants
	*Withdrawals
}
