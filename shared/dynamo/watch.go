package dynamo

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"

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
// list once and then only what is new (AddressPages, without holding the
// whole list twice).
func (st *Watch) AddressesSince(ctx context.Context, c sg.Chain, after string) (map[string]AddressOwner, string, error) {
	out := map[string]AddressOwner{}
	last, err := st.AddressPages(ctx, c, after, func(page []AddressOwner) error {
		for _, o := range page {
			out[strings.ToLower(o.Address)] = o
		}
		return nil
	})
	return out, last, err
}

// addrShards is how many partitions a chain's address list is spread
// over (ADDRS#<chain>#<shard>): a million addresses under one key would
// make it hot at every wallet created and slow to read at a cold start.
const addrShards = 16

// addrListPK is the partition of the address list an address is in.
func addrListPK(c sg.Chain, addr string) string {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(addr)))
	return addrListPrefix + string(c) + "#" + strconv.Itoa(int(h.Sum32()%addrShards))
}

// AddressPages reads the deposit addresses of a chain whose wallet ids
// sort after `after` ("0" for all), with their owners, handing them to
// page a page at a time (never two calls at once), and returns the last
// position read (the greatest wallet id#address). The shards are read in
// parallel, with the list written before sharding (ADDRS#<chain>).
func (st *Watch) AddressPages(ctx context.Context, c sg.Chain, after string, page func([]AddressOwner) error) (string, error) {
	pks := []string{addrListPrefix + string(c)}
	for i := 0; i < addrShards; i++ {
		pks = append(pks, addrListPrefix+string(c)+"#"+strconv.Itoa(i))
	}
	var (
		mu    sync.Mutex
		last  = after
		first error
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, pk := range pks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := &dynamodb.QueryInput{TableName: &st.table, KeyConditionExpression: aws.String("PK = :pk AND SK > :after"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(pk), ":after": s(after)}}
			p := dynamodb.NewQueryPaginator(st.db, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				var list []AddressOwner
				if err != nil {
					err = classify("dynamo.AddressPages", err)
				} else {
					list = make([]AddressOwner, 0, len(out.Items))
					for _, it := range out.Items {
						list = append(list, AddressOwner{Tenant: getS(it, "tenant"), Wallet: getS(it, "wallet_id"), Index: uint32(getN(it, "hd_index")), Address: getS(it, "address")})
					}
				}
				mu.Lock()
				if err == nil && first == nil {
					err = page(list)
					for _, it := range out.Items {
						last = max(last, getS(it, attrSK))
					}
				}
				if err != nil && first == nil {
					first = err
					cancel()
				}
				stop := first != nil
				mu.Unlock()
				if stop {
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return after, first
	}
	return last, nil
}
