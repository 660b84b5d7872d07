package address

import (
	"bytes"
	"errors"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// EIP-55 examples from the EIP text, and the Tron USDT contract address.
func TestEIP55Vectors(t *testing.T) {
	for _, s := range []string{
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
		"0xdAC17F958D2ee523a2206206994597C13D831ec7",
	} {
		a, err := Parse(sg.Ethereum, s)
		if err != nil {
			t.Fatalf("Parse(%s): %v", s, err)
		}
		if got := a.EIP55(); got != s {
			t.Errorf("EIP55 = %s; want %s", got, s)
		}
	}
}

func TestParseRefusals(t *testing.T) {
	cases := []struct {
		name  string
		chain sg.Chain
		in    string
		want  error
	}{
		{"eth bad checksum", sg.Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", ErrChecksum},
		{"eth short", sg.Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", ErrInvalid},
		{"eth not hex", sg.Ethereum, "0xZaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", ErrInvalid},
		{"tron address on ethereum", sg.Ethereum, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", ErrInvalid},
		{"eth address on tron", sg.Tron, "0xdAC17F958D2ee523a2206206994597C13D831ec7", ErrInvalid},
		{"tron bad checksum", sg.Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", ErrChecksum},
		{"tron bad char", sg.Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj60", ErrInvalid},
		{"bitcoin on tron", sg.Tron, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse(c.chain, c.in); !errors.Is(err, c.want) {
				t.Fatalf("Parse = %v; want %v", err, c.want)
			}
		})
	}
}

func TestTronUSDTContractRoundTrip(t *testing.T) {
	const usdt = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
	a, err := Parse(sg.Tron, usdt)
	if err != nil {
		t.Fatal(err)
	}
	// The contract's hex form as TronGrid shows it: 41a614f803b6fd780986a42c78ec9c7f77e6ded13c.
	if got := a.EIP55(); got != "0xa614f803B6FD780986A42c78Ec9c7f77e6DeD13C" {
		t.Errorf("account = %s", got)
	}
	if a.Tron() != usdt {
		t.Errorf("round trip = %s", a.Tron())
	}
}

func FuzzBase58(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 255})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Base58Decode(Base58Encode(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip %x -> %x, %v", b, got, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
	f.Add("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range sg.Chains {
			a, err := Parse(c, s)
			if err != nil {
				continue
			}
			// Whatever parses must print to an address that parses to the same account.
			b, err := Parse(c, a.Format(c))
			if err != nil || a != b {
				t.Fatalf("%s: %q parsed but its canonical form did not round trip", c, s)
			}
		}
	})
}
