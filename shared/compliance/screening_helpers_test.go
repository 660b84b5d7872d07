package compliance_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var bg = context.Background()

// ofacDir is the copy of the OFAC files the deployment ships.
var ofacDir = filepath.Join("..", "..", "infra", "ofac")

// listDate is the date of the copied list.
var listDate = time.Date(2024, 9, 27, 0, 0, 0, 0, time.UTC)

// caseLog records the case requests screening makes, one case per key, as
// the case service opens them; Fail makes every request fail.
type caseLog struct {
	mu    sync.Mutex
	byKey map[string]sg.CaseRequest
	order []string
	Fail  error
}

func (c *caseLog) OpenCase(_ context.Context, r sg.CaseRequest) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Fail != nil {
		return "", c.Fail
	}
	if c.byKey == nil {
		c.byKey = map[string]sg.CaseRequest{}
	}
	if _, ok := c.byKey[r.Key]; !ok {
		c.byKey[r.Key] = r
		c.order = append(c.order, r.Key)
	}
	for i, k := range c.order {
		if k == r.Key {
			return fmt.Sprintf("case_%d", i+1), nil
		}
	}
	return "", errors.New("unreachable")
}

func (c *caseLog) all() []sg.CaseRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]sg.CaseRequest, 0, len(c.order))
	for _, k := range c.order {
		out = append(out, c.byKey[k])
	}
	return out
}

type screenFix struct {
	st    *memstore.Sanctions
	cases *caseLog
	svc   *compliance.Screening
	list  sg.SanctionsList
}

var screenNow = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// newScreen is screening over the twin; with load, the copied OFAC list
// is loaded.
func newScreen(t *testing.T, load bool) *screenFix {
	t.Helper()
	f := &screenFix{st: memstore.NewSanctions(), cases: &caseLog{}}
	f.svc = &compliance.Screening{Store: f.st, Cases: f.cases, Now: func() time.Time { return screenNow }}
	if load {
		l, loaded, err := f.svc.Refresh(bg, compliance.FileFetcher{Dir: ofacDir, Date: listDate})
		if err != nil || !loaded {
			t.Fatalf("Refresh = %+v, %v, %v", l, loaded, err)
		}
		f.list = l
	}
	return f
}

// ofacLine is one line of the copied files with the chain it is on ("" for
// the Bitcoin lines of the USDT list).
type ofacLine struct {
	File, Address string
	Chain         sg.Chain
}

func ofacLines(t *testing.T) []ofacLine {
	t.Helper()
	var out []ofacLine
	for _, f := range compliance.OFACFiles {
		b, err := os.ReadFile(filepath.Join(ofacDir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			l = strings.TrimSpace(l)
			c := f.Chain
			switch {
			case strings.HasPrefix(l, "0x"):
				c = sg.Ethereum
			case strings.HasPrefix(l, "T"):
				c = sg.Tron
			case c == "":
			default:
				t.Fatalf("%s: %q is not of the file's chain", f.Name, l)
			}
			out = append(out, ofacLine{File: f.Name, Address: l, Chain: c})
		}
	}
	return out
}
