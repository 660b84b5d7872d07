package airgap

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/tron/trontx"
	"github.com/stablegate/stablegate/shared/hd"
	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A Tron sweep grant carries, across the air gap, the one transaction each
// Tron deposit address ever signs: approve(hot, unlimited) on the USDT
// contract, after which the hot key sweeps the address with transferFrom
// and the deposit key stays offline (infra/chains.md, "Sweeping (Tron)").
// Every approve of a grant shares one header (reference block, expiration,
// timestamp, fee limit), so the bundle lists only each address and its
// wallet index; both sides rebuild the same raw_data from them, and the
// signed bundle adds one signature per address.
const (
	FormatTronGrant       = "stablegate-tron-grant/1"
	FormatTronGrantSigned = "stablegate-tron-grant-signed/1"
	// MaxGrantItems bounds a grant: signed, 50 addresses are 12 KB, 41 QR
	// codes (20, the API's default, are 8 codes out and 18 back).
	MaxGrantItems = 50
)

// GrantItem is one deposit address and its wallet index (the key is
// m/44'/195'/0'/0/index under the deposit seed).
type GrantItem struct {
	Index   uint32 `json:"index"`
	Address string `json:"address"`
}

// TronGrant is an unsigned grant.
type TronGrant struct {
	Format        string      `json:"format"`
	ID            string      `json:"grant_id"`
	Chain         string      `json:"chain"`
	Token         string      `json:"token"`
	Spender       string      `json:"spender"`
	RefBlockBytes string      `json:"ref_block_bytes"`
	RefBlockHash  string      `json:"ref_block_hash"`
	Expiration    int64       `json:"expiration"`
	Timestamp     int64       `json:"timestamp"`
	FeeLimit      int64       `json:"fee_limit"`
	Items         []GrantItem `json:"items"`
	ExpiresAt     time.Time   `json:"expires_at"`
}

// TronGrantSigned is a grant with one signature (r||s||v, v 27 or 28, as
// Tron takes it) per item, in the items' order.
type TronGrantSigned struct {
	Format     string    `json:"format"`
	Grant      TronGrant `json:"grant"`
	Signatures []string  `json:"signatures"`
}

var (
	grantIDRE = &lazy.Regexp{Expr: `^tg_[0-9A-HJKMNP-TV-Z]{26}$`}
	hex4RE    = &lazy.Regexp{Expr: `^[0-9a-f]{4}$`}
	hex16RE   = &lazy.Regexp{Expr: `^[0-9a-f]{16}$`}
)

// maxGrantSize bounds a grant file (50 addresses signed are 12 KB).
const maxGrantSize = 32 << 10

// ParseTronGrant reads an unsigned grant and checks it whole.
func ParseTronGrant(data []byte) (TronGrant, error) {
	var g TronGrant
	if err := Strict(data, &g, maxGrantSize); err != nil {
		return TronGrant{}, err
	}
	if g.Format != FormatTronGrant {
		return TronGrant{}, refuse(ErrMalformed, "format", "want %q", FormatTronGrant)
	}
	return g, g.validate()
}

// ParseTronGrantSigned reads a signed grant: the grant as ParseTronGrant
// checks it and, for each address, a signature of its approve that
// recovers to that address.
func ParseTronGrantSigned(data []byte) (TronGrantSigned, error) {
	s, _, err := parseSigned(data)
	return s, err
}

// SignedApproves opens a signed grant file for the sweeper: the addresses
// in order and each one's signed approve as broadcasttransaction takes it,
// checked as ParseTronGrantSigned checks them.
func SignedApproves(data []byte) ([]string, [][]byte, error) {
	s, txs, err := parseSigned(data)
	if err != nil {
		return nil, nil, err
	}
	addrs := make([]string, len(s.Grant.Items))
	for i, it := range s.Grant.Items {
		addrs[i] = it.Address
	}
	return addrs, txs, nil
}

// parseSigned reads a signed grant and each address's signed approve,
// checking every signature once.
func parseSigned(data []byte) (TronGrantSigned, [][]byte, error) {
	var s TronGrantSigned
	if err := Strict(data, &s, maxGrantSize); err != nil {
		return TronGrantSigned{}, nil, err
	}
	if s.Format != FormatTronGrantSigned {
		return TronGrantSigned{}, nil, refuse(ErrMalformed, "format", "want %q", FormatTronGrantSigned)
	}
	if s.Grant.Format != FormatTronGrant {
		return TronGrantSigned{}, nil, refuse(ErrMalformed, "grant.format", "want %q", FormatTronGrant)
	}
	if err := s.Grant.validate(); err != nil {
		return TronGrantSigned{}, nil, err
	}
	if len(s.Signatures) != len(s.Grant.Items) {
		return TronGrantSigned{}, nil, refuse(ErrSignatureInvalid, "signatures", "%d signatures for %d addresses", len(s.Signatures), len(s.Grant.Items))
	}
	txs := make([][]byte, len(s.Grant.Items))
	for i := range s.Grant.Items {
		var err error
		if txs[i], err = s.Transaction(i); err != nil {
			return TronGrantSigned{}, nil, err
		}
	}
	return s, txs, nil
}

func (g TronGrant) validate() error {
	switch {
	case !grantIDRE.MatchString(g.ID):
		return refuse(ErrMalformed, "grant_id", "not a grant id")
	case g.Chain != string(sg.Tron):
		return refuse(ErrMalformed, "chain", "grants are for tron")
	case !hex4RE.MatchString(g.RefBlockBytes) || !hex16RE.MatchString(g.RefBlockHash):
		return refuse(ErrMalformed, "ref_block_bytes", "reference block: 2 and 8 bytes of lower-case hex")
	case g.Timestamp <= 0 || g.Expiration <= g.Timestamp || g.Expiration-g.Timestamp > 24*3600*1000:
		return refuse(ErrMalformed, "expiration", "after the timestamp, by at most a day (Tron's limit)")
	case g.FeeLimit <= 0 || g.FeeLimit > 100_000_000:
		return refuse(ErrMalformed, "fee_limit", "between 1 sun and 100 TRX")
	case len(g.Items) == 0 || len(g.Items) > MaxGrantItems:
		return refuse(ErrMalformed, "items", "1 to %d addresses", MaxGrantItems)
	case g.ExpiresAt.IsZero():
		return refuse(ErrMalformed, "expires_at", "missing")
	}
	for field, a := range map[string]string{"token": g.Token, "spender": g.Spender} {
		if _, err := address.Parse(sg.Tron, a); err != nil {
			return refuse(ErrMalformed, field, "not a Tron address")
		}
	}
	seen := map[string]bool{}
	for i, it := range g.Items {
		if _, err := address.Parse(sg.Tron, it.Address); err != nil {
			return refuse(ErrMalformed, fmt.Sprintf("items[%d].address", i), "not a Tron address")
		}
		if seen[it.Address] || it.Address == g.Spender {
			return refuse(ErrMalformed, fmt.Sprintf("items[%d].address", i), "listed twice, or the spender itself")
		}
		seen[it.Address] = true
	}
	return nil
}

// Header is the header every approve of the grant shares.
func (g TronGrant) Header() trontx.Header {
	var h trontx.Header
	rb, _ := hex.DecodeString(g.RefBlockBytes)
	rh, _ := hex.DecodeString(g.RefBlockHash)
	copy(h.RefBlockBytes[:], rb)
	copy(h.RefBlockHash[:], rh)
	h.Expiration, h.Timestamp, h.FeeLimit = g.Expiration, g.Timestamp, g.FeeLimit
	return h
}

// Approve is item i's transaction: approve(spender, unlimited) on the token
// from the item's address. Its raw_data is what gets signed.
func (g TronGrant) Approve(i int) ([]byte, error) {
	owner, err := address.Parse(sg.Tron, g.Items[i].Address)
	if err != nil {
		return nil, err
	}
	token, _ := address.Parse(sg.Tron, g.Token)
	spender, _ := address.Parse(sg.Tron, g.Spender)
	return trontx.Call(owner, token, erc20.Approve(spender, erc20.Unlimited), g.Header()).RawData()
}

// Transaction is item i's signed approve as broadcasttransaction takes it
// (JSON) and its id, after checking the signature is the address's own.
func (s TronGrantSigned) Transaction(i int) ([]byte, error) {
	field := fmt.Sprintf("signatures[%d]", i)
	raw, err := s.Grant.Approve(i)
	if err != nil {
		return nil, refuse(ErrMalformed, field, "%v", err)
	}
	return signedByOwner(field, raw, s.Signatures[i], s.Grant.Items[i].Address)
}

// CheckTronGrant refuses a grant for another token or spender than the
// signer was told to expect, or past its expiry at now.
func (g TronGrant) Check(token, spender string, now time.Time) error {
	if g.Token != token {
		return refuse(ErrWrongContract, "token", "the grant's contract %s is not the configured %s", g.Token, token)
	}
	if g.Spender != spender {
		return refuse(ErrWrongSpender, "spender", "the grant lets %s sweep; this signer expects the hot address %s", g.Spender, spender)
	}
	if !now.Before(g.ExpiresAt) || now.UnixMilli() >= g.Expiration {
		return refuse(ErrExpired, "expires_at", "expired at %s", g.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// TronDepositPath is where deposit address index sits under the deposit
// seed (BIP-44, Tron, first account, external chain).
func TronDepositPath(index uint32) string { return fmt.Sprintf("m/44'/195'/0'/0/%d", index) }

// SignTronGrant signs every approve of the grant with the deposit keys
// under seed (the BIP-32 seed of the deposit xpubs), after the checks a
// signer must make: the grant is whole, for the configured token and hot
// address, unexpired, and every address is the seed's own at its index.
func SignTronGrant(g TronGrant, seed []byte, token, spender string, now time.Time) (TronGrantSigned, error) {
	if err := g.validate(); err != nil {
		return TronGrantSigned{}, err
	}
	if err := g.Check(token, spender, now); err != nil {
		return TronGrantSigned{}, err
	}
	m, err := hd.NewMaster(seed)
	if err != nil {
		return TronGrantSigned{}, err
	}
	out := TronGrantSigned{Format: FormatTronGrantSigned, Grant: g}
	for i, it := range g.Items {
		k, err := m.Derive(TronDepositPath(it.Index))
		if err != nil {
			return TronGrantSigned{}, err
		}
		priv := secp256k1.PrivKeyFromBytes(k.PrivateKeyBytes())
		a, _ := address.FromPublicKey(priv.PubKey().SerializeUncompressed())
		if a.Tron() != it.Address {
			return TronGrantSigned{}, refuse(ErrWrongKey, fmt.Sprintf("items[%d].address", i), "index %d of this seed is %s, not %s", it.Index, a.Tron(), it.Address)
		}
		raw, err := g.Approve(i)
		if err != nil {
			return TronGrantSigned{}, err
		}
		sig := trontx.Sign(priv, trontx.TxID(raw))
		out.Signatures = append(out.Signatures, hex.EncodeToString(sig[:]))
	}
	return out, nil
}

// Summary is what a person checks before signing a grant.
func (g TronGrant) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tron sweep grant %s: %d deposit address(es) each approve %s to draw their USDT (%s) without limit.\n",
		g.ID, len(g.Items), g.Spender, g.Token)
	for _, it := range g.Items {
		fmt.Fprintf(&b, "  index %d  %s\n", it.Index, it.Address)
	}
	fmt.Fprintf(&b, "Valid until %s.\n", g.ExpiresAt.Format(time.RFC3339))
	return b.String()
}
