// Package anchor publishes the heads of the audit log outside the table
// (sg.Anchorer): on Ethereum as the calldata of a 0-value transaction the
// anchor key sends to itself, or in the log itself only. Anyone can read
// an anchor back from the chain (FromChain) and hold an export of the log
// to it (cmd/auditverify -anchors).
package anchor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// CalldataPrefix starts every anchor's calldata.
const CalldataPrefix = "stablegate-audit:"

// WhereEthereum prefixes the Where of an anchor on Ethereum; the
// transaction's hash follows.
const WhereEthereum = "chain:ethereum:"

// Calldata is what an anchor transaction carries, in ASCII:
// "stablegate-audit:<scope>:<seq>:<hash>" (seq in decimal, hash as 64
// lowercase hex digits).
func Calldata(scope string, seq int64, hash string) []byte {
	return []byte(CalldataPrefix + scope + ":" + strconv.FormatInt(seq, 10) + ":" + hash)
}

// ErrCalldata: the data is not an anchor's.
var ErrCalldata = errors.New("anchor: not a stablegate-audit anchor")

// ParseCalldata reads an anchor's calldata back. The scope may hold ':'
// (it is what remains between the prefix and the last two fields).
func ParseCalldata(b []byte) (scope string, seq int64, hash string, err error) {
	s := string(b)
	if !strings.HasPrefix(s, CalldataPrefix) {
		return "", 0, "", ErrCalldata
	}
	s = s[len(CalldataPrefix):]
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, "", ErrCalldata
	}
	hash = s[i+1:]
	j := strings.LastIndexByte(s[:i], ':')
	if j <= 0 {
		return "", 0, "", ErrCalldata
	}
	scope = s[:j]
	seq, perr := strconv.ParseInt(s[j+1:i], 10, 64)
	if perr != nil || seq < 1 || strconv.FormatInt(seq, 10) != s[j+1:i] || !isHex64(hash) {
		return "", 0, "", ErrCalldata
	}
	return scope, seq, hash, nil
}

func isHex64(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Log anchors in the log itself only: AnchorNow keeps the anchor and
// appends its audit.anchored record; nothing leaves the table. It finds a
// truncation by anyone who cannot also rewrite the anchors, not by someone
// who can rewrite the table (use Ethereum for that).
type Log struct{}

// Anchor returns "log".
func (Log) Anchor(context.Context, string, int64, string) (string, error) { return "log", nil }

// DataSender sends a transaction carrying data and returns its hash
// (0x-prefixed hex). EthSender is the go-ethereum one.
type DataSender interface {
	SendData(ctx context.Context, data []byte) (txHash string, err error)
}

// Ethereum anchors a head as the calldata of a transaction Sender sends.
type Ethereum struct{ Sender DataSender }

// Anchor sends the head's calldata and returns "chain:ethereum:<tx hash>".
func (e Ethereum) Anchor(ctx context.Context, scope string, seq int64, hash string) (string, error) {
	if !isHex64(hash) || seq < 1 {
		return "", sg.Internal("anchor.Ethereum", fmt.Errorf("not a head: %d %q", seq, hash))
	}
	tx, err := e.Sender.SendData(ctx, Calldata(scope, seq, hash))
	if err != nil {
		return "", err
	}
	return WhereEthereum + tx, nil
}

var (
	_ sg.Anchorer = Log{}
	_ sg.Anchorer = Ethereum{}
)
