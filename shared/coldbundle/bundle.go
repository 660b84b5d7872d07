// Package coldbundle is the format that carries a payout across the air gap
// to the offline signer and back: an unsigned bundle (the EIP-1559
// transaction's every field, the digest to sign and a human summary), and
// a signed bundle (the bundle and its signature). Both travel as a JSON
// file or as a sequence of QR codes (qr.go). It links no AWS or network
// code: the offline signer (cmd/coldsign) and the online API use the same
// parser, and every check here is made on both sides.
package coldbundle

import (
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/hd"
	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Formats name what a file holds, so one is never taken for the other.
const (
	FormatUnsigned = "stablegate-cold-bundle/1"
	FormatSigned   = "stablegate-cold-signed/1"
)

// MaxSize bounds a bundle file (a transfer's bundle is under 1 KB).
const MaxSize = 16 << 10

// Summary is what a person checks before signing (package airgap's, the
// same on every chain).
type Summary = airgap.Summary

// Bundle is one unsigned payout from the cold address: a token transfer
// as an EIP-1559 transaction.
type Bundle struct {
	Format               string    `json:"format"`
	ID                   string    `json:"bundle_id"`
	Chain                string    `json:"chain"`
	ChainID              uint64    `json:"chain_id"`
	From                 string    `json:"from"`
	Nonce                uint64    `json:"nonce"`
	Gas                  uint64    `json:"gas"`
	MaxFeePerGas         string    `json:"max_fee_per_gas"`
	MaxPriorityFeePerGas string    `json:"max_priority_fee_per_gas"`
	Token                string    `json:"token"`
	Calldata             string    `json:"calldata"`
	Digest               string    `json:"digest"`
	Summary              Summary   `json:"summary"`
	ExpiresAt            time.Time `json:"expires_at"`
}

// Signed is a bundle with the cold key's signature of its digest
// (65 bytes: r, s, v with v 0 or 1).
type Signed struct {
	Format    string `json:"format"`
	Bundle    Bundle `json:"bundle"`
	Signature string `json:"signature"`
}

// Error is a named reason a bundle is refused (package airgap).
type Error = airgap.Error

// The reasons, each a code the API reports and the signer prints.
var (
	ErrMalformed        = airgap.ErrMalformed
	ErrDigestMismatch   = airgap.ErrDigestMismatch
	ErrSummaryMismatch  = airgap.ErrSummaryMismatch
	ErrWrongChain       = airgap.ErrWrongChain
	ErrWrongContract    = airgap.ErrWrongContract
	ErrWrongKey         = airgap.ErrWrongKey
	ErrExpired          = airgap.ErrExpired
	ErrSignatureInvalid = airgap.ErrSignatureInvalid
)

var refuse = airgap.Refuse

var (
	decimalRE = &lazy.Regexp{Expr: `^[0-9]{1,30}$`}
	hexRE     = &lazy.Regexp{Expr: `^0x([0-9a-f]{2})*$`}
	idRE      = &lazy.Regexp{Expr: `^cb_[0-9A-HJKMNP-TV-Z]{26}$`}
)

func strict(data []byte, dst any) error { return airgap.Strict(data, dst, MaxSize) }

// Parse reads an unsigned bundle and checks it whole: every field well
// formed, the digest that of the fields, the calldata exactly the summary's
// transfer. It does not check the chain or contract against a
// configuration (Check does).
func Parse(data []byte) (Bundle, error) {
	var b Bundle
	if err := strict(data, &b); err != nil {
		return Bundle{}, err
	}
	if b.Format != FormatUnsigned {
		return Bundle{}, refuse(ErrMalformed, "format", "want %q", FormatUnsigned)
	}
	return b, b.validate()
}

// ParseSigned reads a signed bundle: the bundle as Parse checks it and a
// signature that recovers to the bundle's from address.
func ParseSigned(data []byte) (Signed, error) {
	var s Signed
	if err := strict(data, &s); err != nil {
		return Signed{}, err
	}
	if s.Format != FormatSigned {
		return Signed{}, refuse(ErrMalformed, "format", "want %q", FormatSigned)
	}
	if s.Bundle.Format != FormatUnsigned {
		return Signed{}, refuse(ErrMalformed, "bundle.format", "want %q", FormatUnsigned)
	}
	if err := s.Bundle.validate(); err != nil {
		return Signed{}, err
	}
	from, err := s.Signer()
	if err != nil {
		return Signed{}, err
	}
	if from != s.Bundle.From {
		return Signed{}, refuse(ErrSignatureInvalid, "signature", "signed by %s, not the bundle's %s", from, s.Bundle.From)
	}
	return s, nil
}

func (b Bundle) validate() error {
	switch {
	case !idRE.MatchString(b.ID):
		return refuse(ErrMalformed, "bundle_id", "not a bundle id")
	case b.Chain != string(sg.Ethereum):
		return refuse(ErrMalformed, "chain", "only ethereum bundles exist")
	case b.ChainID == 0:
		return refuse(ErrMalformed, "chain_id", "missing")
	case b.Gas < 21_000 || b.Gas > 1_000_000:
		return refuse(ErrMalformed, "gas", "out of range")
	case !decimalRE.MatchString(b.MaxFeePerGas) || !decimalRE.MatchString(b.MaxPriorityFeePerGas):
		return refuse(ErrMalformed, "max_fee_per_gas", "fees are decimal wei")
	case !hexRE.MatchString(b.Calldata) || !hexRE.MatchString(b.Digest) || len(b.Digest) != 66:
		return refuse(ErrMalformed, "calldata", "calldata and digest are lower-case 0x hex")
	case b.ExpiresAt.IsZero():
		return refuse(ErrMalformed, "expires_at", "missing")
	case len(b.Summary.Purpose) > 200 || b.Summary.Asset != string(sg.USDT):
		return refuse(ErrMalformed, "summary", "asset must be USDT and purpose at most 200 bytes")
	}
	for field, a := range map[string]string{"from": b.From, "token": b.Token, "summary.to": b.Summary.To} {
		if _, err := address.Parse(sg.Ethereum, a); err != nil {
			return refuse(ErrMalformed, field, "not an EIP-55 address")
		}
	}
	if mf, tip := decimal(b.MaxFeePerGas), decimal(b.MaxPriorityFeePerGas); mf.Cmp(tip) < 0 {
		return refuse(ErrMalformed, "max_fee_per_gas", "below the priority fee")
	}
	if err := b.checkSummary(); err != nil {
		return err
	}
	if d := b.ComputeDigest(); d.Hex() != b.Digest {
		return refuse(ErrDigestMismatch, "digest", "the fields hash to %s", d.Hex())
	}
	return nil
}

func decimal(s string) *big.Int {
	v, _ := new(big.Int).SetString(s, 10)
	return v
}

// checkSummary refuses calldata that is not exactly transfer(summary.to,
// summary.amount).
func (b Bundle) checkSummary() error {
	amount, err := sg.ParseAmount(b.Summary.Amount, sg.USDTDecimals)
	if err != nil || amount <= 0 || amount.String() != b.Summary.Amount {
		return refuse(ErrMalformed, "summary.amount", "a positive USDT amount with 6 decimals")
	}
	to, _ := address.Parse(sg.Ethereum, b.Summary.To)
	want := "0x" + hex.EncodeToString(erc20.Transfer(to, big.NewInt(int64(amount))))
	if b.Calldata != want {
		return refuse(ErrSummaryMismatch, "calldata", "the calldata is not a transfer of %s USDT to %s", b.Summary.Amount, b.Summary.To)
	}
	return nil
}

// Tx is the bundle's transaction, unsigned.
func (b Bundle) Tx() *types.Transaction {
	to := common.HexToAddress(b.Token)
	data, _ := hex.DecodeString(strings.TrimPrefix(b.Calldata, "0x"))
	return types.NewTx(&types.DynamicFeeTx{ChainID: new(big.Int).SetUint64(b.ChainID), Nonce: b.Nonce,
		GasTipCap: decimal(b.MaxPriorityFeePerGas), GasFeeCap: decimal(b.MaxFeePerGas), Gas: b.Gas, To: &to, Value: new(big.Int), Data: data})
}

// ComputeDigest is the EIP-1559 signing hash of the bundle's fields.
func (b Bundle) ComputeDigest() common.Hash {
	return types.LatestSignerForChainID(new(big.Int).SetUint64(b.ChainID)).Hash(b.Tx())
}

// Check refuses a bundle for another chain id or token contract than the
// signer's configured ones, or past its expiry at now.
func (b Bundle) Check(chainID uint64, token string, now time.Time) error {
	if b.ChainID != chainID {
		return refuse(ErrWrongChain, "chain_id", "the bundle is for chain %d; this signer signs for chain %d", b.ChainID, chainID)
	}
	if !strings.EqualFold(b.Token, token) {
		return refuse(ErrWrongContract, "token", "the bundle's contract %s is not the configured %s", b.Token, token)
	}
	if !now.Before(b.ExpiresAt) {
		return refuse(ErrExpired, "expires_at", "expired at %s", b.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// Signer recovers the address that made the signature.
func (s Signed) Signer() (string, error) {
	sig, err := hex.DecodeString(strings.TrimPrefix(s.Signature, "0x"))
	if err != nil || len(sig) != 65 || sig[64] > 1 {
		return "", refuse(ErrSignatureInvalid, "signature", "65 bytes r||s||v as 0x hex, v 0 or 1")
	}
	// Only low-S signatures, as the chain accepts.
	if !crypto.ValidateSignatureValues(sig[64], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64]), true) {
		return "", refuse(ErrSignatureInvalid, "signature", "r or s out of range")
	}
	digest := s.Bundle.ComputeDigest()
	pub, err := crypto.SigToPub(digest[:], sig)
	if err != nil {
		return "", refuse(ErrSignatureInvalid, "signature", "recovers to no key")
	}
	return crypto.PubkeyToAddress(*pub).Hex(), nil
}

// SignedTx is the transaction with its signature, ready to broadcast.
func (s Signed) SignedTx() (*types.Transaction, error) {
	sig, err := hex.DecodeString(strings.TrimPrefix(s.Signature, "0x"))
	if err != nil {
		return nil, refuse(ErrSignatureInvalid, "signature", "not hex")
	}
	tx, err := s.Bundle.Tx().WithSignature(types.LatestSignerForChainID(new(big.Int).SetUint64(s.Bundle.ChainID)), sig)
	if err != nil {
		return nil, refuse(ErrSignatureInvalid, "signature", "%v", err)
	}
	return tx, nil
}

// Sign signs the bundle with key after the checks a signer must make:
// the bundle is whole, for the configured chain and contract, unexpired,
// and from the key's own address.
func Sign(b Bundle, key []byte, chainID uint64, token string, now time.Time) (Signed, error) {
	if err := b.validate(); err != nil {
		return Signed{}, err
	}
	if err := b.Check(chainID, token, now); err != nil {
		return Signed{}, err
	}
	priv, err := crypto.ToECDSA(key)
	if err != nil {
		return Signed{}, errors.New("coldbundle: not a secp256k1 private key")
	}
	if from := crypto.PubkeyToAddress(priv.PublicKey).Hex(); from != b.From {
		return Signed{}, refuse(ErrWrongKey, "from", "the bundle pays from %s; this key is %s", b.From, from)
	}
	digest := b.ComputeDigest()
	sig, err := crypto.Sign(digest[:], priv)
	if err != nil {
		return Signed{}, err
	}
	return Signed{Format: FormatSigned, Bundle: b, Signature: "0x" + hex.EncodeToString(sig)}, nil
}

// Marshal writes a bundle or signed bundle as its file holds it.
func Marshal(v any) []byte { return airgap.Marshal(v) }

// ColdPath is where the cold key sits under the cold seed (BIP-44,
// Ethereum, first account, first address).
const ColdPath = "m/44'/60'/0'/0/0"

// ColdKey derives the cold key and its address from the cold seed (the
// SLIP-39 master secret, used as the BIP-32 seed). The key is secret.
func ColdKey(seed []byte) ([]byte, string, error) {
	m, err := hd.NewMaster(seed)
	if err != nil {
		return nil, "", err
	}
	k, err := m.Derive(ColdPath)
	if err != nil {
		return nil, "", err
	}
	priv, err := crypto.ToECDSA(k.PrivateKeyBytes())
	if err != nil {
		return nil, "", err
	}
	return k.PrivateKeyBytes(), crypto.PubkeyToAddress(priv.PublicKey).Hex(), nil
}
