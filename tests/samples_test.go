package tests

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The portal's samples are the files its pages include; each runs green
// against the local stack, so a page cannot show a sample that does not
// work. The quickstart's (curl and Go) go end to end as the page promises:
// a deposit on the local chain credited, then a payout posted.
func TestPortalSamplesRunAgainstTheStack(t *testing.T) {
	e := stack(t)
	tok := e.token(t, tenant())
	// The quickstart's deposit is sent on the stack's local chain, described
	// by its chain.json.
	env := append(os.Environ(), "API="+e.api, "TOKEN="+tok, "CHAIN_INFO="+os.Getenv("STABLEGATE_CHAIN_INFO"))
	for _, s := range []struct {
		name string
		cmd  []string
		want []string
	}{
		{"curl", []string{"bash", "../portal/samples/quickstart.sh"}, []string{"created wal_", "replayed the first answer", "refused: unknown_field", "deposit credited: 25.000000 USDT", "is posted"}},
		{"go", []string{"go", "run", "../portal/samples/go/quickstart"}, []string{"created wal_", "replayed the first answer", "costs at most", "refused: 400 unknown_field", "deposit credited: 25.000000 USDT", "is posted"}},
		{"seed backup", []string{"bash", "portal/samples/seed-backup.sh"}, []string{"made 4 shares", "bb54aac4b89dc868ba37d9cc21b2cece", "refused: coldsign: slip39: not enough groups"}},
	} {
		cmd := exec.Command(s.cmd[0], s.cmd[1:]...)
		cmd.Env = env
		if s.name == "seed backup" {
			cmd.Dir = ".." // it runs from the checkout, as the offline machine would
		}
		cmd.WaitDelay = time.Minute
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s sample: %v\n%s", s.name, err, out)
		}
		for _, w := range s.want {
			if !strings.Contains(string(out), w) {
				t.Fatalf("%s sample printed no %q:\n%s", s.name, w, out)
			}
		}
		if strings.Contains(string(out), tok) {
			t.Fatalf("%s sample printed the token", s.name)
		}
	}
}
