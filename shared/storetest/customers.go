package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// CustomerStores is what the customer contract holds a store to: the
// customer store and the limit counters (one adapter implements both).
type CustomerStores interface {
	sg.CustomerStore
	sg.LimitCounters
}

// Customers holds a customer store and its limit counters to their
// contract: one named subtest per rule, each on a store open returns. The
// same names pass on the in-memory twin and on DynamoDB Local.
func Customers(t *testing.T, open func(t *testing.T) CustomerStores) {
	for _, c := range customerCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type customerCase struct {
	name string
	run  func(t *testing.T, st CustomerStores)
}

func cusID() string { return sg.NewID(sg.CustomerIDPrefix, time.Now()) }

func newCustomer(tn string, created time.Time) sg.Customer {
	return sg.Customer{ID: cusID(), TenantID: tn, SealedPII: []byte("sealed-pii-" + randHex(4)), SealedKey: []byte("sealed-key-" + randHex(4)),
		KYC: sg.KYC{Status: sg.KYCNone, UpdatedAt: created}, CreatedAt: created, UpdatedAt: created}
}

func sameCustomer(a, b sg.Customer) bool {
	return a.ID == b.ID && a.TenantID == b.TenantID && bytes.Equal(a.SealedPII, b.SealedPII) && bytes.Equal(a.SealedKey, b.SealedKey) &&
		a.KYC.Status == b.KYC.Status && a.KYC.Tier == b.KYC.Tier && a.KYC.Provider == b.KYC.Provider && a.KYC.ProviderRef == b.KYC.ProviderRef &&
		a.KYC.VerifiedAt.Equal(b.KYC.VerifiedAt) && a.KYC.ExpiresAt.Equal(b.KYC.ExpiresAt) && a.KYC.Reason == b.KYC.Reason &&
		a.KYC.ReviewedBy == b.KYC.ReviewedBy && a.KYC.UpdatedAt.Equal(b.KYC.UpdatedAt) && a.CreatedAt.Equal(b.CreatedAt) &&
		a.UpdatedAt.Equal(b.UpdatedAt) && a.ErasedAt.Equal(b.ErasedAt)
}

func hasCustomer(list []sg.Customer, id string) bool {
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

var customerCases = []customerCase{
	{"Customer/written once at version 1, read back whole; another tenant's is not found", func(t *testing.T, st CustomerStores) {
		tn := tenant()
		c := newCustomer(tn, now())
		c.PII = sg.CustomerPII{Name: "must not be stored"}
		must(t, "CreateCustomer", st.CreateCustomer(ctx, c))
		wantErr(t, "the same id again", st.CreateCustomer(ctx, c), sg.ErrCustomerExists)
		got, err := st.Customer(ctx, tn, c.ID)
		must(t, "Customer", err)
		if got.Version != 1 || !sameCustomer(got, c) {
			t.Fatalf("read back %+v; wrote %+v", got, c)
		}
		if got.PII.Name != "" {
			t.Fatal("the store returned a PII field: it must keep PII only sealed")
		}
		_, err = st.Customer(ctx, tenant(), c.ID)
		wantErr(t, "another tenant's customer", err, sg.ErrNotFound)
	}},
	{"Customer/updated only over the version read", func(t *testing.T, st CustomerStores) {
		tn := tenant()
		c := newCustomer(tn, now())
		must(t, "create", st.CreateCustomer(ctx, c))
		c, _ = st.Customer(ctx, tn, c.ID)
		v := now()
		c.KYC = sg.KYC{Status: sg.KYCVerified, Tier: "basic", Provider: "dev", ProviderRef: "ref-1", VerifiedAt: v, ExpiresAt: v.Add(time.Hour),
			Reason: "ok", ReviewedBy: "officer-1", UpdatedAt: v}
		c.UpdatedAt = v
		up, err := st.UpdateCustomer(ctx, c)
		must(t, "UpdateCustomer", err)
		if up.Version != 2 {
			t.Fatalf("version %d; want 2", up.Version)
		}
		got, _ := st.Customer(ctx, tn, c.ID)
		if got.Version != 2 || !sameCustomer(got, c) {
			t.Fatalf("read back %+v; wrote %+v", got, c)
		}
		_, err = st.UpdateCustomer(ctx, c) // still at version 1
		wantErr(t, "update over a stale version", err, sg.ErrCustomerChanged)
		other := c
		other.TenantID = tenant()
		other.Version = 2
		_, err = st.UpdateCustomer(ctx, other)
		wantErr(t, "update of another tenant's customer", err, sg.ErrNotFound)
	}},
	{"CustomersByStatus/the tenant's customers in one status, oldest first, in pages", func(t *testing.T, st CustomerStores) {
		tn := tenant()
		base := now().Add(-time.Hour)
		var pending []string
		for i := 0; i < 5; i++ {
			c := newCustomer(tn, base.Add(time.Duration(i)*time.Second))
			if i != 2 {
				c.KYC.Status = sg.KYCPending
				pending = append(pending, c.ID)
			}
			must(t, "create", st.CreateCustomer(ctx, c))
		}
		o := newCustomer(tenant(), base)
		o.KYC.Status = sg.KYCPending
		must(t, "another tenant's", st.CreateCustomer(ctx, o))
		var got []string
		cursor := ""
		for pages := 0; pages < 10; pages++ {
			list, next, err := st.CustomersByStatus(ctx, tn, sg.KYCPending, sg.Page{Limit: 3, Cursor: cursor})
			must(t, "CustomersByStatus", err)
			if len(list) > 3 {
				t.Fatalf("page of %d; limit 3", len(list))
			}
			for _, c := range list {
				got = append(got, c.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(got) != len(pending) {
			t.Fatalf("listed %v; want %v", got, pending)
		}
		for i := range got {
			if got[i] != pending[i] {
				t.Fatalf("listed %v; want %v (oldest first)", got, pending)
			}
		}
		// A status change moves the customer between lists.
		c, _ := st.Customer(ctx, tn, pending[0])
		c.KYC.Status = sg.KYCRejected
		_, err := st.UpdateCustomer(ctx, c)
		must(t, "reject", err)
		list, _, _ := st.CustomersByStatus(ctx, tn, sg.KYCPending, sg.Page{Limit: 100})
		rej, _, _ := st.CustomersByStatus(ctx, tn, sg.KYCRejected, sg.Page{Limit: 100})
		if hasCustomer(list, c.ID) || !hasCustomer(rej, c.ID) || len(list) != 3 {
			t.Fatal("a rejected customer is still in the pending list, or missing from the rejected one")
		}
	}},
	{"ExpiringCustomers/verified customers due by the time, from the index; others never", func(t *testing.T, st CustomerStores) {
		tn := tenant()
		n := now()
		mk := func(status sg.KYCStatus, expires time.Time) sg.Customer {
			c := newCustomer(tn, n)
			must(t, "create", st.CreateCustomer(ctx, c))
			c.Version = 1
			c.KYC = sg.KYC{Status: status, Tier: "basic", VerifiedAt: n.Add(-48 * time.Hour), ExpiresAt: expires, UpdatedAt: n}
			up, err := st.UpdateCustomer(ctx, c)
			must(t, "update", err)
			return up
		}
		due := mk(sg.KYCVerified, n.Add(-time.Hour))
		dueLongAgo := mk(sg.KYCVerified, n.AddDate(0, -2, 0))
		later := mk(sg.KYCVerified, n.Add(time.Hour))
		pending := mk(sg.KYCPending, n.Add(-time.Hour))
		list, err := st.ExpiringCustomers(ctx, n, 1000)
		must(t, "ExpiringCustomers", err)
		if !hasCustomer(list, due.ID) || !hasCustomer(list, dueLongAgo.ID) || hasCustomer(list, later.ID) || hasCustomer(list, pending.ID) {
			t.Fatalf("expiring = %d customers; want the two due verified ones only", len(list))
		}
		for _, c := range list {
			if c.ID == due.ID && (c.Version != due.Version || !sameCustomer(c, due)) {
				t.Fatalf("read back %+v; want %+v", c, due)
			}
		}
		due.KYC.Status = sg.KYCExpired
		_, err = st.UpdateCustomer(ctx, due)
		must(t, "expire", err)
		list, _ = st.ExpiringCustomers(ctx, n, 1000)
		if hasCustomer(list, due.ID) {
			t.Fatal("an expired customer is still in the expiry index")
		}
		// Moving the expiry later takes it out of the due list.
		dueLongAgo.KYC.ExpiresAt = n.AddDate(1, 0, 0)
		_, err = st.UpdateCustomer(ctx, dueLongAgo)
		must(t, "renew", err)
		list, _ = st.ExpiringCustomers(ctx, n, 1000)
		if hasCustomer(list, dueLongAgo.ID) {
			t.Fatal("a renewed verification is still due under its old expiry")
		}
		list, _ = st.ExpiringCustomers(ctx, n.AddDate(1, 0, 1), 1000)
		if !hasCustomer(list, dueLongAgo.ID) || !hasCustomer(list, later.ID) {
			t.Fatal("verifications due by a later time are missing")
		}
		if l, _ := st.ExpiringCustomers(ctx, n.AddDate(1, 0, 1), 1); len(l) != 1 {
			t.Fatalf("limit 1 gave %d", len(l))
		}
	}},
	{"DestroyCustomerKey/the data key goes, the sealed PII stays, once; another tenant's is not found", func(t *testing.T, st CustomerStores) {
		tn := tenant()
		c := newCustomer(tn, now())
		must(t, "create", st.CreateCustomer(ctx, c))
		at := now()
		got, err := st.DestroyCustomerKey(ctx, tn, c.ID, at)
		must(t, "DestroyCustomerKey", err)
		if got.SealedKey != nil || !got.ErasedAt.Equal(at) || !got.Erased() || !bytes.Equal(got.SealedPII, c.SealedPII) || got.Version != 2 {
			t.Fatalf("after destroy: key %x, erased %v, version %d", got.SealedKey, got.ErasedAt, got.Version)
		}
		read, _ := st.Customer(ctx, tn, c.ID)
		if read.SealedKey != nil || !read.Erased() {
			t.Fatal("the read-back customer still has its data key")
		}
		again, err := st.DestroyCustomerKey(ctx, tn, c.ID, at.Add(time.Hour))
		must(t, "again", err)
		if !again.ErasedAt.Equal(at) || again.Version != 2 {
			t.Fatal("a second destroy changed the record")
		}
		_, err = st.DestroyCustomerKey(ctx, tenant(), c.ID, at)
		wantErr(t, "another tenant's", err, sg.ErrNotFound)
	}},
	{"Tiers/the default at version 0, then written over the version read", func(t *testing.T, st CustomerStores) {
		tn := tenant()
		tt, err := st.Tiers(ctx, tn)
		must(t, "Tiers", err)
		if tt.Version != 0 || tt.Default != sg.TierNone || len(tt.Tiers) != len(sg.DefaultTierTable(tn).Tiers) {
			t.Fatalf("default table %+v", tt)
		}
		tt.Tiers[1].PerChain = map[sg.Chain]sg.TierLimits{sg.Tron: {Single: 5, Day: 6, Month: 7}}
		tt.Verified, tt.UpdatedAt = sg.TierStandard, now()
		up, err := st.PutTiers(ctx, tt)
		must(t, "PutTiers", err)
		if up.Version != 1 {
			t.Fatalf("version %d; want 1", up.Version)
		}
		got, _ := st.Tiers(ctx, tn)
		if got.Version != 1 || got.Verified != sg.TierStandard || got.Tiers[1].PerChain[sg.Tron].Month != 7 || got.KYCValidity != tt.KYCValidity ||
			!got.UpdatedAt.Equal(tt.UpdatedAt) || !got.Tiers[3].Can(sg.CapCrossBorder) {
			t.Fatalf("read back %+v", got)
		}
		_, err = st.PutTiers(ctx, tt) // still version 0
		wantErr(t, "a stale write", err, sg.ErrTiersChanged)
		if other, _ := st.Tiers(ctx, tenant()); other.Version != 0 {
			t.Fatal("another tenant sees this tenant's table")
		}
	}},
	{"SaveLimits/usage and reservation together, over the version and state read", func(t *testing.T, st CustomerStores) {
		tn, subj := tenant(), cusID()
		u, err := st.LimitUsage(ctx, tn, subj)
		must(t, "LimitUsage", err)
		if u.Version != 0 || len(u.Buckets) != 0 {
			t.Fatalf("fresh usage %+v", u)
		}
		_, err = st.LimitReservation(ctx, tn, subj, "tr_1")
		wantErr(t, "no reservation yet", err, sg.ErrNotFound)
		at := now()
		u.TenantID, u.Subject = tn, subj
		u.Add(sg.Ethereum, at, 100)
		r := sg.LimitReservation{TenantID: tn, Subject: subj, ID: "tr_1", Chain: sg.Ethereum, Amount: 100, At: at, State: sg.ReservationReserved, UpdatedAt: at}
		must(t, "SaveLimits new", st.SaveLimits(ctx, u, r, ""))
		got, _ := st.LimitUsage(ctx, tn, subj)
		if got.Version != 1 || got.Used(sg.ScopeAll, sg.WindowDay, at) != 100 || got.Used("ethereum", sg.WindowMonth, at) != 100 || len(got.Buckets) != 4 {
			t.Fatalf("usage read back %+v", got)
		}
		gr, err := st.LimitReservation(ctx, tn, subj, "tr_1")
		must(t, "LimitReservation", err)
		if gr != r {
			t.Fatalf("reservation read back %+v; wrote %+v", gr, r)
		}
		// A stale usage version writes nothing, not even the reservation.
		u2 := u
		u2.Buckets = map[string]sg.Amount{}
		u2.Add(sg.Tron, at, 5)
		r2 := r
		r2.ID = "tr_2"
		wantErr(t, "stale usage", st.SaveLimits(ctx, u2, r2, ""), sg.ErrLimitsChanged)
		if _, err := st.LimitReservation(ctx, tn, subj, "tr_2"); !errors.Is(err, sg.ErrNotFound) {
			t.Fatal("a refused save wrote its reservation")
		}
		// The same reservation id is new only once.
		got.Add(sg.Ethereum, at, 1)
		wantErr(t, "reservation exists", st.SaveLimits(ctx, got, r, ""), sg.ErrLimitsChanged)
		if again, _ := st.LimitUsage(ctx, tn, subj); again.Version != 1 || again.Used(sg.ScopeAll, sg.WindowDay, at) != 100 {
			t.Fatal("a refused save moved the usage")
		}
		// A move from the state read; not from another.
		got, _ = st.LimitUsage(ctx, tn, subj)
		got.Add(sg.Ethereum, at, -100)
		rel := r
		rel.State = sg.ReservationReleased
		wantErr(t, "from the wrong state", st.SaveLimits(ctx, got, rel, sg.ReservationCommitted), sg.ErrLimitsChanged)
		must(t, "release", st.SaveLimits(ctx, got, rel, sg.ReservationReserved))
		final, _ := st.LimitUsage(ctx, tn, subj)
		if final.Version != 2 || final.Used(sg.ScopeAll, sg.WindowMonth, at) != 0 {
			t.Fatalf("after release %+v", final)
		}
		if _, err := st.LimitUsage(ctx, tenant(), subj); err != nil {
			t.Fatal(err)
		}
		if o, _ := st.LimitUsage(ctx, tenant(), subj); o.Version != 0 {
			t.Fatal("another tenant sees this subject's usage")
		}
	}},
}
