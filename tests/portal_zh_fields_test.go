package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"gopkg.in/yaml.v3"
)

// ---- zhref: the reference's parameter, field and response prose in Chinese.

// zhData reads one of portal/data/zh/*.yaml.
func zhData[T any](t *testing.T, name string) T {
	t.Helper()
	var out T
	raw, err := os.ReadFile(filepath.Join(root, "portal", "data", "zh", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &out); err != nil {
		t.Fatalf("portal/data/zh/%s: %v", name, err)
	}
	return out
}

// rawSpec reads infra/openapi.yaml as the portal's layouts read it: plain
// YAML, a property's description kept even beside a $ref.
func rawSpec(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "infra", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func asStr(v any) string         { s, _ := v.(string); return s }

// englishProse says whether a text (code spans dropped) holds an English
// word, so that its Chinese must hold Chinese: "`a`, `b`." has none.
var englishWord = regexp.MustCompile(`[A-Za-z]{3,}`)

func englishProse(s string) bool { return englishWord.MatchString(zhTicked.ReplaceAllString(s, "")) }

// hasHan says whether a text holds a Chinese character.
var hasHan = regexp.MustCompile(`\p{Han}`)

// sameTokens reports the backticked tokens one text names and the other not.
func sameTokens(t *testing.T, where, en, zh string) {
	t.Helper()
	e, z := tokens(en), tokens(zh)
	for tok := range e {
		if !z[tok] {
			t.Errorf("%s: the Chinese lacks `%s`, which the English names", where, tok)
		}
	}
	for tok := range z {
		if !e[tok] {
			t.Errorf("%s: the Chinese names `%s`, which the English does not", where, tok)
		}
	}
}

// A Chinese reader of the reference reads every parameter, request field,
// schema field and response in Chinese: each description the spec gives one
// (the parameters of every operation, the properties and descriptions of
// every schema, every response of every operation and the shared ones) has
// its Chinese in portal/data/zh (params.yaml, fields.yaml, responses.yaml),
// naming in backticks exactly the codes, fields and headers the English names;
// no Chinese entry is left behind by a spec edit (a renamed field, a reworded
// response). The built pages are checked by the next test.
func TestZhReferenceEveryDescriptionHasItsChinese(t *testing.T) {
	spec := rawSpec(t)
	params := zhData[map[string]string](t, "params.yaml")
	fields := zhData[map[string]map[string]string](t, "fields.yaml")
	responses := zhData[map[string]string](t, "responses.yaml")
	comps := asMap(spec["components"])

	used := map[string]bool{}
	check := func(where, en, zh string, ok bool) {
		t.Helper()
		switch {
		case !ok || strings.TrimSpace(zh) == "":
			t.Errorf("%s has no Chinese: %q", where, en)
		case englishProse(en) && !hasHan.MatchString(zh):
			t.Errorf("%s: the Chinese %q holds no Chinese", where, zh)
		default:
			sameTokens(t, where, en, zh)
		}
	}
	described := 0
	// Parameters: shared ones by component name, an operation's own by
	// "<operationId>.<name>" or by name.
	for name, p := range asMap(comps["parameters"]) {
		if en := asStr(asMap(p)["description"]); en != "" {
			described++
			zh, ok := params[name]
			used[name] = ok
			check("parameter "+name, en, zh, ok)
		}
	}
	responseDesc := func(where string, r map[string]any) {
		if en := asStr(r["description"]); en != "" {
			described++
			zh, ok := responses[en]
			check(where, en, zh, ok)
		}
	}
	for name, r := range asMap(comps["responses"]) {
		responseDesc("response "+name, asMap(r))
	}
	for path, item := range asMap(spec["paths"]) {
		for method, o := range asMap(item) {
			op := asMap(o)
			id := asStr(op["operationId"])
			if id == "" {
				continue
			}
			list, _ := op["parameters"].([]any)
			for _, p := range list {
				pm := asMap(p)
				en, name := asStr(pm["description"]), asStr(pm["name"])
				if en == "" {
					continue
				}
				described++
				key := id + "." + name
				zh, ok := params[key]
				if !ok {
					key = name
					zh, ok = params[key]
				}
				used[key] = used[key] || ok
				check(method+" "+path+" parameter "+name, en, zh, ok)
			}
			codes := asMap(op["responses"])
			for code, r := range codes {
				responseDesc(method+" "+path+" "+code, asMap(r))
			}
		}
	}
	for key := range params {
		if !used[key] {
			t.Errorf("params.yaml has %q, which names no described parameter of the spec", key)
		}
	}
	// Schemas: "_" is the schema's own description; ErrorCode's is shown as
	// its codes with their meanings in zh.toml (checked by the next test).
	schemas := asMap(comps["schemas"])
	for name, s := range schemas {
		sm := asMap(s)
		f := fields[name]
		if en := asStr(sm["description"]); en != "" && name != "ErrorCode" {
			described++
			zh, ok := f["_"]
			check("schema "+name, en, zh, ok)
		}
		for prop, p := range asMap(sm["properties"]) {
			if en := asStr(asMap(p)["description"]); en != "" {
				described++
				zh, ok := f[prop]
				check("schema "+name+" property "+prop, en, zh, ok)
			}
		}
	}
	for name, f := range fields {
		sm := asMap(schemas[name])
		if sm == nil {
			t.Errorf("fields.yaml has %s, which is no schema of the spec", name)
			continue
		}
		for prop := range f {
			if prop == "_" {
				if asStr(sm["description"]) == "" {
					t.Errorf("fields.yaml has %s._, but the schema has no description", name)
				}
			} else if asStr(asMap(asMap(sm["properties"])[prop])["description"]) == "" {
				t.Errorf("fields.yaml has %s.%s, which is no described property of the schema", name, prop)
			}
		}
	}
	// Stale entries of responses.yaml: keyed by the English, so a reworded
	// response leaves one behind.
	inSpec := map[string]bool{}
	for _, r := range asMap(comps["responses"]) {
		inSpec[asStr(asMap(r)["description"])] = true
	}
	for _, item := range asMap(spec["paths"]) {
		for _, o := range asMap(item) {
			for _, r := range asMap(asMap(o)["responses"]) {
				inSpec[asStr(asMap(r)["description"])] = true
			}
		}
	}
	for en := range responses {
		if !inSpec[en] {
			t.Errorf("responses.yaml has %q, which no response of the spec says (reworded? translate the new English)", en)
		}
	}
	if described < 400 {
		t.Errorf("only %d descriptions found in the spec; the walk above misses some", described)
	}
	t.Logf("%d descriptions of parameters, schemas, fields and responses, each with its Chinese", described)
}

// descBlock is one description as a page shows it: its text, and the text
// of each <code> element in it.
type descBlock struct {
	text  string
	codes []string
}

// descBlocks finds the description cells and blocks (class "desc") of a built
// page, in page order.
func descBlocks(t *testing.T, file string) []descBlock {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var out []descBlock
	var text func(n *html.Node, b *strings.Builder, codes *[]string)
	text = func(n *html.Node, b *strings.Builder, codes *[]string) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.Data == "code" {
			var c strings.Builder
			for k := n.FirstChild; k != nil; k = k.NextSibling {
				text(k, &c, nil)
			}
			if codes != nil {
				*codes = append(*codes, c.String())
			}
			b.WriteString("`" + c.String() + "`")
			return
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			text(k, b, codes)
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "class" && a.Val == "desc" {
					var b strings.Builder
					d := descBlock{}
					text(n, &b, &d.codes)
					d.text = strings.TrimSpace(b.String())
					sort.Strings(d.codes)
					d.codes = slices.Compact(d.codes) // a set: a code named twice is one
					out = append(out, d)
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// On the built site, every description an English reference page shows (a
// parameter, a request-body field, a response, a schema or its field) shows
// on the page's Chinese twin in Chinese, in the same place, with the same
// code elements: the Chinese page never falls back to the English. ErrorCode,
// whose English is one long list, shows on the Chinese page as each of its
// codes with its Chinese meaning. A layout that stops reading
// portal/data/zh, or a description added to the spec without its Chinese,
// fails here.
func TestZhReferencePagesShowNoEnglishDescription(t *testing.T) {
	if _, err := os.Stat(filepath.Join(site, "zh", "reference", "index.html")); err != nil {
		t.Fatalf("the portal is not built (make portal): %v", err)
	}
	zhStrings := readI18n(t, "zh")
	enums := asMap(asMap(asMap(rawSpec(t)["components"])["schemas"])["ErrorCode"])["enum"].([]any)
	entries, err := os.ReadDir(filepath.Join(site, "reference"))
	if err != nil {
		t.Fatal(err)
	}
	total, pages := 0, 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		rel := filepath.Join("reference", e.Name(), "index.html")
		en := descBlocks(t, filepath.Join(site, rel))
		if len(en) == 0 {
			continue
		}
		pages++
		zh := descBlocks(t, filepath.Join(site, "zh", rel))
		if len(zh) != len(en) {
			t.Errorf("/zh/%s shows %d descriptions; its English twin %d", filepath.ToSlash(rel), len(zh), len(en))
			continue
		}
		for i := range en {
			where := "/zh/" + filepath.ToSlash(rel) + ": the description " + strings.Join(strings.Fields(en[i].text), " ")
			if len(where) > 160 {
				where = where[:160] + "..."
			}
			total++
			if strings.HasPrefix(en[i].text, "Stable codes;") { // ErrorCode
				for _, c := range enums {
					code := asStr(c)
					want := strings.ReplaceAll(zhStrings["ref_err_"+code], "`", "")
					plain := strings.ReplaceAll(zh[i].text, "`", "")
					if want == "" || !strings.Contains(plain, code+": "+want) {
						t.Errorf("/zh/%s: ErrorCode does not show %s with its Chinese meaning %q", filepath.ToSlash(rel), code, want)
					}
				}
				continue
			}
			if englishProse(en[i].text) && !hasHan.MatchString(zh[i].text) {
				t.Errorf("%s shows in English: %q", where, zh[i].text)
			}
			if strings.Join(en[i].codes, "\x00") != strings.Join(zh[i].codes, "\x00") {
				t.Errorf("%s: the Chinese shows the code elements %q; the English %q", where, zh[i].codes, en[i].codes)
			}
		}
		if p, err := os.ReadFile(filepath.Join(site, "zh", rel)); err == nil && bytes.Contains(p, []byte(`<p class="note">`)) {
			t.Errorf("/zh/%s still says some of its prose is English only", filepath.ToSlash(rel))
		}
	}
	if pages < 10 || total < 600 {
		t.Errorf("%d descriptions on %d reference pages; the layouts mark each one class=\"desc\"", total, pages)
	}
	t.Logf("%d descriptions on %d reference pages, each in Chinese on the Chinese twin", total, pages)
}
