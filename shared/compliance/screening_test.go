package compliance_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/compliance"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

const (
	sanctionedETH = "0x19aa5fe80d33a56d56c78e82ea5e50e5d80b4dff" // USDT list, lower case
	sanctionedTRX = "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre"
	cleanETH      = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
	cleanTRX      = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"
)

// A payout's destination is refused by name when on the sanctions list or
// the tenant's blocklist, with a case naming the list version; a clear one
// passes and opens nothing; with no list loaded nothing is screened.
func TestScreenPayout(t *testing.T) {
	for _, c := range []struct {
		name      string
		load      bool
		block     []string // ethereum addresses the tenant blocks
		chain     sg.Chain
		to        string
		want      error
		lists     []string
		caseKind  string
		casesFail bool
	}{
		{name: "a clear Ethereum address passes", load: true, chain: sg.Ethereum, to: cleanETH},
		{name: "a clear Tron address passes", load: true, chain: sg.Tron, to: cleanTRX},
		{name: "a sanctioned Ethereum address, checksummed, is refused", load: true, chain: sg.Ethereum,
			to: "0x19Aa5Fe80D33a56D56c78e82eA5E50E5d80b4Dff", want: sg.ErrDestinationSanctioned, lists: []string{"ofac"}, caseKind: sg.CaseSanctionsHit},
		{name: "a sanctioned Tron address is refused", load: true, chain: sg.Tron, to: sanctionedTRX,
			want: sg.ErrDestinationSanctioned, lists: []string{"ofac"}, caseKind: sg.CaseSanctionsHit},
		{name: "a sanctioned Ethereum address on Tron is not that address", load: true, chain: sg.Tron, to: cleanTRX},
		{name: "a blocked address is refused as blocked", load: true, block: []string{cleanETH}, chain: sg.Ethereum, to: strings.ToLower(cleanETH),
			want: sg.ErrDestinationBlocked, lists: []string{sg.ListTenantBlocklist}, caseKind: compliance.CaseBlocklistHit},
		{name: "sanctioned and blocked is refused as sanctioned, both lists named", load: true, block: []string{sanctionedETH}, chain: sg.Ethereum,
			to: sanctionedETH, want: sg.ErrDestinationSanctioned, lists: []string{"ofac", sg.ListTenantBlocklist}, caseKind: sg.CaseSanctionsHit},
		{name: "with no list loaded nothing goes out unscreened", chain: sg.Ethereum, to: cleanETH, want: sg.ErrSanctionsListMissing},
		{name: "a hit whose case cannot be opened is a fault, not a pass", load: true, chain: sg.Ethereum, to: sanctionedETH,
			want: sg.ErrUnavailable, casesFail: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newScreen(t, c.load)
			for _, a := range c.block {
				if _, _, err := f.svc.Block(bg, "acme", sg.Ethereum, a, "known scam", "alice"); err != nil {
					t.Fatal(err)
				}
			}
			if c.casesFail {
				f.cases.Fail = sg.ErrUnavailable
			}
			d, err := f.svc.ScreenPayout(bg, "acme", c.chain, c.to, "txn_1")
			if !errors.Is(err, c.want) || c.want == nil && err != nil {
				t.Fatalf("ScreenPayout = %+v, %v; want %v", d, err, c.want)
			}
			if !c.load {
				return
			}
			if d.ListVersion != f.list.Version || d.Subject != "txn_1" || d.Tenant != "acme" || d.Address != sg.ScreenKey(c.chain, c.to) {
				t.Fatalf("decision %+v; want version %s", d, f.list.Version)
			}
			got := f.cases.all()
			if c.casesFail || c.caseKind == "" {
				if len(got) != 0 || d.Hit() != c.casesFail {
					t.Fatalf("cases %+v, decision %+v", got, d)
				}
				return
			}
			if len(d.Lists) != len(c.lists) || !strings.HasPrefix(d.Lists[0], c.lists[0]) || d.CaseID != "case_1" {
				t.Fatalf("decision %+v; want lists %v and its case", d, c.lists)
			}
			if len(got) != 1 || got[0].Kind != c.caseKind || got[0].Subject != "txn_1" || got[0].ListVersion != f.list.Version ||
				got[0].Tenant != "acme" || got[0].Address != d.Address || got[0].Evidence[0] != "transfer:txn_1" {
				t.Fatalf("cases %+v", got)
			}
		})
	}
}

// Screening the same payout again (a retried step) opens no second case.
func TestScreenPayoutAgainOpensOneCase(t *testing.T) {
	f := newScreen(t, true)
	for range 3 {
		if _, err := f.svc.ScreenPayout(bg, "acme", sg.Tron, sanctionedTRX, "txn_9"); !errors.Is(err, sg.ErrDestinationSanctioned) {
			t.Fatal(err)
		}
	}
	if got := f.cases.all(); len(got) != 1 {
		t.Fatalf("%d cases; want 1", len(got))
	}
}

// A deposit from a listed or blocked sender is quarantined and opens a
// case; a clear one is not; one whose sender is unknown is quarantined
// for a person to look at. Every decision names the list version.
func TestScreenDeposit(t *testing.T) {
	for _, c := range []struct {
		name       string
		chain      sg.Chain
		from       string
		quarantine bool
		kind       string
	}{
		{"from a sanctioned Ethereum address", sg.Ethereum, sanctionedETH, true, sg.CaseSanctionsHit},
		{"from a sanctioned Tron address", sg.Tron, sanctionedTRX, true, sg.CaseSanctionsHit},
		{"from another sanctioned Tron address", sg.Tron, "TTUDyVhhpCC1xJoPmWzdjLAzeoPwbSABdr", true, sg.CaseSanctionsHit},
		{"from the tenant's blocked address", sg.Ethereum, cleanETH, true, compliance.CaseBlocklistHit},
		{"from a clear address", sg.Tron, cleanTRX, false, ""},
		{"from an unknown sender", sg.Ethereum, "", true, compliance.CaseSenderUnknown},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newScreen(t, true)
			if _, _, err := f.svc.Block(bg, "acme", sg.Ethereum, cleanETH, "", "alice"); err != nil {
				t.Fatal(err)
			}
			d, err := f.svc.ScreenWalletDeposit(bg, sg.WalletDeposit{Tenant: "acme", Wallet: "wal_1", Chain: c.chain, From: c.from, Ref: "dep-1"})
			if err != nil || d.Quarantine != c.quarantine || d.ListVersion != f.list.Version || d.Subject != "dep-1" {
				t.Fatalf("ScreenDeposit = %+v, %v", d, err)
			}
			got := f.cases.all()
			if c.kind == "" {
				if len(got) != 0 || d.Hit() {
					t.Fatalf("a clear deposit: %+v, cases %+v", d, got)
				}
				return
			}
			if len(got) != 1 || got[0].Kind != c.kind || got[0].ListVersion != f.list.Version || got[0].Evidence[0] != "deposit:dep-1" ||
				got[0].Evidence[1] != "wallet:wal_1" || d.CaseID == "" {
				t.Fatalf("cases %+v (decision %+v)", got, d)
			}
		})
	}
}

// The blocklist takes only addresses of the chain, once each; removing
// one that is not there is not_found.
func TestBlocklist(t *testing.T) {
	f := newScreen(t, true)
	if _, _, err := f.svc.Block(bg, "acme", sg.Ethereum, "0x19Aa5Fe80D33a56D56c78e82eA5E50E5d80b4DfF", "", "a"); sg.KindOf(err) != sg.KindInvalid {
		t.Fatalf("a bad checksum = %v", err)
	}
	if _, _, err := f.svc.Block(bg, "acme", sg.Tron, cleanETH, "", "a"); sg.KindOf(err) != sg.KindInvalid {
		t.Fatalf("an Ethereum address on Tron = %v", err)
	}
	if _, _, err := f.svc.Block(bg, "acme", "bitcoin", cleanETH, "", "a"); sg.KindOf(err) != sg.KindInvalid {
		t.Fatalf("an unknown chain = %v", err)
	}
	e, created, err := f.svc.Block(bg, "acme", sg.Ethereum, cleanETH, "scam", "alice")
	if err != nil || !created || e.Address != strings.ToLower(cleanETH) {
		t.Fatalf("Block = %+v, %v, %v", e, created, err)
	}
	if _, created, err := f.svc.Block(bg, "acme", sg.Ethereum, strings.ToLower(cleanETH), "again", "bob"); err != nil || created {
		t.Fatalf("Block again = %v, %v", created, err)
	}
	if l, err := f.svc.Blocklist(bg, "acme"); err != nil || len(l) != 1 || l[0].Reason != "scam" {
		t.Fatalf("Blocklist = %+v, %v", l, err)
	}
	if err := f.svc.Unblock(bg, "acme", sg.Ethereum, cleanETH); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Unblock(bg, "acme", sg.Ethereum, cleanETH); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("Unblock again = %v", err)
	}
}

type decided sg.Decision

func (d decided) Evaluate(context.Context, sg.Transfer) (sg.Decision, error) {
	return sg.Decision(d), nil
}

type faulty struct{}

func (faulty) Evaluate(context.Context, sg.Transfer) (sg.Decision, error) {
	return sg.Decision{}, sg.ErrUnavailable
}

// Chain combines policies as one policy its rules: a refusal beats
// approvals, the largest count and longest wait win, a fault stops it, and
// every policy runs.
func TestChainCombinesPolicies(t *testing.T) {
	approve := decided{Outcome: sg.OutcomeApprove}
	two := decided{Outcome: sg.OutcomeNeedsApprovals, Approvals: 2, Wait: 3600e9, Matched: []string{"big"}}
	three := decided{Outcome: sg.OutcomeNeedsApprovals, Approvals: 3, Wait: 60e9, Matched: []string{"night"}}
	refuse := decided{Outcome: sg.OutcomeReject, Matched: []string{"destination_sanctioned"}}
	for _, c := range []struct {
		name     string
		policies []compliance.Policy
		want     sg.Decision
		err      bool
	}{
		{"none approves", nil, sg.Decision{Outcome: sg.OutcomeApprove}, false},
		{"all approve", []compliance.Policy{approve, approve}, sg.Decision{Outcome: sg.OutcomeApprove}, false},
		{"a refusal beats approvals", []compliance.Policy{two, refuse}, sg.Decision{Outcome: sg.OutcomeReject, Matched: []string{"destination_sanctioned"}}, false},
		{"the most approvals and longest wait", []compliance.Policy{two, approve, three},
			sg.Decision{Outcome: sg.OutcomeNeedsApprovals, Approvals: 3, Wait: 3600e9, Matched: []string{"big", "night"}}, false},
		{"a fault stops it", []compliance.Policy{refuse, faulty{}}, sg.Decision{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := compliance.Chain(c.policies...).Evaluate(bg, sg.Transfer{})
			if (err != nil) != c.err || d.Outcome != c.want.Outcome || d.Approvals != c.want.Approvals || d.Wait != c.want.Wait ||
				strings.Join(d.Matched, ",") != strings.Join(c.want.Matched, ",") {
				t.Fatalf("Evaluate = %+v, %v; want %+v", d, err, c.want)
			}
		})
	}
}

// recorder is a deposit listener that records what reaches it.
type recorder struct{ refs []string }

func (r *recorder) OnDeposit(_ context.Context, d sg.WalletDeposit) error {
	r.refs = append(r.refs, d.Ref)
	return nil
}

// On the sink's listener today, a clear deposit reaches the next listener
// (the acquiring service) and a quarantined one does not: no invoice is
// settled by it, and its case is opened when first seen.
func TestScreeningListenerStopsQuarantinedDeposits(t *testing.T) {
	f := newScreen(t, true)
	next := &recorder{}
	var quarantined []string
	l := compliance.ScreeningListener{Screening: f.svc, Next: next,
		Quarantined: func(_ context.Context, d sg.WalletDeposit, dec sg.ScreeningDecision) error {
			quarantined = append(quarantined, d.Ref+"@"+dec.ListVersion)
			return nil
		}}
	for _, d := range []sg.WalletDeposit{
		{Tenant: "acme", Wallet: "w", Chain: sg.Tron, From: cleanTRX, Ref: "clear", State: sg.DepositSeen},
		{Tenant: "acme", Wallet: "w", Chain: sg.Tron, From: sanctionedTRX, Ref: "dirty", State: sg.DepositSeen},
		{Tenant: "acme", Wallet: "w", Chain: sg.Tron, From: sanctionedTRX, Ref: "dirty", State: sg.DepositConfirmed},
	} {
		if err := l.OnDeposit(bg, d); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(next.refs, ",") != "clear" || len(quarantined) != 2 || quarantined[0] != "dirty@"+f.list.Version || len(f.cases.all()) != 1 {
		t.Fatalf("passed on %v, quarantined %v, cases %d", next.refs, quarantined, len(f.cases.all()))
	}
}
