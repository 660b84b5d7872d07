package holdings

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/internal/dev/multicall"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
)

// go-ethereum's ABI codec, given the compiled contract's ABI, is the
// independent encoder our hand-written one is checked against.
func mcABI(t testing.TB) *abi.ABI {
	t.Helper()
	a, err := multicall.MulticallMetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type call3 struct {
	Target       common.Address
	AllowFailure bool
	CallData     []byte
}

type result struct {
	Success    bool
	ReturnData []byte
}

func TestAggregate3SelectorIsMulticall3s(t *testing.T) {
	if got := crypto.Keccak256([]byte(aggregate3Signature))[:4]; !bytes.Equal(got, aggregate3Selector) {
		t.Fatalf("selector %x; keccak256(%q) starts %x", aggregate3Selector, aggregate3Signature, got)
	}
	if m := mcABI(t).Methods["aggregate3"]; m.Sig != aggregate3Signature || !bytes.Equal(m.ID, aggregate3Selector) {
		t.Fatalf("the contract's aggregate3 is %s (%x); want %s (%x)", m.Sig, m.ID, aggregate3Signature, aggregate3Selector)
	}
}

func TestEncodeBalanceCallsMatchesTheABICodec(t *testing.T) {
	token := address.Account{0: 0xa6, 19: 0x01}
	for _, n := range []int{0, 1, 2, 7, 500} {
		var hs []address.Account
		var calls []call3
		for i := range n {
			h := address.Account{0: 0x11, 18: byte(i >> 8), 19: byte(i)}
			hs = append(hs, h)
			calls = append(calls, call3{Target: common.Address(token), AllowFailure: true, CallData: erc20.BalanceOf(h)})
		}
		want, err := mcABI(t).Pack("aggregate3", calls)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodeBalanceCalls(token, hs); !bytes.Equal(got, want) {
			t.Fatalf("%d holders:\n got %x\nwant %x", n, got, want)
		}
	}
}

// One holder's calldata, written out: a fixed vector beside the codec's.
func TestEncodeBalanceCallsVector(t *testing.T) {
	token := address.Account{19: 0xaa}
	holder := address.Account{19: 0xbb}
	want := "82ad56cb" +
		"0000000000000000000000000000000000000000000000000000000000000020" + // the array's offset
		"0000000000000000000000000000000000000000000000000000000000000001" + // one call
		"0000000000000000000000000000000000000000000000000000000000000020" + // its offset
		"00000000000000000000000000000000000000000000000000000000000000aa" + // target
		"0000000000000000000000000000000000000000000000000000000000000001" + // allowFailure
		"0000000000000000000000000000000000000000000000000000000000000060" + // callData's offset
		"0000000000000000000000000000000000000000000000000000000000000024" + // its length, 36
		"70a08231000000000000000000000000000000000000000000000000000000000000" + // balanceOf(holder)...
		"00bb00000000000000000000000000000000000000000000000000000000"
	if got := hex.EncodeToString(encodeBalanceCalls(token, []address.Account{holder})); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
}

func TestDecodeBalancesReadsTheABICodecsAnswer(t *testing.T) {
	word := func(v int64) []byte { return common.BigToHash(big.NewInt(v)).Bytes() }
	results := []result{
		{true, word(7)},
		{false, nil},                        // reverted
		{true, nil},                         // no code: nothing answered
		{true, append(word(1), word(2)...)}, // not one word
		{true, word(1 << 40)},
		{false, []byte("revert reason")},
	}
	ret, err := mcABI(t).Methods["aggregate3"].Outputs.Pack(results)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := decodeBalances(ret, len(results))
	if !ok {
		t.Fatal("a well-formed answer read as malformed")
	}
	want := []*big.Int{big.NewInt(7), nil, nil, nil, big.NewInt(1 << 40), nil}
	for i := range want {
		if (got[i] == nil) != (want[i] == nil) || (got[i] != nil && got[i].Cmp(want[i]) != 0) {
			t.Fatalf("result %d: %v; want %v", i, got[i], want[i])
		}
	}
	if _, ok := decodeBalances(ret, len(results)+1); ok {
		t.Fatal("an answer with one result fewer than the calls read as whole")
	}
	if _, ok := decodeBalances(ret[:len(ret)-1], len(results)); ok {
		t.Fatal("a cut answer read as whole")
	}
	if _, ok := decodeBalances(nil, 0); ok {
		t.Fatal("an empty answer (no code at the multicall address) read as whole")
	}
}

// The answer comes from a node: however malformed, it is refused or read,
// never a panic, and what reads agrees with go-ethereum's decoder.
func FuzzDecodeBalances(f *testing.F) {
	a, err := multicall.MulticallMetaData.GetAbi()
	if err != nil {
		f.Fatal(err)
	}
	out := a.Methods["aggregate3"].Outputs
	seed, _ := out.Pack([]result{{true, common.BigToHash(big.NewInt(5)).Bytes()}, {false, nil}})
	f.Add(seed, 2)
	f.Add([]byte{}, 0)
	f.Fuzz(func(t *testing.T, ret []byte, n int) {
		if n < 0 || n > 1000 {
			return
		}
		got, ok := decodeBalances(ret, n)
		if !ok {
			return
		}
		vals, err := out.Unpack(ret)
		if err != nil {
			return // ours is laxer about padding; agreement is checked on what both read
		}
		var rs []result
		abi.ConvertType(vals[0], &rs)
		if len(rs) != n {
			t.Fatalf("we read %d results; the codec %d", n, len(rs))
		}
		for i, r := range rs {
			if want := r.Success && len(r.ReturnData) == 32; want != (got[i] != nil) || (want && new(big.Int).SetBytes(r.ReturnData).Cmp(got[i]) != 0) {
				t.Fatalf("result %d: %v; codec %+v", i, got[i], r)
			}
		}
	})
}
