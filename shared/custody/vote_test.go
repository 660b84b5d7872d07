package custody

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The tenant's approval webhook votes on a payout waiting for approvals:
// its signed request carries the payout, its answer is recorded as the
// webhook approver's decision and settles the wait when it can.
func TestWebhookVoteOverTheTwin(t *testing.T) {
	secret := []byte("a webhook secret of 16+ bytes")
	cases := []struct {
		name     string
		answer   string
		status   int
		want     sg.TransferState
		approved int
		wantErr  bool
	}{
		{"an approval settles a wait for one", `{"decision":"approve","comment":"fine"}`, 200, sg.StateApproved, 1, false},
		{"a refusal rejects", `{"decision":"reject"}`, 200, sg.StateRejected, 1, false},
		{"no decision is no vote", `{"decision":"maybe"}`, 200, sg.StateAwaitingApproval, 0, true},
		{"an error status is no vote", `{"decision":"approve"}`, 500, sg.StateAwaitingApproval, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			var got WebhookRequest
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
					t.Errorf("webhook body: %v", err)
				}
				if r.Header.Get("Stablegate-Signature") == "" {
					t.Error("the request is not signed")
				}
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.answer))
			}))
			defer srv.Close()
			f := newFixture(t)
			f.svc.AllowLoopbackWebhooks = true
			if _, err := f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Webhook: &sg.ApprovalWebhook{URL: srv.URL + "/hook"},
				Rules: []sg.Rule{{Name: "all", Kind: sg.RuleAmountOver, Amount: 0, Approvals: 1}}}, 0, secret); err != nil {
				t.Fatal(err)
			}
			w := f.wallet(t, 100)
			tr := f.withdraw(t, w, ethAddress(), 10)
			v := &Voter{Svc: f.svc, Sealer: prefixSealer{}, AllowLoopback: true, HTTP: &http.Client{Timeout: 5 * time.Second}}
			err := v.Vote(bg, tr)
			if (err != nil) != c.wantErr {
				t.Fatalf("Vote = %v; want error %v", err, c.wantErr)
			}
			if calls.Load() != 1 || got.TransferID != tr.ID || got.Amount != "0.000010" || got.RequiredApprovals != 1 || got.Type != "withdrawal.awaiting_approval" {
				t.Fatalf("%d calls, request %+v", calls.Load(), got)
			}
			now, _ := f.st.Transfer(bg, tenant, tr.ID)
			if now.State != c.want || len(now.Approvals) != c.approved {
				t.Fatalf("%s with %d approvals; want %s with %d", now.State, len(now.Approvals), c.want, c.approved)
			}
			if c.approved == 1 && now.Approvals[0].Approver != sg.WebhookApprover {
				t.Fatalf("approver %q; want the webhook", now.Approvals[0].Approver)
			}
		})
	}
	t.Run("a tenant without a webhook is not called", func(t *testing.T) {
		f := newFixture(t)
		w := f.wallet(t, 100)
		f.setPolicy(t, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Rules: []sg.Rule{{Name: "all", Kind: sg.RuleAmountOver, Amount: 0, Approvals: 1}}})
		tr := f.withdraw(t, w, ethAddress(), 10)
		if err := (&Voter{Svc: f.svc, Sealer: prefixSealer{}}).Vote(bg, tr); err != nil {
			t.Fatal(err)
		}
	})
}
