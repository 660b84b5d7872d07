package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

const root = ".."

func loadTemplate(t *testing.T) *devstack.Template {
	t.Helper()
	tpl, err := devstack.LoadTemplate(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile(filepath.Join(root, "infra", "openapi.yaml"))
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("spec is not valid OpenAPI: %v", err)
	}
	return doc
}

// Every folder under functions/ has a template resource, a Makefile build
// target that builds that folder, and a builder in the registry the local
// gateway uses; and nothing exists in one place only.
func TestFunctionsTemplateMakefileAgree(t *testing.T) {
	tpl := loadTemplate(t)
	dirs, _ := filepath.Glob(filepath.Join(root, "functions", "*", "main.go"))
	if len(dirs) == 0 {
		t.Fatal("no functions found")
	}
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	fromTemplate := map[string]bool{}
	for _, f := range tpl.Functions() {
		fromTemplate[f.Name] = true
		r := tpl.Resources[f.LogicalID]
		if r.BuildMethod() != "makefile" {
			t.Errorf("%s: Metadata.BuildMethod must be makefile", f.LogicalID)
		}
	}
	seen := map[string]bool{}
	for _, m := range dirs {
		name := filepath.Base(filepath.Dir(m))
		seen[name] = true
		id := devstack.LogicalID(name)
		if !fromTemplate[name] {
			t.Errorf("functions/%s has no %s resource in template.yaml", name, id)
		}
		target := regexp.MustCompile(`(?m)^build-` + id + `:\s*\n\t\$\(call lambda_build,` + regexp.QuoteMeta(name) + `\)`)
		if !target.Match(mk) {
			t.Errorf("Makefile has no build-%s target building functions/%s", id, name)
		}
		_, api := devstack.Functions[name]
		_, consumer := devstack.Consumers[name]
		_, ws := devstack.WebSocketFunctions[name]
		_, stream := devstack.StreamConsumers[name]
		_, job := devstack.ScheduledJobs[name]
		if !api && !consumer && !ws && !stream && !job {
			t.Errorf("functions/%s is in none of the devstack builder maps", name)
		}
		main, _ := os.ReadFile(m)
		if n := strings.Count(string(main), "\n"); n > 30 {
			t.Errorf("functions/%s/main.go has %d lines; mains stay thin", name, n)
		}
	}
	for name := range fromTemplate {
		if !seen[name] {
			t.Errorf("template function %s has no functions/%s folder", devstack.LogicalID(name), name)
		}
	}
	for name := range devstack.Functions {
		if !seen[name] {
			t.Errorf("devstack.Functions has %s but functions/%s does not exist", name, name)
		}
	}
	for _, m := range []map[string]bool{keys(devstack.Consumers), keys(devstack.WebSocketFunctions), keys(devstack.StreamConsumers), keys(devstack.ScheduledJobs)} {
		for name := range m {
			if !seen[name] {
				t.Errorf("a devstack builder map has %s but functions/%s does not exist", name, name)
			}
		}
	}
}

// Routes in the template and operations in the spec are the same set, with
// the same function and the same scopes.
func TestTemplateRoutesMatchSpec(t *testing.T) {
	tpl := loadTemplate(t)
	doc := loadSpec(t)
	type op struct{ fn, scopes string }
	fromSpec := map[string]op{}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			var scopes []string
			if o.Security != nil {
				for _, req := range *o.Security {
					scopes = append(scopes, req["bearerAuth"]...)
				}
			}
			sort.Strings(scopes)
			f, _ := o.Extensions["x-function"].(string)
			fromSpec[method+" "+path] = op{f, strings.Join(scopes, " ")}
		}
	}
	fromTpl := map[string]op{}
	for _, f := range tpl.Functions() {
		for _, r := range f.Routes {
			s := append([]string(nil), r.Scopes...)
			sort.Strings(s)
			fromTpl[r.Key()] = op{f.Name, strings.Join(s, " ")}
		}
	}
	if len(fromTpl) == 0 {
		t.Fatal("template declares no routes")
	}
	for k, v := range fromTpl {
		s, ok := fromSpec[k]
		if !ok {
			t.Errorf("route %s (%s) is in template.yaml but not in infra/openapi.yaml", k, v.fn)
			continue
		}
		if s != v {
			t.Errorf("route %s: template says function %q scopes %q; spec says %q %q", k, v.fn, v.scopes, s.fn, s.scopes)
		}
	}
	for k := range fromSpec {
		if _, ok := fromTpl[k]; !ok {
			t.Errorf("operation %s is in infra/openapi.yaml but no function serves it in template.yaml", k)
		}
	}
}

// Each function's IAM statements name actions and resources exactly: no
// wildcards.
func TestFunctionPoliciesAreNarrow(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl := loadTemplate(t)
	for _, f := range tpl.Functions() {
		acts := devstack.PolicyActions(tpl.Resources[f.LogicalID])
		if len(acts) == 0 {
			t.Errorf("%s has no IAM statements", f.LogicalID)
		}
		for _, a := range acts {
			if strings.Contains(a, "*") {
				t.Errorf("%s grants wildcard action %s", f.LogicalID, a)
			}
		}
	}
	if regexp.MustCompile(`(?m)Policies:\s*\n\s*- \w+Policy`).Match(raw) {
		t.Error("SAM policy templates grant broad actions; use explicit statements")
	}
}

// The domain package imports no AWS and no chain code.
func TestDomainImportsNoAdapters(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./shared/stablegate")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "aws") || strings.Contains(dep, "ethereum") || strings.Contains(dep, "tron") || strings.Contains(dep, "lambda") {
			t.Errorf("shared/stablegate depends on %s", dep)
		}
	}
}

func keys[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// The offline signer links no AWS and no network code.
func TestColdsignLinksNoAWSOrNetwork(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../cmd/coldsign").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "aws") || dep == "net/http" || dep == "net" {
			t.Errorf("cmd/coldsign depends on %s", dep)
		}
	}
}
