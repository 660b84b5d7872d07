package hd

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/tyler-smith/go-bip39"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

const abandon = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

func deriverFor(t testing.TB, mnemonic, pass string) *Deriver {
	t.Helper()
	seed := bip39.NewSeed(mnemonic, pass)
	master, err := NewMaster(seed)
	if err != nil {
		t.Fatal(err)
	}
	xpubs := map[sg.Chain]string{}
	for _, c := range sg.Chains {
		if xpubs[c], err = AccountXpub(master, c); err != nil {
			t.Fatal(err)
		}
	}
	d, err := NewDeriver(xpubs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The standard vector: "abandon" x11 + "about", no passphrase.
func TestStandardVectorFromXpubOnly(t *testing.T) {
	d := deriverFor(t, abandon, "")
	want := map[sg.Chain]string{
		sg.Ethereum: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
		sg.Tron:     "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH",
	}
	for c, w := range want {
		got, err := d.DepositAddress(c, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got.Address != w {
			t.Errorf("%s index 0 = %s; want %s", c, got.Address, w)
		}
		if _, err := address.Parse(c, got.Address); err != nil {
			t.Errorf("%s address does not validate: %v", c, err)
		}
	}
}

// Public derivation from the xpub equals private derivation from the master.
func TestPublicDerivationMatchesPrivate(t *testing.T) {
	master, _ := NewMaster(bip39.NewSeed(abandon, "TREZOR"))
	d := deriverFor(t, abandon, "TREZOR")
	for i := uint32(0); i < 20; i++ {
		k, err := master.Derive("m/44'/60'/0'/0/" + itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		acct, _ := address.FromPublicKey(k.PublicKey().SerializeUncompressed())
		got, _ := d.DepositAddress(sg.Ethereum, i)
		if got.Address != acct.EIP55() {
			t.Fatalf("index %d: public %s private %s", i, got.Address, acct.EIP55())
		}
	}
}

func itoa(i uint32) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

// BIP-39 reference vectors: the master xprv from each seed.
func TestBIP39VectorsMasterXprv(t *testing.T) {
	raw, err := os.ReadFile("../../../shared/data/vectors/bip39_vectors.json")
	if err != nil {
		t.Fatalf("reference vectors beside the checkout: %v", err)
	}
	var v struct {
		English [][]string `json:"english"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.English) == 0 {
		t.Fatal("no vectors read")
	}
	for _, c := range v.English {
		seed, _ := hex.DecodeString(c[2])
		if got := hex.EncodeToString(bip39.NewSeed(c[1], "TREZOR")); got != c[2] {
			t.Fatalf("seed mismatch for %q", c[1])
		}
		m, err := NewMaster(seed)
		if err != nil {
			t.Fatal(err)
		}
		if m.String() != c[3] {
			t.Errorf("xprv mismatch for entropy %s", c[0])
		}
		back, err := Parse(c[3])
		if err != nil || back.String() != c[3] {
			t.Errorf("xprv round trip failed: %v", err)
		}
	}
}

func TestDeriverRefusesPrivateAndWrongDepth(t *testing.T) {
	master, _ := NewMaster(bip39.NewSeed(abandon, ""))
	acct, _ := master.Derive("m/44'/60'/0'")
	if _, err := NewDeriver(map[sg.Chain]string{sg.Ethereum: acct.String()}); err == nil {
		t.Error("accepted an xprv")
	}
	if _, err := NewDeriver(map[sg.Chain]string{sg.Ethereum: master.Public().String()}); err == nil {
		t.Error("accepted a master xpub")
	}
	if _, err := acct.Public().Child(HardenedOffset); err != ErrHardenedFromPub {
		t.Errorf("hardened from public: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	master, _ := NewMaster(bip39.NewSeed(abandon, ""))
	f.Add(master.Public().String())
	f.Add("xpub")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := Parse(s)
		if err != nil {
			return
		}
		if k.String() != s {
			t.Fatalf("parsed key does not serialise back")
		}
	})
}

func BenchmarkDepositAddress(b *testing.B) {
	d := deriverFor(b, abandon, "")
	for i := 0; b.Loop(); i++ {
		if _, err := d.DepositAddress(sg.Tron, uint32(i%1_000_000)); err != nil {
			b.Fatal(err)
		}
	}
}

// Building a Deriver parses and checks the xpubs but derives nothing: the
// first derivation loads secp256k1's tables (milliseconds), which a cold
// start that asks no address should not pay. The first address derives
// its chain's external key, once; the other chain's stays underived.
func TestDeriverDerivesAtFirstAddressOnly(t *testing.T) {
	d := deriverFor(t, abandon, "")
	for c, e := range d.external {
		if e.key != nil || e.err != nil {
			t.Fatalf("%s: external key derived by NewDeriver", c)
		}
	}
	a, err := d.DepositAddress(sg.Ethereum, 0)
	if err != nil || a.Address != "0x9858EfFD232B4033E47d90003D41EC34EcaEda94" {
		t.Fatalf("first address %q, %v", a.Address, err)
	}
	if d.external[sg.Ethereum].key == nil || d.external[sg.Tron].key != nil {
		t.Error("the first Ethereum address did not derive Ethereum's external key alone")
	}
	ext := d.external[sg.Ethereum].key
	if _, err := d.DepositAddress(sg.Ethereum, 1); err != nil || d.external[sg.Ethereum].key != ext {
		t.Errorf("external key derived again (%v)", err)
	}
}
