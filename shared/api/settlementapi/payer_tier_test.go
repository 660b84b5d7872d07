package settlementapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/api/settlementapi"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Settlement payouts under the merchant's tier (issue 15, must-show 2 on
// the settlement path): the settlement wallet belongs to the customer the
// config names, the payer asks the pipeline's own tier step before it
// requests a payout, and the pipeline (the same LimitPolicy) decides the
// payout. These run on the in-memory twins, with the services as the
// settlements-close function wires them.

var bg = context.Background()

func usdt(n int64) sg.Amount { return sg.Amount(n * 1_000_000) }

type fakeChain struct{}

func (fakeChain) Sign(_ context.Context, t sg.Transfer) (string, error) { return "0xtx-" + t.ID, nil }
func (fakeChain) Broadcast(context.Context, sg.Transfer) error          { return nil }
func (fakeChain) Receipt(_ context.Context, t sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{TxHash: t.TxHash, Confirmed: true}, nil
}

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// tierRig is a tenant ("acme") whose merchant customer owns the settlement
// wallet, its tiers: none (the default, 10 USDT a payment, no
// cross-chain) and merchant (100 a payment, 250 a day, 600 a month across
// chains; cross_chain), travel-rule data required above 200 USDT.
type tierRig struct {
	t        *testing.T
	clock    *clock
	st       *memstore.Store
	cust     *memstore.Customers
	stls     *memstore.Settlements
	travel   *memstore.Travel
	sealer   *memstore.Sealer
	svc      *settlement.Service
	w        *ledger.Withdrawals
	limits   *compliance.Limits
	tenant   string
	customer string
	wallet   sg.Wallet
	payee    map[sg.Chain]string
}

func newTierRig(t *testing.T, kyc sg.KYCStatus, capabilities ...sg.Capability) *tierRig {
	t.Helper()
	c := &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	r := &tierRig{t: t, clock: c, st: memstore.New(), cust: memstore.NewCustomers(), stls: memstore.NewSettlements(),
		travel: &memstore.Travel{}, sealer: &memstore.Sealer{}, tenant: "acme",
		payee: map[sg.Chain]string{sg.Ethereum: "0x00000000000000000000000000000000000000e1", sg.Tron: "TPayeeTronAddress000000000000000001"}}
	r.st.Now = c.Now
	tt := sg.TierTable{TenantID: r.tenant, Default: "none", Verified: "merchant", KYCValidity: 365 * 24 * time.Hour, Tiers: []sg.Tier{
		{Name: "none", Total: sg.TierLimits{Single: usdt(10), Day: usdt(10), Month: usdt(30)}, Capabilities: []sg.Capability{sg.CapPayouts}},
		{Name: "merchant", Total: sg.TierLimits{Single: usdt(100), Day: usdt(250), Month: usdt(600)},
			Capabilities: append([]sg.Capability{sg.CapPayouts}, capabilities...)},
	}}
	if _, err := r.cust.PutTiers(bg, tt); err != nil {
		t.Fatal(err)
	}
	customers := &compliance.Customers{Store: r.cust, Sealer: r.sealer, Now: c.Now, Log: slog.New(slog.DiscardHandler)}
	cus, err := customers.Create(bg, r.tenant, "merchant", sg.CustomerPII{Name: "Ada Merchant Lovelace", Country: "DE", DateOfBirth: "1990-01-02"})
	if err != nil {
		t.Fatal(err)
	}
	r.customer = cus.ID
	r.setKYC(kyc)
	r.limits = &compliance.Limits{Store: r.cust, Counters: r.cust, Now: c.Now}
	travel := &compliance.Travel{Store: r.travel, Sealer: r.sealer, Now: c.Now,
		Config: func(context.Context, string) (sg.TravelRuleConfig, error) {
			return sg.TravelRuleConfig{Threshold: usdt(200)}, nil
		}}
	tier := compliance.LimitPolicy{Limits: r.limits, Wallets: r.st,
		Op: compliance.PayoutOps{Travel: travel, Customers: customers, Wallets: r.st}.Op}
	r.svc = &settlement.Service{Fees: &settlement.Fees{Schedules: r.stls}, Configs: r.stls, Store: r.stls, Now: c.Now}
	lsvc := &ledger.Service{Store: r.st, Wallets: r.st, Now: c.Now}
	r.w = &ledger.Withdrawals{Service: lsvc, Mover: r.st, Queue: &memstore.Queue{}, Freezes: r.st, Quotes: r.st, Destinations: r.st, Waits: r.st,
		Fee:     func(sg.Chain) sg.Amount { return 0 },
		Policy:  compliance.Chain(compliance.TravelPolicy{Travel: travel}, tier),
		Payouts: map[sg.Chain]ledger.Payout{sg.Ethereum: fakeChain{}, sg.Tron: fakeChain{}},
		Settler: settlement.PayoutSettler{Svc: r.svc, Next: compliance.LimitPolicy{Limits: r.limits, Wallets: r.st}}}
	r.svc.Payer = settlementapi.Payer{W: r.w, Svc: r.svc, Tier: tier, Own: compliance.OwnPayouts{Travel: travel, Customers: customers}}

	// The settlement wallet, moved to the merchant's customer as the
	// config put moves it, funded on both chains.
	idx, _ := r.st.NextIndex(bg)
	w := sg.Wallet{ID: sg.NewID("wal", c.now), TenantID: r.tenant, CustomerRef: "settlement", Index: idx, CreatedAt: c.now}
	if err := r.st.CreateWallet(bg, w, sg.Idempotency{TenantID: r.tenant, Operation: "wallets.create", Key: "settlement wallet"}); err != nil {
		t.Fatal(err)
	}
	if r.wallet, err = r.st.SetWalletCustomer(bg, r.tenant, w.ID, r.customer); err != nil {
		t.Fatal(err)
	}
	for _, ch := range sg.Chains {
		if _, err := lsvc.CreditWallet(bg, r.tenant, ledger.Credit{Wallet: w.ID, Chain: ch, Asset: sg.USDT, Amount: usdt(10_000), Ref: "fund-" + string(ch)}); err != nil {
			t.Fatal(err)
		}
		cfg := sg.SettlementConfig{TenantID: r.tenant, Chain: ch, Mode: sg.SettleInstant, WalletID: w.ID,
			Destination: sg.SettlementDestination{Chain: ch, Address: r.payee[ch]}}
		if _, err := r.stls.PutSettlementConfig(bg, cfg); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *tierRig) setKYC(status sg.KYCStatus) {
	r.t.Helper()
	c, err := r.cust.Customer(bg, r.tenant, r.customer)
	if err != nil {
		r.t.Fatal(err)
	}
	c.KYC = sg.KYC{Status: status, UpdatedAt: r.clock.now}
	if status == sg.KYCVerified {
		c.KYC.Tier, c.KYC.VerifiedAt = "merchant", r.clock.now
	}
	if _, err := r.cust.UpdateCustomer(bg, c); err != nil {
		r.t.Fatal(err)
	}
}

// settle makes a settlement of net on chain c (cleared from the other
// chain if cleared), due now, and runs the job once; it answers the
// settlement as the job left it, its payout driven to its end.
func (r *tierRig) settle(c sg.Chain, net sg.Amount, cleared bool) sg.Settlement {
	r.t.Helper()
	now := r.clock.now
	from := c
	if cleared {
		from = map[sg.Chain]sg.Chain{sg.Ethereum: sg.Tron, sg.Tron: sg.Ethereum}[c]
	}
	ref := sg.NewID("inv", now)
	lines := []sg.SettlementLine{{Kind: sg.LineInvoice, Ref: ref, Chain: from, Gross: net, Net: net, At: now}}
	if cleared {
		lines = append(lines, sg.SettlementLine{Kind: sg.LineClearing, Ref: ref, Chain: from, To: c, Cleared: net, At: now})
	}
	stl := sg.Settlement{ID: sg.NewID("stl", now), TenantID: r.tenant, Chain: c, Currency: sg.USDT, Status: sg.SettlementOpen,
		Period: sg.SettlementPeriod{From: now}, CreatedAt: now, DueAt: now}
	stl, err := r.stls.CreateSettlement(bg, stl, lines)
	if err != nil {
		r.t.Fatal(err)
	}
	r.clock.now = now.Add(time.Second)
	if _, err := r.svc.CloseDue(bg, r.clock.now); err != nil {
		r.t.Fatalf("the job: %v", err)
	}
	return r.drive(stl.ID)
}

// drive runs the settlement's payout (if requested) through the pipeline
// to its end and reads the settlement back.
func (r *tierRig) drive(id string) sg.Settlement {
	r.t.Helper()
	stl, err := r.stls.Settlement(bg, r.tenant, id)
	if err != nil {
		r.t.Fatal(err)
	}
	if stl.PayoutTransferID != "" {
		if _, _, err := r.w.Advance(bg, r.tenant, stl.PayoutTransferID); err != nil {
			r.t.Fatalf("advance the payout: %v", err)
		}
		if stl, err = r.stls.Settlement(bg, r.tenant, id); err != nil {
			r.t.Fatal(err)
		}
	}
	return stl
}

func heldCode(s sg.Settlement) string {
	if s.Held == nil {
		return ""
	}
	return s.Held.Code
}

// wantPaid: the settlement's payout passed the tier step and was paid.
func (r *tierRig) wantPaid(what string, s sg.Settlement) {
	r.t.Helper()
	if s.Status != sg.SettlementPaid || s.Held != nil {
		r.t.Fatalf("%s: settlement %s, held %q, failed %q; want paid", what, s.Status, heldCode(s), s.FailReason)
	}
}

// wantHeld: the payout was not requested; the settlement waits, closed,
// naming the tier's refusal, due again later.
func (r *tierRig) wantHeld(what string, s sg.Settlement, code string) {
	r.t.Helper()
	if s.Status != sg.SettlementClosed || heldCode(s) != code || s.PayoutTransferID != "" || !s.DueAt.After(r.clock.now) {
		r.t.Fatalf("%s: settlement %s, held %q, payout %q, due %s; want closed, held %s, due later", what, s.Status, heldCode(s),
			s.PayoutTransferID, s.DueAt, code)
	}
}

func TestSettlementPayoutsAtTheTierEdges(t *testing.T) {
	cases := []struct {
		name string
		// before are the settlements paid first, each on its chain, at
		// its offset from the start (all passing).
		before []sg.Amount
		chains []sg.Chain
		gap    time.Duration // between the earlier settlements
		chain  sg.Chain
		edge   sg.Amount // exactly the limit's rest: passes
		code   string    // one base unit more: held by this code
	}{
		{name: "single payment on ethereum", chain: sg.Ethereum, edge: usdt(100), code: sg.ErrTierLimitSingle.Code},
		{name: "single payment on tron", chain: sg.Tron, edge: usdt(100), code: sg.ErrTierLimitSingle.Code},
		{name: "rolling day across both chains", before: []sg.Amount{usdt(100), usdt(100)}, chains: []sg.Chain{sg.Ethereum, sg.Tron},
			gap: time.Hour, chain: sg.Tron, edge: usdt(50), code: sg.ErrTierLimitDaily.Code},
		{name: "rolling month across both chains", before: []sg.Amount{usdt(100), usdt(100), usdt(100), usdt(100), usdt(100)},
			chains: []sg.Chain{sg.Tron, sg.Ethereum, sg.Tron, sg.Ethereum, sg.Tron}, gap: 25 * time.Hour, chain: sg.Ethereum,
			edge: usdt(100), code: sg.ErrTierLimitMonthly.Code},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newTierRig(t, sg.KYCVerified)
			for i, a := range c.before {
				r.wantPaid(fmt.Sprintf("earlier settlement %d", i), r.settle(c.chains[i], a, false))
				r.clock.now = r.clock.now.Add(c.gap)
			}
			// Exactly the limit's rest passes; the next base unit is held.
			r.wantPaid("exactly the limit", r.settle(c.chain, c.edge, false))
			if c.code == sg.ErrTierLimitSingle.Code {
				r.clock.now = r.clock.now.Add(25 * time.Hour) // a new day: only the single limit is at stake
			}
			r.wantHeld("one base unit more", r.settle(c.chain, edgeOver(c.edge, c.code), false), c.code)
		})
	}
}

// edgeOver is the amount one base unit over the limit the case tests: the
// single payment itself, or the window's rest (already used up).
func edgeOver(edge sg.Amount, code string) sg.Amount {
	if code == sg.ErrTierLimitSingle.Code {
		return edge + 1
	}
	return 1
}

// A settlement the unverified merchant may not receive waits, closed and
// named, is not failed, is asked about again (less often the longer it
// waits) and is paid once the customer is verified.
func TestAHeldSettlementIsPaidOnceTheTierAllowsIt(t *testing.T) {
	r := newTierRig(t, sg.KYCPending)
	r.wantPaid("the default tier's 10 USDT", r.settle(sg.Tron, usdt(10), false))
	r.clock.now = r.clock.now.Add(25 * time.Hour)
	held := r.settle(sg.Tron, usdt(10)+1, false)
	r.wantHeld("10.000001 USDT from an unverified merchant", held, sg.ErrTierLimitSingle.Code)
	if used, _ := r.cust.LimitUsage(bg, r.tenant, r.customer); used.Used(sg.ScopeAll, sg.WindowDay, r.clock.now) != 0 {
		t.Fatal("a held settlement reserved some of the limit")
	}

	// The job's next runs before the recheck change nothing; after it the
	// tier is asked again and the hold stands, since kept.
	res, err := r.svc.CloseDue(bg, r.clock.now)
	if err != nil || res.Due != 0 {
		t.Fatalf("a run before the recheck: %+v, %v", res, err)
	}
	r.clock.now = held.DueAt
	if res, err = r.svc.CloseDue(bg, r.clock.now); err != nil || res.Held != 1 {
		t.Fatalf("the recheck: %+v, %v; want it held again", res, err)
	}
	again := r.drive(held.ID)
	r.wantHeld("asked again, still unverified", again, sg.ErrTierLimitSingle.Code)
	if !again.Held.Since.Equal(held.Held.Since) || !again.DueAt.After(held.DueAt) {
		t.Fatalf("the hold since %s (was %s), due %s (was %s): want the same since, a later due", again.Held.Since, held.Held.Since, again.DueAt, held.DueAt)
	}

	r.setKYC(sg.KYCVerified)
	r.clock.now = again.DueAt
	if _, err := r.svc.CloseDue(bg, r.clock.now); err != nil {
		t.Fatal(err)
	}
	r.wantPaid("once the merchant is verified", r.drive(held.ID))
}

// Cross-chain clearing needs the tier's cross_chain: a settlement of value
// cleared from the other chain is held without it and paid with it, and
// a settlement of the payout chain's own value needs nothing more.
func TestClearedSettlementsNeedCrossChain(t *testing.T) {
	r := newTierRig(t, sg.KYCVerified)
	r.wantPaid("the payout chain's own value", r.settle(sg.Ethereum, usdt(20), false))
	r.wantHeld("value cleared from Tron", r.settle(sg.Ethereum, usdt(20), true), sg.ErrTierCapabilityMissing.Code)

	r = newTierRig(t, sg.KYCVerified, sg.CapCrossChain)
	r.wantPaid("value cleared from Tron with cross_chain", r.settle(sg.Ethereum, usdt(20), true))
}

// Above the travel-rule threshold the merchant's payout carries travel
// data built from its customer's sealed PII: originator and beneficiary the
// merchant, its own address, stored sealed and marked as an own-address
// payout; below it nothing is recorded.
func TestSettlementTravelRuleIsTheMerchantsOwn(t *testing.T) {
	r := newTierRig(t, sg.KYCVerified)
	small := r.settle(sg.Tron, usdt(100), false)
	r.wantPaid("under the threshold", small)
	if _, err := r.travel.Travel(bg, r.tenant, small.PayoutTransferID, sg.TravelOut); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("a payout under the threshold has a record: %v", err)
	}

	// Over the threshold: the single limit is 100, so a tier that allows more.
	tt, _ := r.cust.Tiers(bg, r.tenant)
	tt.Tiers[1].Total = sg.TierLimits{Single: usdt(1_000), Day: usdt(2_000), Month: usdt(5_000)}
	if _, err := r.cust.PutTiers(bg, tt); err != nil {
		t.Fatal(err)
	}
	big := r.settle(sg.Tron, usdt(300), false)
	r.wantPaid("over the threshold", big)
	rec, err := r.travel.Travel(bg, r.tenant, big.PayoutTransferID, sg.TravelOut)
	if err != nil || rec.Status != sg.TravelProvided || !rec.OwnAddress || rec.Amount != usdt(300) {
		t.Fatalf("travel record %+v, %v; want provided, own address", rec, err)
	}
	if bytes.Contains(rec.PayloadSealed, []byte("Lovelace")) || bytes.Contains(rec.PayloadSealed, []byte(r.customer)) {
		t.Fatal("the record keeps the merchant's PII in the clear")
	}
	tr := &compliance.Travel{Store: r.travel, Sealer: r.sealer}
	p, _, err := tr.Payload(bg, r.tenant, big.PayoutTransferID, sg.TravelOut)
	if err != nil {
		t.Fatal(err)
	}
	o, b := p.Originator.OriginatorPerson, p.Beneficiary.BeneficiaryPerson
	if len(o) != 1 || len(b) != 1 || o[0].NaturalPerson == nil || b[0].NaturalPerson == nil ||
		o[0].NaturalPerson.Name.NameIdentifier[0].PrimaryIdentifier != "Lovelace" ||
		o[0].NaturalPerson.Name.NameIdentifier[0].SecondaryIdentifier != "Ada Merchant" ||
		o[0].NaturalPerson.CustomerIdentification != r.customer || b[0].NaturalPerson.CustomerIdentification != r.customer ||
		len(p.Beneficiary.AccountNumber) != 1 || p.Beneficiary.AccountNumber[0] != r.payee[sg.Tron] {
		t.Fatalf("payload %+v; want the merchant as originator and beneficiary, to its own address", p)
	}
	if err := (compliance.TravelValidator{}).Validate(p); err != nil {
		t.Fatalf("the payload is not valid IVMS 101: %v", err)
	}
}
