package stablegate

import (
	"context"
	"time"
)

// Wallet belongs to one tenant (a merchant or platform) and stands for one of
// that tenant's customers. It has a deposit address on each supported chain,
// derived at its own BIP-44 index from the platform's per-chain account xpub.
type Wallet struct {
	ID          string
	TenantID    string
	CustomerRef string
	Label       string
	Metadata    map[string]string
	Index       uint32
	Addresses   []DepositAddress
	// HighVolume wallets spread their balance over HighVolumeShards items
	// so they can take more credits a second than one item allows.
	HighVolume bool
	Frozen     bool
	CreatedAt  time.Time
	// CreatedBy is the subject of the token that created the wallet (the
	// audit chain's actor of its creation).
	CreatedBy string
}

// HighVolumeShards is how many balance items a high-volume wallet's
// account is spread over.
const HighVolumeShards = 16

// Shards is the number of balance items of the wallet's accounts.
func (w Wallet) Shards() int {
	if w.HighVolume {
		return HighVolumeShards
	}
	return 1
}

// DepositAddress is where a wallet receives an asset on a chain.
type DepositAddress struct {
	Chain   Chain
	Asset   Asset
	Address string
	// Scheme says what stands behind the address: a BIP-32 key (SchemeBIP32)
	// or a CREATE2 forwarder contract with no key at all (SchemeForwarder).
	Scheme string
	// Path is how the address is made: the BIP-32 derivation path
	// (m/44'/60'/0'/0/7), or the forwarder's factory and salt
	// (create2(0xFactory…,7)).
	Path string
}

// Deposit address schemes.
const (
	SchemeBIP32     = "bip32"
	SchemeForwarder = "create2_forwarder"
)

// Balance of one wallet in one asset on one chain, in base units.
// Available can be spent; Pending awaits confirmations; Held is reserved by
// payouts in flight.
type Balance struct {
	Chain     Chain
	Asset     Asset
	Available Amount
	Pending   Amount
	Held      Amount
}

// Idempotency records the first answer given to a request carrying an
// Idempotency-Key, so a replay gets the same answer and a reuse of the key
// with another request is refused.
type Idempotency struct {
	TenantID    string
	Operation   string
	Key         string
	RequestHash string
	Status      int
	Response    []byte
	CreatedAt   time.Time
}

// Page asks for one page of a list.
type Page struct {
	Limit  int
	Cursor string
}

// WalletStore keeps wallets. Implementations must make CreateWallet atomic:
// the wallet, the claim on each of its addresses and the idempotency record
// are written together or not at all.
type WalletStore interface {
	// NextIndex allocates a derivation index never handed out before.
	NextIndex(ctx context.Context) (uint32, error)
	// CreateWallet writes w with its idempotency record. If the key is already
	// taken it returns ErrIdempotencyInProgress (the caller re-reads the record).
	CreateWallet(ctx context.Context, w Wallet, idem Idempotency) error
	// Wallet returns the tenant's wallet or ErrNotFound.
	Wallet(ctx context.Context, tenantID, walletID string) (Wallet, error)
	// Wallets lists the tenant's wallets, newest first, and the cursor of the next page ("" at the end).
	Wallets(ctx context.Context, tenantID string, page Page) ([]Wallet, string, error)
}

// IdempotencyStore reads idempotency records.
type IdempotencyStore interface {
	// Idempotency returns the record or ErrNotFound.
	Idempotency(ctx context.Context, tenantID, operation, key string) (Idempotency, error)
}

// BalanceReader reads a wallet's balances, one per chain it has an address
// on. Accounts never written read as zero.
type BalanceReader interface {
	Balances(ctx context.Context, w Wallet) ([]Balance, error)
}

// AddressDeriver derives a wallet's deposit address on a chain from public
// keys only; it never needs a private key.
type AddressDeriver interface {
	DepositAddress(chain Chain, index uint32) (DepositAddress, error)
}
