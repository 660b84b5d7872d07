// Package ethereum holds Stablegate's Ethereum code: transaction signing
// through KMS and (coming with the chains work) the deposit watcher, nonce
// allocation and payouts. Only functions that sign or read the chain link it.
package ethereum

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/kmssign"
)

// SignTx signs tx for chainID with a key held in KMS. The signature is
// low-S with its recovery id, as Ethereum requires.
func SignTx(ctx context.Context, s *kmssign.Signer, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
	signer := types.LatestSignerForChainID(chainID)
	sig, err := s.SignDigest(ctx, signer.Hash(tx))
	if err != nil {
		return nil, err
	}
	return tx.WithSignature(signer, sig[:])
}

// From returns the KMS key's Ethereum address.
func From(ctx context.Context, s *kmssign.Signer) (common.Address, error) {
	a, err := s.Address(ctx)
	return common.Address(a), err
}
