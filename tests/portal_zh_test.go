package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/net/html"
)

// readI18n reads one language's strings as Hugo does (portal/i18n/<lang>.toml:
// key = "text").
func readI18n(t *testing.T, lang string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "portal", "i18n", lang+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := toml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s.toml: %v", lang, err)
	}
	return m
}

// i18nUse is a template's call of a string: {{ i18n "key" }}, {{ T "key" }},
// also inside a dict that spans lines.
var i18nUse = regexp.MustCompile(`\b(?:i18n|T|lang\.Translate)\s+"([A-Za-z0-9_.-]+)"`)

// Every string a layout asks for exists in English and in Chinese (Hugo
// would print the bare key, or English, on a Chinese page otherwise), and
// the two files hold the same keys: a string added in one language only is
// caught here, not by a reader.
func TestPortalI18nKeysInBothLanguages(t *testing.T) {
	en, zh := readI18n(t, "en"), readI18n(t, "zh")
	used := map[string][]string{}
	walkErr := filepath.WalkDir(filepath.Join("..", "portal", "layouts"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range i18nUse.FindAllStringSubmatch(string(raw), -1) {
			used[m[1]] = append(used[m[1]], p)
		}
		return nil
	})
	if walkErr != nil {
		t.Fatal(walkErr)
	}
	if len(used) < 40 {
		t.Fatalf("the layouts use %d strings; the reader of this test expects the shell's, the checkout's and the courses'", len(used))
	}
	for k, where := range used {
		if en[k] == "" && !specTranslation(k) { // the spec's own text is the English (i18n "ref_info" | default ...)
			t.Errorf("%s uses %q, which en.toml lacks", where[0], k)
		}
		if zh[k] == "" {
			t.Errorf("%s uses %q, which zh.toml lacks", where[0], k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("en.toml has %q and zh.toml does not", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok && !specTranslation(k) {
			t.Errorf("zh.toml has %q and en.toml does not", k)
		}
	}
}

// specTranslation reports whether a zh.toml key translates text whose
// English lives in infra/openapi.yaml (so en.toml has no copy of it).
func specTranslation(k string) bool {
	for _, p := range []string{"ref_op_", "ref_err_", "ref_tag_", "ref_tagdesc_"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return k == "ref_info"
}

// The reference's Chinese (zh.toml: ref_op_<operationId>, ref_err_<code>,
// ref_tag_<tag>, ref_tagdesc_<tag>) names only what the spec has, so a
// renamed operation or code is caught rather than left untranslated in
// silence; and it covers nearly all of the spec (an operation, code or tag
// may be added before its Chinese is written: the layout shows its English
// then, and this test names it).
func TestPortalReferenceChineseMatchesTheSpec(t *testing.T) {
	zh := readI18n(t, "zh")
	doc := loadSpec(t)
	ops, tags, codes := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = true
			for _, tg := range op.Tags {
				tags[tagKey(tg)] = true
			}
		}
	}
	for _, tg := range doc.Tags {
		tags[tagKey(tg.Name)] = true
	}
	ec := doc.Components.Schemas["ErrorCode"]
	if ec == nil || ec.Value == nil {
		t.Fatal("the spec has no ErrorCode schema")
	}
	for _, v := range ec.Value.Enum {
		if c, ok := v.(string); ok {
			codes[c] = true
		}
	}
	translated := map[string]int{}
	for k, v := range zh {
		if strings.TrimSpace(v) == "" {
			t.Errorf("zh.toml: %s is empty", k)
		}
		var kind, name string
		var known map[string]bool
		switch {
		case strings.HasPrefix(k, "ref_op_"):
			kind, name, known = "operation", strings.TrimPrefix(k, "ref_op_"), ops
		case strings.HasPrefix(k, "ref_err_"):
			kind, name, known = "error code", strings.TrimPrefix(k, "ref_err_"), codes
		case strings.HasPrefix(k, "ref_tagdesc_"):
			kind, name, known = "tag description", strings.TrimPrefix(k, "ref_tagdesc_"), tags
		case strings.HasPrefix(k, "ref_tag_"):
			kind, name, known = "tag", strings.TrimPrefix(k, "ref_tag_"), tags
		default:
			continue
		}
		if !known[name] {
			t.Errorf("zh.toml: %s translates the %s %q, which the spec does not have", k, kind, name)
		}
		translated[kind]++
	}
	for kind, all := range map[string]map[string]bool{"operation": ops, "error code": codes, "tag": tags} {
		if translated[kind]*10 < len(all)*9 {
			t.Errorf("%d of %d %ss have their Chinese; want at least 90%%", translated[kind], len(all), kind)
		}
	}
	prefix := map[string]string{"operation": "ref_op_", "error code": "ref_err_", "tag": "ref_tag_"}
	for kind, all := range map[string]map[string]bool{"operation": ops, "error code": codes, "tag": tags} {
		for name := range all {
			if _, ok := zh[prefix[kind]+name]; !ok {
				t.Logf("no Chinese yet for the %s %s (%s%s in zh.toml)", kind, name, prefix[kind], name)
			}
		}
	}
	t.Logf("Chinese: %d of %d operations, %d of %d error codes, %d tags", translated["operation"], len(ops), translated["error code"], len(codes), translated["tag"])
}

// tagKey is a tag's name as an i18n key: "Customers and KYC" is customers_and_kyc
// (in a layout: replace (lower .) " " "_").
func tagKey(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), " ", "_")
}

// englishChrome is what a Chinese page must not show: each English string
// whose Chinese differs, as the fragments a reader sees (markup dropped,
// split at its {placeholders}), each with at least one word of letters.
func englishChrome(en, zh map[string]string) map[string]string {
	tag := regexp.MustCompile(`<[^>]*>`)
	hole := regexp.MustCompile(`\{[a-z]+\}`)
	out := map[string]string{}
	for k, v := range en {
		if zh[k] == v || strings.HasPrefix(k, "ref_") {
			continue // the same in both (a language's own name, a symbol); the reference's own pages are checked apart
		}
		for _, f := range hole.Split(tag.ReplaceAllString(v, " "), -1) {
			f = strings.Join(strings.Fields(f), " ")
			f = strings.TrimFunc(f, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
			letters := 0
			for _, r := range f {
				if unicode.IsLetter(r) && r < unicode.MaxLatin1 {
					letters++
				}
			}
			if letters >= 2 {
				out[f] = k
			}
		}
	}
	return out
}

// zhSeen is what a reader of a built page sees or hears: its text outside
// code, its labels and placeholders, and the string literals its scripts put
// on the page.
type zhSeen struct {
	texts   []string // each text node, spaces folded
	scripts []string
}

func readSeen(t *testing.T, p string) zhSeen {
	t.Helper()
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	var s zhSeen
	var walk func(n *html.Node, inCode bool)
	walk = func(n *html.Node, inCode bool) {
		switch n.Type {
		case html.TextNode:
			if !inCode {
				if v := strings.Join(strings.Fields(n.Data), " "); v != "" {
					s.texts = append(s.texts, v)
				}
			}
		case html.ElementNode:
			switch n.Data {
			case "code", "pre", "kbd", "style", "svg":
				inCode = true
			case "script":
				if n.FirstChild != nil {
					s.scripts = append(s.scripts, n.FirstChild.Data)
				}
				return
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "placeholder", "aria-label", "title", "alt", "label", "data-placeholder":
					s.texts = append(s.texts, strings.Join(strings.Fields(a.Val), " "))
				}
				if strings.HasPrefix(a.Key, "data-") && a.Key != "data-answer" && a.Key != "data-why" && a.Key != "data-course" {
					s.texts = append(s.texts, strings.Join(strings.Fields(a.Val), " "))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inCode)
		}
	}
	walk(doc, false)
	return s
}

// A Chinese reader of the courses meets no English chrome: no page under
// /zh/courses/ or /zh/guides/ shows (as a whole text, label, placeholder or
// a string its script writes) any English string of en.toml that has a
// Chinese translation. A string of several words is found inside longer text
// too; a single word only as a whole text (it may be a term in a sentence).
func TestPortalChinesePagesShowNoEnglishChrome(t *testing.T) {
	readSite(t)
	chrome := englishChrome(readI18n(t, "en"), readI18n(t, "zh"))
	// The check can fail: the English course pages show these same strings.
	enSeen := readSeen(t, filepath.Join(site, "courses", "kyc-aml", "assessment", "index.html"))
	if hits := chromeIn(enSeen, chrome); len(hits) < 5 {
		t.Fatalf("the English assessment page shows %d of the English strings (%v): the check sees nothing", len(hits), hits)
	}
	pages := 0
	for _, dir := range []string{"courses", "guides"} {
		walkErr := filepath.WalkDir(filepath.Join(site, "zh", dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "index.html" {
				return err
			}
			pages++
			for _, h := range chromeIn(readSeen(t, p), chrome) {
				rel, _ := filepath.Rel(site, p)
				t.Errorf("/%s shows English UI text %s", filepath.ToSlash(rel), h)
			}
			return nil
		})
		if walkErr != nil {
			t.Fatal(walkErr)
		}
	}
	if pages < 30 {
		t.Fatalf("%d Chinese course and guide pages built; want every one of them", pages)
	}
}

func chromeIn(s zhSeen, chrome map[string]string) []string {
	var hits []string
	for f, key := range chrome {
		several := strings.Contains(f, " ")
		for _, v := range s.texts {
			if v == f || strings.TrimRight(v, ".:;") == f || (several && strings.Contains(v, f)) {
				hits = append(hits, f+" ("+key+")")
				break
			}
		}
		for _, js := range s.scripts {
			if (several && strings.Contains(js, f)) || jsShows(js, f) {
				hits = append(hits, f+" ("+key+", in a script)")
				break
			}
		}
	}
	sort.Strings(hits)
	return hits
}

// Every English guide and course page (lesson, practice quiz, assessment,
// the certificate page) is built in Chinese too, at the same path under /zh/.
func TestPortalEveryGuideAndLessonHasAChineseTwin(t *testing.T) {
	readSite(t)
	n := 0
	for _, dir := range []string{"guides", "courses"} {
		walkErr := filepath.WalkDir(filepath.Join(site, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "index.html" {
				return err
			}
			n++
			rel, _ := filepath.Rel(site, p)
			zh := filepath.Join(site, "zh", rel)
			raw, err := os.ReadFile(zh)
			if err != nil {
				t.Errorf("/%s has no Chinese twin", filepath.ToSlash(filepath.Dir(rel)))
				return nil
			}
			if !bytes.Contains(raw, []byte(`<html lang="zh-CN"`)) {
				t.Errorf("/zh/%s is not built as a Chinese page", filepath.ToSlash(rel))
			}
			return nil
		})
		if walkErr != nil {
			t.Fatal(walkErr)
		}
	}
	if n < 40 {
		t.Fatalf("%d English guide and course pages; the site looks unbuilt", n)
	}
}

// jsShows reports whether a script holds word as a string it may show: a
// literal "word" (or `word), not an object's key ("word": ...) nor an id,
// a class name or an element's tag name it sets.
func jsShows(js, word string) bool {
	for _, q := range []string{`"`, "`"} {
		lit := q + word
		for i := strings.Index(js, lit); i >= 0; {
			end := i + len(lit)
			rest := js[end:]
			before := strings.TrimRight(js[:i], " ")
			switch {
			case !strings.HasPrefix(rest, q) && !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, "."):
				// a longer string ("certificate-keys")
			case strings.HasPrefix(rest, q+":"):
				// a key of an object
			case strings.HasSuffix(before, "id:") || strings.HasSuffix(before, "className:") || strings.HasSuffix(before, "el(") || strings.HasSuffix(before, "createElement("):
				// an id, a class or an element's tag name
			default:
				return true
			}
			j := strings.Index(js[end:], lit)
			if j < 0 {
				break
			}
			i = end + j
		}
	}
	return false
}
