package gasbench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/internal/dev/gasbench/benchtoken"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisend"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
	"github.com/stablegate/stablegate/shared/chain/tron/trontx"
)

// Tron's prices in sun (1 TRX = 1,000,000 sun), chain parameters of
// mainnet: getEnergyFee, 100 sun per energy since the committee cut it from
// 210 in 2025 (public fee pages anchored to getEnergyFee, e.g.
// eopen.io/en/tron-energy-fee-methodology, reviewed 2026-05); and
// getTransactionFee, 1,000 sun per byte of bandwidth (parameter #3). Each
// account also gets getFreeNetLimit, 600 bytes of bandwidth a day, free:
// less than two transfers, so a payout wallet pays for bandwidth.
const (
	SunPerEnergy = 100
	SunPerByte   = 1_000
	FreeNetBytes = 600
	// resultBytes is what java-tron adds to a transaction's size for the
	// result of each contract (MAX_RESULT_SIZE_IN_TX) when it bills bandwidth.
	resultBytes = 64
)

// TronWorld is Tron's USDT (TronUSDT: its storage reads and checks) and
// our Multisend, its bytecode unchanged, installed in a go-ethereum state
// and run under EnergyMeter. The hot wallet holds the supply and has
// approved the Multisend.
type TronWorld struct {
	DB        *state.StateDB
	Hot       common.Address
	Token     common.Address
	Multisend common.Address
	// Factors is each contract's energy factor: USDT's at the max, our
	// Multisend's 0 (its own opcodes stay far under the threshold).
	Factors map[common.Address]uint64
	fresh   uint64
}

// NewTronWorld deploys the token and the Multisend from the hot wallet.
func NewTronWorld() (*TronWorld, error) {
	db, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		return nil, err
	}
	w := &TronWorld{DB: db, Hot: common.HexToAddress("0x4c6f6e67206c69766520746865207175656e2121")}
	tokenABI, err := benchtoken.TronUSDTMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	args, err := tokenABI.Pack("", big.NewInt(1_000_000_000_000_000))
	if err != nil {
		return nil, err
	}
	if _, w.Token, _, err = runtime.Create(append(common.FromHex(benchtoken.TronUSDTMetaData.Bin), args...), w.config(nil)); err != nil {
		return nil, fmt.Errorf("tron token: %w", err)
	}
	msABI, err := multisendbind.MultisendMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	if args, err = msABI.Pack("", w.Hot); err != nil {
		return nil, err
	}
	if _, w.Multisend, _, err = runtime.Create(append(common.FromHex(multisendbind.MultisendMetaData.Bin), args...), w.config(nil)); err != nil {
		return nil, fmt.Errorf("tron multisend: %w", err)
	}
	w.Factors = map[common.Address]uint64{w.Token: USDTEnergyFactor}
	approve, err := tokenABI.Pack("approve", w.Multisend, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)))
	if err != nil {
		return nil, err
	}
	if _, err := w.Call(w.Token, approve); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *TronWorld) config(tracer *EnergyMeter) *runtime.Config {
	c := &runtime.Config{Origin: w.Hot, State: w.DB, GasLimit: 1 << 40}
	if tracer != nil {
		c.EVMConfig = vm.Config{Tracer: tracer.Hooks()}
	}
	return c
}

// Call runs data against to from the hot wallet and returns its energy.
func (w *TronWorld) Call(to common.Address, data []byte) (Energy, error) {
	m := NewEnergyMeter(w.DB, w.Factors)
	if _, _, err := runtime.Call(to, data, w.config(m)); err != nil {
		return Energy{}, err
	}
	if m.Err != nil {
		return Energy{}, m.Err
	}
	if m.Halts > 0 {
		return Energy{}, errors.New("tron energy: a frame halted by an exception (Tron would spend all its energy)")
	}
	return Energy{Base: m.Base, Charged: m.Charged}, nil
}

// Transfer is a single USDT transfer from the hot wallet: its energy and
// its transaction's bandwidth bytes.
func (w *TronWorld) Transfer(to common.Address, amount int64) (Energy, int, error) {
	data := TransferCalldata(to, big.NewInt(amount))
	e, err := w.Call(w.Token, data)
	if err != nil {
		return e, 0, err
	}
	return e, TronTxBytes(w.Hot, w.Token, data, int64(e.Charged)*SunPerEnergy), nil
}

// Pay sends batch through the Multisend, the total pulled from the hot
// wallet in the same transaction (approve once).
func (w *TronWorld) Pay(batch []multisend.Payout) (Energy, int, error) {
	data, err := multisend.Pack(w.Token, true, batch)
	if err != nil {
		return Energy{}, 0, err
	}
	e, err := w.Call(w.Multisend, data)
	if err != nil {
		return e, 0, err
	}
	return e, TronTxBytes(w.Hot, w.Multisend, data, int64(e.Charged)*SunPerEnergy), nil
}

// FreshAddresses returns n addresses that have never held the token.
func (w *TronWorld) FreshAddresses(n int) []common.Address {
	out := make([]common.Address, n)
	for i := range out {
		w.fresh++
		var seed [8]byte
		binary.BigEndian.PutUint64(seed[:], w.fresh)
		out[i] = common.BytesToAddress(crypto.Keccak256(seed[:], w.Token[:]))
	}
	return out
}

// TronTxBytes is the bandwidth a signed TriggerSmartContract transaction
// from owner calling contract with data is billed: its protobuf size
// (raw_data and one 65-byte signature) plus java-tron's 64 bytes for the
// result. Its header is a realistic one (reference block, expiration a
// minute after the timestamp, in milliseconds) with feeLimit in sun.
func TronTxBytes(owner, contract common.Address, data []byte, feeLimit int64) int {
	h := trontx.Header{RefBlockBytes: [2]byte{0x9a, 0x51}, RefBlockHash: [8]byte{0x3e, 0x7f, 0x11, 0xc2, 0x5d, 0x08, 0xa4, 0x6b},
		Timestamp: 1_765_000_000_000, Expiration: 1_765_000_060_000, FeeLimit: feeLimit}
	raw, err := trontx.Call(address.Account(owner), address.Account(contract), data, h).RawData()
	if err != nil {
		return 0
	}
	// Transaction{raw_data = 1 (bytes), signature = 2 (bytes)}
	return 1 + uvarintLen(len(raw)) + len(raw) + 1 + 1 + 65 + resultBytes
}

func uvarintLen(n int) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], uint64(n))
}

// TronRow is one batch size and kind of holder on Tron.
type TronRow struct {
	N       int
	Holders string // "fresh" or "existing"
	// Single is one USDT transfer to such a holder, SingleBytes its
	// bandwidth.
	Single      Energy
	SingleBytes int
	// One and All are batches of 1 and of N through the Multisend (the pull
	// inside), AllBytes the batch of N's bandwidth.
	One, All Energy
	AllBytes int
}

// Marginal is the energy each extra recipient adds to a batch.
func (r TronRow) Marginal() float64 {
	return float64(r.All.Charged-r.One.Charged) / float64(r.N-1)
}

// PerRecipient is the batch's energy per recipient, the pull included.
func (r TronRow) PerRecipient() float64 { return float64(r.All.Charged) / float64(r.N) }

// SingleSun is what a single transfer burns: its energy and its bandwidth,
// with no staked resources.
func (r TronRow) SingleSun() int64 {
	return int64(r.Single.Charged)*SunPerEnergy + int64(r.SingleBytes)*SunPerByte
}

// BatchSun is what the batch burns per recipient.
func (r TronRow) BatchSun() float64 {
	return float64(int64(r.All.Charged)*SunPerEnergy+int64(r.AllBytes)*SunPerByte) / float64(r.N)
}

// MeasureTron measures a batch of n to fresh holders and again to the same
// (now existing) holders, with single transfers to each kind beside.
func (w *TronWorld) MeasureTron(n int) (fresh, existing TronRow, err error) {
	fresh = TronRow{N: n, Holders: "fresh"}
	existing = TronRow{N: n, Holders: "existing"}
	all, one, single := w.FreshAddresses(n), w.FreshAddresses(1), w.FreshAddresses(1)[0]
	for _, r := range []*TronRow{&fresh, &existing} {
		if r.One, _, err = w.Pay(BatchOf(one)); err != nil {
			return
		}
		if r.All, r.AllBytes, err = w.Pay(BatchOf(all)); err != nil {
			return
		}
		if r.Single, r.SingleBytes, err = w.Transfer(single, 1_000_000); err != nil {
			return
		}
	}
	return fresh, existing, nil
}

// PrintTronBatches measures batches of 100 and 500 on Tron and prints the
// table.
func PrintTronBatches(out io.Writer) error {
	w, err := NewTronWorld()
	if err != nil {
		return err
	}
	var rows []TronRow
	for _, n := range []int{100, 500} {
		f, e, err := w.MeasureTron(n)
		if err != nil {
			return err
		}
		rows = append(rows, f, e)
	}
	WriteTronTable(out, rows)
	return nil
}

// WriteTronTable prints rows as a Markdown table.
func WriteTronTable(out io.Writer, rows []TronRow) {
	p := func(format string, a ...any) { _, _ = fmt.Fprintf(out, format, a...) }
	p("\nTron: energy and TRX per recipient of a USDT batch payout through Multisend against single transfers\n")
	p("No Tron node runs here: the real bytecode (Multisend as compiled, TronUSDT: Tron USDT's storage reads and checks) runs in\n")
	p("go-ethereum's EVM and every executed opcode is priced by java-tron's energy table (TRON_V1_4). Energy is charged under the\n")
	p("dynamic energy model: each opcode run in USDT's context costs (10000 + %d)/10000 times its price (USDT's energy factor, the\n", USDTEnergyFactor)
	p("max; truncated per opcode, as java-tron does); Multisend's own opcodes are at factor 0 (a new contract: far under the\n")
	p("threshold). No 21,000-style fixed cost exists on Tron, so a batch saves bandwidth, not energy.\n")
	p("TRX burnt with no staked resources = energy x %d sun (getEnergyFee) + bytes x %d sun (getTransactionFee); the daily free\n", SunPerEnergy, SunPerByte)
	p("bandwidth (%d bytes per account) covers one transfer a day and is left out. Base = energy at factor 0 (table prices).\n\n", FreeNetBytes)
	p("| %4s | %-8s | %13s | %11s | %12s | %10s | %12s | %15s | %11s | %9s | %9s |\n", "N", "holders", "single energy", "single base", "single bytes",
		"single TRX", "batch energy", "marginal energy", "batch bytes", "batch TRX", "TRX saved")
	p("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", dashes(6), dashes(10), dashes(15), dashes(13), dashes(14), dashes(12), dashes(14), dashes(17), dashes(13), dashes(11), dashes(11))
	for _, r := range rows {
		single, batch := float64(r.SingleSun())/1e6, r.BatchSun()/1e6
		p("| %4d | %-8s | %13d | %11d | %12d | %10.4f | %12.0f | %15.0f | %11.1f | %9.4f | %9.4f |\n", r.N, r.Holders, r.Single.Charged, r.Single.Base,
			r.SingleBytes, single, r.PerRecipient(), r.Marginal(), float64(r.AllBytes)/float64(r.N), batch, single-batch)
	}
	p("\nbatch energy, bytes and TRX are per recipient (the batch's pull of the total included); marginal = (energy(N) - energy(1)) / (N-1).\n")
	p("The pull (one transferFrom of the total, about a single transfer's energy) is spread over the batch: a batch of 20 still burns\n")
	p("more per recipient than single transfers. Not measured here: java-tron's CPU time limit of one transaction (getMaxCpuTimeOfOneTx,\n")
	p("80 ms) may refuse a very large batch on real nodes; a testnet run should set the largest batch size.\n")
}
