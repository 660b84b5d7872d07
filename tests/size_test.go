package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ---- size: the edges cut so that every function stays under 15 MB (issue 18) ----
//
// Go's linker drops every method no code can reach, unless a reachable
// function calls reflect's Method or MethodByName with a name it cannot see:
// then it keeps every exported method of every type that goes into an
// interface. One such call (validator's validateFn rule, html/template's
// method calls) cost each function 4-7 MB: every DynamoDB, KMS and SQS
// operation, every handler. These tests read sources and `go list`, so they
// build nothing.

// lambdaTags are the build tags of the Makefile's LAMBDA_FLAGS, the ones
// `sam build` builds every function with.
func lambdaTags(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^LAMBDA_FLAGS :=.*-tags ([^ ]+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("Makefile: no LAMBDA_FLAGS line with -tags")
	}
	return string(m[1])
}

// The deployed build drops validator's validateFn rule (the tag
// validator_novalidatefn), and no request struct uses the rule (with the
// tag it would panic).
func TestLambdaBuildDropsValidatorMethodCalls(t *testing.T) {
	tags := strings.Split(lambdaTags(t), ",")
	for _, want := range []string{"lambda.norpc", "validator_novalidatefn"} {
		if !contains(tags, want) {
			t.Errorf("Makefile LAMBDA_FLAGS: tag %s missing (have %v)", want, tags)
		}
	}
	rule := regexp.MustCompile(`validate:"[^"]*\bvalidateFn\b`)
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != ".." || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rule.Match(b) {
			t.Errorf("%s uses validator's validateFn rule, which the Lambda build (validator_novalidatefn) turns into a panic", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// No function links a package that calls methods by name: not
// html/template (the receipt page is written out, see
// acquiring.RenderReceiptHTML), nor text/template but through
// go-ethereum's code generator, and no other package whose compiled files
// import reflect and call Method or MethodByName but the ones listed in
// methodCallsUnreached (go list sees packages, the linker functions: these
// are read with go build -ldflags=-dumpdep).
func TestFunctionsLinkNoMethodCallsByName(t *testing.T) {
	tags := lambdaTags(t)
	env := append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	cmd := exec.Command("go", "list", "-tags", tags, "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./functions/...")
	cmd.Dir, cmd.Env = "..", env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	fns := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		fns++
		for _, d := range f[1:] {
			if d == "html/template" || d == "text/template" && !contains(f[1:], "github.com/ethereum/go-ethereum/accounts/abi/abigen") {
				t.Errorf("%s links %s: find the import that brings it (go list -deps) and write the page out instead", f[0], d)
			}
		}
	}
	if fns < 100 {
		t.Fatalf("go list saw %d functions", fns)
	}

	cmd = exec.Command("go", "list", "-tags", tags, "-deps", "-f", `{{if not .Standard}}{{.ImportPath}}|{{.Dir}}|{{join .GoFiles ","}}{{end}}`, "./functions/...")
	cmd.Dir, cmd.Env = "..", env
	if out, err = cmd.Output(); err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	byName := regexp.MustCompile(`\.(MethodByName|Method)\(`)
	pkgs := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		f := strings.SplitN(line, "|", 3)
		pkgs++
		for _, name := range strings.Split(f[2], ",") {
			b, err := os.ReadFile(filepath.Join(f[1], name))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), `"reflect"`) && byName.Match(b) && !methodCallsUnreached[f[0]+"/"+name] {
				t.Errorf("%s (%s) calls reflect's Method or MethodByName: every function linking it keeps every exported method", f[0], name)
			}
		}
	}
	if pkgs < 50 {
		t.Fatalf("go list -deps saw %d packages", pkgs)
	}
}

// methodCallsUnreached are files that call reflect's Method but whose
// calls no function reaches (checked with go build -ldflags=-dumpdep on
// deposits-watch, the function linking most of go-ethereum).
var methodCallsUnreached = map[string]bool{
	// The RPC server's service registration; functions are its clients.
	"github.com/ethereum/go-ethereum/rpc/service.go": true,
}

// A builder is a function, never a package variable made by a call at
// init: `var X = route("x", func(h H) httpapi.Handler { return h.X })` runs
// at every start of every function linking the package and keeps every
// route's handler (and all it calls) in each of them.
func TestBuildersAreFunctionsNotInitTimeClosures(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join("..", "shared", "fn"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range file.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, v := range vs.Values {
					call, ok := v.(*ast.CallExpr)
					if !ok {
						continue
					}
					for _, a := range call.Args {
						if _, ok := a.(*ast.FuncLit); ok {
							t.Errorf("%s: var %s is built by a call with a closure at init: make it a func (issue 18)", fset.Position(vs.Pos()), vs.Names[i])
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Only the course functions link the course banks and their YAML parser:
// the course handlers live in shared/api/courseapi, not in package api,
// which every other route links.
func TestOnlyCourseFunctionsLinkTheCourseBanks(t *testing.T) {
	courseFns := map[string]bool{"certificates-get": true, "courses-attempt": true, "courses-progress": true}
	linking := 0
	for name, deps := range functionDeps(t) {
		for _, heavy := range []string{module + "/shared/courses", "gopkg.in/yaml.v3"} {
			if contains(deps, heavy) {
				if !courseFns[name] {
					t.Errorf("function %s links %s: find the import that brings it (go list -deps) and split it off", name, heavy)
				} else if heavy == "gopkg.in/yaml.v3" {
					linking++
				}
			}
		}
	}
	if linking != len(courseFns) {
		t.Errorf("%d course functions link the banks' YAML parser, want %d: update courseFns", linking, len(courseFns))
	}
}

// ---- init: work a cold start need not do (issue 18) ----

// No package under shared/ builds a validator or parses a contract ABI in
// a package variable's initialiser: each runs at every cold start of every
// function linking the package, whether or not the invocation needs it
// (httpapi builds its validator at first use, multisend its ABI). A call
// of a function literal at init counts as its body; a named helper the
// initialiser calls is not followed (so this catches the common shape,
// not every one).
func TestNoValidatorOrABIBuiltAtPackageInit(t *testing.T) {
	costly := func(call *ast.CallExpr) string {
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return ""
		}
		x, _ := sel.X.(*ast.Ident)
		switch {
		case sel.Sel.Name == "GetAbi":
			return "parses an ABI (GetAbi)"
		case x != nil && x.Name == "abi" && sel.Sel.Name == "JSON":
			return "parses an ABI (abi.JSON)"
		case x != nil && x.Name == "validator" && sel.Sel.Name == "New":
			return "builds a validator (validator.New)"
		}
		return ""
	}
	fset := token.NewFileSet()
	seen := 0
	err := filepath.WalkDir(filepath.Join("..", "shared"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		seen++
		for _, decl := range file.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					// Literals called where they stand run at init; others
					// (sync.OnceValue's) run at first use.
					invoked := map[*ast.FuncLit]bool{}
					ast.Inspect(v, func(n ast.Node) bool {
						if call, ok := n.(*ast.CallExpr); ok {
							if lit, ok := call.Fun.(*ast.FuncLit); ok {
								invoked[lit] = true
							}
						}
						return true
					})
					ast.Inspect(v, func(n ast.Node) bool {
						if lit, ok := n.(*ast.FuncLit); ok && !invoked[lit] {
							return false
						}
						if call, ok := n.(*ast.CallExpr); ok {
							if what := costly(call); what != "" {
								t.Errorf("%s: a package variable %s at init: make it lazy (sync.OnceValue)", fset.Position(call.Pos()), what)
							}
						}
						return true
					})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Fatalf("read %d files under shared/", seen)
	}
}
