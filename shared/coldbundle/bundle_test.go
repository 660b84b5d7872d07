package coldbundle

import (
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/airgap/qrread"
	"github.com/stablegate/stablegate/shared/chain/erc20"
)

const token = "0xdAC17F958D2ee523a2206206994597C13D831ec7"

func testKey(t testing.TB, seed string) ([]byte, string) {
	k := crypto.Keccak256([]byte(seed))
	priv, err := crypto.ToECDSA(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, crypto.PubkeyToAddress(priv.PublicKey).Hex()
}

func sample(t testing.TB, from string) Bundle {
	to, _ := address.Parse("ethereum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
	b := Bundle{Format: FormatUnsigned, ID: "cb_01JD8Y3Q6A0M7F4R2W9X5K1B3C", Chain: "ethereum", ChainID: 1, From: from, Nonce: 7, Gas: 78_000,
		MaxFeePerGas: "40000000000", MaxPriorityFeePerGas: "1500000000", Token: token,
		Calldata:  "0x" + hex.EncodeToString(erc20.Transfer(to, big.NewInt(1_500_000_000))),
		Summary:   Summary{Amount: "1500.000000", Asset: "USDT", To: to.EIP55(), Purpose: "refill hot wallet"},
		ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.Digest = b.ComputeDigest().Hex()
	return b
}

var now = time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC)

func TestSignParseRoundTrip(t *testing.T) {
	key, from := testKey(t, "cold")
	b := sample(t, from)
	got, err := Parse(Marshal(b))
	if err != nil || got != b {
		t.Fatalf("parse: %v\n%+v", err, got)
	}
	s, err := Sign(b, key, 1, token, now)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSigned(Marshal(s))
	if err != nil || back != s {
		t.Fatalf("parse signed: %v", err)
	}
	tx, err := back.SignedTx()
	if err != nil {
		t.Fatal(err)
	}
	if sender, _ := crypto.SigToPub(b.ComputeDigest().Bytes(), mustHex(s.Signature)); crypto.PubkeyToAddress(*sender).Hex() != from || tx.Nonce() != 7 || tx.To().Hex() != token {
		t.Fatalf("signed tx: %+v", tx)
	}
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	return b
}

// Each way a bundle can be wrong is refused for its own reason, by the
// parser or by the signer.
func TestRefusals(t *testing.T) {
	key, from := testKey(t, "cold")
	other, _ := testKey(t, "someone else")
	cases := []struct {
		name string
		edit func(*Bundle)
		want *Error
	}{
		{"summary amount raised", func(b *Bundle) { b.Summary.Amount = "15000.000000" }, ErrSummaryMismatch},
		{"calldata amount raised, summary kept", func(b *Bundle) {
			to, _ := address.Parse("ethereum", b.Summary.To)
			b.Calldata = "0x" + hex.EncodeToString(erc20.Transfer(to, big.NewInt(15_000_000_000)))
		}, ErrSummaryMismatch},
		{"both raised, digest kept", func(b *Bundle) {
			to, _ := address.Parse("ethereum", b.Summary.To)
			b.Calldata = "0x" + hex.EncodeToString(erc20.Transfer(to, big.NewInt(15_000_000_000)))
			b.Summary.Amount = "15000.000000"
		}, ErrDigestMismatch},
		{"destination swapped in the summary", func(b *Bundle) { b.Summary.To = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359" }, ErrSummaryMismatch},
		{"nonce changed", func(b *Bundle) { b.Nonce++ }, ErrDigestMismatch},
		{"unknown field", nil, ErrMalformed},
	}
	for _, c := range cases {
		b := sample(t, from)
		raw := Marshal(b)
		if c.edit != nil {
			c.edit(&b)
			raw = Marshal(b)
		} else {
			raw = []byte(strings.Replace(string(raw), `"nonce"`, `"extra": 1, "nonce"`, 1))
		}
		if _, err := Parse(raw); !errors.Is(err, c.want) {
			t.Errorf("%s: parse says %v; want %s", c.name, err, c.want.Code)
		}
		if c.edit != nil {
			if _, err := Sign(b, key, 1, token, now); !errors.Is(err, c.want) {
				t.Errorf("%s: signer says %v; want %s", c.name, err, c.want.Code)
			}
		}
	}
	b := sample(t, from)
	for name, c := range map[string]struct {
		chain  uint64
		token  string
		at     time.Time
		key    []byte
		reason *Error
	}{
		"wrong chain id": {5, token, now, key, ErrWrongChain},
		"wrong contract": {1, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", now, key, ErrWrongContract},
		"expired":        {1, token, b.ExpiresAt, key, ErrExpired},
		"another key":    {1, token, now, other, ErrWrongKey},
	} {
		if _, err := Sign(b, c.key, c.chain, c.token, c.at); !errors.Is(err, c.reason) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A signature by another key over the right digest.
	priv, _ := crypto.ToECDSA(other)
	sig, _ := crypto.Sign(b.ComputeDigest().Bytes(), priv)
	forged := Signed{Format: FormatSigned, Bundle: b, Signature: "0x" + hex.EncodeToString(sig)}
	if _, err := ParseSigned(Marshal(forged)); !errors.Is(err, ErrSignatureInvalid) {
		t.Errorf("foreign signature: %v", err)
	}
}

func TestQRRoundTrip(t *testing.T) {
	key, from := testKey(t, "cold")
	s, err := Sign(sample(t, from), key, 1, token, now)
	if err != nil {
		t.Fatal(err)
	}
	file := Marshal(s)
	pngs, err := airgap.QRCodes(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(pngs) < 2 {
		t.Fatalf("%d codes for %d bytes", len(pngs), len(file))
	}
	// Scanned out of order.
	pngs[0], pngs[len(pngs)-1] = pngs[len(pngs)-1], pngs[0]
	got, err := qrread.ReadQRFiles(pngs)
	if err != nil || string(got) != string(file) {
		t.Fatalf("QR round trip: %v", err)
	}
	if _, err := qrread.ReadQRFiles(pngs[1:]); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a missing part: %v", err)
	}
	frames := airgap.Frames(file)
	other := airgap.Frames(Marshal(sample(t, from)))
	if _, err := airgap.Join(append(frames[1:], other[0])); err == nil {
		t.Fatal("frames of two files joined")
	}
}

func FuzzParse(f *testing.F) {
	_, from := testKey(f, "cold")
	f.Add(Marshal(sample(f, from)))
	f.Add([]byte(`{"format":"stablegate-cold-bundle/1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("unnamed refusal %v", err)
			}
			return
		}
		// Whatever parses is whole: its digest is its own, and it parses
		// again to itself.
		if b.ComputeDigest().Hex() != b.Digest {
			t.Fatal("parsed bundle with a foreign digest")
		}
		if again, err := Parse(Marshal(b)); err != nil || again != b {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParseSigned(f *testing.F) {
	key, from := testKey(f, "cold")
	s, _ := Sign(sample(f, from), key, 1, token, now)
	f.Add(Marshal(s))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSigned(data)
		if err != nil {
			return
		}
		if signer, err := s.Signer(); err != nil || signer != s.Bundle.From {
			t.Fatalf("accepted a signature of %s for %s", signer, s.Bundle.From)
		}
	})
}
