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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/obs"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A rotation of the hot key runs while the platform is frozen, so no payout
// signs meanwhile, and starts once every payout already broadcast has ended
// and no sweep is in flight: nothing in flight is lost. Then, one step per
// confirmed transaction, signed by the old key:
//
//	eth-owner  the forwarder factory's owner and sweep destination become the new address
//	eth-usdt   every USDT of the old address goes to the new one
//	tron-usdt  the same on Tron
//	tron-trx   the old address's liquid TRX goes to the new one (creating its
//	           account, which it needs to sign anything on Tron), less the
//	           fees; TRX staked for energy stays staked at the old address
//	eth-eth    the old address's ETH goes to the new one (less the transfer's gas)
//
// and last the alias is pointed at the new key, the old key is retagged so
// the functions may verify with it but not sign, and the table names the
// new key, which
// every function building on the hot key picks up (fn.Reloading).

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

// Rotator advances the hot key rotation, one run at a time.
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
}

// Step advances the rotation as far as it can now and says where it is.
func (r *Rotator) Step(ctx context.Context) (sg.Rotation, error) {
	rot, ok, err := r.Store.Rotation(ctx)
	if err != nil || !ok || rot.State == sg.RotationDone {
		return rot, err
	}
	if rot.State == sg.RotationRequested {
		if wait, err := r.mustWait(ctx); err != nil || wait != "" {
			if wait != rot.Note {
				from := rot.State
				rot.Note = wait
				r.Store.SaveRotation(ctx, rot, from) //nolint:errcheck // the note is advice; the next run writes it again
			}
			return rot, err
		}
		if rot, err = r.newKey(ctx, rot); err != nil {
			return rot, err
		}
	}
	return r.drain(ctx, rot)
}

// mustWait says what the rotation waits for, "" for nothing.
func (r *Rotator) mustWait(ctx context.Context) (string, error) {
	if f, frozen, err := r.Store.FreezeOn(ctx, "", ""); err != nil {
		return "", err
	} else if !frozen || f.Scope != sg.FreezePlatform {
		return "waiting for a platform freeze (POST /v1/freezes with scope platform)", nil
	}
	// A payout that took a nonce of the old key is sent before the key
	// changes (a freeze does not stop it), or the old address would be
	// left with a gap its drain transactions wait behind.
	if n, err := r.Store.NonceHolders(ctx); err != nil {
		return "", err
	} else if n > 0 {
		return fmt.Sprintf("waiting for %d payouts holding a nonce to be sent", n), nil
	}
	for _, c := range sg.Chains {
		tracked, err := r.Store.Tracked(ctx, c)
		if err != nil {
			return "", err
		}
		if len(tracked) > 0 {
			return fmt.Sprintf("waiting for %d payouts on %s to end", len(tracked), c), nil
		}
	}
	if r.Factory != (common.Address{}) {
		if _, open, err := r.Store.OpenSweep(ctx, chaineth.SweepScope(r.Factory)); err != nil || open {
			return "waiting for the sweep in flight to end", err
		}
	}
	if r.TronToken != (address.Account{}) {
		// A Tron sweep or grant in flight uses the old key's energy and
		// names it as the spender: let it end first.
		if _, open, err := r.Store.OpenSweep(ctx, tron.SweepScope(r.TronToken)); err != nil || open {
			return "waiting for the Tron sweep in flight to end", err
		}
		if _, signed, err := r.Store.OpenTronGrant(ctx, tron.SweepScope(r.TronToken)); err != nil || signed {
			return "waiting for the Tron sweep grant being carried out to end", err
		}
	}
	return "", nil
}

// newKey makes the new KMS key (tagged so the functions may sign with it)
// and moves the rotation to draining.
func (r *Rotator) newKey(ctx context.Context, rot sg.Rotation) (sg.Rotation, error) {
	old := &kmssign.Signer{KMS: r.KMS, KeyID: r.CurrentKey}
	oldAddr, err := old.Address(ctx)
	if err != nil {
		return rot, err
	}
	out, err := r.KMS.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecEccSecgP256k1, KeyUsage: kmstypes.KeyUsageTypeSignVerify,
		Description: aws.String("Stablegate hot wallet signing key (rotation " + rot.ID + ")"),
		Tags:        []kmstypes.Tag{{TagKey: aws.String(HotTag), TagValue: aws.String(r.Tag)}, {TagKey: aws.String(HotVerifyTag), TagValue: aws.String(r.Tag)}}})
	if err != nil {
		return rot, sg.Unavailable("chainfn.rotate", err)
	}
	newAddr, err := (&kmssign.Signer{KMS: r.KMS, KeyID: *out.KeyMetadata.KeyId}).Address(ctx)
	if err != nil {
		return rot, err
	}
	rot.OldKey, rot.NewKey, rot.OldAddr, rot.NewAddr = r.CurrentKey, *out.KeyMetadata.KeyId, oldAddr.EIP55(), newAddr.EIP55()
	rot.State, rot.Note = sg.RotationDraining, "moving funds to the new key"
	if err := r.Store.SaveRotation(ctx, rot, sg.RotationRequested); err != nil {
		return rot, err
	}
	return rot, nil
}

func (r *Rotator) drain(ctx context.Context, rot sg.Rotation) (sg.Rotation, error) {
	oldSigner := &kmssign.Signer{KMS: r.KMS, KeyID: rot.OldKey}
	hot := &chaineth.HotWallet{Node: r.Node, Signer: oldSigner, ChainID: r.ChainID, Store: r.Store, Confirmations: r.Confirmations}
	newAddr := common.HexToAddress(rot.NewAddr)
	oldAddr := common.HexToAddress(rot.OldAddr)
	to, _ := address.Parse(sg.Ethereum, rot.NewAddr)
	tronOld := &tron.Sender{Grid: r.Grid, Signer: oldSigner, Store: r.Store}
	type step struct {
		name string
		send func() (string, error) // "" and no error: nothing to move
	}
	steps := []step{
		{"eth-owner", func() (string, error) {
			if r.Factory == (common.Address{}) {
				return "", nil
			}
			factoryABI, err := forwarder.ForwarderFactoryMetaData.GetAbi()
			if err != nil {
				return "", sg.Internal("chainfn.rotate", err)
			}
			data, err := factoryABI.Pack("setOwner", newAddr, newAddr)
			if err != nil {
				return "", sg.Internal("chainfn.rotate", err)
			}
			return hot.Send(ctx, "rot-"+rot.ID+"-eth-owner", r.Factory, data)
		}},
		{"eth-usdt", func() (string, error) {
			bal, err := chaineth.TokenBalance(ctx, r.Node, r.Token, oldAddr)
			if err != nil || bal.Sign() == 0 {
				return "", err
			}
			return hot.Send(ctx, "rot-"+rot.ID+"-eth-usdt", r.Token, erc20.Transfer(to, bal))
		}},
		{"tron-usdt", func() (string, error) {
			if r.Grid == nil {
				return "", nil
			}
			old, _ := address.Parse(sg.Ethereum, rot.OldAddr)
			bal, err := r.Grid.TRC20Balance(ctx, old.Tron(), r.TronToken.Tron())
			if err != nil || bal.Sign() == 0 {
				return "", err
			}
			return tronOld.Sign(ctx, "rot-"+rot.ID+"-tron-usdt", func(ctx context.Context, h tron.Header) (tron.Tx, error) {
				return tron.Call(old, r.TronToken, erc20.Transfer(to, bal), h), nil
			})
		}},
		{"tron-trx", func() (string, error) {
			if r.Grid == nil {
				return "", nil
			}
			old, _ := address.Parse(sg.Ethereum, rot.OldAddr)
			sun, err := r.trxToMove(ctx, old, to)
			if err != nil || sun <= 0 {
				return "", err
			}
			return tronOld.Sign(ctx, "rot-"+rot.ID+"-tron-trx", func(ctx context.Context, h tron.Header) (tron.Tx, error) {
				return tron.SendTRX(old, to, sun, h), nil
			})
		}},
		{"eth-eth", func() (string, error) { return hot.SendAll(ctx, "rot-"+rot.ID+"-eth-eth", newAddr) }},
	}
	for _, s := range steps {
		if _, done := rot.Steps[s.name]; done {
			continue
		}
		// A step's transaction, once signed, is the step's: its balance
		// read again after it is mined would say there is nothing left.
		id := "rot-" + rot.ID + "-" + s.name
		hash := ""
		if kept, err := r.Store.SignedTx(ctx, id); err == nil {
			hash = kept.Hash
		} else if !errors.Is(err, sg.ErrNotFound) {
			return rot, err
		} else if hash, err = s.send(); err != nil {
			return rot, err
		}
		if hash != "" {
			done, err := r.confirmed(ctx, hot, tronOld, s.name, id)
			if err != nil || !done {
				return rot, err
			}
		}
		rot.Steps[s.name] = hash
		if hash == "" {
			rot.Steps[s.name] = "nothing to move"
		}
		if err := r.Store.SaveRotation(ctx, rot, sg.RotationDraining); err != nil {
			return rot, err
		}
	}
	// Everything moved: the alias, the old key's policy, the table.
	if strings.HasPrefix(r.Alias, "alias/") {
		if _, err := r.KMS.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: &r.Alias, TargetKeyId: &rot.NewKey}); err != nil {
			return rot, sg.Unavailable("chainfn.rotate", err)
		}
	}
	if err := r.retire(ctx, rot.OldKey); err != nil {
		return rot, err
	}
	j := sg.JournalEntry{At: r.Store.Now().UTC(), Actor: "rotation", Action: "hot_key.rotated", Subject: rot.ID,
		Detail: "from " + rot.OldAddr + " to " + rot.NewAddr}
	if err := r.Store.FinishRotation(ctx, rot, j); err != nil {
		return rot, err
	}
	rot.State, rot.Note = sg.RotationDone, "the new key is in use; lift the platform freeze to resume payouts"
	return rot, nil
}

// confirmed follows a drain transaction: sent if not yet, then tracked to
// its confirmations. A reverted one stops the rotation for a person to look.
func (r *Rotator) confirmed(ctx context.Context, hot *chaineth.HotWallet, tronOld *tron.Sender, name, id string) (bool, error) {
	if strings.HasPrefix(name, "tron-") {
		// The transaction as signed: a version that expires unmined is
		// signed anew with the same contract (destination and amount).
		kept, err := r.Store.SignedTx(ctx, id)
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
			err = fmt.Errorf("chainfn: the rotation's %s transaction failed on chain (%s)", name, st.Result)
		}
		return err == nil && st.Found && st.Success && st.Solid, err
	}
	if err := hot.Broadcast(ctx, id); err != nil {
		return false, err
	}
	m, err := hot.Track(ctx, id)
	if err == nil && m.Failed {
		err = fmt.Errorf("chainfn: the rotation's %s transaction reverted", name)
	}
	return err == nil && m.Confirmed, err
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

// retire keeps the old key for verification only. The functions' IAM
// lets them sign with keys tagged stablegate-hot=<stack> and read and
// verify with keys tagged stablegate-hot-verify=<stack>: the old key loses
// the first tag's value and keeps the second. (A key policy denying
// kms:Sign would do it too; the tag keeps the one rule in the template.)
func (r *Rotator) retire(ctx context.Context, keyID string) error {
	_, err := r.KMS.TagResource(ctx, &kms.TagResourceInput{KeyId: &keyID, Tags: []kmstypes.Tag{
		{TagKey: aws.String(HotTag), TagValue: aws.String("retired")},
		{TagKey: aws.String(HotVerifyTag), TagValue: aws.String(r.Tag)},
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
var HotKeyRotate = fn.JobOnHotKey(hotKeyRotate)

func hotKeyRotate(ctx context.Context, env fn.Env) (fn.Job, error) {
	st, err := fn.Store(env)
	if err != nil {
		return nil, err
	}
	kc, err := fn.KMSClient(env)
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
	node, err := ethclient.DialContext(ctx, env("ETH_RPC_URL"))
	if err != nil {
		return nil, err
	}
	r := &Rotator{Store: st, KMS: kc, Alias: env("HOT_SIGNER_KEY_ID"), Tag: env("HOT_KEY_TAG"), Node: node, ChainID: hot.ChainID,
		Token: token, Confirmations: hot.Confirmations, CurrentKey: hot.Signer.KeyID}
	if f := env("FORWARDER_FACTORY_ETHEREUM"); f != "" {
		r.Factory = common.HexToAddress(f)
	}
	if _, grid, tt, ok, err := fn.TronConfig(env); err != nil {
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
