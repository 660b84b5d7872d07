package compliance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var mctx = context.Background()

const mtn = "t-acme"

// mt0 is the start of every scenario's driven mclock.
var mt0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func musdt(n int64) sg.Amount { return sg.Amount(n * 1_000_000) }

// mclock is a driven mclock.
type mclock struct{ t time.Time }

func (c *mclock) Now() time.Time { return c.t }

var mseq int

func mevID() string { mseq++; return fmt.Sprintf("ev-%06d", mseq) }

func mtxn(mat time.Time) string { return sg.NewID("txn", mat) }

// mdep is a confirmed deposit into wallet's address from msender.
func mdep(wallet, addr, msender string, amount sg.Amount, mat time.Time) sg.LedgerEvent {
	return sg.LedgerEvent{ID: mevID(), Kind: sg.EventDepositConfirmed, Tenant: mtn, TransferID: mtxn(mat), Chain: sg.Tron, Amount: amount,
		ToWallet: wallet, Address: addr, Sender: msender, At: mat}
}

// mpay is a posted payout from wallet to an moutside address.
func mpay(wallet, to string, amount sg.Amount, mat time.Time) sg.LedgerEvent {
	return sg.LedgerEvent{ID: mevID(), Kind: sg.EventPayoutPosted, Tenant: mtn, TransferID: mtxn(mat), Chain: sg.Tron, Amount: amount,
		FromWallet: wallet, Address: to, At: mat}
}

// mxfer is an internal transfer between two wallets.
func mxfer(from, to string, amount sg.Amount, mat time.Time) sg.LedgerEvent {
	return sg.LedgerEvent{ID: mevID(), Kind: sg.EventTransferPosted, Tenant: mtn, TransferID: mtxn(mat), Chain: sg.Tron, Amount: amount,
		FromWallet: from, ToWallet: to, At: mat}
}

type monFixture struct {
	store  *memstore.Compliance
	mclock *mclock
	rules  *compliance.Rules
	cases  *compliance.Cases
	mon    *compliance.Monitor
}

func newMonFixture(t *testing.T, rules ...sg.MonitorRule) monFixture {
	t.Helper()
	st := memstore.NewCompliance()
	c := &mclock{t: mt0}
	f := monFixture{store: st, mclock: c, rules: &compliance.Rules{Store: st, Now: c.Now}, cases: &compliance.Cases{Store: st, Now: c.Now}}
	f.mon = &compliance.Monitor{Rules: st, Activity: st, Alerts: st, Cases: f.cases}
	if len(rules) > 0 {
		if _, _, err := f.rules.Put(mctx, mtn, 0, rules, "officer-1"); err != nil {
			t.Fatalf("put rules: %v", err)
		}
	}
	return f
}

// feed sends the events in order, the mclock following them, and returns
// every alert raised.
func (f monFixture) feed(t *testing.T, evs ...sg.LedgerEvent) []sg.Alert {
	t.Helper()
	var all []sg.Alert
	for _, e := range evs {
		f.mclock.t = e.At
		got, err := f.mon.OnEvent(mctx, e)
		if err != nil {
			t.Fatalf("OnEvent(%s %s): %v", e.Kind, e.ID, err)
		}
		all = append(all, got...)
	}
	return all
}

func mat(d time.Duration) time.Time { return mt0.Add(d) }

const (
	mw1, mw2 = "wal_one", "wal_two"
	maddr1   = "TAddrOfWalletOne1111111111111111"
	moutside = "TOutsideDestination000000000000"
)

func msender(i int) string { return fmt.Sprintf("TSender%025d", i) }

// Every rule kind fires on its scenario and stays quiet on a matching
// control scenario (issue 15, must-show 3). Events are fed in order over
// the twin with the mclock following them.
func TestEveryRuleFiresOnItsScenarioAndStaysQuietOnItsControl(t *testing.T) {
	h := time.Hour
	day := 24 * h
	cases := []struct {
		name    string
		rule    sg.MonitorRule
		fire    func() []sg.LedgerEvent
		control func() []sg.LedgerEvent
	}{
		{"velocity: 4 payouts within an hour over a count of 3; control spreads them 2 hours apart",
			sg.MonitorRule{ID: "vel", Kind: sg.MonVelocity, Enabled: true, Params: sg.MonitorParams{Window: h, Count: 3, Direction: sg.DirOut}},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mpay(mw1, moutside, musdt(10), mat(0)), mpay(mw1, moutside, musdt(10), mat(10*time.Minute)),
					mpay(mw1, moutside, musdt(10), mat(20*time.Minute)), mpay(mw1, moutside, musdt(10), mat(30*time.Minute))}
			},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mpay(mw1, moutside, musdt(10), mat(0)), mpay(mw1, moutside, musdt(10), mat(2*h)),
					mpay(mw1, moutside, musdt(10), mat(4*h)), mpay(mw1, moutside, musdt(10), mat(6*h))}
			}},
		{"velocity by sum: 3 x 400 out in a day over 1,000; control sums 900",
			sg.MonitorRule{ID: "vel-sum", Kind: sg.MonVelocity, Enabled: true, Params: sg.MonitorParams{Window: day, Threshold: musdt(1000), Direction: sg.DirOut}},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mxfer(mw1, mw2, musdt(400), mat(0)), mxfer(mw1, mw2, musdt(400), mat(h)), mxfer(mw1, mw2, musdt(400), mat(2*h))}
			},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mxfer(mw1, mw2, musdt(300), mat(0)), mxfer(mw1, mw2, musdt(300), mat(h)), mxfer(mw1, mw2, musdt(300), mat(2*h))}
			}},
		{"structuring: 3 x 9,900 under a 10,000 limit; control 3 x 5,000",
			sg.MonitorRule{ID: "struct", Kind: sg.MonStructuring, Enabled: true,
				Params: sg.MonitorParams{Window: day, Threshold: musdt(10000), Percent: 5, Count: 3, Direction: sg.DirOut}},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mpay(mw1, moutside, musdt(9900), mat(0)), mpay(mw1, moutside, musdt(9900), mat(h)), mpay(mw1, moutside, musdt(9900), mat(2*h))}
			},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mpay(mw1, moutside, musdt(5000), mat(0)), mpay(mw1, moutside, musdt(5000), mat(h)), mpay(mw1, moutside, musdt(5000), mat(2*h))}
			}},
		{"round amounts: 3 deposits in multiples of 1,000; control 3 with cents",
			sg.MonitorRule{ID: "round", Kind: sg.MonRoundAmounts, Enabled: true,
				Params: sg.MonitorParams{Window: day, Unit: musdt(1000), Count: 3, Direction: sg.DirIn}},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mdep(mw1, maddr1, msender(1), musdt(1000), mat(0)), mdep(mw1, maddr1, msender(1), musdt(5000), mat(h)),
					mdep(mw1, maddr1, msender(1), musdt(2000), mat(2*h))}
			},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mdep(mw1, maddr1, msender(1), musdt(1000)+10_000, mat(0)), mdep(mw1, maddr1, msender(1), musdt(4999), mat(h)),
					mdep(mw1, maddr1, msender(1), musdt(2000)+1, mat(2*h))}
			}},
		{"new destination, large: first payout of 6,000 to an address; control pays it 100 first",
			sg.MonitorRule{ID: "newdest", Kind: sg.MonNewDestinationLarge, Enabled: true, Params: sg.MonitorParams{Threshold: musdt(5000)}},
			func() []sg.LedgerEvent { return []sg.LedgerEvent{mpay(mw1, moutside, musdt(6000), mat(0))} },
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mpay(mw1, moutside, musdt(100), mat(0)), mpay(mw1, moutside, musdt(6000), mat(day))}
			}},
		{"rapid in and out: 10,000 in then 9,000 out within a day; control pays out after two days",
			sg.MonitorRule{ID: "rapid", Kind: sg.MonRapidInOut, Enabled: true, Params: sg.MonitorParams{Window: day, Percent: 80}},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mdep(mw1, maddr1, msender(1), musdt(10000), mat(0)), mpay(mw1, moutside, musdt(9000), mat(h))}
			},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mdep(mw1, maddr1, msender(1), musdt(10000), mat(0)), mpay(mw1, moutside, musdt(9000), mat(2*day))}
			}},
		{"dormant wakes: quiet 100 days then 5,000; control quiet 10 days",
			sg.MonitorRule{ID: "dormant", Kind: sg.MonDormantWakes, Enabled: true, Params: sg.MonitorParams{Dormant: 90 * day, Threshold: musdt(1000)}},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mdep(mw1, maddr1, msender(1), musdt(10), mat(0)), mpay(mw1, moutside, musdt(5000), mat(100*day))}
			},
			func() []sg.LedgerEvent {
				return []sg.LedgerEvent{mdep(mw1, maddr1, msender(1), musdt(10), mat(0)), mpay(mw1, moutside, musdt(5000), mat(10*day))}
			}},
		{"many senders: 5 distinct senders into one address in a day; control 5 deposits from 2 senders",
			sg.MonitorRule{ID: "senders", Kind: sg.MonManySenders, Enabled: true, Params: sg.MonitorParams{Window: day, Count: 5}},
			func() []sg.LedgerEvent {
				var evs []sg.LedgerEvent
				for i := range 5 {
					evs = append(evs, mdep(mw1, maddr1, msender(i), musdt(50), mat(time.Duration(i)*h)))
				}
				return evs
			},
			func() []sg.LedgerEvent {
				var evs []sg.LedgerEvent
				for i := range 5 {
					evs = append(evs, mdep(mw1, maddr1, msender(i%2), musdt(50), mat(time.Duration(i)*h)))
				}
				return evs
			}},
	}
	kinds := map[sg.MonitorRuleKind]bool{}
	for _, c := range cases {
		kinds[c.rule.Kind] = true
		t.Run(c.name, func(t *testing.T) {
			t.Run("fires", func(t *testing.T) {
				f := newMonFixture(t, c.rule)
				evs := c.fire()
				alerts := f.feed(t, evs...)
				if len(alerts) != 1 {
					t.Fatalf("alerts = %d (%+v), want 1", len(alerts), alerts)
				}
				a := alerts[0]
				if a.RuleID != c.rule.ID || a.RuleKind != c.rule.Kind || a.RuleVersion != 1 || a.Tenant != mtn || a.CaseID == "" || len(a.Transfers) == 0 {
					t.Fatalf("alert %+v", a)
				}
				if last := evs[len(evs)-1]; !a.At.Equal(last.At) {
					t.Errorf("alert at %s, want the last event time %s", a.At, last.At)
				}
				cs, err := f.cases.Get(mctx, mtn, a.CaseID)
				if err != nil || cs.Kind != sg.CaseAMLAlert || cs.Status != sg.CaseOpen || len(cs.Evidence.Alerts) != 1 || cs.Evidence.Alerts[0] != a.ID {
					t.Fatalf("case %+v, %v", cs, err)
				}
			})
			t.Run("control stays quiet", func(t *testing.T) {
				f := newMonFixture(t, c.rule)
				if alerts := f.feed(t, c.control()...); len(alerts) != 0 {
					t.Fatalf("control raised %+v", alerts)
				}
				if cs, _, _ := f.cases.List(mctx, mtn, sg.CaseFilter{}, sg.Page{}); len(cs) != 0 {
					t.Fatalf("control opened %d cases", len(cs))
				}
			})
		})
	}
	for _, k := range sg.MonitorRuleKinds {
		if !kinds[k] {
			t.Errorf("rule kind %s has no scenario", k)
		}
	}
}

// A disabled rule raises nothing.
func TestDisabledRuleIsQuiet(t *testing.T) {
	f := newMonFixture(t, sg.MonitorRule{ID: "newdest", Kind: sg.MonNewDestinationLarge, Params: sg.MonitorParams{Threshold: musdt(1)}})
	if a := f.feed(t, mpay(mw1, moutside, musdt(6000), mat(0))); len(a) != 0 {
		t.Fatalf("disabled rule raised %+v", a)
	}
}

// A redelivered event, or a whole sequence delivered again, raises no
// second alert and opens no second case.
func TestRedeliveredEventsDoNotDoubleAlert(t *testing.T) {
	f := newMonFixture(t, sg.MonitorRule{ID: "struct", Kind: sg.MonStructuring, Enabled: true,
		Params: sg.MonitorParams{Window: 24 * time.Hour, Threshold: musdt(10000), Percent: 5, Count: 3, Direction: sg.DirOut}},
		sg.MonitorRule{ID: "newdest", Kind: sg.MonNewDestinationLarge, Enabled: true, Params: sg.MonitorParams{Threshold: musdt(9000)}})
	evs := []sg.LedgerEvent{mpay(mw1, moutside, musdt(9900), mat(0)), mpay(mw1, moutside, musdt(9900), mat(time.Hour)), mpay(mw1, moutside, musdt(9900), mat(2*time.Hour))}
	var total []sg.Alert
	for _, e := range evs {
		total = append(total, f.feed(t, e, e)...)
	}
	total = append(total, f.feed(t, evs...)...)
	if len(total) != 2 {
		t.Fatalf("alerts = %d (%+v), want 2 (structuring once, the first payout to the destination once)", len(total), total)
	}
	cs, _, err := f.cases.List(mctx, mtn, sg.CaseFilter{}, sg.Page{})
	if err != nil || len(cs) != 1 {
		t.Fatalf("cases = %d, %v; want 1 (both alerts join the wallet's open case)", len(cs), err)
	}
	if len(cs[0].Evidence.Alerts) != 2 || len(cs[0].Evidence.Transfers) != 3 {
		t.Fatalf("case evidence %+v", cs[0].Evidence)
	}
	// The same pattern continuing in the same window alerts once.
	if a := f.feed(t, mpay(mw1, moutside, musdt(9900), mat(3*time.Hour))); len(a) != 0 {
		t.Fatalf("a fourth structuring payout in the same window raised %+v", a)
	}
}

// A new rule set version takes effect on the next event; alerts record the
// rule's version; a rule left unchanged keeps its version.
func TestRuleVersionChangeTakesEffectOnNextEvent(t *testing.T) {
	vel := sg.MonitorRule{ID: "vel", Kind: sg.MonVelocity, Enabled: true, Params: sg.MonitorParams{Window: time.Hour, Count: 5, Direction: sg.DirOut}}
	other := sg.MonitorRule{ID: "dormant", Kind: sg.MonDormantWakes, Enabled: true, Params: sg.MonitorParams{Dormant: 1000 * time.Hour, Threshold: musdt(1)}}
	f := newMonFixture(t, vel, other)
	if a := f.feed(t, mpay(mw1, moutside, musdt(1), mat(0)), mpay(mw1, moutside, musdt(1), mat(time.Minute)), mpay(mw1, moutside, musdt(1), mat(2*time.Minute))); len(a) != 0 {
		t.Fatalf("3 payouts under a count of 5 raised %+v", a)
	}
	vel.Params.Count = 2
	rs, j, err := f.rules.Put(mctx, mtn, 1, []sg.MonitorRule{vel, other}, "officer-1")
	if err != nil || rs.Version != 2 || j.Action != "monitor_rules.updated" || j.Actor != "officer-1" {
		t.Fatalf("Put = %+v, %+v, %v", rs, j, err)
	}
	if rs.Rules[0].Version != 2 || rs.Rules[1].Version != 1 {
		t.Fatalf("rule versions %d, %d; want 2 (changed) and 1 (unchanged)", rs.Rules[0].Version, rs.Rules[1].Version)
	}
	if _, _, err := f.rules.Put(mctx, mtn, 1, []sg.MonitorRule{vel}, "officer-2"); sg.KindOf(err) != sg.KindConflict {
		t.Fatalf("a put over a stale version: %v, want rules_changed", err)
	}
	a := f.feed(t, mpay(mw1, moutside, musdt(1), mat(3*time.Minute)))
	if len(a) != 1 || a[0].RuleID != "vel" || a[0].RuleVersion != 2 || a[0].RuleSetVersion != 2 {
		t.Fatalf("alerts after the change %+v", a)
	}
	hist, _, err := f.rules.History(mctx, mtn, sg.Page{})
	if err != nil || len(hist) != 2 || hist[0].Version != 2 || hist[1].Rules[0].Params.Count != 5 {
		t.Fatalf("history %+v, %v", hist, err)
	}
}

// Invalid rules are refused with rule_invalid before anything is written.
func TestInvalidRulesAreRefused(t *testing.T) {
	f := newMonFixture(t)
	for name, r := range map[string]sg.MonitorRule{
		"unknown kind":             {ID: "x", Kind: "nope"},
		"structuring with no band": {ID: "x", Kind: sg.MonStructuring, Params: sg.MonitorParams{Window: time.Hour, Threshold: 1, Count: 3, Direction: sg.DirOut}},
		"velocity with no window":  {ID: "x", Kind: sg.MonVelocity, Params: sg.MonitorParams{Count: 3, Direction: sg.DirOut}},
		"window over 90 days":      {ID: "x", Kind: sg.MonManySenders, Params: sg.MonitorParams{Window: 91 * 24 * time.Hour, Count: 3}},
		"many senders of one":      {ID: "x", Kind: sg.MonManySenders, Params: sg.MonitorParams{Window: time.Hour, Count: 1}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := f.rules.Put(mctx, mtn, 0, []sg.MonitorRule{r}, "o"); sg.KindOf(err) != sg.KindInvalid {
				t.Fatalf("Put = %v, want rule_invalid", err)
			}
			if rs, _ := f.rules.Current(mctx, mtn); rs.Version != 0 {
				t.Fatalf("a refused put wrote version %d", rs.Version)
			}
		})
	}
}

// Alerts on another wallet open their own case; a closed case frees its
// subject so the next alert opens a new one.
func TestAlertsOpenOrJoinCasesBySubject(t *testing.T) {
	f := newMonFixture(t, sg.MonitorRule{ID: "newdest", Kind: sg.MonNewDestinationLarge, Enabled: true, Params: sg.MonitorParams{Threshold: musdt(100)}})
	a1 := f.feed(t, mpay(mw1, "TDest1", musdt(500), mat(0)))
	a2 := f.feed(t, mpay(mw2, "TDest1", musdt(500), mat(time.Minute)))
	if len(a1) != 1 || len(a2) != 1 || a1[0].CaseID == a2[0].CaseID {
		t.Fatalf("two wallets' alerts %+v %+v: want a case each", a1, a2)
	}
	if _, _, err := f.cases.Decide(mctx, mtn, a1[0].CaseID, "officer-1", sg.CaseClosedNoAction, "known supplier"); err != nil {
		t.Fatal(err)
	}
	a3 := f.feed(t, mpay(mw1, "TDest2", musdt(500), mat(time.Hour)))
	if len(a3) != 1 || a3[0].CaseID == a1[0].CaseID {
		t.Fatalf("after closing, the wallet's next alert %+v joined the closed case", a3)
	}
	a4 := f.feed(t, mpay(mw1, "TDest3", musdt(500), mat(2*time.Hour)))
	if len(a4) != 1 || a4[0].CaseID != a3[0].CaseID {
		t.Fatalf("a further alert %+v did not join the open case %s", a4, a3[0].CaseID)
	}
}

// The monitor hears confirmed deposits from the deposit sink; seen and
// reversed ones are ignored.
func TestOnDepositFeedsConfirmedDeposits(t *testing.T) {
	f := newMonFixture(t, sg.MonitorRule{ID: "senders", Kind: sg.MonManySenders, Enabled: true, Params: sg.MonitorParams{Window: time.Hour, Count: 2}})
	f.mon.Now = f.mclock.Now
	for i, st := range []sg.DepositState{sg.DepositSeen, sg.DepositConfirmed, sg.DepositConfirmed, sg.DepositReversed} {
		d := sg.WalletDeposit{Tenant: mtn, Wallet: mw1, Chain: sg.Ethereum, Address: "0xabc", From: msender(i), Amount: musdt(5),
			Ref: fmt.Sprintf("ref-%d", i), State: st, At: mat(time.Duration(i) * time.Minute)}
		if err := f.mon.OnDeposit(mctx, d); err != nil {
			t.Fatal(err)
		}
	}
	cs, _, _ := f.cases.List(mctx, mtn, sg.CaseFilter{}, sg.Page{})
	if len(cs) != 1 || cs[0].Subject != "ethereum:0xabc" || len(cs[0].Evidence.Transfers) != 2 {
		t.Fatalf("cases %+v; want one on the address with the two confirmed deposits", cs)
	}
}

// The change stream's transfers become events once, when they reach
// posted: internal transfers and payouts; deposits come from the sink.
func TestEventFromTransfer(t *testing.T) {
	at := mt0
	internal := sg.Transfer{ID: "txn_a", TenantID: mtn, Type: sg.TransferInternal, State: sg.StatePosted, FromWallet: mw1, ToWallet: mw2,
		Chain: sg.Tron, Amount: 5, CreatedAt: at, UpdatedAt: at}
	payout := sg.Transfer{ID: "txn_b", TenantID: mtn, Type: sg.TransferWithdrawal, State: sg.StateConfirmed, FromWallet: mw1, ToAddress: moutside,
		Chain: sg.Tron, Amount: 7, CreatedAt: at, UpdatedAt: at}
	posted := payout
	posted.State = sg.StatePosted
	deposit := internal
	deposit.Type = sg.TransferDeposit
	for _, c := range []struct {
		name     string
		before   sg.Transfer
		had      bool
		after    sg.Transfer
		wantKind sg.LedgerEventKind
	}{
		{"a new internal transfer", sg.Transfer{}, false, internal, sg.EventTransferPosted},
		{"a payout reaching posted", payout, true, posted, sg.EventPayoutPosted},
		{"a payout before posted", sg.Transfer{}, false, payout, ""},
		{"a posted payout written again", posted, true, posted, ""},
		{"a deposit", sg.Transfer{}, false, deposit, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, ok := compliance.EventFromTransfer(c.before, c.had, c.after)
			if ok != (c.wantKind != "") || e.Kind != c.wantKind {
				t.Fatalf("EventFromTransfer = %+v, %v", e, ok)
			}
			if ok {
				if err := e.Valid(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
