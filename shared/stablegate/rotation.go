package stablegate

import (
	"context"
	"time"
)

// The hot key and its rotations: the custody service asks for a rotation,
// the rotation job carries it out, the dynamo adapter keeps both records.

// HotKey is the hot key in use. Generation 0 is the template's key, named
// by its alias; each rotation adds one.
type HotKey struct {
	Generation int
	KeyID      string
	Retired    []string
}

// Rotation states.
const (
	RotationRequested = "requested" // waiting for payouts in flight to end
	RotationDraining  = "draining"  // new key made; moving funds and the factory
	RotationDone      = "done"      // the new key is in use; the old one retired
)

// Rotation is one rotation of the hot key.
type Rotation struct {
	ID, State        string
	RequestedBy      string
	RequestedAt      time.Time
	OldKey, NewKey   string
	OldAddr, NewAddr string
	// Steps done, by name (each a transaction sent and confirmed).
	Steps    map[string]string
	Note     string
	EndedAt  time.Time
	Previous int // the generation rotated from
}

// ErrRotationUnderway: a rotation has been requested and not finished.
var ErrRotationUnderway = &Error{Kind: KindConflict, Code: "rotation_underway", Message: "a hot key rotation is already under way"}

// RotationStore keeps the hot key and its rotations.
type RotationStore interface {
	HotKey(ctx context.Context) (HotKey, error)
	// Rotation reads the current (or last) rotation; ok is false if there
	// has been none.
	Rotation(ctx context.Context) (r Rotation, ok bool, err error)
	// StartRotation records a requested rotation unless one is under way
	// (ErrRotationUnderway).
	StartRotation(ctx context.Context, r Rotation, j JournalEntry) error
	// SaveRotation writes the rotation's progress if it is still in state
	// from (ErrStateChanged if not).
	SaveRotation(ctx context.Context, r Rotation, from string) error
	// FinishRotation puts the new key in use and ends the rotation, with
	// its journal entry, in one write.
	FinishRotation(ctx context.Context, r Rotation, j JournalEntry) error
}

// SignedTxReader reads a transaction as it was signed (ErrNotFound if it
// never was).
type SignedTxReader interface {
	SignedTx(ctx context.Context, id string) (SignedTx, error)
}

// RotationGate is one kind of chain work in flight a rotation waits out
// (a sweep, a token grant): Busy says what it waits for, "" for nothing.
type RotationGate interface {
	Busy(ctx context.Context) (string, error)
}

// RotationStep is one move from the old hot key to the new one: a single
// transaction signed by the old key. Steps are run in order, once each; a
// step's transaction is kept under id (SignedTxReader reads it), so a
// retry follows it instead of sending another.
type RotationStep interface {
	// Name names the step in Rotation.Steps ("eth-usdt").
	Name() string
	// Send signs and sends the step's transaction under id; an empty hash
	// and no error say there is nothing to move.
	Send(ctx context.Context, r Rotation, id string) (hash string, err error)
	// Confirmed follows the step's signed transaction (broadcasting it
	// again if need be) and says whether it has its confirmations. A
	// transaction that failed on chain is an error: a person looks.
	Confirmed(ctx context.Context, r Rotation, id string) (bool, error)
}

// HotKeyAdmin makes and retires hot keys. Keys never leave the key store:
// only their ids and addresses cross this port.
type HotKeyAdmin interface {
	// Address is the EIP-55 address of the key.
	Address(ctx context.Context, keyID string) (string, error)
	// NewKey makes a signing key for rotation id, which the functions may
	// sign with, and returns its id.
	NewKey(ctx context.Context, rotationID string) (string, error)
	// Promote points the hot key's name (an alias) at keyID.
	Promote(ctx context.Context, keyID string) error
	// Retire leaves keyID for verification only.
	Retire(ctx context.Context, keyID string) error
}
