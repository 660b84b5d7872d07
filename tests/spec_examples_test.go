package tests

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp/syntax"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// ---- ref: response examples kept in the spec, validated against their schema

// -fill-examples writes a first example, made from the schema, into
// infra/openapi.yaml for every JSON response that has none (a starting point
// to edit by hand, then kept in the spec and checked by the test below):
//
//	go test -short -run TestSpecEveryResponseHasAValidExample ./tests/ -fill-examples
var fillExamples = flag.Bool("fill-examples", false, "write a schema-made example into infra/openapi.yaml for every JSON response without one")

func isJSONMedia(t string) bool { return t == "application/json" || strings.HasSuffix(t, "+json") }

// mediaExamples returns the examples a media type holds (example or examples).
func mediaExamples(m *openapi3.MediaType) map[string]any {
	out := map[string]any{}
	if m.Example != nil {
		out["example"] = m.Example
	}
	for name, ex := range m.Examples {
		if ex != nil && ex.Value != nil {
			out[name] = ex.Value.Value
		}
	}
	return out
}

// Every operation's responses (its success answer and every documented
// error body, shared ones included) carry an example, and each example is
// valid against the response's schema: the reference shows these examples,
// so a page cannot show a body the API does not send.
func TestSpecEveryResponseHasAValidExample(t *testing.T) {
	spec := loadSpec(t)
	if *fillExamples {
		fillSpecExamples(t, spec)
		spec = loadSpec(t)
	}
	ops, checked := 0, 0
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			for code, rr := range op.Responses.Map() {
				where := fmt.Sprintf("%s %s %s", method, path, code)
				if rr.Value == nil {
					t.Errorf("%s: unresolved response", where)
					continue
				}
				for mt, m := range rr.Value.Content {
					exs := mediaExamples(m)
					if !isJSONMedia(mt) {
						continue // a PNG, CSV or HTML body: shown by its description
					}
					if len(exs) == 0 {
						t.Errorf("%s %s: no example (go test -short -run %s ./tests/ -fill-examples writes a first one)", where, mt, t.Name())
						continue
					}
					if m.Schema == nil || m.Schema.Value == nil {
						t.Errorf("%s %s: no schema", where, mt)
						continue
					}
					for name, ex := range exs {
						checked++
						if err := m.Schema.Value.VisitJSON(ex, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
							t.Errorf("%s %s: example %q does not match its schema: %v", where, mt, name, err)
						}
					}
				}
			}
		}
	}
	if ops < 100 || checked < ops*3 {
		t.Fatalf("only %d examples checked over %d operations", checked, ops)
	}
	t.Logf("%d response examples of %d operations valid", checked, ops)
}

// The shared error bodies (401, 403, 413, 500, ...) are the error schema, not
// an untyped object, and each has its example.
func TestSpecSharedErrorResponsesAreTyped(t *testing.T) {
	spec := loadSpec(t)
	for name, rr := range spec.Components.Responses {
		for mt, m := range rr.Value.Content {
			if !isJSONMedia(mt) {
				continue
			}
			s := m.Schema
			if s == nil || s.Value == nil {
				t.Errorf("response %s: no schema", name)
				continue
			}
			named := s.Ref != ""
			for _, alt := range s.Value.OneOf {
				named = named || alt.Ref != ""
			}
			if !named {
				t.Errorf("response %s: its body is not a named schema (ErrorResponse or GatewayError)", name)
			}
			if len(mediaExamples(m)) == 0 {
				t.Errorf("response %s: no example", name)
			}
		}
	}
}

// ---- the example maker behind -fill-examples

// specNodes reads infra/openapi.yaml as a YAML node tree (its lines kept,
// for the fillers that insert into it), with its path and bytes.
func specNodes(t *testing.T) (file string, raw []byte, doc yaml.Node) {
	t.Helper()
	file = filepath.Join(root, "infra", "openapi.yaml")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return file, raw, doc
}

func fillSpecExamples(t *testing.T, spec *openapi3.T) {
	t.Helper()
	file, raw, doc := specNodes(t)
	type insert struct {
		line, col int
		value     any
	}
	var ins []insert
	add := func(media *yaml.Node, key *yaml.Node, m *openapi3.MediaType) {
		if len(mediaExamples(m)) > 0 || m.Schema == nil || m.Schema.Value == nil {
			return
		}
		ins = append(ins, insert{key.Line, key.Column, makeExample(m.Schema.Value, "", 0)})
	}
	top := doc.Content[0]
	paths := mapGet(top, "paths")
	for path, item := range spec.Paths.Map() {
		pn := mapGet(paths, path)
		for method, op := range item.Operations() {
			on := mapGet(pn, strings.ToLower(method))
			rn := mapGet(on, "responses")
			for code, rr := range op.Responses.Map() {
				if rr.Ref != "" || rr.Value == nil {
					continue
				}
				cn := mapGet(mapGet(rn, code), "content")
				for mt, m := range rr.Value.Content {
					if isJSONMedia(mt) {
						add(mapGet(cn, mt), mapKey(cn, mt), m)
					}
				}
			}
		}
	}
	resps := mapGet(mapGet(top, "components"), "responses")
	for name, rr := range spec.Components.Responses {
		cn := mapGet(mapGet(resps, name), "content")
		for mt, m := range rr.Value.Content {
			if isJSONMedia(mt) {
				add(mapGet(cn, mt), mapKey(cn, mt), m)
			}
		}
	}
	sort.Slice(ins, func(i, j int) bool { return ins[i].line > ins[j].line })
	lines := strings.Split(string(raw), "\n")
	for _, in := range ins {
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(in.value); err != nil {
			t.Fatal(err)
		}
		pad := strings.Repeat(" ", in.col+1)
		block := []string{pad + "example:"}
		for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			block = append(block, pad+"  "+l)
		}
		lines = append(lines[:in.line], append(block, lines[in.line:]...)...)
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d examples into %s", len(ins), file)
}

func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// makeExample builds a value the schema accepts: its own example, const or
// first enum value when it has one, else one made from its type, format and
// pattern. name is the property's name (for a plausible string).
func makeExample(s *openapi3.Schema, name string, depth int) any {
	if s == nil || depth > 12 {
		return nil
	}
	switch {
	case s.Example != nil:
		return s.Example
	case len(s.Examples) > 0:
		return s.Examples[0]
	case s.Const != nil:
		return s.Const
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		var last any
		for _, a := range s.AllOf {
			v := makeExample(a.Value, name, depth+1)
			if m, ok := v.(map[string]any); ok {
				for k, x := range m {
					merged[k] = x
				}
				last = merged
			} else if v != nil {
				last = v
			}
		}
		if m, ok := last.(map[string]any); ok && s.Properties != nil {
			for k, p := range s.Properties {
				if _, ok := m[k]; !ok {
					m[k] = makeExample(p.Value, k, depth+1)
				}
			}
		}
		return last
	}
	if len(s.OneOf) > 0 {
		return makeExample(s.OneOf[0].Value, name, depth+1)
	}
	if len(s.AnyOf) > 0 {
		return makeExample(s.AnyOf[0].Value, name, depth+1)
	}
	typ := ""
	if s.Type != nil {
		for _, tt := range s.Type.Slice() {
			if tt != "null" {
				typ = tt
				break
			}
		}
	}
	if typ == "" && s.Properties != nil {
		typ = "object"
	}
	switch typ {
	case "object":
		m := map[string]any{}
		for k, p := range s.Properties {
			if p.Value != nil && p.Value.Type != nil && p.Value.Type.Includes("null") && strings.Contains(k, "cursor") {
				m[k] = nil // the last page
				continue
			}
			m[k] = makeExample(p.Value, k, depth+1)
		}
		if len(s.Properties) == 0 && s.AdditionalProperties.Schema != nil {
			m["order_id"] = makeExample(s.AdditionalProperties.Schema.Value, "order_id", depth+1)
		}
		return m
	case "array":
		n := 1
		if s.MinItems > 1 {
			n = int(s.MinItems)
		}
		out := []any{}
		if s.Items != nil {
			for i := 0; i < n; i++ {
				out = append(out, makeExample(s.Items.Value, name, depth+1))
			}
		}
		return out
	case "integer", "number":
		v := 1.0
		if s.Min != nil && *s.Min > v {
			v = *s.Min
		}
		if s.Max != nil && *s.Max < v {
			v = *s.Max
		}
		if typ == "integer" {
			return int(v)
		}
		return v
	case "boolean":
		return false
	case "string":
		return exampleString(s, name)
	}
	return nil
}

func exampleString(s *openapi3.Schema, name string) string {
	switch s.Format {
	case "date-time":
		return "2026-12-07T08:30:00Z"
	case "date":
		return "2026-12-07"
	case "uri", "url":
		return "https://merchant.example/" + strings.ReplaceAll(name, "_", "-")
	case "email":
		return "ops@merchant.example"
	case "uuid":
		return "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
	case "byte":
		return "c3RhYmxlZ2F0ZQ=="
	}
	if s.Pattern != "" {
		if v, ok := fromPattern(s.Pattern); ok {
			return v
		}
	}
	switch {
	case strings.HasSuffix(name, "_at"):
		return "2026-12-07T08:30:00Z"
	case name == "message":
		return "a field is missing or invalid"
	case name == "request_id":
		return "Yx2kq8aHoAMEb3Q="
	case strings.Contains(name, "address"):
		return "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	case strings.Contains(name, "hash"):
		return "0x9f2c4e1a7b3d5f6081a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"
	case strings.HasSuffix(name, "wallet_id"):
		return "wal_01JEX5Q3B2M8C4V6N7R9T0W1YZ"
	case strings.HasSuffix(name, "_id") && len(name) > 5:
		return name[:3] + "_01JEX5Q3B2M8C4V6N7R9T0W1YZ"
	case strings.Contains(name, "cursor"):
		return "eyJrIjoid2FsXzAxSkVYNVEzIn0"
	case name == "requested_by" || name == "approver" || name == "actor" || strings.HasSuffix(name, "_by"):
		return "user_ops_7f3a"
	case name == "label" || name == "name":
		return "Main store"
	case name == "note" || name == "comment" || name == "memo" || name == "reason":
		return "checked with the customer by phone"
	case name == "currency":
		return "EUR"
	case name == "country":
		return "DE"
	}
	v := strings.ReplaceAll(name, "_", "-")
	if v == "" {
		v = "text"
	}
	for uint64(len(v)) < s.MinLength {
		v += "x"
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// fromPattern makes a string the regular expression matches: literals as
// they are, each class's members in turn (so an id does not read 000...),
// the least repetition that is not empty.
func fromPattern(p string) (string, bool) {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	k := 0
	var gen func(r *syntax.Regexp)
	gen = func(r *syntax.Regexp) {
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			var members []rune
			for i := 0; i+1 < len(r.Rune) && len(members) < 64; i += 2 {
				for c := r.Rune[i]; c <= r.Rune[i+1] && len(members) < 64; c++ {
					members = append(members, c)
				}
			}
			if len(members) > 0 {
				b.WriteRune(members[(k*7+3)%len(members)])
				k++
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('a')
		case syntax.OpCapture:
			gen(r.Sub[0])
		case syntax.OpConcat:
			for _, s := range r.Sub {
				gen(s)
			}
		case syntax.OpAlternate:
			gen(r.Sub[0])
		case syntax.OpPlus:
			gen(r.Sub[0])
		case syntax.OpRepeat:
			n := r.Min
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				gen(r.Sub[0])
			}
		case syntax.OpStar, syntax.OpQuest:
		}
	}
	gen(re)
	return b.String(), true
}
