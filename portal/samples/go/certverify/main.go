// Command certverify checks a Stablegate course certificate offline: the
// certificate is a compact JWS (ES256) and the key set is the one published
// at GET /v1/certificate-keys (saved to a file, or fetched from its URL).
//
//	go run ./portal/samples/go/certverify -keys keys.json -certificate eyJhbGciOi...
//
// It prints who passed which course and exits 0 if the certificate is
// valid; it exits 1 if it is altered, signed by another key or expired.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// claims are a certificate's signed claims.
type claims struct {
	jwt.RegisteredClaims
	Name        string `json:"name"`
	Course      string `json:"course"`
	CourseTitle string `json:"course_title"`
	Band        string `json:"band"`
}

func readKeys(src string) ([]byte, error) {
	if strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://") {
		c := &http.Client{Timeout: 10 * time.Second}
		resp, err := c.Get(src)
		if err != nil {
			return nil, err
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s answered %s", src, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	}
	return os.ReadFile(src)
}

func main() {
	keys := flag.String("keys", "", "the published key set: a file or a URL (GET /v1/certificate-keys)")
	cert := flag.String("certificate", "", "the certificate token")
	flag.Parse()
	raw, err := readKeys(*keys)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reading the key set:", err)
		os.Exit(2)
	}
	kf, err := keyfunc.NewJWKSetJSON(json.RawMessage(raw))
	if err != nil {
		fmt.Fprintln(os.Stderr, "the key set:", err)
		os.Exit(2)
	}
	var c claims
	_, err = jwt.ParseWithClaims(strings.TrimSpace(*cert), &c, kf.Keyfunc,
		jwt.WithValidMethods([]string{"ES256"}), // the only algorithm certificates use
		jwt.WithIssuer("stablegate-certificates"),
		jwt.WithExpirationRequired(),
		jwt.WithStrictDecoding()) // any changed character fails, even in the signature's last bits
	if err != nil {
		reason := "not signed by the published key, or altered"
		if errors.Is(err, jwt.ErrTokenExpired) {
			reason = "expired"
		} else if errors.Is(err, jwt.ErrTokenMalformed) {
			reason = "not a certificate"
		}
		fmt.Println("NOT valid:", reason)
		os.Exit(1)
	}
	fmt.Printf("valid: %s passed %q (%s), certificate %s, issued %s, expires %s\n", c.Name, c.CourseTitle, c.Band, c.ID,
		c.IssuedAt.UTC().Format("2 January 2006"), c.ExpiresAt.UTC().Format("2 January 2006"))
}
