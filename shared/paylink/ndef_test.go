package paylink

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhexT(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// uriPayloadVectors are nfcpy's (ndeflib tests/test_uri.py) URI record
// payloads: the identifier code byte, then the rest of the URI.
var uriPayloadVectors = []struct{ payload, uri string }{
	{"006e66637079", "nfcpy"},
	{"016e66637079", "http://www.nfcpy"},
	{"026e66637079", "https://www.nfcpy"},
	{"036e66637079", "http://nfcpy"},
	{"046e66637079", "https://nfcpy"},
	{"053031323334", "tel:01234"},
	{"066e66637079", "mailto:nfcpy"},
	{"076e66637079", "ftp://anonymous:anonymous@nfcpy"},
	{"086e66637079", "ftp://ftp.nfcpy"},
	{"096e66637079", "ftps://nfcpy"},
	{"0a6e66637079", "sftp://nfcpy"},
	{"0b6e66637079", "smb://nfcpy"},
	{"0c6e66637079", "nfs://nfcpy"},
	{"0d6e66637079", "ftp://nfcpy"},
	{"0e6e66637079", "dav://nfcpy"},
	{"0f6e66637079", "news:nfcpy"},
	{"106e66637079", "telnet://nfcpy"},
	{"116e66637079", "imap:nfcpy"},
	{"126e66637079", "rtsp://nfcpy"},
	{"136e66637079", "urn:nfcpy"},
	{"146e66637079", "pop:nfcpy"},
	{"156e66637079", "sip:nfcpy"},
	{"166e66637079", "sips:nfcpy"},
	{"176e66637079", "tftp:nfcpy"},
	{"186e66637079", "btspp://nfcpy"},
	{"196e66637079", "btl2cap://nfcpy"},
	{"1a6e66637079", "btgoep://nfcpy"},
	{"1b6e66637079", "tcpobex://nfcpy"},
	{"1c6e66637079", "irdaobex://nfcpy"},
	{"1d6e66637079", "file://nfcpy"},
	{"1e3132333435", "urn:epc:id:12345"},
	{"1f3132333435", "urn:epc:tag:12345"},
	{"203132333435", "urn:epc:pat:12345"},
	{"213132333435", "urn:epc:raw:12345"},
	{"223132333435", "urn:epc:12345"},
	{"233132333435", "urn:nfc:12345"},
}

// Each identifier code, as a one-record message: header 0xD1 (MB, ME, SR,
// TNF well-known), type length 1, the payload length, type "U", payload.
func TestNDEFMatchesTheURIRecordVectors(t *testing.T) {
	for _, v := range uriPayloadVectors {
		t.Run(v.uri, func(t *testing.T) {
			payload := unhexT(t, v.payload)
			want := append([]byte{0xd1, 0x01, byte(len(payload)), 'U'}, payload...)
			if got := NDEF(v.uri); !bytes.Equal(got, want) {
				t.Errorf("NDEF = % x, want % x", got, want)
			}
			got, err := ParseNDEF(want)
			if err != nil || got != v.uri {
				t.Errorf("ParseNDEF = %q, %v; want %q", got, err, v.uri)
			}
		})
	}
}

// Whole messages from nfcpy's tests, read and (for one record) written.
func TestNDEFMatchesTheMessageVectors(t *testing.T) {
	cases := []struct {
		name, msg, uri string
		written        bool
	}{
		{"http:// abbreviated", "D1010a55036e666370792e6f7267", "http://nfcpy.org", true},
		{"a scheme with no code, written in full", "D101115500736d74703a2f2f6e666370792e6f7267", "smtp://nfcpy.org", true},
		{"two URI records: the first is read", "91010a55036e666370792e6f7267 51010a55046e666370792e6f7267", "http://nfcpy.org", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := unhexT(t, c.msg)
			got, err := ParseNDEF(msg)
			if err != nil || got != c.uri {
				t.Fatalf("ParseNDEF = %q, %v; want %q", got, err, c.uri)
			}
			if c.written && !bytes.Equal(NDEF(c.uri), msg) {
				t.Errorf("NDEF = % x, want % x", NDEF(c.uri), msg)
			}
		})
	}
}

func TestNDEFPaymentLinks(t *testing.T) {
	for name, r := range requests(t) {
		t.Run(name, func(t *testing.T) {
			uri, err := Build(r)
			if err != nil {
				t.Fatal(err)
			}
			msg := NDEF(uri)
			// ethereum: and tron: have no identifier code: 0x00 and the whole URI.
			payload := append([]byte{0}, uri...)
			var header []byte
			if len(payload) < 256 {
				header = []byte{0xd1, 0x01, byte(len(payload)), 'U'}
			} else {
				n := len(payload)
				header = []byte{0xc1, 0x01, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 'U'}
			}
			if want := append(header, payload...); !bytes.Equal(msg, want) {
				t.Fatalf("NDEF = % x\nwant % x", msg, want)
			}
			got, err := ParseNDEF(msg)
			if err != nil || got != uri {
				t.Fatalf("ParseNDEF = %q, %v; want %q", got, err, uri)
			}
			if back, err := Parse(got); err != nil || back != r {
				t.Errorf("Parse(ParseNDEF) = %+v, %v; want %+v", back, err, r)
			}
		})
	}
}

func TestNDEFLongRecord(t *testing.T) {
	uri := "https://example.com/" + strings.Repeat("a", 300)
	msg := NDEF(uri)
	// No SR flag: a four-byte length, 0x04 for https:// and the rest.
	n := 1 + len(uri) - len("https://")
	want := append([]byte{0xc1, 0x01, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 'U', 0x04}, uri[len("https://"):]...)
	if !bytes.Equal(msg, want) {
		t.Fatalf("NDEF = % x...\nwant % x...", msg[:12], want[:12])
	}
	if got, err := ParseNDEF(msg); err != nil || got != uri {
		t.Errorf("ParseNDEF = %q, %v", got, err)
	}
	// A payload of exactly 255 bytes is still short, 256 is not.
	for size, header := range map[int]byte{255: 0xd1, 256: 0xc1} {
		u := "x:" + strings.Repeat("y", size-1-2)
		if got := NDEF(u)[0]; got != header {
			t.Errorf("payload of %d bytes: header %#x, want %#x", size, got, header)
		}
	}
}

func TestParseNDEFReadsOtherRecordsAround(t *testing.T) {
	cases := []struct{ name, msg, uri string }{
		{"a record with an id", "D9 01 0a 02 55 6964 036e666370792e6f7267", "http://nfcpy.org"},
		{"a text record before the URI record", "91 01 05 54 02656e6869 51 01 0a 55 036e666370792e6f7267", "http://nfcpy.org"},
		{"an absolute-URI record", "D3 09 00 74726f6e3a5455455a", "tron:TUEZ"},
		{"a long (non-short) URI record", "C1 01 0000000a 55 036e666370792e6f7267", "http://nfcpy.org"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseNDEF(unhexT(t, c.msg))
			if err != nil || got != c.uri {
				t.Errorf("ParseNDEF = %q, %v; want %q", got, err, c.uri)
			}
		})
	}
}

func TestParseNDEFRefusesWhatIsNotAURIMessage(t *testing.T) {
	cases := []struct{ name, msg string }{
		{"empty", ""},
		{"a header cut short", "D1"},
		{"no payload length", "D1 01"},
		{"a payload longer than the message", "D1 01 0a 55 036e66"},
		{"a long length beyond the message", "C1 01 ffffffff 55 03"},
		{"an id length cut off", "D9 01 0a"},
		{"no message end", "91 01 0a 55 036e666370792e6f7267"},
		{"bytes after the message end", "D1 01 0a 55 036e666370792e6f7267 00"},
		{"no message begin", "51 01 0a 55 036e666370792e6f7267"},
		{"message begin twice", "91 01 0a 55 036e666370792e6f7267 D1 01 0a 55 036e666370792e6f7267"},
		{"a chunked record", "B1 01 0a 55 036e666370792e6f7267"},
		{"the reserved type name format", "D7 01 0a 55 036e666370792e6f7267"},
		{"an empty record with a payload", "D0 00 01 00"},
		{"no URI record (a text record)", "D1 01 05 54 02656e6869"},
		{"a URI record without identifier code", "D1 01 00 55"},
		{"identifier code 0x24 undefined", "D1 01 06 55 246e66637079"},
		{"identifier code 0xff undefined", "D1 01 06 55 ff6e66637079"},
		{"URI not UTF-8", "D1 01 02 55 0380"},
		{"URI with a control character", "D1 01 02 55 0300"},
		{"an empty URI", "D1 01 01 55 00"},
		{"an absolute-URI record with no URI", "D3 00 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseNDEF(unhexT(t, c.msg))
			if !errors.Is(err, ErrNDEFInvalid) {
				t.Errorf("ParseNDEF = %q, %v; want %s", got, err, ErrNDEFInvalid.Code)
			}
		})
	}
}

func TestNDEFFileIsTheRawMessage(t *testing.T) {
	uri, err := Build(requests(t)["tron mainnet"])
	if err != nil {
		t.Fatal(err)
	}
	name, ct, body := NDEFFile(uri)
	if !strings.HasSuffix(name, ".ndef") || ct != "application/octet-stream" {
		t.Errorf("file %q of %q, want *.ndef application/octet-stream", name, ct)
	}
	if got, err := ParseNDEF(body); err != nil || got != uri {
		t.Errorf("ParseNDEF(file) = %q, %v", got, err)
	}
}
