package coldapi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// stubStore knows one prepared bundle; anything else it is asked panics
// (the embedded nil Store), so a test sees every write a step attempts.
type stubStore struct {
	Store
	bundle sg.ColdRecord
	saved  int
}

func (s *stubStore) ColdBundle(_ context.Context, _, id string, byKey bool) (sg.ColdRecord, error) {
	if byKey || id != s.bundle.ID {
		return sg.ColdRecord{}, sg.ErrNotFound
	}
	return s.bundle, nil
}

func (s *stubStore) SaveSignedTx(context.Context, string, []byte, string, time.Time) (sg.SignedTx, error) {
	s.saved++
	return sg.SignedTx{}, errors.New("not expected under a freeze")
}

type stubChain struct{ Chain }

func (stubChain) Signed(sg.ColdRecord, []byte) ([]byte, string, error) {
	return []byte{1}, "0xabc", nil
}

type platformFrozen struct{ on bool }

func (p platformFrozen) FreezeOn(_ context.Context, tenant, _ string) (sg.Freeze, bool, error) {
	if tenant != sg.PlatformTenant {
		return sg.Freeze{}, false, errors.New("cold payouts asked about a tenant's freeze")
	}
	return sg.Freeze{ID: "frz_1", Scope: sg.FreezePlatform}, p.on, nil
}

// A platform freeze stops cold payouts too: none is prepared, and a signed
// bundle is not imported (so not broadcast) while it holds.
func TestPlatformFreezeStopsColdPayouts(t *testing.T) {
	now := time.Now()
	st := &stubStore{bundle: sg.ColdRecord{ID: "cb_x", Tenant: sg.PlatformTenant, Chain: "tron", State: sg.ColdPrepared, ExpiresAt: now.Add(time.Hour)}}
	s := &Service{Store: st, Chains: map[sg.Chain]Chain{sg.Tron: stubChain{}}, Now: func() time.Time { return now }, Freezes: platformFrozen{on: true}}
	if _, _, err := s.Prepare(context.Background(), "ops", "k-1", "h", sg.Tron, address.Account{1}, 1_000_000, "refill"); !errors.Is(err, sg.ErrFrozen) {
		t.Fatalf("prepare under a platform freeze: %v, want frozen", err)
	}
	if _, err := s.Import(context.Background(), "ops", "cb_x", []byte("{}")); !errors.Is(err, sg.ErrFrozen) || st.saved != 0 {
		t.Fatalf("import under a platform freeze: %v (saved %d), want frozen and nothing kept", err, st.saved)
	}
}
