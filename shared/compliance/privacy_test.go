package compliance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Seeded PII: values distinctive enough that finding one anywhere means it leaked.
var kcSeed = sg.CustomerPII{Name: "Zebulon Quintavius Marrowfield", DateOfBirth: "1983-07-29", Country: "NZ",
	Documents: []sg.CustomerDocument{{Kind: "passport", Reference: "LA9921733QX"}, {Kind: "id_card", Reference: "IDC-5538-ZQM-0071"}}}

func kcSeedValues(p sg.CustomerPII) []string {
	out := []string{p.Name, p.DateOfBirth, "Quintavius", "Marrowfield"}
	for _, d := range p.Documents {
		out = append(out, d.Reference)
	}
	return out
}

// leaked names the seeded values found in b, in plain text or as JSON
// would escape them.
func leaked(b []byte, values []string) []string {
	var out []string
	for _, v := range values {
		if bytes.Contains(b, []byte(v)) || bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(v))) {
			out = append(out, v)
		}
	}
	return out
}

// Must-show 5 on the twin: across a customer's whole life (create, update,
// KYC, review, limits, view, export, erasure) and the refusals on the way,
// the seeded PII never appears in any stored item, any log line or any
// error; after erasure it cannot be read back.
func TestSeededPIINeverInPlainText(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	var errs []error
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	c := r.create(t, "k1", kcSeed)
	if again := r.create(t, "k1", kcSeed); again.ID != c.ID {
		t.Fatal("a replay of the create made another customer")
	}
	_, err := r.cus.Create(ctx, r.tenant, "k1", kcPII("Someone Else"))
	kcWant(t, "the key reused with other PII", err, sg.ErrIdempotencyKeyReused, "")
	note(err)
	// Refusals whose input holds the PII must not echo it.
	badName := kcSeed
	badName.Name = strings.Repeat(kcSeed.Name, 10)
	_, err = r.cus.Create(ctx, r.tenant, "k2", badName)
	kcWant(t, "a name too long", err, sg.ErrValidation, "name")
	note(err)
	badDOB := kcSeed
	badDOB.DateOfBirth = kcSeed.Name
	_, err = r.cus.Create(ctx, r.tenant, "k3", badDOB)
	kcWant(t, "a bad date of birth", err, sg.ErrValidation, "date_of_birth")
	note(err)
	badCountry := kcSeed
	badCountry.Country = kcSeed.Documents[0].Reference
	_, err = r.cus.UpdatePII(ctx, r.tenant, c.ID, c.Version, badCountry)
	kcWant(t, "a bad country", err, sg.ErrValidation, "country")
	note(err)
	moved := kcSeed
	moved.Documents = append([]sg.CustomerDocument(nil), kcSeed.Documents...)
	moved.Documents[1].Reference = "IDC-5538-ZQM-0071"
	c, err = r.cus.UpdatePII(ctx, r.tenant, c.ID, c.Version, moved)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.cus.UpdatePII(ctx, r.tenant, c.ID, c.Version-1, moved)
	note(err)
	// KYC through the provider and an officer.
	_, st, err := r.kyc.Start(ctx, r.tenant, c.ID, sg.TierStandard)
	if err != nil {
		t.Fatal(err)
	}
	note(r.dev.Decide(ctx, st.ProviderRef, "review", "needs a look", time.Time{}))
	q, _, err := r.kyc.Queue(ctx, r.tenant, sg.Page{})
	if err != nil || len(q) != 1 || q[0].PII.Name != kcSeed.Name {
		t.Fatalf("the queue shows the officer the customer: %d, %v", len(q), err)
	}
	if _, err := r.kyc.Review(ctx, r.tenant, c.ID, q[0].Version, kcDecision(true)); err != nil {
		t.Fatal(err)
	}
	_, err = r.kyc.Callback(ctx, "t=1,v1=00", []byte(`{"reference":"`+kcSeed.Name+`"}`))
	note(err)
	note(r.lim.Spend(ctx, r.tenant, c.ID, "tr_1", sg.Tron, 2_000_000, sg.LimitOp{Kind: sg.OpPayout}, r.clock.Now()))
	note(r.lim.Check(ctx, r.tenant, c.ID, sg.Tron, 1_000_000_000_000, sg.LimitOp{Kind: sg.OpPayout, CrossBorder: true}, r.clock.Now()))
	note(r.lim.Check(ctx, r.tenant, c.ID, sg.Tron, 1_000_000_000_000, sg.LimitOp{Kind: sg.OpPayout}, r.clock.Now()))

	// Export, while not erased, holds the PII (it is the subject's copy).
	exp, err := r.cus.ExportCustomer(ctx, r.tenant, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ID  string         `json:"id"`
		PII sg.CustomerPII `json:"personal_data"`
		KYC struct {
			Status string `json:"status"`
			Tier   string `json:"tier"`
		} `json:"kyc"`
	}
	if err := json.Unmarshal(exp, &doc); err != nil || doc.ID != c.ID || doc.PII.Name != kcSeed.Name || doc.PII.Documents[1].Reference != "IDC-5538-ZQM-0071" ||
		doc.KYC.Status != "verified" || doc.KYC.Tier != sg.TierStandard {
		t.Fatalf("export: %s, %v", exp, err)
	}

	// Erasure.
	sealedBefore, _ := r.store.Customer(ctx, r.tenant, c.ID)
	erased, err := r.cus.EraseCustomer(ctx, r.tenant, c.ID)
	if err != nil || erased.PII.Name != sg.ErasedPII {
		t.Fatalf("erase: %v, %v", erased.PII.Name, err)
	}
	if _, err := r.cus.EraseCustomer(ctx, r.tenant, c.ID); err != nil {
		t.Fatalf("a second erase: %v", err)
	}
	got, err := r.cus.Get(ctx, r.tenant, c.ID)
	if err != nil || got.PII.Name != sg.ErasedPII || got.PII.DateOfBirth != sg.ErasedPII || len(got.PII.Documents) != 0 {
		t.Fatalf("after erasure the PII reads %+v, %v", got.PII, err)
	}
	stored, _ := r.store.Customer(ctx, r.tenant, c.ID)
	if stored.SealedKey != nil || !bytes.Equal(stored.SealedPII, sealedBefore.SealedPII) {
		t.Fatal("erasure must destroy the data key and leave the sealed PII unopenable in place")
	}
	// Even given the record as it was stored, nothing opens it: the one key is gone.
	_, err = r.cus.UpdatePII(ctx, r.tenant, c.ID, got.Version, kcSeed)
	kcWant(t, "update after erasure", err, sg.ErrCustomerErased, "")
	note(err)
	_, err = r.cus.ExportCustomer(ctx, r.tenant, c.ID)
	kcWant(t, "export after erasure", err, sg.ErrCustomerErased, "")
	note(err)
	_, _, err = r.kyc.Start(ctx, r.tenant, c.ID, "")
	kcWant(t, "KYC after erasure", err, sg.ErrCustomerErased, "")
	// Its KYC status and limits stay: the ledger's records of it are intact.
	if got.KYC.Status != sg.KYCVerified {
		t.Fatalf("erasure changed the KYC status to %s", got.KYC.Status)
	}
	note(r.lim.Check(ctx, r.tenant, c.ID, sg.Tron, 1, sg.LimitOp{Kind: sg.OpPayout}, r.clock.Now()))

	values := kcSeedValues(kcSeed)
	for i, it := range r.store.Items() {
		if l := leaked(it, values); len(l) > 0 {
			t.Errorf("stored item %d holds %v in plain text", i, l)
		}
	}
	if l := leaked(r.logs.Bytes(), values); len(l) > 0 {
		t.Errorf("the logs hold %v", l)
	}
	if r.logs.Len() == 0 || !bytes.Contains(r.logs.Bytes(), []byte(c.ID)) {
		t.Error("the logs are empty: the scan proves nothing")
	}
	if len(errs) < 8 {
		t.Errorf("only %d errors collected: the scan proves little", len(errs))
	}
	for _, err := range errs {
		if l := leaked([]byte(err.Error()), values); len(l) > 0 {
			t.Errorf("error %q holds %v", err, l)
		}
	}
}

// Another tenant's customer does not exist for this one.
func TestCustomerTenantScope(t *testing.T) {
	r := newKCRig(t)
	ctx := context.Background()
	c := r.create(t, "k1", kcPII("Ten Ant"))
	for name, err := range map[string]error{
		"Get":    func() error { _, err := r.cus.Get(ctx, "other", c.ID); return err }(),
		"Update": func() error { _, err := r.cus.UpdatePII(ctx, "other", c.ID, 1, kcPII("X y")); return err }(),
		"Erase":  func() error { _, err := r.cus.EraseCustomer(ctx, "other", c.ID); return err }(),
		"Export": func() error { _, err := r.cus.ExportCustomer(ctx, "other", c.ID); return err }(),
	} {
		kcWant(t, name, err, sg.ErrNotFound, "")
	}
	if got, _ := r.cus.Get(ctx, r.tenant, c.ID); got.Erased() {
		t.Fatal("another tenant's erase reached the customer")
	}
}
