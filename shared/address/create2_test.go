package address

import (
	"encoding/hex"
	"testing"
)

// EIP-1014's own examples: the CREATE2 address from deployer, salt and init code.
func TestCreate2EIP1014Examples(t *testing.T) {
	cases := []struct{ deployer, salt, code, want string }{
		{"0000000000000000000000000000000000000000", "0000000000000000000000000000000000000000000000000000000000000000", "00", "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38"},
		{"deadbeef00000000000000000000000000000000", "000000000000000000000000feed000000000000000000000000000000000000", "00", "0xD04116cDd17beBE565EB2422F2497E06cC1C9833"},
		{"00000000000000000000000000000000deadbeef", "00000000000000000000000000000000000000000000000000000000cafebabe", "deadbeef", "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7"},
		{"0000000000000000000000000000000000000000", "0000000000000000000000000000000000000000000000000000000000000000", "", "0xE33C0C7F7df4809055C3ebA6c09CFe4BaF1BD9e0"},
	}
	for _, c := range cases {
		var dep Account
		var salt, h [32]byte
		d, _ := hex.DecodeString(c.deployer)
		copy(dep[:], d)
		sb, _ := hex.DecodeString(c.salt)
		copy(salt[:], sb)
		code, _ := hex.DecodeString(c.code)
		copy(h[:], keccak256(code))
		if got := Create2(dep, salt, h).EIP55(); got != c.want {
			t.Errorf("create2(%s, %s, %s) = %s, want %s", c.deployer, c.salt, c.code, got, c.want)
		}
	}
}

func TestForwarderAddressesDifferPerIndexAndFactory(t *testing.T) {
	f := Forwarders{Factory: Account{1}, Implementation: Account{2}}
	g := Forwarders{Factory: Account{3}, Implementation: Account{2}}
	seen := map[Account]bool{}
	for i := uint32(0); i < 1000; i++ {
		for _, a := range []Account{f.Address(i), g.Address(i)} {
			if seen[a] {
				t.Fatalf("index %d: address %s given twice", i, a.EIP55())
			}
			seen[a] = true
		}
	}
}
