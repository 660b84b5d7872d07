package tron

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"
)

// tronweb's raw_data of every vector parses back to the transfer it encodes,
// and writing the parsed transfer again gives the same bytes.
func TestParseRawDataOfTronWebVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/trc20_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Cases []vector }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	for i, v := range f.Cases {
		b, _ := hex.DecodeString(v.RawDataHex)
		tx, err := ParseRawData(b)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if tx.To.Tron() != v.ToAddress || tx.Contract.Tron() != v.ContractAddress || tx.Owner.Tron() != v.OwnerAddress ||
			tx.Amount.String() != v.Amount || tx.Expiration != v.Expiration || tx.FeeLimit != v.FeeLimit {
			t.Fatalf("case %d: parsed %+v", i, tx)
		}
		again, _ := tx.RawData()
		if hex.EncodeToString(again) != hex.EncodeToString(b) {
			t.Fatalf("case %d: re-encoded raw_data differs", i)
		}
	}
}

// Anything but a plain transfer is refused: truncations, a changed
// selector, an extra field.
func TestParseRawDataRefusesOtherBytes(t *testing.T) {
	raw, _ := os.ReadFile("testdata/trc20_vectors.json")
	var f struct{ Cases []vector }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	b, _ := hex.DecodeString(f.Cases[0].RawDataHex)
	for cut := 0; cut < len(b); cut++ {
		if _, err := ParseRawData(b[:cut]); err == nil {
			tx, _ := ParseRawData(b[:cut])
			if again, _ := tx.RawData(); string(again) != string(b[:cut]) {
				t.Fatalf("a truncation to %d bytes parsed as a different transfer", cut)
			}
		}
	}
	extra := append(append([]byte{}, b...), 0x98, 0x01, 0x05) // field 19 varint
	if _, err := ParseRawData(extra); err == nil {
		t.Fatal("an unknown field was accepted")
	}
}

func FuzzParseRawData(f *testing.F) {
	raw, _ := os.ReadFile("testdata/trc20_vectors.json")
	var fv struct{ Cases []vector }
	if err := json.Unmarshal(raw, &fv); err != nil {
		f.Fatal(err)
	}
	for _, v := range fv.Cases[:4] {
		b, _ := hex.DecodeString(v.RawDataHex)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := ParseRawData(b)
		if err != nil {
			return
		}
		// Whatever parses is a transfer that writes itself back unchanged
		// up to field order: parsing the re-encoding gives the same transfer.
		again, err := tx.RawData()
		if err != nil {
			t.Fatalf("parsed %x but cannot re-encode: %v", b, err)
		}
		back, err := ParseRawData(again)
		if err != nil || back.Amount.Cmp(tx.Amount) != 0 || back.To != tx.To || back.Owner != tx.Owner || back.Contract != tx.Contract {
			t.Fatalf("round trip changed the transfer: %+v -> %+v (%v)", tx, back, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	raw, _ := os.ReadFile("testdata/sweep_vectors.json")
	var fv struct{ Cases []vector }
	if err := json.Unmarshal(raw, &fv); err != nil {
		f.Fatal(err)
	}
	for _, v := range fv.Cases[:5] {
		b, _ := hex.DecodeString(v.RawDataHex)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tx, err := Parse(b)
		if err != nil {
			return
		}
		// Whatever parses writes itself back, and that parses to the same.
		again, err := tx.RawData()
		if err != nil {
			t.Fatalf("parsed %x but cannot re-encode: %v", b, err)
		}
		back, err := Parse(again)
		if err != nil || back.Type != tx.Type || back.Owner != tx.Owner || back.Account != tx.Account || back.Balance != tx.Balance ||
			string(back.Data) != string(tx.Data) || back.Header != tx.Header {
			t.Fatalf("round trip changed the transaction: %+v -> %+v (%v)", tx, back, err)
		}
	})
}
