package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/courses"
)

type openAttemptJSON struct {
	ID        string
	CourseID  string `json:"course_id"`
	Questions []struct {
		ID      string
		Text    string
		Options []struct{ ID, Text string }
	}
}

type attemptJSON struct {
	ID          string
	CourseID    string `json:"course_id"`
	Correct     int
	Total       int
	Score       int
	Passed      bool
	Review      []struct{ Topic, Title, Lesson string }
	Certificate *struct {
		ID, Name, Band, Token string
		CourseID              string `json:"course_id"`
		IssuedOn              string `json:"issued_on"`
		ExpiresOn             string `json:"expires_on"`
	}
}

// bankAnswer is the answer text of a bank question.
func bankAnswer(course, qid string) string {
	for _, q := range courses.Banks()[course].Questions {
		if q.ID == qid {
			return q.Answer
		}
	}
	return ""
}

// startAttempt draws an attempt through the API.
func startAttempt(t *testing.T, e *env, tok, course, name string) openAttemptJSON {
	t.Helper()
	r := e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, nil, []byte(`{"name":"`+name+`"}`))
	var o openAttemptJSON
	if r.status != 201 {
		t.Fatalf("begin %s: %d %s", course, r.status, r.body)
	}
	r.json(t, &o)
	return o
}

// answerAttempt answers an open attempt: right, or with the first wrong
// questions wrong.
func answerAttempt(t *testing.T, e *env, tok string, o openAttemptJSON, wrong int) (attemptJSON, reply) {
	t.Helper()
	ans := map[string]string{}
	for i, q := range o.Questions {
		for _, opt := range q.Options {
			if (opt.Text == bankAnswer(o.CourseID, q.ID)) != (i < wrong) {
				ans[q.ID] = opt.ID
			}
		}
	}
	b, _ := json.Marshal(map[string]any{"answers": ans})
	r := e.do(t, "POST", "/v1/courses/"+o.CourseID+"/attempts/"+o.ID+"/answers", tok, idem(), b)
	var a attemptJSON
	if r.status != 201 {
		t.Fatalf("answer %s: %d %s", o.CourseID, r.status, r.body)
	}
	r.json(t, &a)
	return a, r
}

// passCourse passes course as tok's learner and returns the attempt.
func passCourse(t *testing.T, e *env, tok, course string) attemptJSON {
	t.Helper()
	a, r := answerAttempt(t, e, tok, startAttempt(t, e, tok, course, "Officer Example"), 0)
	if !a.Passed || a.Certificate == nil {
		t.Fatalf("passing %s: %s", course, r.body)
	}
	return a
}

// An assessment through the real API, lean: a failed attempt gives the
// score and topics (no question named) and the next is refused by name
// until the cooldown ends; another learner passes and gets a certificate
// with the name and band, which anyone verifies with no token at the
// public endpoint, and which the portal's Go sample verifies offline
// against the published key set, and refuses once a byte changes.
func TestCourseAssessmentOnTheStack(t *testing.T) {
	e := stack(t)
	ten := tenant()
	const course = "sanctions-travel-rule"
	tok := e.tokenAs(t, ten, "learner-1", "courses:read", "courses:write")
	failed, r := answerAttempt(t, e, tok, startAttempt(t, e, tok, course, "Ada Lovelace"), 3)
	if failed.Passed || failed.Certificate != nil || len(failed.Review) == 0 || failed.Total != courses.Banks()[course].Ask {
		t.Fatalf("a failed attempt: %s", r.body)
	}
	if again := e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, nil, []byte(`{"name":"Ada Lovelace"}`)); again.status != 429 ||
		again.errCode() != "assessment_cooldown" || again.header.Get("Retry-After") == "" {
		t.Fatalf("right after a failure: %d %s", again.status, again.body)
	}
	other := e.tokenAs(t, ten, "learner-2", "courses:read", "courses:write")
	passed := passCourse(t, e, other, course)
	c := passed.Certificate
	if c.Name != "Officer Example" || c.Band != "distinction" || c.ExpiresOn == "" || c.Token == "" {
		t.Fatalf("certificate %+v", c)
	}
	var check struct {
		Valid       bool
		Reason      *string
		Certificate *struct{ ID, Name string }
	}
	if r := e.do(t, "POST", "/v1/certificate-verifications", "", nil, []byte(`{"certificate":"`+c.Token+`"}`)); r.status != 200 {
		t.Fatalf("public check: %d %s", r.status, r.body)
	} else if r.json(t, &check); !check.Valid || check.Certificate == nil || check.Certificate.ID != c.ID {
		t.Fatalf("public check: %s", r.body)
	}
	keys := e.do(t, "GET", "/v1/certificate-keys", "", nil, nil)
	if keys.status != 200 {
		t.Fatalf("key set: %d %s", keys.status, keys.body)
	}
	jwks := t.TempDir() + "/keys.json"
	if err := os.WriteFile(jwks, keys.body, 0o600); err != nil {
		t.Fatal(err)
	}
	sample := func(token string) (string, error) {
		out, err := exec.Command("go", "run", "../portal/samples/go/certverify", "-keys", jwks, "-certificate", token).CombinedOutput()
		return string(out), err
	}
	if out, err := sample(c.Token); err != nil || !strings.Contains(out, "valid") || !strings.Contains(out, "Officer Example") {
		t.Fatalf("the Go sample on the certificate: %v %s", err, out)
	}
	i := strings.LastIndexByte(c.Token, '.') - 5
	bad := c.Token[:i] + map[bool]string{true: "B", false: "A"}[c.Token[i] == 'A'] + c.Token[i+1:]
	if out, err := sample(bad); err == nil {
		t.Fatalf("the Go sample accepts a changed certificate: %s", out)
	}
}
