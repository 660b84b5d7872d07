package tests

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The "Accept payments" guide's curl sample runs green against the local
// stack: it locks a EUR rate, prices an invoice with it, reads the payment
// link and the public checkout view, meets a named refusal and cancels.
func TestAcceptPaymentsSampleRunsAgainstTheStack(t *testing.T) {
	e := stack(t)
	cmd := exec.Command("bash", "../portal/samples/accept-payments.sh")
	cmd.Env = append(os.Environ(), "API="+e.api, "TOKEN="+e.token(t, tenant(), "invoices:read", "invoices:write"))
	cmd.WaitDelay = time.Minute
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("accept-payments sample: %v\n%s", err, out)
	}
	for _, w := range []string{"locked EUR at ", "created inv_", "send the payer to ", "/checkout/?t=", "pay with ethereum:",
		`"status":"open"`, `"code":"`, "cancelled inv_"} {
		if !strings.Contains(string(out), w) {
			t.Fatalf("the sample printed no %q:\n%s", w, out)
		}
	}
}
