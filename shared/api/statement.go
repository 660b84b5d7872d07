package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/csvcell"

	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// MaxStatementLines bounds one statement (Lambda answers are at most 6 MB).
const MaxStatementLines = 20000

// ErrStatementTooLarge: the range holds more transfers than one statement.
var ErrStatementTooLarge = &sg.Error{Kind: sg.KindInvalid, Code: "statement_too_large", Message: "the range holds more than 20,000 transfers; ask for a shorter one", Param: "from"}

// statementHeader is the CSV's first line.
var statementHeader = []string{"created_at", "transfer_id", "type", "state", "chain", "asset", "direction", "amount", "fee", "network_fee", "counterparty", "memo"}

// Statement is GET /v1/wallets/{wallet_id}/statement: the wallet's transfers
// from `from` to `to` (required), oldest first, as CSV.
func (h History) Statement(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	f, err := HistoryFilterOf(req.QueryStringParameters)
	if err != nil {
		return httpapi.Response{}, err
	}
	if f.From.IsZero() {
		return httpapi.Response{}, sg.ErrValidation.WithParam("from").WithMessage("from is required")
	}
	if f.To.IsZero() {
		return httpapi.Response{}, sg.ErrValidation.WithParam("to").WithMessage("to is required")
	}
	id, err := h.ownWallet(ctx, p, req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var all []sg.Transfer
	page := sg.Page{Limit: 1000}
	for {
		ts, next, err := h.Store.History(ctx, p.TenantID, id, f, page)
		if err != nil {
			return httpapi.Response{}, err
		}
		all = append(all, ts...)
		if len(all) > MaxStatementLines {
			return httpapi.Response{}, ErrStatementTooLarge
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(statementHeader)
	for i := len(all) - 1; i >= 0; i-- { // oldest first
		w.Write(StatementRow(all[i], id))
	}
	w.Flush()
	return httpapi.Response{StatusCode: http.StatusOK, Body: buf.String(), Headers: map[string]string{
		"content-type":        "text/csv; charset=utf-8",
		"content-disposition": `attachment; filename="statement-` + id + `.csv"`,
		"cache-control":       "no-store",
	}}, nil
}

// StatementRow is t's line in wallet's statement (statementHeader's
// columns): fee and network_fee as the transfer's JSON shows them.
func StatementRow(t sg.Transfer, wallet string) []string {
	dir, other := "in", t.FromWallet
	if t.FromWallet == wallet {
		dir, other = "out", t.ToWallet
		if t.ToAddress != "" {
			other = t.ToAddress
		}
	}
	nf := "" // as in the JSON: empty until the network fee is known
	if t.NetworkFeeKnown() {
		nf = t.NetworkFee.String()
	}
	return []string{t.CreatedAt.UTC().Format(time.RFC3339Nano), t.ID, string(t.Type), string(t.State), string(t.Chain), string(t.Asset),
		dir, t.Amount.String(), t.FeeShown().String(), nf, other, csvcell.Safe(t.Memo)}
}
