package devstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"gopkg.in/yaml.v3"
)

// Provisioner creates the template's tables, queues and keys in the
// emulators (or any account the clients reach) and records their physical
// ids in the Resolver. Re-running it reuses what exists.
type Provisioner struct {
	DynamoDB *dynamodb.Client
	SQS      *sqs.Client
	KMS      *kms.Client
	R        *Resolver
}

// Provision creates everything in order: tables, queues (dead-letter queues
// first), keys and aliases.
func (p *Provisioner) Provision(ctx context.Context, t *Template) error {
	for _, id := range t.OfType("AWS::DynamoDB::Table") {
		if err := p.table(ctx, id, t.Resources[id]); err != nil {
			return err
		}
	}
	queues := t.OfType("AWS::SQS::Queue")
	sort.SliceStable(queues, func(i, j int) bool { // queues without a redrive policy first
		return get(t.Resources[queues[i]].Properties, "RedrivePolicy") == nil && get(t.Resources[queues[j]].Properties, "RedrivePolicy") != nil
	})
	for _, id := range queues {
		if err := p.queue(ctx, id, t.Resources[id]); err != nil {
			return err
		}
	}
	// Keys are reached through their aliases, so a restarted emulator with
	// kept data finds the same key.
	aliasOf := map[string]string{}
	for _, id := range t.OfType("AWS::KMS::Alias") {
		props := t.Resources[id].Properties
		target := get(props, "TargetKeyId")
		name, err := p.R.Resolve(get(props, "AliasName"))
		if err != nil {
			return err
		}
		if target == nil || (target.Tag != "!Ref" && !isFn(target, "Ref")) {
			return fmt.Errorf("devstack: %s: TargetKeyId must be !Ref of a key", id)
		}
		aliasOf[fnArg(target).Value] = name
		p.R.Refs[id] = name
	}
	for _, id := range t.OfType("AWS::KMS::Key") {
		if err := p.key(ctx, id, t.Resources[id], aliasOf[id]); err != nil {
			return err
		}
	}
	// Everything else (APIs, stages, functions) is served by the local
	// gateway and this process: give it a local name and ARN.
	for id, r := range t.Resources {
		if _, ok := p.R.Refs[id]; !ok {
			p.R.Refs[id] = strings.ToLower(id)
			p.R.Attrs[id+".Arn"] = fmt.Sprintf("arn:aws:local:%s:%s:%s", p.R.Region, p.R.AccountID, r.LogicalID)
		}
	}
	return nil
}

func (p *Provisioner) name(id string, n *yaml.Node) (string, error) {
	if n != nil {
		return p.R.Resolve(n)
	}
	return p.R.StackName + "-" + id, nil
}

// tableSpec mirrors the CloudFormation table properties; their names match
// the SDK's, so the YAML decodes straight into SDK types.
type tableSpec struct {
	AttributeDefinitions   []ddbtypes.AttributeDefinition
	KeySchema              []ddbtypes.KeySchemaElement
	GlobalSecondaryIndexes []struct {
		IndexName  string
		KeySchema  []ddbtypes.KeySchemaElement
		Projection ddbtypes.Projection
	}
	TimeToLiveSpecification *struct {
		AttributeName string
		Enabled       bool
	}
	StreamSpecification *ddbtypes.StreamSpecification
}

func decodeNode(n *yaml.Node, dst any) error {
	var v any
	if err := n.Decode(&v); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

func (p *Provisioner) table(ctx context.Context, id string, r Resource) error {
	name, err := p.name(id, get(r.Properties, "TableName"))
	if err != nil {
		return err
	}
	p.R.Refs[id] = name
	p.R.Attrs[id+".Arn"] = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", p.R.Region, p.R.AccountID, name)
	var spec tableSpec
	if err := decodeNode(r.Properties, &spec); err != nil {
		return fmt.Errorf("devstack: %s: %w", id, err)
	}
	in := &dynamodb.CreateTableInput{
		TableName: &name, AttributeDefinitions: spec.AttributeDefinitions, KeySchema: spec.KeySchema,
		BillingMode: ddbtypes.BillingModePayPerRequest,
	}
	if ss := spec.StreamSpecification; ss != nil {
		in.StreamSpecification = &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ss.StreamViewType}
	}
	for _, g := range spec.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, ddbtypes.GlobalSecondaryIndex{
			IndexName: aws.String(g.IndexName), KeySchema: g.KeySchema, Projection: &g.Projection,
		})
	}
	_, err = p.DynamoDB.CreateTable(ctx, in)
	var inUse *ddbtypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("devstack: create table %s: %w", name, err)
	}
	if err := dynamodb.NewTableExistsWaiter(p.DynamoDB).Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, 30*time.Second); err != nil {
		return err
	}
	if d, err := p.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name}); err == nil && d.Table.LatestStreamArn != nil {
		p.R.Attrs[id+".StreamArn"] = *d.Table.LatestStreamArn
	}
	if ttl := spec.TimeToLiveSpecification; ttl != nil && ttl.Enabled && inUse == nil {
		_, err := p.DynamoDB.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: &name,
			TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: &ttl.AttributeName, Enabled: aws.Bool(true)}})
		if err != nil {
			return fmt.Errorf("devstack: ttl on %s: %w", name, err)
		}
	}
	return nil
}

func (p *Provisioner) queue(ctx context.Context, id string, r Resource) error {
	name, err := p.name(id, get(r.Properties, "QueueName"))
	if err != nil {
		return err
	}
	attrs := map[string]string{}
	props := r.Properties
	for i := 0; props != nil && i+1 < len(props.Content); i += 2 {
		k, v := props.Content[i].Value, props.Content[i+1]
		switch k {
		case "QueueName", "Tags":
		case "RedrivePolicy":
			dlq, err := p.R.Resolve(get(v, "deadLetterTargetArn"))
			if err != nil {
				return err
			}
			max := scalar(get(v, "maxReceiveCount"))
			b, _ := json.Marshal(map[string]string{"deadLetterTargetArn": dlq, "maxReceiveCount": max})
			attrs["RedrivePolicy"] = string(b)
		default:
			s, err := p.R.Resolve(v)
			if err != nil {
				return err
			}
			attrs[k] = s
		}
	}
	out, err := p.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &name, Attributes: attrs})
	if err != nil {
		return fmt.Errorf("devstack: create queue %s: %w", name, err)
	}
	p.R.Refs[id] = aws.ToString(out.QueueUrl)
	p.R.Attrs[id+".QueueUrl"] = aws.ToString(out.QueueUrl)
	p.R.Attrs[id+".QueueName"] = name
	p.R.Attrs[id+".Arn"] = fmt.Sprintf("arn:aws:sqs:%s:%s:%s", p.R.Region, p.R.AccountID, name)
	return nil
}

func (p *Provisioner) key(ctx context.Context, id string, r Resource, alias string) error {
	if alias != "" {
		if d, err := p.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &alias}); err == nil {
			p.R.Refs[id] = aws.ToString(d.KeyMetadata.KeyId)
			p.R.Attrs[id+".Arn"] = aws.ToString(d.KeyMetadata.Arn)
			return nil
		}
	}
	in := &kms.CreateKeyInput{
		KeySpec:     kmstypes.KeySpec(scalar(get(r.Properties, "KeySpec"))),
		KeyUsage:    kmstypes.KeyUsageType(scalar(get(r.Properties, "KeyUsage"))),
		Description: aws.String(scalar(get(r.Properties, "Description"))),
	}
	if in.KeySpec == "" {
		in.KeySpec = kmstypes.KeySpecSymmetricDefault
	}
	if in.KeyUsage == "" {
		in.KeyUsage = kmstypes.KeyUsageTypeEncryptDecrypt
	}
	out, err := p.KMS.CreateKey(ctx, in)
	if err != nil {
		return fmt.Errorf("devstack: create key %s: %w", id, err)
	}
	keyID := aws.ToString(out.KeyMetadata.KeyId)
	p.R.Refs[id] = keyID
	p.R.Attrs[id+".Arn"] = aws.ToString(out.KeyMetadata.Arn)
	if alias != "" {
		if _, err := p.KMS.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: &alias, TargetKeyId: &keyID}); err != nil {
			return fmt.Errorf("devstack: alias %s: %w", alias, err)
		}
	}
	return nil
}

// Summary lists what was provisioned, for the dev stack's banner.
func (p *Provisioner) Summary(t *Template) string {
	var b strings.Builder
	for _, typ := range []string{"AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::KMS::Key", "AWS::KMS::Alias"} {
		for _, id := range t.OfType(typ) {
			fmt.Fprintf(&b, "  %-22s %-20s %s\n", strings.TrimPrefix(typ, "AWS::"), id, p.R.Refs[id])
		}
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
