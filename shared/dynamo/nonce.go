package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/big"
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

// NonceClaim and NonceGuard are kept for callers outside the services;
// the domain owns them.
type (
	NonceClaim = sg.NonceClaim
	NonceGuard = sg.NonceGuard
)

// NonceOf returns the nonce claimed by job id on the hot address, if any.
func (st *Withdrawals) NonceOf(ctx context.Context, chain sg.Chain, addr, id string) (NonceClaim, bool, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(noncePK(chain, addr), "FOR#"+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return NonceClaim{}, false, classify("dynamo.NonceOf", err)
	}
	if out.Item == nil {
		return NonceClaim{}, false, nil
	}
	return decodeClaim(out.Item), true, nil
}

func decodeClaim(it item) NonceClaim {
	c := NonceClaim{Nonce: uint64(getN(it, "nonce")), Gas: uint64(getN(it, "gas"))}
	c.Tip, _ = new(big.Int).SetString(getS(it, "tip"), 10)
	c.FeeCap, _ = new(big.Int).SetString(getS(it, "cap"), 10)
	if c.Tip == nil || c.FeeCap == nil {
		c.Gas = 0
	}
	return c
}

// AllocateNonce returns the nonce of job id on the hot address, giving it
// the next one, with the terms given, if it has none (an existing claim is
// returned as it was recorded). start is the chain's nonce for the address,
// used when the counter does not exist yet. With a guard, the nonce is
// taken only while the withdrawal is in one of the guard's states;
// otherwise the answer is sg.ErrStateChanged and nothing is taken.
func (st *Withdrawals) AllocateNonce(ctx context.Context, chain sg.Chain, addr, id string, start uint64, terms NonceClaim, guard *NonceGuard) (NonceClaim, error) {
	pk := noncePK(chain, addr)
	var mark *types.Update
	if guard != nil {
		kp, ok := sg.KeyPart("txn", guard.TransferID)
		if !ok {
			return NonceClaim{}, sg.ErrNotFound.WithParam("transfer_id")
		}
		vals := map[string]types.AttributeValue{":nodue": s(dueSort(time.Time{}, guard.TransferID))}
		var in []string
		for i, state := range guard.States {
			k := fmt.Sprintf(":s%d", i)
			vals[k] = s(string(state))
			in = append(in, k)
		}
		mark = &types.Update{TableName: &st.table, Key: key(tenantPK(guard.Tenant), txnPrefix+kp),
			// A payout holding a nonce no longer lapses: it sorts last in
			// the expiry order of open withdrawals.
			UpdateExpression: aws.String("SET nc = :nc, " + attrGSI1SK + " = :nodue"), ExpressionAttributeValues: vals,
			ConditionExpression: aws.String("st IN (" + strings.Join(in, ", ") + ")")}
	}
	for attempt := 0; attempt < 200; attempt++ {
		got, err := st.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{st.table: {
			Keys: []map[string]types.AttributeValue{key(pk, "NEXT"), key(pk, "FOR#"+id)}, ConsistentRead: aws.Bool(true)}}})
		if err != nil {
			return NonceClaim{}, classify("dynamo.AllocateNonce", err)
		}
		var next int64 = -1
		for _, it := range got.Responses[st.table] {
			switch getS(it, attrSK) {
			case "FOR#" + id:
				return decodeClaim(it), nil
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
		claim := item{attrPK: s(pk), attrSK: s("FOR#" + id), "nonce": n(nonce)}
		if terms.Gas > 0 && terms.Tip != nil && terms.FeeCap != nil {
			claim["gas"], claim["tip"], claim["cap"] = n(int64(terms.Gas)), s(terms.Tip.String()), s(terms.FeeCap.String())
		}
		items := []types.TransactWriteItem{
			{Update: counter},
			{Put: &types.Put{TableName: &st.table, Item: claim, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		}
		if mark != nil {
			m := *mark
			m.ExpressionAttributeValues = map[string]types.AttributeValue{":nc": n(nonce)}
			for k, v := range mark.ExpressionAttributeValues {
				m.ExpressionAttributeValues[k] = v
			}
			items = append(items, types.TransactWriteItem{Update: &m})
		}
		_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			terms.Nonce = uint64(nonce)
			return terms, nil
		}
		if reasons := cancelled(err); len(reasons) == 3 && aws.ToString(reasons[2].Code) == "ConditionalCheckFailed" &&
			aws.ToString(reasons[1].Code) != "ConditionalCheckFailed" {
			// The withdrawal moved on (cancelled, expired): no nonce for it.
			return NonceClaim{}, sg.ErrStateChanged
		}
		var tce *types.TransactionCanceledException
		var conflict *types.TransactionConflictException
		if !errors.As(err, &tce) && !errors.As(err, &conflict) {
			return NonceClaim{}, classify("dynamo.AllocateNonce", err)
		}
		// Another allocation won the counter, or this job was given a
		// nonce meanwhile: read again.
	}
	return NonceClaim{}, sg.Unavailable("dynamo.AllocateNonce", errors.New("nonce counter too contended"))
}

// SignedTx is kept for callers outside the services; the domain owns it.
type SignedTx = sg.SignedTx

// SaveSignedTx keeps a payout's signed transaction, once: a payout signed
// again after a crash gets the first bytes back, so one nonce never carries
// two different payouts.
func (st *Withdrawals) SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (SignedTx, error) {
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
func (st *Withdrawals) ReplaceSignedTx(ctx context.Context, id, oldHash string, raw []byte, hash string, at time.Time) (SignedTx, error) {
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
func (st *Withdrawals) SignedTx(ctx context.Context, id string) (SignedTx, error) {
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
