package compliance

import (
	"context"
	"strings"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// MaxBlockReason bounds a blocklist entry's reason.
const MaxBlockReason = 500

// Block adds an address to the tenant's blocklist: payouts to it are
// refused (destination_blocked) and deposits from it quarantined. The
// address must be one of the chain's; blocking it again keeps the first
// entry (false).
func (s *Screening) Block(ctx context.Context, tenant string, c sg.Chain, addr, reason, by string) (sg.BlockEntry, bool, error) {
	if !c.Valid() {
		return sg.BlockEntry{}, false, sg.ErrValidation.WithParam("chain").WithMessage("chain must be ethereum or tron")
	}
	addr = strings.TrimSpace(addr)
	if _, err := address.Parse(c, addr); err != nil {
		return sg.BlockEntry{}, false, sg.ErrValidation.WithParam("address").WithMessage("not a valid %s address", c)
	}
	if len(reason) > MaxBlockReason {
		return sg.BlockEntry{}, false, sg.ErrValidation.WithParam("reason").WithMessage("at most %d characters", MaxBlockReason)
	}
	e := sg.BlockEntry{Tenant: tenant, Chain: c, Address: sg.ScreenKey(c, addr), Reason: reason, AddedBy: by, AddedAt: s.now()}
	created, err := s.Store.AddBlock(ctx, e)
	return e, created, err
}

// Unblock removes an address from the tenant's blocklist (not_found when
// it is not on it).
func (s *Screening) Unblock(ctx context.Context, tenant string, c sg.Chain, addr string) error {
	if !c.Valid() {
		return sg.ErrValidation.WithParam("chain").WithMessage("chain must be ethereum or tron")
	}
	return s.Store.RemoveBlock(ctx, tenant, c, sg.ScreenKey(c, addr))
}

// Blocklist lists the tenant's blocked addresses.
func (s *Screening) Blocklist(ctx context.Context, tenant string) ([]sg.BlockEntry, error) {
	return s.Store.Blocks(ctx, tenant)
}
