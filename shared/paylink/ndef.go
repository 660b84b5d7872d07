package paylink

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// NDEF (NFC Forum Data Exchange Format) record header bits and the values
// this package writes and reads.
const (
	flagMB = 0x80 // message begin: the first record
	flagME = 0x40 // message end: the last record
	flagCF = 0x20 // chunk flag: the payload continues in the next record
	flagSR = 0x10 // short record: a one-byte payload length
	flagIL = 0x08 // an ID length byte and an ID field are present

	tnfMask        = 0x07
	tnfEmpty       = 0x00
	tnfWellKnown   = 0x01 // NFC Forum well-known type (RTD)
	tnfAbsoluteURI = 0x03 // the type field is an absolute URI
	tnfReserved    = 0x07

	rtdURI = 'U' // the URI record type (NFC Forum URI RTD)
)

// uriPrefixes are the NFC Forum URI RTD's identifier codes: the byte at
// the head of a URI record's payload stands for the prefix at its index.
var uriPrefixes = [...]string{
	"", "http://www.", "https://www.", "http://", "https://", "tel:", "mailto:",
	"ftp://anonymous:anonymous@", "ftp://ftp.", "ftps://", "sftp://", "smb://",
	"nfs://", "ftp://", "dav://", "news:", "telnet://", "imap:", "rtsp://",
	"urn:", "pop:", "sip:", "sips:", "tftp:", "btspp://", "btl2cap://",
	"btgoep://", "tcpobex://", "irdaobex://", "file://", "urn:epc:id:",
	"urn:epc:tag:", "urn:epc:pat:", "urn:epc:raw:", "urn:epc:", "urn:nfc:",
}

// MaxNDEFLength is the longest message ParseNDEF reads (the largest NFC
// tags hold 8 KiB; a payment URI record is a few hundred bytes).
const MaxNDEFLength = 64 << 10

// ErrNDEFInvalid: the bytes are not an NDEF message with a URI record.
var ErrNDEFInvalid = &sg.Error{Kind: sg.KindInvalid, Code: "ndef_invalid", Message: "not an NDEF message with a URI record", Param: "ndef"}

// NDEF is an NDEF message of one URI record holding uri: TNF well-known,
// type "U", the payload the longest identifier code whose prefix uri
// starts with (0x00, none, for ethereum: and tron:) and the rest of uri.
// The record is short (a one-byte length) when the payload is under 256
// bytes; it is the message's first and last.
func NDEF(uri string) []byte {
	code := 0
	for i, p := range uriPrefixes {
		if p != "" && strings.HasPrefix(uri, p) && len(p) > len(uriPrefixes[code]) {
			code = i
		}
	}
	payload := append([]byte{byte(code)}, uri[len(uriPrefixes[code]):]...)
	header := byte(flagMB | flagME | tnfWellKnown)
	out := make([]byte, 0, len(payload)+7)
	if len(payload) < 256 {
		out = append(out, header|flagSR, 1, byte(len(payload)))
	} else {
		out = append(out, header, 1)
		out = binary.BigEndian.AppendUint32(out, uint32(len(payload)))
	}
	out = append(out, rtdURI)
	return append(out, payload...)
}

// ParseNDEF reads the URI of the first URI record of an NDEF message (a
// well-known "U" record, or an absolute-URI record). The message must be
// whole: the first record begins it, one record ends it and nothing
// follows. Chunked records are refused.
func ParseNDEF(msg []byte) (string, error) {
	bad := func(format string, args ...any) (string, error) {
		return "", ErrNDEFInvalid.WithMessage(format, args...)
	}
	if len(msg) == 0 {
		return bad("the NDEF message is empty")
	}
	if len(msg) > MaxNDEFLength {
		return bad("the NDEF message is longer than %d bytes", MaxNDEFLength)
	}
	uri, found := "", false
	for i, rest := 0, msg; ; i++ {
		if len(rest) == 0 {
			return bad("the NDEF message has no record with the message end flag")
		}
		rec, n, err := readRecord(rest)
		if err != nil {
			return "", err
		}
		rest = rest[n:]
		if (rec.flags&flagMB != 0) != (i == 0) {
			return bad("record %d has the message begin flag wrong", i+1)
		}
		if !found {
			if u, ok, err := rec.uri(); err != nil {
				return "", err
			} else if ok {
				uri, found = u, true
			}
		}
		if rec.flags&flagME != 0 {
			if len(rest) != 0 {
				return bad("%d bytes follow the message end", len(rest))
			}
			break
		}
	}
	if !found {
		return bad("the NDEF message has no URI record")
	}
	return uri, nil
}

type record struct {
	flags   byte
	typ     []byte
	payload []byte
}

// readRecord reads one record from the head of b and its length in bytes.
func readRecord(b []byte) (record, int, error) {
	bad := func(format string, args ...any) (record, int, error) {
		return record{}, 0, ErrNDEFInvalid.WithMessage(format, args...)
	}
	if len(b) < 2 {
		return bad("an NDEF record header is cut short")
	}
	r := record{flags: b[0]}
	typeLen := int(b[1])
	pos := 2
	var payloadLen uint64
	if r.flags&flagSR != 0 {
		if len(b) < pos+1 {
			return bad("an NDEF record header is cut short")
		}
		payloadLen = uint64(b[pos])
		pos++
	} else {
		if len(b) < pos+4 {
			return bad("an NDEF record header is cut short")
		}
		payloadLen = uint64(binary.BigEndian.Uint32(b[pos:]))
		pos += 4
	}
	idLen := 0
	if r.flags&flagIL != 0 {
		if len(b) < pos+1 {
			return bad("an NDEF record header is cut short")
		}
		idLen = int(b[pos])
		pos++
	}
	if r.flags&flagCF != 0 {
		return bad("chunked NDEF records are not read")
	}
	tnf := r.flags & tnfMask
	switch {
	case tnf == tnfReserved:
		return bad("an NDEF record has the reserved type name format 7")
	case tnf == tnfEmpty && (typeLen != 0 || idLen != 0 || payloadLen != 0):
		return bad("an empty NDEF record has a type, an id or a payload")
	}
	if uint64(len(b)-pos) < uint64(typeLen)+uint64(idLen)+payloadLen {
		return bad("an NDEF record is longer than the message")
	}
	r.typ = b[pos : pos+typeLen]
	pos += typeLen + idLen
	r.payload = b[pos : pos+int(payloadLen)]
	return r, pos + int(payloadLen), nil
}

// uri returns the record's URI and whether it is a URI record.
func (r record) uri() (string, bool, error) {
	switch {
	case r.flags&tnfMask == tnfWellKnown && len(r.typ) == 1 && r.typ[0] == rtdURI:
		if len(r.payload) == 0 {
			return "", false, ErrNDEFInvalid.WithMessage("a URI record has no identifier code")
		}
		code := int(r.payload[0])
		if code >= len(uriPrefixes) {
			return "", false, ErrNDEFInvalid.WithMessage("URI identifier code 0x%02x is not defined", code)
		}
		u := uriPrefixes[code] + string(r.payload[1:])
		if !validURIText(u) {
			return "", false, ErrNDEFInvalid.WithMessage("the URI record holds no URI text (UTF-8 without control characters)")
		}
		return u, true, nil
	case r.flags&tnfMask == tnfAbsoluteURI:
		u := string(r.typ)
		if !validURIText(u) {
			return "", false, ErrNDEFInvalid.WithMessage("the absolute-URI record holds no URI text (UTF-8 without control characters)")
		}
		return u, true, nil
	}
	return "", false, nil
}

func validURIText(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c <= 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// NDEFFile is the NDEF message of uri as a file a POS terminal's tag writer
// loads: the raw message bytes (no tag framing: no TLV, no capability
// container) named *.ndef. NDEF has no registered media type, so the file
// is application/octet-stream.
func NDEFFile(uri string) (name, contentType string, body []byte) {
	return "payment-link.ndef", "application/octet-stream", NDEF(uri)
}
