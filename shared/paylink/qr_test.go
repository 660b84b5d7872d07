package paylink

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads a QR code from an image with ZXing's reader (an
// independent implementation: gozxing is a port of ZXing, not of the
// encoder) and returns its text and error correction level.
func decodeQR(t *testing.T, img image.Image) (text, level string) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatalf("binary bitmap: %v", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code read: %v", err)
	}
	lvl, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL].(string)
	return res.GetText(), lvl
}

// svgQR is what the SVG drawing holds, read with encoding/xml.
type svgQR struct {
	XMLName        xml.Name `xml:"svg"`
	ViewBox        string   `xml:"viewBox,attr"`
	Width          string   `xml:"width,attr"`
	Height         string   `xml:"height,attr"`
	ShapeRendering string   `xml:"shape-rendering,attr"`
	Rect           struct {
		Width  string `xml:"width,attr"`
		Height string `xml:"height,attr"`
		Fill   string `xml:"fill,attr"`
	} `xml:"rect"`
	Path struct {
		Fill string `xml:"fill,attr"`
		D    string `xml:"d,attr"`
	} `xml:"path"`
}

var runRE = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// rasterizeSVG paints the SVG's background square and path into an image,
// scale pixels per viewBox unit, as a browser would with crisp edges. It
// checks the drawing's frame on the way: a square viewBox from 0 0, the
// default size at ModulePixels per module, crisp edges, a white square
// over the whole box and a black path of runs of whole modules.
func rasterizeSVG(t *testing.T, svg []byte, scale int) (*image.Gray, int) {
	t.Helper()
	var s svgQR
	if err := xml.Unmarshal(svg, &s); err != nil {
		t.Fatalf("the SVG is not XML: %v", err)
	}
	var x0, y0, w, h int
	if _, err := fmt.Sscanf(s.ViewBox, "%d %d %d %d", &x0, &y0, &w, &h); err != nil || x0 != 0 || y0 != 0 || w != h || w < 21+8 {
		t.Fatalf("viewBox %q is not a square of a QR code with its quiet zone", s.ViewBox)
	}
	n := w
	px := strconv.Itoa(n * ModulePixels)
	if s.Width != px || s.Height != px {
		t.Errorf("size %sx%s, want %sx%s", s.Width, s.Height, px, px)
	}
	if s.ShapeRendering != "crispEdges" {
		t.Errorf("shape-rendering=%q, want crispEdges", s.ShapeRendering)
	}
	if s.Rect.Width != strconv.Itoa(n) || s.Rect.Height != strconv.Itoa(n) || s.Rect.Fill != "#fff" {
		t.Errorf("background %+v does not cover the box in white", s.Rect)
	}
	if s.Path.Fill != "#000" {
		t.Errorf("path fill %q, want #000", s.Path.Fill)
	}
	if rest := runRE.ReplaceAllString(s.Path.D, ""); rest != "" {
		t.Fatalf("path has something other than runs of modules: %.40q", rest)
	}
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, m := range runRE.FindAllStringSubmatch(s.Path.D, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		rw, _ := strconv.Atoi(m[3])
		back, _ := strconv.Atoi(m[4])
		if rw != back || rw < 1 || x+rw > n || y >= n {
			t.Fatalf("run %q leaves the box or does not close", m[0])
		}
		for py := y * scale; py < (y+1)*scale; py++ {
			for pxl := x * scale; pxl < (x+rw)*scale; pxl++ {
				img.SetGray(pxl, py, color.Gray{})
			}
		}
	}
	return img, n
}

// quietZoneClear reports whether the 4 modules around the code are light.
func quietZoneClear(img image.Image, n, scale int) bool {
	for y := 0; y < n*scale; y++ {
		for x := 0; x < n*scale; x++ {
			inside := x >= 4*scale && x < (n-4)*scale && y >= 4*scale && y < (n-4)*scale
			if r, _, _, _ := img.At(x, y).RGBA(); !inside && r < 0x8000 {
				return false
			}
		}
	}
	return true
}

// The QR codes decode to the exact URI, which parses back to the same
// chain, token, address and amount (issue 14, "it must show" 4).
func TestQRCodesDecodeToTheRequest(t *testing.T) {
	for name, r := range requests(t) {
		uri, err := Build(r)
		if err != nil {
			t.Fatalf("%s: Build: %v", name, err)
		}
		check := func(t *testing.T, text, level string) {
			t.Helper()
			if text != uri {
				t.Fatalf("decoded\n %q\nwant\n %q", text, uri)
			}
			if level != "M" {
				t.Errorf("error correction level %q, want M", level)
			}
			got, err := Parse(text)
			if err != nil {
				t.Fatalf("Parse(decoded): %v", err)
			}
			if got.Chain != r.Chain || got.Token != r.Token || got.To != r.To || got.Amount != r.Amount || got != r {
				t.Errorf("decoded request %+v, want %+v", got, r)
			}
		}
		t.Run(name+"/png", func(t *testing.T) {
			b, err := QRPNG(uri)
			if err != nil {
				t.Fatalf("QRPNG: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			side := img.Bounds().Dx()
			if side != img.Bounds().Dy() || side%ModulePixels != 0 {
				t.Errorf("image %v is not a square of whole %d-pixel modules", img.Bounds(), ModulePixels)
			}
			if !quietZoneClear(img, side/ModulePixels, ModulePixels) {
				t.Error("the quiet zone has a dark pixel")
			}
			text, level := decodeQR(t, img)
			check(t, text, level)
		})
		t.Run(name+"/svg", func(t *testing.T) {
			b, err := QRSVG(uri)
			if err != nil {
				t.Fatalf("QRSVG: %v", err)
			}
			// Small on purpose: a code drawn at 3 pixels a module still reads.
			img, n := rasterizeSVG(t, b, 3)
			if !quietZoneClear(img, n, 3) {
				t.Error("the quiet zone has a dark module")
			}
			text, level := decodeQR(t, img)
			check(t, text, level)
		})
	}
}

func TestQRDrawsTheEncodersBitmap(t *testing.T) {
	uri, err := Build(requests(t)["ethereum mainnet"])
	if err != nil {
		t.Fatal(err)
	}
	bm, err := QR(uri)
	if err != nil {
		t.Fatal(err)
	}
	svg, err := QRSVG(uri)
	if err != nil {
		t.Fatal(err)
	}
	img, n := rasterizeSVG(t, svg, 1)
	if n != len(bm) {
		t.Fatalf("SVG of %d modules, bitmap of %d", n, len(bm))
	}
	for y := range bm {
		for x := range bm[y] {
			if dark := img.GrayAt(x, y).Y == 0; dark != bm[y][x] {
				t.Fatalf("module (%d,%d): SVG dark=%v, bitmap %v", x, y, dark, bm[y][x])
			}
		}
	}
	// Version 1 is 21 modules; 4 on each side are the quiet zone.
	if v := (n - 8 - 17) / 4; (n-8-17)%4 != 0 || v < 1 || v > 40 {
		t.Errorf("%d modules is no QR version with its quiet zone", n)
	}
}

func TestQRRefusesWhatDoesNotFit(t *testing.T) {
	long := "tron:" + strings.Repeat("x", 3000)
	for name, f := range map[string]func(string) ([]byte, error){"png": QRPNG, "svg": QRSVG} {
		t.Run(name, func(t *testing.T) {
			if _, err := f(long); err == nil || !strings.Contains(err.Error(), ErrURIInvalid.Code) {
				t.Errorf("err = %v, want %s", err, ErrURIInvalid.Code)
			}
		})
	}
}
