package stablegate

import "context"

// The merchant as a customer (issue 15 on settlements): a tenant's
// settlement config names the customer that is the merchant itself, and
// the tenant's settlement wallet belongs to that customer, so every payout
// out of it (a settlement's, or one the merchant makes by hand) is held to
// that customer's tier by the one payout policy, as any customer's wallet
// is. A settlement the tier does not allow yet is held (Settlement.Held),
// never lost, and paid once the tier allows it.

// WalletOwners move a wallet to another customer: only the settlement
// wallet does (its owner is the customer the settlement config names).
type WalletOwners interface {
	// SetWalletCustomer makes customerID (a cus_ id of the tenant) the
	// wallet's customer and returns the wallet. ErrNotFound if the tenant
	// has no such wallet.
	SetWalletCustomer(ctx context.Context, tenant, walletID, customerID string) (Wallet, error)
}

// Settlement refusals of the merchant's customer.
var (
	// ErrSettlementCustomerNotFound: the config names a customer that is
	// not one of the tenant's (another tenant's is not found too).
	ErrSettlementCustomerNotFound = &Error{Kind: KindNotFound, Code: "settlement_customer_not_found",
		Message: "customer_id names no customer of yours", Param: "customer_id"}
)

// HeldSettlementEvent is the webhook event of a settlement whose payout
// waits for what the merchant's tier allows.
const HeldSettlementEvent = "settlement.held"
