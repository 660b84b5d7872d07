package paylink

import (
	"bytes"
	"errors"
	"image/png"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Every format of Render gives back the request: the URI as text, the QR
// codes decoded, the NDEF message parsed.
func TestRenderEveryFormat(t *testing.T) {
	reqs := requests(t)
	for _, name := range []string{"ethereum mainnet", "ethereum local chain", "tron mainnet", "tron local token"} {
		r := reqs[name]
		uri, err := Build(r)
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			format, contentType string
			read                func(*testing.T, []byte) string
		}{
			{FormatURI, "text/plain; charset=utf-8", func(_ *testing.T, b []byte) string { return string(b) }},
			{FormatPNG, "image/png", func(t *testing.T, b []byte) string {
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatalf("not a PNG: %v", err)
				}
				text, _ := decodeQR(t, img)
				return text
			}},
			{FormatSVG, "image/svg+xml", func(t *testing.T, b []byte) string {
				img, _ := rasterizeSVG(t, b, 2)
				text, _ := decodeQR(t, img)
				return text
			}},
			{FormatNDEF, "application/octet-stream", func(t *testing.T, b []byte) string {
				u, err := ParseNDEF(b)
				if err != nil {
					t.Fatalf("ParseNDEF: %v", err)
				}
				return u
			}},
		}
		for _, c := range cases {
			t.Run(name+"/"+c.format, func(t *testing.T) {
				ct, body, err := Render(r, c.format)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				if ct != c.contentType {
					t.Errorf("content type %q, want %q", ct, c.contentType)
				}
				got := c.read(t, body)
				if got != uri {
					t.Fatalf("read %q, want %q", got, uri)
				}
				if back, err := Parse(got); err != nil || back != r {
					t.Errorf("Parse = %+v, %v; want %+v", back, err, r)
				}
			})
		}
	}
	if len(Formats) != 4 {
		t.Errorf("Formats = %v; the table above covers 4", Formats)
	}
}

func TestRenderRefuses(t *testing.T) {
	good := requests(t)["tron mainnet"]
	bad := good
	bad.Amount = 0
	cases := []struct {
		name   string
		req    Request
		format string
		want   *sg.Error
	}{
		{"an unknown format", good, "jpeg", ErrFormatUnknown},
		{"no format", good, "", ErrFormatUnknown},
		{"a format in capitals", good, "PNG", ErrFormatUnknown},
		{"an unknown format wins over a bad request", bad, "gif", ErrFormatUnknown},
		{"a bad request", bad, FormatPNG, ErrRequestInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct, body, err := Render(c.req, c.format)
			if !errors.Is(err, c.want) || ct != "" || body != nil {
				t.Errorf("Render = %q, %d bytes, %v; want %s", ct, len(body), err, c.want.Code)
			}
		})
	}
}
