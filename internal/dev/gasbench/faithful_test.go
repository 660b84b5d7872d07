package gasbench

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func tetherRuntime(t *testing.T) []byte {
	code, err := TetherRuntimeFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// expectedAccesses is what Tether's source reads and writes, in order, for
// a transfer (or transferFrom by spender) of from's tokens to to with no
// fee: paused (slot 0, with the owner), isBlackListed[from], deprecated
// (slot 10, with upgradedAddress), for transferFrom allowed[from][spender]
// (left as it is at MAX_UINT), basisPointsRate, maximumFee, then the two
// balances read and written, and one Transfer event.
func expectedAccesses(from, to common.Address, spender *common.Address) []Access {
	slot := func(n int64) common.Hash { return common.BigToHash(big.NewInt(n)) }
	out := []Access{{"SLOAD", slot(slotOwnerPaused)}, {"SLOAD", MapSlot(from, slotBlackList)}, {"SLOAD", slot(slotUpgraded)}}
	if spender != nil {
		out = append(out, Access{"SLOAD", AllowedSlot(from, *spender)})
	}
	return append(out, Access{"SLOAD", slot(slotBasisPoints)}, Access{"SLOAD", slot(slotMaximumFee)},
		Access{"SLOAD", MapSlot(from, slotBalances)}, Access{"SSTORE", MapSlot(from, slotBalances)},
		Access{"SLOAD", MapSlot(to, slotBalances)}, Access{"SSTORE", MapSlot(to, slotBalances)}, Access{Op: "LOG3"})
}

func sameAccesses(t *testing.T, what string, got, want []Access) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d storage accesses and events %v, Tether's source has %d %v", what, len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: access %d is %s, Tether's source has %s (all: %v)", what, i, got[i], want[i], got)
		}
	}
}

// The faithful token does on transfer and transferFrom the storage reads,
// writes and events of Tether's source in its order and slots, and costs
// exactly the gas Tether's code costs on the same state and rules: so every
// payout and sweep figure measured on it is what mainnet USDT charges.
func TestTetherFaithful(t *testing.T) {
	ours, err := FaithfulRuntime()
	if err != nil {
		t.Fatal(err)
	}
	holder, to, spender := common.HexToAddress("0x1111111111111111111111111111111111111111"), common.HexToAddress("0xb0b1"), common.HexToAddress("0xfac7")
	acc, _, err := TransferAccesses(ours, holder, to, big.NewInt(1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	sameAccesses(t, "transfer", acc, expectedAccesses(holder, to, nil))
	acc, fromGas, err := TransferFromAccesses(ours, holder, spender, to, big.NewInt(1_000_000))
	if err != nil {
		t.Fatal(err)
	}
	sameAccesses(t, "transferFrom", acc, expectedAccesses(holder, to, &spender))

	ref := TetherReference
	if code := tetherRuntime(t); code != nil {
		if ref.Transfer, err = MeasureTransfer(code); err != nil {
			t.Fatal(err)
		}
		tacc, g, err := TransferFromAccesses(code, holder, spender, to, big.NewInt(1_000_000))
		if err != nil {
			t.Fatal(err)
		}
		sameAccesses(t, "Tether's transferFrom", tacc, expectedAccesses(holder, to, &spender))
		ref.TransferFrom = g
	}
	got, err := MeasureTransfer(ours)
	if err != nil {
		t.Fatal(err)
	}
	if got != ref.Transfer {
		t.Fatalf("transfer costs %d (fresh holder) / %d (existing) gas, Tether's %d / %d", got.Fresh, got.Existing, ref.Transfer.Fresh, ref.Transfer.Existing)
	}
	if fromGas != ref.TransferFrom {
		t.Fatalf("transferFrom's execution costs %d gas, Tether's %d", fromGas, ref.TransferFrom)
	}
	t.Logf("transfer %d / %d gas (fresh / existing holder), transferFrom execution %d: Tether's", got.Fresh, got.Existing, fromGas)
}

// Inside a batch and a sweep, where Tether's checks read slots already
// warm, the faithful token still costs exactly what Tether's code costs:
// each row's token frame (a Multisend transfer to a fresh and to an
// existing holder, a sweep's transferFrom), against the recorded reference,
// or, with TETHER_RUNTIME, against Tether's code traced the same way, where
// the whole row, the storage and event charges and Multisend's share must
// match too.
func TestTetherFaithfulInBatch(t *testing.T) {
	ours, err := FaithfulRuntime()
	if err != nil {
		t.Fatal(err)
	}
	code := tetherRuntime(t)
	same := func(what string, got, want RowTrace) {
		t.Helper()
		if got.Token != want.Token {
			t.Fatalf("%s: the token's frame costs %d gas, Tether's %d (ours: %s; Tether's: %s)", what, got.Token, want.Token, OpsString(got.Ops), OpsString(want.Ops))
		}
		if code == nil {
			return
		}
		g := [...]uint64{got.Row, got.ColdSLOAD, got.WarmSLOAD, got.SSTORE, got.LOG3, got.Call, got.Loop, got.Tail}
		w := [...]uint64{want.Row, want.ColdSLOAD, want.WarmSLOAD, want.SSTORE, want.LOG3, want.Call, want.Loop, want.Tail}
		if g != w {
			t.Fatalf("%s: row, cold/warm SLOAD, SSTORE, LOG3, CALL, loop, tail %v, on Tether's code %v", what, g, w)
		}
	}
	for _, existing := range []bool{false, true} {
		what := map[bool]string{false: "batch, fresh holders", true: "batch, existing holders"}[existing]
		got, err := TraceBatchRow(ours, 20, existing)
		if err != nil {
			t.Fatal(err)
		}
		want := RowTrace{Token: TetherReference.InBatch.Fresh}
		if existing {
			want.Token = TetherReference.InBatch.Existing
		}
		if code != nil {
			if want, err = TraceBatchRow(code, 20, existing); err != nil {
				t.Fatal(err)
			}
		}
		same(what, got, want)
		t.Logf("%s: token frame %d gas a row, Tether's", what, got.Token)
	}
	got, err := TraceSweepRow(ours, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := RowTrace{Token: TetherReference.InSweep}
	if code != nil {
		if want, err = TraceSweepRow(code, 20); err != nil {
			t.Fatal(err)
		}
	}
	same("sweep", got, want)
	t.Logf("sweep: transferFrom frame %d gas a deposit, Tether's", got.Token)
}
