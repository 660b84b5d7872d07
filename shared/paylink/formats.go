package paylink

import (
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The formats Render makes.
const (
	FormatURI  = "uri"  // the URI as text
	FormatPNG  = "png"  // a QR code, PNG
	FormatSVG  = "svg"  // a QR code, SVG
	FormatNDEF = "ndef" // an NFC NDEF message, raw bytes
)

// Formats lists the formats Render makes, in a stable order.
var Formats = []string{FormatURI, FormatPNG, FormatSVG, FormatNDEF}

// Content types of the formats.
const (
	ContentTypeURI  = "text/plain; charset=utf-8"
	ContentTypePNG  = "image/png"
	ContentTypeSVG  = "image/svg+xml"
	ContentTypeNDEF = "application/octet-stream"
)

// ErrFormatUnknown: the format is none of Formats.
var ErrFormatUnknown = &sg.Error{Kind: sg.KindInvalid, Code: "payment_link_format_unknown", Message: "format must be one of uri, png, svg, ndef", Param: "format"}

// Render builds r's URI and returns it in format (one of Formats) with its
// content type. The format is checked before the request, so an unknown
// format is reported as such whatever the request.
func Render(r Request, format string) (contentType string, body []byte, err error) {
	switch format {
	case FormatURI, FormatPNG, FormatSVG, FormatNDEF:
	default:
		return "", nil, ErrFormatUnknown
	}
	uri, err := Build(r)
	if err != nil {
		return "", nil, err
	}
	switch format {
	case FormatPNG:
		contentType = ContentTypePNG
		body, err = QRPNG(uri)
	case FormatSVG:
		contentType = ContentTypeSVG
		body, err = QRSVG(uri)
	case FormatNDEF:
		_, contentType, body = NDEFFile(uri)
	default:
		contentType, body = ContentTypeURI, []byte(uri)
	}
	if err != nil {
		return "", nil, err
	}
	return contentType, body, nil
}
