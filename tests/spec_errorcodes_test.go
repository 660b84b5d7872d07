package tests

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// ---- ref: each operation lists the error codes it can answer (x-error-codes)

// -fill-error-codes writes x-error-codes into every operation that has none,
// from what the operation's shape implies and the codes its text names.
var fillErrorCodes = flag.Bool("fill-error-codes", false, "write x-error-codes into every operation of infra/openapi.yaml that has none")

// errorCodeEnum is the ErrorCode enum of the spec.
func errorCodeEnum(spec *openapi3.T) map[string]bool {
	out := map[string]bool{}
	if s := spec.Components.Schemas["ErrorCode"]; s != nil && s.Value != nil {
		for _, v := range s.Value.Enum {
			out[fmt.Sprint(v)] = true
		}
	}
	return out
}

// opErrorCodes is an operation's x-error-codes (nil when it has none).
func opErrorCodes(op *openapi3.Operation) []string {
	raw, ok := op.Extensions["x-error-codes"]
	if !ok {
		return nil
	}
	list, _ := raw.([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

var backticked = regexp.MustCompile("`([a-z][a-z0-9_]+)`")

// impliedErrorCodes is what an operation's shape says it can answer: its
// documented statuses, its body, its Idempotency-Key and cursor, and every
// code its own text or examples name.
func impliedErrorCodes(op *openapi3.Operation, params openapi3.Parameters, enum map[string]bool) []string {
	set := map[string]bool{}
	add := func(cs ...string) {
		for _, c := range cs {
			if enum[c] {
				set[c] = true
			}
		}
	}
	text := op.Summary + "\n" + op.Description
	has := func(code string) bool { return op.Responses.Value(code) != nil }
	if has("400") {
		add("validation_failed")
	}
	if has("401") {
		add("unauthenticated")
	}
	if has("403") {
		add("forbidden", "ip_not_allowed")
	}
	if has("404") {
		add("not_found")
	}
	if has("413") {
		add("body_too_large")
	}
	if has("415") {
		add("unsupported_media_type")
	}
	if has("429") {
		add("rate_limited")
	}
	if has("500") {
		add("internal_error")
	}
	if has("503") {
		add("service_unavailable")
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		text += "\n" + op.RequestBody.Value.Description
		for mt := range op.RequestBody.Value.Content {
			if isJSONMedia(mt) {
				add("invalid_json", "unknown_field", "duplicate_field", "validation_failed")
			}
		}
	}
	for _, p := range params {
		if p.Value == nil {
			continue
		}
		text += "\n" + p.Value.Description
		switch p.Value.Name {
		case "Idempotency-Key":
			add("idempotency_key_missing", "idempotency_key_invalid", "idempotency_key_reused", "idempotency_in_progress")
		case "cursor":
			add("invalid_cursor")
		}
	}
	for _, rr := range op.Responses.Map() {
		if rr.Ref != "" || rr.Value == nil {
			continue // a shared response: its codes are implied by its status above
		}
		if rr.Value.Description != nil {
			text += "\n" + *rr.Value.Description
		}
		for _, m := range rr.Value.Content {
			for _, ex := range mediaExamples(m) {
				obj, _ := ex.(map[string]any)
				if e, ok := obj["error"].(map[string]any); ok {
					add(fmt.Sprint(e["code"]))
				}
			}
		}
	}
	for _, m := range backticked.FindAllStringSubmatch(text, -1) {
		add(m[1])
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func opParams(item *openapi3.PathItem, op *openapi3.Operation) openapi3.Parameters {
	return append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)
}

// Every operation lists the error codes it can answer; every listed code is
// one of the ErrorCode enum, and the list holds every code the operation's
// shape and text imply (its body, its Idempotency-Key, its documented
// statuses, the codes its description and examples name). The stack tests
// (checkSpec) also fail when a route answers a code its list lacks.
func TestSpecEveryOperationListsItsErrorCodes(t *testing.T) {
	spec := loadSpec(t)
	if *fillErrorCodes {
		fillSpecErrorCodes(t, spec)
		spec = loadSpec(t)
	}
	enum := errorCodeEnum(spec)
	if len(enum) < 50 {
		t.Fatalf("only %d codes in the ErrorCode enum", len(enum))
	}
	n := 0
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			where := fmt.Sprintf("%s %s", method, path)
			codes := opErrorCodes(op)
			if codes == nil {
				t.Errorf("%s: no x-error-codes", where)
				continue
			}
			listed := map[string]bool{}
			for _, c := range codes {
				if !enum[c] {
					t.Errorf("%s: x-error-codes names %q, which is not in the ErrorCode enum", where, c)
				}
				if listed[c] {
					t.Errorf("%s: x-error-codes names %q twice", where, c)
				}
				listed[c] = true
			}
			for _, c := range impliedErrorCodes(op, opParams(item, op), enum) {
				if !listed[c] {
					t.Errorf("%s: can answer %q (its shape or text says so), but x-error-codes does not list it", where, c)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d operations", n)
	}
}

// checkErrorCodeListed fails when a route answers an error code that its
// operation's x-error-codes does not list (called for every answer of the
// stack tests, so every error path they drive is a witness).
func checkErrorCodeListed(t testing.TB, op *openapi3.Operation, method, path string, status int, code string) {
	t.Helper()
	if status < 400 || code == "" || op == nil {
		return
	}
	codes := opErrorCodes(op)
	if codes == nil {
		return
	}
	for _, c := range codes {
		if c == code {
			return
		}
	}
	t.Errorf("%s %s answered %d %s, which the x-error-codes of %s in infra/openapi.yaml does not list", method, path, status, code, op.OperationID)
}

// errorResponseCode is the code of an ErrorResponse body ("" for any other
// body, API Gateway's own included).
func errorResponseCode(body []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e) // a body that is not an ErrorResponse has no code
	return e.Error.Code
}

func fillSpecErrorCodes(t *testing.T, spec *openapi3.T) {
	t.Helper()
	file, raw, doc := specNodes(t)
	enum := errorCodeEnum(spec)
	type insert struct {
		line, col int
		codes     []string
	}
	var ins []insert
	paths := mapGet(doc.Content[0], "paths")
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			if opErrorCodes(op) != nil {
				continue
			}
			key := mapKey(mapGet(mapGet(paths, path), strings.ToLower(method)), "operationId")
			if key == nil {
				t.Fatalf("%s %s: no operationId line", method, path)
			}
			ins = append(ins, insert{key.Line, key.Column, impliedErrorCodes(op, opParams(item, op), enum)})
		}
	}
	sort.Slice(ins, func(i, j int) bool { return ins[i].line > ins[j].line })
	lines := strings.Split(string(raw), "\n")
	for _, in := range ins {
		l := strings.Repeat(" ", in.col-1) + "x-error-codes: [" + strings.Join(in.codes, ", ") + "]"
		lines = append(lines[:in.line], append([]string{l}, lines[in.line:]...)...)
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote x-error-codes into %d operations", len(ins))
}
