package tests

import (
	"context"
	"crypto/rand"
	"encoding/asn1"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/shared/kmssign"
)

// 1,000 signatures by a secp256k1 key in the KMS emulator: every one low-S
// and recovering (by go-ethereum's own recovery) to the key's address.
func TestKMSSignaturesLowSAndRecoverable(t *testing.T) {
	stack(t)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	client := kms.NewFromConfig(cfg)
	ctx := context.Background()
	key, err := client.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecEccSecgP256k1, KeyUsage: kmstypes.KeyUsageTypeSignVerify})
	if err != nil {
		t.Fatal(err)
	}
	s := &kmssign.Signer{KMS: client, KeyID: *key.KeyMetadata.KeyId}
	acct, err := s.Address(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// KMS itself gives high-S signatures about half the time: the signer
	// must be normalising, not lucky.
	high := 0
	halfN := new(big.Int).Rsh(crypto.S256().Params().N, 1)
	for i := 0; i < 20; i++ {
		var d [32]byte
		rand.Read(d[:])
		out, err := client.Sign(ctx, &kms.SignInput{KeyId: key.KeyMetadata.KeyId, Message: d[:], MessageType: kmstypes.MessageTypeDigest, SigningAlgorithm: kmstypes.SigningAlgorithmSpecEcdsaSha256})
		if err != nil {
			t.Fatal(err)
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(out.Signature, &rs); err != nil {
			t.Fatal(err)
		}
		if rs.S.Cmp(halfN) > 0 {
			high++
		}
	}
	if high == 0 {
		t.Fatal("the emulator gave no high-S signature in 20: the normalisation is not exercised")
	}
	const n, workers = 1000, 8
	var bad atomic.Int64
	var wg sync.WaitGroup
	jobs := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				var d [32]byte
				rand.Read(d[:])
				sig, err := s.SignDigest(ctx, d)
				if err != nil {
					t.Error(err)
					bad.Add(1)
					continue
				}
				if new(big.Int).SetBytes(sig[32:64]).Cmp(halfN) > 0 || sig[64] > 1 {
					bad.Add(1)
					continue
				}
				pub, err := crypto.SigToPub(d[:], sig[:])
				if err != nil || crypto.PubkeyToAddress(*pub) != [20]byte(acct) {
					bad.Add(1)
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d of %d signatures were high-S or did not recover to %s", bad.Load(), n, acct.EIP55())
	}
}
