package live

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type resumeFixture struct {
	s      *Service
	st     *memstore.Store
	p      *posts
	wallet string
	n      int
}

func newResumeFixture(t *testing.T) *resumeFixture {
	t.Helper()
	f := newCheckoutFixture(t)
	f.s.Events = f.st
	for _, c := range []string{"c1", "c2", "c3"} {
		if err := f.st.PutConnection(context.Background(), c, "acme"); err != nil {
			t.Fatal(err)
		}
	}
	return &resumeFixture{s: f.s, st: f.st, p: f.p, wallet: f.wallet}
}

// change pushes one more change of a transfer into the wallet, as the
// stream would (its key is the stream record's sequence number).
func (f *resumeFixture) change(t *testing.T) {
	t.Helper()
	f.n++
	tr := sg.Transfer{ID: fmt.Sprintf("txn_%024d", f.n), TenantID: "acme", ToWallet: f.wallet, Amount: sg.Amount(f.n), State: sg.StatePosted}
	if err := f.s.pusher().PushTransfer(context.Background(), fmt.Sprint("seq-", f.n), tr); err != nil {
		t.Fatal(err)
	}
}

func (f *resumeFixture) subscribe(t *testing.T, conn, extra string) map[string]any {
	t.Helper()
	req := Request{Body: `{"action":"subscribe","wallet_id":"` + f.wallet + `"` + extra + `}`}
	req.RequestContext.ConnectionID = conn
	resp, err := f.s.Subscribe(context.Background(), req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("subscribe: %d %s %v", resp.StatusCode, resp.Body, err)
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(resp.Body), &m)
	return m
}

// ids lists the event ids a connection received (its transfer updates).
func (f *resumeFixture) ids(t *testing.T, conn string) []int64 {
	t.Helper()
	f.p.Lock()
	defer f.p.Unlock()
	var out []int64
	for _, raw := range f.p.Got[conn] {
		var u Update
		if err := json.Unmarshal([]byte(raw), &u); err != nil || u.Type != "transfer.updated" {
			t.Fatalf("%s got %s", conn, raw)
		}
		out = append(out, u.EventID)
	}
	return out
}

func TestResumeAfterADropMissesNothingAndRepeatsNothing(t *testing.T) {
	f := newResumeFixture(t)
	if m := f.subscribe(t, "c1", ""); m["type"] != "subscribed" || m["last_event_id"] != float64(0) {
		t.Fatalf("first subscribe: %v", m)
	}
	f.change(t)
	f.change(t)
	got := f.ids(t, "c1")
	if len(got) != 2 || got[0] >= got[1] {
		t.Fatalf("c1 got ids %v; want two increasing", got)
	}
	// The client drops; three changes happen while it is away.
	f.p.Lock()
	f.p.Gone["c1"] = true
	f.p.Unlock()
	f.change(t)
	f.change(t)
	f.change(t)
	// It comes back on a new connection with the last id it processed.
	m := f.subscribe(t, "c2", fmt.Sprintf(`,"last_event_id":%d`, got[1]))
	f.change(t)
	resumed := f.ids(t, "c2")
	if len(resumed) != 4 {
		t.Fatalf("resumed client got ids %v; want the 3 missed and the live one", resumed)
	}
	for i := 1; i < len(resumed); i++ {
		if resumed[i] <= resumed[i-1] {
			t.Fatalf("ids out of order or repeated: %v", resumed)
		}
	}
	if resumed[0] <= got[1] || m["last_event_id"] != float64(resumed[2]) {
		t.Fatalf("resumed %v after %d; subscribed answer %v", resumed, got[1], m)
	}
	t.Run("as a string", func(t *testing.T) {
		f.subscribe(t, "c3", fmt.Sprintf(`,"last_event_id":"%d"`, resumed[2]))
		if ids := f.ids(t, "c3"); len(ids) != 1 || ids[0] != resumed[3] {
			t.Fatalf("c3 got %v; want [%d]", ids, resumed[3])
		}
	})
	t.Run("a bad id is refused and subscribes nothing", func(t *testing.T) {
		req := Request{Body: `{"action":"subscribe","wallet_id":"` + f.wallet + `","last_event_id":"x"}`}
		req.RequestContext.ConnectionID = "c1"
		resp, _ := f.s.Subscribe(context.Background(), req)
		if resp.StatusCode != 400 {
			t.Fatalf("last_event_id x: %d %s", resp.StatusCode, resp.Body)
		}
	})
}

// A change whose stream record is delivered again keeps its event id.
func TestRedeliveredChangeKeepsItsEventID(t *testing.T) {
	f := newResumeFixture(t)
	f.subscribe(t, "c1", "")
	tr := sg.Transfer{ID: "txn_000000000000000000000001", TenantID: "acme", ToWallet: f.wallet, Amount: 5, State: sg.StatePosted}
	for range 2 {
		if err := f.s.pusher().PushTransfer(context.Background(), "seq-same", tr); err != nil {
			t.Fatal(err)
		}
	}
	if ids := f.ids(t, "c1"); len(ids) != 2 || ids[0] != ids[1] {
		t.Fatalf("ids %v; want the same id twice", ids)
	}
}

// Changes keep coming while a client resumes: it still gets each once, in
// order (the subscription goes live only at the head it replayed to).
func TestResumeWhileChangesArrive(t *testing.T) {
	f := newResumeFixture(t)
	for range 5 {
		f.change(t)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	done := make(chan struct{})
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			tr := sg.Transfer{ID: fmt.Sprintf("txn_%024d", 1000+i), TenantID: "acme", ToWallet: f.wallet, Amount: 1, State: sg.StatePosted}
			if err := f.s.pusher().PushTransfer(context.Background(), fmt.Sprint("live-", i), tr); err != nil {
				t.Error(err)
				return
			}
			if i > 200 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	f.subscribe(t, "c2", `,"last_event_id":2`)
	close(done)
	wg.Wait()
	ids := f.ids(t, "c2")
	head, _ := f.st.LastEventID(context.Background(), "acme", f.wallet)
	if len(ids) == 0 || ids[0] != 3 || ids[len(ids)-1] != head {
		t.Fatalf("got %d ids from %v to %v; want 3..%d", len(ids), ids[0], ids[len(ids)-1], head)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]+1 {
			t.Fatalf("ids jump or repeat at %d: %d then %d", i, ids[i-1], ids[i])
		}
	}
}

func TestPingAnswersAHeartbeat(t *testing.T) {
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	s := &Service{Now: func() time.Time { return now }}
	resp, err := s.Subscribe(context.Background(), Request{Body: `{"action":"ping"}`})
	var m map[string]string
	_ = json.Unmarshal([]byte(resp.Body), &m)
	if err != nil || resp.StatusCode != 200 || m["type"] != "heartbeat" || m["time"] != "2026-12-07T01:00:00Z" {
		t.Fatalf("ping: %d %s %v", resp.StatusCode, resp.Body, err)
	}
}
