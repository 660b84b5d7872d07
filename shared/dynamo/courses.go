package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Courses: per learner and course one progress item T#<tenant> /
// COURSE#<learner>#<course> (attempts, best score, pass, certificate, the
// day's count of attempts begun, the last failure, the open attempt as
// JSON; its rev guards concurrent writes), one item per attempt
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
		p := sg.CourseProgress{Course: c, Attempts: int(getN(it, "attempts")), BestPercent: int(getN(it, "best")),
			Passed: getBool(it, "passed"), CertificateID: getS(it, "cert"), Rev: int(getN(it, "rev")), Day: getS(it, "day"),
			DayStarts: int(getN(it, "day_starts"))}
		if f := getS(it, "failed_at"); f != "" {
			p.FailedAt, _ = time.Parse(time.RFC3339, f)
		}
		if o := getS(it, "open"); o != "" {
			var open sg.OpenAttempt
			if err := json.Unmarshal([]byte(o), &open); err != nil {
				return nil, sg.Internal("dynamo.Progress", err)
			}
			p.Open = &open
		}
		ps[c] = p
	}
	return ps, nil
}

// progressPut writes after over before: guarded by the item's rev (a
// legacy item without one by its attempt count).
func (st *Courses) progressPut(tenant, learner string, before, after sg.CourseProgress) (*types.Put, error) {
	prog := item{attrPK: s(tenantPK(tenant)), attrSK: s(progressSK(learner, after.Course)), "attempts": n(int64(after.Attempts)),
		"best": n(int64(after.BestPercent)), "passed": &types.AttributeValueMemberBOOL{Value: after.Passed},
		"rev": n(int64(before.Rev + 1)), "day_starts": n(int64(after.DayStarts))}
	if after.CertificateID != "" {
		prog["cert"] = s(after.CertificateID)
	}
	if after.Day != "" {
		prog["day"] = s(after.Day)
	}
	if !after.FailedAt.IsZero() {
		prog["failed_at"] = s(after.FailedAt.UTC().Format(time.RFC3339))
	}
	if after.Open != nil {
		raw, err := json.Marshal(after.Open)
		if err != nil {
			return nil, sg.Internal("dynamo.progressPut", err)
		}
		prog["open"] = s(string(raw))
	}
	put := &types.Put{TableName: &st.table, Item: prog}
	if before.Rev == 0 {
		put.ConditionExpression = aws.String("attribute_not_exists(PK) OR (attribute_not_exists(rev) AND attempts = :n)")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":n": n(int64(before.Attempts))}
	} else {
		put.ConditionExpression = aws.String("rev = :r")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":r": n(int64(before.Rev))}
	}
	return put, nil
}

// StartProgress writes a learner's progress over the one read.
func (st *Courses) StartProgress(ctx context.Context, tenant, learner string, before, after sg.CourseProgress) error {
	put, err := st.progressPut(tenant, learner, before, after)
	if err != nil {
		return err
	}
	_, err = st.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: put.TableName, Item: put.Item, ConditionExpression: put.ConditionExpression,
		ExpressionAttributeValues: put.ExpressionAttributeValues})
	var cf *types.ConditionalCheckFailedException
	if errors.As(err, &cf) {
		return sg.ErrStateChanged
	}
	return classifyOrNil("dynamo.StartProgress", err)
}

// SaveAttempt records a graded attempt over the progress it was graded against.
func (st *Courses) SaveAttempt(ctx context.Context, a sg.CourseAttempt, before, after sg.CourseProgress, idem sg.Idempotency) error {
	progPut, err := st.progressPut(a.Tenant, a.Learner, before, after)
	if err != nil {
		return err
	}
	at := item{attrPK: s(tenantPK(a.Tenant)), attrSK: s("ATTEMPT#" + a.Learner + "#" + a.Course + "#" + a.ID), "correct": n(int64(a.Correct)),
		"total": n(int64(a.Total)), "percent": n(int64(a.Percent)), "passed": &types.AttributeValueMemberBOOL{Value: a.Passed},
		"at": s(a.At.Format(time.RFC3339))}
	if len(a.Questions) > 0 {
		raw, err := json.Marshal(a.Questions)
		if err != nil {
			return sg.Internal("dynamo.SaveAttempt", err)
		}
		at["asked"] = s(string(raw))
	}
	tx := []types.TransactWriteItem{st.idempotencyPut(idem), {Put: progPut}, {Put: &types.Put{TableName: &st.table, Item: at}}}
	if c := a.Certificate; c != nil {
		ci := item{attrPK: s(tenantPK(c.Tenant)), attrSK: s("CERT#" + c.ID), "learner": s(c.Learner), "course": s(c.Course),
			"title": s(c.CourseTitle), "percent": n(int64(c.Percent)), "issued_at": s(c.IssuedAt.UTC().Format(time.RFC3339))}
		if len(c.Signature) > 0 {
			ci["sig"] = b(c.Signature)
		}
		for k, v := range map[string]string{"name": c.Name, "band": c.Band, "token": c.Token} {
			if v != "" {
				ci[k] = s(v)
			}
		}
		if !c.ExpiresAt.IsZero() {
			ci["expires_at"] = s(c.ExpiresAt.UTC().Format(time.RFC3339))
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &st.table, ConditionExpression: aws.String("attribute_not_exists(PK)"), Item: ci}})
	}
	_, err = st.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
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
	c := sg.Certificate{ID: id, Tenant: tenant, Learner: getS(it, "learner"), Course: getS(it, "course"), CourseTitle: getS(it, "title"),
		Percent: int(getN(it, "percent")), IssuedAt: issued, Signature: getB(it, "sig"), Name: getS(it, "name"), Band: getS(it, "band"),
		Token: getS(it, "token")}
	if e := getS(it, "expires_at"); e != "" {
		c.ExpiresAt, _ = time.Parse(time.RFC3339, e)
	}
	return c, nil
}
