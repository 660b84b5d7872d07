package memstore

import (
	"context"
	"sort"
	"sync"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Audit is the twin of dynamo.Audit (sg.AuditStore): each scope's records,
// head, keys and anchors behind one mutex, with the adapter's conditional
// append (the head must be the one the record follows) and its precision
// (times in microseconds).
type Audit struct {
	mu     sync.Mutex
	scopes map[string]*auditScope
}

type auditScope struct {
	records []sg.AuditRecord // records[i].Seq == i+1
	keys    map[string]int64
	anchors map[int64]sg.AuditAnchor
}

var _ sg.AuditStore = (*Audit)(nil)

// NewAudit returns an empty audit store.
func NewAudit() *Audit { return &Audit{scopes: map[string]*auditScope{}} }

func (a *Audit) scope(s string) *auditScope {
	sc := a.scopes[s]
	if sc == nil {
		sc = &auditScope{keys: map[string]int64{}, anchors: map[int64]sg.AuditAnchor{}}
		a.scopes[s] = sc
	}
	return sc
}

func auditCopy(r sg.AuditRecord) sg.AuditRecord {
	r.At = r.At.UTC().Truncate(1000)
	if r.Detail != nil {
		r.Detail = append([]byte(nil), r.Detail...)
	}
	return r
}

func (sc *auditScope) head() sg.AuditHead {
	if len(sc.records) == 0 {
		return sg.AuditHead{Hash: sg.AuditGenesis}
	}
	last := sc.records[len(sc.records)-1]
	return sg.AuditHead{Seq: last.Seq, Hash: last.Hash}
}

// AppendAudit writes r after the head it names, claiming key with it.
func (a *Audit) AppendAudit(_ context.Context, r sg.AuditRecord, key string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	sc := a.scope(r.Scope)
	if key != "" {
		if _, ok := sc.keys[key]; ok {
			return sg.ErrAuditKeyUsed
		}
	}
	if h := sc.head(); h.Seq != r.Seq-1 || h.Hash != r.PrevHash {
		return sg.ErrAuditHeadMoved
	}
	sc.records = append(sc.records, auditCopy(r))
	if key != "" {
		sc.keys[key] = r.Seq
	}
	return nil
}

// AuditHead is the scope's last record's seq and hash.
func (a *Audit) AuditHead(_ context.Context, scope string) (sg.AuditHead, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if sc := a.scopes[scope]; sc != nil {
		return sc.head(), nil
	}
	return sg.AuditHead{Hash: sg.AuditGenesis}, nil
}

// AuditRange returns up to limit records from seq from on.
func (a *Audit) AuditRange(_ context.Context, scope string, from int64, limit int) ([]sg.AuditRecord, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sc := a.scopes[scope]
	if sc == nil || limit <= 0 {
		return nil, nil
	}
	if from < 1 {
		from = 1
	}
	var out []sg.AuditRecord
	for i := from - 1; i < int64(len(sc.records)) && len(out) < limit; i++ {
		out = append(out, auditCopy(sc.records[i]))
	}
	return out, nil
}

// AuditRecordAt is the record at seq.
func (a *Audit) AuditRecordAt(_ context.Context, scope string, seq int64) (sg.AuditRecord, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sc := a.scopes[scope]
	if sc == nil || seq < 1 || seq > int64(len(sc.records)) {
		return sg.AuditRecord{}, sg.ErrNotFound
	}
	return auditCopy(sc.records[seq-1]), nil
}

// AuditKeySeq is the seq the key was claimed for.
func (a *Audit) AuditKeySeq(_ context.Context, scope, key string) (int64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if sc := a.scopes[scope]; sc != nil {
		if seq, ok := sc.keys[key]; ok {
			return seq, nil
		}
	}
	return 0, sg.ErrNotFound
}

// PutAuditAnchor keeps the first anchor per seq.
func (a *Audit) PutAuditAnchor(_ context.Context, an sg.AuditAnchor) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	sc := a.scope(an.Scope)
	if _, ok := sc.anchors[an.Seq]; !ok {
		an.At = an.At.UTC().Truncate(1000)
		sc.anchors[an.Seq] = an
	}
	return nil
}

// AuditAnchors are the scope's anchors by seq.
func (a *Audit) AuditAnchors(_ context.Context, scope string) ([]sg.AuditAnchor, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sc := a.scopes[scope]
	if sc == nil {
		return nil, nil
	}
	out := make([]sg.AuditAnchor, 0, len(sc.anchors))
	for _, an := range sc.anchors {
		out = append(out, an)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// AuditScopes lists up to limit scopes holding a record, in order, after after.
func (a *Audit) AuditScopes(_ context.Context, after string, limit int) ([]string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var all []string
	for s, sc := range a.scopes {
		if len(sc.records) > 0 && s > after {
			all = append(all, s)
		}
	}
	sort.Strings(all)
	if len(all) > limit {
		all = all[:max(limit, 0)]
	}
	return all, nil
}

// AppendAuditBatch writes consecutive records rs of one scope with their
// keys, all or none, as AppendAudit does one.
func (a *Audit) AppendAuditBatch(_ context.Context, rs []sg.AuditRecord, keys []string) error {
	if len(rs) == 0 {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	sc := a.scope(rs[0].Scope)
	seen := map[string]bool{}
	for _, k := range keys {
		if k == "" {
			continue
		}
		if _, ok := sc.keys[k]; ok || seen[k] {
			return sg.ErrAuditKeyUsed
		}
		seen[k] = true
	}
	if h := sc.head(); h.Seq != rs[0].Seq-1 || h.Hash != rs[0].PrevHash {
		return sg.ErrAuditHeadMoved
	}
	for i, r := range rs {
		if r.Scope != rs[0].Scope || r.Seq != rs[0].Seq+int64(i) || (i > 0 && r.PrevHash != rs[i-1].Hash) {
			return sg.ErrAuditHeadMoved
		}
	}
	for i, r := range rs {
		sc.records = append(sc.records, auditCopy(r))
		if keys[i] != "" {
			sc.keys[keys[i]] = r.Seq
		}
	}
	return nil
}
