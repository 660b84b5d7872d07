package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Travel keeps transfers' travel-rule data (sg.TravelStore). Items:
//
//	record   PK TENANT#<tenant>   SK TRAVEL#<transfer id>#<out|in>
//
// attributes: transfer, dir, status, payload (B: the IVMS 101 JSON sealed
// for the tenant; absent when no data), vasp (the counterparty VASP's LEI
// or name), amount (base units), chain, at (unix µs). The payload is the
// only PII and is never stored open. Written once (attribute_not_exists).
type Travel struct{ *Table }

const travelPrefix = "TRAVEL#"

func travelSK(id string, d sg.TravelDirection) string { return travelPrefix + id + "#" + string(d) }

func travelItem(r sg.TravelRecord) item {
	it := item{attrPK: s(tenantPK(r.Tenant)), attrSK: s(travelSK(r.TransferID, r.Direction)), "transfer": s(r.TransferID), "dir": s(string(r.Direction)),
		"status": s(string(r.Status)), "vasp": s(r.CounterpartyVASP), "amount": n(int64(r.Amount)), "chain": s(string(r.Chain)), "at": usecN(r.At)}
	if until := sg.RetainUntil("travel_rule", r.At); !until.IsZero() && !r.At.IsZero() {
		it[attrExpires] = n(until.Unix()) // removed by the table's TTL after the retention period
	}
	if len(r.PayloadSealed) > 0 {
		it["payload"] = b(r.PayloadSealed)
	}
	if r.OwnAddress {
		it["own"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	return it
}

func decodeTravel(tenant string, it item) sg.TravelRecord {
	return sg.TravelRecord{Tenant: tenant, TransferID: getS(it, "transfer"), Direction: sg.TravelDirection(getS(it, "dir")),
		Status: sg.TravelStatus(getS(it, "status")), PayloadSealed: getB(it, "payload"), CounterpartyVASP: getS(it, "vasp"),
		Amount: sg.Amount(getN(it, "amount")), Chain: sg.Chain(getS(it, "chain")), At: getUsec(it, "at"), OwnAddress: getBool(it, "own")}
}

// PutTravel writes r once.
func (st *Travel) PutTravel(ctx context.Context, r sg.TravelRecord) error {
	_, err := st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: travelItem(r),
		ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if condFailed(err) {
		return sg.ErrTravelRecordExists
	}
	if err != nil {
		return classify("dynamo.PutTravel", err)
	}
	return nil
}

// Travel reads one record of the tenant.
func (st *Travel) Travel(ctx context.Context, tenant, id string, d sg.TravelDirection) (sg.TravelRecord, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), travelSK(id, d)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.TravelRecord{}, classify("dynamo.Travel", err)
	}
	if out.Item == nil {
		return sg.TravelRecord{}, sg.ErrNotFound
	}
	return decodeTravel(tenant, out.Item), nil
}

// TravelByTransfer lists a transfer's records, out before in (two at most:
// one query).
func (st *Travel) TravelByTransfer(ctx context.Context, tenant, id string) ([]sg.TravelRecord, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":p": s(travelPrefix + id + "#")}})
	if err != nil {
		return nil, classify("dynamo.TravelByTransfer", err)
	}
	var l []sg.TravelRecord
	for _, d := range []sg.TravelDirection{sg.TravelOut, sg.TravelIn} {
		for _, it := range out.Items {
			if getS(it, attrSK) == travelSK(id, d) {
				l = append(l, decodeTravel(tenant, it))
			}
		}
	}
	return l, nil
}
