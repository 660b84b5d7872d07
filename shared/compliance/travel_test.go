package compliance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var tctx = context.Background()

type travelRig struct {
	svc   *compliance.Travel
	store *memstore.Travel
	now   time.Time
}

func newTravel(t *testing.T, cfg sg.TravelRuleConfig) *travelRig {
	t.Helper()
	r := &travelRig{store: &memstore.Travel{}, now: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
	r.svc = &compliance.Travel{Store: r.store, Sealer: &memstore.Sealer{},
		Config: func(context.Context, string) (sg.TravelRuleConfig, error) { return cfg, nil },
		Now:    func() time.Time { return r.now }}
	return r
}

func payout(id string, amount sg.Amount) sg.Transfer {
	return sg.Transfer{ID: id, TenantID: "t1", Type: sg.TransferWithdrawal, State: sg.StatePending, Chain: sg.Tron, Asset: sg.USDT,
		Amount: amount, ToAddress: payoutTo, CreatedAt: time.Date(2026, 12, 6, 11, 59, 0, 0, time.UTC)}
}

func mustPayload(t *testing.T, doc string) *sg.TravelPayload {
	t.Helper()
	p, err := decodeValid(doc)
	if err != nil {
		t.Fatalf("fixture refused: %v", err)
	}
	return p
}

func wantCode(t *testing.T, err error, want *sg.Error, param string) {
	t.Helper()
	var e *sg.Error
	if !errors.As(err, &e) || e.Code != want.Code {
		t.Fatalf("err = %v; want %s", err, want.Code)
	}
	if param != "" && e.Param != param {
		t.Fatalf("param = %q; want %q (%s)", e.Param, param, e.Message)
	}
}

// The threshold's edges: exactly the threshold needs no data, one base
// unit more does and is refused without it, with nothing written;
// threshold 0 (the EU's rule) needs data for every payout.
func TestTravelThresholdEdges(t *testing.T) {
	th := sg.DefaultTravelThreshold
	cases := []struct {
		name      string
		threshold sg.Amount
		amount    sg.Amount
		required  bool
	}{
		{"exactly at the threshold needs no data", th, th, false},
		{"one base unit over the threshold needs data", th, th + 1, true},
		{"far under the threshold needs no data", th, 1, false},
		{"threshold 0: one base unit needs data", 0, 1, true},
		{"threshold 0: any payout needs data", 0, 5_000_000, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTravel(t, sg.TravelRuleConfig{Threshold: c.threshold})
			id := "txn_" + strings.ReplaceAll(c.name, " ", "_")
			rec, err := r.svc.RequireForPayout(tctx, "t1", payout(id, c.amount), nil)
			if c.required {
				wantCode(t, err, sg.ErrTravelRuleDataRequired, "travel_rule")
				if sg.KindOf(err) != sg.KindRefused {
					t.Fatalf("kind = %v; want refused", sg.KindOf(err))
				}
				if l, _ := r.store.TravelByTransfer(tctx, "t1", id); len(l) != 0 {
					t.Fatalf("a refused payout wrote %d records", len(l))
				}
				// With the data it passes and is recorded.
				rec, err = r.svc.RequireForPayout(tctx, "t1", payout(id, c.amount), mustPayload(t, naturalPayload))
				if err != nil || rec.Status != sg.TravelProvided {
					t.Fatalf("with data: %+v, %v", rec, err)
				}
				if _, err := r.store.Travel(tctx, "t1", id, sg.TravelOut); err != nil {
					t.Fatalf("not stored: %v", err)
				}
				return
			}
			if err != nil || rec.Status != sg.TravelNotRequired {
				t.Fatalf("under the threshold: %+v, %v", rec, err)
			}
			if _, err := r.store.Travel(tctx, "t1", id, sg.TravelOut); !errors.Is(err, sg.ErrNotFound) {
				t.Fatalf("a payout that needs no data wrote a record: %v", err)
			}
		})
	}
}

// Missing or broken data is refused with the path of the failing field
// (the param a client shows next to the field), and nothing is written.
func TestTravelRefusesInvalidWithFieldPath(t *testing.T) {
	for _, c := range invalidCases(t) {
		t.Run(c.name, func(t *testing.T) {
			r := newTravel(t, sg.TravelRuleConfig{Threshold: 0})
			p, err := compliance.DecodeTravelPayload([]byte(c.doc))
			if err == nil {
				_, err = r.svc.RequireForPayout(tctx, "t1", payout("txn_1", 2_000_000_000), p)
			}
			param := ""
			if c.param != "" {
				param = "travel_rule." + c.param
			}
			wantCode(t, err, sg.ErrTravelRuleDataInvalid, param)
			if l, _ := r.store.TravelByTransfer(tctx, "t1", "txn_1"); len(l) != 0 {
				t.Fatal("refused data was written")
			}
			// The refusal names the rule, never the value.
			for _, v := range []string{seededSurname, seededGiven, seededPassport, "Nakamura", "Acme"} {
				if strings.Contains(err.Error(), v) {
					t.Fatalf("the error shows a value: %v", err)
				}
			}
		})
	}
}

// Valid natural and legal person documents are accepted and stored;
// what the deployment requires beyond the standard is enforced.
func TestTravelAcceptsValidPayloads(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		require []sg.TravelField
		param   string // "" : accepted
	}{
		{"natural persons, both VASPs with LEIs", naturalPayload, nil, ""},
		{"legal persons through an intermediary", legalPayload, nil, ""},
		{"natural persons with every optional requirement", naturalPayload, []sg.TravelField{sg.TravelFieldBeneficiaryVASP,
			sg.TravelFieldOriginatorAccount, sg.TravelFieldOriginatorAddress, sg.TravelFieldOriginatorNationalID, sg.TravelFieldOriginatorBirth}, ""},
		{"beneficiary VASP required and not named", legalPayload, []sg.TravelField{sg.TravelFieldBeneficiaryVASP}, "travel_rule.beneficiaryVASP"},
		{"originator account required and not given", legalPayload, []sg.TravelField{sg.TravelFieldOriginatorAccount}, "travel_rule.originator.accountNumber"},
		{"originator address required and not given", legalPayload, []sg.TravelField{sg.TravelFieldOriginatorAddress},
			"travel_rule.originator.originatorPerson[0].legalPerson.geographicAddress"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTravel(t, sg.TravelRuleConfig{Threshold: sg.DefaultTravelThreshold, Require: c.require})
			rec, err := r.svc.RequireForPayout(tctx, "t1", payout("txn_v", 1_500_000_000), mustPayload(t, c.doc))
			if c.param != "" {
				wantCode(t, err, sg.ErrTravelRuleDataInvalid, c.param)
				return
			}
			if err != nil || rec.Status != sg.TravelProvided || rec.TransferID != "txn_v" || rec.Direction != sg.TravelOut {
				t.Fatalf("RequireForPayout = %+v, %v", rec, err)
			}
		})
	}
}

// A payout whose data names another beneficiary account than its
// destination is refused; data without accounts gets the destination.
func TestTravelBeneficiaryAccountIsTheDestination(t *testing.T) {
	r := newTravel(t, sg.TravelRuleConfig{})
	other := payout("txn_a", 2_000_000_000)
	other.ToAddress = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
	_, err := r.svc.RequireForPayout(tctx, "t1", other, mustPayload(t, naturalPayload))
	wantCode(t, err, sg.ErrTravelRuleDataInvalid, "travel_rule.beneficiary.accountNumber")

	if _, err := r.svc.RequireForPayout(tctx, "t1", payout("txn_b", 2_000_000_000), mustPayload(t, legalPayload)); err != nil {
		t.Fatal(err)
	}
	p, _, err := r.svc.Payload(tctx, "t1", "txn_b", sg.TravelOut)
	if err != nil || len(p.Beneficiary.AccountNumber) != 1 || p.Beneficiary.AccountNumber[0] != payoutTo {
		t.Fatalf("stored beneficiary accounts = %v, %v", p.Beneficiary.AccountNumber, err)
	}
}

// A retry with the same data returns the first record; other data for the
// same payout is a conflict, and the first data stays.
func TestTravelRecordedOncePerPayout(t *testing.T) {
	r := newTravel(t, sg.TravelRuleConfig{})
	first, err := r.svc.RequireForPayout(tctx, "t1", payout("txn_r", 2_000_000_000), mustPayload(t, naturalPayload))
	if err != nil {
		t.Fatal(err)
	}
	r.now = r.now.Add(time.Minute)
	again, err := r.svc.RequireForPayout(tctx, "t1", payout("txn_r", 2_000_000_000), mustPayload(t, naturalPayload))
	if err != nil || !again.At.Equal(first.At) || !bytes.Equal(again.PayloadSealed, first.PayloadSealed) {
		t.Fatalf("replay = %+v, %v", again, err)
	}
	_, err = r.svc.RequireForPayout(tctx, "t1", payout("txn_r", 2_000_000_000), mustPayload(t, edit(t, naturalPayload, func(m map[string]any) {
		obj(m, "beneficiary", "beneficiaryPerson", 0, "naturalPerson", "name", "nameIdentifier", 0)["primaryIdentifier"] = "Someone Else"
	})))
	wantCode(t, err, sg.ErrTravelRecordExists, "travel_rule")
}

// The payload is sealed at rest: no seeded PII value is in the bytes the
// store holds, and it reads back whole through the service only.
func TestTravelSealedAtRest(t *testing.T) {
	r := newTravel(t, sg.TravelRuleConfig{})
	if _, err := r.svc.RequireForPayout(tctx, "t1", payout("txn_s", 2_000_000_000), mustPayload(t, naturalPayload)); err != nil {
		t.Fatal(err)
	}
	held := bytes.Join(r.store.StoredBytes("t1"), []byte{0})
	if len(held) < 100 {
		t.Fatalf("the store holds only %d bytes", len(held))
	}
	for _, v := range []string{seededSurname, seededGiven, seededPassport, "1984-02-29", "Rue de la Loi", "Nakamura", "cus_01J9Z"} {
		if bytes.Contains(held, []byte(v)) {
			t.Fatalf("%q is stored in plain text", v)
		}
	}
	rec, _ := r.store.Travel(tctx, "t1", "txn_s", sg.TravelOut)
	if rec.CounterpartyVASP != "LEI:HWUPKR0MPOU8FGXBT394" {
		t.Fatalf("counterparty VASP = %q", rec.CounterpartyVASP)
	}
	// Sealed for the tenant: another tenant's sealer context does not open it.
	if _, err := (&memstore.Sealer{}).Open(tctx, sg.SealContext{Tenant: "t2", Purpose: sg.TravelRulePurpose}, rec.PayloadSealed); err == nil {
		t.Fatal("opened under another context")
	}
	if _, err := r.svc.Export(tctx, "t2", "txn_s"); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("another tenant's export = %v; want not_found", err)
	}
}

// Export gives back the IVMS 101 document that was recorded (completed
// with the deployment as originating VASP), which decodes and validates
// again and equals what was sent.
func TestTravelExportRoundTrip(t *testing.T) {
	own := mustPayload(t, naturalPayload).OriginatingVASP
	r := newTravel(t, sg.TravelRuleConfig{OriginatingVASP: own})
	sent := mustPayload(t, legalPayload)
	if _, err := r.svc.RequireForPayout(tctx, "t1", payout("txn_e", 2_000_000_000), sent); err != nil {
		t.Fatal(err)
	}
	out, err := r.svc.Export(tctx, "t1", "txn_e")
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeValid(string(out))
	if err != nil {
		t.Fatalf("the export does not validate: %v\n%s", err, out)
	}
	want := *sent
	want.Beneficiary.AccountNumber = []string{payoutTo}
	want.OriginatingVASP = own
	wj, _ := json.Marshal(&want)
	bj, _ := json.Marshal(back)
	if !bytes.Equal(wj, bj) {
		t.Fatalf("export\n%s\nwant\n%s", bj, wj)
	}
	if _, err := r.svc.Export(tctx, "t1", "txn_none"); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("export of a transfer with no data = %v", err)
	}
}

type transfers map[string]sg.Transfer

func (m transfers) Transfer(_ context.Context, tenant, id string) (sg.Transfer, error) {
	if t, ok := m[id]; ok && t.TenantID == tenant {
		return t, nil
	}
	return sg.Transfer{}, sg.ErrNotFound
}

// Incoming data is validated and attached to the tenant's deposit, once;
// a deposit of another tenant, or a payout, is not found.
func TestTravelAttachIncoming(t *testing.T) {
	r := newTravel(t, sg.TravelRuleConfig{})
	r.svc.Transfers = transfers{
		"txn_dep": {ID: "txn_dep", TenantID: "t1", Type: sg.TransferDeposit, Chain: sg.Tron, Amount: 3_000_000_000, ToAddress: payoutTo},
		"txn_out": payout("txn_out", 1),
	}
	in := mustPayload(t, naturalPayload)
	rec, err := r.svc.AttachIncoming(tctx, "t1", "txn_dep", in)
	if err != nil || rec.Status != sg.TravelReceived || rec.Direction != sg.TravelIn || rec.Amount != 3_000_000_000 ||
		rec.CounterpartyVASP != "LEI:5493001KJTIIGC8Y1R12" {
		t.Fatalf("AttachIncoming = %+v, %v", rec, err)
	}
	if again, err := r.svc.AttachIncoming(tctx, "t1", "txn_dep", in); err != nil || !again.At.Equal(rec.At) {
		t.Fatalf("the same data again = %+v, %v", again, err)
	}
	out, err := r.svc.Export(tctx, "t1", "txn_dep")
	if err != nil || !bytes.Contains(out, []byte(seededSurname)) {
		t.Fatalf("export of the deposit's data = %s, %v", out, err)
	}
	for _, c := range []struct{ name, tenant, ref string }{{"another tenant's deposit", "t2", "txn_dep"}, {"a payout", "t1", "txn_out"}, {"no transfer", "t1", "txn_x"}} {
		if _, err := r.svc.AttachIncoming(tctx, c.tenant, c.ref, in); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("%s: %v; want not_found", c.name, err)
		}
	}
	bad, _ := compliance.DecodeTravelPayload([]byte(invalidCases(t)[3].doc))
	_, err = r.svc.AttachIncoming(tctx, "t1", "txn_dep", bad)
	wantCode(t, err, sg.ErrTravelRuleDataInvalid, "")
}

// The pipeline's step: a payout over the threshold is approved once its
// data is recorded; without, it is retried during the grace and refused
// after; payouts under the threshold and other transfers pass.
func TestTravelPolicy(t *testing.T) {
	r := newTravel(t, sg.TravelRuleConfig{Threshold: sg.DefaultTravelThreshold})
	pol := compliance.TravelPolicy{Travel: r.svc}
	big := payout("txn_p", sg.DefaultTravelThreshold+1)

	d, err := pol.Evaluate(tctx, big)
	if sg.KindOf(err) != sg.KindUnavailable {
		t.Fatalf("within the grace: %+v, %v; want a retry", d, err)
	}
	r.now = big.CreatedAt.Add(compliance.DefaultTravelGrace)
	d, err = pol.Evaluate(tctx, big)
	if err != nil || d.Outcome != sg.OutcomeReject || len(d.Matched) != 1 || d.Matched[0] != "travel_rule_data_required" {
		t.Fatalf("after the grace: %+v, %v", d, err)
	}
	if _, err := r.svc.RequireForPayout(tctx, "t1", big, mustPayload(t, naturalPayload)); err != nil {
		t.Fatal(err)
	}
	if d, err = pol.Evaluate(tctx, big); err != nil || d.Outcome != sg.OutcomeApprove {
		t.Fatalf("with data: %+v, %v", d, err)
	}
	small := payout("txn_q", sg.DefaultTravelThreshold)
	if d, err = pol.Evaluate(tctx, small); err != nil || d.Outcome != sg.OutcomeApprove {
		t.Fatalf("at the threshold: %+v, %v", d, err)
	}
}

// The 2020 edition is read too: the same person decodes to the same 2023
// document, refusals name the 2020 path, and a document mixing the
// editions is refused.
func TestTravelReads2020Edition(t *testing.T) {
	old := naturalPayload2020(t)
	if strings.Contains(old, "originatorPerson\"") || !strings.Contains(old, "originatorPersons") || strings.Contains(old, "payloadVersion") {
		t.Fatalf("not the 2020 edition: %s", old)
	}
	p, err := decodeValid(old)
	if err != nil {
		t.Fatal(err)
	}
	now := mustPayload(t, naturalPayload)
	pj, _ := json.Marshal(p)
	nj, _ := json.Marshal(now)
	if !bytes.Equal(pj, nj) {
		t.Fatalf("2020 read as\n%s\nwant\n%s", pj, nj)
	}
	for _, c := range invalid2020Cases(t) {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeValid(c.doc)
			param := ""
			if c.param != "" {
				param = "travel_rule." + c.param
			}
			wantCode(t, err, sg.ErrTravelRuleDataInvalid, param)
		})
	}
}

// The request helper: absent travel_rule is nil; present, it is decoded
// strictly.
func TestTravelFromRequest(t *testing.T) {
	if p, err := compliance.TravelFromRequest(nil); p != nil || err != nil {
		t.Fatalf("absent: %v, %v", p, err)
	}
	if p, err := compliance.TravelFromRequest(json.RawMessage(naturalPayload)); p == nil || err != nil {
		t.Fatalf("present: %v, %v", p, err)
	}
	_, err := compliance.TravelFromRequest(json.RawMessage(`{"originator":{},"extra":1}`))
	wantCode(t, err, sg.ErrTravelRuleDataInvalid, "travel_rule")
	_, err = compliance.TravelFromRequest(json.RawMessage(`{} {}`))
	wantCode(t, err, sg.ErrTravelRuleDataInvalid, "travel_rule")

	// The handler's whole check, before the withdrawal exists.
	r := newTravel(t, sg.TravelRuleConfig{Threshold: sg.DefaultTravelThreshold})
	_, err = r.svc.PayoutRequest(tctx, "t1", sg.Tron, payoutTo, sg.DefaultTravelThreshold+1, nil)
	wantCode(t, err, sg.ErrTravelRuleDataRequired, "travel_rule")
	p, err := r.svc.PayoutRequest(tctx, "t1", sg.Tron, payoutTo, sg.DefaultTravelThreshold+1, json.RawMessage(naturalPayload))
	if err != nil || p == nil {
		t.Fatalf("PayoutRequest = %v, %v", p, err)
	}
	if p, err := r.svc.PayoutRequest(tctx, "t1", sg.Tron, payoutTo, sg.DefaultTravelThreshold, nil); p != nil || err != nil {
		t.Fatalf("at the threshold without data: %v, %v", p, err)
	}
}

// LEI check digits (ISO 17442, ISO 7064 MOD 97-10): published LEIs pass,
// one changed character or a bad form fails.
func TestValidLEI(t *testing.T) {
	cases := []struct {
		lei  string
		want bool
	}{
		{"5493001KJTIIGC8Y1R12", true},
		{"HWUPKR0MPOU8FGXBT394", true},
		{"7LTWFZYICNSX8D621K86", true},
		{"529900T8BM49AURSDO55", true},
		{"549300GKFG0RYRRQ1414", true},
		{"5493001KJTIIGC8Y1R17", false},
		{"HWUPKR0MPOU8FGXBT349", false},
		{"HWUPKR0MPOU8FGXBU394", false},
		{"hwupkr0mpou8fgxbt394", false},
		{"HWUPKR0MPOU8FGXBT39", false},
		{"HWUPKR0MPOU8FGXBT3944", false},
		{"HWUPKR0MPOU8FGXBT3A4", false},
		{"", false},
	}
	for _, c := range cases {
		if got := compliance.ValidLEI(c.lei); got != c.want {
			t.Errorf("ValidLEI(%q) = %v; want %v", c.lei, got, c.want)
		}
	}
}

// FuzzTravelPayload: no input crashes the decoder or the validator; what
// they accept re-encodes to a document they accept again, equal to it.
func FuzzTravelPayload(f *testing.F) {
	f.Add([]byte(naturalPayload))
	f.Add([]byte(legalPayload))
	for _, c := range invalidCases(f) {
		f.Add([]byte(c.doc))
	}
	f.Add([]byte(`null`))
	f.Add([]byte(`{"originator":{"originatorPerson":[{}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := decodeValid(string(raw))
		if err != nil {
			if sg.KindOf(err) != sg.KindInvalid {
				t.Fatalf("kind %v for %q: %v", sg.KindOf(err), raw, err)
			}
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := decodeValid(string(again))
		if err != nil {
			t.Fatalf("re-encoded document refused: %v\n%s", err, again)
		}
		if twice, _ := json.Marshal(q); !bytes.Equal(twice, again) {
			t.Fatalf("not stable:\n%s\n%s", again, twice)
		}
	})
}
