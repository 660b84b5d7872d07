package paylink

import (
	"fmt"
	"strings"

	goqr "github.com/skip2/go-qrcode"
)

// ModulePixels is the side of one QR module in the PNG made, and in the
// SVG's default size. A mainnet USDT request is a version 6 (Tron) or 8
// (Ethereum) code, 49 or 57 modules with its quiet zone: 392 or 456
// pixels, enough for a phone camera on a screen or a till receipt.
const ModulePixels = 8

// recovery is error correction level M: 15% of the code can be lost. Q
// would make the code denser for a link shown on screens.
const recovery = goqr.Medium

// QR is the module bitmap of uri's QR code, its 4-module quiet zone
// included: QR(uri)[y][x] is true for a dark module.
func QR(uri string) ([][]bool, error) {
	q, err := goqr.New(uri, recovery)
	if err != nil {
		return nil, ErrURIInvalid.WithMessage("the URI does not fit in a QR code").Because("paylink.qr", err)
	}
	return q.Bitmap(), nil
}

// QRPNG draws uri as a QR code in a PNG image, ModulePixels per module.
func QRPNG(uri string) ([]byte, error) {
	q, err := goqr.New(uri, recovery)
	if err != nil {
		return nil, ErrURIInvalid.WithMessage("the URI does not fit in a QR code").Because("paylink.qrpng", err)
	}
	// A negative size is whole pixels per module: a code scaled to a round
	// image size gets uneven modules, which some readers fail to find.
	png, err := q.PNG(-ModulePixels)
	if err != nil {
		return nil, fmt.Errorf("paylink.qrpng: %w", err)
	}
	return png, nil
}

// QRSVG draws uri as a QR code in an SVG image: a white square with the
// dark modules as one path of whole-module runs, in a viewBox of one unit
// per module (so it scales to any size), ModulePixels per module by
// default, with crisp edges.
func QRSVG(uri string) ([]byte, error) {
	bm, err := QR(uri)
	if err != nil {
		return nil, err
	}
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`,
		n, n, n*ModulePixels, n*ModulePixels)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			w := 1
			for x+w < len(row) && row[x+w] {
				w++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, w, w)
			x += w
		}
	}
	b.WriteString(`"/></svg>`)
	b.WriteString("\n")
	return []byte(b.String()), nil
}
