package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/lazy"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// PayoutBatches serves POST /v1/payout-batches and GET
// /v1/payout-batches/{batch_id}: many payouts from one wallet, each an
// ordinary withdrawal of the pipeline, paid per chain in one transaction.
type PayoutBatches struct {
	B *ledger.Batches
	// Travel, if set, applies the travel rule to each row: a row over the
	// threshold is refused (travel_rule_data_required): a batch row
	// carries no IVMS 101 data; send such a payout alone.
	Travel *compliance.Travel
}

// MaxPayoutBatchBytes bounds a batch request's body (JSON or CSV).
const MaxPayoutBatchBytes = 512 << 10

// PayoutBatchRequest is the JSON body of POST /v1/payout-batches.
type PayoutBatchRequest struct {
	WalletID string              `json:"wallet_id" validate:"required,max=64"`
	Asset    string              `json:"asset" validate:"required,oneof=USDT"`
	Payouts  []PayoutBatchRowReq `json:"payouts" validate:"required,max=500,dive"`
}

// PayoutBatchRowReq is one payout of a batch request.
type PayoutBatchRowReq struct {
	Chain          string            `json:"chain" validate:"required,max=16"`
	ToAddress      string            `json:"to_address" validate:"required,max=128"`
	Amount         string            `json:"amount" validate:"required,max=40"`
	Memo           string            `json:"memo,omitempty" validate:"max=140"`
	Metadata       map[string]string `json:"metadata,omitempty" validate:"max=20,dive,keys,min=1,max=40,printascii,endkeys,max=500"`
	IdempotencyKey string            `json:"idempotency_key,omitempty" validate:"max=200"`
}

// PayoutBatchView is the PayoutBatch schema.
type PayoutBatchView struct {
	ID       string              `json:"id"`
	Object   string              `json:"object"`
	State    sg.PayoutBatchState `json:"state"`
	WalletID string              `json:"wallet_id"`
	// Chain and TxHash name the batch's transaction when it has exactly
	// one leg (as before batches paid several chains); Legs name each.
	Chain     sg.Chain          `json:"chain,omitempty"`
	TxHash    string            `json:"tx_hash,omitempty"`
	Legs      []PayoutBatchLeg  `json:"transactions"`
	Totals    PayoutBatchTotals `json:"totals"`
	Payouts   []PayoutBatchRow  `json:"payouts"`
	CreatedAt string            `json:"created_at"`
}

// PayoutBatchLeg is one of the batch's transactions: the one paying its
// members on one chain.
type PayoutBatchLeg struct {
	Chain   sg.Chain            `json:"chain"`
	State   sg.PayoutBatchState `json:"state"`
	TxHash  string              `json:"tx_hash,omitempty"`
	Payouts int                 `json:"payouts"`
	Paid    int                 `json:"paid"`
	Failed  int                 `json:"failed"`
}

// PayoutBatchTotals count the rows by outcome.
type PayoutBatchTotals struct {
	Payouts  int    `json:"payouts"`
	Refused  int    `json:"refused"`
	Paid     int    `json:"paid"`
	Failed   int    `json:"failed"`
	Open     int    `json:"open"`
	Amount   string `json:"amount"`
	PaidOut  string `json:"paid_amount"`
	Returned string `json:"returned_amount"`
}

// PayoutBatchRow is one row's result.
type PayoutBatchRow struct {
	Index          int              `json:"index"`
	IdempotencyKey string           `json:"idempotency_key"`
	Chain          sg.Chain         `json:"chain"`
	ToAddress      string           `json:"to_address"`
	Amount         string           `json:"amount"`
	Status         string           `json:"status"`
	InBatchTx      bool             `json:"in_batch_transaction"`
	TransferID     string           `json:"transfer_id,omitempty"`
	TxHash         string           `json:"tx_hash,omitempty"`
	Fee            string           `json:"fee,omitempty"`
	NetworkFee     *string          `json:"network_fee,omitempty"`
	Reason         string           `json:"reason,omitempty"`
	Error          *PayoutBatchFail `json:"error,omitempty"`
}

// PayoutBatchFail is why a row was refused at creation.
type PayoutBatchFail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

// ViewPayoutBatch renders a batch with its rows' withdrawals as they stand.
func ViewPayoutBatch(b sg.PayoutBatch, ts map[string]sg.Transfer) PayoutBatchView {
	v := PayoutBatchView{ID: b.ID, Object: "payout_batch", State: b.State, WalletID: b.Wallet, Legs: make([]PayoutBatchLeg, 0, len(b.Legs)),
		Payouts: make([]PayoutBatchRow, 0, len(b.Rows)), CreatedAt: b.CreatedAt.UTC().Format(time.RFC3339Nano)}
	member := map[string]int{} // transfer id -> its leg
	for i, l := range b.Legs {
		v.Legs = append(v.Legs, PayoutBatchLeg{Chain: l.Chain, State: l.State, TxHash: l.TxHash, Payouts: len(l.Members)})
		for _, m := range l.Members {
			member[m] = i
		}
	}
	if len(b.Legs) == 1 {
		v.Chain, v.TxHash = b.Legs[0].Chain, b.Legs[0].TxHash
	}
	var total, paid, returned sg.Amount
	for _, r := range b.Rows {
		row := PayoutBatchRow{Index: r.Index, IdempotencyKey: r.Key, Chain: r.Chain, ToAddress: r.ToAddress, Amount: r.Amount.String(),
			TransferID: r.TransferID}
		leg, inBatch := member[r.TransferID]
		row.InBatchTx = inBatch && r.TransferID != ""
		total += r.Amount
		t, ok := ts[r.TransferID]
		switch {
		case r.TransferID == "":
			row.Status = "refused"
			row.Error = &PayoutBatchFail{Code: r.Code, Message: r.Message, Param: r.Param}
			v.Totals.Refused++
		case ok:
			row.Status, row.TxHash, row.Fee = string(t.State), t.TxHash, t.FeeShown().String()
			if t.NetworkFeeKnown() {
				nf := t.NetworkFee.String()
				row.NetworkFee = &nf
			}
			switch {
			case t.State == sg.StatePosted:
				v.Totals.Paid++
				paid += t.Amount
				if row.InBatchTx {
					v.Legs[leg].Paid++
				}
			case t.State.Final():
				v.Totals.Failed++
				if row.InBatchTx {
					v.Legs[leg].Failed++
				}
				returned += t.Amount
				if n := len(t.Events); n > 0 {
					row.Reason = t.Events[n-1].Note
				}
			default:
				v.Totals.Open++
			}
		}
		v.Payouts = append(v.Payouts, row)
	}
	// A leg at broadcast whose members the tracker ended is done; the
	// batch is done when every leg is.
	for i := range v.Legs {
		if l := &v.Legs[i]; l.State == sg.BatchBroadcast && l.Paid+l.Failed == l.Payouts {
			l.State = sg.BatchDone
		}
	}
	if b.State != sg.BatchOpen && len(v.Legs) > 0 {
		v.State = sg.BatchDone
		for _, l := range v.Legs {
			if l.State.Before(v.State) {
				v.State = l.State
			}
		}
	}
	v.Totals.Payouts = len(b.Rows)
	v.Totals.Amount, v.Totals.PaidOut, v.Totals.Returned = total.String(), paid.String(), returned.String()
	return v
}

// Create is POST /v1/payout-batches: a JSON body, or text/csv with the
// header wallet_id,chain,to_address,amount[,memo][,idempotency_key] (one
// wallet for every row). Rows refused at creation are named in the answer
// and the others go on; the batch's Idempotency-Key replays the batch, and
// each row has its own key (its idempotency_key, or the batch's key and
// its index).
func (h PayoutBatches) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, key, err := httpapi.Keyed(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body PayoutBatchRequest
	var hash string
	if ct, _ := httpapi.Header(req, "content-type"); isCSV(ct) {
		raw := []byte(req.Body)
		if req.IsBase64Encoded {
			if raw, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
				return httpapi.Response{}, ErrCSV
			}
		}
		if len(raw) > MaxPayoutBatchBytes {
			return httpapi.Response{}, sg.ErrBodyTooLarge.WithMessage("a payout batch is at most 512 KiB")
		}
		if body, err = readPayoutCSV(raw); err != nil {
			return httpapi.Response{}, err
		}
		sum := sha256.Sum256(append([]byte(ledger.OpPayoutBatch+"\x00csv\x00"), raw...))
		hash = hex.EncodeToString(sum[:])
	} else {
		if err := httpapi.Decode(req, &body, MaxPayoutBatchBytes); err != nil {
			return httpapi.Response{}, err
		}
		hash = httpapi.RequestHash(ledger.OpPayoutBatch, body)
	}
	switch {
	case len(body.Payouts) == 0:
		return httpapi.Response{}, sg.ErrBatchEmpty
	case len(body.Payouts) > sg.MaxBatchRows:
		return httpapi.Response{}, sg.ErrBatchTooLarge
	}
	in := ledger.BatchIn{Wallet: body.WalletID, Asset: sg.Asset(body.Asset), RequestedBy: p.Subject}
	keys := map[string]bool{}
	for i, r := range body.Payouts {
		row, err := h.row(ctx, p.TenantID, r)
		if err != nil {
			return httpapi.Response{}, err
		}
		if k := ledger.RowKey(key, i, r.IdempotencyKey); keys[k] && row.Code == "" {
			row.Code, row.Message, row.Param = ErrDuplicateRow.Code, "this idempotency_key appears earlier in the batch", "idempotency_key"
		} else {
			keys[k] = true
		}
		in.Payouts = append(in.Payouts, row)
	}
	b, replayed, err := h.B.Create(ctx, p.TenantID, key, hash, in)
	if err != nil {
		return httpapi.Response{}, err
	}
	_, ts, err := h.B.Batch(ctx, p.TenantID, b.ID)
	if err != nil {
		return httpapi.Response{}, err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	resp := httpapi.JSON(status, ViewPayoutBatch(b, ts))
	if replayed {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

// row checks one payout as a single withdrawal's request is checked (its
// amount, chain and address, the travel rule); a refusal is recorded on
// the row, never failing the batch.
func (h PayoutBatches) row(ctx context.Context, tenant string, r PayoutBatchRowReq) (ledger.BatchPayoutIn, error) {
	out := ledger.BatchPayoutIn{Key: r.IdempotencyKey, Chain: sg.Chain(r.Chain), ToAddress: r.ToAddress, Memo: r.Memo, Metadata: r.Metadata,
		Hash: httpapi.RequestHash(ledger.OpWithdraw, r)}
	refuse := func(err error) (ledger.BatchPayoutIn, error) {
		var e *sg.Error
		if !errors.As(err, &e) {
			e = sg.ErrValidation
		}
		if e.Kind == sg.KindUnavailable || e.Kind == sg.KindInternal {
			return out, err // a fault of ours: the request is retried
		}
		out.Code, out.Message, out.Param = e.Code, e.Message, e.Param
		return out, nil
	}
	if !out.Chain.Valid() {
		return refuse(sg.ErrUnsupportedChain)
	}
	amount, err := ParsePositiveAmount(r.Amount, "amount")
	if err != nil {
		return refuse(err)
	}
	out.Amount = amount
	to, err := address.Parse(out.Chain, r.ToAddress)
	if err != nil {
		var e *sg.Error
		if errors.As(err, &e) {
			return refuse(e.WithParam("to_address"))
		}
		return refuse(sg.ErrValidation.WithParam("to_address"))
	}
	out.ToAddress = to.Format(out.Chain)
	if h.Travel != nil {
		if travel, err := h.Travel.PayoutRequest(ctx, tenant, out.Chain, out.ToAddress, amount, nil); err != nil {
			return refuse(err)
		} else if travel != nil {
			return refuse(sg.ErrValidation.WithParam(compliance.TravelParam))
		}
	}
	return out, nil
}

// Get is GET /v1/payout-batches/{batch_id}.
func (h PayoutBatches) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	b, ts, err := h.B.Batch(ctx, p.TenantID, req.PathParameters["batch_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ViewPayoutBatch(b, ts)), nil
}

var payoutColumns = &lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{"wallet_id": true, "chain": true, "to_address": true, "amount": true, "memo": true, "idempotency_key": true}
}}

// readPayoutCSV reads a CSV batch into the JSON request's shape.
func readPayoutCSV(raw []byte) (PayoutBatchRequest, error) {
	bad := ErrCSV.WithMessage("the body is not CSV with the header wallet_id,chain,to_address,amount[,memo][,idempotency_key]")
	r := csv.NewReader(strings.NewReader(string(raw)))
	header, err := r.Read()
	if err != nil {
		return PayoutBatchRequest{}, bad
	}
	col := map[string]int{}
	for i, c := range header {
		c = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		if !payoutColumns.Get()[c] {
			return PayoutBatchRequest{}, sg.ErrUnknownField.WithParam(c).WithMessage("unknown column %q", c)
		}
		col[c] = i
	}
	for _, c := range []string{"wallet_id", "chain", "to_address", "amount"} {
		if _, ok := col[c]; !ok {
			return PayoutBatchRequest{}, sg.ErrValidation.WithParam(c).WithMessage("column %s is required", c)
		}
	}
	out := PayoutBatchRequest{Asset: string(sg.USDT)}
	get := func(rec []string, c string) string {
		if i, ok := col[c]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return PayoutBatchRequest{}, bad.WithMessage("CSV error: %v", err)
		}
		if len(out.Payouts) == sg.MaxBatchRows {
			return PayoutBatchRequest{}, sg.ErrBatchTooLarge
		}
		w := get(rec, "wallet_id")
		if out.WalletID == "" {
			out.WalletID = w
		}
		if w == "" || w != out.WalletID {
			return PayoutBatchRequest{}, sg.ErrValidation.WithParam("wallet_id").WithMessage("every row names the same wallet_id")
		}
		row := PayoutBatchRowReq{Chain: get(rec, "chain"), ToAddress: get(rec, "to_address"), Amount: get(rec, "amount"),
			Memo: get(rec, "memo"), IdempotencyKey: get(rec, "idempotency_key")}
		if len(row.Memo) > 140 || len(row.IdempotencyKey) > 200 {
			return PayoutBatchRequest{}, sg.ErrValidation.WithParam("memo").WithMessage("memo is at most 140 characters and idempotency_key 200")
		}
		out.Payouts = append(out.Payouts, row)
	}
	return out, nil
}
