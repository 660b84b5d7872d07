package dynamo

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type addressItem struct {
	Chain   string `dynamodbav:"chain"`
	Asset   string `dynamodbav:"asset"`
	Address string `dynamodbav:"address"`
	Path    string `dynamodbav:"path"`
}

type walletItem struct {
	PK          string            `dynamodbav:"PK"`
	SK          string            `dynamodbav:"SK"`
	Type        string            `dynamodbav:"type"`
	ID          string            `dynamodbav:"id"`
	Tenant      string            `dynamodbav:"tenant"`
	CustomerRef string            `dynamodbav:"customer_ref"`
	Label       string            `dynamodbav:"label,omitempty"`
	Metadata    map[string]string `dynamodbav:"metadata,omitempty"`
	Index       uint32            `dynamodbav:"hd_index"`
	Addresses   []addressItem     `dynamodbav:"addresses"`
	CreatedAt   string            `dynamodbav:"created_at"`
}

// addressClaim maps a deposit address to its wallet: the deposit watcher's
// lookup, and a guard that no address is ever handed out twice.
type addressClaim struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Type   string `dynamodbav:"type"`
	Tenant string `dynamodbav:"tenant"`
	Wallet string `dynamodbav:"wallet_id"`
}

// NextIndex atomically increments the platform's derivation counter. Every
// call gets a distinct index, whatever the concurrency; an index whose
// wallet is never written is simply skipped.
func (s *Store) NextIndex(ctx context.Context) (uint32, error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       key(seqHDIndex, "SEQ"),
		UpdateExpression:          aws.String("ADD #n :one"),
		ExpressionAttributeNames:  map[string]string{"#n": "next"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}},
		ReturnValues:              types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return 0, classify("dynamo.NextIndex", err)
	}
	var n uint64
	if v, ok := out.Attributes["next"].(*types.AttributeValueMemberN); ok {
		n, err = strconv.ParseUint(v.Value, 10, 32)
	}
	if err != nil || n == 0 || n > 1<<31 {
		return 0, sg.Internal("dynamo.NextIndex", fmt.Errorf("counter out of range: %d", n))
	}
	return uint32(n - 1), nil
}

// CreateWallet writes the wallet, one claim per deposit address and the
// idempotency record in one transaction.
func (s *Store) CreateWallet(ctx context.Context, w sg.Wallet, idem sg.Idempotency) error {
	item := walletItem{
		PK: tenantPK(w.TenantID), SK: walletPrefix + w.ID, Type: "wallet", ID: w.ID, Tenant: w.TenantID,
		CustomerRef: w.CustomerRef, Label: w.Label, Metadata: w.Metadata, Index: w.Index,
		CreatedAt: w.CreatedAt.UTC().Format(time.RFC3339Nano),
	}
	for _, a := range w.Addresses {
		item.Addresses = append(item.Addresses, addressItem{string(a.Chain), string(a.Asset), a.Address, a.Path})
	}
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return sg.Internal("dynamo.CreateWallet", err)
	}
	notExists := aws.String("attribute_not_exists(PK)")
	tx := []types.TransactWriteItem{{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: notExists}}}
	for _, a := range w.Addresses {
		claim, err := attributevalue.MarshalMap(addressClaim{
			PK: addrPrefix + string(a.Chain) + "#" + strings.ToLower(a.Address), SK: "ADDR", Type: "address", Tenant: w.TenantID, Wallet: w.ID,
		})
		if err != nil {
			return sg.Internal("dynamo.CreateWallet", err)
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: claim, ConditionExpression: notExists}})
	}
	idemPut, err := s.idempotencyPut(idem)
	if err != nil {
		return err
	}
	tx = append(tx, idemPut)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if reasons := cancelled(err); reasons != nil {
		if last := reasons[len(reasons)-1]; aws.ToString(last.Code) == "ConditionalCheckFailed" {
			return sg.ErrIdempotencyInProgress
		}
		for _, r := range reasons[:len(reasons)-1] {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				return sg.Internal("dynamo.CreateWallet", fmt.Errorf("wallet or deposit address already claimed (index %d)", w.Index))
			}
		}
	}
	if err != nil {
		return classify("dynamo.CreateWallet", err)
	}
	return nil
}

// Wallet reads one wallet of the tenant.
func (s *Store) Wallet(ctx context.Context, tenant, id string) (sg.Wallet, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(tenantPK(tenant), walletPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Wallet{}, classify("dynamo.Wallet", err)
	}
	if out.Item == nil {
		return sg.Wallet{}, sg.ErrNotFound.WithParam("wallet_id")
	}
	return decodeWallet(out.Item)
}

func decodeWallet(av map[string]types.AttributeValue) (sg.Wallet, error) {
	var it walletItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return sg.Wallet{}, sg.Internal("dynamo.decodeWallet", err)
	}
	created, err := time.Parse(time.RFC3339Nano, it.CreatedAt)
	if err != nil {
		return sg.Wallet{}, sg.Internal("dynamo.decodeWallet", err)
	}
	w := sg.Wallet{ID: it.ID, TenantID: it.Tenant, CustomerRef: it.CustomerRef, Label: it.Label, Metadata: it.Metadata, Index: it.Index, CreatedAt: created}
	for _, a := range it.Addresses {
		w.Addresses = append(w.Addresses, sg.DepositAddress{Chain: sg.Chain(a.Chain), Asset: sg.Asset(a.Asset), Address: a.Address, Path: a.Path})
	}
	return w, nil
}

// Wallets lists the tenant's wallets newest first. The cursor is the last
// wallet id of the page, base64url encoded; it only ever addresses the
// caller's own partition.
func (s *Store) Wallets(ctx context.Context, tenant string, page sg.Page) ([]sg.Wallet, string, error) {
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: tenantPK(tenant)},
			":w":  &types.AttributeValueMemberS{Value: walletPrefix},
		},
		ScanIndexForward: aws.Bool(false),
		// One more than asked tells whether another page exists, so the
		// last page never comes back empty.
		Limit: aws.Int32(int32(page.Limit + 1)),
	}
	if page.Cursor != "" {
		id, err := DecodeCursor(page.Cursor, "wal")
		if err != nil {
			return nil, "", err
		}
		in.ExclusiveStartKey = key(tenantPK(tenant), walletPrefix+id)
	}
	out, err := s.db.Query(ctx, in)
	if err != nil {
		return nil, "", classify("dynamo.Wallets", err)
	}
	ws := make([]sg.Wallet, 0, len(out.Items))
	for _, it := range out.Items {
		w, err := decodeWallet(it)
		if err != nil {
			return nil, "", err
		}
		ws = append(ws, w)
	}
	next := ""
	if len(ws) > page.Limit {
		ws = ws[:page.Limit]
		next = EncodeCursor(ws[len(ws)-1].ID)
	}
	return ws, next, nil
}

// EncodeCursor makes an opaque cursor from the last id of a page.
func EncodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// DecodeCursor reads a cursor made by EncodeCursor for ids with prefix.
func DecodeCursor(c, prefix string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !sg.ValidID(prefix, string(b)) {
		return "", sg.ErrInvalidCursor
	}
	return string(b), nil
}
