package compliance

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// List limits: a sanctions list is small (about 200 addresses in 2024);
// anything far larger is not one.
const (
	// MaxListBytes bounds one file of a list.
	MaxListBytes = 4 << 20
	// MaxLineBytes bounds one line (an address is at most 42 characters).
	MaxLineBytes = 256
)

// ListFile is one file of a sanctions list. Chain says which chain its
// addresses are on; "" takes each line's chain from its form (0x… is
// Ethereum, T… is Tron, and Bitcoin addresses, which no chain here pays,
// are skipped).
type ListFile struct {
	Name  string
	Chain sg.Chain
	Body  io.Reader
}

// OFACFiles are the files of the OFAC list as published (and copied into
// infra/ofac), with the chain of each.
var OFACFiles = []struct {
	Name  string
	Chain sg.Chain
}{
	{"sanctioned_addresses_ETH.txt", sg.Ethereum},
	{"sanctioned_addresses_TRX.txt", sg.Tron},
	{"sanctioned_addresses_USDT.txt", ""}, // USDT on Ethereum, Tron and Omni
}

// ParsedList is a list read and checked: its entries in ScreenKey form,
// sorted by chain and address, each once; how many lines were skipped
// (addresses of other chains); and the hash of the entries.
type ParsedList struct {
	Entries []sg.SanctionEntry
	Skipped int
	// Hash is the SHA-256 of the entries, one "chain:address\n" each in
	// order: the same addresses give the same hash, however written.
	Hash string
}

// Version names a list of date with this content: "2024-09-27.<16 hex>".
func (p ParsedList) Version(date time.Time) string {
	return date.UTC().Format(time.DateOnly) + "." + p.Hash[:16]
}

// sameContent reports whether version names a list of p's content.
func (p ParsedList) sameContent(version string) bool {
	_, h, ok := strings.Cut(version, ".")
	return ok && h == p.Hash[:16]
}

// ParseList reads the files of a list. Blank lines and lines starting
// with # are skipped; every other line must be an address of the file's
// chain (an Ethereum one with mixed case must match its EIP-55 checksum),
// or the list is refused naming the file and line: a list that cannot be
// read whole is never loaded.
func ParseList(files ...ListFile) (ParsedList, error) {
	seen := map[sg.SanctionEntry]bool{}
	var p ParsedList
	for _, f := range files {
		if f.Chain != "" && !f.Chain.Valid() {
			return ParsedList{}, listError(f.Name, 0, "the file's chain is neither ethereum nor tron")
		}
		if err := parseFile(f, seen, &p); err != nil {
			return ParsedList{}, err
		}
	}
	p.Entries = make([]sg.SanctionEntry, 0, len(seen))
	for e := range seen {
		p.Entries = append(p.Entries, e)
	}
	sort.Slice(p.Entries, func(i, j int) bool {
		a, b := p.Entries[i], p.Entries[j]
		return a.Chain < b.Chain || a.Chain == b.Chain && a.Address < b.Address
	})
	h := sha256.New()
	for _, e := range p.Entries {
		io.WriteString(h, string(e.Chain)+":"+e.Address+"\n") //nolint:errcheck // a hash never fails to write
	}
	p.Hash = hex.EncodeToString(h.Sum(nil))
	return p, nil
}

func parseFile(f ListFile, seen map[sg.SanctionEntry]bool, p *ParsedList) error {
	body := io.LimitReader(f.Body, MaxListBytes+1)
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 1024), MaxLineBytes)
	read, line := 0, 0
	for sc.Scan() {
		line++
		read += len(sc.Bytes()) + 1
		if read > MaxListBytes+1 {
			return listError(f.Name, line, "the file is larger than a sanctions list can be")
		}
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		c, ok := lineChain(f.Chain, s)
		if !ok {
			if f.Chain == "" && bitcoinLike(s) {
				p.Skipped++
				continue
			}
			return listError(f.Name, line, "the line is not an address of the file's chain")
		}
		if _, err := address.Parse(c, s); err != nil {
			return listError(f.Name, line, "the line is not a valid "+string(c)+" address")
		}
		seen[sg.SanctionEntry{Chain: c, Address: sg.ScreenKey(c, s)}] = true
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return listError(f.Name, line+1, "the line is longer than any address")
		}
		return sg.Internal("compliance.parse_list", err)
	}
	return nil
}

// lineChain is the chain a line's address is on, by its form, if the
// file allows that chain.
func lineChain(want sg.Chain, s string) (sg.Chain, bool) {
	var c sg.Chain
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		c = sg.Ethereum
	case strings.HasPrefix(s, "T"):
		c = sg.Tron
	default:
		return "", false
	}
	return c, want == "" || want == c
}

// bitcoinLike reports whether s has the form of a Bitcoin address
// (base58 starting 1 or 3, or bech32 starting bc1): USDT's Omni layer,
// which no chain of this platform pays.
func bitcoinLike(s string) bool {
	if strings.HasPrefix(s, "bc1") {
		if len(s) < 14 || len(s) > 74 {
			return false
		}
		for _, r := range s[3:] {
			if !strings.ContainsRune("qpzry9x8gf2tvdw0s3jn54khce6mua7l", r) {
				return false
			}
		}
		return true
	}
	if s[0] != '1' && s[0] != '3' || len(s) < 26 || len(s) > 35 {
		return false
	}
	payload, err := address.Base58CheckDecode(s)
	return err == nil && len(payload) == 21 && (payload[0] == 0 || payload[0] == 5)
}

func listError(file string, line int, why string) error {
	if line > 0 {
		return sg.ErrSanctionsListInvalid.WithMessage("%s line %d: %s", file, line, why)
	}
	return sg.ErrSanctionsListInvalid.WithMessage("%s: %s", file, why)
}

// LoadList parses the files of the list dated date and, unless the list
// in use has the same content, loads it: its entries are written under
// its version, then the version is published. A list that fails to parse,
// or to be written whole, is never published; the one in use stays. It
// returns the list in use after the call and whether it was loaded now.
func (s *Screening) LoadList(ctx context.Context, date time.Time, files ...ListFile) (sg.SanctionsList, bool, error) {
	p, err := ParseList(files...)
	if err != nil {
		return sg.SanctionsList{}, false, err
	}
	if len(p.Entries) == 0 {
		return sg.SanctionsList{}, false, listError("list", 0, "the list holds no address")
	}
	cur, ok, err := s.Store.CurrentSanctions(ctx)
	if err != nil {
		return sg.SanctionsList{}, false, err
	}
	if ok && p.sameContent(cur.Version) {
		return cur, false, nil
	}
	l := sg.SanctionsList{Source: sg.SanctionsOFAC, Version: p.Version(date), LoadedAt: s.now(), Count: len(p.Entries), Counts: map[sg.Chain]int{}}
	for _, e := range p.Entries {
		l.Counts[e.Chain]++
	}
	if err := s.Store.PutSanctionEntries(ctx, l.Version, p.Entries); err != nil {
		return sg.SanctionsList{}, false, err
	}
	if err := s.Store.PublishSanctions(ctx, l); err != nil {
		return sg.SanctionsList{}, false, err
	}
	return l, true, nil
}

// Fetcher fetches the current sanctions list from its source, with the
// date it was published (a file path or an HTTPS URL: see FileFetcher and
// HTTPFetcher).
type Fetcher interface {
	Fetch(ctx context.Context) (date time.Time, files []ListFile, err error)
}

// Refresh is the scheduled job: it fetches the list and loads it if its
// content changed since the version in use.
func (s *Screening) Refresh(ctx context.Context, f Fetcher) (sg.SanctionsList, bool, error) {
	date, files, err := f.Fetch(ctx)
	if err != nil {
		return sg.SanctionsList{}, false, err
	}
	return s.LoadList(ctx, date, files...)
}
