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
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is the part of a SAM template the local stack needs.
type Template struct {
	Parameters map[string]Parameter
	Resources  map[string]Resource
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
	t.globalEnv = get(get(get(get(get(root, "Globals"), "Function"), "Environment"), "Variables"), "")
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
					if bs := scalar(get(p, "BatchSize")); bs != "" {
						fmt.Sscan(bs, &q.BatchSize)
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
					if bs := scalar(get(p, "BatchSize")); bs != "" {
						fmt.Sscan(bs, &se.BatchSize)
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
