// Command apiclients is the portal's Go sample for API clients: it trades
// a client's credentials for a token at POST /oauth/token (OAuth 2.0 client
// credentials, client_secret_basic), caches it until shortly before it
// expires, calls the API with it and backs off on 429 as Retry-After says.
// It uses only the standard library. Run it against a running stack with a
// client made first (see the curl sample):
//
//	API=http://127.0.0.1:8080 CLIENT_ID=ac_... CLIENT_SECRET=sgs_... go run ./portal/samples/go/apiclients
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tokenSource fetches and caches client credentials tokens.
type tokenSource struct {
	api, id, secret string
	mu              sync.Mutex
	token           string
	expires         time.Time
}

// Token returns a token valid for at least another minute.
func (s *tokenSource) Token() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && time.Until(s.expires) > time.Minute {
		return s.token, nil
	}
	req, err := http.NewRequest("POST", s.api+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// RFC 6749 section 2.3.1: the id and secret are form-encoded inside Basic.
	req.SetBasicAuth(url.QueryEscape(s.id), url.QueryEscape(s.secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("token refused: %s (%s)", out.Error, out.Description)
	}
	s.token, s.expires = out.AccessToken, time.Now().Add(time.Duration(out.ExpiresIn)*time.Second)
	return s.token, nil
}

// get calls the API, waiting out a 429 once as Retry-After says.
func get(ts *tokenSource, path string) (int, http.Header, []byte, error) {
	for attempt := 0; ; attempt++ {
		tok, err := ts.Token()
		if err != nil {
			return 0, nil, nil, err
		}
		req, _ := http.NewRequest("GET", ts.api+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests && attempt == 0 {
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			fmt.Printf("rate limited; retrying in %d s\n", wait)
			time.Sleep(time.Duration(wait) * time.Second)
			continue
		}
		return resp.StatusCode, resp.Header, body, nil
	}
}

func main() {
	ts := &tokenSource{api: os.Getenv("API"), id: os.Getenv("CLIENT_ID"), secret: os.Getenv("CLIENT_SECRET")}
	if ts.api == "" || ts.id == "" || ts.secret == "" {
		fmt.Fprintln(os.Stderr, "set API, CLIENT_ID and CLIENT_SECRET")
		os.Exit(2)
	}
	status, hdr, _, err := get(ts, "/v1/wallets")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("GET /v1/wallets: %d; RateLimit: %s; RateLimit-Policy: %s\n", status, hdr.Get("RateLimit"), hdr.Get("RateLimit-Policy"))
	if _, err := ts.Token(); err == nil {
		fmt.Println("the cached token is reused until a minute before it expires")
	}
}
