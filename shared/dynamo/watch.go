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

// A chain watcher's state is one item WATCH#<name> holding an opaque blob
// and a version; saving succeeds only over the version that was loaded, so
// two overlapping runs never both advance the cursor.

// LoadWatch returns the blob and its version (0 when there is none).
func (st *Watch) LoadWatch(ctx context.Context, name string) ([]byte, int64, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key("WATCH#"+name, "STATE"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, 0, classify("dynamo.LoadWatch", err)
	}
	if out.Item == nil {
		return nil, 0, nil
	}
	return getB(out.Item, "state"), getN(out.Item, "version"), nil
}

// SaveWatch writes the blob as version+1 if the stored version is still version.
func (st *Watch) SaveWatch(ctx context.Context, name string, blob []byte, version int64) error {
	in := &dynamodb.PutItemInput{TableName: &st.table,
		Item: item{attrPK: s("WATCH#" + name), attrSK: s("STATE"), "state": b(blob), "version": n(version + 1)}}
	if version == 0 {
		in.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		in.ConditionExpression = aws.String("version = :v")
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":v": n(version)}
	}
	_, err := st.db.PutItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return sg.ErrStateChanged
	}
	return classifyOrNil("dynamo.SaveWatch", err)
}

// AddressOwner is kept for callers outside the services; the domain owns it.
type AddressOwner = sg.AddressOwner

// AddressesSince reads the deposit addresses (lower-case) of a chain whose
// wallet ids sort after `after` ("0" for all), with their owners, and the
// last position read. Wallet ids are time-ordered, so a watcher loads the
// list once and then only what is new.
func (st *Watch) AddressesSince(ctx context.Context, c sg.Chain, after string) (map[string]AddressOwner, string, error) {
	in := &dynamodb.QueryInput{TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND SK > :after"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(addrListPrefix + string(c)), ":after": s(after)}}
	p := dynamodb.NewQueryPaginator(st.db, in)
	out := map[string]AddressOwner{}
	last := after
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, after, classify("dynamo.AddressesSince", err)
		}
		for _, it := range page.Items {
			sk := getS(it, attrSK)
			out[sk[strings.IndexByte(sk, '#')+1:]] = AddressOwner{Tenant: getS(it, "tenant"), Wallet: getS(it, "wallet_id"), Index: uint32(getN(it, "hd_index")), Address: getS(it, "address")}
			last = sk
		}
	}
	return out, last, nil
}
