package airgap

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/tron/trontx"
	"github.com/stablegate/stablegate/shared/hd"
	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A Tron cold bundle carries one TRC20 USDT transfer from the platform's
// Tron cold address across the air gap: the transaction's header (reference
// block, expiration, timestamp, fee limit) fixed when it is prepared, the
// token, the sender, and the summary a person checks (amount, destination,
// purpose). Both sides build the same TriggerSmartContract raw_data from
// those fields with package trontx, and its id (SHA-256 of raw_data) is
// what the cold key signs; the bundle carries the id too, so the signer
// and the API each check it is the fields' own. The signed bundle adds the
// signature (r||s||v, v 27 or 28, as Tron takes it).
const (
	FormatTronCold       = "stablegate-tron-cold-bundle/1"
	FormatTronColdSigned = "stablegate-tron-cold-signed/1"
	// TronColdPath is where the Tron cold key sits under the cold seed
	// (BIP-44, Tron, first account, first address), beside the Ethereum
	// cold key at m/44'/60'/0'/0/0.
	TronColdPath = "m/44'/195'/0'/0/0"
	// MaxTronFeeLimit bounds the TRX (sun) a cold transfer may burn.
	MaxTronFeeLimit = 1_000_000_000
)

// Summary is what a person checks before signing a cold payout.
type Summary struct {
	Amount  string `json:"amount"`
	Asset   string `json:"asset"`
	To      string `json:"to"`
	Purpose string `json:"purpose"`
}

// TronCold is an unsigned Tron cold bundle.
type TronCold struct {
	Format        string    `json:"format"`
	ID            string    `json:"bundle_id"`
	Chain         string    `json:"chain"`
	From          string    `json:"from"`
	Token         string    `json:"token"`
	RefBlockBytes string    `json:"ref_block_bytes"`
	RefBlockHash  string    `json:"ref_block_hash"`
	Expiration    int64     `json:"expiration"`
	Timestamp     int64     `json:"timestamp"`
	FeeLimit      int64     `json:"fee_limit"`
	TxID          string    `json:"txid"`
	Summary       Summary   `json:"summary"`
	ExpiresAt     time.Time `json:"expires_at"`
}

// TronColdSigned is a Tron cold bundle with the cold key's signature of
// its transaction id.
type TronColdSigned struct {
	Format    string   `json:"format"`
	Bundle    TronCold `json:"bundle"`
	Signature string   `json:"signature"`
}

var (
	coldIDRE    = &lazy.Regexp{Expr: `^cb_[0-9A-HJKMNP-TV-Z]{26}$`}
	hex64RE     = &lazy.Regexp{Expr: `^[0-9a-f]{64}$`}
	amountRE    = &lazy.Regexp{Expr: `^[0-9]{1,24}\.[0-9]{6}$`}
	maxColdSize = 16 << 10
)

// ParseTronCold reads an unsigned Tron cold bundle and checks it whole:
// every field well formed and the transaction id the fields' own. It does
// not check the token against a configuration (Check does).
func ParseTronCold(data []byte) (TronCold, error) {
	var b TronCold
	if err := Strict(data, &b, maxColdSize); err != nil {
		return TronCold{}, err
	}
	if b.Format != FormatTronCold {
		return TronCold{}, refuse(ErrMalformed, "format", "want %q", FormatTronCold)
	}
	return b, b.validate()
}

// ParseTronColdSigned reads a signed Tron cold bundle: the bundle as
// ParseTronCold checks it and a signature that recovers to its from
// address.
func ParseTronColdSigned(data []byte) (TronColdSigned, error) {
	var s TronColdSigned
	if err := Strict(data, &s, maxColdSize); err != nil {
		return TronColdSigned{}, err
	}
	if s.Format != FormatTronColdSigned {
		return TronColdSigned{}, refuse(ErrMalformed, "format", "want %q", FormatTronColdSigned)
	}
	if s.Bundle.Format != FormatTronCold {
		return TronColdSigned{}, refuse(ErrMalformed, "bundle.format", "want %q", FormatTronCold)
	}
	if err := s.Bundle.validate(); err != nil {
		return TronColdSigned{}, err
	}
	if _, err := s.Transaction(); err != nil {
		return TronColdSigned{}, err
	}
	return s, nil
}

func (b TronCold) validate() error {
	switch {
	case !coldIDRE.MatchString(b.ID):
		return refuse(ErrMalformed, "bundle_id", "not a bundle id")
	case b.Chain != string(sg.Tron):
		return refuse(ErrMalformed, "chain", "a Tron bundle is for tron")
	case !hex4RE.MatchString(b.RefBlockBytes) || !hex16RE.MatchString(b.RefBlockHash):
		return refuse(ErrMalformed, "ref_block_bytes", "reference block: 2 and 8 bytes of lower-case hex")
	case b.Timestamp <= 0 || b.Expiration <= b.Timestamp || b.Expiration-b.Timestamp > 24*3600*1000:
		return refuse(ErrMalformed, "expiration", "after the timestamp, by at most a day (Tron's limit)")
	case b.FeeLimit <= 0 || b.FeeLimit > MaxTronFeeLimit:
		return refuse(ErrMalformed, "fee_limit", "between 1 sun and %d TRX", MaxTronFeeLimit/1_000_000)
	case !hex64RE.MatchString(b.TxID):
		return refuse(ErrMalformed, "txid", "32 bytes of lower-case hex")
	case b.ExpiresAt.IsZero():
		return refuse(ErrMalformed, "expires_at", "missing")
	case b.Summary.Asset != string(sg.USDT) || len(b.Summary.Purpose) > 200:
		return refuse(ErrMalformed, "summary", "asset must be USDT and purpose at most 200 bytes")
	}
	for field, a := range map[string]string{"from": b.From, "token": b.Token, "summary.to": b.Summary.To} {
		if _, err := address.Parse(sg.Tron, a); err != nil {
			return refuse(ErrMalformed, field, "not a Tron address")
		}
	}
	if b.Summary.To == b.From {
		return refuse(ErrMalformed, "summary.to", "the cold address pays itself")
	}
	if _, err := b.amount(); err != nil {
		return err
	}
	raw, err := b.RawData()
	if err != nil {
		return refuse(ErrMalformed, "", "%v", err)
	}
	if id := trontx.TxID(raw); hex.EncodeToString(id[:]) != b.TxID {
		return refuse(ErrDigestMismatch, "txid", "the fields make transaction %x", id)
	}
	return nil
}

// amount is the summary's amount in base units (6 decimals, written in full).
func (b TronCold) amount() (sg.Amount, error) {
	a, err := sg.ParseAmount(b.Summary.Amount, sg.USDTDecimals)
	if err != nil || a <= 0 || !amountRE.MatchString(b.Summary.Amount) || a.String() != b.Summary.Amount {
		return 0, refuse(ErrMalformed, "summary.amount", "a positive USDT amount with 6 decimals")
	}
	return a, nil
}

// Header is the transaction's header.
func (b TronCold) Header() trontx.Header {
	var h trontx.Header
	rb, _ := hex.DecodeString(b.RefBlockBytes)
	rh, _ := hex.DecodeString(b.RefBlockHash)
	copy(h.RefBlockBytes[:], rb)
	copy(h.RefBlockHash[:], rh)
	h.Expiration, h.Timestamp, h.FeeLimit = b.Expiration, b.Timestamp, b.FeeLimit
	return h
}

// RawData is the transaction the bundle stands for: transfer(summary.to,
// summary.amount) on the token, from the from address, on the header.
func (b TronCold) RawData() ([]byte, error) {
	from, err1 := address.Parse(sg.Tron, b.From)
	token, err2 := address.Parse(sg.Tron, b.Token)
	to, err3 := address.Parse(sg.Tron, b.Summary.To)
	amount, err4 := b.amount()
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			return nil, err
		}
	}
	return trontx.Call(from, token, erc20.Transfer(to, big.NewInt(int64(amount))), b.Header()).RawData()
}

// ComputeTxID fills the bundle's transaction id from its fields (the
// online side, when it prepares a bundle).
func (b *TronCold) ComputeTxID() error {
	raw, err := b.RawData()
	if err != nil {
		return err
	}
	id := trontx.TxID(raw)
	b.TxID = hex.EncodeToString(id[:])
	return nil
}

// Check refuses a bundle for another token than the signer's configured
// one, or past its expiry (the bundle's, or the transaction's own) at now.
func (b TronCold) Check(token string, now time.Time) error {
	if b.Token != token {
		return refuse(ErrWrongContract, "token", "the bundle's contract %s is not the configured %s", b.Token, token)
	}
	if !now.Before(b.ExpiresAt) || now.UnixMilli() >= b.Expiration {
		return refuse(ErrExpired, "expires_at", "expired at %s", b.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// Transaction is the signed transfer as broadcasttransaction takes it
// (JSON), after checking the signature is the from address's own.
func (s TronColdSigned) Transaction() ([]byte, error) {
	raw, err := s.Bundle.RawData()
	if err != nil {
		return nil, refuse(ErrMalformed, "bundle", "%v", err)
	}
	return signedByOwner("signature", raw, s.Signature, s.Bundle.From)
}

// signedByOwner checks sigHex (r||s||v, v 27 or 28, low-S) signs raw's id
// and recovers to owner, and encodes the signed transaction.
func signedByOwner(field string, raw []byte, sigHex, owner string) ([]byte, error) {
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		return nil, refuse(ErrSignatureInvalid, field, "65 bytes r||s||v as lower-case hex, v 27 or 28")
	}
	var r, sv secp256k1.ModNScalar
	if r.SetByteSlice(sig[:32]) || sv.SetByteSlice(sig[32:64]) || r.IsZero() || sv.IsZero() || sv.IsOverHalfOrder() {
		return nil, refuse(ErrSignatureInvalid, field, "r or s out of range (only low-S)")
	}
	id := trontx.TxID(raw)
	pub, _, err := ecdsa.RecoverCompact(append([]byte{sig[64]}, sig[:64]...), id[:])
	if err != nil {
		return nil, refuse(ErrSignatureInvalid, field, "recovers to no key")
	}
	if a, _ := address.FromPublicKey(pub.SerializeUncompressed()); a.Tron() != owner {
		return nil, refuse(ErrSignatureInvalid, field, "signed by %s, not %s", a.Tron(), owner)
	}
	var sig65 [65]byte
	copy(sig65[:], sig)
	body, _, err := trontx.Encode(raw, sig65)
	return body, err
}

// TronColdKey derives the Tron cold key and its address from the cold seed
// (the SLIP-39 master secret, used as the BIP-32 seed). The key is secret.
func TronColdKey(seed []byte) (*secp256k1.PrivateKey, string, error) {
	m, err := hd.NewMaster(seed)
	if err != nil {
		return nil, "", err
	}
	k, err := m.Derive(TronColdPath)
	if err != nil {
		return nil, "", err
	}
	priv := secp256k1.PrivKeyFromBytes(k.PrivateKeyBytes())
	a, err := address.FromPublicKey(priv.PubKey().SerializeUncompressed())
	if err != nil {
		return nil, "", err
	}
	return priv, a.Tron(), nil
}

// SignTronCold signs the bundle with the Tron cold key under seed after the
// checks a signer must make: the bundle is whole, for the configured
// token, unexpired, and from the seed's own Tron cold address.
func SignTronCold(b TronCold, seed []byte, token string, now time.Time) (TronColdSigned, error) {
	if err := b.validate(); err != nil {
		return TronColdSigned{}, err
	}
	if err := b.Check(token, now); err != nil {
		return TronColdSigned{}, err
	}
	priv, addr, err := TronColdKey(seed)
	if err != nil {
		return TronColdSigned{}, err
	}
	if addr != b.From {
		return TronColdSigned{}, refuse(ErrWrongKey, "from", "the bundle pays from %s; this seed's Tron cold address is %s", b.From, addr)
	}
	raw, err := b.RawData()
	if err != nil {
		return TronColdSigned{}, err
	}
	sig := trontx.Sign(priv, trontx.TxID(raw))
	return TronColdSigned{Format: FormatTronColdSigned, Bundle: b, Signature: hex.EncodeToString(sig[:])}, nil
}

// Describe is what a person checks before signing: the destination, the
// amount and the token, and what the transaction may burn.
func (b TronCold) Describe() string {
	var s strings.Builder
	fmt.Fprintf(&s, "Tron cold payout %s\n  pay      %s %s (TRC20 token %s)\n  to       %s\n  purpose  %s\n",
		b.ID, b.Summary.Amount, b.Summary.Asset, b.Token, b.Summary.To, b.Summary.Purpose)
	fmt.Fprintf(&s, "  from     %s\n  fee cap  %s TRX burnt at most\n  txid     %s\n  expires  %s\n",
		b.From, sg.Amount(b.FeeLimit).String(), b.TxID, b.ExpiresAt.Format(time.RFC3339))
	return s.String()
}

// FormatOf names the format of a file (its "format" field), so a tool can
// tell one kind of bundle from another before parsing it strictly.
func FormatOf(data []byte) string {
	var head struct {
		Format string `json:"format"`
	}
	if len(data) > maxColdSize*4 {
		return ""
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return ""
	}
	return head.Format
}
