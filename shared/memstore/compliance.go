package memstore

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Compliance is the in-memory twin of the monitoring and case stores
// (sg.MonitorRuleStore, sg.ActivityStore, sg.CaseStore): rule sets put
// over the version read and kept in full; per wallet a bounded activity
// window appended once per event and the destinations paid; alerts put
// once per id; cases created once per key (or joined by an open case of
// the same subject) and written over the version read. Times come back at
// the microsecond, UTC. The zero value is not usable; call NewCompliance.
type Compliance struct {
	mu       sync.Mutex
	rules    map[string][]sg.MonitorRuleSet // tenant -> versions, oldest first
	activity map[string][]sg.Activity       // tenant\x00wallet
	last     map[string]sg.Activity         // tenant\x00wallet: the newest entry ever appended
	paid     map[string]string              // tenant\x00wallet\x00chain\x00addr -> first event id
	alerts   map[string]sg.Alert            // tenant\x00id
	cases    map[string]sg.Case             // tenant\x00id
	keys     map[string]string              // tenant\x00key -> case id
	subjects map[string]string              // tenant\x00subject -> open case id
}

var (
	_ sg.MonitorRuleStore = (*Compliance)(nil)
	_ sg.ActivityStore    = (*Compliance)(nil)
	_ sg.CaseStore        = (*Compliance)(nil)
	_ sg.MonitorStore     = (*Compliance)(nil)
)

// NewCompliance is an empty compliance store.
func NewCompliance() *Compliance {
	return &Compliance{rules: map[string][]sg.MonitorRuleSet{}, activity: map[string][]sg.Activity{}, last: map[string]sg.Activity{},
		paid: map[string]string{}, alerts: map[string]sg.Alert{}, cases: map[string]sg.Case{}, keys: map[string]string{}, subjects: map[string]string{}}
}

func cloneRuleSet(rs sg.MonitorRuleSet) sg.MonitorRuleSet {
	rs.Rules = slices.Clone(rs.Rules)
	rs.UpdatedAt = usec(rs.UpdatedAt)
	return rs
}

// PutRuleSet writes rs as version rs.Version over version rs.Version-1.
func (c *Compliance) PutRuleSet(_ context.Context, rs sg.MonitorRuleSet) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if int64(len(c.rules[rs.Tenant])) != rs.Version-1 {
		return sg.ErrMonitorRulesChanged
	}
	c.rules[rs.Tenant] = append(c.rules[rs.Tenant], cloneRuleSet(rs))
	return nil
}

// RuleSet is the tenant's current rule set.
func (c *Compliance) RuleSet(_ context.Context, tenant string) (sg.MonitorRuleSet, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.rules[tenant]
	if len(v) == 0 {
		return sg.MonitorRuleSet{Tenant: tenant}, nil
	}
	return cloneRuleSet(v[len(v)-1]), nil
}

// RuleSetHistory lists the tenant's versions, newest first.
func (c *Compliance) RuleSetHistory(_ context.Context, tenant string, page sg.Page) ([]sg.MonitorRuleSet, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.rules[tenant]
	from := int64(len(v))
	if page.Cursor != "" {
		n, err := strconv.ParseInt(page.Cursor, 10, 64)
		if err != nil || n < 1 {
			return nil, "", sg.ErrInvalidCursor
		}
		from = min(n-1, from)
	}
	limit := complianceLimit(page.Limit)
	var out []sg.MonitorRuleSet
	for i := from; i >= 1 && len(out) < limit; i-- {
		out = append(out, cloneRuleSet(v[i-1]))
	}
	next := ""
	if len(out) == limit && out[len(out)-1].Version > 1 {
		next = strconv.FormatInt(out[len(out)-1].Version, 10)
	}
	return out, next, nil
}

func complianceLimit(n int) int {
	if n <= 0 || n > 100 {
		return 100
	}
	return n
}

func cloneActivity(a sg.Activity) sg.Activity {
	a.At, a.PrevAt = usec(a.At), usec(a.PrevAt)
	return a
}

// RecordActivity appends a to the wallet's window once per event.
func (c *Compliance) RecordActivity(_ context.Context, tenant, wallet string, a sg.Activity, keepSince time.Time, max int) ([]sg.Activity, sg.Activity, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := tenant + "\x00" + wallet
	a = cloneActivity(a)
	w := c.activity[k]
	i := slices.IndexFunc(w, func(e sg.Activity) bool { return e.EventID == a.EventID })
	fresh := i < 0 && !a.At.Before(keepSince)
	stored := a
	if i >= 0 {
		stored = w[i]
	}
	if fresh {
		last, ok := c.last[k]
		if ok {
			stored.PrevAt = last.At
		}
		if !ok || !a.At.Before(last.At) {
			c.last[k] = stored
		}
		w = append(w, stored)
		sort.SliceStable(w, func(i, j int) bool { return w[i].At.Before(w[j].At) })
	}
	w = trimWindow(w, keepSince, max)
	c.activity[k] = w
	return slices.Clone(w), stored, fresh, nil
}

// trimWindow keeps the entries at or after since, at most max (the newest).
func trimWindow(w []sg.Activity, since time.Time, max int) []sg.Activity {
	i := 0
	for i < len(w) && w[i].At.Before(since) {
		i++
	}
	w = w[i:]
	if max > 0 && len(w) > max {
		w = w[len(w)-max:]
	}
	return slices.Clone(w)
}

// FirstPayout records the wallet's first payout to addr.
func (c *Compliance) FirstPayout(_ context.Context, tenant, wallet string, ch sg.Chain, addr, eventID string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := tenant + "\x00" + wallet + "\x00" + string(ch) + "\x00" + addr
	first, ok := c.paid[k]
	if !ok {
		c.paid[k] = eventID
		return true, nil
	}
	return first == eventID, nil
}

func cloneAlert(a sg.Alert) sg.Alert {
	a.Transfers = slices.Clone(a.Transfers)
	a.At = usec(a.At)
	return a
}

// PutAlert writes a once per id.
func (c *Compliance) PutAlert(_ context.Context, a sg.Alert) (sg.Alert, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := a.Tenant + "\x00" + a.ID
	if old, ok := c.alerts[k]; ok {
		return cloneAlert(old), false, nil
	}
	c.alerts[k] = cloneAlert(a)
	return cloneAlert(a), true, nil
}

// Alert reads one of the tenant's alerts.
func (c *Compliance) Alert(_ context.Context, tenant, id string) (sg.Alert, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.alerts[tenant+"\x00"+id]
	if !ok {
		return sg.Alert{}, sg.ErrNotFound
	}
	return cloneAlert(a), nil
}

func cloneCase(cs sg.Case) sg.Case {
	cs.Notes = slices.Clone(cs.Notes)
	for i := range cs.Notes {
		cs.Notes[i].At = usec(cs.Notes[i].At)
	}
	cs.Evidence = sg.CaseEvidence{Transfers: slices.Clone(cs.Evidence.Transfers), Alerts: slices.Clone(cs.Evidence.Alerts),
		Addresses: slices.Clone(cs.Evidence.Addresses), Records: slices.Clone(cs.Evidence.Records)}
	if cs.Decision != nil {
		d := *cs.Decision
		d.At = usec(d.At)
		if d.Certificate != nil {
			cert := *d.Certificate
			d.Certificate = &cert
		}
		cs.Decision = &d
	}
	cs.CreatedAt, cs.UpdatedAt = usec(cs.CreatedAt), usec(cs.UpdatedAt)
	return cs
}

// CreateCase writes c once per key, or joins the open case of its subject.
func (c *Compliance) CreateCase(_ context.Context, cs sg.Case, key string) (sg.Case, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := cs.Tenant
	if id, ok := c.keys[t+"\x00"+key]; ok {
		return cloneCase(c.cases[t+"\x00"+id]), false, nil
	}
	if cs.Subject != "" {
		if id, ok := c.subjects[t+"\x00"+cs.Subject]; ok {
			c.keys[t+"\x00"+key] = id
			return cloneCase(c.cases[t+"\x00"+id]), false, nil
		}
	}
	if _, ok := c.cases[t+"\x00"+cs.ID]; ok {
		return sg.Case{}, false, sg.ErrCaseChanged.WithMessage("a case with this id exists")
	}
	cs = cloneCase(cs)
	cs.Version = 1
	c.cases[t+"\x00"+cs.ID] = cs
	c.keys[t+"\x00"+key] = cs.ID
	if cs.Subject != "" && !cs.Status.Closed() {
		c.subjects[t+"\x00"+cs.Subject] = cs.ID
	}
	return cloneCase(cs), true, nil
}

// OpenCases counts the tenant's cases about customer that are not closed.
func (c *Compliance) OpenCases(_ context.Context, tenant, customer string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, cs := range c.cases {
		if cs.Tenant == tenant && cs.Customer == customer && customer != "" && !cs.Status.Closed() {
			n++
		}
	}
	return n, nil
}

// Case reads one of the tenant's cases.
func (c *Compliance) Case(_ context.Context, tenant, id string) (sg.Case, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs, ok := c.cases[tenant+"\x00"+id]
	if !ok {
		return sg.Case{}, sg.ErrNotFound
	}
	return cloneCase(cs), nil
}

// Cases lists the tenant's cases, oldest first (by id).
func (c *Compliance) Cases(_ context.Context, tenant string, f sg.CaseFilter, page sg.Page) ([]sg.Case, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var all []sg.Case
	for _, cs := range c.cases {
		if cs.Tenant == tenant && (f.Status == "" || cs.Status == f.Status) && (f.Kind == "" || cs.Kind == f.Kind) && (f.Assignee == "" || cs.Assignee == f.Assignee) && cs.ID > page.Cursor {
			all = append(all, cs)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	limit := complianceLimit(page.Limit)
	next := ""
	if len(all) > limit {
		all = all[:limit]
		next = all[limit-1].ID
	}
	out := make([]sg.Case, len(all))
	for i, cs := range all {
		out[i] = cloneCase(cs)
	}
	return out, next, nil
}

// UpdateCase writes cs over its version.
func (c *Compliance) UpdateCase(_ context.Context, cs sg.Case) (sg.Case, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := cs.Tenant + "\x00" + cs.ID
	old, ok := c.cases[k]
	if !ok {
		return sg.Case{}, sg.ErrNotFound
	}
	if old.Version != cs.Version {
		return sg.Case{}, sg.ErrCaseChanged
	}
	cs = cloneCase(cs)
	cs.CreatedAt, cs.Subject, cs.Customer = old.CreatedAt, old.Subject, old.Customer
	cs.Version++
	c.cases[k] = cs
	if cs.Status.Closed() && c.subjects[cs.Tenant+"\x00"+cs.Subject] == cs.ID {
		delete(c.subjects, cs.Tenant+"\x00"+cs.Subject)
	}
	return cloneCase(cs), nil
}
