package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// `make -s token` (sgdev token with no --scopes) mints a token with every
// scope template.yaml's routes declare, platform:admin among them, as the
// README says.
func TestFinding14_DevTokenScopes(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	state := t.TempDir()
	keyPath := filepath.Join(state, "jwt-dev-key.pem")
	env := "export STABLEGATE_ISSUER=\"http://127.0.0.1:1/dev-issuer\"\nexport STABLEGATE_AUDIENCE=\"stablegate-local\"\nexport STABLEGATE_DEV_KEY=\"" + keyPath + "\"\n"
	if err := os.WriteFile(filepath.Join(state, "stack.env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	err = token([]string{"--state", state})
	os.Stdout = stdout
	if cerr := w.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	out, _ := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.TrimSpace(string(out)), ".")
	if len(parts) != 3 {
		t.Fatalf("sgdev token printed %q", out)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Tenant string `json:"tenant"`
		Scope  string `json:"scope"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, s := range strings.Fields(claims.Scope) {
		have[s] = true
	}

	tpl, err := devstack.LoadTemplate("template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, f := range tpl.Functions() {
		for _, rt := range f.Routes {
			for _, s := range rt.Scopes {
				declared++
				if !have[s] {
					t.Errorf("the dev token lacks %s, which %s %s needs", s, rt.Method, rt.Path)
				}
			}
		}
	}
	if declared == 0 || !have["platform:admin"] || claims.Tenant != "acme" {
		t.Fatalf("template scopes %d; token tenant %q scopes %q", declared, claims.Tenant, claims.Scope)
	}
}
