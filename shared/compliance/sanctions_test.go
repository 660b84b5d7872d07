package compliance_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func listFile(name string, c sg.Chain, body string) compliance.ListFile {
	return compliance.ListFile{Name: name, Chain: c, Body: strings.NewReader(body)}
}

// The copied OFAC list parses whole: every Ethereum and Tron line is an
// entry in its key form, the Bitcoin lines of the USDT file are skipped,
// nothing else.
func TestParseListReadsEveryOFACLine(t *testing.T) {
	_, files, err := compliance.FileFetcher{Dir: ofacDir}.Fetch(bg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compliance.ParseList(files...)
	if err != nil {
		t.Fatal(err)
	}
	have := map[sg.SanctionEntry]bool{}
	for _, e := range p.Entries {
		have[e] = true
	}
	want, bitcoin := map[sg.SanctionEntry]bool{}, 0
	for _, l := range ofacLines(t) {
		if l.Chain == "" {
			bitcoin++
			continue
		}
		want[sg.SanctionEntry{Chain: l.Chain, Address: sg.ScreenKey(l.Chain, l.Address)}] = true
	}
	if len(have) != len(p.Entries) || len(have) != len(want) || p.Skipped != bitcoin || bitcoin != 7 {
		t.Fatalf("%d entries (%d distinct), %d skipped; want %d entries, 7 skipped", len(p.Entries), len(have), p.Skipped, len(want))
	}
	for e := range want {
		if !have[e] {
			t.Errorf("%s %s is missing", e.Chain, e.Address)
		}
	}
}

// A list with any line that is not an address of its file's chain is
// refused whole, naming the file and line.
func TestParseListRefusesABadLine(t *testing.T) {
	good := "0x175d44451403Edf28469dF03A9280c1197ADb92c\n"
	for _, c := range []struct {
		name string
		f    compliance.ListFile
		at   string
	}{
		{"an Ethereum address whose mixed case breaks its checksum", listFile("eth", sg.Ethereum, good+"0x175D44451403Edf28469dF03A9280c1197ADb92c\n"), "eth line 2"},
		{"a Tron address in the Ethereum file", listFile("eth", sg.Ethereum, "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre\n"), "eth line 1"},
		{"an Ethereum address in the Tron file", listFile("trx", sg.Tron, good), "trx line 1"},
		{"a Tron address whose checksum is wrong", listFile("trx", sg.Tron, "TBHTJqAy4DhHhmT3dNceJYNRz4SdLofLrf\n"), "trx line 1"},
		{"a short Ethereum address", listFile("usdt", "", "0x175d44451403Edf\n"), "usdt line 1"},
		{"a word", listFile("usdt", "", "\n# comment\nhello\n"), "usdt line 3"},
		{"a Bitcoin-looking line with a bad checksum", listFile("usdt", "", "16iWn2J1McqjToYLHSsAyS6En3QA8YQ91J\n"), "usdt line 1"},
		{"a Bitcoin address in a file of one chain", listFile("eth", sg.Ethereum, "16iWn2J1McqjToYLHSsAyS6En3QA8YQ91H\n"), "eth line 1"},
		{"a line longer than any address", listFile("usdt", "", good+strings.Repeat("a", 300)+"\n"), "usdt line 2"},
		{"a file of an unknown chain", listFile("btc", "bitcoin", good), "btc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := compliance.ParseList(c.f)
			var e *sg.Error
			if !errors.As(err, &e) || e.Code != "sanctions_list_invalid" || !strings.Contains(e.Message, c.at) {
				t.Fatalf("ParseList = %v; want sanctions_list_invalid at %q", err, c.at)
			}
		})
	}
}

// The same addresses make the same list however they are written: order,
// case of Ethereum hex, blank lines, comments and repeats do not change
// the hash; one address more does.
func TestParseListHashIsTheContent(t *testing.T) {
	a := listFile("eth", sg.Ethereum, "0x175d44451403Edf28469dF03A9280c1197ADb92c\n0x19aa5fe80d33a56d56c78e82ea5e50e5d80b4dff\n")
	b := listFile("eth", sg.Ethereum, "# list\n\n  0x19AA5FE80D33A56D56C78E82EA5E50E5D80B4DFF\n0x175d44451403edf28469df03a9280c1197adb92c\n0x175d44451403Edf28469dF03A9280c1197ADb92c\n")
	c := listFile("eth", sg.Ethereum, "0x175d44451403Edf28469dF03A9280c1197ADb92c\n0x19aa5fe80d33a56d56c78e82ea5e50e5d80b4dff\n0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535\n")
	pa, err1 := compliance.ParseList(a)
	pb, err2 := compliance.ParseList(b)
	pc, err3 := compliance.ParseList(c)
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if pa.Hash != pb.Hash || len(pb.Entries) != 2 {
		t.Fatalf("same content, hashes %s and %s (%d entries)", pa.Hash, pb.Hash, len(pb.Entries))
	}
	if pa.Hash == pc.Hash {
		t.Fatal("another address, same hash")
	}
	if v := pa.Version(listDate); v != "2024-09-27."+pa.Hash[:16] {
		t.Fatalf("version %s", v)
	}
}

// The parser takes outside input: whatever it is given, it refuses it by
// name or returns valid, sorted, distinct entries that parse again to the
// same hash.
func FuzzParseList(f *testing.F) {
	for _, o := range compliance.OFACFiles {
		b, err := os.ReadFile(filepath.Join(ofacDir, o.Name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("# c\n\n0x175d44451403Edf28469dF03A9280c1197ADb92c\r\nTBHTJqAy4DhHhmT3dNceJYNRz4SdLofLre\nbc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\n"))
	f.Add([]byte("0X175D44451403EDF28469DF03A9280C1197ADB92C\n3E6ZCKRrsdPc35chA9Eftp1h3DLW18NFNV"))
	f.Add([]byte("T\n0x\n1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := compliance.ParseList(compliance.ListFile{Name: "fuzz", Body: bytes.NewReader(data)})
		if err != nil {
			if sg.KindOf(err) != sg.KindInvalid {
				t.Fatalf("refused with %v; want a named refusal", err)
			}
			return
		}
		var again strings.Builder
		for i, e := range p.Entries {
			if _, err := address.Parse(e.Chain, e.Address); err != nil || e.Address != sg.ScreenKey(e.Chain, e.Address) {
				t.Fatalf("entry %+v is not a valid key (%v)", e, err)
			}
			if i > 0 {
				prev := p.Entries[i-1]
				if prev.Chain > e.Chain || prev.Chain == e.Chain && prev.Address >= e.Address {
					t.Fatalf("entries out of order or repeated: %+v then %+v", prev, e)
				}
			}
			again.WriteString(e.Address + "\n")
		}
		q, err := compliance.ParseList(compliance.ListFile{Name: "again", Body: strings.NewReader(again.String())})
		if err != nil || q.Hash != p.Hash {
			t.Fatalf("the entries parse again to %v, %v; want hash %s", q.Hash, err, p.Hash)
		}
	})
}

// failingPuts is the twin whose entry writes fail after the first call
// (a load cut off halfway).
type failingPuts struct {
	*memstore.Sanctions
	calls int
}

func (f *failingPuts) PutSanctionEntries(ctx context.Context, v string, es []sg.SanctionEntry) error {
	f.calls++
	if f.calls > 1 {
		return sg.ErrUnavailable
	}
	return f.Sanctions.PutSanctionEntries(ctx, v, es[:len(es)/2])
}

// A list is published once per content: the same content again is
// skipped (whatever its date), new content publishes a new version, an
// empty list is refused. (The OFAC files hold 173 distinct addresses:
// four USDT lines repeat Ethereum ones.)
func TestLoadListPublishesEachContentOnce(t *testing.T) {
	f := newScreen(t, true)
	if f.list.Count != 173 || f.list.Source != "ofac" || !strings.HasPrefix(f.list.Version, "2024-09-27.") || !f.list.LoadedAt.Equal(screenNow) {
		t.Fatalf("loaded %+v", f.list)
	}
	l, loaded, err := f.svc.Refresh(bg, compliance.FileFetcher{Dir: ofacDir, Date: listDate.AddDate(0, 1, 0)})
	if err != nil || loaded || l.Version != f.list.Version {
		t.Fatalf("the same list again = %+v, %v, %v; want the version in use, not loaded", l, loaded, err)
	}
	extra := "0x0000000000000000000000000000000000000001"
	newer := []compliance.ListFile{listFile("eth", sg.Ethereum, extra+"\n")}
	l, loaded, err = f.svc.LoadList(bg, listDate.AddDate(0, 2, 0), newer...)
	if err != nil || !loaded || l.Version == f.list.Version || l.Count != 1 || !strings.HasPrefix(l.Version, "2024-11-27.") {
		t.Fatalf("new content = %+v, %v, %v", l, loaded, err)
	}
	if _, _, err := f.svc.LoadList(bg, listDate, listFile("empty", sg.Ethereum, "# nothing\n")); sg.KindOf(err) != sg.KindInvalid {
		t.Fatalf("an empty list = %v; want refused", err)
	}
}

// A load whose writes fail before publishing leaves the list in use in
// force: the entries it did write are never used.
func TestLoadCutOffLeavesTheListInUse(t *testing.T) {
	f := newScreen(t, true)
	broken := &failingPuts{Sanctions: f.st, calls: 1}
	cut := &compliance.Screening{Store: broken, Cases: f.cases, Now: f.svc.Now}
	addr := "0x0000000000000000000000000000000000000009"
	if _, _, err := cut.LoadList(bg, listDate, listFile("eth", sg.Ethereum, addr+"\n")); !errors.Is(err, sg.ErrUnavailable) {
		t.Fatalf("LoadList = %v; want the store's fault", err)
	}
	cur, _, _ := f.st.CurrentSanctions(bg)
	listed, v, err := f.st.Listed(bg, sg.Ethereum, "0x19aa5fe80d33a56d56c78e82ea5e50e5d80b4dff")
	if err != nil || cur.Version != f.list.Version || !listed || v != f.list.Version {
		t.Fatalf("in use %s, listed %v at %s (%v); want %s kept", cur.Version, listed, v, err, f.list.Version)
	}
}

// The scheduled refresh reads the list over HTTPS, dated by the files'
// Last-Modified, and skips an unchanged list; plain HTTP is refused.
func TestRefreshOverHTTPS(t *testing.T) {
	modified := time.Date(2024, 9, 27, 8, 30, 0, 0, time.UTC)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join(ofacDir, filepath.Base(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
		w.Write(b) //nolint:errcheck // test server
	}))
	defer srv.Close()
	f := newScreen(t, false)
	fetch := compliance.HTTPFetcher{BaseURL: srv.URL + "/lists", Client: srv.Client()}
	l, loaded, err := f.svc.Refresh(bg, fetch)
	if err != nil || !loaded || l.Count != 173 || !strings.HasPrefix(l.Version, "2024-09-27.") {
		t.Fatalf("Refresh = %+v, %v, %v", l, loaded, err)
	}
	if again, loaded, err := f.svc.Refresh(bg, fetch); err != nil || loaded || again.Version != l.Version {
		t.Fatalf("unchanged Refresh = %+v, %v, %v", again, loaded, err)
	}
	plain := compliance.HTTPFetcher{BaseURL: strings.Replace(srv.URL, "https", "http", 1), Client: srv.Client()}
	if _, _, err := f.svc.Refresh(bg, plain); err == nil {
		t.Fatal("fetched a list over plain HTTP")
	}
	missing := compliance.HTTPFetcher{BaseURL: srv.URL + "/nowhere/x", Client: srv.Client()}
	srvMissing := httptest.NewTLSServer(http.NotFoundHandler())
	defer srvMissing.Close()
	missing.BaseURL, missing.Client = srvMissing.URL, srvMissing.Client()
	if _, _, err := f.svc.Refresh(bg, missing); sg.KindOf(err) != sg.KindUnavailable {
		t.Fatalf("a source answering 404 = %v; want unavailable (retried next run)", err)
	}
}

// The configured source names its fetcher: an https URL or a directory;
// anything else is refused at start.
func TestFetcherFor(t *testing.T) {
	for _, c := range []struct {
		source string
		want   any
	}{
		{"https://example.com/lists", compliance.HTTPFetcher{BaseURL: "https://example.com/lists"}},
		{"infra/ofac", compliance.FileFetcher{Dir: "infra/ofac"}},
		{"http://example.com/lists", nil},
		{"s3://bucket/lists", nil},
		{"", nil},
	} {
		got, err := compliance.FetcherFor(c.source)
		if c.want == nil && err == nil || c.want != nil && (err != nil || fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", c.want)) {
			t.Errorf("FetcherFor(%q) = %#v, %v; want %#v", c.source, got, err, c.want)
		}
	}
}
