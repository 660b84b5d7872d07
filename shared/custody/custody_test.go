package custody

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The custody service's package tests run over the in-memory twin
// (shared/memstore), held to the DynamoDB adapter by shared/storetest.

var bg = context.Background()

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// prefixSealer "seals" by prefixing: enough to see the secret is stored
// sealed and kept.
type prefixSealer struct{}

func (prefixSealer) Seal(_ context.Context, _ sg.SealContext, p []byte) ([]byte, error) {
	return append([]byte("sealed:"), p...), nil
}

func (prefixSealer) Open(_ context.Context, _ sg.SealContext, b []byte) ([]byte, error) {
	return b[len("sealed:"):], nil
}

type fixture struct {
	st    *memstore.Store
	queue *memstore.Queue
	clock *clock
	wd    *ledger.Withdrawals
	svc   *Service
	admin Actor
}

const tenant = "acme"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)}
	st := memstore.New()
	st.Now = c.Now
	q := &memstore.Queue{}
	l := &ledger.Service{Store: st, Wallets: st, Now: c.Now}
	wd := &ledger.Withdrawals{Service: l, Mover: st, Queue: q, Policy: Rules{Store: st, Now: c.Now}, Freezes: st, Quotes: st,
		Destinations: st, Waits: st, Fee: func(sg.Chain) sg.Amount { return 1 }}
	svc := &Service{Store: st, Wallets: st, Withdrawals: wd, Now: c.Now, PlatformUnfreezeApprovals: 2, Sealer: prefixSealer{}}
	return &fixture{st: st, queue: q, clock: c, wd: wd, svc: svc, admin: Actor{Tenant: tenant, Subject: "admin"}}
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func ethAddress() string { return "0x" + randHex(20) }

func (f *fixture) wallet(t *testing.T, funds sg.Amount) sg.Wallet {
	t.Helper()
	idx, _ := f.st.NextIndex(bg)
	w := sg.Wallet{ID: sg.NewID("wal", f.clock.Now()), TenantID: tenant, Index: idx, CreatedAt: f.clock.Now(),
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: ethAddress()}}}
	if err := f.st.CreateWallet(bg, w, sg.Idempotency{TenantID: tenant, Operation: "wallets.create", Key: randHex(6)}); err != nil {
		t.Fatal(err)
	}
	if funds > 0 {
		if _, err := f.wd.CreditWallet(bg, tenant, ledger.Credit{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: funds, Ref: randHex(6)}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (f *fixture) setPolicy(t *testing.T, p sg.Policy) sg.Policy {
	t.Helper()
	cur, _ := f.st.Policy(bg, tenant)
	got, err := f.svc.SetPolicy(bg, f.admin, p, cur.Version, nil)
	if err != nil {
		t.Fatalf("SetPolicy: %v", err)
	}
	return got
}

// withdraw creates a withdrawal requested by "requester" and runs the policy step.
func (f *fixture) withdraw(t *testing.T, w sg.Wallet, to string, amount sg.Amount) sg.Transfer {
	t.Helper()
	r, err := f.wd.Create(bg, tenant, randHex(6), "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: to, Amount: amount, RequestedBy: "requester"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, _, err := f.wd.Advance(bg, tenant, r.Transfer.ID)
	if err != nil {
		t.Fatalf("Advance: %v", err)
	}
	return got
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v; want %v", err, want)
	}
}

func TestRulesDecide(t *testing.T) {
	f := newFixture(t)
	allowed, cooling := ethAddress(), ethAddress()
	f.setPolicy(t, sg.Policy{CoolingOff: time.Hour, ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Rules: []sg.Rule{
		{Name: "huge", Kind: sg.RuleAmountOver, Amount: 5000, Reject: true},
		{Name: "big", Kind: sg.RuleAmountOver, Amount: 1000, Approvals: 2},
		{Name: "new destination", Kind: sg.RuleNotAllowlisted, Approvals: 1},
		{Name: "busy day", Kind: sg.RuleVelocity, Amount: 1500, Approvals: 1},
		{Name: "tron only", Kind: sg.RuleAmountOver, Chain: sg.Tron, Amount: 0, Reject: true},
	}})
	if _, _, err := f.svc.Allow(bg, f.admin, sg.Ethereum, allowed, "treasury"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	if _, _, err := f.svc.Allow(bg, f.admin, sg.Ethereum, cooling, "new"); err != nil {
		t.Fatal(err)
	}
	w := f.wallet(t, 100000)
	cases := []struct {
		name     string
		to       string
		amount   sg.Amount
		want     sg.TransferState
		required int
	}{
		{"an allowlisted destination, small", allowed, 100, sg.StateAwaitingSigner, 0},
		{"a destination still cooling off", cooling, 100, sg.StateAwaitingApproval, 1},
		{"an unknown destination", ethAddress(), 100, sg.StateAwaitingApproval, 1},
		{"over the approval threshold", allowed, 1001, sg.StateAwaitingApproval, 2},
		{"over the rejection threshold", allowed, 5001, sg.StateRejected, 0},
		{"over the day's velocity", allowed, 300, sg.StateAwaitingApproval, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := f.withdraw(t, w, c.to, c.amount)
			if got.State != c.want || got.RequiredApprovals != c.required {
				t.Fatalf("%s with %d required; want %s with %d (events %+v)", got.State, got.RequiredApprovals, c.want, c.required, got.Events)
			}
		})
	}
	f.clock.Add(time.Hour) // the cooling-off has passed
	if got := f.withdraw(t, w, cooling, 1); got.State != sg.StateAwaitingApproval || got.Events[len(got.Events)-1].Note != "waiting for 1 approvals: busy day" {
		t.Fatalf("after cooling off: %s %+v; want only the velocity rule", got.State, got.Events)
	}
}

func TestSetPolicy(t *testing.T) {
	f := newFixture(t)
	p := f.setPolicy(t, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Approvers: []string{"alice", "alice", "bob"}})
	if p.Version != 1 || p.UpdatedBy != "admin" || len(p.Approvers) != 2 {
		t.Fatalf("SetPolicy = %+v; want version 1 by admin, approvers deduplicated", p)
	}
	_, err := f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2}, 0, nil)
	wantErr(t, err, sg.ErrStateChanged)
	_, err = f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Rules: []sg.Rule{{Name: "x", Kind: "nonsense"}}}, 1, nil)
	wantErr(t, err, sg.ErrValidation)

	hook := &sg.ApprovalWebhook{URL: "https://127.0.0.1/hook"}
	f.svc.AllowLoopbackWebhooks = true
	_, err = f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Webhook: hook}, 1, nil)
	wantErr(t, err, sg.ErrValidation) // a new webhook needs its secret
	_, err = f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Webhook: hook}, 1, []byte("short"))
	wantErr(t, err, sg.ErrValidation)
	p, err = f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Webhook: hook}, 1, []byte("a secret of 16 bytes or more"))
	if err != nil || string(p.WebhookSecretSealed) != "sealed:a secret of 16 bytes or more" {
		t.Fatalf("SetPolicy(webhook) = %q, %v", p.WebhookSecretSealed, err)
	}
	p, err = f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Webhook: hook}, 2, nil)
	if err != nil || p.Version != 3 || len(p.WebhookSecretSealed) == 0 {
		t.Fatalf("SetPolicy(webhook, no new secret) = %+v, %v; want the secret kept", p, err)
	}
	f.svc.Sealer = nil
	_, err = f.svc.SetPolicy(bg, f.admin, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Webhook: hook}, 3, []byte("another secret of 16 bytes"))
	if sg.KindOf(err) != sg.KindInternal {
		t.Fatalf("no sealer = %v; want an internal error", err)
	}
	if got, _ := f.svc.Policy(bg, tenant); got.Version != 3 {
		t.Fatalf("policy version %d; want 3", got.Version)
	}
	if js, _ := f.svc.Journal(bg, tenant, 10, 0); len(js) != 3 || js[0].Action != "policy.updated" {
		t.Fatalf("journal %+v; want three policy updates", js)
	}
}

func TestAllowOncePerAddress(t *testing.T) {
	f := newFixture(t)
	addr := ethAddress()
	e, replayed, err := f.svc.Allow(bg, f.admin, sg.Ethereum, addr, "treasury")
	if err != nil || replayed || !e.ActiveAt.Equal(f.clock.Now().Add(sg.DefaultPolicy().CoolingOff)) {
		t.Fatalf("Allow = %+v, %v, %v", e, replayed, err)
	}
	f.clock.Add(time.Minute)
	for _, label := range []string{"treasury", ""} {
		again, replayed, err := f.svc.Allow(bg, f.admin, sg.Ethereum, addr, label)
		if err != nil || !replayed || !again.ActiveAt.Equal(e.ActiveAt) || again.Label != "treasury" {
			t.Fatalf("Allow again (label %q) = %+v, %v, %v; want the entry as it stands", label, again, replayed, err)
		}
	}
	_, _, err = f.svc.Allow(bg, f.admin, sg.Ethereum, addr, "another")
	wantErr(t, err, sg.ErrAllowEntryExists)
	if es, _ := f.svc.Allowlist(bg, tenant); len(es) != 1 {
		t.Fatalf("allowlist %+v", es)
	}
}

func TestDecide(t *testing.T) {
	setup := func(t *testing.T) (*fixture, sg.Transfer) {
		f := newFixture(t)
		f.setPolicy(t, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Approvers: []string{"alice", "bob", "requester"},
			Rules: []sg.Rule{{Name: "all", Kind: sg.RuleAmountOver, Amount: 0, Approvals: 2}}})
		w := f.wallet(t, 1000)
		tr := f.withdraw(t, w, ethAddress(), 100)
		if tr.State != sg.StateAwaitingApproval {
			t.Fatalf("%s; want awaiting_approval", tr.State)
		}
		return f, tr
	}
	t.Run("two approvals approve and queue it", func(t *testing.T) {
		f, tr := setup(t)
		got, replayed, err := f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "alice"}, tr.ID, true, "ok")
		if err != nil || replayed || got.State != sg.StateAwaitingApproval {
			t.Fatalf("alice = %s, %v, %v", got.State, replayed, err)
		}
		got, replayed, err = f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "alice"}, tr.ID, true, "ok")
		if err != nil || !replayed {
			t.Fatalf("alice again = %v, %v; want a replay", replayed, err)
		}
		_, _, err = f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "alice"}, tr.ID, false, "changed my mind")
		wantErr(t, err, sg.ErrAlreadyDecided)
		sent := len(f.queue.Sent())
		got, _, err = f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "bob"}, tr.ID, true, "")
		if err != nil || got.State != sg.StateApproved || len(f.queue.Sent()) != sent+1 {
			t.Fatalf("bob = %s, %v, %d sent; want approved and queued", got.State, err, len(f.queue.Sent())-sent)
		}
		_, _, err = f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "carol"}, tr.ID, true, "")
		wantErr(t, err, sg.ErrNotAwaitingApproval)
	})
	t.Run("one refusal rejects it", func(t *testing.T) {
		f, tr := setup(t)
		got, _, err := f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "bob"}, tr.ID, false, "no")
		if err != nil || got.State != sg.StateRejected {
			t.Fatalf("bob = %s, %v; want rejected", got.State, err)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		f, tr := setup(t)
		cases := []struct {
			name string
			who  string
			id   string
			want error
		}{
			{"the requester", "requester", tr.ID, sg.ErrSelfApproval},
			{"someone the policy does not list", "mallory", tr.ID, sg.ErrApproverNotListed},
			{"no such payout", "alice", sg.NewKeyedID("txn", f.clock.Now(), tenant, "x", "y"), sg.ErrNotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := f.svc.Decide(bg, Actor{Tenant: tenant, Subject: c.who}, c.id, true, "")
				wantErr(t, err, c.want)
			})
		}
		a, b := f.wallet(t, 10), f.wallet(t, 0)
		it, err := f.wd.Transfer(bg, tenant, "int", "h", ledger.Internal{From: a.ID, To: b.ID, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "alice"}, it.Transfer.ID, true, "")
		wantErr(t, err, sg.ErrNotFound)
	})
	t.Run("past the deadline it expires", func(t *testing.T) {
		f, tr := setup(t)
		f.clock.Add(time.Hour)
		_, _, err := f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "alice"}, tr.ID, true, "")
		wantErr(t, err, sg.ErrApprovalExpired)
		if got, _ := f.st.Transfer(bg, tenant, tr.ID); got.State != sg.StateExpired {
			t.Fatalf("%s; want expired", got.State)
		}
		_, _, err = f.svc.Decide(bg, Actor{Tenant: tenant, Subject: "bob"}, tr.ID, true, "")
		wantErr(t, err, sg.ErrApprovalExpired)
	})
}

func TestFreezeAndUnfreeze(t *testing.T) {
	f := newFixture(t)
	f.setPolicy(t, sg.Policy{ApprovalTTL: time.Hour, UnfreezeApprovals: 2, Approvers: []string{"alice", "bob"}})
	w := f.wallet(t, 1000)
	_, err := f.svc.Freeze(bg, f.admin, sg.FreezeWallet, sg.NewID("wal", f.clock.Now()), "why")
	wantErr(t, err, sg.ErrWalletNotFound)
	_, err = f.svc.Freeze(bg, f.admin, sg.FreezePlatform, "", "why")
	wantErr(t, err, sg.ErrForbidden)

	fr, err := f.svc.Freeze(bg, f.admin, sg.FreezeWallet, w.ID, "suspicious")
	if err != nil || fr.Required != 2 || fr.WalletID != w.ID {
		t.Fatalf("Freeze = %+v, %v", fr, err)
	}
	_, err = f.svc.Freeze(bg, f.admin, sg.FreezeWallet, w.ID, "again")
	wantErr(t, err, sg.ErrAlreadyFrozen)
	// A payout of the frozen wallet is refused; one already made is parked.
	tr, err := f.wd.Create(bg, tenant, "k", "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethAddress(), Amount: 5})
	wantErr(t, err, sg.ErrFrozen)
	_ = tr
	if err := f.st.Park(bg, tenant, "txn_parked", w.ID); err != nil {
		t.Fatal(err)
	}

	_, err = f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "mallory"}, fr.ID, "")
	wantErr(t, err, sg.ErrApproverNotListed)
	_, err = f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "alice"}, "frz_none", "")
	wantErr(t, err, sg.ErrFreezeNotFound)
	one, err := f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "alice"}, fr.ID, "ok")
	if err != nil || one.Lifted {
		t.Fatalf("alice = %+v, %v", one, err)
	}
	_, err = f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "alice"}, fr.ID, "ok")
	wantErr(t, err, sg.ErrAlreadyDecided)
	sent := len(f.queue.Sent())
	two, err := f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "bob"}, fr.ID, "ok")
	if err != nil || !two.Lifted {
		t.Fatalf("bob = %+v, %v; want lifted", two, err)
	}
	if len(f.queue.Sent()) != sent+1 || f.queue.Bodies()[sent]["id"] != "txn_parked" {
		t.Fatalf("queued %v; want the parked payout", f.queue.Bodies())
	}
	if parked, _ := f.st.Parked(bg, fr); len(parked) != 0 {
		t.Fatalf("still parked %v", parked)
	}
	_, err = f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "alice"}, fr.ID, "")
	wantErr(t, err, sg.ErrFreezeLifted)
	if fs, _ := f.svc.Freezes(bg, tenant); len(fs) != 1 || !fs[0].Lifted {
		t.Fatalf("freezes %+v", fs)
	}
	if _, err := f.wd.Create(bg, tenant, "k2", "h", ledger.Withdraw{Wallet: w.ID, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethAddress(), Amount: 5}); err != nil {
		t.Fatalf("a payout after the lift: %v", err)
	}

	t.Run("the platform's freeze takes platform admins", func(t *testing.T) {
		root := Actor{Tenant: tenant, Subject: "root", PlatformAdmin: true}
		pf, err := f.svc.Freeze(bg, root, sg.FreezePlatform, "", "incident")
		if err != nil || pf.Required != 2 || pf.TenantID != "" {
			t.Fatalf("Freeze(platform) = %+v, %v", pf, err)
		}
		_, err = f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "alice"}, pf.ID, "")
		wantErr(t, err, sg.ErrForbidden)
		if _, err := f.svc.VoteUnfreeze(bg, root, pf.ID, ""); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.VoteUnfreeze(bg, Actor{Tenant: tenant, Subject: "root2", PlatformAdmin: true}, pf.ID, "")
		if err != nil || !got.Lifted {
			t.Fatalf("second admin = %+v, %v", got, err)
		}
		if js, _ := f.st.Journal(bg, sg.PlatformTenant, 10, 0); len(js) != 3 {
			t.Fatalf("platform journal %+v; want the freeze and two votes", js)
		}
	})
	t.Run("a tenant's freeze, with the default approvals", func(t *testing.T) {
		g := newFixture(t)
		tf, err := g.svc.Freeze(bg, g.admin, sg.FreezeTenant, "", "audit")
		if err != nil || tf.Required != 2 || tf.Scope != sg.FreezeTenant {
			t.Fatalf("Freeze(tenant) = %+v, %v", tf, err)
		}
	})
}
