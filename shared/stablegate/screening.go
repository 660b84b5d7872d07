package stablegate

import (
	"context"
	"strings"
	"time"
)

// Screening: every payout destination before its hold is signed, and every
// deposit's sender on arrival, is checked against the platform's sanctions
// list (OFAC's SDN digital-currency addresses) and the tenant's own
// blocklist. A hit stops the payout, or quarantines the deposit, and opens
// a case; every decision names the list version it was made against.

// SanctionsOFAC is the source of the platform's sanctions list.
const SanctionsOFAC = "ofac"

// SanctionsList is one published version of the platform's sanctions list.
type SanctionsList struct {
	// Source names where it comes from ("ofac").
	Source string
	// Version is the list's date and a hash of its content
	// ("2024-09-27.1a2b3c4d5e6f"): the same entries give the same version.
	Version string
	// LoadedAt is when this version was published.
	LoadedAt time.Time
	// Count is how many addresses it holds.
	Count int
	// Counts is how many of them are on each chain.
	Counts map[Chain]int
}

// Ref is how a decision names the list: "ofac:<version>".
func (l SanctionsList) Ref() string { return l.Source + ":" + l.Version }

// SanctionEntry is one listed address, its key normalised (ScreenKey).
type SanctionEntry struct {
	Chain   Chain
	Address string
}

// ScreenKey is the form an address is listed, blocked and looked up in:
// lower-case hex on Ethereum (checksums are a matter of case), base58 as
// written on Tron (case is part of the address). Surrounding space is
// dropped.
func ScreenKey(c Chain, addr string) string {
	addr = strings.TrimSpace(addr)
	if c == Ethereum {
		return strings.ToLower(addr)
	}
	return addr
}

// ScreeningOutcome is a screening's verdict.
type ScreeningOutcome string

// Screening outcomes.
const (
	ScreenClear ScreeningOutcome = "clear"
	ScreenHit   ScreeningOutcome = "hit"
)

// ListTenantBlocklist names the tenant's own blocklist among the lists a
// decision hit.
const ListTenantBlocklist = "tenant-blocklist"

// ScreeningDecision is one address screened: what was checked, against
// which list version, and the verdict.
type ScreeningDecision struct {
	Tenant  string
	Chain   Chain
	Address string
	Outcome ScreeningOutcome
	// Lists are the lists that hit: "ofac:<version>", "tenant-blocklist".
	Lists []string
	// ListVersion is the sanctions list version the address was checked
	// against, on every decision, clear or not.
	ListVersion string
	// Quarantine: a deposit from the address is held apart, never made
	// available and never sent back by itself.
	Quarantine bool
	// Subject is what was screened: a transfer id or a deposit's ref.
	Subject string
	// CaseID names the case a hit opened.
	CaseID string
	At     time.Time
}

// Hit reports whether the address is on a list.
func (d ScreeningDecision) Hit() bool { return d.Outcome == ScreenHit }

// Sanctioned reports whether the sanctions list holds the address.
func (d ScreeningDecision) Sanctioned() bool {
	for _, l := range d.Lists {
		if strings.HasPrefix(l, SanctionsOFAC+":") {
			return true
		}
	}
	return false
}

// Refusal is the named refusal of a payout to the address: sanctioned
// beats blocked; nil when clear.
func (d ScreeningDecision) Refusal() *Error {
	switch {
	case !d.Hit():
		return nil
	case d.Sanctioned():
		return ErrDestinationSanctioned
	}
	return ErrDestinationBlocked
}

// BlockEntry is an address on a tenant's own blocklist.
type BlockEntry struct {
	Tenant  string
	Chain   Chain
	Address string // ScreenKey form
	Reason  string
	AddedBy string
	AddedAt time.Time
}

// Screening refusals.
var (
	// ErrDestinationSanctioned: the payout's destination is on the sanctions list.
	ErrDestinationSanctioned = &Error{Kind: KindRefused, Code: "destination_sanctioned", Param: "to_address",
		Message: "the destination address is on a sanctions list; the payout is refused and reviewed"}
	// ErrDestinationBlocked: the payout's destination is on the tenant's blocklist.
	ErrDestinationBlocked = &Error{Kind: KindRefused, Code: "destination_blocked", Param: "to_address",
		Message: "the destination address is on your blocklist"}
	// ErrSanctionsListMissing: no sanctions list has been loaded, so no
	// address can be screened; payouts wait until one is.
	ErrSanctionsListMissing = &Error{Kind: KindUnavailable, Code: "sanctions_list_unavailable",
		Message: "the sanctions list is not loaded yet; retry later"}
	// ErrSanctionsListInvalid: a list to load has a line that is no address.
	ErrSanctionsListInvalid = &Error{Kind: KindInvalid, Code: "sanctions_list_invalid",
		Message: "the sanctions list has a line that is not an address of its chain"}
)

// SanctionsStore keeps the platform's sanctions list by version. A version
// is loaded in two steps so a half-loaded one is never used: its entries
// are written under it, then it is published (the current-version pointer
// flips to it). Entries of earlier versions stay, so a decision's version
// can be checked again later.
type SanctionsStore interface {
	// PutSanctionEntries writes entries under version; writing one again
	// is harmless. They are not used until the version is published.
	PutSanctionEntries(ctx context.Context, version string, entries []SanctionEntry) error
	// PublishSanctions makes l the current list.
	PublishSanctions(ctx context.Context, l SanctionsList) error
	// CurrentSanctions reads the current list; false if none is published.
	CurrentSanctions(ctx context.Context) (SanctionsList, bool, error)
	// Listed reports whether the current list holds the address (in
	// ScreenKey form) and that list's version ("" when none is
	// published), in one point read.
	Listed(ctx context.Context, c Chain, addr string) (bool, string, error)
}

// Blocklist keeps each tenant's own blocked addresses (ScreenKey form).
type Blocklist interface {
	// AddBlock adds an entry; an address already blocked keeps its first
	// entry and false is returned.
	AddBlock(ctx context.Context, e BlockEntry) (bool, error)
	// RemoveBlock removes an entry; ErrNotFound when there is none.
	RemoveBlock(ctx context.Context, tenant string, c Chain, addr string) error
	// Blocks lists the tenant's entries by chain and address.
	Blocks(ctx context.Context, tenant string) ([]BlockEntry, error)
	// Blocked reports whether the tenant blocked the address, in one point read.
	Blocked(ctx context.Context, tenant string, c Chain, addr string) (bool, error)
}

// ScreeningStore is what screening keeps: the sanctions list and the
// tenants' blocklists.
type ScreeningStore interface {
	SanctionsStore
	Blocklist
}

// CaseSanctionsHit is the kind of case a screening hit opens.
const CaseSanctionsHit = "sanctions_hit"

// CaseRequest asks the case service to open a case. Opening is idempotent
// by Key: the same request again names the same case.
type CaseRequest struct {
	Tenant string
	Kind   string
	// Key is the natural id of the request (kind, subject, address).
	Key string
	// Subject is what the case is about: a transfer id or a deposit ref.
	Subject string
	// Wallet is the tenant's wallet the request concerns (the payout's
	// source, the deposit's recipient), when there is one: the case is
	// the wallet's customer's.
	Wallet  string
	Chain   Chain
	Address string
	// Evidence names the records the case rests on ("transfer:<id>",
	// "deposit:<ref>", "list:ofac:<version>").
	Evidence    []string
	Lists       []string
	ListVersion string
	At          time.Time
}

// CaseOpener opens cases (the compliance case service implements it).
type CaseOpener interface {
	OpenCase(ctx context.Context, r CaseRequest) (caseID string, err error)
}

// CaseOpenerFunc is a function as a CaseOpener.
type CaseOpenerFunc func(ctx context.Context, r CaseRequest) (string, error)

// OpenCase calls f.
func (f CaseOpenerFunc) OpenCase(ctx context.Context, r CaseRequest) (string, error) {
	return f(ctx, r)
}

// SysQuarantine names the system account that holds quarantined deposits
// (per chain and asset): credited instead of the wallet's available
// balance, released or kept only by an officer's decision on the case.
const SysQuarantine = "quarantine"

// DepositScreen screens a deposit's sender before the ledger makes it
// available: a decision marked Quarantine means the amount is credited to
// the wallet's quarantine, never to available, and never sent back by
// itself. It is idempotent by the deposit's Ref.
type DepositScreen interface {
	ScreenWalletDeposit(ctx context.Context, d WalletDeposit) (ScreeningDecision, error)
}
