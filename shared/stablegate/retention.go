package stablegate

import "time"

// Retention: how long each kind of record is kept, from when, and whether
// the table's TTL removes it then. Anti-money-laundering law asks for at
// least five years after the transaction or the end of the relationship
// (FATF Recommendation 11; Directive (EU) 2015/849 Article 40; 31 CFR
// 1010.430), and data protection law for no longer than needed: a record
// whose duty ends on a known date carries that date as its TTL, so it is
// removed without a job reading the table. Records whose end is not a date
// the store knows (a customer's, which ends with the relationship) are
// ended by an act (erasure); the books and the audit chain are never
// removed by TTL (the chain would no longer verify, and accounting law
// keeps the books longer still).
type RetentionRule struct {
	Kind   string        // the record kind, as the data model names it
	Period time.Duration // 0: not removed by TTL
	From   string        // the moment the period runs from
	Basis  string
}

// AMLRetention is the five years anti-money-laundering law asks records to
// be kept for, counted as 5 × 365 days and a day for each leap year.
const AMLRetention = (5*365 + 2) * 24 * time.Hour

// RetentionSchedule is the platform's retention per record kind.
var RetentionSchedule = []RetentionRule{
	{Kind: "case", Period: AMLRetention, From: "the case's closing decision", Basis: "FATF R.11: five years after the matter"},
	{Kind: "travel_rule", Period: AMLRetention, From: "the transfer's travel-rule record", Basis: "FATF R.16 (kept as R.11 asks)"},
	{Kind: "idempotency", Period: 24 * time.Hour, From: "the request", Basis: "technical: a retry's window"},
	{Kind: "customer", From: "the end of the relationship (erasure by the tenant)", Basis: "FATF R.11, GDPR Art. 17(3)(b)"},
	{Kind: "transfer", From: "never by TTL", Basis: "the books: reconciliation and accounting law"},
	{Kind: "audit", From: "never by TTL", Basis: "the hash chain must stay whole to verify"},
}

// RetainUntil is when a record of kind, whose period runs from from, may
// be removed (zero: it is not removed by TTL).
func RetainUntil(kind string, from time.Time) time.Time {
	for _, r := range RetentionSchedule {
		if r.Kind == kind && r.Period > 0 {
			return from.Add(r.Period)
		}
	}
	return time.Time{}
}
