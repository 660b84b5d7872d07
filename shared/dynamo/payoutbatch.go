package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// PayoutBatches keeps payout batch records on the table:
//
//	batch  PK TENANT#<tenant>  SK PBATCH#<id>  st <state>  v <version>  rows <JSON>
//
// The rows and the legs with their members (up to 500 rows, about 150
// bytes a row) are one JSON attribute: they are read and written whole,
// never queried. Updates are conditional on the version read. A record
// written before batches had legs (one chain's members, its chain and the
// transaction in "tx") reads back as one leg named by the batch id, the
// job its transaction was kept under.
type PayoutBatches struct{ *Table }

var _ sg.PayoutBatches = (*PayoutBatches)(nil)

const payoutBatchPrefix = "PBATCH#"

// batchBody is what the JSON attribute holds.
type batchBody struct {
	Wallet string        `json:"w"`
	Rows   []sg.BatchRow `json:"r"`
	Legs   []legBody     `json:"l,omitempty"`
	// Members and Chain are a record's from before legs (read only).
	Members []string `json:"m,omitempty"`
	Chain   sg.Chain `json:"c,omitempty"`
}

// legBody is one leg in the JSON attribute.
type legBody struct {
	Chain   sg.Chain            `json:"c"`
	Job     string              `json:"j"`
	State   sg.PayoutBatchState `json:"s"`
	Members []string            `json:"m"`
	TxHash  string              `json:"tx,omitempty"`
}

func (st *PayoutBatches) batchItem(b sg.PayoutBatch) (item, error) {
	bb := batchBody{Wallet: b.Wallet, Rows: b.Rows}
	for _, l := range b.Legs {
		bb.Legs = append(bb.Legs, legBody{Chain: l.Chain, Job: l.Job, State: l.State, Members: l.Members, TxHash: l.TxHash})
	}
	body, err := json.Marshal(bb)
	if err != nil {
		return nil, sg.Internal("dynamo.batchItem", err)
	}
	it := item{attrPK: s(tenantPK(b.TenantID)), attrSK: s(payoutBatchPrefix + b.ID), "id": s(b.ID), "st": s(string(b.State)),
		"v": n(int64(b.Version)), "rh": s(b.RequestHash), "rows": s(string(body)),
		"ct": n(b.CreatedAt.UnixMicro()), "ut": n(b.UpdatedAt.UnixMicro())}
	return it, nil
}

// CreateBatch writes b once (sg.ErrBatchExists when its id is taken).
func (st *PayoutBatches) CreateBatch(ctx context.Context, b sg.PayoutBatch) error {
	it, err := st.batchItem(b)
	if err != nil {
		return err
	}
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: it, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	var cf *types.ConditionalCheckFailedException
	if errors.As(err, &cf) {
		return sg.ErrBatchExists
	}
	if err != nil {
		return classify("dynamo.CreateBatch", err)
	}
	return nil
}

// PayoutBatch reads a batch (another tenant's is not found).
func (st *PayoutBatches) PayoutBatch(ctx context.Context, tenant, id string) (sg.PayoutBatch, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), payoutBatchPrefix+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.PayoutBatch{}, classify("dynamo.PayoutBatch", err)
	}
	if out.Item == nil {
		return sg.PayoutBatch{}, sg.ErrNotFound.WithParam("batch_id")
	}
	it := out.Item
	var body batchBody
	if err := json.Unmarshal([]byte(getS(it, "rows")), &body); err != nil {
		return sg.PayoutBatch{}, sg.Internal("dynamo.PayoutBatch", err)
	}
	b := sg.PayoutBatch{ID: getS(it, "id"), TenantID: tenant, Wallet: body.Wallet, RequestHash: getS(it, "rh"),
		State: sg.PayoutBatchState(getS(it, "st")), Rows: body.Rows,
		Version: int(getN(it, "v")), CreatedAt: time.UnixMicro(getN(it, "ct")).UTC(), UpdatedAt: time.UnixMicro(getN(it, "ut")).UTC()}
	for _, l := range body.Legs {
		b.Legs = append(b.Legs, sg.BatchLeg{Chain: l.Chain, Job: l.Job, State: l.State, Members: l.Members, TxHash: l.TxHash})
	}
	if len(body.Legs) == 0 && len(body.Members) > 0 {
		b.Legs = []sg.BatchLeg{{Chain: body.Chain, Job: b.ID, State: b.State, Members: body.Members, TxHash: getS(it, "tx")}}
	}
	return b, nil
}

// UpdateBatch writes b if the stored version is b.Version-1 (else
// sg.ErrStateChanged).
func (st *PayoutBatches) UpdateBatch(ctx context.Context, b sg.PayoutBatch) error {
	it, err := st.batchItem(b)
	if err != nil {
		return err
	}
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &st.table, Item: it, ConditionExpression: aws.String("v = :prev"),
		ExpressionAttributeValues: item{":prev": &types.AttributeValueMemberN{Value: strconv.Itoa(b.Version - 1)}}})
	var cf *types.ConditionalCheckFailedException
	if errors.As(err, &cf) {
		return sg.ErrStateChanged
	}
	if err != nil {
		return classify("dynamo.UpdateBatch", err)
	}
	return nil
}
