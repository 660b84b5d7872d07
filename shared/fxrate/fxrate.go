// Package fxrate holds rate sources (sg.RateSource adapters): Static, rates
// a deployment sets in its configuration (the local stack's, or a
// deployment that fixes its own), and HTTP, a JSON endpoint read with a
// field path. Rates are decimal strings end to end: a JSON number is read
// as text (json.Number), never as a float.
package fxrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Static serves fixed rates.
type Static struct {
	rates map[string]string
	// Now stamps the rates' At; time.Now when nil.
	Now func() time.Time
}

var (
	_ sg.RateSource = (*Static)(nil)
	_ sg.RateSource = (*HTTP)(nil)
)

// ParseStatic reads rates such as "EUR=0.92,GBP=0.79,CNY=7.10" (the env
// FX_RATES): supported ISO 4217 codes, each once, each a positive decimal
// of fiat per 1 USDT. Spaces around items are allowed; an empty string is
// no rates.
func ParseStatic(cfg string) (*Static, error) {
	s := &Static{rates: map[string]string{}}
	if strings.TrimSpace(cfg) == "" {
		return s, nil
	}
	for _, item := range strings.Split(cfg, ",") {
		cur, rate, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok {
			return nil, fmt.Errorf("fxrate: %q is not CUR=rate", item)
		}
		if _, err := sg.FiatDecimals(cur); err != nil {
			return nil, fmt.Errorf("fxrate: currency %q is not supported", cur)
		}
		if _, dup := s.rates[cur]; dup {
			return nil, fmt.Errorf("fxrate: %s given twice", cur)
		}
		if _, err := sg.ParseRate(rate); err != nil {
			return nil, fmt.Errorf("fxrate: rate of %s: %w", cur, err)
		}
		s.rates[cur] = rate
	}
	return s, nil
}

// Currencies lists the currencies s prices, sorted.
func (s *Static) Currencies() []string {
	out := make([]string, 0, len(s.rates))
	for c := range s.rates {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Rate returns the configured rate; a currency not configured is
// sg.ErrCurrencyUnsupported.
func (s *Static) Rate(_ context.Context, currency string) (sg.Rate, error) {
	r, ok := s.rates[currency]
	if !ok {
		return sg.Rate{}, sg.ErrCurrencyUnsupported
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return sg.Rate{Currency: currency, PerUSDT: r, Source: "static", At: now().UTC()}, nil
}

// HTTP reads rates from a JSON endpoint. URL and Field may hold
// "{currency}" (replaced by the ISO code, upper case) and "{currency_lower}".
// Field is a dot path to a number or a numeric string of fiat per 1 USDT,
// e.g. "rates.{currency}" or "tether.{currency_lower}".
type HTTP struct {
	URL   string
	Field string
	// Client does the requests; a client with Timeout when nil.
	Client  *http.Client
	Timeout time.Duration // default 5s
	// MaxAge caches a rate this long (0: no cache).
	MaxAge time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	cache map[string]sg.Rate
}

// maxBody bounds what is read of an answer.
const maxBody = 1 << 20

func (h *HTTP) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

func expand(s, cur string) string {
	return strings.NewReplacer("{currency}", cur, "{currency_lower}", strings.ToLower(cur)).Replace(s)
}

// Rate fetches the currency's rate. A currency the deployment does not
// support, or the answer does not have, is sg.ErrCurrencyUnsupported; a
// source that fails, times out or answers something that is not a
// positive decimal is unavailable (retry later).
func (h *HTTP) Rate(ctx context.Context, currency string) (sg.Rate, error) {
	if _, err := sg.FiatDecimals(currency); err != nil {
		return sg.Rate{}, err
	}
	now := h.now()
	if h.MaxAge > 0 {
		h.mu.Lock()
		r, ok := h.cache[currency]
		h.mu.Unlock()
		if ok && now.Sub(r.At) < h.MaxAge {
			return r, nil
		}
	}
	u := expand(h.URL, url.PathEscape(currency))
	src, err := url.Parse(u)
	if err != nil {
		return sg.Rate{}, sg.Internal("fxrate.HTTP", err)
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return sg.Rate{}, sg.Internal("fxrate.HTTP", err)
	}
	req.Header.Set("Accept", "application/json")
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: timeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return sg.Rate{}, sg.Unavailable("fxrate.HTTP", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return sg.Rate{}, sg.Unavailable("fxrate.HTTP", fmt.Errorf("%s answered %d", src.Host, resp.StatusCode))
	}
	v, err := Field(io.LimitReader(resp.Body, maxBody), expand(h.Field, currency))
	if errors.Is(err, errNoField) {
		return sg.Rate{}, sg.ErrCurrencyUnsupported
	}
	if err != nil {
		return sg.Rate{}, sg.ErrRateInvalid.Because("fxrate.HTTP", err)
	}
	r := sg.Rate{Currency: currency, PerUSDT: v, Source: "http:" + src.Host, At: now}
	if h.MaxAge > 0 {
		h.mu.Lock()
		if h.cache == nil {
			h.cache = map[string]sg.Rate{}
		}
		h.cache[currency] = r
		h.mu.Unlock()
	}
	return r, nil
}

var errNoField = errors.New("fxrate: no such field")

// Field reads the JSON document r and returns the positive decimal at the
// dot path (a number, or a string holding one), rounded half up to
// sg.MaxRateDecimals fractional digits and printed without trailing
// zeros. The number is read as text and converted exactly (math/big);
// exponents are accepted, floats never used.
func Field(r io.Reader, path string) (string, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return "", fmt.Errorf("fxrate: answer is not JSON: %w", err)
	}
	cur := doc
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", errNoField
		}
		if cur, ok = m[part]; !ok {
			return "", errNoField
		}
	}
	var text string
	switch v := cur.(type) {
	case json.Number:
		text = string(v)
	case string:
		text = v
	default:
		return "", fmt.Errorf("fxrate: %s is not a number", path)
	}
	return Decimal(text)
}

// Decimal normalises a JSON number's text to a positive decimal string of
// at most sg.MaxRateDecimals fractional digits.
func Decimal(text string) (string, error) {
	if len(text) > 64 || !jsonNumber(text) {
		return "", fmt.Errorf("fxrate: %q is not a decimal", text)
	}
	v, ok := new(big.Rat).SetString(text)
	if !ok || v.Sign() <= 0 {
		return "", fmt.Errorf("fxrate: %q is not a positive decimal", text)
	}
	if v.Cmp(big.NewRat(1_000_000_000, 1)) > 0 {
		return "", fmt.Errorf("fxrate: %q is out of range", text)
	}
	s := v.FloatString(sg.MaxRateDecimals)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if _, err := sg.ParseRate(s); err != nil {
		return "", fmt.Errorf("fxrate: %q rounds to nothing: %w", text, err)
	}
	return s, nil
}

// jsonNumber reports whether s follows JSON's number grammar, with a
// bounded exponent.
func jsonNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start || (s[start] == '0' && i-start > 1) {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == f {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == e || i-e > 2 {
			return false
		}
	}
	return i == len(s)
}
