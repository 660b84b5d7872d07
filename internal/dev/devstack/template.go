// Package devstack runs Stablegate on one machine: it reads template.yaml,
// starts the AWS emulators (DynamoDB Local, fauxqs, local-kms) and a local
// Ethereum node, creates the resources the template declares, and serves a
// local API gateway that turns HTTP requests into API Gateway HTTP API (v2)
// events for the same handlers that are deployed, with JWT-authorizer
// semantics and a dev token issuer. Nothing here is deployed.
package devstack

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is the part of a SAM template the local stack needs.
type Template struct {
	Parameters map[string]Parameter
	Resources  map[string]Resource
	// GlobalFunction is Globals.Function (nil when there is none): the
	// properties every function inherits unless it sets its own.
	GlobalFunction *yaml.Node
	// globalEnv is Globals.Function.Environment.Variables.
	globalEnv *yaml.Node
}

// Parameter is a template parameter.
type Parameter struct {
	Default    string
	HasDefault bool
}

// Resource is one template resource; Properties keeps YAML tags (!Ref ...).
type Resource struct {
	LogicalID  string
	Type       string
	Properties *yaml.Node
	Metadata   *yaml.Node
}

// Function is an AWS::Serverless::Function with its HTTP routes.
type Function struct {
	LogicalID string
	// Name is the folder under functions/ (WalletsCreateFunction -> wallets-create).
	Name   string
	Routes []Route
	// Queues are the function's SQS event sources.
	Queues []QueueEvent
	// Streams are the function's DynamoDB stream event sources.
	Streams []StreamEvent
	// Schedule is the function's Schedule expression ("rate(1 minute)"), if any.
	Schedule string
	env      []*yaml.Node // Globals env then the function's own, as key/value node pairs
}

// QueueEvent is an SQS event source of a function.
type QueueEvent struct {
	Queue          string // logical id of the queue
	BatchSize      int
	ReportFailures bool // FunctionResponseTypes: [ReportBatchItemFailures]
}

// Route is one HttpApi event.
type Route struct {
	Method string
	Path   string
	Scopes []string
	// Authorized is false only when the route sets Auth.Authorizer: NONE.
	Authorized bool
}

// Key is "METHOD /path" as API Gateway writes routeKey.
func (r Route) Key() string { return r.Method + " " + r.Path }

// LoadTemplate parses a SAM template file.
func LoadTemplate(path string) (*Template, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("devstack: %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("devstack: %s is empty", path)
	}
	root := doc.Content[0]
	t := &Template{Parameters: map[string]Parameter{}, Resources: map[string]Resource{}}
	if ps := get(root, "Parameters"); ps != nil {
		for i := 0; i+1 < len(ps.Content); i += 2 {
			p := Parameter{}
			if d := get(ps.Content[i+1], "Default"); d != nil {
				p.Default, p.HasDefault = d.Value, true
			}
			t.Parameters[ps.Content[i].Value] = p
		}
	}
	t.GlobalFunction = get(get(root, "Globals"), "Function")
	t.globalEnv = get(get(get(t.GlobalFunction, "Environment"), "Variables"), "")
	rs := get(root, "Resources")
	if rs == nil {
		return nil, fmt.Errorf("devstack: %s has no Resources", path)
	}
	for i := 0; i+1 < len(rs.Content); i += 2 {
		id, body := rs.Content[i].Value, rs.Content[i+1]
		r := Resource{LogicalID: id, Properties: get(body, "Properties"), Metadata: get(body, "Metadata")}
		if ty := get(body, "Type"); ty != nil {
			r.Type = ty.Value
		}
		t.Resources[id] = r
	}
	return t, nil
}

// get returns the value of key in mapping node n, or nil. An empty key
// returns n itself (so chains of get tolerate missing levels).
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if key == "" {
		return n
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// OfType lists the logical ids of resources of one type, sorted.
func (t *Template) OfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Functions lists the template's functions with their routes, sorted by id.
func (t *Template) Functions() []Function {
	var fs []Function
	for _, id := range t.OfType("AWS::Serverless::Function") {
		r := t.Resources[id]
		f := Function{LogicalID: id, Name: FunctionName(id)}
		if t.globalEnv != nil {
			f.env = append(f.env, t.globalEnv.Content...)
		}
		if v := get(get(get(r.Properties, "Environment"), "Variables"), ""); v != nil {
			f.env = append(f.env, v.Content...)
		}
		if evs := get(r.Properties, "Events"); evs != nil {
			for i := 0; i+1 < len(evs.Content); i += 2 {
				ev := evs.Content[i+1]
				if ty := get(ev, "Type"); ty != nil && ty.Value == "SQS" {
					p := get(ev, "Properties")
					q := QueueEvent{BatchSize: 10}
					if qn := get(p, "Queue"); qn != nil {
						q.Queue = strings.SplitN(fnArg(qn).Value, ".", 2)[0]
						if qn.Kind == yaml.MappingNode && len(fnArg(qn).Content) > 0 {
							q.Queue = fnArg(qn).Content[0].Value
						}
					}
					if n, err := strconv.Atoi(scalar(get(p, "BatchSize"))); err == nil {
						q.BatchSize = n // SAM refuses a BatchSize that is not a number
					}
					for _, rt := range contentOf(get(p, "FunctionResponseTypes")) {
						q.ReportFailures = q.ReportFailures || rt.Value == "ReportBatchItemFailures"
					}
					f.Queues = append(f.Queues, q)
					continue
				}
				if ty := get(ev, "Type"); ty != nil && ty.Value == "Schedule" {
					f.Schedule = scalar(get(get(ev, "Properties"), "Schedule"))
					continue
				}
				if ty := get(ev, "Type"); ty != nil && ty.Value == "DynamoDB" {
					p := get(ev, "Properties")
					se := StreamEvent{BatchSize: 100, Table: strings.SplitN(fnArg(get(p, "Stream")).Value, ".", 2)[0],
						FromStart: scalar(get(p, "StartingPosition")) == "TRIM_HORIZON"}
					if n, err := strconv.Atoi(scalar(get(p, "BatchSize"))); err == nil {
						se.BatchSize = n
					}
					for _, rt := range contentOf(get(p, "FunctionResponseTypes")) {
						se.ReportFailures = se.ReportFailures || rt.Value == "ReportBatchItemFailures"
					}
					f.Streams = append(f.Streams, se)
					continue
				}
				if ty := get(ev, "Type"); ty == nil || ty.Value != "HttpApi" {
					continue
				}
				p := get(ev, "Properties")
				rt := Route{Method: strings.ToUpper(scalar(get(p, "Method"))), Path: scalar(get(p, "Path")), Authorized: true}
				if a := get(p, "Auth"); a != nil {
					if az := get(a, "Authorizer"); az != nil && az.Value == "NONE" {
						rt.Authorized = false
					}
					if sc := get(a, "AuthorizationScopes"); sc != nil {
						for _, s := range sc.Content {
							rt.Scopes = append(rt.Scopes, s.Value)
						}
					}
				}
				f.Routes = append(f.Routes, rt)
			}
		}
		fs = append(fs, f)
	}
	return fs
}

func scalar(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// FunctionName maps a logical id to its folder: WalletsCreateFunction ->
// wallets-create.
func FunctionName(logicalID string) string {
	base := strings.TrimSuffix(logicalID, "Function")
	var b strings.Builder
	for i, r := range base {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LogicalID maps a folder name to its logical id: wallets-create ->
// WalletsCreateFunction.
func LogicalID(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String() + "Function"
}

// PolicyActions lists the IAM actions of a function's inline policy statements.
func PolicyActions(r Resource) []string {
	var out []string
	pols := get(r.Properties, "Policies")
	if pols == nil {
		return nil
	}
	for _, p := range pols.Content {
		for _, st := range contentOf(get(p, "Statement")) {
			a := get(st, "Action")
			if a == nil {
				continue
			}
			if a.Kind == yaml.ScalarNode {
				out = append(out, a.Value)
			}
			for _, x := range a.Content {
				out = append(out, x.Value)
			}
		}
	}
	return out
}

func contentOf(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	return n.Content
}

// BuildMethod returns a resource's Metadata.BuildMethod.
func (r Resource) BuildMethod() string { return scalar(get(r.Metadata, "BuildMethod")) }

// Prop returns a property of a resource: Prop("Events", "Api", "Type")
// walks nested mappings; nil when a level is missing.
func (r Resource) Prop(path ...string) *yaml.Node {
	n := r.Properties
	for _, k := range path {
		if n = get(n, k); n == nil {
			return nil
		}
	}
	return n
}

// FunctionProp is a function's own property, or the one it inherits from
// Globals.Function (SAM merges mappings; this returns the function's
// mapping when it has one, which is what the checks here need).
func (t *Template) FunctionProp(logicalID, key string) *yaml.Node {
	if n := t.Resources[logicalID].Prop(key); n != nil {
		return n
	}
	return get(t.GlobalFunction, key)
}

// Statement is one statement of a function's inline policies. Values are
// written as in the template: a scalar as is, an intrinsic as its short
// form ("!Ref AWS::StackName", "!GetAtt EnvelopeKey.Arn", "!Sub ...").
type Statement struct {
	Effect    string
	Actions   []string
	Resources []string
	// Condition maps an operator (StringEquals, ForAllValues:StringEquals,
	// Null, ...) to its condition keys and their values.
	Condition map[string]map[string][]string
}

// PolicyStatements lists the statements of a function's inline policies.
func PolicyStatements(r Resource) []Statement {
	var out []Statement
	for _, p := range contentOf(get(r.Properties, "Policies")) {
		for _, st := range contentOf(get(p, "Statement")) {
			s := Statement{Effect: scalar(get(st, "Effect")), Actions: Values(get(st, "Action")), Resources: Values(get(st, "Resource")),
				Condition: map[string]map[string][]string{}}
			c := get(st, "Condition")
			for i := 0; c != nil && i+1 < len(c.Content); i += 2 {
				keys := map[string][]string{}
				m := c.Content[i+1]
				for j := 0; j+1 < len(m.Content); j += 2 {
					keys[m.Content[j].Value] = Values(m.Content[j+1])
				}
				s.Condition[c.Content[i].Value] = keys
			}
			out = append(out, s)
		}
	}
	return out
}

// Values reads a scalar or a list of scalars (each possibly an intrinsic)
// as strings in their short form.
func Values(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		var out []string
		for _, x := range n.Content {
			out = append(out, Short(x))
		}
		return out
	}
	return []string{Short(n)}
}

// Short writes a scalar as is and an intrinsic in its short form:
// "!Ref X" for both !Ref X and {Ref: X}, "!GetAtt A.B", "!Sub text".
func Short(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		name := strings.TrimPrefix(n.Content[0].Value, "Fn::")
		a := n.Content[1]
		if a.Kind == yaml.SequenceNode && name == "GetAtt" && len(a.Content) == 2 {
			return "!GetAtt " + a.Content[0].Value + "." + a.Content[1].Value
		}
		return "!" + name + " " + a.Value
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return n.Tag + " " + n.Value
	}
	return n.Value
}
