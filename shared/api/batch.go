package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/lazy"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Batch limits.
const (
	OpBatch       = "transfers.batch"
	MaxBatchRows  = 1000
	MaxBatchBytes = 1 << 20
)

// Batch refusals.
var (
	ErrCSV          = &sg.Error{Kind: sg.KindInvalid, Code: "invalid_csv", Message: "the body is not CSV with the header row_key,from_wallet_id,to_wallet_id,chain,amount[,memo]"}
	ErrTooManyRows  = &sg.Error{Kind: sg.KindInvalid, Code: "too_many_rows", Message: "a batch holds at most 1,000 rows"}
	ErrDuplicateRow = &sg.Error{Kind: sg.KindInvalid, Code: "duplicate_row_key", Message: "this row_key appears earlier in the batch", Param: "row_key"}
)

// IdemStore claims and completes idempotency records of requests that do
// their work in many writes (sg.IdempotencyClaims).
type IdemStore = sg.IdempotencyClaims

// BatchLease is how long a batch holds its Idempotency-Key before a retry
// of the same file may take it over: longer than the function may run.
const BatchLease = 2 * time.Minute

// BatchReport is the BatchReport schema.
type BatchReport struct {
	Object   string        `json:"object"`
	Rows     int           `json:"rows"`
	Accepted []AcceptedRow `json:"accepted"`
	Refused  []RefusedRow  `json:"refused"`
}

// AcceptedRow is a row that made (or had already made) a transfer.
type AcceptedRow struct {
	Row        int    `json:"row"`
	RowKey     string `json:"row_key"`
	TransferID string `json:"transfer_id"`
	Replayed   bool   `json:"replayed"`
}

// RefusedRow is a row refused, with the reason.
type RefusedRow struct {
	Row     int    `json:"row"`
	RowKey  string `json:"row_key"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

var batchColumns = &lazy.Value[map[string]bool]{New: func() map[string]bool {
	return map[string]bool{"row_key": true, "from_wallet_id": true, "to_wallet_id": true, "chain": true, "amount": true, "memo": true}
}}

// Batch is POST /v1/transfers/batch: internal transfers from CSV rows, each
// idempotent by its row_key (a row seen before is replayed, never applied
// twice), with a report of accepted and refused rows. The request as a
// whole carries an Idempotency-Key whose first report is replayed.
func (h Transfers) Batch(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, key, err := httpapi.Keyed(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if ct, _ := httpapi.Header(req, "content-type"); !isCSV(ct) {
		return httpapi.Response{}, sg.ErrUnsupportedMediaType.WithMessage("request body must be text/csv")
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return httpapi.Response{}, ErrCSV
		}
	}
	if len(body) > MaxBatchBytes {
		return httpapi.Response{}, sg.ErrBodyTooLarge.WithMessage("a batch is at most 1 MiB")
	}
	sum := sha256.Sum256(append([]byte(OpBatch+"\x00"), body...))
	hash := hex.EncodeToString(sum[:])
	rows, cols, err := readBatch(body)
	if err != nil {
		return httpapi.Response{}, err
	}
	// The key is claimed before any row moves money, so a second request
	// under it, while this one runs, is refused rather than applied too.
	if rec, claimed, err := h.Idem.ClaimIdempotency(ctx, p.TenantID, OpBatch, key, hash, BatchLease); err != nil {
		return httpapi.Response{}, err
	} else if !claimed {
		return answerHeld(rec, hash)
	}
	resp, err := h.runBatch(ctx, p.TenantID, p.Subject, rows, cols)
	if err != nil {
		// A fault of ours: give the key back so a retry runs at once (the
		// rows done are replayed by their row keys).
		h.Idem.ReleaseIdempotency(ctx, p.TenantID, OpBatch, key, hash) //nolint:errcheck // the lease ends it anyway
		return httpapi.Response{}, err
	}
	out, _ := json.Marshal(resp)
	err = h.Idem.CompleteIdempotency(ctx, sg.Idempotency{TenantID: p.TenantID, Operation: OpBatch, Key: key, RequestHash: hash, Status: http.StatusOK, Response: out})
	if errors.Is(err, sg.ErrIdempotencyInProgress) {
		// Another run of the same file took over a lapsed claim and
		// finished first: answer as it did.
		if rec, err := h.Idem.Idempotency(ctx, p.TenantID, OpBatch, key); err == nil {
			return answerHeld(rec, hash)
		}
		return httpapi.Response{}, sg.ErrIdempotencyInProgress
	} else if err != nil {
		h.Idem.ReleaseIdempotency(ctx, p.TenantID, OpBatch, key, hash) //nolint:errcheck // the lease ends it anyway
		return httpapi.Response{}, err
	}
	return httpapi.Raw(http.StatusOK, out), nil
}

// answerHeld answers a request whose key another request holds: a reuse of
// the key with another file, a run still in progress, or the first answer.
func answerHeld(rec sg.Idempotency, hash string) (httpapi.Response, error) {
	switch {
	case rec.RequestHash != hash:
		return httpapi.Response{}, sg.ErrIdempotencyKeyReused
	case rec.Status == 0:
		return httpapi.Response{}, sg.ErrIdempotencyInProgress
	}
	return httpapi.Replay(rec), nil
}

// runBatch applies the rows in order and reports on each. It fails only
// with a fault of ours (a retry replays the rows done).
func (h Transfers) runBatch(ctx context.Context, tenant, by string, rows [][]string, cols []string) (BatchReport, error) {
	report := BatchReport{Object: "batch_report", Rows: len(rows), Accepted: []AcceptedRow{}, Refused: []RefusedRow{}}
	seen := map[string]bool{}
	for i, rec := range rows {
		row := map[string]string{}
		for j, c := range cols {
			row[c] = strings.TrimSpace(rec[j])
		}
		n := i + 2 // line number, after the header
		refuse := func(e error) {
			var se *sg.Error
			if !errors.As(e, &se) {
				se = sg.Internal("api.Batch", e).(*sg.Error)
			}
			report.Refused = append(report.Refused, RefusedRow{n, row["row_key"], se.Code, se.Message, se.Param})
		}
		if err := validRowKey(row["row_key"]); err != nil {
			refuse(err)
			continue
		}
		if seen[row["row_key"]] {
			refuse(ErrDuplicateRow)
			continue
		}
		seen[row["row_key"]] = true
		amount, err := ParsePositiveAmount(row["amount"], "amount")
		if err != nil {
			refuse(err)
			continue
		}
		if !sg.Chain(row["chain"]).Valid() {
			refuse(sg.ErrUnsupportedChain)
			continue
		}
		if len(row["memo"]) > 140 {
			refuse(sg.ErrValidation.WithParam("memo").WithMessage("memo must be at most 140 characters"))
			continue
		}
		canon, _ := json.Marshal(row)
		r, err := h.Ledger.Transfer(ctx, tenant, "batch-row:"+row["row_key"], httpapi.RequestHash(OpBatch, string(canon)), ledger.Internal{
			From: row["from_wallet_id"], To: row["to_wallet_id"], Chain: sg.Chain(row["chain"]), Asset: sg.USDT, Amount: amount, Memo: row["memo"], RequestedBy: by,
		})
		if k := sg.KindOf(err); err != nil && (k == sg.KindInternal || k == sg.KindUnavailable) {
			return BatchReport{}, err
		}
		if err != nil {
			refuse(err)
			continue
		}
		report.Accepted = append(report.Accepted, AcceptedRow{n, row["row_key"], r.Transfer.ID, r.Replayed})
	}
	return report, nil
}

func isCSV(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/csv"
}

func validRowKey(k string) error {
	if len(k) == 0 || len(k) > 100 {
		return sg.ErrValidation.WithParam("row_key").WithMessage("row_key must be 1 to 100 printable ASCII characters")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return sg.ErrValidation.WithParam("row_key").WithMessage("row_key must be 1 to 100 printable ASCII characters")
		}
	}
	return nil
}

// readBatch parses the CSV: a header naming known columns (all but memo
// required), then at most MaxBatchRows rows of the same width.
func readBatch(body []byte) ([][]string, []string, error) {
	r := csv.NewReader(strings.NewReader(string(body)))
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if err != nil {
		return nil, nil, ErrCSV
	}
	have := map[string]bool{}
	for i, c := range header {
		c = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
		header[i] = c
		if !batchColumns.Get()[c] {
			return nil, nil, sg.ErrUnknownField.WithParam(c).WithMessage("unknown column %q", c)
		}
		have[c] = true
	}
	for c := range batchColumns.Get() {
		if c != "memo" && !have[c] {
			return nil, nil, sg.ErrValidation.WithParam(c).WithMessage("column %s is required", c)
		}
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, ErrCSV.WithMessage("CSV error: %v", err)
		}
		if len(rows) == MaxBatchRows {
			return nil, nil, ErrTooManyRows
		}
		rows = append(rows, rec)
	}
	if len(rows) == 0 {
		return nil, nil, ErrCSV.WithMessage("the batch has no rows")
	}
	return rows, header, nil
}
