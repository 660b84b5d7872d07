package dynamo

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Nonces of a hot address are handed out without gaps or duplicates, one per
// payout: a payout asking again (a retried worker) gets the nonce it was
// given. The counter item NONCE#<chain>#<address> holds the next nonce; the
// item NONCE#<chain>#<address> / FOR#<transfer> records each allocation. Both
// are written in one transaction guarded by the counter's current value
// (optimistic: a concurrent allocation makes this one retry), so an
// allocation either happens whole or not at all and no nonce is skipped.

func noncePK(chain sg.Chain, addr string) string {
	return "NONCE#" + string(chain) + "#" + strings.ToLower(addr)
}

// AllocateNonce returns the nonce of transferID on the hot address, giving
// it the next one if it has none. start is the chain's nonce for the
// address, used when the counter does not exist yet.
func (st *Store) AllocateNonce(ctx context.Context, chain sg.Chain, addr, transferID string, start uint64) (uint64, error) {
	pk := noncePK(chain, addr)
	for attempt := 0; attempt < 200; attempt++ {
		got, err := st.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{st.table: {
			Keys: []map[string]types.AttributeValue{key(pk, "NEXT"), key(pk, "FOR#"+transferID)}, ConsistentRead: aws.Bool(true)}}})
		if err != nil {
			return 0, classify("dynamo.AllocateNonce", err)
		}
		var next int64 = -1
		for _, it := range got.Responses[st.table] {
			switch getS(it, attrSK) {
			case "FOR#" + transferID:
				return uint64(getN(it, "nonce")), nil
			case "NEXT":
				next = getN(it, "next")
			}
		}
		counter := &types.Update{TableName: &st.table, Key: key(pk, "NEXT"), UpdateExpression: aws.String("SET #n = :n1"),
			ExpressionAttributeNames: map[string]string{"#n": "next"}}
		var nonce int64
		if next < 0 {
			nonce = int64(start)
			counter.ConditionExpression = aws.String("attribute_not_exists(PK)")
			counter.ExpressionAttributeValues = map[string]types.AttributeValue{":n1": n(nonce + 1)}
		} else {
			nonce = next
			counter.ConditionExpression = aws.String("#n = :n")
			counter.ExpressionAttributeValues = map[string]types.AttributeValue{":n": n(nonce), ":n1": n(nonce + 1)}
		}
		_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Update: counter},
			{Put: &types.Put{TableName: &st.table, Item: item{attrPK: s(pk), attrSK: s("FOR#" + transferID), "nonce": n(nonce)},
				ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		}})
		if err == nil {
			return uint64(nonce), nil
		}
		var tce *types.TransactionCanceledException
		var conflict *types.TransactionConflictException
		if !errors.As(err, &tce) && !errors.As(err, &conflict) {
			return 0, classify("dynamo.AllocateNonce", err)
		}
		// Another allocation won the counter, or this transfer was given a
		// nonce meanwhile: read again.
	}
	return 0, sg.Unavailable("dynamo.AllocateNonce", errors.New("nonce counter too contended"))
}

// SaveSignedTx keeps a payout's signed transaction, once: a payout signed
// again after a crash gets the first bytes back, so one nonce never carries
// two different transactions.
func (st *Store) SaveSignedTx(ctx context.Context, transferID string, raw []byte, hash string) ([]byte, string, error) {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table,
		Item:                item{attrPK: s("PAYOUT#" + transferID), attrSK: s("TX"), "raw": b(raw), "hash": s(hash)},
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return nil, "", classify("dynamo.SaveSignedTx", err)
	}
	if err == nil {
		return raw, hash, nil
	}
	return st.SignedTx(ctx, transferID)
}

// SignedTx reads a payout's signed transaction or returns ErrNotFound.
func (st *Store) SignedTx(ctx context.Context, transferID string) ([]byte, string, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("PAYOUT#"+transferID, "TX"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, "", classify("dynamo.SignedTx", err)
	}
	if out.Item == nil {
		return nil, "", sg.ErrNotFound
	}
	return getB(out.Item, "raw"), getS(out.Item, "hash"), nil
}
