package kmssign

import (
	"context"
	"crypto/sha256"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// P256 signs and verifies messages with an ECC_NIST_P256 key in KMS
// (ECDSA_SHA_256 over the message's SHA-256 digest; signatures are DER).
type P256 struct {
	KMS   *kms.Client
	KeyID string
}

// Sign signs msg.
func (p *P256) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	d := sha256.Sum256(msg)
	out, err := p.KMS.Sign(ctx, &kms.SignInput{KeyId: &p.KeyID, Message: d[:], MessageType: kmstypes.MessageTypeDigest,
		SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
	if err != nil {
		return nil, err
	}
	return out.Signature, nil
}

// Verify reports whether sig is the key's signature of msg.
func (p *P256) Verify(ctx context.Context, msg, sig []byte) (bool, error) {
	d := sha256.Sum256(msg)
	out, err := p.KMS.Verify(ctx, &kms.VerifyInput{KeyId: &p.KeyID, Message: d[:], MessageType: kmstypes.MessageTypeDigest,
		Signature: sig, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
	var invalid *kmstypes.KMSInvalidSignatureException
	if errors.As(err, &invalid) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return out.SignatureValid, nil
}
