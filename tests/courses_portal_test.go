package tests

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/courses"
)

// Every course with a graded assessment page has a question bank, and
// every bank a course: at least five.
func TestEveryCourseHasABank(t *testing.T) {
	if len(courses.Banks()) < 5 {
		t.Fatalf("%d banks; want at least five", len(courses.Banks()))
	}
	pages, err := filepath.Glob(filepath.Join("..", "courses", "*", "assessment.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		id := filepath.Base(filepath.Dir(p))
		if _, ok := courses.Banks()[id]; !ok {
			t.Errorf("course %s has an assessment page and no bank", id)
		}
		raw, _ := os.ReadFile(p)
		if strings.Contains(string(raw), "questions:") {
			t.Errorf("%s lists questions: they are drawn on the server", p)
		}
	}
	if len(pages) != len(courses.Banks()) {
		t.Fatalf("%d assessment pages, %d banks", len(pages), len(courses.Banks()))
	}
}

// A graded assessment cannot be passed by reading the page source: no file
// of the built site holds an answer key, in any form the key takes.
func TestPortalHoldsNoAnswerKey(t *testing.T) {
	readSite(t)
	// A bank leaks if a page shows a question with its options: two or
	// more of one question's distractors on one page (no lesson writes
	// them side by side); the assessment page shows no question at all.
	var qs [][]string
	for id, b := range courses.Banks() {
		page, err := os.ReadFile(filepath.Join(site, "courses", id, "assessment", "index.html"))
		if err != nil {
			t.Fatalf("%s: no assessment page: %v", id, err)
		}
		// The Chinese page and the Chinese words of the bank likewise.
		zhPage, err := os.ReadFile(filepath.Join(site, "zh", "courses", id, "assessment", "index.html"))
		if err != nil {
			t.Fatalf("%s: no Chinese assessment page: %v", id, err)
		}
		for _, q := range b.Questions {
			zhText, zhOpts := q.In("zh")
			for _, pg := range []string{string(page), string(zhPage)} {
				for _, text := range []string{q.Text, zhText} {
					if strings.Contains(pg, html.EscapeString(text)) || strings.Contains(pg, text) {
						t.Fatalf("%s: an assessment page shows question %s", id, q.ID)
					}
				}
			}
			qs = append(qs, append([]string{id + " " + q.ID}, q.Distractors...), append([]string{id + " " + q.ID + " (zh)"}, zhOpts[1:]...))
		}
	}
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
		if strings.Contains(s, "distractors:") {
			t.Errorf("%s holds a question bank", p)
		}
		for _, q := range qs {
			n := 0
			for _, d := range q[1:] {
				if strings.Contains(s, d) || strings.Contains(s, html.EscapeString(d)) {
					n++
				}
			}
			if n >= 2 {
				t.Errorf("%s holds %d distractors of %s", p, n, q[0])
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
