package stablegate

import (
	"math/big"
	"time"
)

// The records a chain adapter keeps of the transactions it signs: the
// nonce a payout holds on a hot address, the signed bytes, and the deposit
// addresses waiting to be swept. Chain adapters declare the stores they
// need over these; the dynamo adapter keeps them.

// NonceClaim is a job's nonce on a hot address and the terms its
// transaction was first built with (gas limit, tip, fee cap). A signer that
// stops after taking the nonce signs the same transaction again from these
// terms, without asking the node (whose estimate may fail by then), so a
// nonce once taken is always used. Gas 0: terms not recorded (an older
// allocation); the signer estimates again.
type NonceClaim struct {
	Nonce       uint64
	Gas         uint64
	Tip, FeeCap *big.Int
}

// NonceGuard ties a nonce to a withdrawal: the nonce is taken only while
// the withdrawal is in one of States, and the withdrawal is marked as
// holding it (Transfer.NonceHeld) in the same write. A withdrawal holding a
// nonce can no longer be cancelled or expire unsigned (the Mover refuses),
// so no nonce is ever left without a transaction.
type NonceGuard struct {
	Tenant, TransferID string
	States             []TransferState
}

// SignedTx is the transaction kept for a payout or a sweep: the current
// bytes and hash, the hashes it replaced (same nonce, lower fees; any of them
// may be the one mined) and when the current one was signed.
type SignedTx struct {
	Raw  []byte
	Hash string
	Prev []string
	At   time.Time
}

// SweepMark is a deposit address waiting to be swept.
type SweepMark struct {
	Address string
	Index   uint32
	Version string
}

// AsideMark is a mark the token refused to move (a blacklisted forwarder,
// say), kept out of the sweeps' batches until RetryAt; Tries counts the
// refusals, each doubling the wait.
type AsideMark struct {
	SweepMark
	RetryAt time.Time
	Tries   int
}

// Sweep is a batch of marks swept by one transaction.
type Sweep struct {
	ID    string
	Marks []SweepMark
}

// AddressOwner is the wallet a deposit address belongs to.
type AddressOwner struct {
	Tenant, Wallet string
	// Index is the wallet's index: the salt of a forwarder address.
	Index uint32
	// Address is the address as issued (the keys of the map are lower-case).
	Address string
}
