package settlementapi

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A link past its 14 days reads as expired and cannot be claimed; the
// claim changes nothing (the link stays open, no address recorded).
func TestExpiredRefundLinkCannotBeClaimed(t *testing.T) {
	ctx := context.Background()
	links := &memstore.RefundLinks{}
	made := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := sg.RefundLink{ID: "rfl_1", TenantID: "acme", InvoiceID: "inv_1", Chain: sg.Tron, Amount: 4_000_000, Token: "rfl_abcdefghijklmnop",
		State: sg.RefundLinkOpen, CreatedAt: made, ExpiresAt: made.Add(sg.RefundLinkTTL)}
	if err := links.PutRefundLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	later := made.Add(sg.RefundLinkTTL + time.Second)
	h := RefundLinkClaims{Links: links, Now: func() time.Time { return later }}
	req := func(method, body string) httpapi.Request {
		r := httpapi.Request{RouteKey: method + " /v1/refund-links/{token}", PathParameters: map[string]string{"token": l.Token}, Body: body,
			Headers: map[string]string{"content-type": "application/json", "idempotency-key": "k-1"}}
		return r
	}
	resp, err := h.Serve(ctx, req("GET", ""))
	var v RefundLinkView
	if err != nil || json.Unmarshal([]byte(resp.Body), &v) != nil || v.Status != "expired" || v.Token != "" || v.InvoiceID != "" {
		t.Fatalf("the payer's view of an expired link: %+v %v", resp, err)
	}
	if _, err := h.Serve(ctx, req("POST", `{"to_address":"TQnzBnW3AGXsiH4a7NbEfAnT6dsA6y4Y4Y"}`)); !errors.Is(err, sg.ErrRefundLinkExpired) {
		t.Fatalf("a claim of an expired link: %v", err)
	}
	if got, _ := links.RefundLinkByID(ctx, "acme", l.ID); got.State != sg.RefundLinkOpen || got.ToAddress != "" {
		t.Fatalf("after the refused claim: %+v", got)
	}
}
