// Package slip39 splits a master secret into SLIP-39 mnemonic shares in
// groups with thresholds (Shamir's secret sharing over GF(256), two
// levels) and recovers it from any threshold set, as SLIP-0039 specifies:
// the secret is first encrypted with the passphrase (a 4-round Feistel
// network over PBKDF2-HMAC-SHA256), each sharing carries a digest share so
// a wrong set is refused, and every mnemonic ends in an RS1024 checksum.
// Written from the specification; checked against its reference vectors.
package slip39

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"io"
)

const (
	secretIndex    = 255
	digestIndex    = 254
	digestBytes    = 4
	roundCount     = 4
	baseIterations = 10000
	maxShares      = 16
)

// Group is one group's sharing: Threshold of its Count member shares
// recover the group's share.
type Group struct {
	Threshold, Count int
}

// Options tune a split. The zero value is SLIP-39's default for new
// shares: extendable, iteration exponent 1, crypto/rand.
type Options struct {
	IterationExponent byte
	NotExtendable     bool
	Rand              io.Reader
}

// Split shares master so that groupThreshold of the groups each with its
// member threshold recover it; passphrase protects it too (empty: none).
// It returns the share mnemonics per group.
func Split(master, passphrase []byte, groupThreshold int, groups []Group, o Options) ([][]string, error) {
	if len(master) < minStrengthBits/8 || len(master)%2 != 0 {
		return nil, ErrSecretLength
	}
	if groupThreshold < 1 || groupThreshold > len(groups) || len(groups) > maxShares || o.IterationExponent > 15 {
		return nil, ErrSharingSetting
	}
	for _, g := range groups {
		if g.Threshold < 1 || g.Threshold > g.Count || g.Count > maxShares || g.Threshold == 1 && g.Count > 1 {
			// SLIP-39 forbids 1-of-n member sharing (n > 1): use 1-of-1.
			return nil, ErrSharingSetting
		}
	}
	r := o.Rand
	if r == nil {
		r = rand.Reader
	}
	var idb [2]byte
	if _, err := io.ReadFull(r, idb[:]); err != nil {
		return nil, err
	}
	id := binary.BigEndian.Uint16(idb[:]) & (1<<idBits - 1)
	ext := !o.NotExtendable
	enc := encrypt(master, passphrase, o.IterationExponent, id, ext)
	groupShares, err := splitSecret(r, groupThreshold, len(groups), enc)
	if err != nil {
		return nil, err
	}
	out := make([][]string, len(groups))
	for gi, g := range groups {
		members, err := splitSecret(r, g.Threshold, g.Count, groupShares[gi])
		if err != nil {
			return nil, err
		}
		for mi, v := range members {
			s := Share{ID: id, Extendable: ext, IterationExponent: o.IterationExponent, GroupIndex: byte(gi), GroupThreshold: byte(groupThreshold),
				GroupCount: byte(len(groups)), MemberIndex: byte(mi), MemberThreshold: byte(g.Threshold), Value: v}
			out[gi] = append(out[gi], s.Mnemonic())
		}
	}
	return out, nil
}

// splitSecret makes n shares of secret, any t of which recover it: t-2
// random shares, a digest share and the secret fix the polynomial.
func splitSecret(r io.Reader, t, n int, secret []byte) ([][]byte, error) {
	if t == 1 {
		out := make([][]byte, n)
		for i := range out {
			out[i] = append([]byte(nil), secret...)
		}
		return out, nil
	}
	xs := make([]byte, 0, t)
	ys := make([][]byte, 0, t)
	out := make([][]byte, n)
	for i := 0; i < t-2; i++ {
		v := make([]byte, len(secret))
		if _, err := io.ReadFull(r, v); err != nil {
			return nil, err
		}
		xs, ys, out[i] = append(xs, byte(i)), append(ys, v), v
	}
	random := make([]byte, len(secret)-digestBytes)
	if _, err := io.ReadFull(r, random); err != nil {
		return nil, err
	}
	xs = append(xs, digestIndex, secretIndex)
	ys = append(ys, append(digest(random, secret), random...), secret)
	for i := t - 2; i < n; i++ {
		out[i] = interpolate(xs, ys, byte(i))
	}
	return out, nil
}

func digest(random, secret []byte) []byte {
	m := hmac.New(sha256.New, random)
	m.Write(secret)
	return m.Sum(nil)[:digestBytes]
}

// recoverSecret interpolates the secret from exactly t shares and checks
// the digest share.
func recoverSecret(t int, xs []byte, ys [][]byte) ([]byte, error) {
	if t == 1 {
		return ys[0], nil
	}
	secret := interpolate(xs, ys, secretIndex)
	d := interpolate(xs, ys, digestIndex)
	if subtle.ConstantTimeCompare(d[:digestBytes], digest(d[digestBytes:], secret)) != 1 {
		return nil, ErrDigest
	}
	return secret, nil
}

// Combine recovers the master secret from share mnemonics: exactly the
// group threshold of groups, each with exactly its member threshold of
// shares, all of one sharing.
func Combine(mnemonics []string, passphrase []byte) ([]byte, error) {
	if len(mnemonics) == 0 {
		return nil, ErrTooFewGroups
	}
	shares := make([]Share, len(mnemonics))
	for i, m := range mnemonics {
		s, err := Parse(m)
		if err != nil {
			return nil, err
		}
		shares[i] = s
	}
	first := shares[0]
	groups := map[byte][]Share{}
	var order []byte
	for _, s := range shares {
		if s.ID != first.ID || s.Extendable != first.Extendable || s.IterationExponent != first.IterationExponent ||
			s.GroupThreshold != first.GroupThreshold || s.GroupCount != first.GroupCount || len(s.Value) != len(first.Value) {
			return nil, ErrMixedSet
		}
		if _, ok := groups[s.GroupIndex]; !ok {
			order = append(order, s.GroupIndex)
		}
		groups[s.GroupIndex] = append(groups[s.GroupIndex], s)
	}
	if len(groups) < int(first.GroupThreshold) {
		return nil, ErrTooFewGroups
	}
	if len(groups) > int(first.GroupThreshold) {
		return nil, ErrTooManyShares
	}
	var gx []byte
	var gy [][]byte
	for _, gi := range order {
		members := groups[gi]
		seen := map[byte]bool{}
		var xs []byte
		var ys [][]byte
		for _, m := range members {
			if m.MemberThreshold != members[0].MemberThreshold {
				return nil, ErrMixedSet
			}
			if seen[m.MemberIndex] {
				return nil, ErrDuplicate
			}
			seen[m.MemberIndex] = true
			xs, ys = append(xs, m.MemberIndex), append(ys, m.Value)
		}
		switch t := int(members[0].MemberThreshold); {
		case len(members) < t:
			return nil, ErrTooFewShares
		case len(members) > t:
			return nil, ErrTooManyShares
		}
		v, err := recoverSecret(int(members[0].MemberThreshold), xs, ys)
		if err != nil {
			return nil, err
		}
		gx, gy = append(gx, gi), append(gy, v)
	}
	enc, err := recoverSecret(int(first.GroupThreshold), gx, gy)
	if err != nil {
		return nil, err
	}
	return decrypt(enc, passphrase, first.IterationExponent, first.ID, first.Extendable), nil
}

func salt(id uint16, ext bool) []byte {
	if ext {
		return nil
	}
	return append([]byte(customOrig), byte(id>>8), byte(id))
}

func round(i int, passphrase []byte, e byte, salt, r []byte) []byte {
	key := append([]byte{byte(i)}, passphrase...)
	out, err := pbkdf2.Key(sha256.New, string(key), append(append([]byte(nil), salt...), r...), (baseIterations<<e)/roundCount, len(r))
	if err != nil {
		panic(err) // only for lengths crypto/pbkdf2 refuses, which ours never are
	}
	return out
}

func feistel(in, passphrase []byte, e byte, id uint16, ext bool, rounds []int) []byte {
	half := len(in) / 2
	l, r := append([]byte(nil), in[:half]...), append([]byte(nil), in[half:]...)
	s := salt(id, ext)
	for _, i := range rounds {
		f := round(i, passphrase, e, s, r)
		for k := range l {
			l[k] ^= f[k]
		}
		l, r = r, l
	}
	return append(r, l...)
}

func encrypt(master, passphrase []byte, e byte, id uint16, ext bool) []byte {
	return feistel(master, passphrase, e, id, ext, []int{0, 1, 2, 3})
}

func decrypt(enc, passphrase []byte, e byte, id uint16, ext bool) []byte {
	return feistel(enc, passphrase, e, id, ext, []int{3, 2, 1, 0})
}
