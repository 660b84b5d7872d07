package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/stablegate/stablegate/shared/courses"
)

type assessmentPage struct {
	Questions []struct {
		ID      string
		Text    string
		Options []struct{ ID, Text string }
	}
}

func readAssessment(t *testing.T, course string) assessmentPage {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "courses", course, "assessment.md"))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(string(raw), "---", 3)
	var p assessmentPage
	if len(parts) < 3 || yaml.Unmarshal([]byte(parts[1]), &p) != nil {
		t.Fatalf("%s: no front matter", course)
	}
	return p
}

// Each course's assessment (what the portal shows) and its answer key
// (what the server grades with) agree: the same question ids, and every
// key answer is one of its question's options. At least five courses.
func TestCourseContentMatchesItsKeys(t *testing.T) {
	if len(courses.Keys) < 5 {
		t.Fatalf("%d courses; want at least five", len(courses.Keys))
	}
	for id, k := range courses.Keys {
		p := readAssessment(t, id)
		if len(p.Questions) != len(k.Answers) {
			t.Fatalf("%s: %d questions shown, %d in the key", id, len(p.Questions), len(k.Answers))
		}
		for _, q := range p.Questions {
			ans, ok := k.Answers[q.ID]
			if !ok {
				t.Fatalf("%s: question %s has no key", id, q.ID)
			}
			found := false
			for _, o := range q.Options {
				found = found || o.ID == ans
			}
			if !found || len(q.Options) != 4 {
				t.Fatalf("%s %s: the key's answer %q is not among its 4 options", id, q.ID, ans)
			}
		}
	}
}

// A graded assessment cannot be passed by reading the page source: no file
// of the built site holds an answer key, in any form the key takes.
func TestPortalHoldsNoAnswerKey(t *testing.T) {
	readSite(t)
	// Per course, the key whole and its question-answer pairs in the forms
	// JSON, YAML or a query would write them; a page holding three or more
	// of one course's pairs leaks most of its key.
	whole := map[string]string{}
	pairs := map[string][][]string{}
	for id, k := range courses.Keys {
		b, _ := json.Marshal(k.Answers)
		whole[id] = string(b)
		for q, a := range k.Answers {
			pairs[id] = append(pairs[id], []string{q + `":"` + a, q + ": " + a, q + "=" + a, q + `\":\"` + a})
		}
		page, err := os.ReadFile(filepath.Join(site, "courses", id, "assessment", "index.html"))
		if err != nil {
			t.Fatalf("%s: no assessment page: %v", id, err)
		}
		if strings.Contains(string(page), "data-answer") || strings.Contains(string(page), "answer:") {
			t.Fatalf("%s: the assessment page carries answer data", id)
		}
	}
	keys, _ := os.ReadFile("../shared/courses/keys.json")
	files := 0
	walkErr := filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := string(raw)
		if strings.Contains(s, strings.TrimSpace(string(keys))[:40]) {
			t.Errorf("%s holds the answer key file", p)
		}
		for id := range courses.Keys {
			if strings.Contains(s, whole[id]) {
				t.Errorf("%s holds the answer key of %s", p, id)
			}
			n := 0
			for _, forms := range pairs[id] {
				for _, f := range forms {
					if strings.Contains(s, f) {
						n++
						break
					}
				}
			}
			if n >= 3 {
				t.Errorf("%s holds %d of the %d answers of %s", p, n, len(pairs[id]), id)
			}
		}
		return nil
	})
	if walkErr != nil {
		t.Fatal(walkErr)
	}
	if files < 20 {
		t.Fatalf("only %d files in the built site", files)
	}
}
