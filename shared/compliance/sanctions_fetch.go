package compliance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// FileFetcher reads the OFAC files (OFACFiles) from a directory, such as
// the copy in infra/ofac bundled with a deployment.
type FileFetcher struct {
	Dir string
	// Date is the list's date; zero takes the newest file's modification
	// time.
	Date time.Time
}

// Fetch reads the files.
func (f FileFetcher) Fetch(context.Context) (time.Time, []ListFile, error) {
	var files []ListFile
	date := f.Date
	for _, o := range OFACFiles {
		p := filepath.Join(f.Dir, o.Name)
		st, err := os.Stat(p)
		if err != nil {
			return time.Time{}, nil, sg.Internal("compliance.fetch_file", err)
		}
		if st.Size() > MaxListBytes {
			return time.Time{}, nil, listError(o.Name, 0, "the file is larger than a sanctions list can be")
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return time.Time{}, nil, sg.Internal("compliance.fetch_file", err)
		}
		if f.Date.IsZero() && st.ModTime().After(date) {
			date = st.ModTime()
		}
		files = append(files, ListFile{Name: o.Name, Chain: o.Chain, Body: bytes.NewReader(b)})
	}
	return date, files, nil
}

// HTTPFetcher fetches the OFAC files (OFACFiles) under a base URL, such as
// a mirror of 0xB10C/ofac-sanctioned-digital-currency-addresses' lists.
type HTTPFetcher struct {
	// BaseURL is the folder the files are in; it must be https.
	BaseURL string
	// Client is the HTTP client (nil: one with a 30-second timeout).
	Client *http.Client
	// AllowHTTP lets a test serve the files over plain HTTP on loopback.
	AllowHTTP bool
	// Now dates a list whose answer has no Last-Modified (nil: time.Now).
	Now func() time.Time
}

// Fetch downloads the files; the list's date is the newest Last-Modified.
func (f HTTPFetcher) Fetch(ctx context.Context) (time.Time, []ListFile, error) {
	base, err := url.Parse(strings.TrimRight(f.BaseURL, "/") + "/")
	if err != nil || base.Host == "" || base.Scheme != "https" && !(f.AllowHTTP && base.Scheme == "http") {
		return time.Time{}, nil, sg.Internal("compliance.fetch_http", fmt.Errorf("sanctions source %q is not an https URL", f.BaseURL))
	}
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	var date time.Time
	var files []ListFile
	for _, o := range OFACFiles {
		b, modified, err := f.get(ctx, client, base.JoinPath(o.Name).String())
		if err != nil {
			return time.Time{}, nil, err
		}
		if modified.After(date) {
			date = modified
		}
		files = append(files, ListFile{Name: o.Name, Chain: o.Chain, Body: bytes.NewReader(b)})
	}
	if date.IsZero() {
		now := time.Now
		if f.Now != nil {
			now = f.Now
		}
		date = now()
	}
	return date, files, nil
}

func (f HTTPFetcher) get(ctx context.Context, client *http.Client, u string) ([]byte, time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, time.Time{}, sg.Internal("compliance.fetch_http", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, time.Time{}, sg.ErrUnavailable.Because("compliance.fetch_http", err)
	}
	defer resp.Body.Close() //nolint:errcheck // a read-only body
	if resp.StatusCode != http.StatusOK {
		return nil, time.Time{}, sg.ErrUnavailable.Because("compliance.fetch_http", fmt.Errorf("GET %s: %s", u, resp.Status))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxListBytes+1))
	if err != nil {
		return nil, time.Time{}, sg.ErrUnavailable.Because("compliance.fetch_http", err)
	}
	if len(b) > MaxListBytes {
		return nil, time.Time{}, listError(u, 0, "the file is larger than a sanctions list can be")
	}
	modified, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	return b, modified, nil
}

// FetcherFor is the fetcher of a configured source: an https:// URL (the
// folder the files are in) or a directory path.
func FetcherFor(source string) (Fetcher, error) {
	switch {
	case strings.HasPrefix(source, "https://"):
		return HTTPFetcher{BaseURL: source}, nil
	case source == "" || strings.Contains(source, "://"):
		return nil, sg.Internal("compliance.fetcher", fmt.Errorf("sanctions source %q is neither an https URL nor a directory", source))
	}
	return FileFetcher{Dir: source}, nil
}
