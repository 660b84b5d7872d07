package tests

import (
	"html"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// ---- zhdesc: the operations' long descriptions in Chinese.

// zhTicked finds the `code` spans of a Markdown description.
var zhTicked = regexp.MustCompile("`([^`]+)`")

// firstHan finds the first run of Chinese characters in a description.
var firstHan = regexp.MustCompile(`\p{Han}[\p{Han}，、]{3,}`)

// tokens is the set of a description's zhTicked tokens.
func tokens(s string) map[string]bool {
	out := map[string]bool{}
	for _, m := range zhTicked.FindAllStringSubmatch(s, -1) {
		out[m[1]] = true
	}
	return out
}

// A Chinese reader reads each operation's description in Chinese: every
// Chinese description (portal/data/zh/opdesc.yaml) belongs to an operation
// that has an English one, keeps every code, field, path and scope the
// English names in backticks (and names no other), and shows on the
// operation's entry of its /zh/reference/ page, as Markdown (each zhTicked
// token a <code> element). A resource page says its prose is English only
// while one of its operations has no Chinese description. A layout that stops
// reading the Chinese, or a spec edit that leaves the Chinese behind, fails here.
func TestPortalChineseReferenceShowsEveryDescription(t *testing.T) {
	readSite(t)
	raw, err := os.ReadFile("../portal/data/zh/opdesc.yaml")
	if err != nil {
		t.Fatal(err)
	}
	zhDesc := map[string]string{}
	if err := yaml.Unmarshal(raw, &zhDesc); err != nil {
		t.Fatalf("portal/data/zh/opdesc.yaml: %v", err)
	}
	type opInfo struct{ desc, tag string }
	ops := map[string]opInfo{}
	for _, item := range loadSpec(t).Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = opInfo{op.Description, op.Tags[0]}
		}
	}
	pages := map[string]string{}
	entries, err := os.ReadDir(site + "/zh/reference")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if b, err := os.ReadFile(site + "/zh/reference/" + e.Name() + "/index.html"); err == nil && e.IsDir() {
			pages[e.Name()] = string(b)
		}
	}
	section := func(id string) (string, string) {
		start := `<section class="op" id="` + id + `">`
		for name, p := range pages {
			if i := strings.Index(p, start); i >= 0 {
				rest := p[i+len(start):]
				if j := strings.Index(rest, `<section class="op"`); j >= 0 {
					rest = rest[:j]
				}
				return name, rest
			}
		}
		return "", ""
	}
	done, withDesc := 0, 0
	untranslated := map[string]bool{} // resource pages with an operation still in English
	for id := range zhDesc {
		if _, ok := ops[id]; !ok {
			t.Errorf("opdesc.yaml has %s, which is no operation of the spec", id)
		}
	}
	for id, op := range ops {
		page, sec := section(id)
		if page == "" {
			t.Errorf("%s has no entry on the Chinese reference", id)
			continue
		}
		if strings.TrimSpace(op.desc) == "" {
			continue
		}
		withDesc++
		zh, ok := zhDesc[id]
		if !ok {
			untranslated[page] = true
			continue
		}
		done++
		en, got := tokens(op.desc), tokens(zh)
		for tok := range en {
			if !got[tok] {
				t.Errorf("the Chinese description of %s lacks `%s`, which the English names", id, tok)
			}
		}
		for tok := range got {
			if !en[tok] {
				t.Errorf("the Chinese description of %s names `%s`, which the English does not", id, tok)
			}
		}
		shown := html.UnescapeString(sec)
		if !strings.Contains(shown, `<div class="op-desc">`) {
			t.Errorf("/zh/reference/%s/: %s shows no description", page, id)
			continue
		}
		if han := firstHan.FindString(zh); han == "" || !strings.Contains(shown, han) {
			t.Errorf("/zh/reference/%s/: %s does not show its Chinese description (%q)", page, id, han)
		}
		if strings.Contains(shown, strings.SplitN(strings.TrimSpace(op.desc), "\n", 2)[0]) {
			t.Errorf("/zh/reference/%s/: %s still shows the English description", page, id)
		}
		for tok := range got {
			if !strings.Contains(shown, "<code>"+tok+"</code>") {
				t.Errorf("/zh/reference/%s/: %s does not show `%s` as code", page, id, tok)
			}
		}
	}
	for name, p := range pages {
		if name == "schemas" {
			continue
		}
		if note := strings.Contains(p, `<p class="note">`); note != untranslated[name] {
			t.Errorf("/zh/reference/%s/: the note that prose is English shows %v; an operation without Chinese there: %v", name, note, untranslated[name])
		}
	}
	// Nearly every description has its Chinese (a new operation may land
	// before its translation; the page's note says so meanwhile).
	if done*10 < withDesc*9 {
		t.Errorf("%d of %d operation descriptions in Chinese", done, withDesc)
	}
	t.Logf("%d of %d operation descriptions in Chinese", done, withDesc)
}
