// Package settlepay pays closed settlements through the withdrawal
// pipeline: one payout each (Payer) or the rows of a payout batch
// (BatchPayer). It serves no route, so the settlements-close job links no
// request handling; package settlementapi keeps aliases for the routes.
package settlepay

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Payer pays a closed settlement as ONE payout through the withdrawal
// pipeline (sg.SettlementPayer): a withdrawal of the settlement's net from
// the tenant's settlement wallet to its destination, so it meets the same
// freezes, policy chain (custody rules, screening, travel rule, limits),
// approvals and liquidity waits as any withdrawal, and never a side door.
// The port is one method: a batch payer (one multisend transaction for
// many settlements) can take its place without the settlement service
// changing.
type Payer struct {
	W   *ledger.Withdrawals
	Svc *settlement.Service
	// ---- cust: the merchant's tier (issue 15) ----
	// Tier asks the pipeline's tier step (compliance.LimitPolicy.Check)
	// before the payout is requested: a payout the settlement wallet's
	// customer may not make yet holds the settlement (settlement.Hold)
	// instead of failing it. Nil: not asked (the pipeline still decides).
	Tier TierCheck
	// Own records the travel-rule data of the payout, the merchant to its
	// own address, from the customer's sealed PII (compliance.OwnPayouts).
	// Nil: none is recorded (over the threshold the pipeline refuses it).
	Own OwnTravel
}

// TierCheck is the payout policy's tier step asked without a claim.
type TierCheck interface {
	Check(ctx context.Context, t sg.Transfer) error
}

// OwnTravel checks and records travel-rule data of a customer's payout to
// its own address.
type OwnTravel interface {
	CheckOwn(ctx context.Context, tenant, customerID string, c sg.Chain, to string, amount sg.Amount) error
	RecordOwn(ctx context.Context, t sg.Transfer, customerID string) (sg.TravelRecord, error)
}

// clearedFrom names the chains other than the payout's (the settlement's
// clearing lines brought value from them).
func clearedFrom(stl sg.Settlement) string {
	var out []string
	for _, c := range sg.Chains {
		if c != stl.Chain {
			out = append(out, string(c))
		}
	}
	return strings.Join(out, ",")
}

var _ sg.SettlementPayer = Payer{}

// OpPay names the payout's idempotency key: one per settlement attempt.
const OpPay = "settlement.pay"

// Pay implements sg.SettlementPayer: idempotent by (settlement, attempt),
// so a retried call returns the payout the first made.
func (p Payer) Pay(ctx context.Context, stl sg.Settlement) (string, error) {
	pr, err := p.prepare(ctx, stl)
	if err != nil {
		return "", err
	}
	if pr.prior != nil {
		return pr.prior.ID, p.recordOwn(ctx, *pr.prior, pr.customer)
	}
	r, err := p.W.Create(ctx, stl.TenantID, pr.key, pr.hash, pr.withdraw())
	if err != nil {
		return "", err
	}
	return r.Transfer.ID, p.recordOwn(ctx, r.Transfer, pr.customer)
}

// prepared is a settlement attempt's payout, asked of the merchant's tier
// and ready to request (alone, or as a row of a batch).
type prepared struct {
	stl               sg.Settlement
	wallet, key, hash string
	customer          string
	meta              map[string]string
	prior             *sg.Transfer // the payout this attempt already made
}

func (pr prepared) withdraw() ledger.Withdraw {
	return ledger.Withdraw{Wallet: pr.wallet, Chain: pr.stl.Chain, Asset: sg.USDT, ToAddress: pr.stl.Destination.Address,
		Amount: pr.stl.Totals.Net, Memo: "settlement " + pr.stl.ID, Metadata: pr.meta, RequestedBy: "settlement"}
}

// prepare readies a settlement attempt's payout: its wallet (value cleared
// back where needed), its key, and the merchant's tier asked first (a
// payout the tier does not allow yet is a settlement.HeldError), and its
// own-address travel data checked. A payout this attempt already made is
// answered as prior and asked nothing again: its tier step has run.
func (p Payer) prepare(ctx context.Context, stl sg.Settlement) (prepared, error) {
	if stl.Totals.Net <= 0 {
		return prepared{}, sg.ErrAmountNotPositive
	}
	fee := sg.Amount(0)
	if p.W.Fee != nil {
		fee = p.W.Fee(stl.Chain)
	}
	walletID, err := p.Svc.PayoutWallet(ctx, stl, fee)
	if err != nil {
		return prepared{}, err
	}
	attempt := strconv.Itoa(stl.Attempt)
	key := payKey(stl) // holds a space: no API request can send it
	pr := prepared{stl: stl, wallet: walletID, key: key, hash: sg.KeyHash(stl.TenantID, OpPay, key),
		meta: map[string]string{"settlement_id": stl.ID, "attempt": attempt}}
	if stl.Totals.Cleared != 0 {
		pr.meta[compliance.MetaClearedFrom] = clearedFrom(stl) // the payout needs cross_chain
	}
	if pr.customer, err = p.customer(ctx, stl.TenantID, walletID); err != nil {
		return prepared{}, err
	}
	// The payout is recorded under its idempotency key's hash (as every
	// withdrawal is); the request hash is what tells it is this attempt's.
	prior, err := p.W.Store.TransferByKey(ctx, stl.TenantID, sg.KeyHash(stl.TenantID, ledger.OpWithdraw, key))
	switch {
	case err == nil && prior.RequestHash == pr.hash:
		pr.prior = &prior
		return pr, nil
	case err == nil:
		return prepared{}, sg.Internal("settlepay.prepare", errors.New("a settlement's payout key names another request"))
	case !errors.Is(err, sg.ErrNotFound):
		return prepared{}, err
	}
	if p.Tier != nil {
		t := sg.Transfer{TenantID: stl.TenantID, Type: sg.TransferWithdrawal, FromWallet: walletID, Chain: stl.Chain, Asset: sg.USDT,
			Amount: stl.Totals.Net, ToAddress: stl.Destination.Address, Metadata: pr.meta, CreatedAt: p.W.Now().UTC()}
		if err := p.Tier.Check(ctx, t); err != nil {
			return prepared{}, settlement.Hold(err)
		}
	}
	if p.Own != nil && pr.customer != "" {
		if err := p.Own.CheckOwn(ctx, stl.TenantID, pr.customer, stl.Chain, stl.Destination.Address, stl.Totals.Net); err != nil {
			return prepared{}, err
		}
	}
	return pr, nil
}

// customer is the settlement wallet's customer ("" for none).
func (p Payer) customer(ctx context.Context, tenant, walletID string) (string, error) {
	ws, err := p.W.Wallets.WalletsByID(ctx, tenant, walletID)
	if err != nil {
		return "", err
	}
	return sg.WalletCustomerID(ws[walletID]), nil
}

// recordOwn records the payout's travel-rule data, the merchant to its own
// address (once per transfer; an error leaves the settlement due, and the
// next run records it, before the policy's grace runs out).
func (p Payer) recordOwn(ctx context.Context, t sg.Transfer, customer string) error {
	if p.Own == nil || customer == "" {
		return nil
	}
	_, err := p.Own.RecordOwn(ctx, t, customer)
	return err
}
