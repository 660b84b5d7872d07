package anchor

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/kmssign"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// EthClient is the part of an Ethereum client EthSender uses
// (*ethclient.Client and simulated.Client implement it).
type EthClient interface {
	ChainID(ctx context.Context) (*big.Int, error)
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
}

// SignFunc signs tx for chainID. It never logs or returns the key.
type SignFunc func(ctx context.Context, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error)

// KMS signs with a key held in KMS (the anchor key).
func KMS(s *kmssign.Signer) SignFunc {
	return func(ctx context.Context, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
		return chaineth.SignTx(ctx, s, tx, chainID)
	}
}

// Key signs with a private key in memory: for the local chain and tests only.
func Key(k *ecdsa.PrivateKey) SignFunc {
	return func(_ context.Context, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
		return types.SignTx(tx, types.LatestSignerForChainID(chainID), k)
	}
}

// EthSender sends 0-value EIP-1559 transactions from From to itself with
// the data as calldata. From must be a key of its own (the anchor key), not
// the hot wallet's: it takes the account's pending nonce, which would race
// the hot wallet's nonce allocation.
type EthSender struct {
	Client EthClient
	From   common.Address
	Sign   SignFunc
}

var _ DataSender = (*EthSender)(nil)

// SendData sends one transaction carrying data and returns its hash.
func (s *EthSender) SendData(ctx context.Context, data []byte) (string, error) {
	const op = "anchor.SendData"
	chainID, err := s.Client.ChainID(ctx)
	if err != nil {
		return "", sg.Unavailable(op, err)
	}
	nonce, err := s.Client.PendingNonceAt(ctx, s.From)
	if err != nil {
		return "", sg.Unavailable(op, err)
	}
	tip, err := s.Client.SuggestGasTipCap(ctx)
	if err != nil {
		return "", sg.Unavailable(op, err)
	}
	head, err := s.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		return "", sg.Unavailable(op, err)
	}
	feeCap := new(big.Int).Set(tip)
	if head.BaseFee != nil {
		feeCap.Add(feeCap, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	}
	to := s.From
	gas, err := s.Client.EstimateGas(ctx, ethereum.CallMsg{From: s.From, To: &to, Data: data})
	if err != nil {
		return "", sg.Unavailable(op, err)
	}
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas, To: &to,
		Value: new(big.Int), Data: data})
	signed, err := s.Sign(ctx, tx, chainID)
	if err != nil {
		return "", err
	}
	if err := s.Client.SendTransaction(ctx, signed); err != nil {
		return "", sg.Unavailable(op, err)
	}
	return signed.Hash().Hex(), nil
}

// TxReader reads a transaction and its receipt back.
type TxReader interface {
	TransactionByHash(ctx context.Context, hash common.Hash) (*types.Transaction, bool, error)
	TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error)
}

// FromChain reads the anchor a Where of WhereEthereum names back from the
// chain: the transaction must be mined and successful, sent by the
// platform's anchor address from, and carry anchor calldata (anyone can
// send such calldata; only the anchor key's count). The anchor's At is not
// on the transaction and is left zero.
func FromChain(ctx context.Context, c TxReader, where string, from common.Address) (sg.AuditAnchor, error) {
	h, ok := strings.CutPrefix(where, WhereEthereum)
	if !ok || len(h) != 66 || !strings.HasPrefix(h, "0x") {
		return sg.AuditAnchor{}, fmt.Errorf("anchor: %q is not an Ethereum anchor", where)
	}
	hash := common.HexToHash(h)
	tx, pending, err := c.TransactionByHash(ctx, hash)
	if err != nil {
		return sg.AuditAnchor{}, fmt.Errorf("anchor: reading %s: %w", h, err)
	}
	if pending {
		return sg.AuditAnchor{}, fmt.Errorf("anchor: %s is not mined yet", h)
	}
	sender, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
	if err != nil || sender != from {
		return sg.AuditAnchor{}, fmt.Errorf("anchor: %s was not sent by the anchor address %s", h, from.Hex())
	}
	rc, err := c.TransactionReceipt(ctx, hash)
	if err != nil {
		return sg.AuditAnchor{}, fmt.Errorf("anchor: receipt of %s: %w", h, err)
	}
	if rc.Status != types.ReceiptStatusSuccessful {
		return sg.AuditAnchor{}, errors.New("anchor: the anchor transaction failed")
	}
	scope, seq, head, err := ParseCalldata(tx.Data())
	if err != nil {
		return sg.AuditAnchor{}, err
	}
	return sg.AuditAnchor{Scope: scope, Seq: seq, Hash: head, Where: where}, nil
}
