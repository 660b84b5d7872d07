package tests

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/stablegate/stablegate/shared/courses"
)

// A Chinese learner in a real browser: the practice quiz answers in Chinese
// and shows the right answer of a question got wrong; the graded assessment
// asks its questions in Chinese (no English question text), is passed by the
// bank's Chinese answers, and its result, certificate and printable
// certificate page speak Chinese, and the certificate verifies. A failed
// Chinese attempt at another course names its topics to review in Chinese,
// linked to the Chinese lessons.
func TestChineseCourseInABrowser(t *testing.T) {
	e := stack(t)
	base := os.Getenv("STABLEGATE_PORTAL_URL")
	if base == "" {
		t.Fatal("STABLEGATE_PORTAL_URL is not set: make test serves the portal with the stack")
	}
	ctx := browser(t)
	const course = "key-security"
	run(t, ctx, "open the Chinese practice quiz", chromedp.Navigate(base+"/zh/courses/"+course+"/practice/"))
	// The first question answered wrong, the others right.
	run(t, ctx, "answer it", chromedp.Evaluate[int](`(() => { let n = 0;
		for (const q of document.querySelectorAll("#practice .question")) {
			const pick = n === 0 ? q.querySelector('input:not([value="' + q.dataset.answer + '"])') : q.querySelector('input[value="' + q.dataset.answer + '"]');
			pick.click(); n++ }
		document.querySelector("#practice button").click(); return n })()`))
	if got := run(t, ctx, "its score", chromedp.Text(chromedp.ID("practice-score"))); got != "你答对了 1 题，共 2 题。" {
		t.Fatalf("the Chinese practice score reads %q", got)
	}
	right := run(t, ctx, "the right answer", chromedp.Evaluate[string](`(() => { const q = document.querySelector("#practice .question");
		return q.querySelector('input[value="' + q.dataset.answer + '"]').parentElement.querySelector(".option-text").textContent })()`))
	if fb := run(t, ctx, "the feedback", chromedp.Text(chromedp.CSS("#practice .question .feedback"))); !strings.HasPrefix(fb, "不太对。") || !strings.Contains(fb, "正确答案："+right) {
		t.Fatalf("a wrong answer's feedback reads %q; want it to name the right answer %q", fb, right)
	}
	shot(t, ctx, "practice-zh")

	tok := e.token(t, tenant())
	run(t, ctx, "open the Chinese assessment", chromedp.Navigate(base+"/zh/courses/"+course+"/assessment/"))
	run(t, ctx, "type the token", chromedp.SendKeys(chromedp.ID("sg-token"), tok))
	run(t, ctx, "type the name", chromedp.SendKeys(chromedp.ID("learner-name"), "李雷"))
	run(t, ctx, "begin", chromedp.Evaluate[bool](`document.querySelector("#begin button").click(); true`))
	run(t, ctx, "the drawn questions", chromedp.WaitVisible(chromedp.CSS("#assessment fieldset")))
	if info := run(t, ctx, "the attempt's rules", chromedp.Text(chromedp.CSS("#assessment .attempt-info"))); !strings.Contains(info, "及格") {
		t.Fatalf("the attempt's rules read %q", info)
	}
	answers, english := map[string]string{}, []string{}
	for _, q := range courses.Banks()[course].Questions {
		_, opts := q.In("zh")
		answers[q.ID] = opts[0]
		english = append(english, q.Text)
	}
	asked := run(t, ctx, "the questions asked", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#assessment legend")].map(l => l.textContent)`))
	for _, q := range asked {
		if !strings.ContainsFunc(q, func(r rune) bool { return unicode.Is(unicode.Han, r) }) || slices.Contains(english, q) {
			t.Fatalf("the Chinese assessment asks %q", q)
		}
	}
	key, _ := json.Marshal(answers)
	run(t, ctx, "answer and submit", chromedp.Evaluate[int](`(() => { const key = `+string(key)+`; let n = 0;
		for (const input of document.querySelectorAll("#assessment input")) {
			if (input.parentElement.textContent.trim() === key[input.name]) { input.click(); n++ } }
		document.querySelector("#assessment button").click(); return n })()`))
	run(t, ctx, "the certificate", chromedp.WaitVisible(chromedp.ID("certificate")))
	if got := run(t, ctx, "the score", chromedp.Text(chromedp.CSS("#result .score"))); !strings.Contains(got, "100%") || !strings.Contains(got, "通过") {
		t.Fatalf("the Chinese score reads %q", got)
	}
	if h := run(t, ctx, "the certificate's title", chromedp.Text(chromedp.CSS("#certificate h2"))); h != "结业证书" {
		t.Fatalf("the certificate's title reads %q", h)
	}
	shot(t, ctx, "certificate-zh")
	run(t, ctx, "open the printable certificate", chromedp.Evaluate[bool](`document.querySelector(".cert-link").click(); true`))
	run(t, ctx, "its check", chromedp.WaitVisible(chromedp.CSS("#cert-status.cert-valid")))
	if p := run(t, ctx, "its page", chromedp.Evaluate[string](`location.pathname`)); p != "/zh/courses/certificate/" {
		t.Fatalf("the certificate link leads to %s; want the Chinese certificate page", p)
	}
	if got := run(t, ctx, "its status", chromedp.Text(chromedp.ID("cert-status"))); got != "有效" {
		t.Fatalf("the certificate's status reads %q", got)
	}
	if band := run(t, ctx, "its band", chromedp.Text(chromedp.ID("cert-band"))); band != "优秀" && band != "良好" && band != "合格" {
		t.Fatalf("the certificate's band reads %q", band)
	}
	shot(t, ctx, "certificate-printable-zh")

	// Another course, every answer wrong: the topics to review, in Chinese, link the Chinese lessons.
	const other = "kyc-aml"
	wrong := map[string]string{}
	for _, q := range courses.Banks()[other].Questions {
		_, opts := q.In("zh")
		wrong[q.ID] = opts[0]
	}
	key, _ = json.Marshal(wrong)
	run(t, ctx, "open another Chinese assessment", chromedp.Navigate(base+"/zh/courses/"+other+"/assessment/"))
	// The token is kept in the tab's session storage.
	run(t, ctx, "type the name again", chromedp.SendKeys(chromedp.ID("learner-name"), "李雷"))
	run(t, ctx, "begin again", chromedp.Evaluate[bool](`document.querySelector("#begin button").click(); true`))
	run(t, ctx, "its questions", chromedp.WaitVisible(chromedp.CSS("#assessment fieldset")))
	run(t, ctx, "answer wrong and submit", chromedp.Evaluate[int](`(() => { const key = `+string(key)+`; let n = 0;
		for (const fs of document.querySelectorAll("#assessment fieldset")) {
			const input = [...fs.querySelectorAll("input")].find(i => i.parentElement.textContent.trim() !== key[i.name]); input.click(); n++ }
		document.querySelector("#assessment button").click(); return n })()`))
	run(t, ctx, "the topics to review", chromedp.WaitVisible(chromedp.CSS("#result .review a")))
	links := run(t, ctx, "their links", chromedp.Evaluate[[][]string](`[...document.querySelectorAll("#result .review a")].map(a => [a.getAttribute("href"), a.textContent])`))
	if len(links) != len(courses.Banks()[other].Topics) {
		t.Fatalf("an all-wrong attempt names %d topics to review: %v", len(links), links)
	}
	for _, l := range links {
		if !strings.HasPrefix(l[0], "/zh/courses/"+other+"/lesson-") || !strings.ContainsFunc(l[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Fatalf("a topic to review links %q, named %q; want a Chinese lesson, named in Chinese", l[0], l[1])
		}
	}
	shot(t, ctx, "assessment-review-zh")
}
