package ledger

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OwnerLookup finds the wallet of a deposit address, named as
// SeenDeposit.To names it.
type OwnerLookup interface {
	Owner(to string) (sg.AddressOwner, bool)
}

// OwnerMap is an OwnerLookup over a map keyed by the lower-case address
// (a handful of addresses: tests, tools).
type OwnerMap map[string]sg.AddressOwner

// Owner looks to up lower-case.
func (m OwnerMap) Owner(to string) (sg.AddressOwner, bool) {
	o, ok := m[strings.ToLower(to)]
	return o, ok
}

// Owners is one chain's deposit addresses with their wallets, held for a
// deposit watcher in memory it can afford at a million addresses: the
// addresses in an address.Set (20 bytes each, looked up by their bytes,
// no hashing), each naming a row of 16 bytes (tenant number, HD index,
// where the wallet id lies), the wallet ids end to end in one byte slice
// (a well-formed id's 26 base-32 digits as 16 bytes) and each tenant id
// once: about 60 bytes an address. Owners is not safe for concurrent use (a
// watcher loads, then polls).
type Owners struct {
	Chain   sg.Chain
	set     address.Set
	fresh   []address.Entry // added, merged into set at the next lookup
	rows    []ownerRow
	ids     []byte
	tenants []string
	tenant  map[string]uint32
}

type ownerRow struct {
	tenant, index, at uint32
	n                 uint16
}

// Add records owners (by their Address as issued; one that cannot be read
// for the chain is refused as the caller's to handle). An address added
// again takes its new owner.
func (o *Owners) Add(list []sg.AddressOwner) error {
	if o.tenant == nil {
		o.tenant = map[string]uint32{}
	}
	for _, w := range list {
		a, err := address.Parse(o.Chain, w.Address)
		if err != nil {
			return sg.Internal("ledger.Owners", err)
		}
		t, ok := o.tenant[w.Tenant]
		if !ok {
			t = uint32(len(o.tenants))
			o.tenants = append(o.tenants, w.Tenant)
			o.tenant[w.Tenant] = t
		}
		row := ownerRow{tenant: t, index: w.Index, at: uint32(len(o.ids)), n: uint16(len(w.Wallet))}
		if sg.ValidID(walletPrefix, w.Wallet) {
			// A wallet id's 26 base-32 digits are 16 bytes.
			b := packULID(w.Wallet[len(walletPrefix)+1:])
			o.ids, row.n = append(o.ids, b[:]...), packed
		} else {
			o.ids = append(o.ids, w.Wallet...)
		}
		o.rows = append(o.rows, row)
		o.fresh = append(o.fresh, address.Entry{Account: a, Value: uint32(len(o.rows) - 1)})
	}
	return nil
}

// merge merges what was added since the last lookup into the set, in one
// pass however many pages it came in.
func (o *Owners) merge() {
	if len(o.fresh) > 0 {
		o.set.Add(o.fresh)
		o.fresh = nil
		// Appending left up to half of the rows' and ids' room unused.
		if cap(o.rows) > len(o.rows)+len(o.rows)/8 {
			o.rows = slices.Clone(o.rows)
		}
		if cap(o.ids) > len(o.ids)+len(o.ids)/8 {
			o.ids = slices.Clone(o.ids)
		}
	}
}

// Watched says whether a is a deposit address (the watchers' per-log test).
func (o *Owners) Watched(a address.Account) bool {
	o.merge()
	return o.set.Has(a)
}

// Len is the number of addresses.
func (o *Owners) Len() int {
	o.merge()
	return o.set.Len()
}

// Owner finds the wallet of a deposit address in the chain's notation.
func (o *Owners) Owner(to string) (sg.AddressOwner, bool) {
	a, err := address.Parse(o.Chain, to)
	if err != nil {
		return sg.AddressOwner{}, false
	}
	o.merge()
	i, ok := o.set.Get(a)
	if !ok {
		return sg.AddressOwner{}, false
	}
	r := o.rows[i]
	var wallet string
	if r.n == packed {
		wallet = walletPrefix + "_" + unpackULID(o.ids[r.at:r.at+16])
	} else {
		wallet = string(o.ids[r.at : r.at+uint32(r.n)])
	}
	return sg.AddressOwner{Tenant: o.tenants[r.tenant], Wallet: wallet, Index: r.index, Address: a.Format(o.Chain)}, true
}

const (
	walletPrefix = "wal"
	packed       = 0xffff // ownerRow.n of a wallet id held as 16 bytes
	crockford    = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// packULID reads 26 Crockford base-32 digits (a valid id's) as 128 bits.
func packULID(digits string) [16]byte {
	var hi, lo uint64
	for i := 0; i < len(digits); i++ {
		d := uint64(strings.IndexByte(crockford, digits[i]))
		hi = hi<<5 | lo>>59
		lo = lo<<5 | d
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	return b
}

// unpackULID writes 128 bits as the 26 digits packULID read.
func unpackULID(b []byte) string {
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// Bytes is the memory held (slices' capacity; the tenants' ids aside, a
// few per deployment).
func (o *Owners) Bytes() int {
	o.merge()
	return o.set.Bytes() + cap(o.rows)*16 + cap(o.ids)
}
