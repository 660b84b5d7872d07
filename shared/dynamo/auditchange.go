package dynamo

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The audit chain records every change of the table's items as the stream
// reports it (the audit-projector function). AuditChange turns one stream
// record into the audit entry to append: this file is where the table's
// key layout meets the chain, so the projector itself knows no key.
//
// A change's record holds evidence by ids, never content:
//
//	scope    the tenant the item's keys name (TENANT#<t>), else the tenant
//	         its image names (an address claim, a tracked payout, a parked
//	         payout), else the platform (sg.AuditPlatformScope; the reserved
//	         tenant ~platform's items too)
//	actor    who the item says acted (journal entries' actor, a freeze's,
//	         an allowlist entry's or a rule set's by, a case decision's
//	         d_by, a KYC review's kyc_by, a payout's requester rb) as
//	         "user:<subject>"; the platform's own actors as "system:<name>";
//	         "system:platform" when the item names none (a deposit, a step
//	         of a payout)
//	action   <kind>.created | <kind>.updated | <kind>.removed, the kind read
//	         from the key ("transfer", "freeze", "journal_entry", "case"...)
//	subject  the item's id (its "id" attribute, else its sort key's tail)
//	detail   {"keys":{"PK":..,"SK":..},"change":..,"state":..,"image":..}:
//	         the keys, the change, a state field if the item has one
//	         (st, status, kyc_status), the journal's action for a journal
//	         entry, and image, the SHA-256 of the new image in a canonical
//	         form (AuditImageHash), so a copy of the item can be held to the
//	         chain without the chain holding the item
//
// No attribute value but those ids, states and actors is copied, so sealed
// PII (a customer's pii and dek), secrets and free text (memos, notes,
// reasons, URLs) never enter a record; the chain stays verifiable after a
// customer's data key is destroyed, since nothing in it depends on the key.
//
// Skipped (ok false), each for a reason:
//   - the audit log's own items (AUDIT#, AUDITSCOPES): a record of a record
//     would never end;
//   - copies and derived counters that change with an item already chained,
//     in the same transaction: balance items (BAL#, the sums of the postings
//     of transfer records, touched by every transfer: chaining them would
//     make the platform's accounts a serial point of every transfer),
//     history lines (HIST#), address list entries (ADDRS#) and address
//     claims (ADDR#...ADDR: the wallet's chained item holds its addresses;
//     ADDR#...OWN, the platform's own addresses, are put again by functions
//     as they start, and the hot keys they name are chained in the
//     platform's HOTKEY item), the payout tracker's to-do list (TRACK#: the
//     payout's states are in its chained transfer record), limit usage
//     (CUSLIM#), monitoring windows (MON#), velocity counters (VELB#, VELM#),
//     customer index marks (CUSST#, KYCEXP#), invoice outbox shards and due
//     marks (INVOUTBOX#, INVDUE#), settlement liabilities (STLLIAB#), the HD
//     index counter (SEQ#) and nonce counters (NONCE#; the nonce a payout
//     is signed with is in its chained PAYOUT# item);
//   - technical state that records no decision: idempotency records (IDEM#),
//     watcher cursors (WATCH#), reconciliation checkpoints (RCKPT#: a
//     run's running sums, rewritten each invocation), WebSocket
//     connections (CONN#, SUB#), webhook
//     delivery jobs, logs and events (WHJOB#, WHLOG#, WHEVT#: notices of
//     changes chained already), and the sanctions list's entries (SANCTION#:
//     hundreds per refresh; the list's version item SANCTIONS#, which the
//     refresh writes once the version is whole, is chained);
//   - removals by TTL (the item's expiry was in its chained image).
//
// Everything else, including items added later under new keys, is chained:
// the default is to record.
func AuditChange(eventName string, keys, newImage map[string]types.AttributeValue, byTTL bool) (sg.AuditEntry, bool) {
	pk, sk := getS(keys, attrPK), getS(keys, attrSK)
	if pk == "" || auditSkipped(pk, sk) {
		return sg.AuditEntry{}, false
	}
	change := ""
	switch eventName {
	case "INSERT":
		change = "created"
	case "MODIFY":
		change = "updated"
	case "REMOVE":
		if byTTL {
			return sg.AuditEntry{}, false
		}
		change = "removed"
		newImage = nil
	default:
		return sg.AuditEntry{}, false
	}
	kind, tail := auditKind(pk, sk)
	e := sg.AuditEntry{Scope: auditScopeOf(pk, newImage), Actor: auditActor(newImage), Action: kind + "." + change, Subject: tail}
	if id := getS(newImage, "id"); id != "" && len(id) <= 128 {
		e.Subject = id
	}
	e.Subject = clip(e.Subject, 128)
	d := struct {
		Keys   map[string]string `json:"keys"`
		Change string            `json:"change"`
		State  string            `json:"state,omitempty"`
		Action string            `json:"journal_action,omitempty"`
		Image  string            `json:"image,omitempty"`
	}{Keys: map[string]string{attrPK: pk, attrSK: sk}, Change: change}
	for _, a := range []string{"st", "status", "kyc_status"} {
		if v := getS(newImage, a); v != "" && len(v) <= 64 {
			d.State = v
			break
		}
	}
	if kind == "journal_entry" {
		if v := getS(newImage, "action"); len(v) <= 64 {
			d.Action = v
		}
	}
	if newImage != nil {
		d.Image = AuditImageHash(newImage)
	}
	e.Detail, _ = json.Marshal(d)
	return e, true
}

// auditSkippedPK and auditSkippedSK are the key prefixes AuditChange skips
// (see there for why).
var (
	auditSkippedPK = []string{auditPrefix, auditScopesPK, balPrefix, histPrefix, addrListPrefix, addrPrefix, "TRACK#", limitPK, "MON#", customerStatusPK,
		kycExpiryPK, invOutboxPrefix, invDuePrefix, stlLiabPrefix, "SEQ#", "NONCE#", "WATCH#", connPrefix, subPrefix, whJobPK, whLogPK,
		sanctionPrefix, ratePrefix, liveEvPrefix, ckptPrefix}
	auditSkippedSK = []string{idemPrefix, "VELB#", "VELM#", whEventPrefix}
)

func auditSkipped(pk, sk string) bool {
	for _, p := range auditSkippedPK {
		if strings.HasPrefix(pk, p) {
			return true
		}
	}
	for _, p := range auditSkippedSK {
		if strings.HasPrefix(sk, p) {
			return true
		}
	}
	return false
}

// auditKinds names the kind of an item by its sort key's prefix (tenant
// and platform items) or, for items of their own partition, its
// partition key's.
var auditKinds = []struct{ prefix, kind string }{
	{txnPrefix, "transfer"}, {walletPrefix, "wallet"}, {"QUOTE#", "fee_quote"}, {policySK, "policy"}, {allowPrefix, "allowlist_entry"},
	{apprPrefix, "approval"}, {freezePrefix, "freeze"}, {journalPrefix, "journal_entry"}, {coldLockSK, "cold_lock"}, {coldPrefix, "cold_payout"},
	{"DEK#", "data_key"}, {customerTiersSK, "tier_table"}, {customerPrefix, "customer"}, {alertPrefix, "alert"}, {caseKeyPrefix, "case_key"},
	{caseSubjPrefix, "case_subject"}, {casePrefix, "case"}, {blockPrefix, "blocklist_entry"}, {"MONRULES", "monitor_rules"},
	{travelPrefix, "travel_record"}, {invPayPrefix, "invoice_payment"}, {invWalletPrefix, "invoice_wallet"}, {invPolicySK, "invoice_policy"},
	{invPrefix, "invoice"}, {fxqPrefix, "fx_quote"}, {whEndpointPrefix, "webhook_endpoint"}, {feeVerPrefix, "fee_schedule_version"},
	{feeSchPrefix, "fee_schedule"}, {stlCfgPrefix, "settlement_config"}, {stlLinePrefix, "settlement_line"}, {stlRefPrefix, "settlement_ref"},
	{stlOpenPrefix, "settlement_open"}, {stlPrefix, "settlement"}, {hotKeySK, "hot_key"}, {rotationSK, "hot_key_rotation"},
	{grantLockSK, "tron_grant_lock"}, {grantPrefix, "tron_grant"}, {"COURSE#", "course_progress"}, {"ATTEMPT#", "course_attempt"},
	{"CERT#", "certificate"},
}

var auditPKKinds = []struct{ prefix, kind string }{
	{"PAYOUT#", "signed_payout"}, {"SWEEP#", "sweep"}, {parkedPK, "parked_payout"},
	{sanctionsPK, "sanctions_list"}, {chkPrefix, "checkout"},
}

// auditKind is the item's kind and its id from the key: the sort key's
// tail after the prefix that named the kind (or the whole sort key).
func auditKind(pk, sk string) (kind, tail string) {
	if strings.HasPrefix(pk, tenantPrefix) || pk == platformPK {
		for _, k := range auditKinds {
			if strings.HasPrefix(sk, k.prefix) {
				return k.kind, strings.TrimPrefix(sk, k.prefix)
			}
		}
	}
	for _, k := range auditPKKinds {
		if strings.HasPrefix(pk, k.prefix) {
			// An item of its own partition: its partition key's tail names
			// it when the sort key is a constant (ADDR, TX, CURRENT).
			if strings.Trim(sk, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
				return k.kind, strings.TrimPrefix(pk, k.prefix)
			}
			return k.kind, sk
		}
	}
	// An item this list does not know yet: its key's first word.
	word := pk
	if strings.HasPrefix(pk, tenantPrefix) || pk == platformPK {
		word = sk
	}
	if i := strings.IndexByte(word, '#'); i >= 0 {
		word = word[:i]
	}
	return auditWord(word), sk
}

// auditWord makes a key's word an action word: lowercase letters, digits
// and underscores ("item" if none is left).
func auditWord(w string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(w) {
		if b.Len() >= 32 {
			break
		}
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
			b.WriteRune(c)
		case c == '-':
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "item"
	}
	return b.String()
}

// auditScopeOf is the scope a change belongs to (see AuditChange).
func auditScopeOf(pk string, img map[string]types.AttributeValue) string {
	t := ""
	if strings.HasPrefix(pk, tenantPrefix) {
		t = strings.TrimPrefix(pk, tenantPrefix)
	} else if v := getS(img, "tenant"); v != "" {
		t = v
	}
	if t == "" || t == sg.PlatformTenant || strings.HasPrefix(t, "_") || len(t) > 128 || !utf8.ValidString(t) {
		return sg.AuditPlatformScope
	}
	return t
}

// auditActors are the attributes an item names its actor in, in order.
var auditActors = []string{"actor", "d_by", "kyc_by", "by", "rb"}

// auditSystemActors are actors the platform's own code records.
var auditSystemActors = map[string]string{sg.WebhookApprover: "system:webhook-approver", "rotation": "system:hot-key-rotate"}

func auditActor(img map[string]types.AttributeValue) string {
	for _, a := range auditActors {
		v := getS(img, a)
		if v == "" {
			continue
		}
		if sys, ok := auditSystemActors[v]; ok {
			return sys
		}
		return "user:" + clip(v, 120)
	}
	return "system:platform"
}

// AuditImageHash is the SHA-256 (hex) of an item's image in a canonical
// form: the image as JSON with each value tagged by its type ({"S":..},
// {"N":..}, {"B":<base64>}, {"BOOL":..}, {"NULL":true}, {"L":[..]},
// {"M":{..}}, sets sorted), map keys in byte order, no spaces. Anyone
// holding a copy of the item computes the same hash.
func AuditImageHash(img map[string]types.AttributeValue) string {
	b, _ := json.Marshal(canonicalImage(img))
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func canonicalImage(img map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(img))
	for k, v := range img {
		out[k] = canonicalValue(v)
	}
	return out // encoding/json writes map keys sorted
}

func canonicalValue(v types.AttributeValue) map[string]any {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": x.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": x.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(x.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": x.Value}
	case *types.AttributeValueMemberL:
		l := make([]any, 0, len(x.Value))
		for _, e := range x.Value {
			l = append(l, canonicalValue(e))
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": canonicalImage(x.Value)}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": sorted(x.Value)}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": sorted(x.Value)}
	case *types.AttributeValueMemberBS:
		bs := make([]string, 0, len(x.Value))
		for _, b := range x.Value {
			bs = append(bs, base64.StdEncoding.EncodeToString(b))
		}
		return map[string]any{"BS": sorted(bs)}
	}
	return map[string]any{"NULL": true}
}

// clip cuts v to at most n bytes of valid UTF-8 (an invalid byte becomes
// U+FFFD first), so a record's fields always pass the service's checks.
func clip(v string, n int) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	if len(v) <= n {
		return v
	}
	v = v[:n]
	for !utf8.ValidString(v) {
		v = v[:len(v)-1]
	}
	return v
}

func sorted(v []string) []string {
	c := append([]string(nil), v...)
	sort.Strings(c)
	return c
}
