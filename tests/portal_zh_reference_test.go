package tests

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ---- ref2: the Chinese reference.

// opSummary finds each operation's entry on a reference page and the
// summary line it shows: <section class="op" id="<operationId>"> ...
// <p class="summary">...</p>.
var opSummary = regexp.MustCompile(`(?s)<section class="op" id="([A-Za-z0-9_]+)">.*?<p class="summary">(.*?)</p>`)

// A Chinese reader finds the whole reference in Chinese: every English
// reference page (the index, each resource, the schemas) has its twin under
// /zh/reference/, built as a Chinese page; each operation's entry on the
// twin shows its Chinese summary (zh.toml ref_op_<operationId>) where one
// exists, and the English page shows the spec's summary; the Chinese index
// names each operation by its Chinese summary too, and the error codes by
// their Chinese meanings. A layout that stopped reading the zh strings fails
// here, not in front of a reader.
func TestPortalChineseReferenceHasEveryPageAndSummary(t *testing.T) {
	readSite(t)
	zh := readI18n(t, "zh")
	spec := loadSpec(t)
	summary := map[string]string{}
	for _, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			summary[op.OperationID] = op.Summary
		}
	}
	read := func(rel string) string {
		raw, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(rel)))
		if err != nil {
			return ""
		}
		return string(raw)
	}
	enPages, zhSeen, enSeen := 0, map[string]string{}, map[string]bool{}
	walkErr := filepath.WalkDir(filepath.Join(site, "reference"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "index.html" {
			return err
		}
		enPages++
		rel, _ := filepath.Rel(site, p)
		rel = filepath.ToSlash(rel)
		en := read(rel)
		zhPage := read("zh/" + rel)
		if zhPage == "" {
			t.Errorf("/%s has no Chinese twin at /zh/%s", rel, rel)
			return nil
		}
		if !strings.Contains(zhPage, `<html lang="zh-CN"`) {
			t.Errorf("/zh/%s is not built as a Chinese page", rel)
		}
		for _, m := range opSummary.FindAllStringSubmatch(en, -1) {
			enSeen[m[1]] = true
			if got := html.UnescapeString(m[2]); got != summary[m[1]] {
				t.Errorf("/%s: %s shows the summary %q; the spec says %q", rel, m[1], got, summary[m[1]])
			}
		}
		for _, m := range opSummary.FindAllStringSubmatch(zhPage, -1) {
			zhSeen[m[1]] = html.UnescapeString(m[2])
		}
		return nil
	})
	if walkErr != nil {
		t.Fatal(walkErr)
	}
	if enPages < 10 {
		t.Fatalf("%d English reference pages built; want the index, every resource and the schemas", enPages)
	}
	chinese := 0
	index := html.UnescapeString(read("zh/reference/index.html"))
	for id, en := range summary {
		if !enSeen[id] {
			t.Errorf("%s has no entry on the English reference pages", id)
		}
		got, ok := zhSeen[id]
		if !ok {
			t.Errorf("%s has no entry on the Chinese reference pages", id)
			continue
		}
		want, translated := zh["ref_op_"+id]
		if !translated {
			want = en // no Chinese yet: the English summary stands (TestPortalReferenceChineseMatchesTheSpec names it)
		}
		if got != want {
			t.Errorf("the Chinese entry of %s shows %q; want %q", id, got, want)
			continue
		}
		if translated {
			chinese++
			if !strings.Contains(index, want) {
				t.Errorf("/zh/reference/ does not name %s by its Chinese summary %q", id, want)
			}
		}
	}
	// The check can fail: nearly every operation has its Chinese, so a
	// layout that shows the spec's English everywhere fails above.
	if chinese*10 < len(summary)*9 {
		t.Errorf("%d of %d operations show a Chinese summary on the Chinese reference", chinese, len(summary))
	}
	// Error code meanings and a resource's description, as a reader sees them
	// (markup dropped; `code` in the string is a <code> element on the page).
	seen := html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(read("zh/reference/index.html")+read("zh/reference/wallets/index.html"), ""))
	for _, k := range []string{"ref_err_validation_failed", "ref_err_not_found", "ref_tagdesc_wallets"} {
		if v := strings.ReplaceAll(zh[k], "`", ""); v == "" || !strings.Contains(seen, v) {
			t.Errorf("the Chinese reference does not show %s (%q)", k, v)
		}
	}
	t.Logf("%d reference pages in each language; %d of %d operations summarised in Chinese", enPages, chinese, len(summary))
}
