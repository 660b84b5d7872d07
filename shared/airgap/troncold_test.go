package airgap

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/chain/tron/trontx"
)

// sampleTronCold is a bundle paying amount from the seed's Tron cold
// address.
func sampleTronCold(t testing.TB, seed []byte, amount string) TronCold {
	_, from, err := TronColdKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	b := TronCold{Format: FormatTronCold, ID: "cb_01JD8Y3Q6A0M7F4R2W9X5K1B3C", Chain: "tron", From: from, Token: tronUSDT,
		RefBlockBytes: "0c47", RefBlockHash: "492f1e0131b8dd7c", Timestamp: now.UnixMilli(), Expiration: now.Add(23*time.Hour + time.Minute).UnixMilli(),
		FeeLimit: 50_000_000, Summary: Summary{Amount: amount, Asset: "USDT", To: "TSVCqLuzXxtXC6bHUziaNnZ4wRHVTqNcrV", Purpose: "treasury to exchange"},
		ExpiresAt: now.Add(23 * time.Hour)}
	if err := b.ComputeTxID(); err != nil {
		t.Fatal(err)
	}
	return b
}

// The bundle's transaction is the one tronweb makes of the same transfer:
// for every tronweb vector, a bundle of its fields has the vector's txid,
// and the vector's signature makes a signed bundle whose transaction is
// the vector's raw_data, signed by its owner.
func TestTronColdMatchesTronweb(t *testing.T) {
	raw, err := os.ReadFile("../chain/tron/testdata/trc20_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Cases []struct {
			Owner     string `json:"owner_address"`
			To        string `json:"to_address"`
			Contract  string `json:"contract_address"`
			Amount    string `json:"amount"`
			RB        string `json:"ref_block_bytes"`
			RH        string `json:"ref_block_hash"`
			Exp       int64  `json:"expiration"`
			TS        int64  `json:"timestamp"`
			FeeLimit  int64  `json:"fee_limit"`
			RawHex    string `json:"raw_data_hex"`
			TxID      string `json:"txid"`
			Signature string `json:"signature"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || len(v.Cases) < 20 {
		t.Fatalf("vectors: %v", err)
	}
	for i, c := range v.Cases {
		amount := c.Amount
		for len(amount) < 7 {
			amount = "0" + amount
		}
		b := TronCold{Format: FormatTronCold, ID: "cb_01JD8Y3Q6A0M7F4R2W9X5K1B3C", Chain: "tron", From: c.Owner, Token: c.Contract,
			RefBlockBytes: c.RB, RefBlockHash: c.RH, Expiration: c.Exp, Timestamp: c.TS, FeeLimit: c.FeeLimit,
			Summary:   Summary{Amount: strings.TrimLeft(amount[:len(amount)-6], "0") + "." + amount[len(amount)-6:], Asset: "USDT", To: c.To},
			ExpiresAt: time.UnixMilli(c.Exp)}
		if strings.HasPrefix(b.Summary.Amount, ".") {
			b.Summary.Amount = "0" + b.Summary.Amount
		}
		if err := b.ComputeTxID(); err != nil || b.TxID != c.TxID {
			t.Fatalf("case %d: txid %s, want %s (%v)", i, b.TxID, c.TxID, err)
		}
		s := TronColdSigned{Format: FormatTronColdSigned, Bundle: b, Signature: strings.ToLower(c.Signature)}
		back, err := ParseTronColdSigned(Marshal(s))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		body, err := back.Transaction()
		if err != nil {
			t.Fatal(err)
		}
		var tx trontx.SignedTx
		if err := json.Unmarshal(body, &tx); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !strings.EqualFold(tx.RawDataHex, c.RawHex) || tx.TxID != c.TxID || !strings.EqualFold(tx.Signature[0], c.Signature) {
			t.Fatalf("case %d: signed transaction %+v", i, tx)
		}
	}
}

// A bundle signed by the cold seed parses back with the signature the Tron
// cold address's; the signer refuses another token, another seed and an
// expired bundle (by the bundle's expiry or the transaction's), each by
// name, and a bundle whose summary says another amount or destination
// than its transaction.
func TestTronColdSignedByTheColdSeed(t *testing.T) {
	seed := depositSeed("cold seed")
	b := sampleTronCold(t, seed, "1234.500000")
	s, err := SignTronCold(b, seed, tronUSDT, now)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseTronColdSigned(Marshal(s))
	if err != nil || back.Bundle != b {
		t.Fatalf("the signed bundle does not parse back: %v", err)
	}
	if strings.Contains(b.Describe(), "1234.500000 USDT") == false || !strings.Contains(b.Describe(), b.Summary.To) || !strings.Contains(b.Describe(), tronUSDT) {
		t.Fatalf("the operator is not shown the destination, amount and token:\n%s", b.Describe())
	}
	late := b
	late.Expiration = now.Add(time.Hour).UnixMilli()
	if err := late.ComputeTxID(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		b     TronCold
		seed  []byte
		token string
		at    time.Time
		want  *Error
	}{
		"another token":        {b, seed, "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm", now, ErrWrongContract},
		"another seed":         {b, depositSeed("someone else"), tronUSDT, now, ErrWrongKey},
		"expired":              {b, seed, tronUSDT, b.ExpiresAt, ErrExpired},
		"transaction expired":  {late, seed, tronUSDT, now.Add(time.Hour), ErrExpired},
		"amount raised":        {withSummary(b, func(s *Summary) { s.Amount = "12345.000000" }), seed, tronUSDT, now, ErrDigestMismatch},
		"destination replaced": {withSummary(b, func(s *Summary) { s.To = "TNvNLyXo3WGrsnTxYk17yvrWfd4wuv7DLk" }), seed, tronUSDT, now, ErrDigestMismatch},
	} {
		if _, err := SignTronCold(c.b, c.seed, c.token, c.at); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %s", name, err, c.want.Code)
		}
	}
}

func withSummary(b TronCold, f func(*Summary)) TronCold {
	f(&b.Summary)
	return b
}

// A signed bundle changed after signing is refused: a field changed (its
// txid no longer the fields'), the txid recomputed too (the signature no
// longer the cold key's), another key's signature, a malleated (high-S)
// signature, and a file of another kind.
func TestTronColdChangedAfterSigning(t *testing.T) {
	seed := depositSeed("cold seed")
	b := sampleTronCold(t, seed, "10.000000")
	s, _ := SignTronCold(b, seed, tronUSDT, now)
	file := string(Marshal(s))
	changed := strings.Replace(file, `"amount": "10.000000"`, `"amount": "100.000000"`, 1)
	if _, err := ParseTronColdSigned([]byte(changed)); !errors.Is(err, ErrDigestMismatch) {
		t.Errorf("amount changed: %v", err)
	}
	recomputed := s
	recomputed.Bundle.Summary.Amount = "100.000000"
	if err := recomputed.Bundle.ComputeTxID(); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTronColdSigned(Marshal(recomputed)); !errors.Is(err, ErrSignatureInvalid) {
		t.Errorf("amount and txid changed: %v", err)
	}
	other, _ := SignTronCold(sampleTronCold(t, depositSeed("other"), "10.000000"), depositSeed("other"), tronUSDT, now)
	forged := s
	forged.Signature = other.Signature
	if _, err := ParseTronColdSigned(Marshal(forged)); !errors.Is(err, ErrSignatureInvalid) {
		t.Errorf("another key's signature: %v", err)
	}
	sig, _ := hex.DecodeString(s.Signature)
	high := highS(sig)
	malleated := s
	malleated.Signature = hex.EncodeToString(high)
	if _, err := ParseTronColdSigned(Marshal(malleated)); !errors.Is(err, ErrSignatureInvalid) {
		t.Errorf("high-S signature: %v", err)
	}
	for name, f := range map[string]string{
		"unsigned as signed":  string(Marshal(b)),
		"unknown field":       strings.Replace(file, `"format"`, `"extra": 1, "format"`, 1),
		"trailing data":       file + "{}",
		"another chain":       strings.Replace(file, `"chain": "tron"`, `"chain": "ethereum"`, 1),
		"fee limit too large": strings.Replace(file, `"fee_limit": 50000000`, `"fee_limit": 5000000000`, 1),
	} {
		if _, err := ParseTronColdSigned([]byte(f)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if FormatOf([]byte(file)) != FormatTronColdSigned || FormatOf(Marshal(b)) != FormatTronCold || FormatOf([]byte("x")) != "" {
		t.Error("FormatOf")
	}
}

// highS is the same signature with s replaced by n - s (and v flipped),
// which recovers to the same key but is not the canonical low-S form.
func highS(sig []byte) []byte {
	n, _ := hex.DecodeString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
	out := append([]byte(nil), sig...)
	var borrow int
	for i := 31; i >= 0; i-- {
		d := int(n[i]) - int(sig[32+i]) - borrow
		borrow = 0
		if d < 0 {
			d += 256
			borrow = 1
		}
		out[32+i] = byte(d)
	}
	out[64] ^= 1 // 27 <-> 28
	return out
}

func FuzzParseTronColdBundle(f *testing.F) {
	seed := depositSeed("cold seed")
	b := sampleTronCold(f, seed, "1.000000")
	f.Add(Marshal(b))
	f.Add([]byte(`{"format":"stablegate-tron-cold-bundle/1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseTronCold(data)
		if err != nil {
			return
		}
		// Whatever parses rebuilds its own transaction, and again the same.
		again, err := ParseTronCold(Marshal(b))
		if err != nil || again != b {
			t.Fatalf("a parsed bundle does not parse back: %v", err)
		}
	})
}

func FuzzParseTronColdSigned(f *testing.F) {
	seed := depositSeed("cold seed")
	s, _ := SignTronCold(sampleTronCold(f, seed, "1.000000"), seed, tronUSDT, now)
	f.Add(Marshal(s))
	f.Add([]byte(`{"format":"stablegate-tron-cold-signed/1","bundle":{},"signature":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseTronColdSigned(data)
		if err != nil {
			return
		}
		// Whatever parses is signed by its from address.
		body, err := s.Transaction()
		if err != nil || len(body) == 0 {
			t.Fatalf("a parsed signed bundle has no transaction: %v", err)
		}
	})
}
