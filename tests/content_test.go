package tests

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The authentication guide names every scope an operation of the spec
// asks for, so a developer choosing a token's scopes finds each of them
// (cold payouts and API clients included).
func TestAuthGuideNamesEveryScope(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "infra", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `yaml:"security"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	scopes := map[string]bool{}
	for _, ops := range spec.Paths {
		for _, op := range ops {
			for _, req := range op.Security {
				for _, ss := range req {
					for _, s := range ss {
						scopes[s] = true
					}
				}
			}
		}
	}
	guide, err := os.ReadFile(filepath.Join("..", "portal", "content", "guides", "authentication.md"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for s := range scopes {
		if !strings.Contains(string(guide), "`"+s+"`") {
			missing = append(missing, s)
		}
	}
	sort.Strings(missing)
	if len(scopes) < 10 || len(missing) > 0 {
		t.Fatalf("the authentication guide names %d of the spec's %d scopes; missing %v", len(scopes)-len(missing), len(scopes), missing)
	}
}

// Every lesson of every course is a five-to-eight-minute read (about 800
// to 1,300 words at 160-200 a minute), names its sources, and links back
// to its course and on to the next step (the next lesson, or the practice
// quiz after the last); every course has a practice quiz and an assessment,
// and at least one of its lessons compares FATF, the US and the EU.
func TestLessonsAreReadsWithSourcesAndNextSteps(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "courses", "*", "_index.md"))
	if err != nil || len(dirs) < 9 {
		t.Fatalf("%d courses found (%v); want at least nine", len(dirs), err)
	}
	for _, idx := range dirs {
		dir := filepath.Dir(idx)
		course := filepath.Base(dir)
		for _, f := range []string{"practice.md", "assessment.md"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s has no %s", course, f)
			}
		}
		lessons, _ := filepath.Glob(filepath.Join(dir, "lesson-[0-9].md")) // English; name.zh.md beside each is its translation
		if len(lessons) < 2 {
			t.Errorf("%s has %d lessons; want at least two", course, len(lessons))
		}
		compared := false
		for n := 1; n <= len(lessons); n++ {
			name := filepath.Join(dir, "lesson-"+string(rune('0'+n))+".md")
			raw, err := os.ReadFile(name)
			if err != nil {
				t.Errorf("%s: lessons are numbered from 1 without gaps: %v", course, err)
				continue
			}
			parts := strings.SplitN(string(raw), "---", 3)
			if len(parts) < 3 {
				t.Errorf("%s: no front matter", name)
				continue
			}
			body := parts[2]
			if words := len(strings.Fields(body)); words < 800 || words > 1300 {
				t.Errorf("%s: %d words; a five-to-eight-minute lesson has 800 to 1,300", name, words)
			}
			if !strings.Contains(body, "## Sources\n\n") {
				t.Errorf("%s names no sources", name)
			}
			next := "](../practice/)"
			if n < len(lessons) {
				next = "](../lesson-" + string(rune('0'+n+1)) + "/)"
			}
			if !strings.Contains(body, "](../)") || !strings.Contains(body, next) {
				t.Errorf("%s: no link back to its course and on to %s", name, next)
			}
			fatf := false
			for _, row := range strings.Split(body, "\n") {
				fatf = fatf || (strings.HasPrefix(row, "| ") && strings.Contains(row, "FATF"))
			}
			compared = compared || (fatf && strings.Contains(body, "| United States") && strings.Contains(body, "| European Union"))
		}
		if !compared {
			t.Errorf("%s: no lesson has a jurisdiction table (FATF, United States, European Union)", course)
		}
	}
}

// The Chinese quickstart and every lesson's Chinese translation beside it
// keep the English page's order (its weight), name their sources and lead
// on to the next lesson, as the English does.
func TestChineseTranslationsKeepOrderSourcesAndNextSteps(t *testing.T) {
	if _, err := os.Stat(filepath.Join("..", "portal", "content", "guides", "quickstart.zh.md")); err != nil {
		t.Fatalf("the quickstart has no Chinese translation: %v", err)
	}
	zh, _ := filepath.Glob(filepath.Join("..", "courses", "*", "lesson-[0-9].zh.md"))
	if len(zh) == 0 {
		t.Fatal("no lesson is translated into Chinese")
	}
	weight := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "weight:") {
				return l
			}
		}
		return ""
	}
	for _, name := range zh {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		en, err := os.ReadFile(strings.TrimSuffix(name, ".zh.md") + ".md")
		if err != nil {
			t.Errorf("%s translates no English lesson", name)
			continue
		}
		if w := weight(string(raw)); w == "" || w != weight(string(en)) {
			t.Errorf("%s: %q, the English lesson %q", name, w, weight(string(en)))
		}
		if !strings.Contains(string(raw), "## 资料来源\n\n") {
			t.Errorf("%s names no sources", name)
		}
		n := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(name), "lesson-"), ".zh.md")
		next := "](../lesson-" + string(rune(n[0]+1)) + "/)"
		if _, err := os.Stat(filepath.Join(filepath.Dir(name), "lesson-"+string(rune(n[0]+1))+".zh.md")); err != nil {
			next = "/practice/)"
		}
		if !strings.Contains(string(raw), next) {
			t.Errorf("%s does not lead on to %s", name, next)
		}
	}
	t.Logf("%d lessons translated into Chinese", len(zh))
}
