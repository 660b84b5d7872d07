package memstore

import (
	"context"
	"sort"
	"strings"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A chain watcher's state (the adapter's WATCH#<name>): an opaque blob and
// a version, saved only over the version loaded, so two overlapping runs
// never both advance the cursor; and the deposit addresses it watches.

type watchState struct {
	blob    []byte
	version int64
}

// LoadWatch returns the blob and its version (0 when there is none).
func (st *Store) LoadWatch(_ context.Context, name string) ([]byte, int64, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	w, ok := st.watches[name]
	if !ok {
		return nil, 0, nil
	}
	return append([]byte(nil), w.blob...), w.version, nil
}

// SaveWatch writes the blob as version+1 if the stored version is still
// version (0: none stored); sg.ErrStateChanged otherwise.
func (st *Store) SaveWatch(_ context.Context, name string, blob []byte, version int64) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.watches == nil {
		st.watches = map[string]watchState{}
	}
	if st.watches[name].version != version {
		return sg.ErrStateChanged
	}
	st.watches[name] = watchState{blob: append([]byte(nil), blob...), version: version + 1}
	return nil
}

// AddressesSince reads the deposit addresses (lower-case) of a chain whose
// wallets' ids sort after `after` ("0" for all), with their owners, and
// the last position read (the adapter's: wallet id#address).
func (st *Store) AddressesSince(_ context.Context, c sg.Chain, after string) (map[string]sg.AddressOwner, string, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[string]sg.AddressOwner{}
	var sks []string
	for tenant, ws := range st.wallets {
		for _, w := range ws {
			for _, a := range w.Addresses {
				if a.Chain != c {
					continue
				}
				lower := strings.ToLower(a.Address)
				if sk := w.ID + "#" + lower; sk > after {
					out[lower] = sg.AddressOwner{Tenant: tenant, Wallet: w.ID, Index: w.Index, Address: a.Address}
					sks = append(sks, sk)
				}
			}
		}
	}
	last := after
	if len(sks) > 0 {
		sort.Strings(sks)
		last = sks[len(sks)-1]
	}
	return out, last, nil
}

// AddressPages hands AddressesSince's addresses to page, in one page, and
// returns the last position read.
func (st *Store) AddressPages(ctx context.Context, c sg.Chain, after string, page func([]sg.AddressOwner) error) (string, error) {
	m, last, err := st.AddressesSince(ctx, c, after)
	if err != nil || len(m) == 0 {
		return last, err
	}
	list := make([]sg.AddressOwner, 0, len(m))
	for _, o := range m {
		list = append(list, o)
	}
	return last, page(list)
}
