package airgap

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	goqr "github.com/skip2/go-qrcode"
)

// A file crosses a camera-only air gap as a sequence of QR codes, each
// carrying one frame:
//
//	SGQR1/<part>/<parts>/<first 8 bytes of the file's SHA-256, hex>/<base64 of the part>
//
// Parts may be scanned in any order; Join refuses a set with a part
// missing, parts of two files, or a whole whose hash is not the frames'.

// FramePayload is how many bytes of the file one frame carries: small
// enough for a QR code a phone-grade camera reads at a glance.
const FramePayload = 300

const frameTag = "SGQR1"

// modulePixels is the side of one QR module in the images made.
const modulePixels = 6

// Frames splits a file into QR frames.
func Frames(file []byte) []string {
	sum := sha256.Sum256(file)
	id := hex.EncodeToString(sum[:8])
	n := (len(file) + FramePayload - 1) / FramePayload
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		part := file[i*FramePayload : min(len(file), (i+1)*FramePayload)]
		out = append(out, fmt.Sprintf("%s/%d/%d/%s/%s", frameTag, i+1, n, id, base64.StdEncoding.EncodeToString(part)))
	}
	return out
}

// Join puts frames back together into the file they came from.
func Join(frames []string) ([]byte, error) {
	if len(frames) == 0 {
		return nil, refuse(ErrMalformed, "qr", "no frames")
	}
	var parts [][]byte
	id := ""
	for _, f := range frames {
		fs := strings.SplitN(strings.TrimSpace(f), "/", 5) // the base64 part may hold "/"
		if len(fs) != 5 || fs[0] != frameTag {
			return nil, refuse(ErrMalformed, "qr", "not a Stablegate QR frame")
		}
		i, err1 := strconv.Atoi(fs[1])
		n, err2 := strconv.Atoi(fs[2])
		if err1 != nil || err2 != nil || n < 1 || n > 64 || i < 1 || i > n {
			return nil, refuse(ErrMalformed, "qr", "bad part numbers %s/%s", fs[1], fs[2])
		}
		if parts == nil {
			parts, id = make([][]byte, n), fs[3]
		}
		if n != len(parts) || fs[3] != id {
			return nil, refuse(ErrMalformed, "qr", "frames of two different files")
		}
		b, err := base64.StdEncoding.DecodeString(fs[4])
		if err != nil || len(b) == 0 {
			return nil, refuse(ErrMalformed, "qr", "part %d is not base64 of one to %d bytes", i, FramePayload)
		}
		if parts[i-1] != nil && !bytes.Equal(parts[i-1], b) {
			return nil, refuse(ErrMalformed, "qr", "part %d scanned twice with different contents", i)
		}
		parts[i-1] = b
	}
	var file []byte
	for i, p := range parts {
		if p == nil {
			return nil, refuse(ErrMalformed, "qr", "part %d of %d is missing", i+1, len(parts))
		}
		file = append(file, p...)
	}
	sum := sha256.Sum256(file)
	if hex.EncodeToString(sum[:8]) != id {
		return nil, refuse(ErrMalformed, "qr", "the parts do not make the file they name")
	}
	return file, nil
}

// QRCodes renders a file as PNG images, one per frame.
func QRCodes(file []byte) ([][]byte, error) {
	var out [][]byte
	for _, f := range Frames(file) {
		q, err := goqr.New(f, goqr.Medium)
		if err != nil {
			return nil, err
		}
		// Whole pixels per module (a negative size to the encoder): a code
		// scaled to a round image size gets uneven modules, which readers
		// sometimes fail to find.
		png, err := q.PNG(-modulePixels)
		if err != nil {
			return nil, err
		}
		out = append(out, png)
	}
	return out, nil
}
