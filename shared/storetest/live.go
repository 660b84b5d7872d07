package storetest

import (
	"context"
	"slices"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Live is the live service's store (connections and subscriptions) and
// the envelope's key store (tenants' encrypted data keys).
type Live interface {
	PutConnection(ctx context.Context, id, tenant string) error
	ConnectionTenant(ctx context.Context, id string) (string, error)
	DeleteConnection(ctx context.Context, id string) error
	Subscribe(ctx context.Context, tenant, wallet, conn string) error
	Subscribers(ctx context.Context, tenant, wallet string) ([]string, error)
	Unsubscribe(ctx context.Context, tenant, wallet, conn string) error

	DataKey(ctx context.Context, tenant, purpose string) ([]byte, bool, error)
	PutDataKey(ctx context.Context, tenant, purpose string, blob []byte) (bool, error)
}

var liveCases = []Case{
	{"Live/a connection's tenant until it is deleted", func(t *testing.T, st Store) {
		id, tn := "conn-"+randHex(6), tenant()
		_, err := st.ConnectionTenant(ctx, id)
		wantErr(t, "an unknown connection", err, sg.ErrNotFound)
		must(t, "PutConnection", st.PutConnection(ctx, id, tn))
		if got, err := st.ConnectionTenant(ctx, id); err != nil || got != tn {
			t.Fatalf("ConnectionTenant = %q, %v; want %s", got, err, tn)
		}
		must(t, "DeleteConnection", st.DeleteConnection(ctx, id))
		_, err = st.ConnectionTenant(ctx, id)
		wantErr(t, "a deleted connection", err, sg.ErrNotFound)
		must(t, "deleting again", st.DeleteConnection(ctx, id))
	}},
	{"Live/a wallet's subscribers, per tenant and wallet", func(t *testing.T, st Store) {
		tn, w := tenant(), "wal-"+randHex(4)
		c1, c2 := "conn-a"+randHex(4), "conn-b"+randHex(4)
		must(t, "Subscribe 1", st.Subscribe(ctx, tn, w, c1))
		must(t, "Subscribe 2", st.Subscribe(ctx, tn, w, c2))
		must(t, "Subscribe 1 again", st.Subscribe(ctx, tn, w, c1))
		got, err := st.Subscribers(ctx, tn, w)
		must(t, "Subscribers", err)
		slices.Sort(got)
		if !slices.Equal(got, []string{c1, c2}) {
			t.Fatalf("Subscribers = %v; want [%s %s]", got, c1, c2)
		}
		if other, _ := st.Subscribers(ctx, tenant(), w); len(other) != 0 {
			t.Fatalf("the wallet id under another tenant has %v", other)
		}
		if other, _ := st.Subscribers(ctx, tn, w+"x"); len(other) != 0 {
			t.Fatalf("another wallet has %v", other)
		}
		must(t, "Unsubscribe", st.Unsubscribe(ctx, tn, w, c1))
		if got, _ := st.Subscribers(ctx, tn, w); !slices.Equal(got, []string{c2}) {
			t.Fatalf("after Unsubscribe = %v; want [%s]", got, c2)
		}
	}},
	{"DataKey/stored once per tenant and purpose; the first stays", func(t *testing.T, st Store) {
		tn := tenant()
		if _, ok, err := st.DataKey(ctx, tn, "pii"); err != nil || ok {
			t.Fatalf("DataKey before any = %v, %v", ok, err)
		}
		if ok, err := st.PutDataKey(ctx, tn, "pii", []byte("edk-1")); err != nil || !ok {
			t.Fatalf("first PutDataKey = %v, %v; want stored", ok, err)
		}
		if ok, err := st.PutDataKey(ctx, tn, "pii", []byte("edk-2")); err != nil || ok {
			t.Fatalf("second PutDataKey = %v, %v; want refused (one exists)", ok, err)
		}
		if b, ok, err := st.DataKey(ctx, tn, "pii"); err != nil || !ok || string(b) != "edk-1" {
			t.Fatalf("DataKey = %q, %v, %v; want the first", b, ok, err)
		}
		if _, ok, _ := st.DataKey(ctx, tn, "webhook"); ok {
			t.Fatal("another purpose has the key")
		}
		if _, ok, _ := st.DataKey(ctx, tenant(), "pii"); ok {
			t.Fatal("another tenant has the key")
		}
	}},
}
