package address

import (
	"crypto/rand"
	"testing"
)

func randomAccounts(n int) []Account {
	out := make([]Account, n)
	for i := range out {
		rand.Read(out[i][:])
	}
	return out
}

// The set answers exactly what was added, in batches, with each account's
// latest value; accounts never added (including ones sharing a held
// account's two-byte prefix) are absent.
func TestSetHoldsExactlyWhatWasAdded(t *testing.T) {
	var s Set
	if s.Has(Account{1}) {
		t.Fatal("an empty set holds an account")
	}
	in := randomAccounts(5_000)
	for lo := 0; lo < len(in); lo += 700 {
		var batch []Entry
		for i := lo; i < min(lo+700, len(in)); i++ {
			batch = append(batch, Entry{in[i], uint32(i)})
		}
		s.Add(batch)
	}
	s.Add([]Entry{{in[3], 99}, {in[3], 100}}) // a new value; the last of two wins
	if s.Len() != len(in) {
		t.Fatalf("Len = %d; want %d", s.Len(), len(in))
	}
	for i, a := range in {
		want := uint32(i)
		if i == 3 {
			want = 100
		}
		if v, ok := s.Get(a); !ok || v != want {
			t.Fatalf("account %d: %d, %v; want %d", i, v, ok, want)
		}
		near := a
		near[19] ^= 1 // same prefix, another account
		if s.Has(near) {
			t.Fatalf("holds %x, never added", near)
		}
	}
	for _, a := range randomAccounts(5_000) {
		if s.Has(a) {
			t.Fatalf("holds a random account %x", a)
		}
	}
}

// BenchmarkSetLookup is the per-log lookup at a million accounts (half
// hits), beside a map keyed by the 20 bytes.
func BenchmarkSetLookup(b *testing.B) {
	in := randomAccounts(1_000_000)
	entries := make([]Entry, len(in))
	m := make(map[Account]uint32, len(in))
	for i, a := range in {
		entries[i] = Entry{a, uint32(i)}
		m[a] = uint32(i)
	}
	var s Set
	s.Add(entries)
	probe := append(randomAccounts(512), in[:512]...)
	b.Run("set", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			s.Has(probe[i%len(probe)])
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = m[probe[i%len(probe)]]
		}
	})
}
