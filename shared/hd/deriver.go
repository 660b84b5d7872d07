package hd

import (
	"fmt"
	"sync"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Deriver hands out deposit addresses: m/44'/coin'/0'/0/index from one
// account-level xpub per chain, or, on a chain configured with forwarders,
// the CREATE2 forwarder of the index. It holds public keys only.
type Deriver struct {
	external   map[sg.Chain]*externalKey
	forwarders map[sg.Chain]address.Forwarders
}

// externalKey is an account's external chain, .../0, derived at the first
// address asked of it. Deriving it costs a scalar base multiplication,
// whose first use loads secp256k1's precomputed table (about 5 ms): done
// in NewDeriver, that ran in the cold start of every function that builds
// a Deriver, even one whose invocation derives nothing (issue 18).
type externalKey struct {
	account *Key
	once    sync.Once
	key     *Key
	err     error
}

func (e *externalKey) get() (*Key, error) {
	e.once.Do(func() { e.key, e.err = e.account.Child(0) })
	return e.key, e.err
}

var _ sg.AddressDeriver = (*Deriver)(nil)

// NewDeriver parses the account xpubs (depth 3, m/44'/coin'/0'). A private key
// is refused: deployed functions must never hold one. The external chains
// are derived at the first address asked (see externalKey).
func NewDeriver(xpubs map[sg.Chain]string) (*Deriver, error) {
	d := &Deriver{external: map[sg.Chain]*externalKey{}}
	for c, s := range xpubs {
		k, err := Parse(s)
		if err != nil {
			return nil, fmt.Errorf("hd: %s xpub: %w", c, err)
		}
		if k.IsPrivate() || k.Depth() != 3 || k.child != HardenedOffset {
			return nil, fmt.Errorf("hd: %s: %w", c, ErrNotPublicAccount)
		}
		d.external[c] = &externalKey{account: k}
	}
	return d, nil
}

// WithForwarders makes chain c's deposit addresses CREATE2 forwarders
// instead of derived keys.
func (d *Deriver) WithForwarders(c sg.Chain, f address.Forwarders) *Deriver {
	if d.forwarders == nil {
		d.forwarders = map[sg.Chain]address.Forwarders{}
	}
	d.forwarders[c] = f
	return d
}

// DepositAddress gives the USDT deposit address of wallet index on chain c.
func (d *Deriver) DepositAddress(c sg.Chain, index uint32) (sg.DepositAddress, error) {
	if index >= HardenedOffset {
		return sg.DepositAddress{}, fmt.Errorf("hd: index %d out of range", index)
	}
	if f, ok := d.forwarders[c]; ok {
		return sg.DepositAddress{Chain: c, Asset: sg.USDT, Address: f.Address(index).Format(c), Scheme: sg.SchemeForwarder,
			Path: fmt.Sprintf("create2(%s,%d)", f.Factory.Format(c), index)}, nil
	}
	e, ok := d.external[c]
	if !ok {
		return sg.DepositAddress{}, fmt.Errorf("hd: no xpub configured for %s", c)
	}
	ext, err := e.get()
	if err != nil {
		return sg.DepositAddress{}, err
	}
	k, err := ext.Child(index)
	if err != nil {
		return sg.DepositAddress{}, err
	}
	acct, err := address.FromPublicKey(k.PublicKey().SerializeUncompressed())
	if err != nil {
		return sg.DepositAddress{}, err
	}
	return sg.DepositAddress{
		Chain:   c,
		Asset:   sg.USDT,
		Address: acct.Format(c),
		Scheme:  sg.SchemeBIP32,
		Path:    fmt.Sprintf("m/44'/%d'/0'/0/%d", c.CoinType(), index),
	}, nil
}

// AccountXpub derives the account-level xpub m/44'/coin'/0' of chain c from a
// master key. Dev tools and tests use it; it needs the private master.
func AccountXpub(master *Key, c sg.Chain) (string, error) {
	k, err := master.Derive(fmt.Sprintf("m/44'/%d'/0'", c.CoinType()))
	if err != nil {
		return "", err
	}
	return k.Public().String(), nil
}
