package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The WebSocket resume log's rules (sg.LiveEvents), checked on the twin
// and on DynamoDB Local alike.
func init() { liveCases = append(liveCases, liveEventCases...) }

var liveEventCases = []Case{
	{"LiveEvents/ids increase per stream; a key keeps its id", func(t *testing.T, st Store) {
		le := st.(sg.LiveEvents)
		tn, w := tenant(), "wal-"+randHex(4)
		if h, err := le.LastEventID(ctx, tn, w); err != nil || h != 0 {
			t.Fatalf("LastEventID of a new stream = %d, %v; want 0", h, err)
		}
		var ids []int64
		for i := range 3 {
			id, fresh, err := le.AppendEvent(ctx, tn, w, fmt.Sprint("k", i), []byte(fmt.Sprint("e", i)))
			must(t, "AppendEvent", err)
			if !fresh {
				t.Fatalf("event %d not fresh", i)
			}
			ids = append(ids, id)
		}
		if !slices.IsSorted(ids) || ids[0] == ids[1] || ids[1] == ids[2] {
			t.Fatalf("ids %v do not increase", ids)
		}
		again, fresh, err := le.AppendEvent(ctx, tn, w, "k1", []byte("other"))
		if err != nil || fresh || again != ids[1] {
			t.Fatalf("a repeated key = %d fresh=%v %v; want %d, not fresh", again, fresh, err, ids[1])
		}
		if h, _ := le.LastEventID(ctx, tn, w); h != ids[2] {
			t.Fatalf("LastEventID = %d; want %d", h, ids[2])
		}
		evs, err := le.EventsAfter(ctx, tn, w, ids[0], ids[2], 10)
		must(t, "EventsAfter", err)
		if len(evs) != 2 || evs[0].ID != ids[1] || string(evs[0].Body) != "e1" || evs[1].ID != ids[2] {
			t.Fatalf("EventsAfter(%d) = %v; want events 1 and 2", ids[0], evs)
		}
		if evs, _ := le.EventsAfter(ctx, tn, w, 0, ids[2], 1); len(evs) != 1 || evs[0].ID != ids[0] {
			t.Fatalf("EventsAfter limit 1 = %v; want the oldest", evs)
		}
		if h, _ := le.LastEventID(ctx, tenant(), w); h != 0 {
			t.Fatal("another tenant's stream of the same wallet id has events")
		}
	}},
	{"LiveEvents/concurrent appends get distinct ids", func(t *testing.T, st Store) {
		le := st.(sg.LiveEvents)
		tn, w := tenant(), "wal-"+randHex(4)
		var mu sync.Mutex
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, _, err := le.AppendEvent(ctx, tn, w, fmt.Sprint("c", i), []byte("x"))
				if err != nil {
					t.Errorf("AppendEvent: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if seen[id] {
					t.Errorf("id %d given twice", id)
				}
				seen[id] = true
			}()
		}
		wg.Wait()
	}},
	{"LiveEvents/GoLive subscribes only at the head read", func(t *testing.T, st Store) {
		le := st.(sg.LiveEvents)
		tn, w, c := tenant(), "wal-"+randHex(4), "conn-"+randHex(4)
		ok, err := le.GoLive(ctx, tn, w, c, 0)
		if err != nil || !ok {
			t.Fatalf("GoLive at head 0 of an empty stream = %v, %v", ok, err)
		}
		if subs, _ := st.Subscribers(ctx, tn, w); !slices.Equal(subs, []string{c}) {
			t.Fatalf("Subscribers = %v; want [%s]", subs, c)
		}
		id, _, err := le.AppendEvent(ctx, tn, w, "k", []byte("x"))
		must(t, "AppendEvent", err)
		c2 := "conn-" + randHex(4)
		if ok, err := le.GoLive(ctx, tn, w, c2, id-1); err != nil || ok {
			t.Fatalf("GoLive at a stale head = %v, %v; want refused", ok, err)
		}
		if subs, _ := st.Subscribers(ctx, tn, w); slices.Contains(subs, c2) {
			t.Fatal("a refused GoLive subscribed the connection")
		}
		if ok, err := le.GoLive(ctx, tn, w, c2, id); err != nil || !ok {
			t.Fatalf("GoLive at the head = %v, %v", ok, err)
		}
	}},
}
