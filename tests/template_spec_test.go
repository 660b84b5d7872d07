package tests

// ---- ops: the template checked against AWS's published specification ----

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// cfnSpecPath is AWS's CloudFormation resource specification as the CDK
// ships it (npm @aws-cdk/aws-service-spec, installed in infra/cfnspec by
// make tools with scripts blocked).
const cfnSpecPath = "../infra/cfnspec/node_modules/@aws-cdk/aws-service-spec/db.json.gz"

// specType is a property's type in the spec database.
type specType struct {
	Type      string     `json:"type"`
	Element   *specType  `json:"element"`
	Types     []specType `json:"types"`
	Reference *struct {
		Ref string `json:"$ref"`
	} `json:"reference"`
}

type specProp struct {
	Type          specType   `json:"type"`
	PreviousTypes []specType `json:"previousTypes"`
	Required      bool       `json:"required"`
}

type specShape struct {
	ID         string                     `json:"$id"`
	CfnType    string                     `json:"cloudFormationType"`
	Name       string                     `json:"name"`
	Properties map[string]specProp        `json:"properties"`
	Attributes map[string]json.RawMessage `json:"attributes"`
}

type cfnSpec struct {
	resources map[string]specShape // by CloudFormation type
	types     map[string]specShape // type definitions by $id
}

func loadCfnSpec(t *testing.T) *cfnSpec {
	t.Helper()
	f, err := os.Open(cfnSpecPath)
	if err != nil {
		if testing.Short() {
			t.Skipf("AWS's resource specification is not installed (make tools installs it): %v", err)
		}
		t.Fatalf("AWS's resource specification is not installed (make tools installs it): %v", err)
	}
	defer func() { _ = f.Close() }() // read only
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var db struct {
		Schema struct {
			Resource       struct{ Entities []specShape } `json:"resource"`
			TypeDefinition struct{ Entities []specShape } `json:"typeDefinition"`
		} `json:"schema"`
	}
	if err := json.NewDecoder(zr).Decode(&db); err != nil {
		t.Fatal(err)
	}
	s := &cfnSpec{resources: map[string]specShape{}, types: map[string]specShape{}}
	for _, r := range db.Schema.Resource.Entities {
		s.resources[r.CfnType] = r
	}
	for _, d := range db.Schema.TypeDefinition.Entities {
		s.types[d.ID] = d
	}
	if len(s.resources) < 1000 {
		t.Fatalf("the specification lists %d resource types; expected well over a thousand", len(s.resources))
	}
	return s
}

// intrinsic reports whether n is an intrinsic function (its value is known
// only at deploy time), in either the short (!Ref) or the long form.
func intrinsic(n *yaml.Node) bool {
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		return k == "Ref" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// ifBranches returns the value branches of an !If (skipping AWS::NoValue),
// or nil when n is no !If.
func ifBranches(n *yaml.Node) []*yaml.Node {
	var args *yaml.Node
	switch {
	case n.Tag == "!If":
		args = n
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::If":
		args = n.Content[1]
	default:
		return nil
	}
	var out []*yaml.Node
	if args.Kind == yaml.SequenceNode && len(args.Content) == 3 {
		for _, b := range args.Content[1:] {
			if !(b.Tag == "!Ref" && b.Value == "AWS::NoValue") {
				out = append(out, b)
			}
		}
	}
	return out
}

func mapping(n *yaml.Node) map[string]*yaml.Node {
	m := map[string]*yaml.Node{}
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = n.Content[i+1]
		}
	}
	return m
}

// checkValue checks a value against a property type; problems are added
// to errs under path.
func (s *cfnSpec) checkValue(path string, typ specType, v *yaml.Node, errs *[]string) {
	if bs := ifBranches(v); bs != nil {
		for _, b := range bs {
			s.checkValue(path, typ, b, errs)
		}
		return
	}
	if intrinsic(v) {
		return
	}
	switch typ.Type {
	case "union":
		// Valid if any member fits.
		for _, m := range typ.Types {
			var e []string
			s.checkValue(path, m, v, &e)
			if len(e) == 0 {
				return
			}
		}
		*errs = append(*errs, fmt.Sprintf("%s: fits none of its types", path))
	case "string", "number", "integer", "boolean", "date-time":
		if v.Kind != yaml.ScalarNode {
			*errs = append(*errs, fmt.Sprintf("%s: want a %s, got a %s", path, typ.Type, kindName(v)))
		}
	case "array":
		if v.Kind != yaml.SequenceNode {
			*errs = append(*errs, fmt.Sprintf("%s: want a list, got a %s", path, kindName(v)))
			return
		}
		for i, el := range v.Content {
			s.checkValue(fmt.Sprintf("%s[%d]", path, i), *typ.Element, el, errs)
		}
	case "map":
		if v.Kind != yaml.MappingNode {
			*errs = append(*errs, fmt.Sprintf("%s: want a map, got a %s", path, kindName(v)))
			return
		}
		for k, el := range mapping(v) {
			s.checkValue(path+"."+k, *typ.Element, el, errs)
		}
	case "ref":
		def, ok := s.types[typ.Reference.Ref]
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: type %s missing from the specification", path, typ.Reference.Ref))
			return
		}
		if v.Kind != yaml.MappingNode {
			*errs = append(*errs, fmt.Sprintf("%s: want a %s object, got a %s", path, def.Name, kindName(v)))
			return
		}
		s.checkProps(path, def, v, errs)
	default: // json, tag, null: any shape
	}
}

// checkProps checks an object's keys against a shape's properties: every
// key known, every required property given.
func (s *cfnSpec) checkProps(path string, shape specShape, obj *yaml.Node, errs *[]string) {
	props := mapping(obj)
	for k, v := range props {
		p, ok := shape.Properties[k]
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: %s has no property %q", path, shape.Name, k))
			continue
		}
		s.checkValue(path+"."+k, p.Type, v, errs)
	}
	for name, p := range shape.Properties {
		if _, ok := props[name]; p.Required && !ok {
			*errs = append(*errs, fmt.Sprintf("%s: required property %s missing", path, name))
		}
	}
}

func kindName(n *yaml.Node) string {
	return map[yaml.Kind]string{yaml.ScalarNode: "scalar", yaml.SequenceNode: "list", yaml.MappingNode: "map"}[n.Kind]
}

// samProperties are the properties SAM documents for the resource types
// and event sources the template uses (AWS SAM developer guide,
// sam-resource-function, sam-resource-httpapi, sam-property-function-*).
var samProperties = map[string][]string{
	"AWS::Serverless::Function": {"Architectures", "AssumeRolePolicyDocument", "AutoPublishAlias", "AutoPublishAliasAllProperties",
		"AutoPublishCodeSha256", "CapacityProviderConfig", "CodeSigningConfigArn", "CodeUri", "DeadLetterQueue", "DeploymentPreference",
		"Description", "DurableConfig", "Environment", "EphemeralStorage", "EventInvokeConfig", "Events", "FileSystemConfigs",
		"FunctionName", "FunctionScalingConfig", "FunctionUrlConfig", "Handler", "ImageConfig", "ImageUri", "InlineCode", "KmsKeyArn",
		"Layers", "LoggingConfig", "MemorySize", "PackageType", "PermissionsBoundary", "Policies", "PublishToLatestPublished",
		"PropagateTags", "ProvisionedConcurrencyConfig", "RecursiveLoop", "ReservedConcurrentExecutions", "Role", "RolePath",
		"Runtime", "RuntimeManagementConfig", "SnapStart", "SourceKMSKeyArn", "Tags", "Timeout", "Tracing", "VersionDeletionPolicy",
		"VersionDescription", "VpcConfig"},
	"AWS::Serverless::HttpApi": {"AccessLogSettings", "Auth", "CorsConfiguration", "DefaultRouteSettings", "DefinitionBody",
		"DefinitionUri", "Description", "DisableExecuteApiEndpoint", "Domain", "FailOnWarnings", "Name", "PropagateTags",
		"RouteSettings", "StageName", "StageVariables", "Tags"},
	// Event sources, by their Type.
	"event:HttpApi":  {"ApiId", "Auth", "Method", "Path", "PayloadFormatVersion", "RouteSettings", "TimeoutInMillis"},
	"event:Schedule": {"DeadLetterConfig", "Description", "Enabled", "Input", "Name", "RetryPolicy", "Schedule", "State"},
	"event:SQS": {"BatchSize", "Enabled", "FilterCriteria", "FunctionResponseTypes", "KmsKeyArn", "MaximumBatchingWindowInSeconds",
		"MetricsConfig", "ProvisionedPollerConfig", "Queue", "ScalingConfig"},
	"event:DynamoDB": {"BatchSize", "BisectBatchOnFunctionError", "DestinationConfig", "Enabled", "FilterCriteria",
		"FunctionResponseTypes", "KmsKeyArn", "MaximumBatchingWindowInSeconds", "MaximumRecordAgeInSeconds", "MaximumRetryAttempts",
		"MetricsConfig", "ParallelizationFactor", "StartingPosition", "StartingPositionTimestamp", "Stream", "TumblingWindowInSeconds"},
}

// samGlobals are the Function properties SAM lets Globals set.
var samGlobals = []string{"Architectures", "AssumeRolePolicyDocument", "AutoPublishAlias", "AutoPublishAliasAllProperties",
	"CodeUri", "DeadLetterQueue", "DeploymentPreference", "Description", "Environment", "EphemeralStorage", "EventInvokeConfig",
	"FileSystemConfigs", "FunctionUrlConfig", "Handler", "KmsKeyArn", "Layers", "LoggingConfig", "MemorySize", "PermissionsBoundary",
	"PropagateTags", "ProvisionedConcurrencyConfig", "RecursiveLoop", "ReservedConcurrentExecutions", "RolePath", "Runtime",
	"RuntimeManagementConfig", "SnapStart", "SourceKMSKeyArn", "Tags", "Timeout", "Tracing", "VpcConfig"}

func checkSAM(id, typ string, props *yaml.Node, errs *[]string) {
	known, ok := samProperties[typ]
	if !ok {
		*errs = append(*errs, fmt.Sprintf("%s: %s is not a SAM type this check knows (add its documented properties)", id, typ))
		return
	}
	for k, v := range mapping(props) {
		if !contains(known, k) {
			*errs = append(*errs, fmt.Sprintf("%s: %s has no property %q", id, typ, k))
		}
		if k != "Events" {
			continue
		}
		for name, ev := range mapping(v) {
			em := mapping(ev)
			et := em["Type"]
			if et == nil {
				*errs = append(*errs, fmt.Sprintf("%s.Events.%s: no Type", id, name))
				continue
			}
			eknown, ok := samProperties["event:"+et.Value]
			if !ok {
				*errs = append(*errs, fmt.Sprintf("%s.Events.%s: event type %s unknown to this check", id, name, et.Value))
				continue
			}
			for ek := range mapping(em["Properties"]) {
				if !contains(eknown, ek) {
					*errs = append(*errs, fmt.Sprintf("%s.Events.%s: %s event has no property %q", id, name, et.Value, ek))
				}
			}
		}
	}
}

// templateRoot parses template.yaml with its tags kept.
func templateRoot(t *testing.T) map[string]*yaml.Node {
	t.Helper()
	raw, err := os.ReadFile("../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return mapping(doc.Content[0])
}

// Every resource type and property in template.yaml is one AWS's published
// specification (or, for AWS::Serverless::*, SAM's documentation) knows,
// with values of the right shape and every required property given.
func TestTemplateAgainstAWSSpecification(t *testing.T) {
	spec := loadCfnSpec(t)
	root := templateRoot(t)
	var errs []string
	checked := map[string]int{}
	for id, r := range mapping(root["Resources"]) {
		rm := mapping(r)
		typ := rm["Type"].Value
		checked[typ]++
		if strings.HasPrefix(typ, "AWS::Serverless::") {
			checkSAM(id, typ, rm["Properties"], &errs)
			continue
		}
		shape, ok := spec.resources[typ]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: resource type %s is not in AWS's specification", id, typ))
			continue
		}
		props := rm["Properties"]
		if props == nil {
			props = &yaml.Node{Kind: yaml.MappingNode}
		}
		spec.checkProps(id, shape, props, &errs)
		// !GetAtt of this resource names an attribute it has.
	}
	for k := range mapping(mapping(root["Globals"])["Function"]) {
		if !contains(samGlobals, k) {
			errs = append(errs, fmt.Sprintf("Globals.Function: SAM does not let Globals set %q", k))
		}
	}
	errs = append(errs, checkGetAtts(spec, root)...)
	sort.Strings(errs)
	for _, e := range errs {
		t.Error(e)
	}
	t.Logf("checked %d resource types against the specification: %v", len(checked), checked)
}

// checkGetAtts checks that every !GetAtt names an attribute its resource's
// type has (SAM types are left to SAM).
func checkGetAtts(spec *cfnSpec, root map[string]*yaml.Node) []string {
	types := map[string]string{}
	for id, r := range mapping(root["Resources"]) {
		types[id] = mapping(r)["Type"].Value
	}
	var errs []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Tag == "!GetAtt" && n.Kind == yaml.ScalarNode {
			res, attr, _ := strings.Cut(n.Value, ".")
			typ := types[res]
			if shape, ok := spec.resources[typ]; ok {
				if _, ok := shape.Attributes[attr]; !ok {
					errs = append(errs, fmt.Sprintf("line %d: !GetAtt %s: %s has no attribute %s", n.Line, n.Value, typ, attr))
				}
			} else if typ == "" {
				errs = append(errs, fmt.Sprintf("line %d: !GetAtt %s: no such resource", n.Line, n.Value))
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, r := range mapping(root["Resources"]) {
		walk(r)
	}
	return errs
}

// alarmedMetric is one metric an alarm watches.
type alarmedMetric struct{ namespace, name, dims string }

// alarmMetrics lists the metrics alarm a watches, directly or in its
// metric math, with their dimensions as "Name=Value" (values of !Ref or
// !GetAtt as their source text).
func alarmMetrics(a map[string]*yaml.Node) []alarmedMetric {
	dims := func(n *yaml.Node) string {
		var out []string
		if n == nil {
			return ""
		}
		for _, d := range n.Content {
			dm := mapping(d)
			if dm["Name"] != nil && dm["Value"] != nil {
				out = append(out, dm["Name"].Value+"="+dm["Value"].Value)
			}
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	var out []alarmedMetric
	if a["MetricName"] != nil {
		out = append(out, alarmedMetric{a["Namespace"].Value, a["MetricName"].Value, dims(a["Dimensions"])})
	}
	if ms := a["Metrics"]; ms != nil {
		for _, m := range ms.Content {
			met := mapping(mapping(mapping(m)["MetricStat"])["Metric"])
			if met["MetricName"] != nil {
				out = append(out, alarmedMetric{met["Namespace"].Value, met["MetricName"].Value, dims(met["Dimensions"])})
			}
		}
	}
	return out
}

// The template raises the alarms an operator needs, to an SNS topic, and
// keeps the API throttled and every function's logs under a retention.
// (Rate limits per client are the functions'; the stage throttle checked
// here is the backstop in front of them.)
func TestTemplateOperationsCovered(t *testing.T) {
	root := templateRoot(t)
	res := mapping(root["Resources"])
	typeOf := func(id string) string {
		if r, ok := res[id]; ok {
			return mapping(r)["Type"].Value
		}
		return ""
	}
	watched := map[alarmedMetric]bool{}
	alarms := 0
	for id, r := range res {
		rm := mapping(r)
		if rm["Type"].Value != "AWS::CloudWatch::Alarm" {
			continue
		}
		alarms++
		p := mapping(rm["Properties"])
		acts := p["AlarmActions"]
		if acts == nil || len(acts.Content) == 0 || acts.Content[0].Tag != "!Ref" || typeOf(acts.Content[0].Value) != "AWS::SNS::Topic" {
			t.Errorf("%s notifies no SNS topic of the template", id)
		}
		for _, m := range alarmMetrics(p) {
			watched[m] = true
		}
	}
	want := []alarmedMetric{
		{"AWS/ApiGateway", "5xx", "ApiId=HttpApi"},
		{"AWS/ApiGateway", "Latency", "ApiId=HttpApi"},
		{"Stablegate", "ReconciliationDifferences", "Function=reconcile,Route=schedule"},
		{"Stablegate", "OldestOpenWithdrawalAge", "Function=holds-expire"},
		{"Stablegate", "HotWalletFloat", "Chain=ethereum"},
		{"Stablegate", "HotWalletFloat", "Chain=tron"},
		{"Stablegate", "BreakerOpen", "Chain=ethereum"},
		{"Stablegate", "BreakerOpen", "Chain=tron"},
		{"Stablegate", "AwsErrors", "Service=KMS"},
	}
	// Every dead-letter queue's depth.
	for _, r := range res {
		rp := mapping(mapping(mapping(r)["Properties"])["RedrivePolicy"])
		if dl := rp["deadLetterTargetArn"]; dl != nil {
			q, _, _ := strings.Cut(dl.Value, ".")
			want = append(want, alarmedMetric{"AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName=" + q + ".QueueName"})
		}
	}
	for _, w := range want {
		if !watched[w] {
			t.Errorf("no alarm watches %s %s (%s)", w.namespace, w.name, w.dims)
		}
	}
	dashboards := 0
	for _, r := range res {
		if mapping(r)["Type"].Value == "AWS::CloudWatch::Dashboard" {
			dashboards++
		}
	}
	if dashboards == 0 {
		t.Error("no CloudWatch dashboard")
	}

	// Throttling: the HTTP API's default route settings, and every stage's.
	throttled := func(where string, rs *yaml.Node) {
		m := mapping(rs)
		if m["ThrottlingRateLimit"] == nil || m["ThrottlingBurstLimit"] == nil {
			t.Errorf("%s: no throttling (ThrottlingRateLimit and ThrottlingBurstLimit)", where)
		}
	}
	for id, r := range res {
		rm := mapping(r)
		switch rm["Type"].Value {
		case "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Stage":
			throttled(id+".DefaultRouteSettings", mapping(rm["Properties"])["DefaultRouteSettings"])
		}
	}

	// Log retention: the log group every function logs to keeps its
	// events a bounded time, and so does every log group.
	retained := func(where string, lc *yaml.Node) {
		lg := mapping(lc)["LogGroup"]
		if lg == nil || lg.Tag != "!Ref" || typeOf(lg.Value) != "AWS::Logs::LogGroup" {
			t.Errorf("%s: functions do not log to a log group of the template (LoggingConfig.LogGroup)", where)
		}
	}
	retained("Globals.Function", mapping(mapping(root["Globals"])["Function"])["LoggingConfig"])
	for id, r := range res {
		rm := mapping(r)
		p := mapping(rm["Properties"])
		switch rm["Type"].Value {
		case "AWS::Serverless::Function":
			if lc := p["LoggingConfig"]; lc != nil {
				retained(id, lc)
			}
		case "AWS::Lambda::Function":
			t.Errorf("%s: a plain Lambda function would log outside the template's log groups", id)
		case "AWS::Logs::LogGroup":
			if p["RetentionInDays"] == nil {
				t.Errorf("%s keeps its events forever (no RetentionInDays)", id)
			}
		}
	}
	t.Logf("%d alarms, %d dashboard(s); throttling and log retention in place", alarms, dashboards)
}
