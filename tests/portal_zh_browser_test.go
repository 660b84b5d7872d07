package tests

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/stablegate/stablegate/shared/courses"
)

// A Chinese learner in a real browser: the practice quiz answers in Chinese
// and shows the right answer of a question got wrong; the graded assessment's
// result, certificate and printable certificate page speak Chinese (the bank's
// questions themselves are English), and the certificate verifies.
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
	answers := map[string]string{}
	for _, q := range courses.Banks()[course].Questions {
		answers[q.ID] = q.Answer
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
}
