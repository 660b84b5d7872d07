package dynamo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/stablegate/stablegate/shared/acquiring"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fxrate"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The acquiring stores' contract on DynamoDB Local: the same cases, under
// the same names, as memstore's TestInvoicesContract on the twin; each
// case on a table of its own (the template's keys and GSI1).
func TestInvoicesContract(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local (the local stack); the twin runs the same contract under -short")
	storetest.Invoices(t, func(t *testing.T) storetest.InvoiceStore {
		return &dynamo.Invoices{Table: dynamo.New(db, contractTable(t, db)).Base}
	})
}

func TestInvoiceFromImage(t *testing.T) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	cases := []struct {
		name        string
		img         map[string]types.AttributeValue
		tenant, inv string
		ok          bool
	}{
		{"an invoice", map[string]types.AttributeValue{"type": s("invoice"), "tenant": s("t1"), "id": s("inv_1")}, "t1", "inv_1", true},
		{"a payment", map[string]types.AttributeValue{"type": s("invoice_payment"), "tenant": s("t1"), "invoice": s("inv_1"), "ref": s("r")}, "t1", "inv_1", true},
		{"a transfer", map[string]types.AttributeValue{"type": s("transfer"), "tenant": s("t1"), "id": s("txn_1")}, "", "", false},
		{"an invoice without its tenant", map[string]types.AttributeValue{"type": s("invoice"), "id": s("inv_1")}, "", "inv_1", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ten, inv, ok := dynamo.InvoiceFromImage(c.img)
			if ok != c.ok || (ok && (ten != c.tenant || inv != c.inv)) {
				t.Fatalf("InvoiceFromImage = %q %q %v; want %q %q %v", ten, inv, ok, c.tenant, c.inv, c.ok)
			}
		})
	}
}

// The acquiring service over the adapter, end to end on DynamoDB Local: an
// invoice priced in EUR is paid in two parts (one redelivered), a part is
// reversed and paid again, another invoice expires; events go out once
// each, in order, and no outbox is left behind.
func TestAcquiringOnDynamoDB(t *testing.T) {
	db := localDB(t, "needs DynamoDB Local; the service's tests run on the twin under -short")
	st := &dynamo.Invoices{Table: dynamo.New(db, contractTable(t, db)).Base}
	pub := &eventLog{seen: map[string]bool{}}
	rates, err := fxrate.ParseStatic("EUR=0.92")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	svc := &acquiring.Service{Store: st, Policies: st, Quotes: st, Rates: rates, Addresses: &invWallets{}, Events: pub, Now: func() time.Time { return now }}
	ctx := context.Background()
	tenant := "t-" + sg.NewID("x", now)[2:]
	r, err := svc.Create(ctx, tenant, acquiring.CreateInvoice{FiatCurrency: "EUR", FiatAmount: "92.00", Chains: []sg.Chain{sg.Ethereum}},
		acquiring.Idem{Key: "k", Hash: "h"}, nil)
	if err != nil || r.Invoice.Amount != 100_000_000 {
		t.Fatalf("Create: %v, %s", err, r.Invoice.Amount)
	}
	inv := r.Invoice
	again, err := svc.Create(ctx, tenant, acquiring.CreateInvoice{}, acquiring.Idem{Key: "k", Hash: "h"}, nil)
	if err != nil || !again.Replayed || string(again.Body) != string(r.Body) {
		t.Fatalf("replay: %v %v", err, again.Replayed)
	}
	dep := func(ref string, amount sg.Amount, state sg.DepositState) {
		t.Helper()
		if err := svc.OnDeposit(ctx, sg.WalletDeposit{Tenant: tenant, Wallet: inv.WalletID, Chain: sg.Ethereum, Address: inv.Addresses[0].Address,
			Amount: amount, Ref: ref, TxHash: "0x" + ref, Block: 9, State: state}); err != nil {
			t.Fatalf("OnDeposit %s %s: %v", ref, state, err)
		}
	}
	dep("a", 60_000_000, sg.DepositSeen)
	dep("a", 60_000_000, sg.DepositConfirmed)
	dep("a", 60_000_000, sg.DepositConfirmed) // redelivered
	dep("b", 40_000_000, sg.DepositConfirmed)
	dep("b", 40_000_000, sg.DepositReversed)
	dep("c", 40_000_000, sg.DepositConfirmed)
	got, err := svc.Get(ctx, tenant, inv.ID)
	if err != nil || got.Status != sg.InvoicePaid || got.Paid != 100_000_000 || len(got.Payments) != 3 || len(got.Outbox) != 0 || got.Version != 6 {
		t.Fatalf("invoice %s paid %s, %d payments, outbox %d, version %d (%v)", got.Status, got.Paid, len(got.Payments), len(got.Outbox), got.Version, err)
	}
	want := "invoice.created,invoice.payment_detected,invoice.partially_paid,invoice.payment_detected,invoice.paid," +
		"invoice.payment_reversed,invoice.partially_paid,invoice.payment_detected,invoice.paid"
	if evs := strings.Join(pub.types, ","); evs != want {
		t.Fatalf("events %s\nwant   %s", evs, want)
	}
	short, err := svc.Create(ctx, tenant, acquiring.CreateInvoice{Amount: "1", ExpiresIn: time.Minute, Chains: []sg.Chain{sg.Ethereum}}, acquiring.Idem{Key: "k2", Hash: "h2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Expire(ctx, now.Add(2*time.Minute), 10); err != nil || n != 1 {
		t.Fatalf("Expire: %d, %v", n, err)
	}
	if v, err := svc.Checkout(ctx, short.Invoice.CheckoutToken); err != nil || v.Status != "expired" {
		t.Fatalf("checkout of the expired invoice: %+v, %v", v, err)
	}
	if refs, err := st.OutboxInvoices(ctx, 10); err != nil || len(refs) != 0 {
		t.Fatalf("outboxes left: %v, %v", refs, err)
	}
}

type eventLog struct {
	seen  map[string]bool
	types []string
}

func (l *eventLog) Publish(_ context.Context, e sg.WebhookEvent) error {
	if !l.seen[e.ID] {
		l.seen[e.ID] = true
		l.types = append(l.types, e.Type)
	}
	return nil
}

type invWallets struct{ n int }

func (w *invWallets) NewInvoiceWallet(_ context.Context, tenant, id string, _ []sg.Chain) (sg.Wallet, error) {
	w.n++
	return sg.Wallet{ID: sg.NewID("wal", time.Now()), TenantID: tenant,
		Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: fmt.Sprintf("0x%040x", w.n)}}}, nil
}
