package multisend

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var (
	alice = common.HexToAddress("0x9858EfFD232B4033E47d90003D41EC34EcaEda94")
	bob   = common.HexToAddress("0x00000000000000000000000000000000000b0b01")
	token = common.HexToAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")
	at    = common.HexToAddress("0x000000000000000000000000000000000000a11c")
)

func TestItems(t *testing.T) {
	many := make([]Payout, MaxBatch+1)
	for i := range many {
		many[i] = Payout{To: bob, Amount: 1}
	}
	for _, c := range []struct {
		name  string
		batch []Payout
		err   error
	}{
		{"refuses an empty batch", nil, ErrEmpty},
		{"refuses more than 500 payouts", many, ErrTooMany},
		{"refuses a zero amount", []Payout{{To: bob, Amount: 0}}, ErrAmount},
		{"refuses a negative amount", []Payout{{To: bob, Amount: -1}}, ErrAmount},
		{"refuses the zero address", []Payout{{Amount: 1}}, ErrRecipient},
		{"takes 500 payouts", many[:MaxBatch], nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Items(c.batch)
			if !errors.Is(err, c.err) {
				t.Fatalf("err %v, want %v", err, c.err)
			}
		})
	}
	t.Run("packs the amount in the high 12 bytes and the recipient in the low 20", func(t *testing.T) {
		items, err := Items([]Payout{{To: alice, Amount: 1_500_000}})
		if err != nil {
			t.Fatal(err)
		}
		want := "00000000000000000016e360" + strings.ToLower(alice.Hex()[2:])
		if got := common.Bytes2Hex(items[0][:]); got != want {
			t.Fatalf("item %s, want %s", got, want)
		}
	})
}

func TestPack(t *testing.T) {
	batch := []Payout{{To: alice, Amount: 1_000_000}, {To: bob, Amount: 2_500_000}}
	for _, c := range []struct {
		name string
		pull bool
		want int64
	}{
		{"pulls the batch total", true, 3_500_000},
		{"pulls nothing from a funded contract", false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := Pack(token, c.pull, batch)
			if err != nil {
				t.Fatal(err)
			}
			args, err := contractABI().Methods["pay"].Inputs.Unpack(data[4:])
			if err != nil {
				t.Fatal(err)
			}
			if args[0].(common.Address) != token || args[1].(*big.Int).Int64() != c.want || len(args[2].([][32]byte)) != 2 {
				t.Fatalf("pay(%v, %v, %d items)", args[0], args[1], len(args[2].([][32]byte)))
			}
			// selector, token, pull, offset, length, then 32 bytes a payout: calldata is paid per byte
			if len(data) != 4+32*4+32*2 {
				t.Fatalf("calldata is %d bytes", len(data))
			}
		})
	}
}

func TestFeeShares(t *testing.T) {
	for _, c := range []struct {
		name string
		fee  int64
		n    int
	}{
		{"splits evenly", 300, 3},
		{"spreads the remainder over the first payouts", 301, 3},
		{"a fee smaller than the batch", 2, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			shares := FeeShares(big.NewInt(c.fee), c.n)
			sum := new(big.Int)
			for i, s := range shares {
				sum.Add(sum, s)
				if i > 0 && s.Cmp(shares[i-1]) > 0 {
					t.Fatalf("share %d (%s) above the one before", i, s)
				}
			}
			if len(shares) != c.n || sum.Int64() != c.fee {
				t.Fatalf("%d shares adding to %s, want %d adding to %d", len(shares), sum, c.n, c.fee)
			}
		})
	}
}

// receipt builds what a mined batch's receipt carries.
func receipt(t *testing.T, batch []Payout, failed ...int) *types.Receipt {
	t.Helper()
	h, err := ItemsHash(batch)
	if err != nil {
		t.Fatal(err)
	}
	r := &types.Receipt{Status: types.ReceiptStatusSuccessful}
	var sum sg.Amount
	for _, i := range failed {
		r.Logs = append(r.Logs, &types.Log{Address: at, Topics: []common.Hash{failedTopic, common.BigToHash(big.NewInt(int64(i))), common.BytesToHash(batch[i].To[:])},
			Data: common.BigToHash(big.NewInt(int64(batch[i].Amount))).Bytes()})
		sum += batch[i].Amount
	}
	data := append(common.BigToHash(big.NewInt(int64(len(batch)))).Bytes(), common.BigToHash(big.NewInt(int64(len(failed)))).Bytes()...)
	data = append(data, common.BigToHash(big.NewInt(int64(sum))).Bytes()...)
	r.Logs = append(r.Logs, &types.Log{Address: at, Topics: []common.Hash{batchTopic, common.BytesToHash(token[:]), h}, Data: data})
	return r
}

func TestParseResults(t *testing.T) {
	batch := []Payout{{To: alice, Amount: 1_000_000}, {To: bob, Amount: 2_000_000}}
	t.Run("names the refused payout and the paid one", func(t *testing.T) {
		res, err := ParseResults(receipt(t, batch, 1), at, batch)
		if err != nil {
			t.Fatal(err)
		}
		if !res[0].Paid || res[1].Paid || res[1].To != bob || res[1].Amount != 2_000_000 || res[1].Index != 1 {
			t.Fatalf("results %+v", res)
		}
	})
	t.Run("a reverted batch paid nothing", func(t *testing.T) {
		r := receipt(t, batch)
		r.Status = types.ReceiptStatusFailed
		if _, err := ParseResults(r, at, batch); !errors.Is(err, ErrReverted) {
			t.Fatalf("err %v", err)
		}
	})
	other := []Payout{{To: alice, Amount: 1_000_000}, {To: bob, Amount: 2_000_001}}
	for _, c := range []struct {
		name string
		r    *types.Receipt
		at   common.Address
	}{
		{"refuses another batch's receipt", receipt(t, other), at},
		{"refuses events from another contract", receipt(t, batch), bob},
		{"refuses a receipt without the Batch event", &types.Receipt{Status: types.ReceiptStatusSuccessful}, at},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParseResults(c.r, c.at, batch); !errors.Is(err, ErrNotThisBatch) {
				t.Fatalf("err %v, want ErrNotThisBatch", err)
			}
		})
	}
}

// FuzzParseResults: whatever logs a receipt carries, ParseResults returns
// one result per payout or an error, and never calls a payout refused that
// no matching Failed event names.
func FuzzParseResults(f *testing.F) {
	f.Add([]byte{1}, []byte{}, uint8(1))
	f.Add(common.BigToHash(big.NewInt(1)).Bytes(), common.BigToHash(big.NewInt(2_000_000)).Bytes(), uint8(3))
	batch := []Payout{{To: alice, Amount: 1_000_000}, {To: bob, Amount: 2_000_000}}
	f.Fuzz(func(t *testing.T, topic, data []byte, which uint8) {
		r := receipt(t, batch)
		l := &types.Log{Address: at, Topics: []common.Hash{failedTopic, common.BytesToHash(topic), common.BytesToHash(bob[:])}, Data: data}
		switch which % 4 {
		case 1:
			l.Topics[0] = batchTopic
		case 2:
			l.Topics = l.Topics[:1]
		}
		r.Logs = append([]*types.Log{l}, r.Logs...)
		res, err := ParseResults(r, at, batch)
		if err != nil {
			return
		}
		if len(res) != len(batch) {
			t.Fatalf("%d results for %d payouts", len(res), len(batch))
		}
	})
}

func BenchmarkPack500(b *testing.B) {
	batch := make([]Payout, MaxBatch)
	for i := range batch {
		batch[i] = Payout{To: common.BigToAddress(big.NewInt(int64(i + 1))), Amount: sg.Amount(1_000_000 + i)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Pack(token, true, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// The events' topics, as the contract's ABI names them.
var (
	failedTopic = contractABI().Events["Failed"].ID
	batchTopic  = contractABI().Events["Batch"].ID
)

// The ABI that Pack and the tests use is the binding's, which make
// contracts regenerates from the compiled contract: a contract change that
// leaves contractABIJSON behind fails here.
func TestContractABIIsTheBindings(t *testing.T) {
	if got, want := strings.TrimSpace(contractABIJSON), multisendbind.MultisendMetaData.ABI; got != want {
		t.Errorf("contractABIJSON differs from multisendbind.MultisendMetaData.ABI: copy the binding's ABI into abi.go\n got %.80s...\nwant %.80s...", got, want)
	}
}
