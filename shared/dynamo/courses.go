package dynamo

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Courses: per learner and course one progress item T#<tenant> /
// COURSE#<learner>#<course> (attempts, best score, pass, certificate; its
// attempt count guards concurrent attempts), one item per attempt
// ATTEMPT#<learner>#<course>#<id>, and each certificate CERT#<id>, all
// under the tenant. An attempt, its progress, its certificate and its
// idempotency record are written in one transaction.

func progressSK(learner, course string) string { return "COURSE#" + learner + "#" + course }

// Progress returns a learner's standing per course.
func (st *Courses) Progress(ctx context.Context, tenant, learner string) (map[string]sg.CourseProgress, error) {
	out, err := st.db.Query(ctx, &dynamodb.QueryInput{TableName: &st.table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(tenantPK(tenant)), ":p": s("COURSE#" + learner + "#")}})
	if err != nil {
		return nil, classify("dynamo.Progress", err)
	}
	ps := map[string]sg.CourseProgress{}
	for _, it := range out.Items {
		c := strings.TrimPrefix(getS(it, attrSK), "COURSE#"+learner+"#")
		ps[c] = sg.CourseProgress{Course: c, Attempts: int(getN(it, "attempts")), BestPercent: int(getN(it, "best")),
			Passed: getBool(it, "passed"), CertificateID: getS(it, "cert")}
	}
	return ps, nil
}

// SaveAttempt records an attempt over the progress it was graded against.
func (st *Courses) SaveAttempt(ctx context.Context, a sg.CourseAttempt, before sg.CourseProgress, idem sg.Idempotency) error {
	after := before
	after.Attempts++
	after.BestPercent = max(before.BestPercent, a.Percent)
	after.Passed = before.Passed || a.Passed
	if a.Certificate != nil {
		after.CertificateID = a.Certificate.ID
	}
	prog := item{attrPK: s(tenantPK(a.Tenant)), attrSK: s(progressSK(a.Learner, a.Course)), "attempts": n(int64(after.Attempts)),
		"best": n(int64(after.BestPercent)), "passed": &types.AttributeValueMemberBOOL{Value: after.Passed}}
	if after.CertificateID != "" {
		prog["cert"] = s(after.CertificateID)
	}
	progPut := &types.Put{TableName: &st.table, Item: prog}
	if before.Attempts == 0 {
		progPut.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		progPut.ConditionExpression = aws.String("attempts = :n")
		progPut.ExpressionAttributeValues = map[string]types.AttributeValue{":n": n(int64(before.Attempts))}
	}
	at := item{attrPK: s(tenantPK(a.Tenant)), attrSK: s("ATTEMPT#" + a.Learner + "#" + a.Course + "#" + a.ID), "correct": n(int64(a.Correct)),
		"total": n(int64(a.Total)), "percent": n(int64(a.Percent)), "passed": &types.AttributeValueMemberBOOL{Value: a.Passed},
		"at": s(a.At.Format(time.RFC3339))}
	tx := []types.TransactWriteItem{st.idempotencyPut(idem), {Put: progPut}, {Put: &types.Put{TableName: &st.table, Item: at}}}
	if c := a.Certificate; c != nil {
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"),
			Item: item{attrPK: s(tenantPK(c.Tenant)), attrSK: s("CERT#" + c.ID), "learner": s(c.Learner), "course": s(c.Course),
				"title": s(c.CourseTitle), "percent": n(int64(c.Percent)), "issued_at": s(c.IssuedAt.Format(time.RFC3339)), "sig": b(c.Signature)}}})
	}
	_, err := st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if reasons := cancelled(err); reasons != nil {
		if aws.ToString(reasons[0].Code) == "ConditionalCheckFailed" {
			return sg.ErrIdempotencyInProgress
		}
		return sg.ErrStateChanged
	}
	return classifyOrNil("dynamo.SaveAttempt", err)
}

// Certificate reads one of the tenant's certificates.
func (st *Courses) Certificate(ctx context.Context, tenant, id string) (sg.Certificate, error) {
	out, err := st.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &st.table, Key: key(tenantPK(tenant), "CERT#"+id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return sg.Certificate{}, classify("dynamo.Certificate", err)
	}
	if out.Item == nil {
		return sg.Certificate{}, sg.ErrCertificateNotFound
	}
	it := out.Item
	issued, _ := time.Parse(time.RFC3339, getS(it, "issued_at"))
	return sg.Certificate{ID: id, Tenant: tenant, Learner: getS(it, "learner"), Course: getS(it, "course"), CourseTitle: getS(it, "title"),
		Percent: int(getN(it, "percent")), IssuedAt: issued, Signature: getB(it, "sig")}, nil
}
