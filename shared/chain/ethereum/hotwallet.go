package ethereum

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stablegate/stablegate/shared/chain/ethfee"
	"github.com/stablegate/stablegate/shared/kmssign"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Node is what the hot wallet needs from an Ethereum node (ethclient has it).
type Node interface {
	PendingNonceAt(ctx context.Context, a common.Address) (uint64, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error)
	EstimateGas(ctx context.Context, m ethereum.CallMsg) (uint64, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	TransactionReceipt(ctx context.Context, h common.Hash) (*types.Receipt, error)
	BlockNumber(ctx context.Context) (uint64, error)
	BalanceAt(ctx context.Context, a common.Address, block *big.Int) (*big.Int, error)
}

// TxStore allocates nonces and keeps signed transactions (the dynamo
// adapter implements it).
type TxStore interface {
	NonceOf(ctx context.Context, chain sg.Chain, addr, id string) (sg.NonceClaim, bool, error)
	AllocateNonce(ctx context.Context, chain sg.Chain, addr, id string, start uint64, terms sg.NonceClaim, guard *sg.NonceGuard) (sg.NonceClaim, error)
	SaveSignedTx(ctx context.Context, id string, raw []byte, hash string, at time.Time) (sg.SignedTx, error)
	ReplaceSignedTx(ctx context.Context, id, oldHash string, raw []byte, hash string, at time.Time) (sg.SignedTx, error)
	SignedTx(ctx context.Context, id string) (sg.SignedTx, error)
}

// HotWallet sends the platform's own transactions from a key in KMS: one
// nonce per job (a payout, a sweep), the signed bytes kept so a retried step
// sends the same transaction, and a transaction left unmined past StuckAfter
// replaced by one with the same nonce and higher fees. Any of a job's
// versions may be the one mined; Track finds it.
type HotWallet struct {
	Node          Node
	Signer        *kmssign.Signer
	ChainID       *big.Int
	Store         TxStore
	Confirmations uint64
	// StuckAfter is how long a transaction may stay unmined before it is
	// replaced (0: DefaultStuckAfter).
	StuckAfter time.Duration
	// MaxFeeCap bounds what a replacement may bid per gas (nil: no bound).
	MaxFeeCap *big.Int
	// NoReplace: Track never replaces a transaction (its key is offline:
	// the cold wallet's payouts are only followed).
	NoReplace bool
	Now       func() time.Time
}

// DefaultStuckAfter is how long a transaction waits before a fee bump.
const DefaultStuckAfter = 3 * time.Minute

func (h *HotWallet) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Send builds and signs job id's call of to with data (once: a second call
// returns the first transaction's hash).
func (h *HotWallet) Send(ctx context.Context, id string, to common.Address, data []byte) (string, error) {
	return h.SendWith(ctx, id, to, data, nil)
}

// SendWith is Send with an access list (EIP-2930) of what the call touches.
func (h *HotWallet) SendWith(ctx context.Context, id string, to common.Address, data []byte, al types.AccessList) (string, error) {
	return h.send1(ctx, id, to, data, al, nil, nil)
}

// SendGuarded is Send for a withdrawal: the nonce is taken only while the
// withdrawal is in one of the guard's states, and marks it as holding it.
func (h *HotWallet) SendGuarded(ctx context.Context, id string, guard *sg.NonceGuard, to common.Address, data []byte) (string, error) {
	return h.send1(ctx, id, to, data, nil, nil, guard)
}

// SendAll sends job id's transfer of all the address's ETH to to, less the
// most the transfer's gas can cost at the fee cap (a value transfer uses
// exactly 21,000 gas; what the cap exceeds the price paid by stays
// behind). It returns "" and no error if the balance does not cover the gas.
func (h *HotWallet) SendAll(ctx context.Context, id string, to common.Address) (string, error) {
	if kept, err := h.Store.SignedTx(ctx, id); err == nil {
		return kept.Hash, nil
	}
	from, err := From(ctx, h.Signer)
	if err != nil {
		return "", err
	}
	bal, err := h.Node.BalanceAt(ctx, from, nil)
	if err != nil {
		return "", sg.Unavailable("ethereum.SendAll", err)
	}
	_, feeCap, err := h.fees(ctx)
	if err != nil {
		return "", err
	}
	// A quarter over the cap: the fee is asked for again when signing.
	value := new(big.Int).Sub(bal, new(big.Int).Mul(new(big.Int).Mul(feeCap, big.NewInt(5)), big.NewInt(21_000/4)))
	if value.Sign() <= 0 {
		return "", nil
	}
	return h.send1(ctx, id, to, nil, nil, value, nil)
}

// send1 signs job id's transaction once. Everything that can refuse the
// job (the node's estimate: a float too small, a token that reverts) is
// asked before a nonce is taken, so a refused job holds no nonce and can be
// dropped; the nonce is taken with the terms signed, and a job that stops
// after taking it signs the same terms again, never asking the node, so a
// nonce once taken always gets its transaction.
func (h *HotWallet) send1(ctx context.Context, id string, to common.Address, data []byte, al types.AccessList, value *big.Int, guard *sg.NonceGuard) (string, error) {
	if kept, err := h.Store.SignedTx(ctx, id); err == nil {
		return kept.Hash, nil
	} else if !errors.Is(err, sg.ErrNotFound) {
		return "", err
	}
	from, err := From(ctx, h.Signer)
	if err != nil {
		return "", err
	}
	claim, held, err := h.Store.NonceOf(ctx, sg.Ethereum, from.Hex(), id)
	if err != nil {
		return "", err
	}
	if !held || claim.Gas == 0 {
		terms, err := h.terms(ctx, from, to, data, al, value)
		if err != nil {
			return "", err
		}
		if held {
			terms.Nonce = claim.Nonce
			claim = terms
		} else {
			start, err := h.Node.PendingNonceAt(ctx, from)
			if err != nil {
				return "", sg.Unavailable("ethereum.Send", err)
			}
			if claim, err = h.Store.AllocateNonce(ctx, sg.Ethereum, from.Hex(), id, start, terms, guard); err != nil {
				return "", err
			}
			if claim.Gas == 0 { // a concurrent attempt recorded none
				claim.Gas, claim.Tip, claim.FeeCap = terms.Gas, terms.Tip, terms.FeeCap
			}
		}
	}
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: h.ChainID, Nonce: claim.Nonce, GasTipCap: claim.Tip, GasFeeCap: claim.FeeCap,
		Gas: claim.Gas, To: &to, Data: data, AccessList: al, Value: value})
	raw, hash, err := h.sign(ctx, tx)
	if err != nil {
		return "", err
	}
	kept, err := h.Store.SaveSignedTx(ctx, id, raw, hash, h.now())
	return kept.Hash, err
}

// terms asks the node what the job's transaction needs: its gas (an
// estimate that fails means the chain would refuse it now) and fees.
func (h *HotWallet) terms(ctx context.Context, from, to common.Address, data []byte, al types.AccessList, value *big.Int) (sg.NonceClaim, error) {
	gas, err := h.Node.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &to, Data: data, AccessList: al, Value: value})
	if err != nil {
		return sg.NonceClaim{}, estimateRefusal(err)
	}
	tip, feeCap, err := h.fees(ctx)
	if err != nil {
		return sg.NonceClaim{}, err
	}
	limit := ethfee.GasLimit(gas)
	if value != nil {
		limit = 21_000
	}
	return sg.NonceClaim{Gas: limit, Tip: tip, FeeCap: feeCap}, nil
}

// estimateRefusal names why the node's estimate failed: the chain refuses
// the call (a revert; the hot wallet short of gas money) or the node is
// unreachable (retried as any outage).
func estimateRefusal(err error) error {
	m := strings.ToLower(err.Error())
	switch {
	case strings.Contains(m, "insufficient funds"):
		return sg.ErrHotWalletShort.Because("ethereum.Send", err)
	case strings.Contains(m, "revert"):
		return sg.ErrPayoutWouldRevert.Because("ethereum.Send", err)
	}
	return sg.Unavailable("ethereum.Send", err)
}

// fees are the market's tip and a fee cap of twice the base fee plus the tip.
func (h *HotWallet) fees(ctx context.Context) (tip, feeCap *big.Int, err error) {
	tip, err = h.Node.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, nil, sg.Unavailable("ethereum.fees", err)
	}
	head, err := h.Node.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, nil, sg.Unavailable("ethereum.fees", err)
	}
	return tip, ethfee.MaxFeePerGas(head.BaseFee, tip), nil
}

func (h *HotWallet) sign(ctx context.Context, tx *types.Transaction) ([]byte, string, error) {
	signed, err := SignTx(ctx, h.Signer, tx, h.ChainID)
	if err != nil {
		return nil, "", err
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		return nil, "", sg.Internal("ethereum.sign", err)
	}
	return raw, signed.Hash().Hex(), nil
}

// Broadcast sends job id's kept transaction; a node that already has it, or
// has mined its nonce, is a success (Track tells which version was mined).
func (h *HotWallet) Broadcast(ctx context.Context, id string) error {
	kept, err := h.Store.SignedTx(ctx, id)
	if err != nil {
		return err
	}
	return h.send(ctx, kept.Raw)
}

func (h *HotWallet) send(ctx context.Context, raw []byte) error {
	var tx types.Transaction
	if err := tx.UnmarshalBinary(raw); err != nil {
		return sg.Internal("ethereum.Broadcast", err)
	}
	err := h.Node.SendTransaction(ctx, &tx)
	if err == nil {
		return nil
	}
	m := strings.ToLower(err.Error())
	if strings.Contains(m, "already known") || strings.Contains(m, "nonce too low") {
		return nil
	}
	return sg.Unavailable("ethereum.Broadcast", err)
}

// Mined is what the chain says of a job's transaction.
type Mined struct {
	Found, Confirmed, Failed bool
	Hash                     string   // the version mined
	FeeWei                   *big.Int // gas used times its effective price
	Replaced                 bool     // this call sent a replacement
}

// Track looks for a mined version of job id's transaction and follows it to
// the confirmation depth. If none is mined and the current one is older
// than StuckAfter, it signs and sends a replacement: same nonce, tip and
// fee cap each raised by at least 12.5% (nodes want 10%) and to the market's.
func (h *HotWallet) Track(ctx context.Context, id string) (Mined, error) {
	kept, err := h.Store.SignedTx(ctx, id)
	if err != nil {
		return Mined{}, err
	}
	for _, hash := range append([]string{kept.Hash}, kept.Prev...) {
		r, err := h.Node.TransactionReceipt(ctx, common.HexToHash(hash))
		if errors.Is(err, ethereum.NotFound) {
			continue
		}
		if err != nil {
			return Mined{}, sg.Unavailable("ethereum.Track", err)
		}
		m := Mined{Found: true, Hash: hash, FeeWei: new(big.Int).Mul(new(big.Int).SetUint64(r.GasUsed), r.EffectiveGasPrice)}
		if r.Status != types.ReceiptStatusSuccessful {
			m.Failed = true
			return m, nil
		}
		head, err := h.Node.BlockNumber(ctx)
		if err != nil {
			return Mined{}, sg.Unavailable("ethereum.Track", err)
		}
		m.Confirmed = head+1-r.BlockNumber.Uint64() >= h.Confirmations
		return m, nil
	}
	stuck := h.StuckAfter
	if stuck == 0 {
		stuck = DefaultStuckAfter
	}
	if h.NoReplace || h.now().Sub(kept.At) < stuck {
		return Mined{}, nil
	}
	replaced, err := h.replace(ctx, id, kept)
	return Mined{Replaced: replaced}, err
}

func (h *HotWallet) replace(ctx context.Context, id string, kept sg.SignedTx) (bool, error) {
	var old types.Transaction
	if err := old.UnmarshalBinary(kept.Raw); err != nil {
		return false, sg.Internal("ethereum.replace", err)
	}
	tip, feeCap, err := h.fees(ctx)
	if err != nil {
		return false, err
	}
	tip = maxBig(tip, Bump(old.GasTipCap()))
	feeCap = maxBig(feeCap, Bump(old.GasFeeCap()))
	if feeCap.Cmp(tip) < 0 {
		feeCap = tip
	}
	if h.MaxFeeCap != nil && feeCap.Cmp(h.MaxFeeCap) > 0 {
		return false, nil // at the ceiling: wait for the market to come down
	}
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: h.ChainID, Nonce: old.Nonce(), GasTipCap: tip, GasFeeCap: feeCap,
		Gas: old.Gas(), To: old.To(), Data: old.Data(), AccessList: old.AccessList(), Value: old.Value()})
	raw, hash, err := h.sign(ctx, tx)
	if err != nil {
		return false, err
	}
	now, err := h.Store.ReplaceSignedTx(ctx, id, kept.Hash, raw, hash, h.now())
	if err != nil {
		return false, err
	}
	return now.Hash == hash, h.send(ctx, now.Raw)
}

// Bump raises a fee by 12.5% (rounded up), above the 10% a node requires
// of a replacement.
func Bump(v *big.Int) *big.Int {
	up := new(big.Int).Add(new(big.Int).Mul(v, big.NewInt(9)), big.NewInt(7))
	return up.Div(up, big.NewInt(8))
}

func maxBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}
