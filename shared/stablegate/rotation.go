package stablegate

import "time"

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
