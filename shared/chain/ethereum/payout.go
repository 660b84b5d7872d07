package ethereum

import (
	"context"
	"errors"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Node is what a payout needs from an Ethereum node (ethclient has it).
type Node interface {
	PendingNonceAt(ctx context.Context, a common.Address) (uint64, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error)
	EstimateGas(ctx context.Context, m ethereum.CallMsg) (uint64, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error)
	BlockNumber(ctx context.Context) (uint64, error)
}

// PayoutStore allocates nonces and keeps signed transactions.
type PayoutStore interface {
	AllocateNonce(ctx context.Context, chain sg.Chain, addr, transferID string, start uint64) (uint64, error)
	SaveSignedTx(ctx context.Context, transferID string, raw []byte, hash string) ([]byte, string, error)
	SignedTx(ctx context.Context, transferID string) ([]byte, string, error)
}

// Payout pays withdrawals out of the hot wallet, a key in KMS: an EIP-1559
// call of the token's transfer, one nonce per payout, the signed bytes kept
// so a retried step broadcasts the same transaction, and the receipt
// followed to the confirmation depth.
type Payout struct {
	Node          Node
	Signer        *kmssign.Signer
	ChainID       *big.Int
	Token         common.Address
	Store         PayoutStore
	Confirmations uint64
	// FeeInAsset converts a network fee in wei to the asset's base units
	// (what the customer is charged, up to the quote).
	FeeInAsset func(wei *big.Int) sg.Amount
}

var _ ledger.Payout = (*Payout)(nil)

// Sign builds and signs the payout's transaction (once; a second call
// returns the first transaction's hash).
func (p *Payout) Sign(ctx context.Context, t sg.Transfer) (string, error) {
	if _, h, err := p.Store.SignedTx(ctx, t.ID); err == nil {
		return h, nil
	} else if !errors.Is(err, sg.ErrNotFound) {
		return "", err
	}
	to, err := address.Parse(sg.Ethereum, t.ToAddress)
	if err != nil {
		return "", sg.Internal("ethereum.Sign", err)
	}
	from, err := From(ctx, p.Signer)
	if err != nil {
		return "", err
	}
	start, err := p.Node.PendingNonceAt(ctx, from)
	if err != nil {
		return "", sg.Unavailable("ethereum.Sign", err)
	}
	nonce, err := p.Store.AllocateNonce(ctx, sg.Ethereum, from.Hex(), t.ID, start)
	if err != nil {
		return "", err
	}
	abi := TransferCalldata(common.Address(to), big.NewInt(int64(t.Amount)))
	gas, err := p.Node.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &p.Token, Data: abi})
	if err != nil {
		return "", sg.Unavailable("ethereum.Sign", err)
	}
	tip, err := p.Node.SuggestGasTipCap(ctx)
	if err != nil {
		return "", sg.Unavailable("ethereum.Sign", err)
	}
	head, err := p.Node.HeaderByNumber(ctx, nil)
	if err != nil {
		return "", sg.Unavailable("ethereum.Sign", err)
	}
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: p.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas * 12 / 10, To: &p.Token, Data: abi})
	signed, err := SignTx(ctx, p.Signer, tx, p.ChainID)
	if err != nil {
		return "", err
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		return "", sg.Internal("ethereum.Sign", err)
	}
	_, h, err := p.Store.SaveSignedTx(ctx, t.ID, raw, signed.Hash().Hex())
	return h, err
}

// TransferCalldata is the token's transfer(to, amount) call.
func TransferCalldata(to common.Address, amount *big.Int) []byte {
	data := append([]byte{0xa9, 0x05, 0x9c, 0xbb}, common.LeftPadBytes(to.Bytes(), 32)...)
	return append(data, common.LeftPadBytes(amount.Bytes(), 32)...)
}

// Broadcast sends the kept transaction; a node that already has it, or has
// mined it, is a success.
func (p *Payout) Broadcast(ctx context.Context, t sg.Transfer) error {
	raw, _, err := p.Store.SignedTx(ctx, t.ID)
	if err != nil {
		return err
	}
	var tx types.Transaction
	if err := tx.UnmarshalBinary(raw); err != nil {
		return sg.Internal("ethereum.Broadcast", err)
	}
	err = p.Node.SendTransaction(ctx, &tx)
	if err == nil {
		return nil
	}
	m := strings.ToLower(err.Error())
	if strings.Contains(m, "already known") || strings.Contains(m, "nonce too low") {
		return nil // sent before; the receipt step tells whether it was ours that was mined
	}
	return sg.Unavailable("ethereum.Broadcast", err)
}

// Receipt follows the transaction to the confirmation depth.
func (p *Payout) Receipt(ctx context.Context, t sg.Transfer) (ledger.Receipt, error) {
	r, err := p.Node.TransactionReceipt(ctx, common.HexToHash(t.TxHash))
	if errors.Is(err, ethereum.NotFound) {
		return ledger.Receipt{}, nil
	}
	if err != nil {
		return ledger.Receipt{}, sg.Unavailable("ethereum.Receipt", err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return ledger.Receipt{Failed: true}, nil
	}
	head, err := p.Node.BlockNumber(ctx)
	if err != nil {
		return ledger.Receipt{}, sg.Unavailable("ethereum.Receipt", err)
	}
	if head+1-r.BlockNumber.Uint64() < p.Confirmations {
		return ledger.Receipt{}, nil
	}
	wei := new(big.Int).Mul(new(big.Int).SetUint64(r.GasUsed), r.EffectiveGasPrice)
	return ledger.Receipt{Confirmed: true, Fee: p.FeeInAsset(wei)}, nil
}
