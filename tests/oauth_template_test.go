package tests

import (
	"testing"

	"github.com/stablegate/stablegate/internal/dev/devstack"
)

// ---- oauth: rate limits ----

// Every function that serves an HTTP route takes from its caller's token
// bucket (httpapi.Wrap), so its role must hold RateLimitPolicy: a function
// added without it would fail open (serve unlimited, logging a warning).
func TestRateLimitPolicyCoversEveryHTTPFunction(t *testing.T) {
	tpl := loadTemplate(t)
	pol, ok := tpl.Resources["RateLimitPolicy"]
	if !ok {
		t.Fatal("template.yaml has no RateLimitPolicy")
	}
	roles := map[string]bool{}
	if rs := pol.Prop("Roles"); rs != nil {
		for _, r := range rs.Content {
			roles[devstack.Short(r)] = true
		}
	}
	for _, f := range tpl.Functions() {
		if len(f.Routes) > 0 && !roles["!Ref "+f.LogicalID+"Role"] {
			t.Errorf("%s serves HTTP routes but RateLimitPolicy's Roles do not list %sRole", f.LogicalID, f.LogicalID)
		}
	}
}
