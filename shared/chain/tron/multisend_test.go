package tron

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisend"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func randomBatch(r *rand.Rand, n int) []MultisendPayout {
	out := make([]MultisendPayout, n)
	for i := range out {
		for k := range out[i].To {
			out[i].To[k] = byte(r.IntN(256))
		}
		out[i].Amount = sg.Amount(1 + r.Int64N(1<<40))
	}
	return out
}

// The pay call Tron batches send is byte for byte what go-ethereum's ABI
// packer makes of the contract's ABI (the same bytecode runs on the TVM, the
// addresses as their 20 bytes), for batches of 1 to 500 in both funding
// modes, and its events are the contract's (the ABI's ids).
func TestPackMultisendIsTheContractsABI(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	token := address.Account{0xa6, 0x14, 0xf8, 0x03, 0xb6, 0xfd, 0x78, 0x09, 0x86, 0xa4, 0x2c, 0x78, 0xec, 0x9c, 0x7f, 0x77, 0xe6, 0xde, 0xd1, 0x3c} // TR7NHq…'s 20 bytes
	for _, n := range []int{1, 2, 7, 100, 500} {
		batch := randomBatch(r, n)
		eth := make([]multisend.Payout, n)
		for i, p := range batch {
			eth[i] = multisend.Payout{To: common.Address(p.To), Amount: p.Amount}
		}
		for _, pull := range []bool{true, false} {
			got, err := PackMultisend(token, pull, batch)
			if err != nil {
				t.Fatal(err)
			}
			want, err := multisend.Pack(common.Address(token), pull, eth)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("batch of %d (pull %v): calldata differs from the ABI's\n got %x\nwant %x", n, pull, got[:min(len(got), 200)], want[:min(len(want), 200)])
			}
		}
	}
	a, err := multisendbind.MultisendMetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(paySelector, a.Methods["pay"].ID) || failedTopic != a.Events["Failed"].ID || batchTopic != a.Events["Batch"].ID {
		t.Fatal("selector or event ids differ from the contract's ABI")
	}
}

// A fixed vector: two payouts of TR7NHq…'s USDT, pulled. Checked by hand
// against the ABI's rules: selector, token word, total 3.5 USDT, offset
// 0x60, two items (amount in the high 12 bytes, recipient in the low 20).
func TestPackMultisendVector(t *testing.T) {
	token, _ := address.Parse(sg.Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
	a, _ := address.Parse(sg.Tron, "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm")
	b, _ := address.Parse(sg.Tron, "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8")
	got, err := PackMultisend(token, true, []MultisendPayout{{To: a, Amount: 1_000_000}, {To: b, Amount: 2_500_000}})
	if err != nil {
		t.Fatal(err)
	}
	want := "12e4cc6c" + // keccak256("pay(address,uint256,bytes32[])")[:4]
		"000000000000000000000000" + hex.EncodeToString(token[:]) +
		"00000000000000000000000000000000000000000000000000000000003567e0" + // 3,500,000
		"0000000000000000000000000000000000000000000000000000000000000060" +
		"0000000000000000000000000000000000000000000000000000000000000002" +
		"0000000000000000000f4240" + hex.EncodeToString(a[:]) +
		"0000000000000000002625a0" + hex.EncodeToString(b[:])
	if hex.EncodeToString(got) != want {
		t.Fatalf("calldata\n got %x\nwant %s", got, want)
	}
}

// The events of a batch's transaction give each payout its result only if
// they are this batch's: a Failed event for the payout at its index (its
// recipient and amount), one Batch event with the items' hash, count and
// totals. Anything else is refused rather than read as paid.
func TestMultisendResults(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	batch := randomBatch(r, 5)
	at := address.Account{1, 2, 3}
	token := address.Account{9}
	logs := func(refused ...int) []Log {
		items, _, err := multisendItems(batch)
		if err != nil {
			t.Fatal(err)
		}
		var out []Log
		var sum sg.Amount
		for _, i := range refused {
			var ix, to, amount [32]byte
			ix[31] = byte(i)
			copy(to[12:], batch[i].To[:])
			putWord(amount[:], uint64(batch[i].Amount))
			out = append(out, Log{Address: at, Topics: [][32]byte{failedTopic, ix, to}, Data: amount[:]})
			sum += batch[i].Amount
		}
		var tok, n, f, s [32]byte
		copy(tok[12:], token[:])
		putWord(n[:], uint64(len(batch)))
		putWord(f[:], uint64(len(refused)))
		putWord(s[:], uint64(sum))
		data := append(append(n[:], f[:]...), s[:]...)
		// a token Transfer log beside, as a node lists the token's events too
		out = append(out, Log{Address: token, Topics: [][32]byte{{1}}, Data: make([]byte, 32)})
		return append(out, Log{Address: at, Topics: [][32]byte{batchTopic, tok, keccak(items)}, Data: data})
	}
	t.Run("reads the refused payout and pays the others", func(t *testing.T) {
		paid, err := MultisendResults(logs(3), at, batch)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range paid {
			if p != (i != 3) {
				t.Fatalf("payout %d paid %v", i, p)
			}
		}
	})
	bad := map[string]func() []Log{
		"another batch's items":    func() []Log { l := logs(); l[len(l)-1].Topics[2][0] ^= 1; return l },
		"no Batch event":           func() []Log { l := logs(2); return l[:len(l)-1] },
		"two Batch events":         func() []Log { l := logs(); return append(l, l[len(l)-1]) },
		"a Failed event unmatched": func() []Log { l := logs(2); l[0].Topics[1][31] = 4; return l },
		"the same failure twice":   func() []Log { l := logs(2); return append([]Log{l[0]}, l...) },
		"events of another contract": func() []Log {
			l := logs()
			l[len(l)-1].Address = address.Account{7}
			return l
		},
	}
	for name, f := range bad {
		t.Run("refuses "+name, func(t *testing.T) {
			if _, err := MultisendResults(f(), at, batch); !errors.Is(err, ErrNotThisBatch) {
				t.Fatalf("got %v, want ErrNotThisBatch", err)
			}
		})
	}
}

func putWord(w []byte, v uint64) {
	for i := 0; i < 8; i++ {
		w[31-i] = byte(v >> (8 * i))
	}
}

// Fee shares add up to the TRX burnt, to the sun.
func TestFeeShares(t *testing.T) {
	for _, c := range []struct {
		fee int64
		n   int
	}{{0, 3}, {10, 3}, {6_763_000, 7}, {1, 500}} {
		var sum int64
		shares := FeeShares(c.fee, c.n)
		for _, s := range shares {
			sum += s
			if s < c.fee/int64(c.n) || s > c.fee/int64(c.n)+1 {
				t.Fatalf("share %d of %d over %d", s, c.fee, c.n)
			}
		}
		if sum != c.fee || len(shares) != c.n {
			t.Fatalf("shares of %d over %d add to %d", c.fee, c.n, sum)
		}
	}
}

// The selector written out is the first four bytes of the signature's hash.
func TestPaySelectorIsTheSignatureHash(t *testing.T) {
	h := keccak([]byte("pay(address,uint256,bytes32[])"))
	if !bytes.Equal(paySelector, h[:4]) {
		t.Errorf("paySelector = %x, want %x", paySelector, h[:4])
	}
}
