package tests

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/courses"
)

type attemptJSON struct {
	ID, Learner string
	CourseID    string `json:"course_id"`
	Correct     int
	Total       int
	Score       int
	Passed      bool
	Certificate *struct {
		ID        string
		Learner   string
		Score     int
		Signature []byte
	}
}

func answersBody(a map[string]string) []byte {
	b, _ := json.Marshal(map[string]any{"answers": a})
	return b
}

// A graded attempt is scored on the server: a wrong set fails with no
// certificate, the key's set passes and earns one certificate whose
// signature verifies; a replay is the first answer, a reused key with other
// answers is refused; the next pass earns no second certificate; progress
// shows it all; a certificate altered in storage no longer verifies, and
// another tenant's is not found.
func TestCourseAssessmentGradedOnTheServer(t *testing.T) {
	e := stack(t)
	ten := tenant()
	tok := e.token(t, ten)
	const course = "sanctions-travel-rule"
	key := courses.Keys[course]
	wrong := map[string]string{}
	for q, a := range key.Answers {
		wrong[q] = map[string]string{"a": "b", "b": "c", "c": "d", "d": "a"}[a]
	}
	r := e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, idem(), answersBody(wrong))
	var failed attemptJSON
	r.json(t, &failed)
	if r.status != 201 || failed.Passed || failed.Correct != 0 || failed.Total != len(key.Answers) || failed.Certificate != nil {
		t.Fatalf("all wrong: %d %s", r.status, r.body)
	}
	h := idem()
	r = e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, h, answersBody(key.Answers))
	var passed attemptJSON
	r.json(t, &passed)
	if r.status != 201 || !passed.Passed || passed.Score != 100 || passed.Certificate == nil || passed.Certificate.Learner != "test-user" {
		t.Fatalf("the key's answers: %d %s", r.status, r.body)
	}
	if again := e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, h, answersBody(key.Answers)); again.status != 201 ||
		string(again.body) != string(r.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	if reused := e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, h, answersBody(wrong)); reused.status != 409 || reused.errCode() != "idempotency_key_reused" {
		t.Fatalf("reused key: %d %s", reused.status, reused.body)
	}
	var second attemptJSON
	e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, idem(), answersBody(key.Answers)).json(t, &second)
	if !second.Passed || second.Certificate != nil {
		t.Fatalf("a second pass: %+v; want no second certificate", second)
	}
	var check struct {
		Valid       bool
		Certificate struct{ ID, Learner string }
	}
	cert := passed.Certificate.ID
	if r := e.do(t, "GET", "/v1/certificates/"+cert, tok, nil, nil); r.status != 200 {
		t.Fatalf("certificate: %d %s", r.status, r.body)
	} else if r.json(t, &check); !check.Valid || check.Certificate.ID != cert {
		t.Fatalf("certificate check: %s", r.body)
	}
	var prog struct {
		Courses []struct {
			CourseID      string `json:"course_id"`
			Attempts      int
			BestScore     int `json:"best_score"`
			Passed        bool
			CertificateID *string `json:"certificate_id"`
		}
	}
	e.do(t, "GET", "/v1/courses/progress", tok, nil, nil).json(t, &prog)
	found := false
	for _, c := range prog.Courses {
		if c.CourseID == course {
			found = c.Attempts == 3 && c.BestScore == 100 && c.Passed && c.CertificateID != nil && *c.CertificateID == cert
		} else if c.Attempts != 0 {
			t.Fatalf("progress in %s without an attempt: %+v", c.CourseID, c)
		}
	}
	if !found || len(prog.Courses) != len(courses.Keys) {
		t.Fatalf("progress: %+v", prog)
	}
	if r := e.do(t, "GET", "/v1/certificates/"+cert, e.token(t, tenant()), nil, nil); r.status != 404 || r.errCode() != "certificate_not_found" {
		t.Fatalf("another tenant's certificate: %d %s", r.status, r.body)
	}
	// Raise the stored score behind the API's back: the signature no longer holds.
	if _, err := rawDB(t).UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: &e.table,
		Key:              map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "TENANT#" + ten}, "SK": &types.AttributeValueMemberS{Value: "CERT#" + cert}},
		UpdateExpression: aws.String("SET learner = :l"), ExpressionAttributeValues: map[string]types.AttributeValue{":l": &types.AttributeValueMemberS{Value: "someone-else"}}}); err != nil {
		t.Fatal(err)
	}
	e.do(t, "GET", "/v1/certificates/"+cert, tok, nil, nil).json(t, &check)
	if check.Valid {
		t.Fatal("a certificate altered in storage still verifies")
	}
	// Refusals.
	partial := map[string]string{"q1": "a"}
	if r := e.do(t, "POST", "/v1/courses/"+course+"/attempts", tok, idem(), answersBody(partial)); r.status != 400 || r.errParam() != "answers.q2" {
		t.Fatalf("a partial attempt: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/courses/astrology/attempts", tok, idem(), answersBody(key.Answers)); r.status != 404 || r.errCode() != "course_not_found" {
		t.Fatalf("an unknown course: %d %s", r.status, r.body)
	}
}
