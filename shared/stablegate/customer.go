package stablegate

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Customers, KYC, tiers and their limits.
//
// A Customer is a tenant's end customer: the person behind one or more
// wallets. What identifies the person (PII: name, date of birth, country,
// documents' references) is never stored in the clear: it is sealed with
// AES-GCM under the customer's own data key, and that data key is stored
// only sealed by the Sealer for (tenant, CustomerKeyPurpose(id)). Erasure
// destroys the sealed data key; the sealed PII that stays behind can no
// longer be opened, while the ledger (which names wallets, never people)
// and the audit chain stay intact.

// KYCStatus is where a customer's identity verification stands.
type KYCStatus string

// KYC statuses.
const (
	KYCNone     KYCStatus = "none"
	KYCPending  KYCStatus = "pending"
	KYCVerified KYCStatus = "verified"
	KYCRejected KYCStatus = "rejected"
	KYCExpired  KYCStatus = "expired"
)

// Valid reports whether s is one of the statuses.
func (s KYCStatus) Valid() bool {
	switch s {
	case KYCNone, KYCPending, KYCVerified, KYCRejected, KYCExpired:
		return true
	}
	return false
}

// CustomerDocument is a reference to an identity document (never its image).
type CustomerDocument struct {
	Kind      string `json:"kind"`
	Reference string `json:"reference"`
}

// CustomerPII is what identifies a person. It lives in memory only: stores
// keep Customer.SealedPII. Country is ISO 3166-1 alpha-2.
type CustomerPII struct {
	Name        string             `json:"name"`
	DateOfBirth string             `json:"date_of_birth"`
	Country     string             `json:"country"`
	Documents   []CustomerDocument `json:"documents,omitempty"`
}

// ErasedPII is what an erased customer's PII reads as.
const ErasedPII = "[erased]"

// Erased is the PII of an erased customer.
func ErasedCustomerPII() CustomerPII {
	return CustomerPII{Name: ErasedPII, DateOfBirth: ErasedPII, Country: ErasedPII}
}

// Validate checks the PII's shape. Errors name the field, never the value.
func (p CustomerPII) Validate() error {
	if strings.TrimSpace(p.Name) == "" || len(p.Name) > 200 {
		return ErrValidation.WithParam("name")
	}
	if p.DateOfBirth != "" {
		if _, err := time.Parse(time.DateOnly, p.DateOfBirth); err != nil {
			return ErrValidation.WithParam("date_of_birth")
		}
	}
	if !validCountry(p.Country) {
		return ErrValidation.WithParam("country")
	}
	if len(p.Documents) > 10 {
		return ErrValidation.WithParam("documents")
	}
	for _, d := range p.Documents {
		if d.Kind == "" || len(d.Kind) > 40 || d.Reference == "" || len(d.Reference) > 200 {
			return ErrValidation.WithParam("documents")
		}
	}
	return nil
}

func validCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// KYC is a customer's verification state.
type KYC struct {
	Status KYCStatus
	// Tier is the tier granted on verification (or asked for while
	// pending); a customer is held to it only while verified.
	Tier        string
	Provider    string
	ProviderRef string
	VerifiedAt  time.Time
	ExpiresAt   time.Time
	// Reason is why an officer or the provider decided (no PII).
	Reason string
	// ReviewedBy is the officer who decided, if one did.
	ReviewedBy string
	UpdatedAt  time.Time
}

// Customer is one end customer of a tenant.
type Customer struct {
	ID       string
	TenantID string
	// PII is filled by the compliance service once opened; stores never
	// keep or return it.
	PII CustomerPII
	// SealedPII is the PII as JSON, sealed under the customer's data key.
	SealedPII []byte
	// SealedKey is the customer's data key, sealed for (tenant,
	// CustomerKeyPurpose(ID)). Nil once erased.
	SealedKey []byte
	KYC       KYC
	CreatedAt time.Time
	UpdatedAt time.Time
	// ErasedAt is when the data key was destroyed (zero: not erased).
	ErasedAt time.Time
	Version  int64
}

// Erased reports whether the customer's data key has been destroyed.
func (c Customer) Erased() bool { return !c.ErasedAt.IsZero() }

// CustomerIDPrefix is the prefix of customer ids (cus_…).
const CustomerIDPrefix = "cus"

// CustomerKeyPurpose is the seal purpose of a customer's data key: the key
// of one customer does not open as another's.
func CustomerKeyPurpose(customerID string) string { return "customer-pii:" + customerID }

// WalletCustomerID is the customer a wallet belongs to: its CustomerRef when
// that is a customer id (cus_…), else "" (a wallet made before customers
// existed, or whose reference is the merchant's own text, has no customer
// and is held to the tenant's default tier).
func WalletCustomerID(w Wallet) string {
	if ValidID(CustomerIDPrefix, w.CustomerRef) {
		return w.CustomerRef
	}
	return ""
}

// LimitSubject is whose limits a wallet's payments count against: its
// customer, or the wallet itself when it has none.
func LimitSubject(w Wallet) string {
	if c := WalletCustomerID(w); c != "" {
		return c
	}
	return w.ID
}

// ---- tiers ----

// Capability is an operation a tier may do.
type Capability string

// Capabilities.
const (
	CapCrossChain  Capability = "cross_chain"
	CapCrossBorder Capability = "cross_border"
	CapPayouts     Capability = "payouts"
	CapInvoices    Capability = "invoices"
)

// TierLimits are the limits of one scope (a chain, or all chains). A zero
// limit does not limit.
type TierLimits struct {
	Single Amount `json:"single"`
	Day    Amount `json:"day"`
	Month  Amount `json:"month"`
}

// Tier is what a customer may do and how much.
type Tier struct {
	Name string `json:"name"`
	// PerChain limits each chain on its own; Total limits all chains together.
	PerChain     map[Chain]TierLimits `json:"per_chain,omitempty"`
	Total        TierLimits           `json:"total"`
	Capabilities []Capability         `json:"capabilities,omitempty"`
}

// Can reports whether the tier has c.
func (t Tier) Can(c Capability) bool {
	for _, x := range t.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

// Tier names of the default table.
const (
	TierNone     = "none"
	TierBasic    = "basic"
	TierStandard = "standard"
	TierPlus     = "plus"
)

// TierTable is a tenant's tiers, versioned data.
type TierTable struct {
	TenantID string `json:"-"`
	// Default is the tier of wallets with no customer and of customers not
	// (or no longer) verified.
	Default string `json:"default"`
	// Verified is the tier a verification grants when none was asked for.
	Verified string `json:"verified"`
	// KYCValidity is how long a verification lasts when the provider says
	// nothing.
	KYCValidity time.Duration `json:"kyc_validity"`
	Tiers       []Tier        `json:"tiers"`
	Version     int64         `json:"-"`
	UpdatedAt   time.Time     `json:"-"`
}

func usdt(whole int64) Amount { return Amount(whole * 1_000_000) }

// DefaultTierTable is the table of a tenant that has written none: without
// KYC a customer may pay out a little on one chain at a time; verification
// raises the limits; cross-chain and cross-border need the top tiers.
func DefaultTierTable(tenant string) TierTable {
	return TierTable{TenantID: tenant, Default: TierNone, Verified: TierBasic, KYCValidity: 365 * 24 * time.Hour,
		Tiers: []Tier{
			{Name: TierNone, Total: TierLimits{Single: usdt(1_000), Day: usdt(1_000), Month: usdt(3_000)},
				Capabilities: []Capability{CapPayouts, CapInvoices}},
			{Name: TierBasic, Total: TierLimits{Single: usdt(10_000), Day: usdt(20_000), Month: usdt(100_000)},
				Capabilities: []Capability{CapPayouts, CapInvoices}},
			{Name: TierStandard, Total: TierLimits{Single: usdt(100_000), Day: usdt(200_000), Month: usdt(1_000_000)},
				Capabilities: []Capability{CapPayouts, CapInvoices, CapCrossChain}},
			{Name: TierPlus, Total: TierLimits{Single: usdt(1_000_000), Day: usdt(2_000_000), Month: usdt(10_000_000)},
				Capabilities: []Capability{CapPayouts, CapInvoices, CapCrossChain, CapCrossBorder}},
		}}
}

// Tier returns the named tier.
func (tt TierTable) Tier(name string) (Tier, bool) {
	for _, t := range tt.Tiers {
		if t.Name == name {
			return t, true
		}
	}
	return Tier{}, false
}

// Validate checks the table: unique names, known default and verified
// tiers, no negative limit, known chains and capabilities.
func (tt TierTable) Validate() error {
	seen := map[string]bool{}
	for _, t := range tt.Tiers {
		if t.Name == "" || len(t.Name) > 40 || seen[t.Name] {
			return ErrValidation.WithParam("tiers.name")
		}
		seen[t.Name] = true
		for c, l := range t.PerChain {
			if !c.Valid() || l.Single < 0 || l.Day < 0 || l.Month < 0 {
				return ErrValidation.WithParam("tiers.per_chain")
			}
		}
		if t.Total.Single < 0 || t.Total.Day < 0 || t.Total.Month < 0 {
			return ErrValidation.WithParam("tiers.total")
		}
		for _, c := range t.Capabilities {
			switch c {
			case CapCrossChain, CapCrossBorder, CapPayouts, CapInvoices:
			default:
				return ErrValidation.WithParam("tiers.capabilities")
			}
		}
	}
	if !seen[tt.Default] {
		return ErrValidation.WithParam("default")
	}
	if !seen[tt.Verified] {
		return ErrValidation.WithParam("verified")
	}
	if tt.KYCValidity <= 0 {
		return ErrValidation.WithParam("kyc_validity")
	}
	return nil
}

// ---- limits ----

// OpKind is the kind of money movement a limit check is for.
type OpKind string

// Operation kinds.
const (
	OpPayout   OpKind = "payout"
	OpTransfer OpKind = "transfer"
	OpInvoice  OpKind = "invoice"
)

// LimitOp describes the operation a limit check is for.
type LimitOp struct {
	Kind OpKind
	// CrossChain: value leaves one chain for the other (needs cross_chain).
	CrossChain bool
	// CrossBorder: the counterparty is in another country than the customer
	// (needs cross_border).
	CrossBorder bool
}

// LimitWindow names a limit window.
type LimitWindow string

// Windows: one payment, the rolling 24 hours (hourly buckets), the rolling
// 30 days (daily buckets).
const (
	WindowSingle LimitWindow = "single"
	WindowDay    LimitWindow = "day"
	WindowMonth  LimitWindow = "month"
)

// ScopeAll is the usage scope of all chains together.
const ScopeAll = "all"

// Rolling window lengths, in buckets.
const (
	DayBuckets   = 24 // hourly
	MonthBuckets = 30 // daily
)

// LimitUsage is one subject's (customer's or customer-less wallet's) usage,
// in buckets: per scope (a chain, or ScopeAll) an hourly bucket for the
// rolling day and a daily bucket for the rolling month. A payment adds to
// four buckets (its chain's and all's, hourly and daily); a window's usage
// is the sum of at most 30 small numbers in one item, never a scan of
// history. Version guards every write.
type LimitUsage struct {
	TenantID string
	Subject  string
	// Buckets: key "<scope>|h|<unix hour start>" or "<scope>|d|<unix day start>".
	Buckets map[string]Amount
	Version int64
}

func bucketKey(scope string, daily bool, start time.Time) string {
	g := "h"
	if daily {
		g = "d"
	}
	return scope + "|" + g + "|" + strconv.FormatInt(start.Unix(), 10)
}

func parseBucketKey(k string) (scope string, daily bool, start time.Time, ok bool) {
	parts := strings.Split(k, "|")
	if len(parts) != 3 || (parts[1] != "h" && parts[1] != "d") {
		return "", false, time.Time{}, false
	}
	u, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", false, time.Time{}, false
	}
	return parts[0], parts[1] == "d", time.Unix(u, 0).UTC(), true
}

func hourStart(at time.Time) time.Time { return at.UTC().Truncate(time.Hour) }
func dayStart(at time.Time) time.Time {
	y, m, d := at.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Used is the usage of scope in window w at time at: the rolling day sums
// the 24 hourly buckets up to at's hour, the month the 30 daily buckets up
// to at's day.
func (u LimitUsage) Used(scope string, w LimitWindow, at time.Time) Amount {
	var sum Amount
	switch w {
	case WindowDay:
		h := hourStart(at)
		for i := 0; i < DayBuckets; i++ {
			sum += u.Buckets[bucketKey(scope, false, h.Add(-time.Duration(i)*time.Hour))]
		}
	case WindowMonth:
		d := dayStart(at)
		for i := 0; i < MonthBuckets; i++ {
			sum += u.Buckets[bucketKey(scope, true, d.AddDate(0, 0, -i))]
		}
	}
	return sum
}

// Add adds amt (negative to release) to chain's and all's buckets of time
// at. Buckets that fall to zero are dropped.
func (u *LimitUsage) Add(chain Chain, at time.Time, amt Amount) {
	if u.Buckets == nil {
		u.Buckets = map[string]Amount{}
	}
	for _, scope := range []string{string(chain), ScopeAll} {
		for _, k := range []string{bucketKey(scope, false, hourStart(at)), bucketKey(scope, true, dayStart(at))} {
			v := u.Buckets[k] + amt
			if v <= 0 {
				delete(u.Buckets, k)
			} else {
				u.Buckets[k] = v
			}
		}
	}
}

// Prune drops buckets no window at or after at can reach.
func (u *LimitUsage) Prune(at time.Time) {
	oldestHour := hourStart(at).Add(-(DayBuckets - 1) * time.Hour)
	oldestDay := dayStart(at).AddDate(0, 0, -(MonthBuckets - 1))
	for k := range u.Buckets {
		_, daily, start, ok := parseBucketKey(k)
		if !ok || (!daily && start.Before(oldestHour)) || (daily && start.Before(oldestDay)) {
			delete(u.Buckets, k)
		}
	}
}

// BucketKeys are the usage's bucket keys, sorted (for stable encoding).
func (u LimitUsage) BucketKeys() []string {
	ks := make([]string, 0, len(u.Buckets))
	for k := range u.Buckets {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// ReservationState is where a limit reservation stands.
type ReservationState string

// Reservation states: reserved at hold time; committed once the money has
// moved (the usage stays); released on cancel, expiry, failure or refusal
// (the usage is given back).
const (
	ReservationReserved  ReservationState = "reserved"
	ReservationCommitted ReservationState = "committed"
	ReservationReleased  ReservationState = "released"
)

// LimitReservation is one payment's claim on its subject's limits, keyed by
// the payment's natural id (the transfer or invoice payment id).
type LimitReservation struct {
	TenantID string
	Subject  string
	ID       string
	Chain    Chain
	Amount   Amount
	// At is the time whose buckets the amount was added to.
	At        time.Time
	State     ReservationState
	UpdatedAt time.Time
}

// ---- ports ----

// CustomerStore keeps customers, the tenants' tier tables and the sparse
// index of verifications that expire. It stores PII only sealed: the
// Customer's PII field is never written.
type CustomerStore interface {
	// CreateCustomer writes c once, at Version 1; an existing id is
	// ErrCustomerExists (the service re-reads it: idempotent create).
	CreateCustomer(ctx context.Context, c Customer) error
	// Customer is the tenant's customer or ErrNotFound.
	Customer(ctx context.Context, tenant, id string) (Customer, error)
	// UpdateCustomer writes c over the Version read (ErrCustomerChanged if it
	// moved on) and returns it at the next version. It keeps the expiry
	// index: a verified customer with ExpiresAt is in it, others are not.
	UpdateCustomer(ctx context.Context, c Customer) (Customer, error)
	// CustomersByStatus lists the tenant's customers with KYC status st,
	// oldest first (the review queue), and the next page's cursor.
	CustomersByStatus(ctx context.Context, tenant string, st KYCStatus, page Page) ([]Customer, string, error)
	// ExpiringCustomers returns up to limit verified customers (of every
	// tenant) whose verification expires at or before `before`, from the
	// expiry index, never a scan.
	ExpiringCustomers(ctx context.Context, before time.Time, limit int) ([]Customer, error)
	// DestroyCustomerKey deletes the customer's sealed data key and marks it
	// erased at `at` (idempotent); the sealed PII stays, unopenable.
	DestroyCustomerKey(ctx context.Context, tenant, id string, at time.Time) (Customer, error)
	// Tiers is the tenant's tier table, DefaultTierTable (Version 0) if it
	// has written none.
	Tiers(ctx context.Context, tenant string) (TierTable, error)
	// PutTiers writes tt over its Version and returns it at the next one
	// (ErrTiersChanged if it moved on).
	PutTiers(ctx context.Context, tt TierTable) (TierTable, error)
}

// LimitCounters keeps each subject's usage buckets and reservations.
type LimitCounters interface {
	// LimitUsage is the subject's usage (Version 0, no buckets, if none).
	LimitUsage(ctx context.Context, tenant, subject string) (LimitUsage, error)
	// LimitReservation is one reservation or ErrNotFound.
	LimitReservation(ctx context.Context, tenant, subject, id string) (LimitReservation, error)
	// SaveLimits writes u (over u.Version; the stored one becomes
	// u.Version+1) and r together, all or nothing: r is new when from is
	// "", else it must still be in state from. Either condition failing is
	// ErrLimitsChanged.
	SaveLimits(ctx context.Context, u LimitUsage, r LimitReservation, from ReservationState) error
}

// KYCStart is what a provider answers a verification start with.
type KYCStart struct {
	ProviderRef string
	// URL is where the customer completes the verification.
	URL string
}

// KYCCallback is a provider's verified verdict.
type KYCCallback struct {
	TenantID    string
	CustomerID  string
	ProviderRef string
	// Status is verified, rejected, or pending (needs an officer's review).
	Status    KYCStatus
	Reason    string
	ExpiresAt time.Time
	At        time.Time
}

// KYCProvider verifies customers' identities. Implementations never log
// or return the callback secret, nor put a callback's body in an error.
type KYCProvider interface {
	// Name is the provider's name, kept on the customer.
	Name() string
	// Start begins a verification of the customer.
	Start(ctx context.Context, tenant, customerID, tier string) (KYCStart, error)
	// VerifyCallback checks a callback's signature (header value) and
	// freshness against now and decodes it; anything else is
	// ErrKYCCallbackInvalid.
	VerifyCallback(ctx context.Context, signature string, body []byte, now time.Time) (KYCCallback, error)
}

// Named refusals and conflicts of customers, KYC and limits.
var (
	// ErrKYCRequired: the operation needs a verified customer.
	ErrKYCRequired = &Error{Kind: KindRefused, Code: "kyc_required", Message: "this operation needs a customer with verified KYC", Param: "customer"}
	// ErrKYCExpired: the customer's verification has expired.
	ErrKYCExpired = &Error{Kind: KindRefused, Code: "kyc_expired", Message: "the customer's KYC verification has expired; verify again", Param: "customer"}
	// ErrTierLimitSingle: the amount is over the tier's single-payment limit.
	ErrTierLimitSingle = &Error{Kind: KindRefused, Code: "tier_limit_single", Message: "the amount is over the single-payment limit of the customer's tier", Param: "amount"}
	// ErrTierLimitDaily: the amount would take the rolling 24 hours over the tier's limit.
	ErrTierLimitDaily = &Error{Kind: KindRefused, Code: "tier_limit_daily", Message: "the amount would exceed the daily limit of the customer's tier", Param: "amount"}
	// ErrTierLimitMonthly: the amount would take the rolling 30 days over the tier's limit.
	ErrTierLimitMonthly = &Error{Kind: KindRefused, Code: "tier_limit_monthly", Message: "the amount would exceed the monthly limit of the customer's tier", Param: "amount"}
	// ErrTierCapabilityMissing: the customer's tier may not do this (cross-chain, cross-border, payouts, invoices).
	ErrTierCapabilityMissing = &Error{Kind: KindRefused, Code: "tier_capability_missing", Message: "the customer's tier does not allow this operation; a higher tier is needed"}
	// ErrKYCCallbackInvalid: a provider callback's signature, timestamp or body is not valid.
	ErrKYCCallbackInvalid = &Error{Kind: KindRefused, Code: "kyc_callback_invalid", Message: "the KYC callback's signature or timestamp is not valid", Param: "signature"}
	// ErrCustomerExists: a customer with this id exists.
	ErrCustomerExists = &Error{Kind: KindConflict, Code: "customer_exists", Message: "a customer with this id exists"}
	// ErrCustomerChanged: the customer changed since it was read.
	ErrCustomerChanged = &Error{Kind: KindConflict, Code: "customer_changed", Message: "the customer changed; read it again"}
	// ErrCustomerErased: the customer's data was erased; it cannot change.
	ErrCustomerErased = &Error{Kind: KindConflict, Code: "customer_erased", Message: "the customer's personal data was erased"}
	// ErrKYCNotPending: the decision needs a pending verification.
	ErrKYCNotPending = &Error{Kind: KindConflict, Code: "kyc_not_pending", Message: "the customer's KYC is not pending review"}
	// ErrTiersChanged: the tier table changed since it was read.
	ErrTiersChanged = &Error{Kind: KindConflict, Code: "tiers_changed", Message: "the tier table changed; read it again"}
	// ErrLimitsChanged: the usage counters moved on; the service retries.
	ErrLimitsChanged = &Error{Kind: KindConflict, Code: "limits_changed", Message: "the limit counters changed; retry"}
)

// LimitError is the refusal of window w, naming the scope in its message.
func LimitError(w LimitWindow, scope string) *Error {
	var e *Error
	switch w {
	case WindowSingle:
		e = ErrTierLimitSingle
	case WindowDay:
		e = ErrTierLimitDaily
	default:
		e = ErrTierLimitMonthly
	}
	where := "across chains"
	if scope != ScopeAll {
		where = "on " + scope
	}
	return e.WithMessage("%s (%s)", e.Message, where)
}

// CapabilityError is the refusal of a missing capability, naming it as param.
func CapabilityError(c Capability) *Error {
	return ErrTierCapabilityMissing.WithParam(string(c)).WithMessage("the customer's tier does not allow %s; a higher tier is needed", strings.ReplaceAll(string(c), "_", "-"))
}
