// Package hd implements BIP-32 hierarchical deterministic keys on secp256k1,
// enough to derive deposit addresses from an account-level extended public
// key (xpub) with no private key online. Private derivation exists for the
// dev tools and tests that start from a mnemonic; deployed functions only
// ever parse an xpub.
package hd

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // BIP-32 fingerprints are defined with RIPEMD-160.

	"github.com/stablegate/stablegate/shared/address"
)

// HardenedOffset is added to an index to make a hardened child.
const HardenedOffset uint32 = 0x80000000

// Mainnet serialisation versions.
var (
	versionXpub = [4]byte{0x04, 0x88, 0xB2, 0x1E}
	versionXprv = [4]byte{0x04, 0x88, 0xAD, 0xE4}
)

// Errors. None of them carries key material.
var (
	ErrMalformed        = errors.New("hd: malformed extended key")
	ErrHardenedFromPub  = errors.New("hd: cannot derive a hardened child from a public key")
	ErrInvalidChild     = errors.New("hd: derived key is invalid; use the next index")
	ErrNotPublicAccount = errors.New("hd: expected an account-level extended public key (depth 3)")
)

// Key is an extended key. Its String form of a private key is secret: never
// log it. Public returns the neutered key.
type Key struct {
	version   [4]byte
	depth     uint8
	parentFP  [4]byte
	child     uint32
	chainCode [32]byte
	priv      *secp256k1.PrivateKey // nil for a public key
	pub       *secp256k1.PublicKey
}

// NewMaster makes the master key from a BIP-39 seed.
func NewMaster(seed []byte) (*Key, error) {
	if len(seed) < 16 || len(seed) > 64 {
		return nil, errors.New("hd: seed must be 16 to 64 bytes")
	}
	m := hmac.New(sha512.New, []byte("Bitcoin seed"))
	m.Write(seed)
	sum := m.Sum(nil)
	var k secp256k1.ModNScalar
	if overflow := k.SetByteSlice(sum[:32]); overflow || k.IsZero() {
		return nil, ErrInvalidChild
	}
	key := &Key{version: versionXprv, priv: secp256k1.NewPrivateKey(&k)}
	key.pub = key.priv.PubKey()
	copy(key.chainCode[:], sum[32:])
	return key, nil
}

// Parse reads a base58check xpub or xprv.
func Parse(s string) (*Key, error) {
	b, err := address.Base58CheckDecode(s)
	if err != nil || len(b) != 78 {
		return nil, ErrMalformed
	}
	k := &Key{depth: b[4], child: binary.BigEndian.Uint32(b[9:13])}
	copy(k.version[:], b[:4])
	copy(k.parentFP[:], b[5:9])
	copy(k.chainCode[:], b[13:45])
	switch k.version {
	case versionXpub:
		pub, err := secp256k1.ParsePubKey(b[45:])
		if err != nil || b[45] == 4 {
			return nil, ErrMalformed
		}
		k.pub = pub
	case versionXprv:
		var s secp256k1.ModNScalar
		if b[45] != 0 || s.SetByteSlice(b[46:]) || s.IsZero() {
			return nil, ErrMalformed
		}
		k.priv = secp256k1.NewPrivateKey(&s)
		k.pub = k.priv.PubKey()
	default:
		return nil, ErrMalformed
	}
	if k.depth == 0 && (k.parentFP != [4]byte{} || k.child != 0) {
		return nil, ErrMalformed
	}
	return k, nil
}

// IsPrivate reports whether the key holds a private key.
func (k *Key) IsPrivate() bool { return k.priv != nil }

// PrivateKeyBytes returns the 32-byte private key, or nil for a public
// key. It is secret: only the offline signer calls it.
func (k *Key) PrivateKeyBytes() []byte {
	if k.priv == nil {
		return nil
	}
	return k.priv.Serialize()
}

// Depth is the number of derivation steps from the master.
func (k *Key) Depth() uint8 { return k.depth }

// PublicKey returns the key's public key.
func (k *Key) PublicKey() *secp256k1.PublicKey { return k.pub }

// Public returns the neutered (public-only) form of k.
func (k *Key) Public() *Key {
	c := *k
	c.priv = nil
	c.version = versionXpub
	return &c
}

// String serialises the key (xpub... or xprv...). An xprv is a secret.
func (k *Key) String() string {
	b := make([]byte, 0, 78)
	b = append(b, k.version[:]...)
	b = append(b, k.depth)
	b = append(b, k.parentFP[:]...)
	b = binary.BigEndian.AppendUint32(b, k.child)
	b = append(b, k.chainCode[:]...)
	if k.priv != nil {
		kb := k.priv.Key.Bytes()
		b = append(b, 0)
		b = append(b, kb[:]...)
	} else {
		b = append(b, k.pub.SerializeCompressed()...)
	}
	return address.Base58CheckEncode(b)
}

func (k *Key) fingerprint() [4]byte {
	sh := sha256.Sum256(k.pub.SerializeCompressed())
	r := ripemd160.New()
	r.Write(sh[:])
	var fp [4]byte
	copy(fp[:], r.Sum(nil))
	return fp
}

// Child derives child i (i >= HardenedOffset is hardened).
func (k *Key) Child(i uint32) (*Key, error) {
	if i >= HardenedOffset && k.priv == nil {
		return nil, ErrHardenedFromPub
	}
	if k.depth == 255 {
		return nil, errors.New("hd: depth limit")
	}
	data := make([]byte, 0, 37)
	if i >= HardenedOffset {
		kb := k.priv.Key.Bytes()
		data = append(append(data, 0), kb[:]...)
	} else {
		data = append(data, k.pub.SerializeCompressed()...)
	}
	data = binary.BigEndian.AppendUint32(data, i)
	m := hmac.New(sha512.New, k.chainCode[:])
	m.Write(data)
	sum := m.Sum(nil)
	var il secp256k1.ModNScalar
	if overflow := il.SetByteSlice(sum[:32]); overflow {
		return nil, ErrInvalidChild
	}
	c := &Key{version: k.version, depth: k.depth + 1, parentFP: k.fingerprint(), child: i}
	copy(c.chainCode[:], sum[32:])
	if k.priv != nil {
		var s secp256k1.ModNScalar
		s.Set(&il).Add(&k.priv.Key)
		if s.IsZero() {
			return nil, ErrInvalidChild
		}
		c.priv = secp256k1.NewPrivateKey(&s)
		c.pub = c.priv.PubKey()
		return c, nil
	}
	var p, parent, sumPt secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(&il, &p)
	k.pub.AsJacobian(&parent)
	secp256k1.AddNonConst(&p, &parent, &sumPt)
	if (sumPt.X.IsZero() && sumPt.Y.IsZero()) || sumPt.Z.IsZero() {
		return nil, ErrInvalidChild
	}
	sumPt.ToAffine()
	c.pub = secp256k1.NewPublicKey(&sumPt.X, &sumPt.Y)
	return c, nil
}

// Derive follows a path such as "m/44'/60'/0'" or "0/7" from k.
func (k *Key) Derive(path string) (*Key, error) {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "m"), "/")
	cur := k
	if path == "" {
		return cur, nil
	}
	for _, part := range strings.Split(path, "/") {
		hardened := strings.HasSuffix(part, "'") || strings.HasSuffix(part, "h")
		n, err := strconv.ParseUint(strings.TrimRight(part, "'h"), 10, 31)
		if err != nil {
			return nil, fmt.Errorf("hd: bad path element %q", part)
		}
		i := uint32(n)
		if hardened {
			i += HardenedOffset
		}
		if cur, err = cur.Child(i); err != nil {
			return nil, err
		}
	}
	return cur, nil
}
