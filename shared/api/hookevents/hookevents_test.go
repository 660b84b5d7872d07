package hookevents_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/api/hookevents"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func TestTransferEventsAreNamedByStateAndPublishedOncePerChange(t *testing.T) {
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	ev := func(states ...sg.TransferState) []sg.Event {
		var out []sg.Event
		for i, s := range states {
			out = append(out, sg.Event{State: s, At: at.Add(time.Duration(i) * time.Minute)})
		}
		return out
	}
	deposit := sg.Transfer{ID: "txn_dep", TenantID: "acme", Type: sg.TransferDeposit, State: sg.StatePending, ToWallet: "wal_1",
		Chain: sg.Ethereum, Asset: sg.USDT, Amount: 5_000000, Events: ev(sg.StatePending), CreatedAt: at, UpdatedAt: at}
	posted := deposit
	posted.State, posted.Events, posted.UpdatedAt = sg.StatePosted, ev(sg.StatePending, sg.StatePosted), at.Add(time.Minute)
	payout := sg.Transfer{ID: "txn_wd", TenantID: "acme", Type: sg.TransferWithdrawal, State: sg.StatePending, FromWallet: "wal_1",
		Chain: sg.Tron, Asset: sg.USDT, Amount: 2_000000, Events: ev(sg.StatePending), CreatedAt: at, UpdatedAt: at}
	broadcast := payout
	broadcast.State, broadcast.Events = sg.StateBroadcast, ev(sg.StatePending, sg.StateApproved, sg.StateAwaitingSigner, sg.StateSigned, sg.StateBroadcast)
	internal := sg.Transfer{ID: "txn_int", TenantID: "acme", Type: sg.TransferInternal, State: sg.StatePosted, CreatedAt: at, UpdatedAt: at}
	float := sg.Transfer{ID: "txn_fl", TenantID: sg.PlatformTenant, Type: sg.TransferFloat, State: sg.StatePosted}

	cases := []struct {
		name     string
		t        sg.Transfer
		inserted bool
		types    []string
	}{
		{"a deposit seen is transfer.created", deposit, true, []string{"transfer.created"}},
		{"a change that records no new state publishes nothing", deposit, false, nil},
		{"a deposit posted is transfer.updated", posted, false, []string{"transfer.updated"}},
		{"an internal transfer is created posted", internal, true, []string{"transfer.created"}},
		{"a payout placed is payout.created", payout, true, []string{"payout.created"}},
		{"a payout broadcast is payout.broadcast", broadcast, false, []string{"payout.broadcast"}},
		{"the platform's float publishes nothing", float, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := hookevents.TransferEvents(c.t, c.inserted)
			if len(got) != len(c.types) {
				t.Fatalf("%d events %+v; want %v", len(got), got, c.types)
			}
			again := hookevents.TransferEvents(c.t, c.inserted)
			for i, e := range got {
				if e.Type != c.types[i] || e.OrderingKey != c.t.ID || e.TenantID != c.t.TenantID {
					t.Errorf("event %d: %s key %s", i, e.Type, e.OrderingKey)
				}
				if again[i].ID != e.ID {
					t.Errorf("a redelivered record gives another id: %s, %s", e.ID, again[i].ID)
				}
				var v struct{ ID, State, Object string }
				if err := json.Unmarshal(e.Data, &v); err != nil || v.ID != c.t.ID || v.Object != "transfer" || v.State != string(c.t.State) {
					t.Errorf("data %s", e.Data)
				}
			}
		})
	}
	ids := map[string]bool{}
	for _, t2 := range []sg.Transfer{deposit, posted, payout, broadcast} {
		for _, e := range hookevents.TransferEvents(t2, true) {
			ids[e.ID] = true
		}
	}
	// deposit and posted share their created event; so do payout and broadcast.
	if len(ids) != 4 {
		t.Fatalf("%d distinct ids; want 4 (two created, two changes)", len(ids))
	}
}

func TestSubscribedMatchesTypesGroupsAndAll(t *testing.T) {
	eps := func(types ...string) []sg.WebhookEndpoint { return []sg.WebhookEndpoint{{EnabledEvents: types}} }
	cases := []struct {
		name string
		eps  []sg.WebhookEndpoint
		typ  string
		want bool
	}{
		{"no endpoint", nil, "transfer.created", false},
		{"every type", eps("*"), "payout.broadcast", true},
		{"its group", eps("payout.*"), "payout.broadcast", true},
		{"another group", eps("invoice.*"), "transfer.created", false},
		{"the type itself", eps("transfer.updated"), "transfer.updated", true},
		{"a prefix that is not a group", eps("transfer.*"), "transfers.created", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := hookevents.Subscribed(c.eps, c.typ); got != c.want {
				t.Fatalf("Subscribed(%v) = %v", c.typ, got)
			}
		})
	}
}
