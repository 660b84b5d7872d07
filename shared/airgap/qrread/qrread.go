// Package qrread reads the QR codes of the air gap (airgap.QRCodes) back
// into frames and files. It is apart from package airgap because decoding
// images links a QR reader and its character-set tables (about a megabyte),
// which only the offline signer and tests need: Lambda functions that only
// render codes or count frames link none of it.
package qrread

import (
	"bytes"
	"image"
	_ "image/png" // QR images are PNG

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/stablegate/stablegate/shared/airgap"
)

// ReadQR decodes the frame of one QR image (a PNG, as a camera capture
// or an exported code).
func ReadQR(png []byte) (string, error) {
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		return "", airgap.Refuse(airgap.ErrMalformed, "qr", "not an image: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", airgap.Refuse(airgap.ErrMalformed, "qr", "%v", err)
	}
	// A plain look first; then harder (a photo at an angle, or blurred);
	// last as a clean, upright code (an exported image), which skips the
	// finder-pattern search that can lose its way on some codes.
	var last error
	for _, hints := range []map[gozxing.DecodeHintType]interface{}{nil, {gozxing.DecodeHintType_TRY_HARDER: true}, {gozxing.DecodeHintType_PURE_BARCODE: true}} {
		res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
		if err == nil {
			return res.GetText(), nil
		}
		last = err
	}
	return "", airgap.Refuse(airgap.ErrMalformed, "qr", "no QR code found: %v", last)
}

// ReadQRFiles decodes images and joins their frames.
func ReadQRFiles(pngs [][]byte) ([]byte, error) {
	frames := make([]string, 0, len(pngs))
	for _, p := range pngs {
		f, err := ReadQR(p)
		if err != nil {
			return nil, err
		}
		frames = append(frames, f)
	}
	return airgap.Join(frames)
}
