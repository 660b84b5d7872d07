package courses_test

import (
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"testing"
	"time"
	"unicode"

	"github.com/stablegate/stablegate/shared/courses"
)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Every question and option of every bank, every topic and every title has
// its Chinese text, written in Chinese (not the English copied over), and
// each question's four Chinese options are distinct.
func TestEveryBankHasChineseText(t *testing.T) {
	for _, id := range courseIDs() {
		b := courses.Banks()[id]
		if !hasHan(b.TitleIn("zh")) {
			t.Errorf("%s: the Chinese title is %q", id, b.TitleIn("zh"))
		}
		for _, tp := range b.Topics {
			if !hasHan(tp.TitleIn("zh")) {
				t.Errorf("%s: topic %s's Chinese title is %q", id, tp.ID, tp.TitleIn("zh"))
			}
		}
		for _, q := range b.Questions {
			text, opts := q.In("zh")
			enText, enOpts := q.In("en")
			if !hasHan(text) || text == enText || enText != q.Text {
				t.Errorf("%s/%s: the Chinese text is %q", id, q.ID, text)
			}
			seen := map[string]bool{}
			for i, o := range opts {
				if !hasHan(o) || o == enOpts[i] || seen[o] {
					t.Errorf("%s/%s: Chinese option %d is %q", id, q.ID, i, o)
				}
				seen[o] = true
			}
		}
	}
}

// attempt starts an attempt at course in lang.
func attempt(t *testing.T, s *courses.Service, course, lang string) courses.Drawn {
	t.Helper()
	d, err := s.Start(ctx, "t1", "u1", course, "李雷", lang)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The same answers (by option letter) score the same in English and in
// Chinese: two services drawing the same attempt, one asked in each
// language, are graded identically, option by option, for random answers,
// for the bank's answers picked by their English and their Chinese text,
// and the topic feedback names the same topics and lessons, in Chinese for
// the Chinese attempt.
func TestGradingIsTheSameInEveryLanguage(t *testing.T) {
	for i, course := range courseIDs() {
		en, _, cen := service(t, courses.Config{Cooldown: time.Minute, DailyCap: 1000}, uint64(300+i))
		zh, _, czh := service(t, courses.Config{Cooldown: time.Minute, DailyCap: 1000}, uint64(300+i))
		b := courses.Banks()[course]
		r := mrand.New(mrand.NewPCG(uint64(i), 13))
		for n := 0; n < 12; n++ {
			de, dz := attempt(t, en, course, "en"), attempt(t, zh, course, "zh")
			if len(de.Questions) != len(dz.Questions) {
				t.Fatalf("%s: %d questions in English, %d in Chinese", course, len(de.Questions), len(dz.Questions))
			}
			// The same draw: option k of each question is the same bank option in both.
			for k, qe := range de.Questions {
				qz := dz.Questions[k]
				bq := bankQuestion(b, qe.ID)
				_, zo := bq.In("zh")
				_, eo := bq.In("en")
				for j := range qe.Options {
					if idx(eo, qe.Options[j].Text) != idx(zo, qz.Options[j].Text) || qe.Options[j].ID != qz.Options[j].ID {
						t.Fatalf("%s/%s: option %s is not the same option in both languages", course, qe.ID, qe.Options[j].ID)
					}
				}
			}
			var pickE, pickZ func(courses.ShownQuestion) string
			switch n % 3 {
			case 0: // by meaning: the right answer in each language's words
				pickE = func(q courses.ShownQuestion) string { _, o := bankQuestion(b, q.ID).In("en"); return letterOf(q, o[0]) }
				pickZ = func(q courses.ShownQuestion) string { _, o := bankQuestion(b, q.ID).In("zh"); return letterOf(q, o[0]) }
			default: // the same random letters in both
				letters := map[string]string{}
				for _, q := range de.Questions {
					letters[q.ID] = q.Options[r.IntN(len(q.Options))].ID
				}
				pickE = func(q courses.ShownQuestion) string { return letters[q.ID] }
				pickZ = pickE
			}
			re, rz := submit(t, en, de, pickE), submit(t, zh, dz, pickZ)
			if re.Correct != rz.Correct || re.Percent != rz.Percent || re.Passed != rz.Passed || len(re.Review) != len(rz.Review) {
				t.Fatalf("%s attempt %d: English %+v, Chinese %+v", course, n, re, rz)
			}
			if n%3 == 0 && (!re.Passed || re.Percent != 100) {
				t.Fatalf("%s: the bank's answers scored %d%%", course, re.Percent)
			}
			for k, fe := range re.Review {
				fz := rz.Review[k]
				if fe.Topic != fz.Topic || fe.Lesson != fz.Lesson || !hasHan(fz.Title) || hasHan(fe.Title) {
					t.Fatalf("%s: feedback %+v in English, %+v in Chinese", course, fe, fz)
				}
			}
			cen.t, czh.t = cen.t.Add(time.Minute), czh.t.Add(time.Minute)
		}
	}
}

// A Chinese attempt serves no English question or option text; the open
// attempt shown again in English is the same attempt in English words. A
// language other than en or zh is refused by name.
func TestChineseAttemptServesNoEnglish(t *testing.T) {
	for i, course := range courseIDs() {
		s, _, _ := service(t, courses.Config{}, uint64(400+i))
		b := courses.Banks()[course]
		english := map[string]bool{}
		for _, q := range b.Questions {
			text, opts := q.In("en")
			english[text] = true
			for _, o := range opts {
				english[o] = true
			}
		}
		dz := attempt(t, s, course, "zh")
		for _, q := range dz.Questions {
			if english[q.Text] || !hasHan(q.Text) {
				t.Fatalf("%s/%s: the Chinese attempt asks %q", course, q.ID, q.Text)
			}
			for _, o := range q.Options {
				if english[o.Text] || !hasHan(o.Text) {
					t.Fatalf("%s/%s: the Chinese attempt offers %q", course, q.ID, o.Text)
				}
			}
		}
		de := attempt(t, s, course, "")
		if de.ID != dz.ID || len(de.Questions) != len(dz.Questions) || !english[de.Questions[0].Text] {
			t.Fatalf("%s: the open attempt shown again in English is %s %q", course, de.ID, de.Questions[0].Text)
		}
	}
	s, _, _ := service(t, courses.Config{}, 5)
	if _, err := s.Start(ctx, "t1", "u1", "kyc-aml", "Ada", "fr"); !errors.Is(err, courses.ErrLang) {
		t.Fatalf("lang fr: %v", err)
	}
}

func bankQuestion(b courses.Bank, id string) courses.Question {
	for _, q := range b.Questions {
		if q.ID == id {
			return q
		}
	}
	panic(fmt.Sprintf("no question %s in %s", id, b.ID))
}

func idx(opts [4]string, text string) int {
	for i, o := range opts {
		if o == text {
			return i
		}
	}
	return -1
}
