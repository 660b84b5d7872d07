package settlementapi

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// failChain reverts every payout on chain.
type failChain struct{ okChain }

func (failChain) Receipt(_ context.Context, t sg.Transfer) (sg.Receipt, error) {
	return sg.Receipt{TxHash: t.TxHash, Failed: true}, nil
}

// approveAll is a policy step that approves every payout.
type approveAll struct{}

func (approveAll) Evaluate(context.Context, sg.Transfer) (sg.Decision, error) {
	return sg.Decision{Outcome: sg.OutcomeApprove}, nil
}

// lines counts the open settlement's lines of each kind for ref.
func (r *refundRig) linesOf(stl, ref string) map[sg.SettlementLineKind]sg.Amount {
	r.t.Helper()
	ls, _, err := r.stls.SettlementLines(bg, rigTenant, stl, sg.Page{Limit: 100})
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[sg.SettlementLineKind]sg.Amount{}
	for _, l := range ls {
		if l.Ref == ref {
			out[l.Kind] += l.Net
		}
	}
	return out
}

// A refund whose payout ends without paying (cancelled, expired unsigned,
// reverted on chain) gives back what it took: its reservation against the
// invoice's cap (a refund of the rest is accepted after it) and its line in the
// merchant's open settlement (an adjustment of the refund's transfer id
// nets it back to what the settlement wallet holds). The payout's end
// heard again (an SQS redelivery, a retried cancel) gives back nothing
// more, and the refund's own retry is answered as it was without
// reserving again. (Before: the open settlement netted 5.5 while the
// wallet held 10, and a refund of the rest answered refund_exceeds_paid.)
func TestRefundEndedUnpaidGivesBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(r *refundRig, id string) sg.Transfer
		want sg.TransferState
	}{
		{"cancelled", func(r *refundRig, id string) sg.Transfer {
			got, err := r.w.Cancel(bg, rigTenant, id)
			if err != nil {
				r.t.Fatal(err)
			}
			return got
		}, sg.StateCancelled},
		{"expired unsigned", func(r *refundRig, id string) sg.Transfer {
			got, _ := r.led.Transfer(bg, rigTenant, id)
			r.now = got.ExpiresAt.Add(time.Minute)
			if ok, err := r.w.Expire(bg, got); err != nil || !ok {
				r.t.Fatalf("expire: %v %v", ok, err)
			}
			got, _ = r.led.Transfer(bg, rigTenant, id)
			return got
		}, sg.StateExpired},
		{"reverted on chain", func(r *refundRig, id string) sg.Transfer {
			r.w.Policy, r.w.Payouts[sg.Ethereum] = approveAll{}, failChain{}
			got, _, err := r.w.Advance(bg, rigTenant, id)
			if err != nil {
				r.t.Fatal(err)
			}
			return got
		}, sg.StateFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRefundRig(t)
			r.configure()
			inv := r.pay(10_000_000)
			open, _ := r.stls.OpenSettlement(bg, rigTenant, sg.Ethereum)
			status, rf := r.call("refunds", inv.ID, "r1", `{"amount":"4.000000"}`)
			if status != 201 {
				t.Fatalf("%d %v", status, rf)
			}
			id := rf["id"].(string)
			if got := r.linesOf(open.ID, id); got[sg.LineRefund] != -4_500_000 {
				t.Fatalf("the refund's line: %v; want -4.5 (amount and network fee held)", got)
			}
			ended := tc.end(r, id)
			if ended.State != tc.want {
				t.Fatalf("the refund's payout is %s; want %s", ended.State, tc.want)
			}
			check := func(when string) {
				t.Helper()
				if got := r.refunded(inv); got != 0 {
					t.Errorf("%s: refunded %s; want 0", when, got)
				}
				after, _ := r.stls.Settlement(bg, rigTenant, open.ID)
				if after.Totals.Net != open.Totals.Net || r.available(r.stlW) != open.Totals.Net {
					t.Errorf("%s: the open settlement nets %s (was %s) while the settlement wallet holds %s",
						when, after.Totals.Net, open.Totals.Net, r.available(r.stlW))
				}
				if got := r.linesOf(open.ID, id); len(got) != 2 || got[sg.LineRefund] != -4_500_000 || got[sg.LineAdjustment] != 4_500_000 {
					t.Errorf("%s: the refund's lines %v; want the refund and one adjustment of +4.5", when, got)
				}
			}
			check("after the end")
			for range 2 {
				if err := r.w.Settler.Settle(bg, ended); err != nil {
					t.Fatalf("the end heard again: %v", err)
				}
			}
			check("after the end was heard twice more")
			if status, again := r.call("refunds", inv.ID, "r1", `{"amount":"4.000000"}`); status != 201 || again["id"] != id || again["state"] != string(tc.want) {
				t.Fatalf("the refund's retry: %d %v", status, again)
			}
			check("after the refund's retry")
			// All the wallet holds, less the network fee: 9.5 of the 10 paid
			// (with the 4 still reserved, refund_exceeds_paid).
			if status, out := r.call("refunds", inv.ID, "r2", `{"amount":"9.500000"}`); status != 201 {
				t.Errorf("a refund of 9.5 after the ended one: %d %v", status, errCode(out))
			}
			if got := r.refunded(inv); got != 9_500_000 {
				t.Errorf("refunded %s after the second refund; want 9.5", got)
			}
		})
	}
}

// A withdrawal that only names a refund in its metadata (any API caller
// may set metadata) gives nothing back when it is cancelled: its key did
// not request the refund.
func TestAWithdrawalNamingARefundGivesNothingBack(t *testing.T) {
	r := newRefundRig(t)
	r.configure()
	inv := r.pay(10_000_000)
	status, rf := r.call("refunds", inv.ID, "r1", `{"amount":"4.000000"}`)
	if status != 201 {
		t.Fatalf("%d %v", status, rf)
	}
	open, _ := r.stls.OpenSettlement(bg, rigTenant, sg.Ethereum)
	forged := sg.Transfer{ID: sg.NewID("txn", r.now), TenantID: rigTenant, Type: sg.TransferWithdrawal, State: sg.StateCancelled,
		FromWallet: r.stlW, Chain: sg.Ethereum, Asset: sg.USDT, Amount: 4_000_000, Fee: rigFee,
		Metadata: map[string]string{"refund": "true", "invoice_id": inv.ID, "refund_key": "r1"}}
	if err := r.w.Settler.Settle(bg, forged); err != nil {
		t.Fatal(err)
	}
	if got := r.refunded(inv); got != 4_000_000 {
		t.Errorf("refunded %s after a forged end; want 4 (the live refund's)", got)
	}
	if after, _ := r.stls.Settlement(bg, rigTenant, open.ID); after.Totals.Net != open.Totals.Net || after.LineCount != open.LineCount {
		t.Errorf("the open settlement changed: %s, %d lines (was %s, %d)", after.Totals.Net, after.LineCount, open.Totals.Net, open.LineCount)
	}
}

// A refund paid through a link gives back the same way when its payout is
// cancelled: the link's reservation and its settlement line.
func TestRefundLinkEndedUnpaidGivesBack(t *testing.T) {
	r := newRefundRig(t)
	r.configure()
	inv := r.pay(10_000_000)
	open, _ := r.stls.OpenSettlement(bg, rigTenant, sg.Ethereum)
	links := &memstore.RefundLinks{}
	l := sg.RefundLink{ID: sg.NewID("rfl", r.now), TenantID: rigTenant, InvoiceID: inv.ID, Chain: sg.Ethereum, Amount: 4_000_000,
		Token: "rfl_abcdefghijklmnopqrstuvwx", State: sg.RefundLinkOpen, CreatedBy: "ops", CreatedAt: r.now, ExpiresAt: r.now.Add(sg.RefundLinkTTL)}
	if err := links.PutRefundLink(bg, l); err != nil {
		t.Fatal(err)
	}
	claims := RefundLinkClaims{Links: links, Invoices: r.invoices, W: r.w, Svc: r.svc, Idem: r.led, Now: func() time.Time { return r.now }}
	resp, err := claims.Serve(bg, httpapi.Request{RouteKey: "POST /v1/refund-links/{token}", PathParameters: map[string]string{"token": l.Token},
		Headers: map[string]string{"content-type": "application/json", "idempotency-key": "c1"}, Body: `{"to_address":"` + rigPayer + `"}`,
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-c1"}})
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("claim: %d %s %v", resp.StatusCode, resp.Body, err)
	}
	if got := r.refunded(inv); got != 4_000_000 {
		t.Fatalf("refunded %s after the claim; want 4", got)
	}
	p, err := r.led.TransferByKey(bg, rigTenant, sg.KeyHash(rigTenant, ledger.OpWithdraw, linkKey(l)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.w.Cancel(bg, rigTenant, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := r.refunded(inv); got != 0 {
		t.Errorf("refunded %s after the link's payout was cancelled; want 0", got)
	}
	if after, _ := r.stls.Settlement(bg, rigTenant, open.ID); after.Totals.Net != open.Totals.Net || r.available(r.stlW) != open.Totals.Net {
		t.Errorf("the open settlement nets %s (was %s) while the settlement wallet holds %s", after.Totals.Net, open.Totals.Net, r.available(r.stlW))
	}
}
