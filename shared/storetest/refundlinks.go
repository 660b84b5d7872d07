package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// RefundLinks is the contract of sg.RefundLinks: a link is written once
// and read back whole by id (within its tenant) and by token; a claim
// records one address, is repeatable with that address and refused with
// another.
func RefundLinks(t *testing.T, open func(t *testing.T) sg.RefundLinks) {
	ctx := context.Background()
	at := time.Now().UTC().Truncate(time.Microsecond)
	link := func(t *testing.T) sg.RefundLink {
		id := fmt.Sprintf("rfl_%d", time.Now().UnixNano())
		return sg.RefundLink{ID: id, TenantID: "acme", InvoiceID: "inv_1", Chain: sg.Tron, Amount: 2_500_000, Reason: "damaged",
			Token: "rfl_tok_" + id, State: sg.RefundLinkOpen, CreatedBy: "user:ops", CreatedAt: at, ExpiresAt: at.Add(sg.RefundLinkTTL)}
	}
	t.Run("written once, read by id and token", func(t *testing.T) {
		r, l := open(t), link(t)
		if err := r.PutRefundLink(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := r.PutRefundLink(ctx, l); !errors.Is(err, sg.ErrRefundLinkExists) {
			t.Fatalf("the same link again: %v", err)
		}
		for name, read := range map[string]func() (sg.RefundLink, error){
			"id":    func() (sg.RefundLink, error) { return r.RefundLinkByID(ctx, "acme", l.ID) },
			"token": func() (sg.RefundLink, error) { return r.RefundLinkByToken(ctx, l.Token) },
		} {
			got, err := read()
			if err != nil {
				t.Fatalf("by %s: %v", name, err)
			}
			got.ClaimedAt = time.Time{}
			if got.ID != l.ID || got.Amount != l.Amount || got.Chain != l.Chain || got.Token != l.Token || got.State != l.State ||
				got.InvoiceID != l.InvoiceID || got.CreatedBy != l.CreatedBy || !got.ExpiresAt.Equal(l.ExpiresAt) || got.Reason != l.Reason {
				t.Fatalf("by %s: %+v, want %+v", name, got, l)
			}
		}
		if _, err := r.RefundLinkByID(ctx, "other", l.ID); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("another tenant reads the link: %v", err)
		}
		if _, err := r.RefundLinkByToken(ctx, "rfl_unknown_token"); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("an unknown token: %v", err)
		}
	})
	t.Run("claimed for one address, again for it, never for another", func(t *testing.T) {
		r, l := open(t), link(t)
		if err := r.PutRefundLink(ctx, l); err != nil {
			t.Fatal(err)
		}
		got, err := r.ClaimRefundLink(ctx, "acme", l.ID, "TPayer", at)
		if err != nil || got.State != sg.RefundLinkClaimed || got.ToAddress != "TPayer" {
			t.Fatalf("claim: %+v %v", got, err)
		}
		if again, err := r.ClaimRefundLink(ctx, "acme", l.ID, "TPayer", at.Add(time.Minute)); err != nil || !again.ClaimedAt.Equal(got.ClaimedAt) {
			t.Fatalf("the same claim again: %+v %v", again, err)
		}
		if _, err := r.ClaimRefundLink(ctx, "acme", l.ID, "TOther", at); !errors.Is(err, sg.ErrRefundLinkUsed) {
			t.Fatalf("a claim for another address: %v", err)
		}
		if _, err := r.ClaimRefundLink(ctx, "other", l.ID, "TPayer", at); !errors.Is(err, sg.ErrNotFound) {
			t.Fatalf("a claim through another tenant: %v", err)
		}
		if read, _ := r.RefundLinkByToken(ctx, l.Token); read.ToAddress != "TPayer" || read.State != sg.RefundLinkClaimed {
			t.Fatalf("read after the claim: %+v", read)
		}
	})
}
