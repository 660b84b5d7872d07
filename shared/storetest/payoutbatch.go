package storetest

import (
	"strings"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// PayoutBatches holds a payout batch store (sg.PayoutBatches) to its
// contract: one named subtest per rule, each on a store open returns. The
// same names pass on the in-memory twin and on DynamoDB Local.
func PayoutBatches(t *testing.T, open func(t *testing.T) sg.PayoutBatches) {
	for _, c := range payoutBatchCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type payoutBatchCase struct {
	name string
	run  func(t *testing.T, st sg.PayoutBatches)
}

func payoutBatch(tn string) sg.PayoutBatch {
	return sg.PayoutBatch{ID: "pb_" + randHex(8), TenantID: tn, Wallet: "wal_1", RequestHash: "h", State: sg.BatchOpen, Version: 1,
		CreatedAt: now(), UpdatedAt: now(),
		Rows: []sg.BatchRow{
			{Index: 0, Key: "k#0", Chain: sg.Ethereum, ToAddress: "0x52908400098527886E0F7030069857D2E4169EE7", Amount: 1_000_001, TransferID: "txn_a"},
			{Index: 1, Key: "own", Chain: sg.Ethereum, ToAddress: "0x1", Amount: 5, Code: "invalid_address", Message: "bad", Param: "to_address"},
		}}
}

var payoutBatchCases = []payoutBatchCase{
	{"PayoutBatches/created once, read back whole, another tenant's not found", func(t *testing.T, st sg.PayoutBatches) {
		b := payoutBatch(tenant())
		must(t, "CreateBatch", st.CreateBatch(ctx, b))
		wantErr(t, "a second CreateBatch", st.CreateBatch(ctx, b), sg.ErrBatchExists)
		got, err := st.PayoutBatch(ctx, b.TenantID, b.ID)
		must(t, "PayoutBatch", err)
		if got.State != sg.BatchOpen || got.Version != 1 || got.Wallet != b.Wallet || got.RequestHash != "h" || len(got.Rows) != 2 ||
			got.Rows[0] != b.Rows[0] || got.Rows[1] != b.Rows[1] || !got.CreatedAt.Equal(b.CreatedAt) {
			t.Fatalf("read back %+v; want %+v", got, b)
		}
		_, err = st.PayoutBatch(ctx, tenant(), b.ID)
		wantErr(t, "another tenant's batch", err, sg.ErrNotFound)
	}},
	{"PayoutBatches/an update lands only over the version read", func(t *testing.T, st sg.PayoutBatches) {
		b := payoutBatch(tenant())
		must(t, "CreateBatch", st.CreateBatch(ctx, b))
		next := b
		next.State, next.Version = sg.BatchBuilt, 2
		next.Legs = []sg.BatchLeg{
			{Chain: sg.Ethereum, Job: sg.LegJob(b.ID, sg.Ethereum), State: sg.BatchSigned, Members: []string{"txn_a"}, TxHash: "0xabc"},
			{Chain: sg.Tron, Job: sg.LegJob(b.ID, sg.Tron), State: sg.BatchBuilt, Members: []string{"txn_b", "txn_c"}},
		}
		must(t, "UpdateBatch", st.UpdateBatch(ctx, next))
		wantErr(t, "the same update again", st.UpdateBatch(ctx, next), sg.ErrStateChanged)
		stale := b
		stale.Version = 2
		stale.State = sg.BatchDone
		wantErr(t, "an update over a stale version", st.UpdateBatch(ctx, stale), sg.ErrStateChanged)
		got, err := st.PayoutBatch(ctx, b.TenantID, b.ID)
		must(t, "PayoutBatch", err)
		if got.State != sg.BatchBuilt || got.Version != 2 || len(got.Legs) != 2 {
			t.Fatalf("after the update %+v", got)
		}
		for i, want := range next.Legs {
			l := got.Legs[i]
			if l.Chain != want.Chain || l.Job != want.Job || l.State != want.State || l.TxHash != want.TxHash || strings.Join(l.Members, ",") != strings.Join(want.Members, ",") {
				t.Fatalf("leg %d read back %+v; want %+v", i, l, want)
			}
		}
		missing := payoutBatch(b.TenantID)
		missing.Version = 2
		wantErr(t, "an update of a batch never created", st.UpdateBatch(ctx, missing), sg.ErrStateChanged)
	}},
}
