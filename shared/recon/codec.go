package recon

// ---- reconckpt: the progress's compact encoding (issue 18) ----

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// progressFormat opens every encoded progress; a progress in another
// format (an older or newer release) is refused, never misread. Change it
// whenever Progress or fold changes meaning.
const progressFormat = "RCKP2"

// errMalformed is a checkpoint that cannot be read back.
var errMalformed = errors.New("recon: malformed checkpoint")

// MarshalBinary encodes the progress: the checkpoint a scheduled step
// leaves for the next. The per-wallet sums dominate: they are written in
// wallet order with each wallet id front-coded against the one before
// (ids made by sg.NewID share their time prefix), the chain and asset as
// an index into a small table, and only the non-zero sums as varints;
// the whole is deflated and closed by a CRC-32. About 15-25 bytes per
// wallet account (BenchmarkProgressCheckpoint).
func (p *Progress) MarshalBinary() ([]byte, error) {
	var e enc
	e.uvarint(uint64(len(p.after)))
	for i, a := range p.after {
		e.bool(p.done[i])
		e.str(a)
	}
	e.uvarint(uint64(p.pages))
	quarantined := make([]string, 0, len(p.quarantined))
	for c := range p.quarantined {
		quarantined = append(quarantined, string(c))
	}
	slices.Sort(quarantined)
	e.uvarint(uint64(len(quarantined)))
	for _, c := range quarantined {
		e.str(c)
		e.varint(int64(p.quarantined[sg.Chain(c)]))
	}
	for _, c := range []*Check{&p.balanced, &p.floors, &p.match, &p.held} {
		e.check(c)
	}
	e.str(p.walletAfter)
	e.bool(p.walletsDone)
	e.uvarint(uint64(len(p.suspects)))
	for _, s := range p.suspects {
		e.str(s.K.Wallet)
		e.str(string(s.K.Chain))
		e.str(string(s.K.Asset))
		e.uvarint(uint64(s.Shards))
	}
	e.uvarint(uint64(p.suspectAt))
	e.uvarint(uint64(p.settled))
	e.uvarint(uint64(p.settleLines))

	keys := make([]wkey, 0, len(p.sums))
	for k := range p.sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b wkey) int {
		return cmp3(a.Wallet, b.Wallet, string(a.Chain), string(b.Chain), string(a.Asset), string(b.Asset))
	})
	var pairs [][2]string
	pairIndex := map[[2]string]int{}
	for _, k := range keys {
		pk := [2]string{string(k.Chain), string(k.Asset)}
		if _, ok := pairIndex[pk]; !ok {
			pairIndex[pk] = len(pairs)
			pairs = append(pairs, pk)
		}
	}
	e.uvarint(uint64(len(pairs)))
	for _, pk := range pairs {
		e.str(pk[0])
		e.str(pk[1])
	}
	e.uvarint(uint64(len(keys)))
	prev := ""
	for _, k := range keys {
		shared := commonPrefix(prev, k.Wallet)
		e.uvarint(uint64(shared))
		e.str(k.Wallet[shared:])
		prev = k.Wallet
		e.uvarint(uint64(pairIndex[[2]string{string(k.Chain), string(k.Asset)}]))
		s := p.sums[k]
		vals := [4]sg.Amount{s.Available, s.Pending, s.Held, s.Holds}
		var mask byte
		for i, v := range vals {
			if v != 0 {
				mask |= 1 << i
			}
		}
		e.b = append(e.b, mask)
		for _, v := range vals {
			if v != 0 {
				e.varint(int64(v))
			}
		}
	}

	var out bytes.Buffer
	out.WriteString(progressFormat)
	zw, err := flate.NewWriter(&out, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(e.b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint32(out.Bytes(), crc32.ChecksumIEEE(out.Bytes())), nil
}

// UnmarshalBinary reads a checkpoint MarshalBinary made; one of another
// format, cut short or altered is refused.
func (p *Progress) UnmarshalBinary(b []byte) error {
	if len(b) < len(progressFormat)+4 || !strings.HasPrefix(string(b), progressFormat) {
		return fmt.Errorf("%w: not in format %s", errMalformed, progressFormat)
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return fmt.Errorf("%w: checksum", errMalformed)
	}
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(body[len(progressFormat):])))
	if err != nil {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	d := dec{b: raw}
	var q Progress
	n := d.count()
	q.after, q.done = make([]string, n), make([]bool, n)
	for i := range n {
		q.done[i] = d.bool()
		q.after[i] = d.str()
	}
	q.pages = d.num()
	q.quarantined = map[sg.Chain]sg.Amount{}
	for range d.count() {
		c := sg.Chain(d.str())
		q.quarantined[c] = sg.Amount(d.varint())
	}
	for _, c := range []*Check{&q.balanced, &q.floors, &q.match, &q.held} {
		d.check(c)
	}
	q.walletAfter = d.str()
	q.walletsDone = d.bool()
	if n := d.count(); n > 0 {
		q.suspects = make([]suspect, n)
		for i := range q.suspects {
			q.suspects[i] = suspect{K: wkey{Wallet: d.str(), Chain: sg.Chain(d.str()), Asset: sg.Asset(d.str())}, Shards: d.num()}
		}
	}
	q.suspectAt, q.settled, q.settleLines = d.num(), d.num(), d.num()
	pairs := make([]wkey, d.count())
	for i := range pairs {
		pairs[i] = wkey{Chain: sg.Chain(d.str()), Asset: sg.Asset(d.str())}
	}
	n = d.count()
	q.sums = make(map[wkey]*sums, n)
	all := make([]sums, n) // one allocation for every account's sums
	prev := ""
	for i := range n {
		shared := d.num()
		if shared > len(prev) {
			d.err = errMalformed
			break
		}
		id := prev[:shared] + d.str()
		prev = id
		pi := d.num()
		if pi >= len(pairs) {
			d.err = errMalformed
			break
		}
		mask := d.byte()
		var vals [4]sg.Amount
		for j := range vals {
			if mask&(1<<j) != 0 {
				vals[j] = sg.Amount(d.varint())
			}
		}
		all[i] = sums{Available: vals[0], Pending: vals[1], Held: vals[2], Holds: vals[3]}
		q.sums[wkey{Wallet: id, Chain: pairs[pi].Chain, Asset: pairs[pi].Asset}] = &all[i]
	}
	if d.err != nil || len(d.b) != 0 || q.suspectAt > len(q.suspects) {
		return fmt.Errorf("%w: body", errMalformed)
	}
	*p = q
	return nil
}

func cmp3(a1, b1, a2, b2, a3, b3 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	if c := strings.Compare(a2, b2); c != 0 {
		return c
	}
	return strings.Compare(a3, b3)
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// enc appends the checkpoint's fields.
type enc struct{ b []byte }

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *enc) check(c *Check) {
	e.str(c.Name)
	e.uvarint(uint64(c.Checked))
	e.uvarint(uint64(c.Unlisted))
	e.str(c.Detail)
	e.uvarint(uint64(len(c.Differences)))
	for _, d := range c.Differences {
		e.str(d.Subject)
		e.str(d.Expected)
		e.str(d.Actual)
	}
}

// dec reads what enc wrote; the first fault sticks in err and every read
// after it gives zero values.
type dec struct {
	b   []byte
	err error
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errMalformed
		return 0
	}
	d.b = d.b[n:]
	return v
}

// num is a counter.
func (d *dec) num() int {
	v := d.uvarint()
	if v > 1<<53 {
		d.err = errMalformed
		return 0
	}
	return int(v)
}

// count is a length: never more than the bytes left could hold (so a
// damaged one cannot make a huge allocation).
func (d *dec) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.err = errMalformed
		return 0
	}
	return int(v)
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errMalformed
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errMalformed
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) bool() bool { return d.byte() == 1 }

func (d *dec) str() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errMalformed
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *dec) check(c *Check) {
	c.Name = d.str()
	c.Checked = d.num()
	c.Unlisted = d.num()
	c.Detail = d.str()
	if n := d.count(); n > 0 {
		c.Differences = make([]Difference, n)
		for i := range c.Differences {
			c.Differences[i] = Difference{Subject: d.str(), Expected: d.str(), Actual: d.str()}
		}
	}
}
