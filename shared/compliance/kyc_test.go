package compliance_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stablegate/stablegate/internal/dev/kycdev"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/kycprovider"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The provider's signed verdict moves a pending customer to verified, in
// the tier asked for, valid for the table's validity.
func TestKYCStartAndCallback(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	c := r.create(t, "k1", kcPII("Kay Wyce"))
	if c.KYC.Status != sg.KYCNone {
		t.Fatalf("a new customer is %s", c.KYC.Status)
	}
	pending, st, err := r.kyc.Start(ctx, r.tenant, c.ID, sg.TierStandard)
	if err != nil {
		t.Fatal(err)
	}
	if pending.KYC.Status != sg.KYCPending || pending.KYC.ProviderRef != st.ProviderRef || pending.KYC.Provider != "dev" || st.URL == "" {
		t.Fatalf("after start: %+v, %+v", pending.KYC, st)
	}
	if err := r.dev.Decide(ctx, st.ProviderRef, "verified", "ok", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ := r.cus.Get(ctx, r.tenant, c.ID)
	now := r.clock.Now()
	if got.KYC.Status != sg.KYCVerified || got.KYC.Tier != sg.TierStandard || !got.KYC.VerifiedAt.Equal(now) ||
		!got.KYC.ExpiresAt.Equal(now.Add(365*24*time.Hour)) {
		t.Fatalf("after the callback: %+v", got.KYC)
	}
	_, _, err = r.kyc.Start(ctx, r.tenant, c.ID, "no-such-tier")
	kcWant(t, "start for an unknown tier", err, sg.ErrValidation, "tier")
	_, _, err = r.kyc.Start(ctx, "another-tenant", c.ID, "")
	kcWant(t, "start for another tenant's customer", err, sg.ErrNotFound, "")
}

// Forged, altered and stale callbacks are refused and change nothing;
// a redelivered callback changes nothing either.
func TestKYCCallbackVerification(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	c := r.create(t, "k1", kcPII("Cal Back"))
	_, st, err := r.kyc.Start(ctx, r.tenant, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	sig, body, err := r.dev.Callback(st.ProviderRef, "verified", "ok", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	forger := &kycdev.Provider{Secret: []byte("not the secret"), Now: r.clock.Now}
	fref := forger.Begin(kycprovider.Reference(r.tenant, c.ID))
	_ = fref
	fsig, fbody, _ := forger.Callback(fref, "verified", "forged", time.Time{})
	old := r.clock.Now().Add(-10 * time.Minute)
	future := r.clock.Now().Add(10 * time.Minute)
	cases := []struct {
		name string
		sig  string
		body []byte
	}{
		{"signed with another secret", fsig, fbody},
		{"body altered after signing", sig, bytes.Replace(body, []byte(`"verified"`), []byte(`"rejected"`), 1)},
		{"signature of this body under another secret", kycprovider.Sign([]byte("guess"), r.clock.Now(), body), body},
		{"timestamp 10 minutes old", kycprovider.Sign(kcSecret, old, body), body},
		{"timestamp 10 minutes ahead", kycprovider.Sign(kcSecret, future, body), body},
		{"no signature", "", body},
		{"signature not hex", "t=1,v1=zz", body},
		{"signature with no timestamp", "v1=" + sig[len(sig)-64:], body},
		{"valid signature, body not JSON", kycprovider.Sign(kcSecret, r.clock.Now(), []byte("verified")), []byte("verified")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.kyc.Callback(ctx, tc.sig, tc.body)
			kcWant(t, "callback", err, sg.ErrKYCCallbackInvalid, "")
			got, _ := r.cus.Get(ctx, r.tenant, c.ID)
			if got.KYC.Status != sg.KYCPending {
				t.Fatalf("a refused callback moved the customer to %s", got.KYC.Status)
			}
		})
	}
	first, err := r.kyc.Callback(ctx, sig, body)
	if err != nil || first.KYC.Status != sg.KYCVerified {
		t.Fatalf("the genuine callback: %v, %v", first.KYC.Status, err)
	}
	r.clock.Add(time.Minute) // redelivered a minute later, still within tolerance
	again, err := r.kyc.Callback(ctx, sig, body)
	if err != nil || again.Version != first.Version || !again.KYC.VerifiedAt.Equal(first.KYC.VerifiedAt) {
		t.Fatalf("the redelivered callback changed the customer: v%d -> v%d, %v", first.Version, again.Version, err)
	}
	// A callback for an earlier verification (another provider ref) is ignored.
	_, st2, err := r.kyc.Start(ctx, r.tenant, c.ID, sg.TierPlus)
	if err != nil {
		t.Fatal(err)
	}
	rsig, rbody, _ := r.dev.Callback(st.ProviderRef, "rejected", "late", time.Time{})
	if got, err := r.kyc.Callback(ctx, rsig, rbody); err != nil || got.KYC.Status != sg.KYCPending || got.KYC.ProviderRef != st2.ProviderRef {
		t.Fatalf("a callback of the earlier verification applied: %v, %v", got.KYC, err)
	}
}

// Officers review what the provider could not decide: the queue lists
// pending customers oldest first; approve and reject need a reason and a
// pending customer read at its current version.
func TestKYCReviewQueue(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	var ids []string
	for _, k := range []string{"a", "b", "c"} {
		c := r.create(t, k, kcPII("Rev "+k))
		_, st, err := r.kyc.Start(ctx, r.tenant, c.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := r.dev.Decide(ctx, st.ProviderRef, "review", "document unclear", time.Time{}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		r.clock.Add(time.Second)
	}
	q, _, err := r.kyc.Queue(ctx, r.tenant, sg.Page{Limit: 10})
	if err != nil || len(q) != 3 || q[0].ID != ids[0] || q[2].ID != ids[2] || q[0].PII.Name != "Rev a" {
		t.Fatalf("queue %d, %v", len(q), err)
	}
	page, next, _ := r.kyc.Queue(ctx, r.tenant, sg.Page{Limit: 2})
	if len(page) != 2 || next == "" {
		t.Fatalf("first page of 2: %d, next %q", len(page), next)
	}
	if other, _, _ := r.kyc.Queue(ctx, "another-tenant", sg.Page{}); len(other) != 0 {
		t.Fatal("another tenant sees this tenant's queue")
	}
	cases := []struct {
		name  string
		id    string
		ver   func() int64
		d     compliance.KYCDecision
		want  *sg.Error
		param string
		after sg.KYCStatus
		tier  string
	}{
		{"no reason", ids[0], func() int64 { return q[0].Version }, compliance.KYCDecision{Approve: true, Officer: "off-1"}, sg.ErrValidation, "reason", sg.KYCPending, ""},
		{"stale version", ids[0], func() int64 { return q[0].Version - 1 }, compliance.KYCDecision{Approve: true, Reason: "ok", Officer: "off-1"}, sg.ErrCustomerChanged, "", sg.KYCPending, ""},
		{"approve into a named tier", ids[0], func() int64 { return q[0].Version }, compliance.KYCDecision{Approve: true, Tier: sg.TierPlus, Reason: "documents checked by hand", Officer: "off-1"}, nil, "", sg.KYCVerified, sg.TierPlus},
		{"reject", ids[1], func() int64 { return q[1].Version }, compliance.KYCDecision{Reason: "document forged", Officer: "off-2"}, nil, "", sg.KYCRejected, ""},
		{"a decided customer is not pending", ids[0], func() int64 { c, _ := r.cus.Get(ctx, r.tenant, ids[0]); return c.Version }, compliance.KYCDecision{Reason: "again", Officer: "off-1"}, sg.ErrKYCNotPending, "", sg.KYCVerified, sg.TierPlus},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.kyc.Review(ctx, r.tenant, c.id, c.ver(), c.d)
			kcWant(t, "Review", err, c.want, c.param)
			got, _ := r.cus.Get(ctx, r.tenant, c.id)
			if got.KYC.Status != c.after || (c.tier != "" && got.KYC.Tier != c.tier) {
				t.Fatalf("after: %s %s; want %s %s", got.KYC.Status, got.KYC.Tier, c.after, c.tier)
			}
			if c.want == nil && (got.KYC.ReviewedBy != c.d.Officer || got.KYC.Reason != c.d.Reason) {
				t.Fatalf("the decision is not recorded: %+v", got.KYC)
			}
		})
	}
	q, _, _ = r.kyc.Queue(ctx, r.tenant, sg.Page{Limit: 10})
	if len(q) != 1 || q[0].ID != ids[2] {
		t.Fatalf("the queue after decisions has %d", len(q))
	}
}

// Verifications expire by a job over the expiry index: due ones become
// expired once, others stay; an expired customer is asked to verify again.
func TestKYCExpiry(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	a := r.create(t, "a", kcPII("Early Expiry"))
	r.verify(t, a.ID, sg.TierPlus)
	r.clock.Add(24 * time.Hour)
	b := r.create(t, "b", kcPII("Later Expiry"))
	r.verify(t, b.ID, sg.TierPlus)
	if n, err := r.kyc.ExpireDue(ctx, 100); err != nil || n != 0 {
		t.Fatalf("nothing is due yet: %d, %v", n, err)
	}
	r.clock.Add(365*24*time.Hour - 12*time.Hour) // past a's expiry, before b's
	n, err := r.kyc.ExpireDue(ctx, 100)
	if err != nil || n != 1 {
		t.Fatalf("ExpireDue = %d, %v; want 1", n, err)
	}
	ga, _ := r.cus.Get(ctx, r.tenant, a.ID)
	gb, _ := r.cus.Get(ctx, r.tenant, b.ID)
	if ga.KYC.Status != sg.KYCExpired || gb.KYC.Status != sg.KYCVerified {
		t.Fatalf("after the job: a %s, b %s", ga.KYC.Status, gb.KYC.Status)
	}
	if n, _ := r.kyc.ExpireDue(ctx, 100); n != 0 {
		t.Fatalf("a second run expired %d more", n)
	}
	err = r.lim.Check(ctx, r.tenant, a.ID, sg.Ethereum, 1, sg.LimitOp{Kind: sg.OpPayout, CrossChain: true}, r.clock.Now())
	kcWant(t, "cross-chain after expiry", err, sg.ErrKYCExpired, "customer")
	if _, err := r.kyc.Review(ctx, r.tenant, a.ID, ga.Version, compliance.KYCDecision{Approve: true, Reason: "x", Officer: "o"}); !errors.Is(err, sg.ErrKYCNotPending) {
		t.Fatalf("review of an expired customer: %v", err)
	}
}

// Tier tables are versioned and validated.
func TestTierTableWrites(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	tt, _ := r.tiers.Get(ctx, r.tenant)
	bad := []struct {
		name  string
		edit  func(*sg.TierTable)
		param string
	}{
		{"unknown default tier", func(x *sg.TierTable) { x.Default = "gold" }, "default"},
		{"duplicate tier name", func(x *sg.TierTable) { x.Tiers = append(x.Tiers, x.Tiers[0]) }, "tiers.name"},
		{"negative limit", func(x *sg.TierTable) { x.Tiers[1].Total.Day = -1 }, "tiers.total"},
		{"unknown chain", func(x *sg.TierTable) { x.Tiers[1].PerChain = map[sg.Chain]sg.TierLimits{"bitcoin": {}} }, "tiers.per_chain"},
		{"unknown capability", func(x *sg.TierTable) { x.Tiers[1].Capabilities = []sg.Capability{"teleport"} }, "tiers.capabilities"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			x, _ := r.tiers.Get(ctx, r.tenant)
			c.edit(&x)
			_, err := r.tiers.Put(ctx, x)
			kcWant(t, "Put", err, sg.ErrValidation, c.param)
		})
	}
	up, err := r.tiers.Put(ctx, tt)
	if err != nil || up.Version != 1 {
		t.Fatalf("Put = v%d, %v", up.Version, err)
	}
	_, err = r.tiers.Put(ctx, tt)
	kcWant(t, "stale put", err, sg.ErrTiersChanged, "")
}
