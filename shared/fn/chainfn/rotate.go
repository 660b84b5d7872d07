package chainfn

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The hot key rotation's business (when it waits, which step runs next,
// recording each once, finishing) is custody.Rotator's. Here are its
// adapters: KMS as the key admin, one step per transaction on Ethereum and
// Tron, and the sweeps and grants in flight it waits out. The steps, in
// order, each signed by the old key:
//
//	eth-owner  the forwarder factory's owner and sweep destination become the new address
//	eth-usdt   every USDT of the old address goes to the new one
//	tron-usdt  the same on Tron
//	tron-trx   the old address's liquid TRX goes to the new one (creating its
//	           account, which it needs to sign anything on Tron), less the
//	           fees; TRX staked for energy stays staked at the old address
//	eth-eth    the old address's ETH goes to the new one (less the transfer's gas)

// KMSAdmin is what a rotation asks of KMS.
type KMSAdmin interface {
	CreateKey(ctx context.Context, in *kms.CreateKeyInput, o ...func(*kms.Options)) (*kms.CreateKeyOutput, error)
	UpdateAlias(ctx context.Context, in *kms.UpdateAliasInput, o ...func(*kms.Options)) (*kms.UpdateAliasOutput, error)
	TagResource(ctx context.Context, in *kms.TagResourceInput, o ...func(*kms.Options)) (*kms.TagResourceOutput, error)
	kmssign.KMS
}

// RotationNode is what a rotation needs of an Ethereum node (ethclient has it).
type RotationNode interface {
	chaineth.Node
	chaineth.Caller
}

// Rotator wires custody.Rotator to KMS and the chains, one run at a time.
type Rotator struct {
	Store *dynamo.Store
	KMS   KMSAdmin
	// Alias is the template's alias of the hot key, pointed at the new key.
	Alias string
	// Tag marks the keys the functions may sign with (their IAM condition).
	Tag string
	// Ethereum: the node, token and (optional) forwarder factory.
	Node          RotationNode
	ChainID       *big.Int
	Token         common.Address
	Factory       common.Address
	Confirmations uint64
	// Tron, optional.
	Grid      *tron.Grid
	TronToken address.Account
	// CurrentKey is the key in use (its id as the table or the alias names it).
	CurrentKey string
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// Step advances the rotation as far as it can now and says where it is.
func (r *Rotator) Step(ctx context.Context) (sg.Rotation, error) {
	return r.Service().Step(ctx)
}

// Service is the rotation service over this wiring's adapters.
func (r *Rotator) Service() *custody.Rotator {
	var gates []sg.RotationGate
	if r.Factory != (common.Address{}) {
		gates = append(gates, sweepGate{r.Store.Sweeps, chaineth.SweepScope(r.Factory), "waiting for the sweep in flight to end"})
	}
	if r.TronToken != (address.Account{}) {
		// A Tron sweep or grant in flight uses the old key's energy and
		// names it as the spender: let it end first.
		gates = append(gates, sweepGate{r.Store.Sweeps, tron.SweepScope(r.TronToken), "waiting for the Tron sweep in flight to end"},
			grantGate{r.Store.Grants, tron.SweepScope(r.TronToken)})
	}
	eth := func(name string, send func(context.Context, *chaineth.HotWallet, sg.Rotation, string) (string, error)) sg.RotationStep {
		return ethStep{r, name, send}
	}
	trx := func(name string, send func(context.Context, *tron.Sender, sg.Rotation, string) (string, error)) sg.RotationStep {
		return tronStep{r, name, send}
	}
	now := r.Now
	if now == nil {
		now = r.Store.Base.Now
	}
	st := r.Store
	return &custody.Rotator{Store: st.HotKeys, Freezes: st.Custody, Nonces: st.Withdrawals, Tracked: st.Watch, Signed: st.Withdrawals, Gates: gates, CurrentKey: r.CurrentKey, Now: now,
		Keys: kmsKeys{KMS: r.KMS, Alias: r.Alias, Tag: r.Tag},
		Steps: []sg.RotationStep{eth("eth-owner", r.ethOwner), eth("eth-usdt", r.ethUSDT), trx("tron-usdt", r.tronUSDT),
			trx("tron-trx", r.tronTRX), eth("eth-eth", r.ethETH)}}
}

func (r *Rotator) ethOwner(ctx context.Context, hot *chaineth.HotWallet, rot sg.Rotation, id string) (string, error) {
	if r.Factory == (common.Address{}) {
		return "", nil
	}
	factoryABI, err := chaineth.FactoryABI()
	if err != nil {
		return "", sg.Internal("chainfn.rotate", err)
	}
	newAddr := common.HexToAddress(rot.NewAddr)
	data, err := factoryABI.Pack("setOwner", newAddr, newAddr)
	if err != nil {
		return "", sg.Internal("chainfn.rotate", err)
	}
	return hot.Send(ctx, id, r.Factory, data)
}

func (r *Rotator) ethUSDT(ctx context.Context, hot *chaineth.HotWallet, rot sg.Rotation, id string) (string, error) {
	bal, err := chaineth.TokenBalance(ctx, r.Node, r.Token, common.HexToAddress(rot.OldAddr))
	if err != nil || bal.Sign() == 0 {
		return "", err
	}
	to, _ := address.Parse(sg.Ethereum, rot.NewAddr)
	return hot.Send(ctx, id, r.Token, erc20.Transfer(to, bal))
}

func (r *Rotator) ethETH(ctx context.Context, hot *chaineth.HotWallet, rot sg.Rotation, id string) (string, error) {
	return hot.SendAll(ctx, id, common.HexToAddress(rot.NewAddr))
}

func (r *Rotator) tronUSDT(ctx context.Context, tronOld *tron.Sender, rot sg.Rotation, id string) (string, error) {
	if r.Grid == nil {
		return "", nil
	}
	old, _ := address.Parse(sg.Ethereum, rot.OldAddr)
	to, _ := address.Parse(sg.Ethereum, rot.NewAddr)
	bal, err := r.Grid.TRC20Balance(ctx, old.Tron(), r.TronToken.Tron())
	if err != nil || bal.Sign() == 0 {
		return "", err
	}
	return tronOld.Sign(ctx, id, func(ctx context.Context, h tron.Header) (tron.Tx, error) {
		return tron.Call(old, r.TronToken, erc20.Transfer(to, bal), h), nil
	})
}

func (r *Rotator) tronTRX(ctx context.Context, tronOld *tron.Sender, rot sg.Rotation, id string) (string, error) {
	if r.Grid == nil {
		return "", nil
	}
	old, _ := address.Parse(sg.Ethereum, rot.OldAddr)
	to, _ := address.Parse(sg.Ethereum, rot.NewAddr)
	sun, err := r.trxToMove(ctx, old, to)
	if err != nil || sun <= 0 {
		return "", err
	}
	return tronOld.Sign(ctx, id, func(ctx context.Context, h tron.Header) (tron.Tx, error) {
		return tron.SendTRX(old, to, sun, h), nil
	})
}

// ethStep is a rotation step on Ethereum, signed by the old key.
type ethStep struct {
	r    *Rotator
	name string
	send func(context.Context, *chaineth.HotWallet, sg.Rotation, string) (string, error)
}

func (s ethStep) Name() string { return s.name }

func (s ethStep) hot(rot sg.Rotation) *chaineth.HotWallet {
	return &chaineth.HotWallet{Node: s.r.Node, Signer: &kmssign.Signer{KMS: s.r.KMS, KeyID: rot.OldKey}, ChainID: s.r.ChainID,
		Store: s.r.Store.Withdrawals, Confirmations: s.r.Confirmations}
}

func (s ethStep) Send(ctx context.Context, rot sg.Rotation, id string) (string, error) {
	return s.send(ctx, s.hot(rot), rot, id)
}

// Confirmed sends the transaction if not yet and tracks it to its
// confirmations. A reverted one stops the rotation for a person to look.
func (s ethStep) Confirmed(ctx context.Context, rot sg.Rotation, id string) (bool, error) {
	hot := s.hot(rot)
	if err := hot.Broadcast(ctx, id); err != nil {
		return false, err
	}
	m, err := hot.Track(ctx, id)
	if err == nil && m.Failed {
		err = fmt.Errorf("chainfn: the rotation's %s transaction reverted", s.name)
	}
	return err == nil && m.Confirmed, err
}

// tronStep is a rotation step on Tron, signed by the old key.
type tronStep struct {
	r    *Rotator
	name string
	send func(context.Context, *tron.Sender, sg.Rotation, string) (string, error)
}

func (s tronStep) Name() string { return s.name }

func (s tronStep) sender(rot sg.Rotation) *tron.Sender {
	return &tron.Sender{Grid: s.r.Grid, Signer: &kmssign.Signer{KMS: s.r.KMS, KeyID: rot.OldKey}, Store: s.r.Store.Withdrawals}
}

func (s tronStep) Send(ctx context.Context, rot sg.Rotation, id string) (string, error) {
	return s.send(ctx, s.sender(rot), rot, id)
}

// Confirmed follows the transaction as signed: a version that expires
// unmined is signed anew with the same contract (destination and amount).
// A failed one stops the rotation for a person to look.
func (s tronStep) Confirmed(ctx context.Context, rot sg.Rotation, id string) (bool, error) {
	tronOld := s.sender(rot)
	kept, err := s.r.Store.Withdrawals.SignedTx(ctx, id)
	if err != nil {
		return false, err
	}
	var stx tron.SignedTx
	json.Unmarshal(kept.Raw, &stx) //nolint:errcheck // the raw data's parse below says if it is whole
	raw, _ := hex.DecodeString(stx.RawDataHex)
	parsed, err := tron.Parse(raw)
	if err != nil {
		return false, sg.Internal("chainfn.rotate", err)
	}
	if err := tronOld.Broadcast(ctx, id); err != nil {
		return false, err
	}
	st, err := tronOld.Follow(ctx, id, func(ctx context.Context, h tron.Header) (tron.Tx, error) {
		again := parsed
		if again.Type != tron.TypeTriggerSmartContract {
			h.FeeLimit = 0
		}
		again.Header = h
		return again, nil
	})
	if err == nil && st.Found && !st.Success {
		err = fmt.Errorf("chainfn: the rotation's %s transaction failed on chain (%s)", s.name, st.Result)
	}
	return err == nil && st.Found && st.Success && st.Solid, err
}

// sweepGate waits out a sweep in flight.
type sweepGate struct {
	st interface {
		OpenSweep(ctx context.Context, scope string) (sg.Sweep, bool, error)
	}
	scope, note string
}

func (g sweepGate) Busy(ctx context.Context) (string, error) {
	if _, open, err := g.st.OpenSweep(ctx, g.scope); err != nil || !open {
		return "", err
	}
	return g.note, nil
}

// grantGate waits out a Tron sweep grant being carried out.
type grantGate struct {
	st interface {
		OpenTronGrant(ctx context.Context, scope string) (string, bool, error)
	}
	scope string
}

func (g grantGate) Busy(ctx context.Context) (string, error) {
	if _, signed, err := g.st.OpenTronGrant(ctx, g.scope); err != nil || !signed {
		return "", err
	}
	return "waiting for the Tron sweep grant being carried out to end", nil
}

// trxToMove is the old address's TRX less what sending it burns: the
// bandwidth (unless its free bandwidth covers it) and, when the new
// address's account does not exist yet, creating it. TRX staked for energy
// is not liquid and stays.
func (r *Rotator) trxToMove(ctx context.Context, old, to address.Account) (int64, error) {
	acct, err := r.Grid.Account(ctx, old.Tron())
	if err != nil {
		return 0, sg.Unavailable("chainfn.rotate", err)
	}
	dst, err := r.Grid.Account(ctx, to.Tron())
	if err != nil {
		return 0, sg.Unavailable("chainfn.rotate", err)
	}
	const sendBytes = 300 // a TransferContract with its signature, rounded up
	fee := int64(0)
	if !dst.Exists {
		fee += createAccountFee // and no bandwidth is used
	} else {
		res, err := r.Grid.AccountResources(ctx, old.Tron())
		if err != nil {
			return 0, sg.Unavailable("chainfn.rotate", err)
		}
		if res.FreeNet+res.Net < sendBytes {
			fee += sendBytes * 1_000
		}
	}
	return acct.TRX - fee, nil
}

// createAccountFee is what creating an account burns on Tron: 1 TRX, and
// 0.1 TRX of bandwidth.
const createAccountFee = 1_100_000

// kmsKeys is KMS as the rotation's key admin. The functions' IAM lets them
// sign with keys tagged stablegate-hot=<stack> and read and verify with
// keys tagged stablegate-hot-verify=<stack>.
type kmsKeys struct {
	KMS   KMSAdmin
	Alias string
	Tag   string
}

var _ sg.HotKeyAdmin = kmsKeys{}

func (k kmsKeys) Address(ctx context.Context, keyID string) (string, error) {
	a, err := (&kmssign.Signer{KMS: k.KMS, KeyID: keyID}).Address(ctx)
	if err != nil {
		return "", err
	}
	return a.EIP55(), nil
}

func (k kmsKeys) NewKey(ctx context.Context, rotationID string) (string, error) {
	out, err := k.KMS.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecEccSecgP256k1, KeyUsage: kmstypes.KeyUsageTypeSignVerify,
		Description: aws.String("Stablegate hot wallet signing key (rotation " + rotationID + ")"),
		Tags:        []kmstypes.Tag{{TagKey: aws.String(HotTag), TagValue: aws.String(k.Tag)}, {TagKey: aws.String(HotVerifyTag), TagValue: aws.String(k.Tag)}}})
	if err != nil {
		return "", sg.Unavailable("chainfn.rotate", err)
	}
	return *out.KeyMetadata.KeyId, nil
}

// Promote points the alias at the key (a key named by id, as tests name
// it, has no alias to point).
func (k kmsKeys) Promote(ctx context.Context, keyID string) error {
	if !strings.HasPrefix(k.Alias, "alias/") {
		return nil
	}
	if _, err := k.KMS.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: &k.Alias, TargetKeyId: &keyID}); err != nil {
		return sg.Unavailable("chainfn.rotate", err)
	}
	return nil
}

// Retire keeps the old key for verification only: it loses the first
// tag's value and keeps the second. (A key policy denying kms:Sign would
// do it too; the tag keeps the one rule in the template.)
func (k kmsKeys) Retire(ctx context.Context, keyID string) error {
	_, err := k.KMS.TagResource(ctx, &kms.TagResourceInput{KeyId: &keyID, Tags: []kmstypes.Tag{
		{TagKey: aws.String(HotTag), TagValue: aws.String("retired")},
		{TagKey: aws.String(HotVerifyTag), TagValue: aws.String(k.Tag)},
	}})
	if err != nil {
		return sg.Unavailable("chainfn.rotate", err)
	}
	return nil
}

// The tags naming the keys the functions may sign and verify with.
const (
	HotTag       = "stablegate-hot"
	HotVerifyTag = "stablegate-hot-verify"
)

// HotKeyRotate builds the scheduled job that advances a requested hot key
// rotation (POST /v1/platform/hot-key-rotations asks for one): the chains'
// endpoints as the other chain functions, FORWARDER_FACTORY_ETHEREUM,
// HOT_SIGNER_KEY_ID (the alias re-pointed at the end) and HOT_KEY_TAG (the
// tag value the functions' IAM lets them sign and verify under).
func HotKeyRotate(ctx context.Context, env core.Env) (core.Job, error) {
	return hotkeyfn.JobOnHotKey(hotKeyRotate)(ctx, env)
}

func hotKeyRotate(ctx context.Context, env core.Env) (core.Job, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	kc, err := kmsfn.Client(env)
	if err != nil {
		return nil, err
	}
	hot, _, token, err := hotWallet(ctx, env, st)
	if err != nil {
		return nil, err
	}
	if hot == nil {
		return nil, errors.New("chainfn: ETH_RPC_URL is not set")
	}
	net, _, _, err := ethereumConfig(env)
	if err != nil {
		return nil, err
	}
	u, hc, err := hotkeyfn.ChainHTTP(env, net)
	if err != nil {
		return nil, err
	}
	node, err := chaineth.Dial(ctx, u, hc)
	if err != nil {
		return nil, err
	}
	r := &Rotator{Store: st, KMS: kc, Alias: env("HOT_SIGNER_KEY_ID"), Tag: env("HOT_KEY_TAG"), Node: node, ChainID: hot.ChainID,
		Token: token, Confirmations: hot.Confirmations, CurrentKey: hot.Signer.KeyID}
	if f := env("FORWARDER_FACTORY_ETHEREUM"); f != "" {
		r.Factory = common.HexToAddress(f)
	}
	if _, grid, tt, ok, err := hotkeyfn.TronConfig(env); err != nil {
		return nil, err
	} else if ok {
		r.Grid, r.TronToken = grid, tt
	}
	log := obs.NewLogger(os.Stdout, "hot-key-rotate")
	return func(ctx context.Context) (any, error) {
		rot, err := r.Step(ctx)
		if err != nil {
			return nil, err
		}
		if rot.ID != "" && rot.State != sg.RotationDone || rot.Note != "" {
			log.Info("rotation", "id", rot.ID, "state", rot.State, "note", rot.Note)
		}
		return rot, nil
	}, nil
}
