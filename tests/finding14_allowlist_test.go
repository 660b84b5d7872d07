package tests

import (
	"strings"
	"testing"
)

type allowJSON struct {
	Address  string `json:"address"`
	Label    string `json:"label"`
	AddedAt  string `json:"added_at"`
	ActiveAt string `json:"active_at"`
}

// Finding 14, first item: an allowlisted address re-added in another letter
// case is the same entry. With no label or the same label the answer is 200
// with the entry as it stands (label and cooling-off kept,
// Idempotent-Replayed); with another label it is 409
// allowlist_entry_exists. The list keeps one entry with its first label,
// and the journal one addition.
func TestFinding14_AllowlistCaseIsOneEntry(t *testing.T) {
	e := stack(t)
	ten := tenant()
	alice, bob := e.tokenAs(t, ten, "alice"), e.tokenAs(t, ten, "bob")
	e.putPolicy(t, alice, `{"if_version":0,"approval_ttl_seconds":3600,"allowlist_cooling_off_seconds":86400,"unfreeze_approvals":2,"rules":[]}`)
	addr := ethPayee()
	body := func(a, label string) []byte {
		if label == "" {
			return []byte(`{"chain":"ethereum","address":"` + a + `"}`)
		}
		return []byte(`{"chain":"ethereum","address":"` + a + `","label":"` + label + `"}`)
	}
	r := e.do(t, "POST", "/v1/allowlist", alice, nil, body(addr, "supplier payouts"))
	var first allowJSON
	r.json(t, &first)
	if r.status != 201 || first.Address != addr || first.Label != "supplier payouts" {
		t.Fatalf("first add: %d %s", r.status, r.body)
	}
	lower, upper := "0x"+strings.ToLower(addr[2:]), "0x"+strings.ToUpper(addr[2:])
	for _, c := range []struct{ name, addr, label string }{
		{"lower case, no label", lower, ""},
		{"upper case, same label", upper, "supplier payouts"},
		{"same case, no label, another subject", addr, ""},
	} {
		tok := alice
		if strings.Contains(c.name, "another subject") {
			tok = bob
		}
		r := e.do(t, "POST", "/v1/allowlist", tok, nil, body(c.addr, c.label))
		var got allowJSON
		r.json(t, &got)
		if r.status != 200 || r.header.Get("Idempotent-Replayed") != "true" || got != first {
			t.Fatalf("%s: %d %s; want 200 with %+v", c.name, r.status, r.body, first)
		}
	}
	if r := e.do(t, "POST", "/v1/allowlist", alice, nil, body(lower, "someone else")); r.status != 409 || r.errCode() != "allowlist_entry_exists" || r.errParam() != "address" {
		t.Fatalf("re-add with another label: %d %s", r.status, r.body)
	}
	var list struct {
		Data []allowJSON `json:"data"`
	}
	e.do(t, "GET", "/v1/allowlist", alice, nil, nil).json(t, &list)
	if len(list.Data) != 1 || list.Data[0] != first {
		t.Fatalf("allowlist after re-adds: %+v; want only %+v", list.Data, first)
	}
	var journal struct {
		Data []struct{ Action, Subject string } `json:"data"`
	}
	e.do(t, "GET", "/v1/journal", alice, nil, nil).json(t, &journal)
	added := 0
	for _, j := range journal.Data {
		if j.Action == "allowlist.added" {
			added++
		}
	}
	if added != 1 {
		t.Fatalf("journal holds %d allowlist additions; want 1: %+v", added, journal.Data)
	}
}
