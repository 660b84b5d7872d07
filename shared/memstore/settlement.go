package memstore

import (
	"context"
	"encoding/base64"
	"sort"
	"strconv"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Settlements is the in-memory twin of the settlement aggregate: fee
// schedules with every version, settlement configs written over their
// version, settlements with their lines written once per (kind, ref, chain),
// the open settlement of each (tenant, payout chain), the due index and
// the per-chain liabilities counter, each write all or nothing. Times come
// back at the microsecond, UTC. The zero value is not usable; call
// NewSettlements.
type Settlements struct {
	mu          sync.Mutex
	schedules   map[string][]sg.FeeSchedule    // tenant\x00chain: versions, oldest first
	configs     map[string]sg.SettlementConfig // tenant\x00chain
	settlements map[string]sg.Settlement       // tenant\x00id (no lines)
	lines       map[string][]sg.SettlementLine // tenant\x00id
	refs        map[string]string              // tenant\x00kind\x00ref\x00chain: settlement id
	open        map[string]string              // tenant\x00chain: settlement id
	liabilities map[sg.Chain]sg.Amount
	committed   map[string]*memCommitted // tenant\x00chain: closed, not yet paid (settlefix)
}

var (
	_ sg.FeeSchedules          = (*Settlements)(nil)
	_ sg.SettlementConfigs     = (*Settlements)(nil)
	_ sg.SettlementStore       = (*Settlements)(nil)
	_ sg.SettlementCommitments = (*Settlements)(nil)
)

// NewSettlements is an empty settlement store.
func NewSettlements() *Settlements {
	return &Settlements{schedules: map[string][]sg.FeeSchedule{}, configs: map[string]sg.SettlementConfig{},
		settlements: map[string]sg.Settlement{}, lines: map[string][]sg.SettlementLine{}, refs: map[string]string{},
		open: map[string]string{}, liabilities: map[sg.Chain]sg.Amount{}, committed: map[string]*memCommitted{}}
}

func tc(tenant string, c sg.Chain) string { return tenant + "\x00" + string(c) }

// ---- fee schedules ----

// FeeSchedule is the current version.
func (st *Settlements) FeeSchedule(_ context.Context, tenant string, c sg.Chain) (sg.FeeSchedule, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	vs := st.schedules[tc(tenant, c)]
	if len(vs) == 0 {
		return sg.FeeSchedule{}, sg.ErrNotFound
	}
	return vs[len(vs)-1], nil
}

// FeeScheduleAt is the last version written at or before t.
func (st *Settlements) FeeScheduleAt(_ context.Context, tenant string, c sg.Chain, t time.Time) (sg.FeeSchedule, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	vs := st.schedules[tc(tenant, c)]
	for i := len(vs) - 1; i >= 0; i-- {
		if !vs[i].EffectiveAt.After(t) {
			return vs[i], nil
		}
	}
	return sg.FeeSchedule{}, sg.ErrNotFound
}

// PutFeeSchedule writes the next version over f.Version. EffectiveAt
// never goes back: it is at least the previous version's.
func (st *Settlements) PutFeeSchedule(_ context.Context, f sg.FeeSchedule) (sg.FeeSchedule, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := tc(f.TenantID, f.Chain)
	vs := st.schedules[k]
	if int64(len(vs)) != f.Version {
		return sg.FeeSchedule{}, sg.ErrFeeScheduleChanged
	}
	f.EffectiveAt = usec(f.EffectiveAt)
	if len(vs) > 0 && f.EffectiveAt.Before(vs[len(vs)-1].EffectiveAt) {
		f.EffectiveAt = vs[len(vs)-1].EffectiveAt
	}
	f.Version++
	st.schedules[k] = append(vs, f)
	return f, nil
}

// ---- configs ----

// SettlementConfig is the tenant's config for c.
func (st *Settlements) SettlementConfig(_ context.Context, tenant string, c sg.Chain) (sg.SettlementConfig, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	cfg, ok := st.configs[tc(tenant, c)]
	if !ok {
		return sg.SettlementConfig{}, sg.ErrNotFound
	}
	return cfg, nil
}

// PutSettlementConfig writes cfg over its version.
func (st *Settlements) PutSettlementConfig(_ context.Context, cfg sg.SettlementConfig) (sg.SettlementConfig, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := tc(cfg.TenantID, cfg.Chain)
	if st.configs[k].Version != cfg.Version {
		return sg.SettlementConfig{}, sg.ErrSettlementConfigChanged
	}
	cfg.Version++
	cfg.UpdatedAt = usec(cfg.UpdatedAt)
	st.configs[k] = cfg
	return cfg, nil
}

// ---- settlements ----

func cleanSettlement(s sg.Settlement) sg.Settlement {
	s.Lines = nil
	s.Period.From, s.Period.To = usec(s.Period.From), usec(s.Period.To)
	s.DueAt, s.CreatedAt, s.ClosedAt, s.PaidAt = usec(s.DueAt), usec(s.CreatedAt), usec(s.ClosedAt), usec(s.PaidAt)
	return s
}

func refKey(tenant string, l sg.SettlementLine) string {
	return tenant + "\x00" + string(l.Kind) + "\x00" + l.Ref + "\x00" + string(l.Chain)
}

// appendLines records lines (checked) onto s: numbering, totals,
// liabilities. The caller holds mu.
func (st *Settlements) appendLines(s sg.Settlement, lines []sg.SettlementLine) sg.Settlement {
	k := s.TenantID + "\x00" + s.ID
	for _, l := range lines {
		s.LineCount++
		l.Seq = s.LineCount
		l.At = usec(l.At)
		st.lines[k] = append(st.lines[k], l)
		st.refs[refKey(s.TenantID, l)] = s.ID
		s.Totals = s.Totals.Add(l)
		st.liabilities[s.Chain] += l.Net
	}
	return s
}

// CreateSettlement writes s as the open settlement of its (tenant, chain).
func (st *Settlements) CreateSettlement(_ context.Context, s sg.Settlement, lines []sg.SettlementLine) (sg.Settlement, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s.Status != sg.SettlementOpen {
		return sg.Settlement{}, sg.ErrValidation.WithParam("status")
	}
	if _, ok := st.open[tc(s.TenantID, s.Chain)]; ok {
		return sg.Settlement{}, sg.ErrSettlementChanged
	}
	if _, ok := st.settlements[s.TenantID+"\x00"+s.ID]; ok {
		return sg.Settlement{}, sg.ErrSettlementChanged
	}
	if err := st.check(s.TenantID, lines); err != nil {
		return sg.Settlement{}, err
	}
	s = cleanSettlement(s)
	s.LineCount, s.Totals, s.Version = 0, sg.SettlementTotals{}, 1
	s = st.appendLines(s, lines)
	st.settlements[s.TenantID+"\x00"+s.ID] = s
	st.open[tc(s.TenantID, s.Chain)] = s.ID
	return s, nil
}

func (st *Settlements) check(tenant string, lines []sg.SettlementLine) error {
	for _, l := range lines {
		if err := l.Check(); err != nil {
			return err
		}
		if _, ok := st.refs[refKey(tenant, l)]; ok {
			return sg.ErrSettlementLineExists
		}
	}
	return nil
}

// OpenSettlement is the open settlement of (tenant, chain).
func (st *Settlements) OpenSettlement(_ context.Context, tenant string, c sg.Chain) (sg.Settlement, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	id, ok := st.open[tc(tenant, c)]
	if !ok {
		return sg.Settlement{}, sg.ErrNotFound
	}
	return st.settlements[tenant+"\x00"+id], nil
}

// AddSettlementLines appends lines to the open settlement over its version.
func (st *Settlements) AddSettlementLines(_ context.Context, s sg.Settlement, lines []sg.SettlementLine) (sg.Settlement, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := s.TenantID + "\x00" + s.ID
	cur, ok := st.settlements[k]
	if !ok || cur.Version != s.Version || cur.Status != sg.SettlementOpen {
		return sg.Settlement{}, sg.ErrSettlementChanged
	}
	if err := st.check(s.TenantID, lines); err != nil {
		return sg.Settlement{}, err
	}
	cur.DueAt = usec(s.DueAt)
	cur = st.appendLines(cur, lines)
	cur.Version++
	st.settlements[k] = cur
	return cur, nil
}

// UpdateSettlement moves the settlement over its version.
func (st *Settlements) UpdateSettlement(_ context.Context, s sg.Settlement) (sg.Settlement, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := s.TenantID + "\x00" + s.ID
	cur, ok := st.settlements[k]
	if !ok || cur.Version != s.Version || !s.Status.Follows(cur.Status) {
		return sg.Settlement{}, sg.ErrSettlementChanged
	}
	was := cur.Status
	if was == sg.SettlementOpen && s.Status == sg.SettlementClosed && st.reversing(cur.TenantID, cur.Chain, closedAt(s)) {
		return sg.Settlement{}, sg.ErrSettlementReversing
	}
	cur.Status, cur.Period.To, cur.Destination = s.Status, usec(s.Period.To), s.Destination
	cur.PayoutTransferID, cur.Attempt, cur.FailReason = s.PayoutTransferID, s.Attempt, s.FailReason
	cur.PayoutBatchID, cur.Waiting = s.PayoutBatchID, s.Waiting
	cur.DueAt, cur.ClosedAt, cur.PaidAt = usec(s.DueAt), usec(s.ClosedAt), usec(s.PaidAt)
	cur.Held = nil
	if s.Held != nil {
		h := *s.Held
		h.Since = usec(h.Since)
		cur.Held = &h
	}
	cur.Version++
	if was == sg.SettlementOpen && cur.Status != sg.SettlementOpen {
		delete(st.open, tc(cur.TenantID, cur.Chain))
	}
	if cur.Status == sg.SettlementPaid {
		st.liabilities[cur.Chain] -= cur.Totals.Net
	}
	if was.Committed() != cur.Status.Committed() {
		c, sign := st.counter(cur.TenantID, cur.Chain), int64(1)
		if was.Committed() {
			sign = -1
		}
		c.Net += sg.Amount(sign) * cur.Totals.Net
		c.Count += sign
		c.Version++
	}
	st.settlements[k] = cur
	return cur, nil
}

// ---- settlefix: the committed counter ----

// closedAt is when s closes (its ClosedAt, else the wall clock): a
// reservation live then keeps it open.
func closedAt(s sg.Settlement) time.Time {
	if s.ClosedAt.IsZero() {
		return time.Now()
	}
	return s.ClosedAt
}

// memCommitted is a committed counter; legacy marks one written before
// counters were initialised (LegacyCommitted), which the first read
// rebuilds from the settlements.
type memCommitted struct {
	sg.SettlementCommitted
	legacy bool
}

// counter is (tenant, c)'s counter, made (initialised, zero) if missing.
// The caller holds st.mu.
func (st *Settlements) counter(tenant string, c sg.Chain) *memCommitted {
	k := tc(tenant, c)
	m, ok := st.committed[k]
	if !ok {
		m = &memCommitted{}
		st.committed[k] = m
	}
	return m
}

// reversing reports whether a live reservation stands on (tenant, c) at
// now. The caller holds st.mu.
func (st *Settlements) reversing(tenant string, c sg.Chain, now time.Time) bool {
	m, ok := st.committed[tc(tenant, c)]
	if !ok {
		return false
	}
	for _, r := range m.Reserved {
		if now.Before(r.At.Add(sg.CommittedReservationTTL)) {
			return true
		}
	}
	return false
}

// SettlementCommitted implements sg.SettlementCommitments. A legacy
// counter is rebuilt from the tenant's settlements first.
func (st *Settlements) SettlementCommitted(_ context.Context, tenant string, c sg.Chain) (sg.SettlementCommitted, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	m, ok := st.committed[tc(tenant, c)]
	if !ok {
		return sg.SettlementCommitted{}, nil
	}
	if m.legacy {
		m.Net, m.Count = 0, 0
		for _, s := range st.settlements {
			if s.TenantID == tenant && s.Chain == c && s.Status.Committed() {
				m.Net += s.Totals.Net
				m.Count++
			}
		}
		m.legacy = false
		m.Version++
	}
	out := m.SettlementCommitted
	out.Reserved = nil
	for k, r := range m.Reserved {
		if out.Reserved == nil {
			out.Reserved = map[string]sg.CommittedReservation{}
		}
		out.Reserved[k] = r
	}
	return out, nil
}

// ReserveCommitted implements sg.SettlementCommitments: reservations no
// longer live at at are dropped in the same write.
func (st *Settlements) ReserveCommitted(_ context.Context, tenant string, c sg.Chain, key string, amount sg.Amount, at time.Time, version int64) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	m := st.counter(tenant, c)
	if _, ok := m.Reserved[key]; ok {
		return nil
	}
	if m.legacy || m.Version != version {
		return sg.ErrSettlementChanged
	}
	live := map[string]sg.CommittedReservation{key: {Amount: amount, At: usec(at)}}
	for k, r := range m.Reserved {
		if at.Before(r.At.Add(sg.CommittedReservationTTL)) {
			live[k] = r
		}
	}
	m.Reserved = live
	m.Version++
	return nil
}

// ReleaseCommitted implements sg.SettlementCommitments.
func (st *Settlements) ReleaseCommitted(_ context.Context, tenant string, c sg.Chain, key string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	m, ok := st.committed[tc(tenant, c)]
	if !ok {
		return nil
	}
	if _, ok := m.Reserved[key]; !ok {
		return nil
	}
	delete(m.Reserved, key)
	m.Version++
	return nil
}

// LegacyCommitted stands for a counter written before counters were
// initialised from the settlements (net and n as the writes since left
// them): the next read rebuilds it. For tests of that rebuild.
func (st *Settlements) LegacyCommitted(tenant string, c sg.Chain, net sg.Amount, n int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.committed[tc(tenant, c)] = &memCommitted{SettlementCommitted: sg.SettlementCommitted{Net: net, Count: n}, legacy: true}
}

// Settlement is the tenant's settlement without lines.
func (st *Settlements) Settlement(_ context.Context, tenant, id string) (sg.Settlement, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.settlements[tenant+"\x00"+id]
	if !ok {
		return sg.Settlement{}, sg.ErrNotFound
	}
	return s, nil
}

// stlAfter decodes a cursor made by stlCursor.
func stlAfter(cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) == 0 {
		return "", sg.ErrInvalidCursor
	}
	return string(b), nil
}

func stlCursor(last string) string { return base64.RawURLEncoding.EncodeToString([]byte(last)) }

func stlLimit(p sg.Page) int {
	if p.Limit <= 0 || p.Limit > 100 {
		return 100
	}
	return p.Limit
}

// SettlementLines are the lines by Seq, a page at a time.
func (st *Settlements) SettlementLines(_ context.Context, tenant, id string, page sg.Page) ([]sg.SettlementLine, string, error) {
	after, err := stlAfter(page.Cursor)
	if err != nil {
		return nil, "", err
	}
	from := 0
	if after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 0 {
			return nil, "", sg.ErrInvalidCursor
		}
		from = n
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.settlements[tenant+"\x00"+id]; !ok {
		return nil, "", sg.ErrNotFound
	}
	all := st.lines[tenant+"\x00"+id]
	out := []sg.SettlementLine{}
	limit := stlLimit(page)
	for _, l := range all {
		if l.Seq <= from {
			continue
		}
		if len(out) == limit {
			return out, stlCursor(strconv.Itoa(out[len(out)-1].Seq)), nil
		}
		out = append(out, l)
	}
	return out, "", nil
}

// Settlements lists the tenant's settlements newest first (by id).
func (st *Settlements) Settlements(_ context.Context, tenant string, page sg.Page) ([]sg.Settlement, string, error) {
	after, err := stlAfter(page.Cursor)
	if err != nil {
		return nil, "", err
	}
	if after != "" && !sg.ValidID("stl", after) {
		return nil, "", sg.ErrInvalidCursor
	}
	st.mu.Lock()
	var all []sg.Settlement
	for _, s := range st.settlements {
		if s.TenantID == tenant && (after == "" || s.ID < after) {
			all = append(all, s)
		}
	}
	st.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].ID > all[j].ID })
	limit := stlLimit(page)
	if len(all) > limit {
		return all[:limit], stlCursor(all[limit-1].ID), nil
	}
	if all == nil {
		all = []sg.Settlement{}
	}
	return all, "", nil
}

// DueSettlements lists settlements due at or before t, soonest first.
func (st *Settlements) DueSettlements(_ context.Context, t time.Time, limit int) ([]sg.SettlementRef, error) {
	st.mu.Lock()
	var due []sg.Settlement
	for _, s := range st.settlements {
		if !s.DueAt.IsZero() && !s.DueAt.After(t) {
			due = append(due, s)
		}
	}
	st.mu.Unlock()
	sort.Slice(due, func(i, j int) bool {
		if !due[i].DueAt.Equal(due[j].DueAt) {
			return due[i].DueAt.Before(due[j].DueAt)
		}
		if due[i].TenantID != due[j].TenantID {
			return due[i].TenantID < due[j].TenantID
		}
		return due[i].ID < due[j].ID
	})
	out := []sg.SettlementRef{}
	for _, s := range due {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, sg.SettlementRef{TenantID: s.TenantID, ID: s.ID})
	}
	return out, nil
}

// SettlementLiabilities is the net owed per payout chain.
func (st *Settlements) SettlementLiabilities(context.Context) (map[sg.Chain]sg.Amount, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[sg.Chain]sg.Amount{}
	for c, a := range st.liabilities {
		if a != 0 {
			out[c] = a
		}
	}
	return out, nil
}

// ---- settle: refunds ----

// RefundCaps is the in-memory twin of the refund counters.
type RefundCaps struct {
	mu       sync.Mutex
	refunded map[string]sg.Amount // tenant\x00invoice
	keys     map[string]sg.Amount // tenant\x00invoice\x00key
}

var _ sg.RefundCaps = (*RefundCaps)(nil)

// NewRefundCaps is an empty counter store.
func NewRefundCaps() *RefundCaps {
	return &RefundCaps{refunded: map[string]sg.Amount{}, keys: map[string]sg.Amount{}}
}

// ReserveRefund implements sg.RefundCaps.
func (r *RefundCaps) ReserveRefund(_ context.Context, tenant, invoiceID, key string, amount, limit sg.Amount) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := tenant + "\x00" + invoiceID
	if _, ok := r.keys[k+"\x00"+key]; ok {
		return nil
	}
	if r.refunded[k]+amount > limit {
		return sg.ErrRefundExceedsPaid
	}
	r.refunded[k] += amount
	r.keys[k+"\x00"+key] = amount
	return nil
}

// ReleaseRefund implements sg.RefundCaps.
func (r *RefundCaps) ReleaseRefund(_ context.Context, tenant, invoiceID, key string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := tenant + "\x00" + invoiceID
	a, ok := r.keys[k+"\x00"+key]
	if !ok {
		return nil
	}
	delete(r.keys, k+"\x00"+key)
	r.refunded[k] -= a
	return nil
}

// Refunded implements sg.RefundCaps.
func (r *RefundCaps) Refunded(_ context.Context, tenant, invoiceID string) (sg.Amount, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refunded[tenant+"\x00"+invoiceID], nil
}

var _ sg.SettlementLineFinder = (*Settlements)(nil)

// SettlementLineByRef implements sg.SettlementLineFinder.
func (st *Settlements) SettlementLineByRef(_ context.Context, tenant string, kind sg.SettlementLineKind, c sg.Chain, ref string) (sg.SettlementLine, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	probe := sg.SettlementLine{Kind: kind, Ref: ref, Chain: c}
	id, ok := st.refs[refKey(tenant, probe)]
	if !ok {
		return sg.SettlementLine{}, sg.ErrNotFound
	}
	for _, l := range st.lines[tenant+"\x00"+id] {
		if l.Kind == kind && l.Ref == ref && l.Chain == c {
			return l, nil
		}
	}
	return sg.SettlementLine{}, sg.ErrNotFound
}
