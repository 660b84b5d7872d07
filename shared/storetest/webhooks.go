package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Webhooks holds a webhook store (sg.WebhookStore) to its contract: one
// named subtest per rule, each on a store open returns. The same names
// pass on the in-memory twin and on DynamoDB Local.
func Webhooks(t *testing.T, open func(t *testing.T) sg.WebhookStore) {
	for _, c := range webhookCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type webhookCase struct {
	name string
	run  func(t *testing.T, st sg.WebhookStore)
}

// whSecond is a time at the second, as events keep it.
func whSecond() time.Time { return time.Now().UTC().Truncate(time.Second) }

func whEndpoint(tn string) sg.WebhookEndpoint {
	n := now()
	return sg.WebhookEndpoint{ID: "we_" + randHex(8), TenantID: tn, URL: "https://hooks.example.com/" + randHex(4), Description: "d",
		EnabledEvents: []string{"invoice.*", "payout.failed"}, Status: sg.EndpointEnabled, SecretSealed: []byte{1, 2, 3},
		Created: n, Updated: n}
}

func whJob(tn, ep, key, orderingKey string) sg.DeliveryJob {
	n := now()
	return sg.DeliveryJob{TenantID: tn, EndpointID: ep, Key: key, EventID: key, EventType: "invoice.paid", OrderingKey: orderingKey,
		State: sg.JobPending, NextAttemptAt: n, Created: n, Updated: n}
}

var webhookCases = []webhookCase{
	{"WebhookEndpoint/written once at version 1; another tenant's is not found; listed oldest first", func(t *testing.T, st sg.WebhookStore) {
		tn := tenant()
		e := whEndpoint(tn)
		must(t, "CreateWebhookEndpoint", st.CreateWebhookEndpoint(ctx, e))
		if err := st.CreateWebhookEndpoint(ctx, e); err == nil {
			t.Fatal("the same id was written twice")
		}
		got, err := st.WebhookEndpoint(ctx, tn, e.ID)
		must(t, "WebhookEndpoint", err)
		if got.Version != 1 || got.URL != e.URL || !bytes.Equal(got.SecretSealed, e.SecretSealed) || len(got.EnabledEvents) != 2 ||
			!got.Created.Equal(e.Created) || got.Status != sg.EndpointEnabled || got.PreviousSecretSealed != nil {
			t.Fatalf("read back %+v; wrote %+v", got, e)
		}
		_, err = st.WebhookEndpoint(ctx, tenant(), e.ID)
		wantErr(t, "another tenant's endpoint", err, sg.ErrNotFound)
		e2 := whEndpoint(tn)
		e2.Created = e.Created.Add(time.Second)
		must(t, "second endpoint", st.CreateWebhookEndpoint(ctx, e2))
		must(t, "another tenant's", st.CreateWebhookEndpoint(ctx, whEndpoint(tenant())))
		all, err := st.WebhookEndpoints(ctx, tn)
		must(t, "WebhookEndpoints", err)
		if len(all) != 2 || all[0].ID != e.ID || all[1].ID != e2.ID {
			t.Fatalf("listed %d endpoints; want the tenant's two, oldest first", len(all))
		}
	}},
	{"WebhookEndpoint/updated only over the version read", func(t *testing.T, st sg.WebhookStore) {
		tn := tenant()
		e := whEndpoint(tn)
		must(t, "create", st.CreateWebhookEndpoint(ctx, e))
		e, _ = st.WebhookEndpoint(ctx, tn, e.ID)
		e.Status, e.DisabledReason, e.ConsecutiveDead = sg.EndpointDisabled, "failing", 3
		e.FailingSince, e.PreviousSecretSealed, e.PreviousExpires = now(), []byte{9}, now().Add(time.Hour)
		up, err := st.UpdateWebhookEndpoint(ctx, e)
		must(t, "UpdateWebhookEndpoint", err)
		if up.Version != 2 {
			t.Fatalf("version %d; want 2", up.Version)
		}
		got, _ := st.WebhookEndpoint(ctx, tn, e.ID)
		if got.Version != 2 || got.Status != sg.EndpointDisabled || got.ConsecutiveDead != 3 || !got.FailingSince.Equal(e.FailingSince) ||
			!bytes.Equal(got.PreviousSecretSealed, []byte{9}) || !got.PreviousExpires.Equal(e.PreviousExpires) {
			t.Fatalf("read back %+v", got)
		}
		e.Description = "stale"
		_, err = st.UpdateWebhookEndpoint(ctx, e) // still at version 1
		wantErr(t, "an update over a stale version", err, sg.ErrWebhookEndpointChanged)
		other := got
		other.TenantID = tenant()
		_, err = st.UpdateWebhookEndpoint(ctx, other)
		wantErr(t, "another tenant's update", err, sg.ErrNotFound)
		if got, _ := st.WebhookEndpoint(ctx, tn, e.ID); got.Description != "d" || got.Version != 2 {
			t.Fatalf("refused updates wrote: %+v", got)
		}
	}},
	{"WebhookEndpoint/deleted by its tenant only", func(t *testing.T, st sg.WebhookStore) {
		tn := tenant()
		e := whEndpoint(tn)
		must(t, "create", st.CreateWebhookEndpoint(ctx, e))
		wantErr(t, "another tenant's delete", st.DeleteWebhookEndpoint(ctx, tenant(), e.ID), sg.ErrNotFound)
		must(t, "DeleteWebhookEndpoint", st.DeleteWebhookEndpoint(ctx, tn, e.ID))
		_, err := st.WebhookEndpoint(ctx, tn, e.ID)
		wantErr(t, "get after delete", err, sg.ErrNotFound)
		wantErr(t, "delete again", st.DeleteWebhookEndpoint(ctx, tn, e.ID), sg.ErrNotFound)
	}},
	{"WebhookEvent/stored once; the first one written is kept; per tenant", func(t *testing.T, st sg.WebhookStore) {
		tn := tenant()
		ev := sg.WebhookEvent{ID: "evt_" + randHex(8), TenantID: tn, Type: "invoice.paid", Created: whSecond(), APIVersion: sg.WebhookAPIVersion,
			OrderingKey: "inv_1", Data: []byte(`{"id":"inv_1"}`)}
		got, created, err := st.PutWebhookEvent(ctx, ev)
		must(t, "PutWebhookEvent", err)
		if !created || got.ID != ev.ID || !got.Created.Equal(ev.Created) || string(got.Data) != string(ev.Data) || got.OrderingKey != "inv_1" {
			t.Fatalf("first put = %+v, %v", got, created)
		}
		again := ev
		again.Data = []byte(`{"id":"other"}`)
		got, created, err = st.PutWebhookEvent(ctx, again)
		must(t, "second put", err)
		if created || string(got.Data) != string(ev.Data) {
			t.Fatalf("second put = %s, %v; want the first kept", got.Data, created)
		}
		read, err := st.WebhookEvent(ctx, tn, ev.ID)
		must(t, "WebhookEvent", err)
		if string(read.Data) != string(ev.Data) || read.Type != ev.Type || read.APIVersion != ev.APIVersion {
			t.Fatalf("read %+v", read)
		}
		_, err = st.WebhookEvent(ctx, tenant(), ev.ID)
		wantErr(t, "another tenant's event", err, sg.ErrNotFound)
		ev.TenantID = tenant()
		if _, created, err := st.PutWebhookEvent(ctx, ev); err != nil || !created {
			t.Fatalf("the same id under another tenant = %v, %v; want its own", created, err)
		}
	}},
	{"WebhookEvent/listed in a time range oldest first, in pages", func(t *testing.T, st sg.WebhookStore) {
		tn := tenant()
		base := whSecond().Add(-time.Hour)
		for i := range 7 {
			ev := sg.WebhookEvent{ID: fmt.Sprintf("evt_%s_%d", randHex(4), i), TenantID: tn, Type: "invoice.paid", Created: base.Add(time.Duration(i/2) * time.Minute), Data: []byte(`{}`)}
			if _, _, err := st.PutWebhookEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		_, _, _ = st.PutWebhookEvent(ctx, sg.WebhookEvent{ID: "evt_" + randHex(4), TenantID: tenant(), Type: "invoice.paid", Created: base, Data: []byte(`{}`)})
		var all []sg.WebhookEvent
		page := sg.Page{Limit: 2}
		for range 10 {
			got, next, err := st.WebhookEvents(ctx, tn, base.Add(time.Minute), base.Add(3*time.Minute), page)
			must(t, "WebhookEvents", err)
			all = append(all, got...)
			if next == "" {
				break
			}
			page.Cursor = next
		}
		if len(all) != 4 {
			t.Fatalf("listed %d events in [1m, 3m); want 4", len(all))
		}
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			if b.Created.Before(a.Created) || b.Created.Equal(a.Created) && b.ID <= a.ID {
				t.Fatalf("out of order: %s then %s", a.ID, b.ID)
			}
		}
		if got, _, _ := st.WebhookEvents(ctx, tn, base, time.Time{}, sg.Page{Limit: 100}); len(got) != 7 {
			t.Fatalf("an open range listed %d; want 7", len(got))
		}
		_, _, err := st.WebhookEvents(ctx, tn, base, time.Time{}, sg.Page{Cursor: "not-a-cursor"})
		wantErr(t, "a foreign cursor", err, sg.ErrInvalidCursor)
	}},
	{"DeliveryJob/written once with the next seq of its ordering key", func(t *testing.T, st sg.WebhookStore) {
		tn, ep := tenant(), "we_"+randHex(8)
		a, err := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_a", "inv_1"))
		must(t, "AssignDeliveryJob", err)
		b, _ := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_b", "inv_1"))
		c, _ := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_c", "inv_2"))
		n, _ := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_n", ""))
		o, _ := st.AssignDeliveryJob(ctx, whJob(tn, "we_"+randHex(8), "evt_a", "inv_1"))
		if a.Seq != 1 || b.Seq != 2 || c.Seq != 1 || n.Seq != 0 || o.Seq != 1 {
			t.Fatalf("seqs a=%d b=%d c=%d none=%d other endpoint=%d; want 1 2 1 0 1", a.Seq, b.Seq, c.Seq, n.Seq, o.Seq)
		}
		again, err := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_a", "inv_1"))
		must(t, "assign again", err)
		if again.Seq != 1 || again.State != sg.JobPending {
			t.Fatalf("assigned again: %+v; want the stored job", again)
		}
		if d, _ := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_d", "inv_1")); d.Seq != 3 {
			t.Fatalf("after a repeated assign the next seq is %d; want 3", d.Seq)
		}
		got, err := st.DeliveryJobAt(ctx, ep, "inv_1", 2)
		if err != nil || got.Key != "evt_b" || got.TenantID != tn || got.EventType != "invoice.paid" {
			t.Fatalf("DeliveryJobAt 2 = %+v, %v", got, err)
		}
		_, err = st.DeliveryJobAt(ctx, ep, "inv_1", 9)
		wantErr(t, "no job at seq 9", err, sg.ErrNotFound)
		_, err = st.DeliveryJob(ctx, ep, "evt_zz")
		wantErr(t, "no such job", err, sg.ErrNotFound)
	}},
	{"DeliveryJob/concurrent assigns get distinct seqs with no gap", func(t *testing.T, st sg.WebhookStore) {
		tn, ep := tenant(), "we_"+randHex(8)
		const n = 12
		seqs := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				j, err := st.AssignDeliveryJob(ctx, whJob(tn, ep, fmt.Sprintf("evt_%02d", i), "inv_1"))
				seqs[i], errs[i] = j.Seq, err
			})
		}
		wg.Wait()
		seen := map[int64]bool{}
		for i := range n {
			must(t, "concurrent assign", errs[i])
			if seqs[i] < 1 || seqs[i] > n || seen[seqs[i]] {
				t.Fatalf("seqs %v; want 1..%d once each", seqs, n)
			}
			seen[seqs[i]] = true
		}
	}},
	{"DeliveryJob/an attempt is recorded one generation on, once, with its log entry", func(t *testing.T, st sg.WebhookStore) {
		tn, ep := tenant(), "we_"+randHex(8)
		j, _ := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_a", "inv_1"))
		at := now()
		next := j
		next.Attempts, next.Gen, next.NextAttemptAt, next.Updated = 1, 1, at.Add(time.Minute), at
		d := sg.Delivery{TenantID: tn, EndpointID: ep, JobKey: j.Key, EventID: j.EventID, EventType: j.EventType, Attempt: 1, At: at,
			StatusCode: 503, Duration: 120 * time.Millisecond, ErrorClass: "http_status", Outcome: "retrying", NextAttemptAt: next.NextAttemptAt}
		must(t, "RecordDeliveryAttempt", st.RecordDeliveryAttempt(ctx, next, d))
		wantErr(t, "the same attempt again", st.RecordDeliveryAttempt(ctx, next, d), sg.ErrWebhookJobChanged)
		skip := next
		skip.Gen = 5
		d3 := d
		d3.Attempt = 3
		wantErr(t, "a generation skipped", st.RecordDeliveryAttempt(ctx, skip, d3), sg.ErrWebhookJobChanged)
		got, _ := st.DeliveryJob(ctx, ep, j.Key)
		if got.Gen != 1 || got.Attempts != 1 || got.Seq != 1 || !got.NextAttemptAt.Equal(next.NextAttemptAt) || got.State != sg.JobPending {
			t.Fatalf("job %+v", got)
		}
		done := got
		done.Gen, done.Attempts, done.State = 2, 2, sg.JobDelivered
		d2 := d
		d2.Attempt, d2.At, d2.StatusCode, d2.ErrorClass, d2.Outcome, d2.NextAttemptAt = 2, at.Add(time.Minute), 200, "", "delivered", time.Time{}
		must(t, "the delivered attempt", st.RecordDeliveryAttempt(ctx, done, d2))
		after := done
		after.Gen, after.Attempts = 3, 3
		d4 := d2
		d4.Attempt = 3
		wantErr(t, "an attempt on a delivered job", st.RecordDeliveryAttempt(ctx, after, d4), sg.ErrWebhookJobChanged)
		log, _, err := st.Deliveries(ctx, tn, ep, sg.Page{})
		must(t, "Deliveries", err)
		if len(log) != 2 || log[0].Attempt != 2 || log[0].Outcome != "delivered" || log[1].Attempt != 1 || log[1].StatusCode != 503 ||
			log[1].Duration != 120*time.Millisecond || !log[1].NextAttemptAt.Equal(d.NextAttemptAt) || log[1].ErrorClass != "http_status" {
			t.Fatalf("log %+v; want the two recorded attempts, newest first", log)
		}
		if other, _, _ := st.Deliveries(ctx, tenant(), ep, sg.Page{}); len(other) != 0 {
			t.Fatal("another tenant reads the log")
		}
	}},
	{"DeliveryJob/its generation moves only from the one named, while pending", func(t *testing.T, st sg.WebhookStore) {
		tn, ep := tenant(), "we_"+randHex(8)
		j, _ := st.AssignDeliveryJob(ctx, whJob(tn, ep, "evt_a", ""))
		must(t, "BumpDeliveryJob", st.BumpDeliveryJob(ctx, ep, j.Key, 0))
		wantErr(t, "bump from a stale gen", st.BumpDeliveryJob(ctx, ep, j.Key, 0), sg.ErrWebhookJobChanged)
		must(t, "bump again", st.BumpDeliveryJob(ctx, ep, j.Key, 1))
		if got, _ := st.DeliveryJob(ctx, ep, j.Key); got.Gen != 2 {
			t.Fatalf("gen %d; want 2", got.Gen)
		}
		dead := j
		dead.Gen, dead.Attempts, dead.State = 3, 1, sg.JobDead
		must(t, "dead", st.RecordDeliveryAttempt(ctx, dead, sg.Delivery{TenantID: tn, EndpointID: ep, JobKey: j.Key, Attempt: 1, At: now(), Outcome: "dead"}))
		wantErr(t, "bump a dead job", st.BumpDeliveryJob(ctx, ep, j.Key, 3), sg.ErrWebhookJobChanged)
	}},
	{"DeliveryCursor/moves one step up only", func(t *testing.T, st sg.WebhookStore) {
		ep := "we_" + randHex(8)
		if c, err := st.DeliveryCursor(ctx, ep, "inv_1"); err != nil || c != 0 {
			t.Fatalf("new cursor = %d, %v", c, err)
		}
		wantErr(t, "a gap", st.AdvanceDeliveryCursor(ctx, ep, "inv_1", 2), sg.ErrWebhookJobChanged)
		must(t, "to 1", st.AdvanceDeliveryCursor(ctx, ep, "inv_1", 1))
		must(t, "to 2", st.AdvanceDeliveryCursor(ctx, ep, "inv_1", 2))
		must(t, "to 1 again (behind)", st.AdvanceDeliveryCursor(ctx, ep, "inv_1", 1))
		must(t, "to 2 again", st.AdvanceDeliveryCursor(ctx, ep, "inv_1", 2))
		if c, _ := st.DeliveryCursor(ctx, ep, "inv_1"); c != 2 {
			t.Fatalf("cursor %d; want 2", c)
		}
		if c, _ := st.DeliveryCursor(ctx, ep, "inv_2"); c != 0 {
			t.Fatalf("another key's cursor %d; want 0", c)
		}
	}},
	{"Deliveries/newest first in pages", func(t *testing.T, st sg.WebhookStore) {
		tn, ep := tenant(), "we_"+randHex(8)
		base := now()
		for i := range 5 {
			j, _ := st.AssignDeliveryJob(ctx, whJob(tn, ep, fmt.Sprintf("evt_%d", i), ""))
			j.Gen, j.Attempts, j.State = 1, 1, sg.JobDelivered
			must(t, "record", st.RecordDeliveryAttempt(ctx, j, sg.Delivery{TenantID: tn, EndpointID: ep, JobKey: j.Key, EventID: j.EventID, Attempt: 1,
				At: base.Add(time.Duration(i) * time.Second), StatusCode: 200, Outcome: "delivered"}))
		}
		var keys []string
		page := sg.Page{Limit: 2}
		for range 10 {
			got, next, err := st.Deliveries(ctx, tn, ep, page)
			must(t, "Deliveries", err)
			for _, d := range got {
				keys = append(keys, d.JobKey)
			}
			if next == "" {
				break
			}
			page.Cursor = next
		}
		if fmt.Sprint(keys) != "[evt_4 evt_3 evt_2 evt_1 evt_0]" {
			t.Fatalf("pages gave %v; want newest first, each once", keys)
		}
		_, _, err := st.Deliveries(ctx, tn, ep, sg.Page{Cursor: "bogus"})
		wantErr(t, "a foreign cursor", err, sg.ErrInvalidCursor)
	}},
}
