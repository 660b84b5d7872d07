package memstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// History lists a wallet's transfers (those from or to it), newest first,
// one page at a time, as the adapter's history lines give them: ordered by
// creation time (From inclusive, To exclusive, at the microsecond), with
// type, state and chain as filters. The adapter writes its lines from the
// table's stream; the twin's history is always caught up. The cursor is
// the adapter's (the last line's sort key, base64url).
func (st *Store) History(_ context.Context, tenant, wallet string, f sg.HistoryFilter, page sg.Page) ([]sg.Transfer, string, error) {
	after := ""
	if page.Cursor != "" {
		var err error
		if after, err = decodeHistCursor(page.Cursor); err != nil {
			return nil, "", err
		}
	}
	lo, hi := "0", "9"
	if !f.From.IsZero() {
		lo = fmt.Sprintf("%016d", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		hi = fmt.Sprintf("%016d", f.To.UnixMicro())
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	type line struct {
		sk string
		t  *sg.Transfer
	}
	var lines []line
	for _, t := range st.transfers[tenant] {
		if wallet == "" || t.FromWallet != wallet && t.ToWallet != wallet {
			continue
		}
		sk := fmt.Sprintf("%016d#%s", t.CreatedAt.UnixMicro(), t.ID)
		if sk < lo || sk > hi || after != "" && sk >= after ||
			f.Type != "" && t.Type != f.Type || f.State != "" && t.State != f.State || f.Chain != "" && t.Chain != f.Chain {
			continue
		}
		lines = append(lines, line{sk, t})
	}
	sort.Slice(lines, func(i, k int) bool { return lines[i].sk > lines[k].sk })
	next := ""
	if len(lines) > page.Limit {
		lines = lines[:page.Limit]
		if page.Limit > 0 {
			next = base64.RawURLEncoding.EncodeToString([]byte(lines[page.Limit-1].sk))
		}
	}
	out := make([]sg.Transfer, 0, len(lines))
	for _, l := range lines {
		out = append(out, copyTransfer(l.t))
	}
	return out, next, nil
}

func decodeHistCursor(c string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	b := string(raw)
	if err != nil || len(b) < 18 || b[16] != '#' {
		return "", sg.ErrInvalidCursor
	}
	for _, ch := range b[:16] {
		if ch < '0' || ch > '9' {
			return "", sg.ErrInvalidCursor
		}
	}
	if !sg.ValidID("txn", b[17:]) {
		return "", sg.ErrInvalidCursor
	}
	return b, nil
}
