package storetest

import (
	"bytes"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Travel holds a travel-rule store (sg.TravelStore) to its contract: one
// named subtest per rule, each on a store open returns. The same names
// pass on the in-memory twin and on DynamoDB Local.
func Travel(t *testing.T, open func(t *testing.T) sg.TravelStore) {
	for _, c := range travelCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type travelCase struct {
	name string
	run  func(t *testing.T, st sg.TravelStore)
}

func travelRecord(tn, id string, d sg.TravelDirection) sg.TravelRecord {
	return sg.TravelRecord{Tenant: tn, TransferID: id, Direction: d, Status: sg.TravelProvided, PayloadSealed: []byte{9, 8, 7, byte(len(d))},
		CounterpartyVASP: "LEI:5493001KJTIIGC8Y1R12", Amount: 1_000_000_001, Chain: sg.Tron, At: now()}
}

var travelCases = []travelCase{
	{"Travel/written once per transfer and direction, read back whole", func(t *testing.T, st sg.TravelStore) {
		tn, id := tenant(), "txn_"+randHex(8)
		r := travelRecord(tn, id, sg.TravelOut)
		must(t, "PutTravel", st.PutTravel(ctx, r))
		again := r
		again.PayloadSealed = []byte{1}
		wantErr(t, "a second PutTravel", st.PutTravel(ctx, again), sg.ErrTravelRecordExists)
		got, err := st.Travel(ctx, tn, id, sg.TravelOut)
		must(t, "Travel", err)
		if got.Tenant != tn || got.TransferID != id || got.Direction != sg.TravelOut || got.Status != r.Status ||
			!bytes.Equal(got.PayloadSealed, r.PayloadSealed) || got.CounterpartyVASP != r.CounterpartyVASP ||
			got.Amount != r.Amount || got.Chain != r.Chain || !got.At.Equal(r.At) {
			t.Fatalf("read back %+v; wrote %+v", got, r)
		}
	}},
	{"Travel/the other direction is another record; listed out before in", func(t *testing.T, st sg.TravelStore) {
		tn, id := tenant(), "txn_"+randHex(8)
		_, err := st.Travel(ctx, tn, id, sg.TravelIn)
		wantErr(t, "Travel before any put", err, sg.ErrNotFound)
		in := travelRecord(tn, id, sg.TravelIn)
		in.Status = sg.TravelReceived
		must(t, "PutTravel in", st.PutTravel(ctx, in))
		must(t, "PutTravel out", st.PutTravel(ctx, travelRecord(tn, id, sg.TravelOut)))
		must(t, "PutTravel of another transfer", st.PutTravel(ctx, travelRecord(tn, id+"0", sg.TravelOut)))
		l, err := st.TravelByTransfer(ctx, tn, id)
		must(t, "TravelByTransfer", err)
		if len(l) != 2 || l[0].Direction != sg.TravelOut || l[1].Direction != sg.TravelIn || l[1].Status != sg.TravelReceived {
			t.Fatalf("TravelByTransfer = %+v", l)
		}
		if l, err := st.TravelByTransfer(ctx, tn, "txn_none"+randHex(4)); err != nil || len(l) != 0 {
			t.Fatalf("TravelByTransfer of a transfer with none = %v, %v", l, err)
		}
	}},
	{"Travel/another tenant's record is not found and not listed; it may hold its own", func(t *testing.T, st sg.TravelStore) {
		tn, id := tenant(), "txn_"+randHex(8)
		must(t, "PutTravel", st.PutTravel(ctx, travelRecord(tn, id, sg.TravelOut)))
		other := tenant()
		_, err := st.Travel(ctx, other, id, sg.TravelOut)
		wantErr(t, "another tenant's Travel", err, sg.ErrNotFound)
		if l, err := st.TravelByTransfer(ctx, other, id); err != nil || len(l) != 0 {
			t.Fatalf("another tenant's TravelByTransfer = %v, %v", l, err)
		}
		must(t, "the other tenant's own PutTravel", st.PutTravel(ctx, travelRecord(other, id, sg.TravelOut)))
	}},
	{"Travel/a record with no payload (not_required) reads back empty", func(t *testing.T, st sg.TravelStore) {
		tn, id := tenant(), "txn_"+randHex(8)
		r := travelRecord(tn, id, sg.TravelOut)
		r.Status, r.PayloadSealed, r.CounterpartyVASP = sg.TravelRequired, nil, ""
		must(t, "PutTravel", st.PutTravel(ctx, r))
		got, err := st.Travel(ctx, tn, id, sg.TravelOut)
		must(t, "Travel", err)
		if got.Status != sg.TravelRequired || len(got.PayloadSealed) != 0 || got.CounterpartyVASP != "" {
			t.Fatalf("read back %+v", got)
		}
	}},
}
