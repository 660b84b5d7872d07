// Package kmssign signs secp256k1 digests with a key that never leaves AWS
// KMS (key spec ECC_SECG_P256K1): KMS answers a DER (r, s); Ethereum and
// Tron want 65 bytes r || s || v with s in the lower half of the curve order
// and v the recovery id, which KMS does not give. s is normalised and v is
// found from the signature's point R, computed against the key's own public
// key (see recoveryID). Nothing here ever sees the private key.
package kmssign

import (
	"bytes"
	"context"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/stablegate/stablegate/shared/address"
)

// KMS is the part of the KMS client the signer uses.
type KMS interface {
	Sign(context.Context, *kms.SignInput, ...func(*kms.Options)) (*kms.SignOutput, error)
	GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
}

// Signer signs with one KMS key (id, ARN or alias).
type Signer struct {
	KMS   KMS
	KeyID string

	// mu guards pub, fetched once: a failed fetch is not kept, so the
	// next call (the next invocation) asks KMS again.
	mu  sync.Mutex
	pub *secp256k1.PublicKey
	// table is the public key's multiples (qtable.go), built at the first
	// signature.
	tableOnce sync.Once
	table     *qTable
}

// Errors. None carries key material.
var (
	ErrNotSecp256k1 = errors.New("kmssign: the key is not an ECC_SECG_P256K1 signing key")
	ErrBadSignature = errors.New("kmssign: KMS returned a signature that does not recover to the key")
)

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSecp256k1   = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	curveN         = new(big.Int).Set(secp256k1.Params().N)
	halfN          = new(big.Int).Rsh(curveN, 1)
)

type spki struct {
	Algorithm struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.ObjectIdentifier
	}
	PublicKey asn1.BitString
}

// PublicKey returns the key's public key, fetched from KMS at the first
// call that succeeds; an error is returned, not remembered.
func (s *Signer) PublicKey(ctx context.Context) (*secp256k1.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pub != nil {
		return s.pub, nil
	}
	out, err := s.KMS.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: &s.KeyID})
	if err != nil {
		return nil, fmt.Errorf("kmssign: public key of %s: %w", s.KeyID, err)
	}
	if out.KeySpec != kmstypes.KeySpecEccSecgP256k1 {
		return nil, ErrNotSecp256k1
	}
	pub, err := ParseSPKI(out.PublicKey)
	if err != nil {
		return nil, err
	}
	s.pub = pub
	return pub, nil
}

// ParseSPKI reads a DER SubjectPublicKeyInfo of a secp256k1 key (the Go
// standard library knows no secp256k1).
func ParseSPKI(der []byte) (*secp256k1.PublicKey, error) {
	var k spki
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 {
		return nil, ErrNotSecp256k1
	}
	if !k.Algorithm.Algorithm.Equal(oidECPublicKey) || !k.Algorithm.Parameters.Equal(oidSecp256k1) {
		return nil, ErrNotSecp256k1
	}
	return secp256k1.ParsePubKey(k.PublicKey.RightAlign())
}

// Address returns the key's 20-byte account id (the same on Ethereum and Tron).
func (s *Signer) Address(ctx context.Context) (address.Account, error) {
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return address.Account{}, err
	}
	return address.FromPublicKey(pub.SerializeUncompressed())
}

// SignDigest signs a 32-byte digest and returns r || s || v (v is 0 or 1),
// with s in the lower half of the order as both chains require.
func (s *Signer) SignDigest(ctx context.Context, digest [32]byte) ([65]byte, error) {
	var sig [65]byte
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return sig, err
	}
	out, err := s.KMS.Sign(ctx, &kms.SignInput{KeyId: &s.KeyID, Message: digest[:],
		MessageType: kmstypes.MessageTypeDigest, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
	if err != nil {
		return sig, fmt.Errorf("kmssign: sign with %s: %w", s.KeyID, err)
	}
	r, sv, err := parseDER(out.Signature)
	if err != nil {
		return sig, err
	}
	if sv.Cmp(halfN) > 0 {
		sv.Sub(curveN, sv)
	}
	r.FillBytes(sig[0:32])
	sv.FillBytes(sig[32:64])
	s.tableOnce.Do(func() { s.table = newQTable(pub) })
	v, ok := recoveryID(s.table, digest, sig[0:32], sig[32:64])
	if !ok {
		return sig, ErrBadSignature
	}
	sig[64] = v
	return sig, nil
}

// recoveryID returns the recovery id of the signature (r, s) of digest by
// pub, and whether the signature is pub's at all. It computes the point R
// of the signature from the one known public key, R = (e/s)·G + (r/s)·Q,
// as a verifier does: the signature is valid if R's x is r, and v is the
// parity of R's y. That is one multiplication of G and one of Q, both by
// precomputed tables (Q's is t), where recovering a public key for each
// candidate v costs a square root and two general multiplications, once or
// twice. A signature whose R has x ≥ n
// (recovery ids 2 and 3, about 1 in 2^128) is refused: neither chain's v
// can say it.
func recoveryID(t *qTable, digest [32]byte, rb, sb []byte) (byte, bool) {
	var r, s, e secp256k1.ModNScalar
	if r.SetByteSlice(rb) || s.SetByteSlice(sb) || r.IsZero() || s.IsZero() {
		return 0, false
	}
	e.SetByteSlice(digest[:]) // reduced mod n, as ECDSA takes the digest
	w := new(secp256k1.ModNScalar).Set(&s).InverseNonConst()
	u1 := new(secp256k1.ModNScalar).Mul2(&e, w)
	u2 := new(secp256k1.ModNScalar).Mul2(&r, w)
	var R secp256k1.JacobianPoint
	secp256k1.ScalarBaseMultNonConst(u1, &R)
	t.mulAdd(u2, &R)
	if (R.X.IsZero() && R.Y.IsZero()) || R.Z.IsZero() {
		return 0, false
	}
	R.ToAffine()
	x := R.X.Bytes()
	if !bytes.Equal(x[:], rb) {
		return 0, false
	}
	if R.Y.IsOdd() {
		return 1, true
	}
	return 0, true
}

func parseDER(der []byte) (*big.Int, *big.Int, error) {
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 || rs.R == nil || rs.S == nil {
		return nil, nil, errors.New("kmssign: KMS signature is not DER (r, s)")
	}
	if rs.R.Sign() <= 0 || rs.S.Sign() <= 0 || rs.R.Cmp(curveN) >= 0 || rs.S.Cmp(curveN) >= 0 {
		return nil, nil, errors.New("kmssign: KMS signature out of range")
	}
	return rs.R, rs.S, nil
}
