package settlement

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/csvcell"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Report formats.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// ReportView is a settlement's report: every line, the totals and the
// fiat rates used. Amounts are USDT decimal strings.
type ReportView struct {
	ID               string           `json:"id"`
	Chain            string           `json:"chain"`
	Currency         string           `json:"currency"`
	Status           string           `json:"status"`
	PeriodFrom       string           `json:"period_from"`
	PeriodTo         string           `json:"period_to,omitempty"`
	Destination      *DestinationView `json:"destination,omitempty"`
	PayoutTransferID string           `json:"payout_transfer_id,omitempty"`
	PayoutBatchID    string           `json:"payout_batch_id,omitempty"`
	// Held is why a closed settlement's payout waits (the merchant's tier).
	Held   *HeldView  `json:"held,omitempty"`
	Totals TotalsView `json:"totals"`
	Lines  []LineView `json:"lines"`
	Rates  []RateView `json:"rates"`
}

// DestinationView is where a settlement is paid.
type DestinationView struct {
	Chain   string `json:"chain"`
	Address string `json:"address"`
}

// TotalsView are a settlement's totals.
type TotalsView struct {
	Gross   string `json:"gross"`
	Fees    string `json:"fees"`
	Refunds string `json:"refunds"`
	Net     string `json:"net"`
}

// LineView is one line.
type LineView struct {
	Seq          int    `json:"seq"`
	Kind         string `json:"kind"`
	Ref          string `json:"ref"`
	Chain        string `json:"chain"`
	To           string `json:"to,omitempty"`
	Gross        string `json:"gross"`
	Fee          string `json:"fee"`
	Net          string `json:"net"`
	Cleared      string `json:"cleared,omitempty"`
	FeeShown     string `json:"fee_shown,omitempty"`
	FiatCurrency string `json:"fiat_currency,omitempty"`
	Rate         string `json:"rate,omitempty"`
	At           string `json:"at"`
}

// RateView is a fiat rate a line was converted at.
type RateView struct {
	Currency string `json:"currency"`
	Rate     string `json:"rate"`
	Lines    int    `json:"lines"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// View renders a settlement with its lines.
func View(stl sg.Settlement, lines []sg.SettlementLine) ReportView {
	v := ReportView{ID: stl.ID, Chain: string(stl.Chain), Currency: string(stl.Currency), Status: string(stl.Status),
		PeriodFrom: ts(stl.Period.From), PeriodTo: ts(stl.Period.To), PayoutTransferID: stl.PayoutTransferID, PayoutBatchID: stl.PayoutBatchID, Held: heldView(stl.Held),
		Totals: TotalsView{Gross: stl.Totals.Gross.String(), Fees: stl.Totals.Fees.String(), Refunds: stl.Totals.Refunds.String(),
			Net: stl.Totals.Net.String()}, Lines: []LineView{}, Rates: []RateView{}}
	if stl.Destination.Address != "" {
		v.Destination = &DestinationView{Chain: string(stl.Destination.Chain), Address: stl.Destination.Address}
	}
	rates := map[[2]string]int{}
	for _, l := range lines {
		lv := LineView{Seq: l.Seq, Kind: string(l.Kind), Ref: l.Ref, Chain: string(l.Chain), To: string(l.To), Gross: l.Gross.String(),
			Fee: l.Fee.String(), Net: l.Net.String(), FiatCurrency: l.FiatCurrency, Rate: l.Rate, At: ts(l.At)}
		if l.Kind == sg.LineClearing {
			lv.Cleared = l.Cleared.String()
		}
		if l.Kind == sg.LineInvoice {
			lv.FeeShown = l.FeeShown.String()
		}
		if l.Rate != "" {
			rates[[2]string{l.FiatCurrency, l.Rate}]++
		}
		v.Lines = append(v.Lines, lv)
	}
	for k, n := range rates {
		v.Rates = append(v.Rates, RateView{Currency: k[0], Rate: k[1], Lines: n})
	}
	sort.Slice(v.Rates, func(i, j int) bool {
		if v.Rates[i].Currency != v.Rates[j].Currency {
			return v.Rates[i].Currency < v.Rates[j].Currency
		}
		return v.Rates[i].Rate < v.Rates[j].Rate
	})
	return v
}

// allLines reads every line of a settlement, page by page.
func (s *Service) allLines(ctx context.Context, tenant, id string) ([]sg.SettlementLine, error) {
	var all []sg.SettlementLine
	page := sg.Page{Limit: 100}
	for {
		ls, next, err := s.Store.SettlementLines(ctx, tenant, id, page)
		if err != nil {
			return nil, err
		}
		all = append(all, ls...)
		if next == "" {
			return all, nil
		}
		page.Cursor = next
	}
}

// Report is the tenant's settlement as a document: JSON (ReportView) or
// CSV (a header, one row per line, then a row per total and per rate).
// It returns the body and its media type.
func (s *Service) Report(ctx context.Context, tenant, id, format string) ([]byte, string, error) {
	if format != FormatJSON && format != FormatCSV {
		return nil, "", sg.ErrReportFormat
	}
	stl, err := s.Get(ctx, tenant, id)
	if err != nil {
		return nil, "", err
	}
	lines, err := s.allLines(ctx, tenant, id)
	if err != nil {
		return nil, "", err
	}
	v := View(stl, lines)
	if format == FormatJSON {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, "", sg.Internal("settlement.Report", err)
		}
		return b, "application/json", nil
	}
	b, err := CSV(v)
	if err != nil {
		return nil, "", err
	}
	return b, "text/csv; charset=utf-8", nil
}

// CSVHeader is the first row of a CSV report.
var CSVHeader = []string{"record", "seq", "kind", "ref", "chain", "to", "gross", "fee", "net", "cleared", "fee_shown", "fiat_currency", "rate", "at"}

// CSV writes a report as CSV with encoding/csv. Every cell that a
// spreadsheet would read as a formula is defused (csvcell.Safe).
func CSV(v ReportView) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{CSVHeader}
	for _, l := range v.Lines {
		rows = append(rows, []string{"line", itoa(l.Seq), l.Kind, l.Ref, l.Chain, l.To, l.Gross, l.Fee, l.Net, l.Cleared, l.FeeShown,
			l.FiatCurrency, l.Rate, l.At})
	}
	total := func(name, amount string) []string {
		r := make([]string, len(CSVHeader))
		r[0], r[2], r[8] = "total", name, amount
		return r
	}
	rows = append(rows, total("gross", v.Totals.Gross), total("fees", v.Totals.Fees), total("refunds", v.Totals.Refunds),
		total("net", v.Totals.Net))
	for _, rt := range v.Rates {
		r := make([]string, len(CSVHeader))
		r[0], r[1], r[11], r[12] = "rate", itoa(rt.Lines), rt.Currency, rt.Rate
		rows = append(rows, r)
	}
	for _, r := range rows {
		for i := range r {
			r[i] = csvcell.Safe(r[i])
		}
		if err := w.Write(r); err != nil {
			return nil, sg.Internal("settlement.CSV", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, sg.Internal("settlement.CSV", err)
	}
	return buf.Bytes(), nil
}

func itoa(n int) string { return strconv.Itoa(n) }
