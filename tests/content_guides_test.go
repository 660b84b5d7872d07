package tests

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The authentication guide names every scope an operation of the spec
// asks for, so a developer choosing a token's scopes finds each of them
// (cold payouts and API clients included).
func TestAuthGuideNamesEveryScope(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "infra", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `yaml:"security"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	scopes := map[string]bool{}
	for _, ops := range spec.Paths {
		for _, op := range ops {
			for _, req := range op.Security {
				for _, ss := range req {
					for _, s := range ss {
						scopes[s] = true
					}
				}
			}
		}
	}
	guide, err := os.ReadFile(filepath.Join("..", "portal", "content", "guides", "authentication.md"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for s := range scopes {
		if !strings.Contains(string(guide), "`"+s+"`") {
			missing = append(missing, s)
		}
	}
	sort.Strings(missing)
	if len(scopes) < 10 || len(missing) > 0 {
		t.Fatalf("the authentication guide names %d of the spec's %d scopes; missing %v", len(scopes)-len(missing), len(scopes), missing)
	}
}
