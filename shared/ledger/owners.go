package ledger

import (
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
// and each tenant id once. Owners is not safe for concurrent use (a
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
		o.rows = append(o.rows, ownerRow{tenant: t, index: w.Index, at: uint32(len(o.ids)), n: uint16(len(w.Wallet))})
		o.ids = append(o.ids, w.Wallet...)
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
	return sg.AddressOwner{Tenant: o.tenants[r.tenant], Wallet: string(o.ids[r.at : r.at+uint32(r.n)]), Index: r.index, Address: a.Format(o.Chain)}, true
}

// Bytes is the memory held (slices' capacity; the tenants' ids aside, a
// few per deployment).
func (o *Owners) Bytes() int {
	o.merge()
	return o.set.Bytes() + cap(o.rows)*16 + cap(o.ids)
}
