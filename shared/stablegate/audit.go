package stablegate

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// The audit chain: every state change and every admin, officer and
// platform action is appended to a hash-chained log, one chain per scope (a
// tenant, or the platform). Each record commits to the hash of the record
// before it and to its own content, so an edit, deletion, insertion or
// reordering breaks the chain where it happened; the head is anchored
// outside the table on a schedule (AuditAnchor) so that truncation is found
// too. The service that appends, verifies and proves is shared/audit.
//
// A record never holds PII or secrets: Actor is a subject id, Subject a
// resource id, Detail a small JSON object of ids, amounts and states. The
// chain must stay verifiable after a customer's data key is destroyed, so
// nothing in it may depend on that key.

// AuditPlatformScope is the scope of actions that belong to no tenant
// (deployments, key rotations, list refreshes). Tenant ids never start
// with an underscore.
const AuditPlatformScope = "_platform"

// AuditActionAnchored is the action of the record AnchorNow appends after
// publishing an anchor: Detail holds {"seq","hash","where"} of the anchor.
const AuditActionAnchored = "audit.anchored"

// AuditGenesis is the PrevHash of a scope's first record (seq 1).
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditTimeLayout is how At enters the hash and every export: UTC with
// exactly six fractional digits (microseconds, the store's precision).
const AuditTimeLayout = "2006-01-02T15:04:05.000000Z"

// AuditRecord is one entry of a scope's chain.
//
// Seq runs 1, 2, 3... without gaps within a scope. PrevHash is the Hash of
// the record at Seq-1 (AuditGenesis for Seq 1). Hash is AuditHash(r): see
// there for the exact bytes, so that anyone can recompute it.
type AuditRecord struct {
	Scope   string
	Seq     int64
	At      time.Time
	Actor   string // who: "user:<sub>", "key:<id>", "system:<job>"; never a name or e-mail
	Action  string // what: "withdrawal.approved", "customer.erased"...
	Subject string // which resource: its id ("" when none)
	// Detail is a compact JSON object (or empty). Its bytes enter the hash
	// exactly as stored; exports carry it as a JSON string.
	Detail   json.RawMessage
	PrevHash string // lowercase hex of 32 bytes
	Hash     string // lowercase hex of 32 bytes
}

// AuditHead is the last record of a scope: its Seq and Hash (0 and
// AuditGenesis for a scope with no record).
type AuditHead struct {
	Seq  int64
	Hash string
}

// AuditAnchor records that the head (Seq, Hash) of Scope was published
// somewhere outside the table at At: Where is "log" (in the log itself
// only) or "chain:ethereum:<tx hash>" (a transaction's calldata).
type AuditAnchor struct {
	Scope string
	Seq   int64
	Hash  string
	At    time.Time
	Where string
}

// AuditBody is the first hash of the record's content, without its place
// in the chain:
//
//	body = SHA-256( lp("stablegate.audit.v1.body") || lp(scope) || lp(seq) ||
//	                lp(at) || lp(actor) || lp(action) || lp(subject) || lp(detail) )
//
// where lp(x) is the 4-byte big-endian length of x followed by x's bytes;
// seq is written in decimal without leading zeros, at in AuditTimeLayout,
// detail as its exact (compact) JSON bytes; the strings are UTF-8. Scope and
// seq are in it so a record cannot be moved to another scope or position.
func AuditBody(r AuditRecord) [32]byte {
	h := sha256.New()
	for _, f := range [][]byte{[]byte("stablegate.audit.v1.body"), []byte(r.Scope), []byte(strconv.FormatInt(r.Seq, 10)),
		[]byte(r.At.UTC().Format(AuditTimeLayout)), []byte(r.Actor), []byte(r.Action), []byte(r.Subject), r.Detail} {
		writeLP(h, f)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// AuditLink chains a body to the hash before it:
//
//	hash = SHA-256( lp("stablegate.audit.v1.link") || lp(prev) || lp(body) )
//
// with prev and body as 32 raw bytes (prev decoded from hex; a PrevHash
// that is not 64 hex digits is taken as its UTF-8 bytes, and never matches
// an honest chain). Walking a chain from a record to an anchor needs only
// each later record's body, not its content (see audit.Proof).
func AuditLink(prev string, body [32]byte) string {
	p, err := hex.DecodeString(prev)
	if err != nil || len(p) != 32 {
		p = []byte(prev)
	}
	h := sha256.New()
	writeLP(h, []byte("stablegate.audit.v1.link"))
	writeLP(h, p)
	writeLP(h, body[:])
	return hex.EncodeToString(h.Sum(nil))
}

// AuditHash is the hash a record must carry: AuditLink(r.PrevHash, AuditBody(r)).
func AuditHash(r AuditRecord) string { return AuditLink(r.PrevHash, AuditBody(r)) }

func writeLP(h interface{ Write([]byte) (int, error) }, b []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	_, _ = h.Write(n[:])
	_, _ = h.Write(b)
}

// AuditEntry is what a state change asks to append. Key, if set, is the
// event's natural id (a transfer id and its new state, a message id): a
// second Record with the same Scope and Key appends nothing and returns the
// record the first one appended, so a retried Lambda does not log twice.
type AuditEntry struct {
	Scope   string
	Actor   string
	Action  string
	Subject string
	Detail  json.RawMessage
	Key     string
}

// AuditLog is the port the services append through (audit.Service
// implements it). Record returns the record appended (or, for a Key seen
// before, the one appended then).
type AuditLog interface {
	Record(ctx context.Context, e AuditEntry) (AuditRecord, error)
}

// AuditStore keeps the chains. Implementations: dynamo.Audit, memstore.Audit.
type AuditStore interface {
	// AppendAudit writes r as its scope's next record, in one conditional
	// write with the head's move: only if the head is (r.Seq-1, r.PrevHash),
	// else ErrAuditHeadMoved and nothing is written (the caller reads the
	// head again and retries). With key != "", the key is claimed in the
	// same write, mapped to r.Seq: if the scope has it already,
	// ErrAuditKeyUsed and nothing is written.
	AppendAudit(ctx context.Context, r AuditRecord, key string) error
	// AuditHead is the scope's head (zero Seq and AuditGenesis if empty).
	AuditHead(ctx context.Context, scope string) (AuditHead, error)
	// AuditRange returns up to limit records of scope with Seq >= from, in
	// Seq order; fewer than limit means the end was reached.
	AuditRange(ctx context.Context, scope string, from int64, limit int) ([]AuditRecord, error)
	// AuditRecordAt is the record at seq, or ErrNotFound.
	AuditRecordAt(ctx context.Context, scope string, seq int64) (AuditRecord, error)
	// AuditKeySeq is the seq a key was claimed for, or ErrNotFound.
	AuditKeySeq(ctx context.Context, scope, key string) (int64, error)
	// PutAuditAnchor keeps a once per (Scope, Seq): a second put for the
	// same seq keeps the first and returns nil.
	PutAuditAnchor(ctx context.Context, a AuditAnchor) error
	// AuditAnchors are the scope's anchors in Seq order.
	AuditAnchors(ctx context.Context, scope string) ([]AuditAnchor, error)
}

// Anchorer publishes a scope's head somewhere outside the table and says
// where ("chain:ethereum:<tx hash>", "log"). It never sees a record's
// content, only the head's seq and hash.
type Anchorer interface {
	Anchor(ctx context.Context, scope string, seq int64, hash string) (where string, err error)
}

// Audit errors.
var (
	// ErrAuditHeadMoved: another append moved the scope's head first; read it again and retry.
	ErrAuditHeadMoved = &Error{Kind: KindConflict, Code: "audit_head_moved", Message: "the audit log moved on; retry"}
	// ErrAuditKeyUsed: a record with this key was appended already.
	ErrAuditKeyUsed = &Error{Kind: KindConflict, Code: "audit_key_used", Message: "an audit record with this key exists"}
)
