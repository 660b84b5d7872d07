package settlement

import (
	"context"
	"errors"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Operations naming the ledger moves of a settlement (idempotency keys).
const (
	OpCollect = "settlement.collect" // a paid invoice's net into the settlement wallet
	OpClear   = "settlement.clear"   // the conversion entry on the payout chain
	OpAbsorb  = "settlement.absorb"  // the platform's fees pay an absorbed network fee
)

// Ledger is what the settlement service moves money with: the transfer
// ledger (a transfer is written once by its id) and the wallets with the
// freezes over them.
type Ledger interface {
	ApplyTransfer(ctx context.Context, t sg.Transfer) error
	WalletsUnderFreeze(ctx context.Context, tenantID string, ids ...string) (map[string]sg.Wallet, map[string]sg.Freeze, error)
	// Transfer reads one transfer of the tenant by id (ErrNotFound): the
	// books say where an invoice's money went (collected or not).
	Transfer(ctx context.Context, tenant, id string) (sg.Transfer, error)
	// AccountBalance reads an account's balance over its shards.
	AccountBalance(ctx context.Context, a sg.Account, shards int) (sg.Balance, error)
}

// ErrCollectFrozen: a freeze covers the invoice's or the settlement's
// wallet; the invoice's money stays where it is until the freeze is lifted.
var ErrCollectFrozen = &sg.Error{Kind: sg.KindRefused, Code: "wallet_frozen", Message: "a freeze covers the invoice's or the settlement wallet"}

// collect moves one invoice line's money in the ledger: its gross out of
// the invoice's wallet on the chain it was paid on, the fee to the
// platform's fees account and the net to the settlement wallet on the
// payout chain. Paid on another chain than the payout's, the net goes to
// that chain's settlement_clearing account and a second entry, the named
// conversion (memo "clearing <from> -> <to>"), takes it from the payout
// chain's settlement_clearing account into the settlement wallet: the two
// chains' books each balance, and the clearing accounts' balances are the
// value moved between them. Both transfers have ids fixed by the invoice
// and the chain, so a redelivery writes nothing twice.
func (s *Service) collect(ctx context.Context, inv sg.Invoice, l sg.SettlementLine, cfg sg.SettlementConfig) error {
	if s.Ledger == nil || cfg.WalletID == "" || l.Gross <= 0 {
		return nil
	}
	tenant := inv.TenantID
	ws, frozen, err := s.Ledger.WalletsUnderFreeze(ctx, tenant, inv.WalletID, cfg.WalletID)
	if err != nil {
		return err
	}
	src, ok1 := ws[inv.WalletID]
	dst, ok2 := ws[cfg.WalletID]
	if !ok1 || !ok2 {
		return sg.Internal("settlement.collect", errors.New("the invoice's or the settlement wallet is missing"))
	}
	if len(frozen) > 0 {
		return ErrCollectFrozen
	}
	d := cfg.Destination.Chain
	at := inv.CreatedAt.UTC().Truncate(time.Microsecond) // fixed: the ids must not change on a redelivery
	now := s.now().Truncate(time.Microsecond)
	meta := map[string]string{"invoice_id": inv.ID, "gross": l.Gross.String(), "platform_fee": l.Fee.String()}
	to := sg.WalletAccount(tenant, dst.ID, d, sg.USDT)
	toShards := dst.Shards()
	if l.Chain != d {
		to, toShards = sg.SystemAccount(sg.SysSettlement, l.Chain, sg.USDT), 0
		meta["conversion"] = string(l.Chain) + "->" + string(d)
	}
	ps := []sg.Posting{{Account: sg.WalletAccount(tenant, src.ID, l.Chain, sg.USDT), Bucket: sg.Available, Delta: -l.Gross, Shards: src.Shards()}}
	if l.Fee > 0 {
		ps = append(ps, sg.Posting{Account: sg.SystemAccount(sg.SysFees, l.Chain, sg.USDT), Bucket: sg.Available, Delta: l.Fee})
	}
	if l.Net > 0 {
		ps = append(ps, sg.Posting{Account: to, Bucket: sg.Available, Delta: l.Net, Shards: toShards})
	}
	t := sg.Transfer{ID: collectID(inv, l.Chain), TenantID: tenant, Type: sg.TransferInternal,
		State: sg.StatePosted, FromWallet: src.ID, Chain: l.Chain, Asset: sg.USDT, Amount: l.Net, Fee: l.Fee,
		Memo: "settlement of invoice " + inv.ID, Metadata: meta, CreatedAt: now, UpdatedAt: now, Entry: sg.Entry{Postings: ps}}
	if l.Chain == d {
		t.ToWallet = dst.ID
	}
	if err := s.apply(ctx, t); err != nil {
		return err
	}
	if l.Chain == d || l.Net <= 0 {
		return nil
	}
	c := sg.Transfer{ID: sg.NewKeyedID("txn", at, tenant, OpClear, inv.ID+"/"+string(l.Chain)), TenantID: tenant, Type: sg.TransferInternal,
		State: sg.StatePosted, ToWallet: dst.ID, Chain: d, Asset: sg.USDT, Amount: l.Net,
		Memo: "clearing " + string(l.Chain) + " -> " + string(d) + " of invoice " + inv.ID, Metadata: map[string]string{"invoice_id": inv.ID,
			"conversion": string(l.Chain) + "->" + string(d)}, CreatedAt: now, UpdatedAt: now,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysSettlement, d, sg.USDT), Bucket: sg.Available, Delta: -l.Net},
			{Account: sg.WalletAccount(tenant, dst.ID, d, sg.USDT), Bucket: sg.Available, Delta: l.Net, Shards: dst.Shards()},
		}}}
	return s.apply(ctx, c)
}

// collectID is the id of the entry that moved inv's money paid on c into
// the settlement wallet: fixed by the invoice and the chain.
func collectID(inv sg.Invoice, c sg.Chain) string {
	at := inv.CreatedAt.UTC().Truncate(time.Microsecond)
	return sg.NewKeyedID("txn", at, inv.TenantID, OpCollect, inv.ID+"/"+string(c))
}

// settledFrom answers the config under which inv's money paid on c sits
// in the tenant's settlement wallet, and whether it does: the books
// decide, not today's config. The money moved there only if the invoice's
// collect entry is in the ledger; an invoice paid before its chain had a
// config kept its money in the invoice's wallet (its line was never
// recorded), and a config put since changes nothing of that: a refund or
// chargeback of it leaves the invoice's wallet and no settlement nets it.
func (s *Service) settledFrom(ctx context.Context, inv sg.Invoice, c sg.Chain) (sg.SettlementConfig, bool, error) {
	cfg, err := s.Config(ctx, inv.TenantID, c)
	if errors.Is(err, sg.ErrSettlementNotConfigured) || (err == nil && cfg.WalletID == "") {
		return cfg, false, nil
	}
	if err != nil {
		return sg.SettlementConfig{}, false, err
	}
	if s.Ledger == nil {
		return cfg, true, nil
	}
	_, err = s.Ledger.Transfer(ctx, inv.TenantID, collectID(inv, c))
	switch {
	case errors.Is(err, sg.ErrNotFound):
		return cfg, false, nil
	case err != nil:
		return sg.SettlementConfig{}, false, err
	}
	return cfg, true, nil
}

// leftToCollect trims the lines of an invoice none of whose money was
// collected yet to what is left of it: refunds and chargebacks made
// before (the invoice paid before its chain had a config, then a later
// payment or a redelivery brings it to be settled) were paid from the
// invoice's wallet, with the refunds' network fees, and no settlement
// nets them. So the lines' gross together is at most what was kept less
// what was refunded and charged back, and each line's gross at most what
// the invoice's wallet holds on its chain; the fee is the schedule's on
// what is collected (never more than it was on the whole), and a line
// with nothing left is dropped. Its collect entry and line are still
// written once per invoice and chain; an invoice with any money collected
// already is left as it is (a redelivery).
func (s *Service) leftToCollect(ctx context.Context, inv sg.Invoice, lines []sg.SettlementLine) ([]sg.SettlementLine, error) {
	if s.Ledger == nil || s.Refunds == nil {
		return lines, nil
	}
	refunded, err := s.Refunds.Refunded(ctx, inv.TenantID, inv.ID)
	if err != nil || refunded <= 0 {
		return lines, err
	}
	var kept sg.Amount
	for _, l := range lines {
		_, err := s.Ledger.Transfer(ctx, inv.TenantID, collectID(inv, l.Chain))
		switch {
		case err == nil:
			return lines, nil // collected before: the lines stand as they were
		case !errors.Is(err, sg.ErrNotFound):
			return nil, err
		}
		kept += l.Gross
	}
	ws, _, err := s.Ledger.WalletsUnderFreeze(ctx, inv.TenantID, inv.WalletID)
	if err != nil {
		return nil, err
	}
	w, ok := ws[inv.WalletID]
	if !ok {
		return nil, sg.Internal("settlement.leftToCollect", errors.New("the invoice's wallet is missing"))
	}
	budget := max(kept-refunded, 0)
	out := make([]sg.SettlementLine, 0, len(lines))
	for _, l := range lines {
		b, err := s.Ledger.AccountBalance(ctx, sg.WalletAccount(inv.TenantID, w.ID, l.Chain, sg.USDT), w.Shards())
		if err != nil {
			return nil, err
		}
		g := min(l.Gross, budget, max(b.Available, 0))
		budget -= g
		if g <= 0 {
			s.log().InfoContext(ctx, "settlement.nothing_left", "tenant", inv.TenantID, "invoice", inv.ID, "chain", l.Chain)
			continue
		}
		if g < l.Gross {
			fee, err := s.Fees.Charge(ctx, inv.TenantID, l.Chain, g, l.Fee)
			if err != nil {
				return nil, err
			}
			l.Gross, l.Fee, l.Net, l.ScheduleVersion = g, fee.Amount, g-fee.Amount, fee.ScheduleVersion
		}
		out = append(out, l)
	}
	return out, nil
}

// apply writes t once: a transfer already written (a redelivery) is done.
func (s *Service) apply(ctx context.Context, t sg.Transfer) error {
	err := s.Ledger.ApplyTransfer(ctx, t)
	if errors.Is(err, sg.ErrTransferExists) {
		return nil
	}
	return err
}

// collectInvoice moves each line's money for the chains the tenant
// settles (a chain with no config keeps its money in the invoice's wallet).
func (s *Service) collectInvoice(ctx context.Context, inv sg.Invoice, lines []sg.SettlementLine) error {
	for _, l := range lines {
		cfg, err := s.Config(ctx, inv.TenantID, l.Chain)
		if errors.Is(err, sg.ErrSettlementNotConfigured) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.collect(ctx, inv, l, cfg); err != nil {
			return err
		}
	}
	return nil
}

// PayoutWallet readies a closed settlement's payout: it is the settlement
// wallet the payout is a withdrawal from. When the tenant's schedule on
// the payout chain absorbs network fees, the platform's fees account first
// pays the payout's network fee (fee, as the pipeline holds it) into the
// wallet, once per settlement; when it passes them through, the
// settlement's network_fee line has already kept it from the net.
func (s *Service) PayoutWallet(ctx context.Context, stl sg.Settlement, fee sg.Amount) (string, error) {
	cfg, err := s.governing(ctx, stl)
	if err != nil {
		return "", err
	}
	if cfg.WalletID == "" {
		return "", sg.ErrSettlementNotConfigured
	}
	if s.Ledger == nil || fee <= 0 {
		return cfg.WalletID, nil
	}
	sch, err := s.Fees.Schedule(ctx, stl.TenantID, stl.Chain)
	if err != nil {
		return "", err
	}
	if sch.NetworkFee != sg.NetworkAbsorb {
		return cfg.WalletID, nil
	}
	ws, _, err := s.Ledger.WalletsUnderFreeze(ctx, stl.TenantID, cfg.WalletID)
	if err != nil {
		return "", err
	}
	w, ok := ws[cfg.WalletID]
	if !ok {
		return "", sg.Internal("settlement.PayoutWallet", errors.New("the settlement wallet is missing"))
	}
	at := stl.CreatedAt.UTC().Truncate(time.Microsecond)
	now := s.now().Truncate(time.Microsecond)
	t := sg.Transfer{ID: sg.NewKeyedID("txn", at, stl.TenantID, OpAbsorb, stl.ID), TenantID: stl.TenantID, Type: sg.TransferInternal,
		State: sg.StatePosted, ToWallet: w.ID, Chain: stl.Chain, Asset: sg.USDT, Amount: fee,
		Memo: "network fee of settlement " + stl.ID + " absorbed by the platform", Metadata: map[string]string{"settlement_id": stl.ID},
		CreatedAt: now, UpdatedAt: now, Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysFees, stl.Chain, sg.USDT), Bucket: sg.Available, Delta: -fee},
			{Account: sg.WalletAccount(stl.TenantID, w.ID, stl.Chain, sg.USDT), Bucket: sg.Available, Delta: fee, Shards: w.Shards()},
		}}}
	return cfg.WalletID, s.apply(ctx, t)
}

// PayoutSettler tells settlements of their payouts' ends: the withdrawal
// pipeline's Settler (after Next, the tier limits) hears of every payout
// that moved its money or ended without; a settlement's payout (metadata
// settlement_id) posted marks it paid, one rejected, cancelled, failed or
// expired marks it failed (Retry pays it again). A refund's payout
// (metadata refund) that ended without paying is handed to Refunds, which
// gives back its reservation and its settlement line. Idempotent.
type PayoutSettler struct {
	Next sg.PayoutSettler
	Svc  *Service
	// Refunds hears of refund payouts that ended unpaid (nil: nothing is
	// given back, and the invoice's cap and settlement keep the refund).
	Refunds RefundEnds
}

var _ sg.PayoutSettler = PayoutSettler{}

// Settle implements sg.PayoutSettler.
func (p PayoutSettler) Settle(ctx context.Context, t sg.Transfer) error {
	if p.Next != nil {
		if err := p.Next.Settle(ctx, t); err != nil {
			return err
		}
	}
	if t.Type != sg.TransferWithdrawal {
		return nil
	}
	if t.Metadata[MetaRefund] == "true" && EndedUnpaid(t.State) && p.Refunds != nil {
		return p.Refunds.RefundEnded(ctx, t)
	}
	id := t.Metadata["settlement_id"]
	if id == "" || p.Svc == nil {
		return nil
	}
	// finish may take on a payout of the settlement's attempt that the job
	// requested but did not record (it stopped in between, and the payout
	// ended before the next run).
	var err error
	switch t.State {
	case sg.StatePosted:
		_, err = p.Svc.finish(ctx, t.TenantID, id, t.ID, sg.SettlementPaid, "", &t)
	case sg.StateRejected, sg.StateCancelled, sg.StateFailed, sg.StateExpired:
		_, err = p.Svc.finish(ctx, t.TenantID, id, t.ID, sg.SettlementFailed, failReason(t), &t)
	default:
		return nil
	}
	if errors.Is(err, sg.ErrSettlementChanged) || errors.Is(err, sg.ErrNotFound) {
		return nil // not (or no longer) this settlement's payout
	}
	return err
}

// failReason is why a settlement's payout ended without paying: the
// token's refusal of the recipient in a batch (its amount went back to the
// settlement wallet) by its code, else the transfer's final state.
func failReason(t sg.Transfer) string {
	if n := len(t.Events); n > 0 && strings.HasPrefix(t.Events[n-1].Note, sg.ErrRecipientRefused.Code) {
		return sg.ErrRecipientRefused.Code
	}
	return string(t.State)
}

// OpRefundClear names the conversion entries that bring a refund's value
// back to the chain it is paid on (and, if the payout is refused, forward
// again).
const OpRefundClear = "settlement.refund_clear"

// RefundFrom is where a refund is paid from: the wallet its withdrawal
// leaves and whether the merchant's settlement nets it (Settled: the
// invoice's money on the chain was collected into the settlement wallet).
type RefundFrom struct {
	Wallet  string
	Settled bool
}

// RefundSource readies a refund of amount (plus the payout's network fee,
// which the merchant bears) of inv, paid back on c: it reserves the amount
// against what was paid (Refunds: never more than paid less refunded and
// charged back, ErrRefundExceedsPaid) and answers the wallet the refund is
// a withdrawal from. The books decide (settledFrom): money the tenant's
// settlement never collected (the chain not settled, or settled only since
// the invoice was paid) is still in the invoice's wallet: that one, and no
// settlement nets the refund. Collected money paid out on c is in the
// settlement wallet. Collected money settled on another chain had its
// value cleared to the payout chain: a conversion entry brings amount +
// fee back from the settlement wallet there to the settlement wallet on c
// (the reverse of the clearing). Every step is keyed, so a retried
// request repeats nothing. A fresh refund (no payout requested under key
// yet) taken from the settlement wallet must leave it holding what closed
// settlements not yet paid are owed (ErrSettlementFundsCommitted, any
// reservation of key given back); a retry of one requested is not asked
// again, so it is answered as it was. An admitted refund holds a
// reservation on the committed counter until its line is recorded
// (AddRefund with its Key) or it is refused (RefundRefused).
func (s *Service) RefundSource(ctx context.Context, inv sg.Invoice, c sg.Chain, key string, amount, fee sg.Amount, fresh bool) (RefundFrom, error) {
	if s.Refunds == nil {
		return RefundFrom{}, sg.Internal("settlement.RefundSource", errors.New("no refund counters wired"))
	}
	cfg, settled, err := s.settledFrom(ctx, inv, c)
	if err != nil {
		return RefundFrom{}, err
	}
	if !settled {
		if err := s.Refunds.ReserveRefund(ctx, inv.TenantID, inv.ID, key, amount, inv.Paid); err != nil {
			return RefundFrom{}, err
		}
		return RefundFrom{Wallet: inv.WalletID}, nil
	}
	hold := refundHold(inv.ID, key)
	if fresh {
		if err := s.admit(ctx, inv.TenantID, cfg, hold, amount+fee); err != nil {
			return RefundFrom{}, releaseWith(ctx, s.Refunds, inv.TenantID, inv.ID, key, err)
		}
	}
	if err := s.Refunds.ReserveRefund(ctx, inv.TenantID, inv.ID, key, amount, inv.Paid); err != nil {
		return RefundFrom{}, s.releaseCommitted(ctx, inv.TenantID, c, hold, err)
	}
	if cfg.Destination.Chain != c {
		if err := s.clearBack(ctx, inv, cfg, c, key, amount+fee, false); err != nil {
			return RefundFrom{}, err
		}
	}
	return RefundFrom{Wallet: cfg.WalletID, Settled: true}, nil
}

// RefundRefused undoes RefundSource for a refund whose payout was refused
// at once (funds, a freeze, a bad address): the reservation is released
// and a value cleared back goes forward again.
func (s *Service) RefundRefused(ctx context.Context, inv sg.Invoice, c sg.Chain, key string, amount, fee sg.Amount) error {
	if err := s.Refunds.ReleaseRefund(ctx, inv.TenantID, inv.ID, key); err != nil {
		return err
	}
	cfg, settled, err := s.settledFrom(ctx, inv, c)
	if err != nil {
		return err
	}
	if !settled {
		return nil
	}
	if cfg.Destination.Chain != c {
		if err := s.clearBack(ctx, inv, cfg, c, key, amount+fee, true); err != nil {
			return err
		}
	}
	return s.release(ctx, inv.TenantID, c, refundHold(inv.ID, key))
}

// clearBack moves value between the settlement wallet on the payout chain
// and the one on c through the settlement_clearing accounts: two entries,
// one per chain, with ids fixed by the invoice and key (undo: the other way).
func (s *Service) clearBack(ctx context.Context, inv sg.Invoice, cfg sg.SettlementConfig, c sg.Chain, key string, v sg.Amount, undo bool) error {
	ws, _, err := s.Ledger.WalletsUnderFreeze(ctx, inv.TenantID, cfg.WalletID)
	if err != nil {
		return err
	}
	w, ok := ws[cfg.WalletID]
	if !ok {
		return sg.Internal("settlement.clearBack", errors.New("the settlement wallet is missing"))
	}
	from, to := cfg.Destination.Chain, c
	tag := "back"
	if undo {
		from, to, tag = c, cfg.Destination.Chain, "undo"
	}
	at := inv.CreatedAt.UTC().Truncate(time.Microsecond)
	now := s.now().Truncate(time.Microsecond)
	conv := string(from) + "->" + string(to)
	memo := "refund clearing " + string(from) + " -> " + string(to) + " of invoice " + inv.ID
	out := sg.Transfer{ID: sg.NewKeyedID("txn", at, inv.TenantID, OpRefundClear, inv.ID+"/"+key+"/"+tag+"/out"), TenantID: inv.TenantID,
		Type: sg.TransferInternal, State: sg.StatePosted, FromWallet: w.ID, Chain: from, Asset: sg.USDT, Amount: v, Memo: memo,
		Metadata: map[string]string{"invoice_id": inv.ID, "conversion": conv}, CreatedAt: now, UpdatedAt: now,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.WalletAccount(inv.TenantID, w.ID, from, sg.USDT), Bucket: sg.Available, Delta: -v, Shards: w.Shards()},
			{Account: sg.SystemAccount(sg.SysSettlement, from, sg.USDT), Bucket: sg.Available, Delta: v},
		}}}
	if err := s.apply(ctx, out); err != nil {
		return err
	}
	in := sg.Transfer{ID: sg.NewKeyedID("txn", at, inv.TenantID, OpRefundClear, inv.ID+"/"+key+"/"+tag+"/in"), TenantID: inv.TenantID,
		Type: sg.TransferInternal, State: sg.StatePosted, ToWallet: w.ID, Chain: to, Asset: sg.USDT, Amount: v, Memo: memo,
		Metadata: map[string]string{"invoice_id": inv.ID, "conversion": conv}, CreatedAt: now, UpdatedAt: now,
		Entry: sg.Entry{Postings: []sg.Posting{
			{Account: sg.SystemAccount(sg.SysSettlement, to, sg.USDT), Bucket: sg.Available, Delta: -v},
			{Account: sg.WalletAccount(inv.TenantID, w.ID, to, sg.USDT), Bucket: sg.Available, Delta: v, Shards: w.Shards()},
		}}}
	return s.apply(ctx, in)
}
