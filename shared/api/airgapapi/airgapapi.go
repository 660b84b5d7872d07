// Package airgapapi holds what the routes carrying files across the air gap
// share (cold payouts and Tron sweep grants): a file's QR images, a
// signed file taken back, and the bundle package's refusals as API errors.
package airgapapi

import (
	"encoding/base64"
	"mime"
	"net/http"
	"strconv"

	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// QRPart answers one QR image (PNG) of file: the path's part, numbered
// from 1 to the file's frame count.
func QRPart(req httpapi.Request, file []byte) (httpapi.Response, error) {
	codes, err := airgap.QRCodes(file)
	if err != nil {
		return httpapi.Response{}, sg.Internal("airgap.QR", err)
	}
	part, err := strconv.Atoi(req.PathParameters["part"])
	if err != nil || part < 1 || part > len(codes) {
		return httpapi.Response{}, sg.ErrNotFound.WithParam("part").WithMessage("parts are 1 to %d", len(codes))
	}
	return httpapi.Response{StatusCode: http.StatusOK, Headers: map[string]string{"content-type": "image/png", "cache-control": "no-store"},
		Body: base64.StdEncoding.EncodeToString(codes[part-1]), IsBase64Encoded: true}, nil
}

// SignedFile is the body of a signed file's import: JSON, as the offline
// signer wrote it.
func SignedFile(req httpapi.Request) ([]byte, error) {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return nil, sg.ErrInvalidJSON
		}
	}
	ct, _ := httpapi.Header(req, "content-type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return nil, sg.ErrUnsupportedMediaType.WithParam("Content-Type")
	}
	return body, nil
}

// Refusal turns the bundle package's refusal into the API's error (a bad
// signature is refused, anything else is invalid); other errors pass.
func Refusal(err error) error {
	be, ok := err.(*airgap.Error)
	if !ok {
		return err
	}
	kind := sg.KindInvalid
	if be.Code == airgap.ErrSignatureInvalid.Code {
		kind = sg.KindRefused
	}
	return &sg.Error{Kind: kind, Code: be.Code, Message: be.Detail, Param: be.Field}
}
