package complianceapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/api/complianceapi"
	"github.com/stablegate/stablegate/shared/compliance"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }

const blockedEth = "0x52908400098527886E0F7030069857D2E4169EE7"

func TestBlocklist(t *testing.T) {
	e := newCaseEnv(t, "")
	// Screening needs a sanctions list in use to screen at all.
	if _, _, err := e.screening.LoadList(bg, e.clock.Now(), compliance.ListFile{Name: "eth.txt", Chain: sg.Ethereum,
		Body: strings.NewReader("0x8589427373D6D84E98730D7795D8f6f8731FDA16\n")}); err != nil {
		t.Fatal(err)
	}
	t.Run("refuses a bad entry", func(t *testing.T) {
		e.do(e.blocks.Add, caseCall{body: `{"chain":"bitcoin","address":"1abc","reason":"x"}`}).refused(t, 400, "validation_failed", "chain")
		e.do(e.blocks.Add, caseCall{body: `{"chain":"ethereum","address":"0x1234","reason":"x"}`}).refused(t, 400, "validation_failed", "address")
		e.do(e.blocks.Add, caseCall{body: `{"chain":"ethereum","address":"` + blockedEth + `","reason":" "}`}).refused(t, 400, "validation_failed", "reason")
		e.do(e.blocks.Add, caseCall{body: `{"chain":"ethereum","address":"` + blockedEth + `"}`}).refused(t, 400, "validation_failed", "reason")
		e.do(e.blocks.Add, caseCall{body: `{"chain":"ethereum","address":"` + blockedEth + `","reason":"x","label":"y"}`}).refused(t, 400, "unknown_field", "label")
	})
	t.Run("an address blocked is listed, screened as a hit, and once", func(t *testing.T) {
		r := e.do(e.blocks.Add, caseCall{body: `{"chain":"ethereum","address":"` + blockedEth + `","reason":"fraud report 17"}`})
		r.want(t, 201)
		var b complianceapi.BlockView
		r.decode(t, &b)
		if b.Address != strings.ToLower(blockedEth) || b.Reason != "fraud report 17" || b.AddedBy != "officer-1" {
			t.Fatalf("entry %+v", b)
		}
		again := e.do(e.blocks.Add, caseCall{body: `{"chain":"ethereum","address":"` + strings.ToLower(blockedEth) + `","reason":"another"}`})
		again.want(t, 200)
		var b2 complianceapi.BlockView
		again.decode(t, &b2)
		if again.headers["idempotent-replayed"] != "true" || b2.Reason != "fraud report 17" {
			t.Fatalf("blocked again: %s %v", again.body, again.headers)
		}
		var l api.List[complianceapi.BlockView]
		e.do(e.blocks.List, caseCall{}).decode(t, &l)
		if len(l.Data) != 1 || l.Data[0].Address != strings.ToLower(blockedEth) {
			t.Fatalf("list %+v", l.Data)
		}
		var other api.List[complianceapi.BlockView]
		e.do(e.blocks.List, caseCall{tenant: "globex"}).decode(t, &other)
		if len(other.Data) != 0 {
			t.Fatalf("another tenant sees %+v", other.Data)
		}
		d, err := e.screening.ScreenPayout(bg, "acme", sg.Ethereum, blockedEth, "txn_x")
		if err == nil || d.Refusal() != sg.ErrDestinationBlocked || d.CaseID == "" {
			t.Fatalf("screening the blocked address: %+v, %v", d, err)
		}
		if d, err := e.screening.ScreenPayout(bg, "globex", sg.Ethereum, blockedEth, "txn_y"); err != nil || d.Hit() {
			t.Fatalf("another tenant's screening: %+v, %v", d, err)
		}
	})
	t.Run("remove", func(t *testing.T) {
		p := map[string]string{"chain": "ethereum", "address": blockedEth}
		e.do(e.blocks.Remove, caseCall{tenant: "globex", path: p}).refused(t, 404, "not_found", "")
		e.do(e.blocks.Remove, caseCall{path: map[string]string{"chain": "bitcoin", "address": "1abc"}}).refused(t, 404, "not_found", "")
		e.do(e.blocks.Remove, caseCall{path: p}).want(t, 200)
		e.do(e.blocks.Remove, caseCall{path: p}).refused(t, 404, "not_found", "")
		if d, err := e.screening.ScreenPayout(bg, "acme", sg.Ethereum, blockedEth, "txn_z"); err != nil || d.Hit() {
			t.Fatalf("screening after removal: %+v, %v", d, err)
		}
	})
}

func TestSanctionsListInUse(t *testing.T) {
	e := newCaseEnv(t, "")
	e.do(e.list.Get, caseCall{}).refused(t, 503, "sanctions_list_unavailable", "")
	if _, _, err := e.screening.LoadList(bg, e.clock.Now(),
		compliance.ListFile{Name: "eth.txt", Chain: sg.Ethereum, Body: strings.NewReader("0x8589427373D6D84E98730D7795D8f6f8731FDA16\n" + blockedEth + "\n")},
		compliance.ListFile{Name: "trx.txt", Chain: sg.Tron, Body: strings.NewReader("TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH\n")}); err != nil {
		t.Fatal(err)
	}
	var v complianceapi.SanctionsView
	r := e.do(e.list.Get, caseCall{})
	r.want(t, 200)
	r.decode(t, &v)
	if v.Source != "ofac" || v.Date != "2026-12-06" || !strings.HasPrefix(v.Version, "2026-12-06.") || v.Count != 3 ||
		v.Counts["ethereum"] != 2 || v.Counts["tron"] != 1 {
		t.Fatalf("list %s", r.body)
	}
}
