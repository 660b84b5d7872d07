package compliance

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/csvcell"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Export formats.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// ErrExportFormat: the export format is neither json nor csv.
var ErrExportFormat = sg.ErrValidation.WithMessage("format must be json or csv").WithParam("format")

// CaseExport is a SAR-ready account of one case: the case, its subject,
// the evidence transfers (amounts as decimal strings), the alerts, the
// timeline and the decision.
type CaseExport struct {
	Case      ExportedCase       `json:"case"`
	Transfers []ExportedTransfer `json:"transfers"`
	Alerts    []ExportedAlert    `json:"alerts"`
	Timeline  []ExportedEvent    `json:"timeline"`
	Decision  *ExportedDecision  `json:"decision"`
}

// ExportedCase is the case's header.
type ExportedCase struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Status    string   `json:"status"`
	Subject   string   `json:"subject"`
	Summary   string   `json:"summary"`
	Assignee  string   `json:"assignee"`
	Addresses []string `json:"addresses"`
	Records   []string `json:"records"`
	CreatedAt string   `json:"created_at"`
}

// ExportedTransfer is one evidence transfer. Found is false when the
// evidence names a transfer the ledger does not hold (a deposit known by
// its chain ref only).
type ExportedTransfer struct {
	ID         string `json:"id"`
	Found      bool   `json:"found"`
	Type       string `json:"type,omitempty"`
	State      string `json:"state,omitempty"`
	Chain      string `json:"chain,omitempty"`
	Asset      string `json:"asset,omitempty"`
	Amount     string `json:"amount,omitempty"`
	FromWallet string `json:"from_wallet,omitempty"`
	ToWallet   string `json:"to_wallet,omitempty"`
	ToAddress  string `json:"to_address,omitempty"`
	TxHash     string `json:"tx_hash,omitempty"`
	CreatedAt  string `json:"created_at,omitempty"`
}

// ExportedAlert is one alert of the case.
type ExportedAlert struct {
	ID          string `json:"id"`
	Rule        string `json:"rule"`
	Kind        string `json:"kind"`
	RuleVersion int64  `json:"rule_version"`
	Subject     string `json:"subject"`
	Detail      string `json:"detail"`
	At          string `json:"at"`
}

// ExportedEvent is one step of the case's timeline.
type ExportedEvent struct {
	At    string `json:"at"`
	Event string `json:"event"`
	By    string `json:"by,omitempty"`
	Text  string `json:"text,omitempty"`
}

// ExportedDecision is the case's decision.
type ExportedDecision struct {
	Outcome       string `json:"outcome"`
	By            string `json:"by"`
	At            string `json:"at"`
	Reason        string `json:"reason"`
	CourseID      string `json:"course_id,omitempty"`
	CertificateID string `json:"certificate_id,omitempty"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Export gathers the case's account.
func (s *Cases) Export(ctx context.Context, tenant, id string) (CaseExport, error) {
	c, err := s.Get(ctx, tenant, id)
	if err != nil {
		return CaseExport{}, err
	}
	x := CaseExport{Case: ExportedCase{ID: c.ID, Kind: string(c.Kind), Status: string(c.Status), Subject: c.Subject, Summary: c.Summary,
		Assignee: c.Assignee, Addresses: nonNil(c.Evidence.Addresses), Records: nonNil(c.Evidence.Records), CreatedAt: ts(c.CreatedAt)},
		Transfers: []ExportedTransfer{}, Alerts: []ExportedAlert{}}
	for _, tid := range c.Evidence.Transfers {
		et := ExportedTransfer{ID: tid}
		if s.Transfers != nil && strings.HasPrefix(tid, "txn_") {
			t, err := s.Transfers.Transfer(ctx, tenant, tid)
			switch {
			case err == nil:
				et = ExportedTransfer{ID: t.ID, Found: true, Type: string(t.Type), State: string(t.State), Chain: string(t.Chain), Asset: string(t.Asset),
					Amount: t.Amount.String(), FromWallet: t.FromWallet, ToWallet: t.ToWallet, ToAddress: t.ToAddress, TxHash: t.TxHash, CreatedAt: ts(t.CreatedAt)}
			case sg.KindOf(err) != sg.KindNotFound:
				return CaseExport{}, err
			}
		}
		x.Transfers = append(x.Transfers, et)
	}
	x.Timeline = append(x.Timeline, ExportedEvent{At: ts(c.CreatedAt), Event: "opened", Text: c.Summary})
	for _, aid := range c.Evidence.Alerts {
		a, err := s.Store.Alert(ctx, tenant, aid)
		if sg.KindOf(err) == sg.KindNotFound {
			continue
		}
		if err != nil {
			return CaseExport{}, err
		}
		x.Alerts = append(x.Alerts, ExportedAlert{ID: a.ID, Rule: a.RuleID, Kind: string(a.RuleKind), RuleVersion: a.RuleVersion, Subject: a.Subject,
			Detail: a.Detail, At: ts(a.At)})
		x.Timeline = append(x.Timeline, ExportedEvent{At: ts(a.At), Event: "alert", Text: a.RuleID + ": " + a.Detail})
	}
	for _, n := range c.Notes {
		x.Timeline = append(x.Timeline, ExportedEvent{At: ts(n.At), Event: "note", By: n.Author, Text: n.Text})
	}
	if d := c.Decision; d != nil {
		x.Decision = &ExportedDecision{Outcome: string(d.Outcome), By: d.By, At: ts(d.At), Reason: d.Reason}
		if d.Certificate != nil {
			x.Decision.CourseID, x.Decision.CertificateID = d.Certificate.CourseID, d.Certificate.CertificateID
		}
		x.Timeline = append(x.Timeline, ExportedEvent{At: ts(d.At), Event: "decided", By: d.By, Text: string(d.Outcome) + ": " + d.Reason})
	}
	// By time, not by text: RFC 3339 with nanoseconds drops trailing zeros,
	// so "…:00Z" sorts after "…:00.001Z" as text.
	at := func(i int) time.Time { t, _ := time.Parse(time.RFC3339Nano, x.Timeline[i].At); return t }
	sort.SliceStable(x.Timeline, func(i, j int) bool { return at(i).Before(at(j)) })
	return x, nil
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// ExportCase renders the case's account as JSON or CSV, with its media
// type. The CSV is one table (section, id, at, kind, status, amount,
// chain, from, to, address, by, text), written by encoding/csv, and no
// cell starts with a character a spreadsheet reads as a formula.
func (s *Cases) ExportCase(ctx context.Context, tenant, id, format string) ([]byte, string, error) {
	if format != FormatJSON && format != FormatCSV {
		return nil, "", ErrExportFormat
	}
	x, err := s.Export(ctx, tenant, id)
	if err != nil {
		return nil, "", err
	}
	if format == FormatJSON {
		b, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return nil, "", sg.Internal("compliance.ExportCase", err)
		}
		return append(b, '\n'), "application/json", nil
	}
	b, err := x.CSV()
	return b, "text/csv; charset=utf-8", err
}

// CSVHeader is the export's CSV columns.
var CSVHeader = []string{"section", "id", "at", "kind", "status", "amount", "chain", "from", "to", "address", "by", "text"}

// CSV renders the export as one CSV table.
func (x CaseExport) CSV() ([]byte, error) {
	rows := [][]string{CSVHeader}
	c := x.Case
	rows = append(rows, []string{"case", c.ID, c.CreatedAt, c.Kind, c.Status, "", "", "", "", c.Subject, c.Assignee, c.Summary})
	for _, a := range c.Addresses {
		rows = append(rows, []string{"address", "", "", "", "", "", "", "", "", a, "", ""})
	}
	for _, r := range c.Records {
		rows = append(rows, []string{"record", r, "", "", "", "", "", "", "", "", "", ""})
	}
	for _, t := range x.Transfers {
		status := t.State
		if !t.Found {
			status = "not_in_ledger"
		}
		rows = append(rows, []string{"transfer", t.ID, t.CreatedAt, t.Type, status, t.Amount, t.Chain, t.FromWallet, t.ToWallet, t.ToAddress, "", t.TxHash})
	}
	for _, a := range x.Alerts {
		rows = append(rows, []string{"alert", a.ID, a.At, a.Kind, "", "", "", "", "", a.Subject, a.Rule, a.Detail})
	}
	for _, e := range x.Timeline {
		rows = append(rows, []string{"timeline", "", e.At, e.Event, "", "", "", "", "", "", e.By, e.Text})
	}
	if d := x.Decision; d != nil {
		cert := ""
		if d.CertificateID != "" {
			cert = d.CourseID + "/" + d.CertificateID
		}
		rows = append(rows, []string{"decision", cert, d.At, "", d.Outcome, "", "", "", "", "", d.By, d.Reason})
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		for i := range r {
			r[i] = csvcell.Safe(r[i])
		}
		if err := w.Write(r); err != nil {
			return nil, sg.Internal("compliance.ExportCase", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, sg.Internal("compliance.ExportCase", err)
	}
	return buf.Bytes(), nil
}
