package slip39

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/hd"
)

func vectors(t testing.TB) [][4]json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile("../../../shared/data/vectors/slip39_vectors.json")
	if err != nil {
		t.Fatalf("reference vectors beside the checkout: %v", err)
	}
	var vs [][4]json.RawMessage
	if err := json.Unmarshal(raw, &vs); err != nil || len(vs) < 40 {
		t.Fatalf("vectors: %v (%d)", err, len(vs))
	}
	return vs
}

// Every reference vector: a valid set recovers the master secret (with
// the passphrase "TREZOR") and its BIP-32 master xprv; an invalid set is
// refused.
func TestReferenceVectors(t *testing.T) {
	for _, v := range vectors(t) {
		var desc, secretHex, xprv string
		var mnemonics []string
		for i, dst := range []any{&desc, &mnemonics, &secretHex, &xprv} {
			if err := json.Unmarshal(v[i], dst); err != nil {
				t.Fatalf("vector %s: field %d: %v", v[0], i, err)
			}
		}
		got, err := Combine(mnemonics, []byte("TREZOR"))
		if secretHex == "" {
			want := refusals[strings.SplitN(desc, ".", 2)[0]]
			if want == nil || !errors.Is(err, want) {
				t.Errorf("%s: %v; want %v", desc, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", desc, err)
			continue
		}
		if hex.EncodeToString(got) != secretHex {
			t.Errorf("%s: secret %x; want %s", desc, got, secretHex)
			continue
		}
		m, err := hd.NewMaster(got)
		if err != nil || m.String() != xprv {
			t.Errorf("%s: xprv %v; want %s (%v)", desc, m, xprv, err)
		}
	}
}

// refusals: the reason each invalid reference vector must be refused for,
// by its number.
var refusals = map[string]error{
	"2": ErrChecksum, "21": ErrChecksum, "3": ErrPadding, "22": ErrPadding,
	"5": ErrTooFewShares, "24": ErrTooFewShares, "16": ErrTooFewShares, "35": ErrTooFewShares,
	"6": ErrMixedSet, "7": ErrMixedSet, "8": ErrMixedSet, "9": ErrMixedSet, "12": ErrMixedSet,
	"25": ErrMixedSet, "26": ErrMixedSet, "27": ErrMixedSet, "28": ErrMixedSet, "31": ErrMixedSet,
	"10": ErrParameters, "29": ErrParameters, "11": ErrDuplicate, "30": ErrDuplicate,
	"13": ErrDigest, "32": ErrDigest, "14": ErrTooFewGroups, "15": ErrTooFewGroups, "33": ErrTooFewGroups, "34": ErrTooFewGroups,
	"39": ErrLength, "40": ErrLength,
}

// The embedded wordlist, split at first use, is SLIP-0039's: 1024
// distinct words, from "academic" to "zero", each its own index.
func TestWordlistParses(t *testing.T) {
	wl := wordlist.Get()
	if len(wl.words) != 1024 || wl.words[0] != "academic" || wl.words[1023] != "zero" {
		t.Fatalf("wordlist: %d words, first %q, last %q", len(wl.words), wl.words[0], wl.words[len(wl.words)-1])
	}
	for i, w := range wl.words {
		if wl.index[w] != i {
			t.Errorf("index[%q] = %d, want %d", w, wl.index[w], i)
		}
	}
}
