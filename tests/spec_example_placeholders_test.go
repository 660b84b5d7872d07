package tests

import (
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- zhref: the reference's examples read like real answers, not placeholders.

// idPrefix is the id format of each field that holds one kind of id
// (sg.NewID's prefix and a 26-character ULID).
var idPrefix = map[string]string{
	"wallet_id": "wal", "from_wallet_id": "wal", "to_wallet_id": "wal", "transfer_id": "txn",
	"payout_transfer_id": "txn", "invoice_id": "inv", "customer_id": "cus", "settlement_id": "stl",
	"fx_quote_id": "fxq", "quote_id": "fq", "case_id": "case", "certificate_id": "cert", "attempt_id": "att",
}

// makerHash is the hash -fill-examples writes when it knows nothing better.
const makerHash = "0x9f2c4e1a7b3d5f6081a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"

var (
	placeholderWords = map[string]bool{"string": true, "example": true, "text": true, "foo": true, "bar": true,
		"baz": true, "lorem": true, "test": true, "xxx": true, "todo": true, "tbd": true, "placeholder": true, "value": true}
	zeroRun   = regexp.MustCompile(`0{12,}`)
	usdtValue = regexp.MustCompile(`^-?[0-9]+\.[0-9]{6}$`)
)

// examplePlaceholders lists what in one example value reads like a
// placeholder (empty when nothing does).
func examplePlaceholders(v any) []string {
	var out []string
	var walk func(key, at string, v any, parent map[string]any)
	walk = func(key, at string, v any, parent map[string]any) {
		switch x := v.(type) {
		case map[string]any:
			// Dummy amounts: three or more money fields of one object, all the
			// same non-zero figure, do not add up to anything.
			same := map[string][]string{}
			for k, e := range x {
				if s, ok := e.(string); ok && usdtValue.MatchString(s) && strings.Trim(s, "0.-") != "" {
					same[s] = append(same[s], k)
				}
			}
			for s, ks := range same {
				if len(ks) >= 3 {
					sort.Strings(ks)
					out = append(out, fmt.Sprintf("%s: %s all %q (amounts that do not add up)", at, strings.Join(ks, ", "), s))
				}
			}
			for k, e := range x {
				walk(k, at+"."+k, e, x)
			}
		case []any:
			for i, e := range x {
				walk(key, fmt.Sprintf("%s[%d]", at, i), e, parent)
			}
		case string:
			bad := func(why string) { out = append(out, fmt.Sprintf("%s = %q: %s", at, x, why)) }
			dashed := strings.ReplaceAll(key, "_", "-")
			switch {
			case key != "" && (x == key || x == dashed):
				bad("the field's own name")
			case placeholderWords[strings.ToLower(x)]:
				bad("a placeholder word")
			case key != "" && strings.HasSuffix(x, "/"+dashed):
				bad("a URL made of the field's name")
			case x == makerHash || (zeroRun.MatchString(x) && key != "calldata"): // ABI calldata pads with zeros
				bad("a made-up or zero hash or id")
			}
			if p, ok := idPrefix[key]; ok && !sg.ValidID(p, x) {
				bad("not an id of the form " + p + "_<ULID>")
			}
			_, refused := parent["error"] // a row refused for its address shows the address as given
			if strings.Contains(key, "address") && key != "own_address" && !refused && (strings.HasPrefix(x, "0x") || strings.HasPrefix(x, "T")) {
				c := sg.Chain("ethereum")
				if strings.HasPrefix(x, "T") {
					c = "tron"
				}
				if _, err := address.Parse(c, x); err != nil {
					bad("not a valid " + string(c) + " address: " + err.Error())
				}
			}
			if strings.HasSuffix(key, "_at") || key == "deadline" || key == "since" {
				if _, err := time.Parse(time.RFC3339, x); err != nil {
					bad("not an RFC 3339 time")
				}
			}
		case float64, int, int64, uint64:
			if strings.Contains(key, "address") {
				out = append(out, fmt.Sprintf("%s = %v: an address read as a number (quote it)", at, x))
			}
		case *big.Int:
			out = append(out, fmt.Sprintf("%s: a number too large for JSON", at))
		}
	}
	walk("", "", v, nil)
	sort.Strings(out)
	return out
}

// The examples the reference shows (every response's, success and error)
// read like real answers: no field holds its own name, a placeholder word, a
// made-up URL or hash, a zero id; ids have their kind's format, addresses
// are valid on their chain (EIP-55 on Ethereum, base58check on Tron), times
// are RFC 3339, and no object repeats one dummy amount in three money
// fields. -fill-examples writes such placeholders as a starting point: this
// keeps them from reaching the reference.
func TestSpecExamplesAreNotPlaceholders(t *testing.T) {
	spec := loadSpec(t)
	checked := 0
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			for code, rr := range op.Responses.Map() {
				if rr.Value == nil {
					continue
				}
				for mt, m := range rr.Value.Content {
					if !isJSONMedia(mt) {
						continue
					}
					for name, ex := range mediaExamples(m) {
						checked++
						for _, p := range examplePlaceholders(ex) {
							t.Errorf("%s %s %s example %q: %s", method, path, code, name, p)
						}
					}
				}
			}
		}
	}
	if checked < 300 {
		t.Fatalf("only %d examples checked", checked)
	}
	t.Logf("%d response examples read like real answers", checked)
}

// The check above can fail: each kind of placeholder it names is found in a
// made-up example, and a realistic one passes.
func TestSpecExamplePlaceholderCheckFindsEachKind(t *testing.T) {
	for _, c := range []struct {
		ex   map[string]any
		want string
	}{
		{map[string]any{"customer_ref": "customer-ref"}, "the field's own name"},
		{map[string]any{"label": "string"}, "a placeholder word"},
		{map[string]any{"redirect_url": "https://merchant.example/redirect-url"}, "a URL made of the field's name"},
		{map[string]any{"tx_hash": makerHash}, "a made-up or zero hash"},
		{map[string]any{"wallet_id": "wal_00000000000000000000000000"}, "zero hash or id"},
		{map[string]any{"fx_quote_id": "fx__01JEX5Q3B2M8C4V6N7R9T0W1YZ"}, "not an id of the form fxq_"},
		{map[string]any{"to_address": "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}, "not a valid ethereum address"},
		{map[string]any{"to_address": "TJRabPrwbZy45sbavfcjinPJC18kjpRTv9"}, "not a valid tron address"},
		{map[string]any{"address": float64(5.177e47)}, "read as a number"},
		{map[string]any{"created_at": "7 December 2026"}, "not an RFC 3339 time"},
		{map[string]any{"amount": "125.000000", "fee": "125.000000", "net": "125.000000"}, "do not add up"},
	} {
		got := strings.Join(examplePlaceholders(c.ex), "; ")
		if !strings.Contains(got, c.want) {
			t.Errorf("%v: found %q; want %q", c.ex, got, c.want)
		}
	}
	real := map[string]any{"id": "txn_01JEX5Q3B2M8C4V6N7R9T0W1YZ", "wallet_id": "wal_01JEX5Q3B2M8C4V6N7R9T0W1YZ",
		"to_address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "amount": "125.000000", "fee": "1.200000",
		"fee_held": "1.800000", "created_at": "2026-12-07T08:30:00Z", "label": "Main store"}
	if got := examplePlaceholders(real); len(got) != 0 {
		t.Errorf("a realistic example is flagged: %q", got)
	}
}
