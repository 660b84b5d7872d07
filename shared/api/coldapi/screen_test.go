package coldapi

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// caseBook records the cases screening opens.
type caseBook struct {
	mu   sync.Mutex
	reqs []sg.CaseRequest
}

func (c *caseBook) OpenCase(_ context.Context, r sg.CaseRequest) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, r)
	return "cs_1", nil
}

// bundler is a chain that records the bundles it was asked for.
type bundler struct {
	Chain
	made int
}

func (b *bundler) Bundle(_ context.Context, r sg.ColdRecord, to address.Account, _ string) (sg.ColdRecord, error) {
	b.made++
	r.Chain, r.To, r.ExpiresAt = string(sg.Tron), to.Tron(), r.CreatedAt.Add(time.Hour)
	return r, nil
}

// A cold payout to a sanctioned address is refused before any bundle is
// made, with its code, and a case opened; with no list loaded nothing is
// prepared (screening fails closed); a signed bundle whose destination was
// listed while it was away is not imported.
func TestColdPayoutsScreened(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	cases := &caseBook{}
	screen := &compliance.Screening{Store: memstore.NewSanctions(), Cases: cases, Now: func() time.Time { return now }}
	ch := &bundler{}
	s := &Service{Store: &stubStore{}, Chains: map[sg.Chain]Chain{sg.Tron: ch}, Now: func() time.Time { return now }, Screen: screen}
	listed, _ := address.Parse(sg.Tron, "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre") // on the copied OFAC list
	if _, _, err := s.Prepare(ctx, "ops", "k-0", "h", sg.Tron, listed, 1_000_000, "refill"); !errors.Is(err, sg.ErrSanctionsListMissing) || ch.made != 0 {
		t.Fatalf("prepare with no list: %v (%d bundles); want %s and none", err, ch.made, sg.ErrSanctionsListMissing.Code)
	}
	if _, _, err := screen.Refresh(ctx, compliance.FileFetcher{Dir: filepath.Join("..", "..", "..", "infra", "ofac")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Prepare(ctx, "ops", "k-1", "h", sg.Tron, listed, 1_000_000, "refill"); !errors.Is(err, sg.ErrDestinationSanctioned) || ch.made != 0 {
		t.Fatalf("prepare to a listed address: %v (%d bundles); want %s and none", err, ch.made, sg.ErrDestinationSanctioned.Code)
	}
	if len(cases.reqs) != 1 || cases.reqs[0].Kind != sg.CaseSanctionsHit || cases.reqs[0].Tenant != sg.PlatformTenant {
		t.Fatalf("cases %+v; want one sanctions case of the platform", cases.reqs)
	}
	// Blocked while the bundle was at the offline signer.
	st := &stubStore{bundle: sg.ColdRecord{ID: "cb_x", Tenant: sg.PlatformTenant, Chain: "tron", To: "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8",
		State: sg.ColdPrepared, ExpiresAt: now.Add(time.Hour)}}
	s.Store, s.Chains = st, map[sg.Chain]Chain{sg.Tron: stubChain{}}
	if _, _, err := screen.Block(ctx, sg.PlatformTenant, sg.Tron, st.bundle.To, "exchange account closed", "ops"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, "ops", "cb_x", []byte("{}")); !errors.Is(err, sg.ErrDestinationBlocked) || st.saved != 0 {
		t.Fatalf("import to a blocked address: %v (saved %d); want %s and nothing kept", err, st.saved, sg.ErrDestinationBlocked.Code)
	}
}
