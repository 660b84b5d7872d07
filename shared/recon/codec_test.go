package recon

// ---- reconckpt: the progress's encoding ----

import (
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"runtime"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// partWay is a progress part way through busy books with every field in
// use: cursors, sums of several buckets, a quarantine, listed and
// unlisted differences, suspects, the wallets' cursor.
func partWay(t *testing.T) Progress {
	t.Helper()
	b, _, _ := busy(t)
	st := Store{LedgerReads: b.st, TenantWalletLister: b.st, TrackedReader: b.st, Ranges: b.st, Wallets: b.st}
	var p Progress
	if _, done, err := TenantStep(bg, st, tenant, b.now, &p, time.Unix(1, 0)); err != nil || done {
		t.Fatalf("step: done %v, %v", done, err)
	}
	p.quarantined[sg.Tron] = 77
	p.match.Differences = []Difference{{"wal_x/ethereum/USDT available", "5", "6"}}
	p.match.Unlisted, p.match.Detail = 12, "a detail"
	p.walletAfter, p.walletsDone = "wal_zzz", true
	p.suspects = []suspect{{wkey{"wal_a", sg.Ethereum, sg.USDT}, 1}, {wkey{"wal_b", sg.Tron, sg.USDT}, 16}}
	p.suspectAt, p.settled, p.settleLines = 1, 1, 42
	p.at(wkey{"wal_neg", sg.Tron, sg.USDT}).Held = -3
	return p
}

// A checkpoint reads back as the progress that wrote it.
func TestProgressCheckpointReadsBackWhole(t *testing.T) {
	p := partWay(t)
	if p.Transfers() == 0 || p.Accounts() < 3 {
		t.Fatalf("progress too thin to tell: %d transfers, %d accounts", p.Transfers(), p.Accounts())
	}
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var q Progress
	if err := q.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatalf("read back\n%+v\nwrote\n%+v", q, p)
	}
}

// A checkpoint cut short, altered in any byte, or of another format is
// refused, never read as some other progress.
func TestProgressCheckpointRefusesDamage(t *testing.T) {
	p := partWay(t)
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(b) {
		var q Progress
		if err := q.UnmarshalBinary(b[:n]); err == nil {
			t.Fatalf("cut to %d of %d bytes: read", n, len(b))
		}
	}
	for i := range b {
		for _, bit := range []byte{0x01, 0x80} {
			c := append([]byte(nil), b...)
			c[i] ^= bit
			var q Progress
			if err := q.UnmarshalBinary(c); err == nil {
				t.Fatalf("byte %d altered: read", i)
			}
		}
	}
}

// BenchmarkProgressCheckpoint encodes and decodes the progress of a
// tenant whose journal is read and whose wallet accounts all hold sums
// (wallet ids as sg.NewID makes them, over a year): the checkpoint's size
// per account and the heap the decoded sums take.
func BenchmarkProgressCheckpoint(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint("accounts=", n), func(b *testing.B) {
			r := mrand.New(mrand.NewPCG(1, 2))
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			p := Progress{after: make([]string, Segments), done: make([]bool, Segments), sums: make(map[wkey]*sums, n),
				quarantined: map[sg.Chain]sg.Amount{}, balanced: Check{Name: "entries_balanced", Checked: 10 * n}}
			chains := []sg.Chain{sg.Ethereum, sg.Tron}
			for i := range n {
				id := sg.NewID("wal", start.Add(time.Duration(r.Int64N(int64(365*24*time.Hour)))))
				p.sums[wkey{id, chains[i%2], sg.USDT}] = &sums{Available: sg.Amount(r.Int64N(10_000_000_000)), Pending: sg.Amount(r.Int64N(2) * 1_000_000)}
			}
			var enc []byte
			var err error
			var heap uint64
			b.ResetTimer()
			for b.Loop() {
				if enc, err = p.MarshalBinary(); err != nil {
					b.Fatal(err)
				}
				var m0, m1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m0)
				var q Progress
				if err := q.UnmarshalBinary(enc); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&m1)
				heap = m1.HeapAlloc - m0.HeapAlloc
				runtime.KeepAlive(&q)
			}
			b.ReportMetric(float64(len(enc))/float64(n), "bytes/account")
			b.ReportMetric(float64(len(enc))/(1<<20), "checkpoint-MB")
			b.ReportMetric(float64(heap)/(1<<20), "decoded-heap-MB")
		})
	}
}
