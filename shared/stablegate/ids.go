package stablegate

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// crockford is Crockford's base32 alphabet: sortable, no I, L, O or U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewID returns prefix + "_" + a 26-character ULID: 48 bits of milliseconds
// then 80 random bits, so IDs sort by creation time.
func NewID(prefix string, now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("stablegate: crypto/rand failed: " + err.Error())
	}
	var out [26]byte
	// 128 bits -> 26 base32 digits (the first carries 3 bits).
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return prefix + "_" + string(out[:])
}

// ValidID reports whether s looks like an ID made by NewID with this prefix.
func ValidID(prefix, s string) bool {
	if len(s) != len(prefix)+27 || s[:len(prefix)] != prefix || s[len(prefix)] != '_' {
		return false
	}
	for i := len(prefix) + 1; i < len(s); i++ {
		if indexByte(crockford, s[i]) < 0 {
			return false
		}
	}
	return s[len(prefix)+1] <= '7'
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// NewKeyedID makes an id whose last 16 characters are fixed by the tenant,
// operation and idempotency key, and whose first 10 encode the time of the
// first attempt. Every retry of one request maps to the same record (see
// KeyPart), while the id still shows when the record was made.
func NewKeyedID(prefix string, now time.Time, tenant, op, key string) string {
	t := NewID(prefix, now)
	return t[:len(prefix)+11] + KeyHash(tenant, op, key)
}

// KeyHash is 16 Crockford base32 characters (80 bits) of SHA-256 of the
// tenant, operation and idempotency key.
func KeyHash(tenant, op, key string) string {
	h := sha256.Sum256([]byte(tenant + "\x00" + op + "\x00" + key))
	var out [16]byte
	acc, bits, j := uint64(0), 0, 0
	for i := 0; j < 16; i++ {
		acc = acc<<8 | uint64(h[i])
		bits += 8
		for bits >= 5 && j < 16 {
			bits -= 5
			out[j] = crockford[(acc>>bits)&31]
			j++
		}
	}
	return string(out[:])
}

// KeyPart returns the key-derived part of an id made by NewKeyedID.
func KeyPart(prefix, id string) (string, bool) {
	if !ValidID(prefix, id) {
		return "", false
	}
	return id[len(prefix)+11:], true
}

// IDTimeBound is the smallest id NewID(prefix, t) can start with: ids made
// at t or later sort at or after it.
func IDTimeBound(prefix string, t time.Time) string {
	return NewID(prefix, t)[:len(prefix)+11]
}

// ---- bigrun: key ranges for parallel reads ----

// KeyRange is the segment-th of segments contiguous ranges of key parts
// (KeyHash values, uniform over Crockford base32): key parts whose first
// character lies in [first, last] (inclusive). segments is clamped to
// 1..32 (segment must be below it); a reader of every range reads every
// key part once.
func KeyRange(segment, segments int) (first, last byte) {
	segments = max(1, min(segments, len(crockford)))
	lo := segment * len(crockford) / segments
	hi := (segment+1)*len(crockford)/segments - 1
	return crockford[lo], crockford[hi]
}

// InKeyRange reports whether the key part falls in the segment-th of
// segments ranges (KeyRange).
func InKeyRange(keyPart string, segment, segments int) bool {
	if keyPart == "" {
		return false
	}
	first, last := KeyRange(segment, segments)
	return keyPart[0] >= first && keyPart[0] <= last
}
