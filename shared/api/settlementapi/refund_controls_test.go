package settlementapi

// Attacks on the controls of refunds (audit, session 12; the matrix is in
// shared/ledger/paths_controls_test.go). The screening rig here is
// exported to the external test package (settlement_controls_test.go).

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Listed on the copied OFAC list (infra/ofac).
const (
	SanctionedTRX = "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"
	sanctionedETH = "0x01e2919679362dFBC9ee1644Ba9C6da6D6245BB1"
)

// CaseLog records the cases screening opens.
type CaseLog struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (c *CaseLog) OpenCase(_ context.Context, r sg.CaseRequest) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = map[string]bool{}
	}
	c.keys[r.Key] = true
	return "cs_" + r.Subject, nil
}

func (c *CaseLog) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.keys)
}

// SignLog is a chain that records what it signs and confirms at once.
type SignLog struct {
	mu     sync.Mutex
	Signed []string
}

func (s *SignLog) Sign(_ context.Context, t sg.Transfer) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Signed = append(s.Signed, t.ToAddress)
	return "0xtx-" + t.ID, nil
}
func (s *SignLog) Broadcast(context.Context, sg.Transfer) error { return nil }
func (s *SignLog) Receipt(_ context.Context, t sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{TxHash: t.TxHash, Confirmed: true}, nil
}

// Screened puts sanctions screening in front of w's policy and around its
// signers, as compliancefn wires every function that moves money, with
// the OFAC list of infra/ofac loaded.
func Screened(t *testing.T, w *ledger.Withdrawals, now func() time.Time) (*CaseLog, *SignLog) {
	t.Helper()
	cases, sign := &CaseLog{}, &SignLog{}
	scr := &compliance.Screening{Store: memstore.NewSanctions(), Cases: cases, Now: now}
	if _, _, err := scr.Refresh(context.Background(), compliance.FileFetcher{Dir: filepath.Join("..", "..", "..", "infra", "ofac"), Date: now()}); err != nil {
		t.Fatal(err)
	}
	policies := []compliance.Policy{compliance.ScreeningPolicy{Screening: scr}}
	if w.Policy != nil {
		policies = append(policies, w.Policy)
	} else {
		policies = append(policies, ledger.AllowAll{})
	}
	w.Policy = compliance.Chain(policies...)
	for c := range w.Payouts {
		w.Payouts[c] = compliance.ScreenedPayout{Payout: sign, Screening: scr}
	}
	return cases, sign
}

// An Idempotency-Key is one request. Used again for a refund of another
// invoice, or of the same invoice with another amount, it is refused
// (idempotency_key_reused) and reserves nothing: the other invoice can
// still be refunded in full. A body with an unknown field is refused and
// reserves nothing either. (Before the audit the reuse on another invoice
// answered 409 but kept its reservation: that invoice's refundable amount
// shrank for good.)
func TestRefundKeyReusedElsewhereReservesNothing(t *testing.T) {
	r := newRefundRig(t)
	r.configure()
	a, b := r.pay(10_000_000), r.pay(10_000_000)
	status, first := r.call("refunds", a.ID, "k", `{"amount":"1.000000"}`)
	if status != 201 {
		t.Fatalf("the first refund: %d %v", status, first)
	}
	held := r.available(r.stlW)
	for _, c := range []struct{ name, invoice, body, code string }{
		{"the key again on another invoice", b.ID, `{"amount":"9.000000"}`, "idempotency_key_reused"},
		{"the key again with another amount", a.ID, `{"amount":"2.000000"}`, "idempotency_key_reused"},
		{"an unknown field", b.ID, `{"amount":"9.000000","tip":"1"}`, "unknown_field"},
	} {
		key := "k"
		if c.code == "unknown_field" {
			key = "u"
		}
		if status, out := r.call("refunds", c.invoice, key, c.body); status/100 != 4 || errCode(out) != c.code {
			t.Fatalf("%s: %d %v; want %s", c.name, status, out, c.code)
		}
	}
	if got, gotB := r.refunded(a), r.refunded(b); got != 1_000_000 || gotB != 0 {
		t.Fatalf("refunded a %s, b %s; want 1 and 0 (refused requests reserve nothing)", got, gotB)
	}
	if got := r.available(r.stlW); got != held {
		t.Fatalf("the settlement wallet holds %s, was %s: a refused request moved money", got, held)
	}
	if status, out := r.call("refunds", b.ID, "k2", `{"amount":"10.000000"}`); status != 201 {
		t.Fatalf("a full refund of the other invoice: %d %v", status, out)
	}
	if status, again := r.call("refunds", a.ID, "k", `{"amount":"1.000000"}`); status != 201 || again["id"] != first["id"] {
		t.Fatalf("the first refund's retry: %d %v; want its first answer", status, again)
	}
}

// A refund is a payout of the pipeline: to a sanctioned address it is
// rejected by name before anything is signed, a case is opened, and its
// hold goes back to the settlement wallet.
func TestRefundToASanctionedAddressIsRejectedBeforeSigning(t *testing.T) {
	r := newRefundRig(t)
	cases, sign := Screened(t, r.w, func() time.Time { return r.now })
	r.configure()
	inv := r.pay(10_000_000)
	before := r.available(r.stlW)
	status, out := r.call("refunds", inv.ID, "r1", `{"amount":"4.000000","to_address":"`+sanctionedETH+`"}`)
	if status != 201 {
		t.Fatalf("the refund: %d %v", status, out)
	}
	got, _, err := r.w.Advance(bg, rigTenant, out["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if got, err = r.led.Transfer(bg, rigTenant, got.ID); err != nil {
		t.Fatal(err)
	}
	if got.State != sg.StateRejected || got.TxHash != "" || !strings.Contains(LastNote(got), sg.ErrDestinationSanctioned.Code) {
		t.Fatalf("the refund's payout: %s (tx %q) %q; want rejected, %s", got.State, got.TxHash, LastNote(got), sg.ErrDestinationSanctioned.Code)
	}
	if len(sign.Signed) != 0 || cases.Count() != 1 {
		t.Fatalf("signed %v, %d cases; want nothing signed and one case", sign.Signed, cases.Count())
	}
	if got := r.available(r.stlW); got != before {
		t.Fatalf("the settlement wallet holds %s, want %s (the hold voided)", got, before)
	}
}

// LastNote is the note of t's last event.
func LastNote(t sg.Transfer) string { return t.Events[len(t.Events)-1].Note }

// A refund over the tenant's approval threshold waits for its approvers
// like any payout: nothing is signed before they decide.
func TestRefundWaitsForApprovals(t *testing.T) {
	r := newRefundRig(t)
	_, sign := Screened(t, r.w, func() time.Time { return r.now })
	pol := sg.Policy{ApprovalTTL: 24 * time.Hour, Rules: []sg.Rule{{Name: "large", Kind: sg.RuleAmountOver, Amount: 3_000_000, Approvals: 2}}}
	if err := r.led.PutPolicy(bg, rigTenant, pol, sg.JournalEntry{At: r.now, Actor: "ops", Action: "policy.put"}); err != nil {
		t.Fatal(err)
	}
	r.w.Policy = compliance.Chain(custody.Rules{Store: r.led, Now: func() time.Time { return r.now }}, r.w.Policy)
	r.configure()
	inv := r.pay(10_000_000)
	status, out := r.call("refunds", inv.ID, "r1", `{"amount":"4.000000"}`)
	if status != 201 {
		t.Fatalf("the refund: %d %v", status, out)
	}
	got, _, err := r.w.Advance(bg, rigTenant, out["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if got.State != sg.StateAwaitingApproval || got.RequiredApprovals != 2 || len(sign.Signed) != 0 {
		t.Fatalf("the refund's payout %s, %d approvals required, signed %v; want awaiting 2 approvals, nothing signed", got.State, got.RequiredApprovals, sign.Signed)
	}
}
