package audit_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stablegate/stablegate/shared/audit"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// FuzzParseLine: an export line from outside never panics the parser; a
// line it accepts writes back to a line it reads the same, and a record
// it accepts hashes the same after the trip (the bytes hashed survive).
func FuzzParseLine(f *testing.F) {
	for _, seed := range []string{
		`{"type":"head","scope":"t-1","seq":203,"hash":"4f9ce4cb2096b2f7b10dd6dff0feac7396c244efd25d0075d0e4f01fb4c8bda3"}`,
		`{"type":"anchor","scope":"t-1","seq":49,"hash":"4f9c","at":"2026-12-06T09:00:00.000001Z","where":"chain:ethereum:0xab"}`,
		`{"type":"record","scope":"t-1","seq":1,"at":"2026-12-06T09:00:00.000001Z","actor":"user:u1","action":"wallet.created",` +
			`"subject":"wal_1","detail":"{\"chain\":\"ethereum\",\"note\":\"<a&b>\"}","prev":"0000","hash":"4f9c"}`,
		`{"type":"record","scope":"t-1","seq":-1,"at":"2026-12-06T09:00:00Z","hash":""}`,
		`{"type":"record","scope":"t-1","seq":1,"at":"x","hash":""}`,
		`{"type":"note"}`,
		`{"type":"head","scope":"t","seq":1,"hash":"x","extra":1}`,
		`{"type":"head","scope":"t","seq":1,"hash":"x"} {}`,
		`{"type":"head","scope":"\u00ff\ud800","seq":1e3,"hash":"x"}`,
		`[]`, `null`, ``, `{"type":"record","seq":99999999999999999999}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := audit.ParseLine(b)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := audit.WriteJSONL(&buf, l); err != nil {
			t.Fatalf("WriteJSONL: %v", err)
		}
		back, err := audit.ParseLine(bytes.TrimSpace(buf.Bytes()))
		if err != nil {
			t.Fatalf("a line written back does not parse: %v\n%s", err, buf.Bytes())
		}
		if back != l {
			t.Fatalf("round trip changed the line:\n%+v\n%+v", l, back)
		}
		if l.Type == audit.LineRecord {
			r, err := l.Record()
			if err != nil {
				t.Fatalf("an accepted record line has no record: %v", err)
			}
			r2, err := audit.RecordLine(r).Record()
			if err != nil || sg.AuditHash(r2) != sg.AuditHash(r) {
				t.Fatalf("a record's hash changed on the trip: %v", err)
			}
		}
	})
}

// A proof travels as JSON and checks the same after the trip.
func TestProofDocRoundTrip(t *testing.T) {
	s, _ := buildLog(t)
	for _, seq := range []int64{1, 49, 120, 200, 203} {
		p, err := s.Proof(ctx, scope, seq)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p.Doc())
		if err != nil {
			t.Fatal(err)
		}
		back, err := audit.ParseProof(b)
		if err != nil {
			t.Fatalf("proof of %d: %v", seq, err)
		}
		if err := audit.CheckProof(back); err != nil {
			t.Fatalf("proof of %d after the trip: %v", seq, err)
		}
	}
}

// FuzzParseProof: a proof document from outside never panics the parser
// or the check.
func FuzzParseProof(f *testing.F) {
	f.Add([]byte(`{"record":{"type":"record","scope":"t-1","seq":1,"at":"2026-12-06T09:00:00.000001Z","actor":"user:u1","action":"wallet.created",` +
		`"subject":"wal_1","detail":"{\"chain\":\"ethereum\"}","prev":"0000000000000000000000000000000000000000000000000000000000000000",` +
		`"hash":"4f9ce4cb2096b2f7b10dd6dff0feac7396c244efd25d0075d0e4f01fb4c8bda3"},"path":[],"head":{"seq":1,"hash":"4f9ce4cb2096b2f7b10dd6dff0feac7396c244efd25d0075d0e4f01fb4c8bda3"}}`))
	f.Add([]byte(`{"record":{"type":"anchor"},"path":["zz"],"anchor":{"type":"anchor","scope":"t","seq":2,"hash":"x","at":"bad"}}`))
	f.Add([]byte(`{"record":{"type":"record","scope":"t","seq":9223372036854775807,"at":"2026-12-06T09:00:00.000001Z","hash":""},"path":["00"],"head":{"seq":-9223372036854775808}}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := audit.ParseProof(b)
		if err != nil {
			return
		}
		_ = audit.CheckProof(p)
	})
}
