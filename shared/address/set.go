package address

import (
	"encoding/binary"
	"slices"
)

// Set holds accounts, each with a 32-bit value, compactly: the accounts in
// one sorted slice (20 bytes each, no per-entry pointer or hash), their
// values in a parallel slice (4 bytes), and a directory of where each
// two-byte prefix starts (65,537 offsets, 256 KB however many accounts).
// A lookup reads the directory, then binary-searches the few accounts of
// its prefix (about 15 at a million, addresses being uniform): no hashing,
// no allocation. Adding sorts the new accounts and merges them in one
// pass; a deposit watcher adds a few at a time after its first load.
type Set struct {
	keys []Account
	vals []uint32
	dir  []uint32
}

// Entry is an account and its value.
type Entry struct {
	Account Account
	Value   uint32
}

func prefix(a *Account) int { return int(a[0])<<8 | int(a[1]) }

// compare orders accounts as big-endian numbers (as bytes.Compare would),
// eight bytes at a time.
func compare(a, b *Account) int {
	if x, y := binary.BigEndian.Uint64(a[0:8]), binary.BigEndian.Uint64(b[0:8]); x != y {
		return cmp(x, y)
	}
	if x, y := binary.BigEndian.Uint64(a[8:16]), binary.BigEndian.Uint64(b[8:16]); x != y {
		return cmp(x, y)
	}
	return cmp(uint64(binary.BigEndian.Uint32(a[16:20])), uint64(binary.BigEndian.Uint32(b[16:20])))
}

func cmp(x, y uint64) int {
	if x < y {
		return -1
	}
	if x > y {
		return 1
	}
	return 0
}

// Len is the number of accounts.
func (s *Set) Len() int { return len(s.keys) }

// Get returns the account's value and whether the set holds it.
func (s *Set) Get(a Account) (uint32, bool) {
	if len(s.keys) == 0 {
		return 0, false
	}
	p := prefix(&a)
	lo, hi := int(s.dir[p]), int(s.dir[p+1])
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := compare(&s.keys[m], &a); {
		case c == 0:
			return s.vals[m], true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}

// Has says whether the set holds a.
func (s *Set) Has(a Account) bool {
	_, ok := s.Get(a)
	return ok
}

// Add adds the entries (an account already held takes the new value; of
// one account added twice, the last entry wins).
func (s *Set) Add(entries []Entry) {
	if len(entries) == 0 {
		return
	}
	type numbered struct {
		Entry
		n int
	}
	all := make([]numbered, len(entries))
	for i, e := range entries {
		all[i] = numbered{e, i}
	}
	slices.SortFunc(all, func(x, y numbered) int {
		if c := compare(&x.Account, &y.Account); c != 0 {
			return c
		}
		return x.n - y.n
	})
	// Of equal accounts keep the last added.
	add := make([]Entry, 0, len(all))
	for i := range all {
		if i+1 < len(all) && all[i+1].Account == all[i].Account {
			continue
		}
		add = append(add, all[i].Entry)
	}
	n := len(s.keys)
	keys := make([]Account, 0, n+len(add))
	vals := make([]uint32, 0, n+len(add))
	i, j := 0, 0
	for i < n || j < len(add) {
		switch {
		case j == len(add) || i < n && compare(&s.keys[i], &add[j].Account) < 0:
			keys, vals = append(keys, s.keys[i]), append(vals, s.vals[i])
			i++
		case i == n || compare(&s.keys[i], &add[j].Account) > 0:
			keys, vals = append(keys, add[j].Account), append(vals, add[j].Value)
			j++
		default: // the same account: the new value
			keys, vals = append(keys, add[j].Account), append(vals, add[j].Value)
			i++
			j++
		}
	}
	s.keys, s.vals = keys, vals
	if s.dir == nil {
		s.dir = make([]uint32, 1<<16+1)
	}
	k := 0
	for p := 0; p <= 1<<16; p++ {
		for k < len(keys) && prefix(&keys[k]) < p {
			k++
		}
		s.dir[p] = uint32(k)
	}
}

// Bytes is the memory the set holds (its slices' capacity).
func (s *Set) Bytes() int {
	return cap(s.keys)*len(Account{}) + cap(s.vals)*4 + cap(s.dir)*4
}
