package ethereum

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

type recordSink struct {
	seen      map[string]int
	wrongFrom int
}

func (s *recordSink) Seen(_ context.Context, d Deposit) error {
	s.seen[d.TxHash.Hex()+"/"+d.BlockHash.Hex()]++
	// The synthetic chain numbers its logs by their transaction hash; the
	// deposit names the sender of its log (its first indexed topic).
	if want := SyntheticSender(int(d.TxHash.Big().Int64())); d.From != want {
		s.wrongFrom++
	}
	return nil
}
func (s *recordSink) Confirm(context.Context, Deposit) error { return nil }
func (s *recordSink) Reverse(context.Context, Deposit) error { return nil }

// Under provider limits the adaptive scan splits refused ranges and still
// sees every deposit exactly once, with far fewer calls than a fixed window.
func TestAdaptiveScanSeesEveryDepositOnceUnderLimits(t *testing.T) {
	watched := []common.Address{common.BigToAddress(big.NewInt(7)), common.BigToAddress(big.NewInt(8))}
	set := map[common.Address]bool{watched[0]: true, watched[1]: true}
	chain := &SyntheticChain{Head: 20_000, Watched: watched, LogsPerBlock: 3, DepositEvery: 7, MaxResults: 10_000, MaxRange: 2_000}
	sink := &recordSink{seen: map[string]int{}}
	w := &Watcher{Chain: chain, Confirmations: 12, Sink: sink, Watched: func(a common.Address) bool { return set[a] }}
	st, err := w.Poll(context.Background(), State{})
	if err != nil {
		t.Fatal(err)
	}
	want := 0 // the chain numbers its logs b*3+i; every 7th goes to a watched address
	for n := 3; n <= 20_000*3+2; n++ {
		if n%7 == 0 {
			want++
		}
	}
	if len(sink.seen) != want {
		t.Fatalf("saw %d deposits; want %d", len(sink.seen), want)
	}
	for k, n := range sink.seen {
		if n != 1 {
			t.Fatalf("deposit %s seen %d times", k, n)
		}
	}
	if sink.wrongFrom != 0 {
		t.Fatalf("%d deposits named another sender than their log's", sink.wrongFrom)
	}
	if st.Cursor != 20_000 || chain.Calls > 200 {
		t.Fatalf("cursor %d after %d calls", st.Cursor, chain.Calls)
	}
}

// The values written out instead of computed at package init are the ones
// the computation gives.
func TestWrittenOutValuesAreTheComputedOnes(t *testing.T) {
	if want := crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)")); TransferTopic != want {
		t.Errorf("TransferTopic = %s, want %s", TransferTopic, want)
	}
	if want := common.HexToAddress("0x000000000000000000000000000000000000dEaD"); burnAddress != want {
		t.Errorf("burnAddress = %s, want %s", burnAddress, want)
	}
	if want := common.LeftPadBytes(big.NewInt(1_000_000).Bytes(), 32); string(syntheticAmount[:]) != string(want) {
		t.Errorf("syntheticAmount = %x, want %x", syntheticAmount, want)
	}
}
