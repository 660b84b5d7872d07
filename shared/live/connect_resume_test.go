package live

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/stablegate/stablegate/shared/jwt"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- plat: resume at $connect ----

// A client reconnecting with ?wallet_id=...&last_event_id=N gets, once its
// connection is open, "resuming", every kept event after N in order, then
// "subscribed" with the head, and live events after that: nothing missed,
// nothing twice, with no subscribe message. A post answered Gone while the
// connection is still opening is tried again.
func TestConnectWithLastEventIDResumes(t *testing.T) {
	f := newResumeFixture(t)
	is := newTestIssuer(t)
	f.s.Verifier = &jwt.Verifier{Issuer: is.url, Audience: "api"}
	f.s.Resumes = f.st
	tok := is.mint(t, map[string]any{"tenant": "acme", "sub": "u", "scope": "transfers:read"})
	for range 3 {
		f.change(t) // events 1, 2, 3 while the client was away
	}
	connect := func(conn string, q map[string]string) Response {
		q["token"] = tok
		req := Request{QueryStringParameters: q}
		req.RequestContext.ConnectionID = conn
		resp, err := f.s.Connect(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if r := connect("c9", map[string]string{"wallet_id": f.wallet, "last_event_id": "1"}); r.StatusCode != 200 {
		t.Fatalf("$connect: %d %s", r.StatusCode, r.Body)
	}
	if len(f.p.Got["c9"]) != 0 {
		t.Fatal("something was posted during $connect")
	}
	// The connection opens a moment later: its first two posts are Gone.
	f.p.Gone["c9"] = true
	goneFor := 2
	poster := f.s.Poster
	f.s.Poster = posterFunc(func(ctx context.Context, conn string, data []byte) error {
		if conn == "c9" && goneFor > 0 {
			goneFor--
			if goneFor == 0 {
				f.p.Lock()
				delete(f.p.Gone, "c9")
				f.p.Unlock()
			}
			return ErrGone
		}
		return poster.Post(ctx, conn, data)
	})
	if err := f.s.ResumeConnected(context.Background(), sg.ConnectResume{Conn: "c9", Tenant: "acme", Stream: f.wallet, After: 1}); err != nil {
		t.Fatal(err)
	}
	f.change(t) // event 4, live
	var kinds []string
	var ids []int64
	for _, raw := range f.p.Got["c9"] {
		var m struct {
			Type        string `json:"type"`
			EventID     int64  `json:"event_id"`
			LastEventID *int64 `json:"last_event_id"`
		}
		_ = json.Unmarshal([]byte(raw), &m)
		kinds = append(kinds, m.Type)
		switch m.Type {
		case "transfer.updated":
			ids = append(ids, m.EventID)
		case "subscribed":
			if m.LastEventID == nil || *m.LastEventID != 3 {
				t.Fatalf("subscribed %s; want last_event_id 3", raw)
			}
		}
	}
	want := []string{"resuming", "transfer.updated", "transfer.updated", "subscribed", "transfer.updated"}
	if !slices.Equal(kinds, want) || len(ids) != 3 || ids[0] != 2 || ids[1] != 3 || ids[2] != 4 {
		t.Fatalf("received %v with ids %v; want %v with ids [2 3 4]", kinds, ids, want)
	}

	t.Run("bad parameters refuse the connection", func(t *testing.T) {
		for name, q := range map[string]map[string]string{
			"an id that is no number":       {"wallet_id": f.wallet, "last_event_id": "x"},
			"a negative id":                 {"wallet_id": f.wallet, "last_event_id": "-2"},
			"an id and no stream":           {"last_event_id": "3"},
			"a wallet and a channel":        {"wallet_id": f.wallet, "channel": "market"},
			"an unknown channel":            {"channel": "news"},
			"a wallet id that is no id":     {"wallet_id": "nope"},
			"another tenant's wallet (404)": {"wallet_id": sg.NewID("wal", f.st.Now())},
		} {
			if r := connect("c8", q); r.StatusCode != 400 && r.StatusCode != 404 {
				t.Errorf("%s: %d %s", name, r.StatusCode, r.Body)
			}
		}
	})
	t.Run("a connection that left is skipped", func(t *testing.T) {
		f.p.Gone["c7"] = true // never opened, and no connection record
		if err := f.s.ResumeConnected(context.Background(), sg.ConnectResume{Conn: "c7", Tenant: "acme", Stream: f.wallet, After: 0}); err != nil {
			t.Fatal(err)
		}
	})
}

type posterFunc func(ctx context.Context, conn string, data []byte) error

func (p posterFunc) Post(ctx context.Context, conn string, data []byte) error {
	return p(ctx, conn, data)
}
