package airgap

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/hd"
)

const tronUSDT = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"

var now = time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC)

func depositSeed(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// sampleGrant is a grant of the seed's addresses at indexes.
func sampleGrant(t testing.TB, seed []byte, spender string, indexes ...uint32) TronGrant {
	m, err := hd.NewMaster(seed)
	if err != nil {
		t.Fatal(err)
	}
	g := TronGrant{Format: FormatTronGrant, ID: "tg_01JD8Y3Q6A0M7F4R2W9X5K1B3C", Chain: "tron", Token: tronUSDT, Spender: spender,
		RefBlockBytes: "0c47", RefBlockHash: "492f1e0131b8dd7c", Timestamp: now.UnixMilli(), Expiration: now.Add(7 * time.Hour).UnixMilli(),
		FeeLimit: 30_000_000, ExpiresAt: now.Add(6 * time.Hour)}
	for _, i := range indexes {
		k, _ := m.Derive(TronDepositPath(i))
		a, _ := address.FromPublicKey(secp256k1.PrivKeyFromBytes(k.PrivateKeyBytes()).PubKey().SerializeUncompressed())
		g.Items = append(g.Items, GrantItem{Index: i, Address: a.Tron()})
	}
	return g
}

func hotAddress() string {
	k := secp256k1.PrivKeyFromBytes(depositSeed("hot"))
	a, _ := address.FromPublicKey(k.PubKey().SerializeUncompressed())
	return a.Tron()
}

// A grant signed by the deposit seed parses back with every approve
// recovering to its own address; the signer refuses another spender,
// another token, another seed and an expired grant, each by name.
func TestTronGrantSignedByTheDepositSeed(t *testing.T) {
	seed, hot := depositSeed("deposit seed"), hotAddress()
	g := sampleGrant(t, seed, hot, 0, 7, 31)
	s, err := SignTronGrant(g, seed, tronUSDT, hot, now)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseTronGrantSigned(Marshal(s))
	if err != nil || len(back.Signatures) != 3 {
		t.Fatalf("the signed grant does not parse back: %v", err)
	}
	for i := range g.Items {
		if _, err := back.Transaction(i); err != nil {
			t.Fatalf("approve %d: %v", i, err)
		}
	}
	for name, c := range map[string]struct {
		seed           []byte
		token, spender string
		at             time.Time
		want           *Error
	}{
		"another spender": {seed, tronUSDT, g.Items[0].Address, now, ErrWrongSpender},
		"another token":   {seed, "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm", hot, now, ErrWrongContract},
		"another seed":    {depositSeed("someone else"), tronUSDT, hot, now, ErrWrongKey},
		"expired":         {seed, tronUSDT, hot, g.ExpiresAt, ErrExpired},
	} {
		if _, err := SignTronGrant(g, c.seed, c.token, c.spender, c.at); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %s", name, err, c.want.Code)
		}
	}
}

// A signed grant whose header, items or signatures changed after signing is
// refused: the approves rebuilt from it no longer match the signatures.
func TestTronGrantChangedAfterSigningIsRefused(t *testing.T) {
	seed, hot := depositSeed("deposit seed"), hotAddress()
	s, err := SignTronGrant(sampleGrant(t, seed, hot, 2, 3), seed, tronUSDT, hot, now)
	if err != nil {
		t.Fatal(err)
	}
	changes := map[string]func(*TronGrantSigned){
		"fee limit": func(s *TronGrantSigned) { s.Grant.FeeLimit++ },
		"spender": func(s *TronGrantSigned) {
			s.Grant.Spender = s.Grant.Items[0].Address
			s.Grant.Items = s.Grant.Items[1:]
			s.Signatures = s.Signatures[1:]
		},
		"items swapped":    func(s *TronGrantSigned) { s.Grant.Items[0], s.Grant.Items[1] = s.Grant.Items[1], s.Grant.Items[0] },
		"signature high-S": func(s *TronGrantSigned) { s.Signatures[0] = s.Signatures[0][:64] + "ff" + s.Signatures[0][66:] },
		"one missing":      func(s *TronGrantSigned) { s.Signatures = s.Signatures[:1] },
	}
	for name, change := range changes {
		c := s
		c.Grant.Items = append([]GrantItem{}, s.Grant.Items...)
		c.Signatures = append([]string{}, s.Signatures...)
		change(&c)
		if _, err := ParseTronGrantSigned(Marshal(c)); !errors.Is(err, ErrSignatureInvalid) {
			t.Errorf("%s: %v, want %s", name, err, ErrSignatureInvalid.Code)
		}
	}
}

// Malformed grants are refused before anything is signed.
func TestTronGrantMalformed(t *testing.T) {
	seed, hot := depositSeed("deposit seed"), hotAddress()
	for name, change := range map[string]func(*TronGrant){
		"no items":       func(g *TronGrant) { g.Items = nil },
		"address twice":  func(g *TronGrant) { g.Items = append(g.Items, g.Items[0]) },
		"spender listed": func(g *TronGrant) { g.Items[0].Address = g.Spender },
		"a day too long": func(g *TronGrant) { g.Expiration = g.Timestamp + 25*3600*1000 },
		"bad ref block":  func(g *TronGrant) { g.RefBlockHash = "XYZ" },
		"ethereum token": func(g *TronGrant) { g.Token = "0xdAC17F958D2ee523a2206206994597C13D831ec7" },
		"too many": func(g *TronGrant) {
			idx := make([]uint32, MaxGrantItems+1)
			for i := range idx {
				idx[i] = uint32(i)
			}
			g.Items = sampleGrant(t, seed, hot, idx...).Items
		},
		"another chain":  func(g *TronGrant) { g.Chain = "ethereum" },
		"fee limit of 0": func(g *TronGrant) { g.FeeLimit = 0 },
		"not a grant id": func(g *TronGrant) { g.ID = "cb_01JD8Y3Q6A0M7F4R2W9X5K1B3C" },
	} {
		g := sampleGrant(t, seed, hot, 4, 5)
		change(&g)
		if _, err := ParseTronGrant(Marshal(g)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParseTronGrant([]byte(`{"format":"stablegate-tron-grant/1","extra":1}`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("an unknown field: %v", err)
	}
}

func FuzzParseTronGrantSigned(f *testing.F) {
	seed, hot := depositSeed("deposit seed"), hotAddress()
	s, _ := SignTronGrant(sampleGrant(f, seed, hot, 1, 2), seed, tronUSDT, hot, now)
	f.Add(Marshal(s))
	f.Add(Marshal(s.Grant))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseTronGrantSigned(b)
		if err != nil {
			return
		}
		// Whatever is accepted has one valid approve per address, and
		// writes itself back to a file that is accepted the same.
		back, err := ParseTronGrantSigned(Marshal(s))
		if err != nil || len(back.Signatures) != len(s.Grant.Items) {
			t.Fatalf("accepted %q but not its own re-encoding: %v", b, err)
		}
		for i := range s.Grant.Items {
			if _, err := s.Transaction(i); err != nil {
				t.Fatalf("accepted with approve %d invalid: %v", i, err)
			}
		}
	})
}
