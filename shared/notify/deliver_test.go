package notify

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/webhook"
)

// Issue 14, must-show 3: a receiver that is down for a while gets every
// event once it is back, in order per invoice, each at least once and
// dedupe-able by id; it holds when the queue delivers every message twice
// and when runs crash after writing an attempt or before moving a cursor.
func TestReceiverDownThenBackGetsEveryEventInOrderPerInvoice(t *testing.T) {
	cases := []struct {
		name  string
		setup func(h *harness)
	}{
		{"plain", func(*harness) {}},
		{"every queue message delivered twice", func(h *harness) { h.twice = true }},
		{"runs crash after writing an attempt", func(h *harness) { h.faults.afterRecord.Store(7) }},
		{"runs crash before moving a cursor", func(h *harness) { h.faults.beforeCursor.Store(4) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			c.setup(h)
			r := h.receiver()
			ep := h.endpoint("ten_a", r, "invoice.*")
			r.down.Store(true)
			// Two invoices' events, interleaved, published while the receiver is down.
			type pub struct{ id, typ, inv string }
			var pubs []pub
			for i, s := range []struct{ typ, inv string }{
				{"invoice.created", "inv_A"}, {"invoice.created", "inv_B"}, {"invoice.partially_paid", "inv_A"},
				{"invoice.paid", "inv_B"}, {"invoice.paid", "inv_A"}, {"invoice.created", "inv_C"}, {"invoice.expired", "inv_C"},
			} {
				id := ids(7, "d")[i]
				h.publish("ten_a", id, s.typ, s.inv, i)
				pubs = append(pubs, pub{id, s.typ, s.inv})
				h.drain()
			}
			h.publish("ten_a", "evt_other", "transfer.completed", "", 0) // not an invoice.* event: not sent
			h.runUntil(t0.Add(3 * time.Hour))
			if n := len(r.deliveries()); n != 0 {
				t.Fatalf("a down receiver recorded %d deliveries", n)
			}
			r.down.Store(false)
			h.runUntil(t0.Add(24 * time.Hour))

			var seen webhook.Seen
			firstAt := map[string]int{}
			for i, d := range r.deliveries() {
				if seen.Check(d.env.ID, d.at) == nil {
					firstAt[d.env.ID] = i
				}
			}
			if len(firstAt) != len(pubs) {
				t.Fatalf("received %d distinct events; want %d (%v)", len(firstAt), len(pubs), firstAt)
			}
			last := map[string]int{}
			for _, p := range pubs {
				i, ok := firstAt[p.id]
				if !ok {
					t.Fatalf("event %s never arrived", p.id)
				}
				if prev, ok := last[p.inv]; ok && i < prev {
					t.Errorf("%s (%s) arrived before an earlier event of %s", p.id, p.typ, p.inv)
				}
				last[p.inv] = i
			}
			if len(r.refused) != 0 {
				t.Fatalf("the receiver refused deliveries: %v", r.refused)
			}
			for _, d := range h.log("ten_a", ep.ID) {
				if d.Outcome == "dead" {
					t.Fatalf("an event died: %+v", d)
				}
			}
			if h.q.Len() != 0 {
				t.Fatalf("%d messages still queued", h.q.Len())
			}
		})
	}
}

// Retries follow the documented schedule (the clock driven, jitter at its
// middle), each wait longer than SQS's 15 minutes made of hops; the last
// failure is dead-lettered in the log, the endpoint is disabled, and the
// tenant's other endpoint gets webhook_endpoint.disabled.
func TestRetriesFollowTheScheduleThenDeadLetterAndDisable(t *testing.T) {
	h := newHarness(t)
	bad, monitor := h.receiver(), h.receiver()
	bad.status.Store(500)
	ep := h.endpoint("ten_a", bad, "*")
	h.endpoint("ten_a", monitor, TypeEndpointDisabled)
	h.publish("ten_a", "evt_fail", "invoice.paid", "inv_A", 1)
	h.runUntil(t0.Add(5 * 24 * time.Hour))

	log := h.log("ten_a", ep.ID)
	if len(log) != len(DefaultSchedule)+1 {
		t.Fatalf("%d attempts; want %d", len(log), len(DefaultSchedule)+1)
	}
	// The log is newest first.
	for i := range log {
		d := log[len(log)-1-i]
		if d.Attempt != i+1 || d.StatusCode != 500 || d.ErrorClass != "http_status" {
			t.Fatalf("attempt %d: %+v", i+1, d)
		}
		if i > 0 {
			prev := log[len(log)-i]
			if got := d.At.Sub(prev.At); got != DefaultSchedule[i-1] {
				t.Errorf("wait before attempt %d = %s; want %s", i+1, got, DefaultSchedule[i-1])
			}
			if prev.Outcome != "retrying" || !prev.NextAttemptAt.Equal(d.At) {
				t.Errorf("attempt %d: %s next at %s; want retrying, next at %s", i, prev.Outcome, prev.NextAttemptAt, d.At)
			}
		}
	}
	if log[0].Outcome != "dead" {
		t.Fatalf("last attempt outcome %q; want dead", log[0].Outcome)
	}
	if total := log[0].At.Sub(log[len(log)-1].At); total < 70*time.Hour || total > 74*time.Hour {
		t.Errorf("retries span %s; want about 3 days", total)
	}
	got, err := h.svc.Endpoint(ctx, "ten_a", ep.ID)
	if err != nil || got.Status != sg.EndpointDisabled || got.DisabledReason != "failing" {
		t.Fatalf("endpoint after sustained failure: %+v %v; want disabled (failing)", got, err)
	}
	md := monitor.deliveries()
	if len(md) != 1 || md[0].env.Type != TypeEndpointDisabled || !strings.Contains(string(md[0].env.Data), ep.ID) {
		t.Fatalf("the monitor received %+v; want one webhook_endpoint.disabled naming %s", md, ep.ID)
	}
	t.Run("a disabled endpoint gets nothing more, and enabling it again resumes", func(t *testing.T) {
		bad.status.Store(0)
		h.publish("ten_a", "evt_after", "invoice.paid", "inv_B", 2)
		h.runUntil(h.clock().Add(time.Hour))
		if n := len(bad.deliveries()); n != len(DefaultSchedule)+1 {
			t.Fatalf("a disabled endpoint received %d deliveries", n)
		}
		on := sg.EndpointEnabled
		if _, err := h.svc.UpdateEndpoint(ctx, "ten_a", ep.ID, EndpointPatch{Status: &on}); err != nil {
			t.Fatal(err)
		}
		if n, err := h.svc.Replay(ctx, "ten_a", ep.ID, ReplayInput{EventID: "evt_fail"}); err != nil || n != 1 {
			t.Fatalf("replay of the dead event = %d, %v", n, err)
		}
		h.runUntil(h.clock().Add(time.Hour))
		d := bad.deliveries()
		if last := d[len(d)-1]; last.env.ID != "evt_fail" {
			t.Fatalf("last delivery %s; want the replayed evt_fail", last.env.ID)
		}
	})
}

// A run that disables a failing endpoint and dies before the
// webhook_endpoint.disabled event is stored: the queue's redelivery of its
// task (a duplicate by then) publishes it, once, and the tenant's monitor
// endpoint is told.
func TestACrashAfterDisablingStillTellsTheTenant(t *testing.T) {
	h := newHarness(t)
	h.svc.Schedule = []time.Duration{time.Minute}
	h.svc.DeadLimit = 1
	bad, monitor := h.receiver(), h.receiver()
	bad.status.Store(410)
	ep := h.endpoint("ten_a", bad, "*")
	h.endpoint("ten_a", monitor, TypeEndpointDisabled)
	h.faults.beforeNotice.Store(1)
	h.publish("ten_a", "evt_1", "payout.failed", "", 1)
	h.runUntil(t0.Add(2 * time.Hour))
	if h.faults.beforeNotice.Load() > 0 {
		t.Fatal("the injected crash never happened: the test proves nothing")
	}
	got, _ := h.svc.Endpoint(ctx, "ten_a", ep.ID)
	if got.Status != sg.EndpointDisabled {
		t.Fatalf("endpoint %+v; want disabled", got)
	}
	md := monitor.deliveries()
	if len(md) != 1 || md[0].env.Type != TypeEndpointDisabled || !strings.Contains(string(md[0].env.Data), ep.ID) {
		t.Fatalf("the monitor received %d events (%+v); want one webhook_endpoint.disabled", len(md), md)
	}
}

// An event dead-lettered with no delivery to the endpoint since it was
// made is sustained failure: the endpoint is disabled (here with a
// one-retry schedule).
func TestAnEventDeadWithNoDeliverySinceDisables(t *testing.T) {
	h := newHarness(t)
	h.svc.Schedule = []time.Duration{time.Minute}
	h.svc.DeadLimit = 2
	r := h.receiver()
	r.status.Store(410)
	ep := h.endpoint("ten_a", r, "*")
	h.publish("ten_a", "evt_1", "payout.failed", "", 1)
	h.runUntil(t0.Add(10 * time.Minute))
	got, _ := h.svc.Endpoint(ctx, "ten_a", ep.ID)
	if got.Status != sg.EndpointDisabled || got.ConsecutiveDead != 1 {
		t.Fatalf("after one dead event with no success: %+v", got)
	}
}

// During a rotation's overlap every delivery is signed with both secrets
// and either verifies; after it, only the new one signs.
func TestRotationOverlapSignsWithBoth(t *testing.T) {
	h := newHarness(t)
	r := h.receiver()
	ep := h.endpoint("ten_a", r, "*")
	oldSecret := r.secrets[0]
	rot, newSecret, err := h.svc.RotateSecret(ctx, "ten_a", ep.ID, 0)
	if err != nil || !strings.HasPrefix(newSecret, "whsec_") || string(oldSecret) == newSecret {
		t.Fatalf("RotateSecret = %q, %v", newSecret, err)
	}
	if !rot.PreviousExpires.Equal(t0.Add(24 * time.Hour)) {
		t.Fatalf("overlap ends %s; want 24 h", rot.PreviousExpires)
	}
	r.mu.Lock()
	r.secrets = append(r.secrets, []byte(newSecret))
	r.mu.Unlock()
	h.publish("ten_a", "evt_during", "invoice.paid", "inv_A", 1)
	h.drain()
	d := r.deliveries()[0]
	if strings.Count(d.header, "v1=") != 2 {
		t.Fatalf("header %q; want two signatures", d.header)
	}
	for name, s := range map[string][]byte{"old": oldSecret, "new": []byte(newSecret)} {
		if err := webhook.Verify(d.header, d.body, s, d.at, 0); err != nil {
			t.Errorf("the %s secret does not verify during the overlap: %v", name, err)
		}
	}
	h.set(t0.Add(25 * time.Hour))
	h.publish("ten_a", "evt_after", "invoice.paid", "inv_A", 2)
	h.drain()
	d = r.deliveries()[1]
	if strings.Count(d.header, "v1=") != 1 || webhook.Verify(d.header, d.body, []byte(newSecret), d.at, 0) != nil {
		t.Fatalf("after the overlap: %q; want the new secret's signature only", d.header)
	}
	if err := webhook.Verify(d.header, d.body, oldSecret, d.at, 0); !errors.Is(err, webhook.ErrSignatureMismatch) {
		t.Fatalf("the old secret after the overlap: %v", err)
	}
}

// A receiver refuses forged, stale and replayed deliveries: real deliveries
// captured, then altered, held back, or sent again.
func TestForgedStaleAndReplayedDeliveriesAreRefused(t *testing.T) {
	h := newHarness(t)
	r := h.receiver()
	ep := h.endpoint("ten_a", r, "*")
	secret := r.secrets[0]
	h.publish("ten_a", "evt_x", "invoice.paid", "inv_A", 1)
	h.drain()
	if _, err := h.svc.Replay(ctx, "ten_a", ep.ID, ReplayInput{EventID: "evt_x"}); err != nil {
		t.Fatal(err)
	}
	h.drain()
	got := r.deliveries()
	if len(got) != 2 || got[0].env.ID != got[1].env.ID {
		t.Fatalf("deliveries %+v; want evt_x twice", got)
	}
	d := got[0]
	var seen webhook.Seen
	if err := seen.Check(d.env.ID, d.at); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"forged with another secret", webhook.Verify(webhook.Sign([][]byte{[]byte("whsec_guess")}, d.at, d.body), d.body, secret, d.at, 0), webhook.ErrSignatureMismatch},
		{"an altered body", webhook.Verify(d.header, []byte(strings.Replace(string(d.body), "inv_A", "inv_Z", 1)), secret, d.at, 0), webhook.ErrSignatureMismatch},
		{"stale: replayed after the tolerance", webhook.Verify(d.header, d.body, secret, d.at.Add(6*time.Minute), 0), webhook.ErrTimestampOutsideTolerance},
		{"replayed within the tolerance: the same id again", seen.Check(got[1].env.ID, got[1].at), webhook.ErrReplayed},
		{"no signature", webhook.Verify("", d.body, secret, d.at, 0), webhook.ErrNoSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !errors.Is(c.err, c.want) {
				t.Fatalf("got %v; want %v", c.err, c.want)
			}
		})
	}
}

// Publishing is idempotent by event id: a second Publish sends nothing twice.
func TestPublishIsIdempotentByEventID(t *testing.T) {
	h := newHarness(t)
	r := h.receiver()
	h.endpoint("ten_a", r, "*")
	h.publish("ten_a", "evt_once", "invoice.paid", "inv_A", 1)
	h.publish("ten_a", "evt_once", "invoice.paid", "inv_A", 1)
	h.drain()
	h.publish("ten_a", "evt_once", "invoice.paid", "inv_A", 1)
	h.drain()
	if n := len(r.deliveries()); n != 1 {
		t.Fatalf("%d deliveries; want 1", n)
	}
	for _, bad := range []sg.WebhookEvent{
		{ID: "x", TenantID: "ten_a", Type: "invoice.paid"},
		{ID: "evt_1", Type: "invoice.paid"},
		{ID: "evt_1", TenantID: "ten_a", Type: "Invoice Paid"},
		{ID: "evt_1", TenantID: "ten_a", Type: "invoice.paid", Data: json.RawMessage(`[1]`)},
	} {
		if err := h.svc.Publish(ctx, bad); !errors.Is(err, sg.ErrValidation) {
			t.Errorf("Publish(%+v) = %v; want validation_failed", bad, err)
		}
	}
}

// A test send reaches that endpoint only, whatever events it takes.
func TestTestSendReachesThatEndpointOnly(t *testing.T) {
	h := newHarness(t)
	a, b := h.receiver(), h.receiver()
	ea := h.endpoint("ten_a", a, "invoice.paid")
	h.endpoint("ten_a", b, "*")
	ev, err := h.svc.TestSend(ctx, "ten_a", ea.ID)
	if err != nil || ev.Type != TypeTest {
		t.Fatalf("TestSend = %+v, %v", ev, err)
	}
	h.drain()
	if len(a.deliveries()) != 1 || a.deliveries()[0].env.Type != TypeTest || len(b.deliveries()) != 0 {
		t.Fatalf("a got %d, b got %d; want the test event at a only", len(a.deliveries()), len(b.deliveries()))
	}
	if _, err := h.svc.TestSend(ctx, "ten_b", ea.ID); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("another tenant's test send: %v", err)
	}
}

// Replay sends one event, or the range's events the endpoint takes, again
// with the same ids; bad replays queue nothing.
func TestReplay(t *testing.T) {
	h := newHarness(t)
	r := h.receiver()
	ep := h.endpoint("ten_a", r, "invoice.*")
	for i, id := range ids(4, "r") {
		h.set(t0.Add(time.Duration(i) * time.Hour))
		h.publish("ten_a", id, "invoice.paid", "inv_A", i)
	}
	h.publish("ten_a", "evt_transfer", "transfer.completed", "", 0)
	h.drain()
	n, err := h.svc.Replay(ctx, "ten_a", ep.ID, ReplayInput{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)})
	if err != nil || n != 2 {
		t.Fatalf("range replay = %d, %v; want 2", n, err)
	}
	h.drain()
	d := r.deliveries()
	if len(d) != 6 || d[4].env.ID != "evt_r01" || d[5].env.ID != "evt_r02" {
		t.Fatalf("deliveries: %d, last %v", len(d), d[len(d)-1].env.ID)
	}
	for _, c := range []struct {
		name string
		in   ReplayInput
		want error
	}{
		{"no event and no range", ReplayInput{}, sg.ErrReplayRange},
		{"from after to", ReplayInput{From: t0.Add(time.Hour), To: t0}, sg.ErrReplayRange},
		{"a range over 30 days", ReplayInput{From: t0, To: t0.Add(31 * 24 * time.Hour)}, sg.ErrReplayRange},
		{"both an event and a range", ReplayInput{EventID: "evt_r00", From: t0, To: t0.Add(time.Hour)}, sg.ErrReplayRange},
		{"an unknown event", ReplayInput{EventID: "evt_nope"}, sg.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := h.q.Len()
			if _, err := h.svc.Replay(ctx, "ten_a", ep.ID, c.in); !errors.Is(err, c.want) {
				t.Fatalf("Replay = %v; want %v", err, c.want)
			}
			if h.q.Len() != before {
				t.Fatal("a refused replay queued something")
			}
		})
	}
	if _, err := h.svc.Replay(ctx, "ten_b", ep.ID, ReplayInput{EventID: "evt_r00"}); !errors.Is(err, sg.ErrNotFound) {
		t.Fatalf("another tenant's replay: %v", err)
	}
}
