package settlement

import (
	"context"
	"errors"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ---- settlebugs: paid invoices a freeze kept from settling ----

// maxParkedPages bounds the pages of parked invoices one job run reads.
const maxParkedPages = 20

// park records a paid invoice a freeze kept from settling (once: parking
// it again changes nothing). Without Parked wired it is only logged.
func (s *Service) park(ctx context.Context, inv sg.Invoice) error {
	if s.Parked == nil {
		return nil
	}
	return s.Parked.ParkInvoice(ctx, sg.ParkedInvoice{TenantID: inv.TenantID, InvoiceID: inv.ID, WalletID: inv.WalletID, ParkedAt: s.now()})
}

// redriveParked settles the parked invoices no freeze keeps any longer:
// it pages through the parked list (pages of limit, at most
// maxParkedPages), reads each invoice by its wallet and settles it as the
// deposit hook would have (AddPaidInvoice: the money into the settlement
// wallet, the lines into the open settlement), then unparks it. One still
// under a freeze stays parked (its wallet is not asked again this run).
// AddPaidInvoice is idempotent and the invoice is unparked only after it,
// so a crash in between settles nothing twice: the next run finds it
// settled and unparks it. It answers how many it settled and the first
// fault (the others are still tried).
func (s *Service) redriveParked(ctx context.Context, limit int) (int, error) {
	if s.Parked == nil || s.Invoices == nil {
		return 0, nil
	}
	frozen := map[string]bool{} // tenant and wallet a freeze still covers
	var first error
	n, after := 0, ""
	for range maxParkedPages {
		page, err := s.Parked.ParkedInvoices(ctx, after, limit)
		if err != nil {
			return n, err
		}
		for _, p := range page {
			after = p.Key()
			done, err := s.redrive(ctx, p, frozen)
			if err != nil {
				s.log().WarnContext(ctx, "settlement.parked_error", "tenant", p.TenantID, "invoice", p.InvoiceID, "code", code(err))
				if first == nil {
					first = err
				}
			}
			if done {
				n++
			}
		}
		if len(page) < limit {
			break
		}
	}
	return n, first
}

// redrive settles one parked invoice if no freeze keeps it any longer.
func (s *Service) redrive(ctx context.Context, p sg.ParkedInvoice, frozen map[string]bool) (bool, error) {
	k := p.TenantID + "\x00" + p.WalletID
	if frozen[k] {
		return false, nil
	}
	inv, err := s.Invoices.InvoiceByWallet(ctx, p.TenantID, p.WalletID)
	switch {
	case errors.Is(err, sg.ErrNotFound) || (err == nil && inv.ID != p.InvoiceID):
		return false, s.Parked.UnparkInvoice(ctx, p.TenantID, p.InvoiceID) // nothing of it to settle
	case err != nil:
		return false, err
	}
	_, err = s.AddPaidInvoice(ctx, p.TenantID, inv)
	switch {
	case err != nil && code(err) == ErrCollectFrozen.Code:
		frozen[k] = true
		return false, nil
	case err != nil && refused(err):
		s.log().WarnContext(ctx, "settlement.invoice_not_settled", "tenant", p.TenantID, "invoice", p.InvoiceID, "code", code(err))
		return false, s.Parked.UnparkInvoice(ctx, p.TenantID, p.InvoiceID)
	case err != nil:
		return false, err
	}
	s.log().InfoContext(ctx, "settlement.parked_settled", "tenant", p.TenantID, "invoice", p.InvoiceID)
	return true, s.Parked.UnparkInvoice(ctx, p.TenantID, p.InvoiceID)
}
