package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/kmssign"
)

// benchKMS prints how many low-S, recoverable signatures a second the KMS
// signer makes against the KMS emulator.
func benchKMS(ctx context.Context, n int) error {
	cfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return err
	}
	client := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = awsenv.Endpoint(os.Getenv, "KMS") })
	key, err := client.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecEccSecgP256k1, KeyUsage: kmstypes.KeyUsageTypeSignVerify})
	if err != nil {
		return err
	}
	s := &kmssign.Signer{KMS: client, KeyID: *key.KeyMetadata.KeyId}
	if _, err := s.PublicKey(ctx); err != nil {
		return err
	}
	lat, rate, err := measure(n, 8, func(int) error {
		var d [32]byte
		rand.Read(d[:])
		_, err := s.SignDigest(ctx, d)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("\nKMS signing (secp256k1, DER -> low-S r||s||v with recovery id), %d signatures, 8 concurrent, local-kms\n\n", n)
	fmt.Printf("| %-20s | %12s | %8s | %8s |\n", "path", "per second", "p50 ms", "p99 ms")
	fmt.Printf("|%s|%s|%s|%s|\n", dashes(22), dashes(14), dashes(10), dashes(10))
	fmt.Printf("| %-20s | %12.0f | %8.2f | %8.2f |\n", "SignDigest", rate, ms(pct(lat, 50)), ms(pct(lat, 99)))
	return nil
}
