package paylink

import (
	"errors"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// FuzzParse: Parse never panics, refuses with an *sg.Error naming the uri,
// and whatever it accepts Build writes back to a URI that parses to the
// same request and is written the same again.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=1500000",
		"ethereum:pay-0xdac17f958d2ee523a2206206994597c13d831ec7@1337/transfer?uint256=1.5e6&gas=65000&address=0x9858effd232b4033e47d90003d41ec34ecaeda94",
		"ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7/transfer?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1",
		"ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359?value=2.014e18",
		"ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=.15e7&value=0",
		"tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH?token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=12.500000",
		"TRON://TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH?contract=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=12.50000000&label=Coffee+Shop&message=caf%C3%A9",
		"tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH?amount=1",
		"bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=1",
		"ethereum:",
		"tron:?&&==",
		"",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			var e *sg.Error
			if !errors.As(err, &e) || e.Param != "uri" || (e.Code != ErrURIInvalid.Code && e.Code != ErrURIUnsupported.Code) {
				t.Fatalf("Parse(%q) error %v is not a named refusal of the uri", s, err)
			}
			return
		}
		u, err := Build(r)
		if err != nil {
			t.Fatalf("Parse(%q) = %+v, which Build refuses: %v", s, r, err)
		}
		again, err := Parse(u)
		if err != nil || again != r {
			t.Fatalf("Parse(%q) = %+v; Build = %q parses to %+v, %v", s, r, u, again, err)
		}
		if u2, _ := Build(again); u2 != u {
			t.Fatalf("Build is not stable: %q then %q", u, u2)
		}
		if _, err := QR(u); err != nil {
			t.Fatalf("a URI Parse accepts does not fit a QR code: %q: %v", u, err)
		}
	})
}

// FuzzParseNDEF: ParseNDEF never panics, refuses with ndef_invalid, and
// whatever URI it reads, NDEF writes back to a message that reads the same.
func FuzzParseNDEF(f *testing.F) {
	seeds := [][]byte{
		NDEF("ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=1500000"),
		NDEF("tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH?token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=12.500000"),
		NDEF("https://www.nfcpy.org/" + string(make([]byte, 300))),
		{0xd1, 0x01, 0x0a, 'U', 0x03, 'n', 'f', 'c', 'p', 'y', '.', 'o', 'r', 'g'},
		{0x91, 0x01, 0x0a, 'U', 0x03, 'n', 'f', 'c', 'p', 'y', '.', 'o', 'r', 'g', 0x51, 0x01, 0x0a, 'U', 0x04, 'n', 'f', 'c', 'p', 'y', '.', 'o', 'r', 'g'},
		{0xd9, 0x01, 0x02, 0x02, 'U', 'i', 'd', 0x00, 'x'},
		{0xd3, 0x04, 0x00, 'a', ':', 'b', 'c'},
		{0xc1, 0x01, 0xff, 0xff, 0xff, 0xff, 'U'},
		{0xd1, 0x01, 0x02, 'U', 0x24, 'x'},
		{},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		uri, err := ParseNDEF(b)
		if err != nil {
			if !errors.Is(err, ErrNDEFInvalid) {
				t.Fatalf("ParseNDEF(% x) error %v is not ndef_invalid", b, err)
			}
			return
		}
		again, err := ParseNDEF(NDEF(uri))
		if err != nil || again != uri {
			t.Fatalf("ParseNDEF(% x) = %q; NDEF of it reads %q, %v", b, uri, again, err)
		}
	})
}
