package dynamo

import (
	"context"
	"errors"
	"strings"
	"time"

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

// SignedTx is the transaction kept for a payout or a sweep: the current
// bytes and hash, the hashes it replaced (same nonce, lower fees; any of them
// may be the one mined) and when the current one was signed.
type SignedTx struct {
	Raw  []byte
	Hash string
	Prev []string
	At   time.Time
}

// SaveSignedTx keeps a payout's signed transaction, once: a payout signed
// again after a crash gets the first bytes back, so one nonce never carries
// two different payouts.
func (st *Store) SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (SignedTx, error) {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table,
		Item:                item{attrPK: s("PAYOUT#" + id), attrSK: s("TX"), "raw": b(raw), "hash": s(hash), "at": s(at.UTC().Format(time.RFC3339Nano))},
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return SignedTx{}, classify("dynamo.SaveSignedTx", err)
	}
	if err == nil {
		return SignedTx{Raw: raw, Hash: hash, At: at.UTC()}, nil
	}
	return st.SignedTx(ctx, id)
}

// ReplaceSignedTx swaps the kept transaction for a replacement (same nonce,
// higher fees) if the kept one is still oldHash, remembering oldHash. It
// returns what is kept afterwards: the replacement, or a concurrent one.
func (st *Store) ReplaceSignedTx(ctx context.Context, id, oldHash string, raw []byte, hash string, at time.Time) (SignedTx, error) {
	_, err := st.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &st.table, Key: key("PAYOUT#"+id, "TX"),
		UpdateExpression:         aws.String("SET #raw = :raw, #h = :h, #at = :at, prev = list_append(if_not_exists(prev, :empty), :old)"),
		ConditionExpression:      aws.String("#h = :oldh"),
		ExpressionAttributeNames: map[string]string{"#raw": "raw", "#h": "hash", "#at": "at"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":raw": b(raw), ":h": s(hash), ":at": s(at.UTC().Format(time.RFC3339Nano)),
			":empty": &types.AttributeValueMemberL{}, ":old": &types.AttributeValueMemberL{Value: []types.AttributeValue{s(oldHash)}}, ":oldh": s(oldHash)}})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return SignedTx{}, classify("dynamo.ReplaceSignedTx", err)
	}
	return st.SignedTx(ctx, id)
}

// SignedTx reads a payout's signed transaction or returns ErrNotFound.
func (st *Store) SignedTx(ctx context.Context, id string) (SignedTx, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("PAYOUT#"+id, "TX"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return SignedTx{}, classify("dynamo.SignedTx", err)
	}
	if out.Item == nil {
		return SignedTx{}, sg.ErrNotFound
	}
	at, _ := time.Parse(time.RFC3339Nano, getS(out.Item, "at"))
	tx := SignedTx{Raw: getB(out.Item, "raw"), Hash: getS(out.Item, "hash"), At: at}
	if l, ok := out.Item["prev"].(*types.AttributeValueMemberL); ok {
		for _, v := range l.Value {
			if sv, ok := v.(*types.AttributeValueMemberS); ok {
				tx.Prev = append(tx.Prev, sv.Value)
			}
		}
	}
	return tx, nil
}
