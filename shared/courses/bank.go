package courses

import (
	"embed"
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The question banks (see courses/README.md for the format) are embedded
// in the function that grades, never in the portal.
//
// Each bank's Chinese text is in banks/zh/<course>.yaml, by question id:
// only the words, never which option is right (that is the English bank's
// answer field alone; the Chinese answer is the translation shown in its
// place, so grading by option index is the same in every language).
//
//go:embed banks/*.yaml banks/zh/*.yaml
var bankFiles embed.FS

// Languages are the languages an attempt can be asked in; the first is the
// default.
var Languages = []string{"en", "zh"}

// Words is a question's text and options in one language other than English.
type Words struct {
	Text        string   `yaml:"text"`
	Answer      string   `yaml:"answer"`
	Distractors []string `yaml:"distractors"`
}

// translation is a bank's sibling file in one language: its title, topic
// titles and questions' words by id.
type translation struct {
	Title     string            `yaml:"title"`
	Topics    map[string]string `yaml:"topics"`
	Questions map[string]Words  `yaml:"questions"`
}

// Bank is one course's assessment: its topics, its questions with their
// answers and distractors, how many are asked per attempt and the pass mark.
type Bank struct {
	ID          string     `yaml:"-"`
	Title       string     `yaml:"title"`
	PassPercent int        `yaml:"pass_percent"`
	Ask         int        `yaml:"ask"`
	Topics      []Topic    `yaml:"topics"`
	Questions   []Question `yaml:"questions"`
	// TitleZH is the Chinese title (from banks/zh).
	TitleZH string `yaml:"-"`
}

// TitleIn is the bank's title in lang (English when lang is not known).
func (b Bank) TitleIn(lang string) string {
	if lang == "zh" {
		return b.TitleZH
	}
	return b.Title
}

// Topic groups questions and names the lesson that teaches them.
type Topic struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Lesson string `yaml:"lesson"` // the lesson's page under the course, e.g. lesson-1
	// TitleZH is the Chinese title (from banks/zh).
	TitleZH string `yaml:"-"`
}

// TitleIn is the topic's title in lang (English when lang is not known).
func (t Topic) TitleIn(lang string) string {
	if lang == "zh" {
		return t.TitleZH
	}
	return t.Title
}

// Question is one question of a bank: its answer and three distractors.
type Question struct {
	ID          string   `yaml:"id"`
	Topic       string   `yaml:"topic"`
	Text        string   `yaml:"text"`
	Answer      string   `yaml:"answer"`
	Distractors []string `yaml:"distractors"`
	// ZH is the question's Chinese words (from banks/zh).
	ZH Words `yaml:"-"`
}

// In is the question's text and its bank options (0 is the answer) in
// lang: Chinese for "zh", English otherwise.
func (q Question) In(lang string) (string, [4]string) {
	w := Words{Text: q.Text, Answer: q.Answer, Distractors: q.Distractors}
	if lang == "zh" {
		w = q.ZH
	}
	return w.Text, [4]string{w.Answer, w.Distractors[0], w.Distractors[1], w.Distractors[2]}
}

// Option is the text of a question's bank option i (0 is the answer).
func (q Question) Option(i int) string {
	if i == 0 {
		return q.Answer
	}
	return q.Distractors[i-1]
}

// MinPerTopic is how many questions of each topic an attempt asks at least,
// so topic feedback never points at one question.
const MinPerTopic = 2

// Banks returns the courses' question banks by course id. They are parsed
// at the first call, not at package init: every function that links this
// package (through the API's handlers) would otherwise parse every bank at
// its cold start (about 1.7 ms and 0.9 MB of allocations), though only the
// course functions read them. A malformed bank panics at that first call;
// the package's tests load them all.
var Banks = sync.OnceValue(func() map[string]Bank {
	out, err := loadBanks()
	if err != nil {
		panic(err)
	}
	return out
})

func loadBanks() (map[string]Bank, error) {
	names, err := bankFiles.ReadDir("banks")
	if err != nil {
		return nil, err
	}
	out := map[string]Bank{}
	for _, n := range names {
		if n.IsDir() {
			continue
		}
		raw, err := bankFiles.ReadFile(path.Join("banks", n.Name()))
		if err != nil {
			return nil, err
		}
		var b Bank
		dec := yaml.NewDecoder(strings.NewReader(string(raw)))
		dec.KnownFields(true)
		if err := dec.Decode(&b); err != nil {
			return nil, fmt.Errorf("courses: bank %s: %w", n.Name(), err)
		}
		b.ID = strings.TrimSuffix(n.Name(), ".yaml")
		if err := b.translate(); err != nil {
			return nil, err
		}
		if err := b.Check(); err != nil {
			return nil, err
		}
		out[b.ID] = b
	}
	return out, nil
}

// Check says whether a bank is well formed: a title, a pass mark, more
// questions than it asks, each with a unique id, a known topic, an answer
// and three distinct distractors, and every topic with enough questions to
// ask MinPerTopic of it.
func (b Bank) Check() error {
	bad := func(f string, a ...any) error {
		return fmt.Errorf("courses: bank %s: "+f, append([]any{b.ID}, a...)...)
	}
	if b.Title == "" || b.PassPercent < 50 || b.PassPercent > 100 {
		return bad("needs a title and a pass_percent of 50 to 100")
	}
	if b.Ask < 1 || len(b.Questions) <= b.Ask {
		return bad("asks %d of %d questions; the bank must hold more than it asks", b.Ask, len(b.Questions))
	}
	per := map[string]int{}
	for _, t := range b.Topics {
		if t.ID == "" || t.Title == "" || t.Lesson == "" {
			return bad("topic %q needs an id, a title and a lesson", t.ID)
		}
		per[t.ID] = 0
	}
	if len(b.Topics)*MinPerTopic > b.Ask {
		return bad("%d topics need %d questions asked; it asks %d", len(b.Topics), len(b.Topics)*MinPerTopic, b.Ask)
	}
	seen := map[string]bool{}
	for _, q := range b.Questions {
		if q.ID == "" || seen[q.ID] || len(q.ID) > 40 {
			return bad("question id %q is empty, too long or repeated", q.ID)
		}
		seen[q.ID] = true
		if _, ok := per[q.Topic]; !ok {
			return bad("question %s: unknown topic %q", q.ID, q.Topic)
		}
		per[q.Topic]++
		opts := map[string]bool{strings.TrimSpace(q.Answer): true}
		for _, d := range q.Distractors {
			opts[strings.TrimSpace(d)] = true
		}
		if q.Text == "" || q.Answer == "" || len(q.Distractors) != 3 || len(opts) != 4 || opts[""] {
			return bad("question %s needs a text, an answer and three distinct distractors", q.ID)
		}
	}
	for t, n := range per {
		if n < MinPerTopic {
			return bad("topic %s has %d questions; it needs at least %d", t, n, MinPerTopic)
		}
	}
	return nil
}

// translate reads the bank's Chinese words from banks/zh/<id>.yaml: every
// topic and question of the bank, none other, each question with a text and
// four distinct options.
func (b *Bank) translate() error {
	raw, err := bankFiles.ReadFile(path.Join("banks", "zh", b.ID+".yaml"))
	if err != nil {
		return fmt.Errorf("courses: bank %s has no Chinese text: %w", b.ID, err)
	}
	var tr translation
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&tr); err != nil {
		return fmt.Errorf("courses: bank zh/%s: %w", b.ID, err)
	}
	bad := func(f string, a ...any) error {
		return fmt.Errorf("courses: bank zh/%s: "+f, append([]any{b.ID}, a...)...)
	}
	if tr.Title == "" || len(tr.Topics) != len(b.Topics) || len(tr.Questions) != len(b.Questions) {
		return bad("needs a title and exactly the bank's %d topics and %d questions", len(b.Topics), len(b.Questions))
	}
	b.TitleZH = tr.Title
	for i, t := range b.Topics {
		if tr.Topics[t.ID] == "" {
			return bad("topic %s has no title", t.ID)
		}
		b.Topics[i].TitleZH = tr.Topics[t.ID]
	}
	for i, q := range b.Questions {
		w, ok := tr.Questions[q.ID]
		opts := map[string]bool{strings.TrimSpace(w.Answer): true}
		for _, d := range w.Distractors {
			opts[strings.TrimSpace(d)] = true
		}
		if !ok || w.Text == "" || len(w.Distractors) != 3 || len(opts) != 4 || opts[""] {
			return bad("question %s needs a text, an answer and three distinct distractors", q.ID)
		}
		b.Questions[i].ZH = w
	}
	return nil
}

func (b Bank) question(id string) (Question, bool) {
	for _, q := range b.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// Draw picks an attempt's questions: MinPerTopic of each topic, the rest
// from the whole bank, all in random order, each with its options shuffled.
func (b Bank) Draw(r *rand.Rand) []Asked {
	byTopic := map[string][]int{}
	for i, q := range b.Questions {
		byTopic[q.Topic] = append(byTopic[q.Topic], i)
	}
	picked := map[int]bool{}
	var order []int
	topics := make([]string, 0, len(byTopic))
	for t := range byTopic {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	for _, t := range topics {
		idx := byTopic[t]
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for _, i := range idx[:MinPerTopic] {
			picked[i] = true
			order = append(order, i)
		}
	}
	rest := r.Perm(len(b.Questions))
	for _, i := range rest {
		if len(order) >= b.Ask {
			break
		}
		if !picked[i] {
			picked[i] = true
			order = append(order, i)
		}
	}
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	out := make([]Asked, len(order))
	for k, i := range order {
		out[k] = Asked{ID: b.Questions[i].ID, Order: r.Perm(4)}
	}
	return out
}
