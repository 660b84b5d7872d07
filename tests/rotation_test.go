package tests

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/custody"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/chainfn"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A hot key rotation on the local chain (and a Tron stand-in of its own),
// on a table of its own so the stack's hot key is left alone. A payout is
// in flight (broadcast) and another queued when the platform is frozen and
// the rotation asked for: the rotation waits for the first to end, makes a
// new key, moves the forwarder factory, the USDT on both chains and the
// ETH to its address, and puts it in use; the old key still verifies but
// its policy denies signing. Lifted, the freeze lets the queued payout go,
// signed by the new key. Nothing in flight is lost.
func TestHotKeyRotationMovesEverything(t *testing.T) {
	info, ec, faucet, usdt := localChain(t)
	ctx := context.Background()
	cfg, _ := config.LoadDefaultConfig(ctx)
	kc := kms.NewFromConfig(cfg)
	oldSigner := newKMSKey(t, kc)
	oldAddr, _ := chaineth.From(ctx, oldSigner)
	oldAcct, _ := oldSigner.Address(ctx)

	// The old hot address: 2 ETH, 500 USDT, a forwarder factory it owns,
	// and 300 USDT on Tron.
	sendETH(t, ec, info, oldAddr, new(big.Int).Mul(big.NewInt(2), big.NewInt(1e18)))
	if tx, err := usdt.Mint(faucet, oldAddr, big.NewInt(500_000_000)); err != nil {
		t.Fatal(err)
	} else {
		waitMined(t, ec, tx)
	}
	factory, tx, ff, err := forwarder.DeployForwarderFactory(faucet, ec, oldAddr, oldAddr)
	if err != nil {
		t.Fatal(err)
	}
	waitMined(t, ec, tx)
	fx := tronfix.New(acct("rotation token " + randHex(4)))
	if err := fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fx.Close() })
	fx.Mint(oldAcct, 300_000_000)
	fx.FundTRX(oldAcct, 1_000_000_000) // 1,000 TRX for the fees it burns
	grid := &tron.Grid{URL: fx.URL, Sleep: func(time.Duration) {}}

	// Payouts from the old key, on a table of their own.
	q := testQueue(t)
	_, st := simLedgerOn(t, rawDB(t))
	payoutWith := func(s *kmssign.Signer) *chaineth.Payout {
		return &chaineth.Payout{Hot: &chaineth.HotWallet{Node: ec, Signer: s, ChainID: big.NewInt(info.ChainID), Store: st.Withdrawals, Confirmations: 2},
			Token: common.HexToAddress(info.Token), FeeInAsset: func(*big.Int) sg.Amount { return 0 }}
	}
	w := pipelineOn(t, rawDB(t), q, sg.Ethereum, payoutWith(oldSigner))
	w.Freezes = st.Custody
	ten := tenant()
	wallet := seedWallets(t, st, w.Service, ten, 1, false, "")[0]
	fund(t, w.Service, ten, wallet, sg.Ethereum, "100")
	withdraw := func(amount sg.Amount) string {
		r, err := w.Create(ctx, ten, "r-"+randHex(6), "h", ledger.Withdraw{Wallet: wallet, Chain: sg.Ethereum, Asset: sg.USDT, ToAddress: ethDest, Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		return r.Transfer.ID
	}
	inFlight := withdraw(10_000_000)
	if got, waiting, err := w.Advance(ctx, ten, inFlight); err != nil || !waiting || got.State != sg.StateBroadcast {
		t.Fatalf("payout in flight: %s %v %v", got.State, waiting, err)
	}
	if err := st.Watch.Track(ctx, sg.Ethereum, ten, inFlight); err != nil {
		t.Fatal(err)
	}
	queued := withdraw(20_000_000)

	svc := &custody.Service{Store: st.Custody, Wallets: st.Wallets, Rotations: st.HotKeys, Withdrawals: w, Now: time.Now, PlatformUnfreezeApprovals: 2}
	admin := func(sub string) custody.Actor { return custody.Actor{Tenant: ten, Subject: sub, PlatformAdmin: true} }
	if _, err := custody.RequestRotation(ctx, st.HotKeys, custody.Actor{Tenant: ten, Subject: "merchant"}, time.Now()); err == nil {
		t.Fatal("a tenant token asked for a rotation")
	}
	rot, err := custody.RequestRotation(ctx, st.HotKeys, admin("ops-1"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := custody.RequestRotation(ctx, st.HotKeys, admin("ops-2"), time.Now()); err == nil || !strings.Contains(err.Error(), "rotation_underway") {
		t.Fatalf("a second rotation: %v", err)
	}
	r := &chainfn.Rotator{Store: st, KMS: kc, Tag: "test", Node: ec, ChainID: big.NewInt(info.ChainID), Token: common.HexToAddress(info.Token),
		Factory: factory, Confirmations: 2, Grid: grid, TronToken: fx.Token, CurrentKey: oldSigner.KeyID}
	if got, err := r.Step(ctx); err != nil || got.State != dynamo.RotationRequested || !strings.Contains(got.Note, "platform freeze") {
		t.Fatalf("rotation without a freeze: %+v %v", got, err)
	}
	f, err := svc.Freeze(ctx, admin("ops-1"), sg.FreezePlatform, "", "hot key rotation")
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := w.Advance(ctx, ten, queued); err != nil || got.State != sg.StatePending {
		t.Fatalf("queued payout under the freeze: %s %v", got.State, err)
	}
	if got, err := r.Step(ctx); err != nil || got.State != dynamo.RotationRequested || !strings.Contains(got.Note, "1 payouts on ethereum") {
		t.Fatalf("rotation with a payout in flight: %+v %v", got, err)
	}
	// The payout in flight ends (the tracker's work), then the rotation runs.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		got, waiting, err := w.Advance(ctx, ten, inFlight)
		if err == nil && !waiting && got.State == sg.StatePosted {
			if err := st.Watch.Untrack(ctx, sg.Ethereum, inFlight); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("payout in flight stuck in %s (%v)", got.State, err)
		}
	}
	for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		fx.Mine(25) // the stand-in's blocks: solid 19 behind the head
		got, err := r.Step(ctx)
		if err == nil && got.State == dynamo.RotationDone {
			rot = got
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rotation stuck: %+v %v", got, err)
		}
	}
	newAddr := common.HexToAddress(rot.NewAddr)
	newAcct, _ := address.Parse(sg.Ethereum, rot.NewAddr)
	if rot.OldAddr != oldAddr.Hex() || newAddr == oldAddr || len(rot.Steps) != 5 {
		t.Fatalf("rotation: %+v", rot)
	}

	// Everything moved.
	if owner, _ := ff.Owner(nil); owner != newAddr {
		t.Fatalf("factory owner %s; want the new key's %s", owner.Hex(), newAddr.Hex())
	}
	if to, _ := ff.SweepTo(nil); to != newAddr {
		t.Fatalf("factory sweeps to %s", to.Hex())
	}
	if b, _ := usdt.BalanceOf(nil, oldAddr); b.Sign() != 0 {
		t.Fatalf("old address keeps %s USDT units", b)
	}
	if b, _ := usdt.BalanceOf(nil, newAddr); b.Int64() != 490_000_000 {
		t.Fatalf("new address holds %s USDT units; want 490 USDT", b)
	}
	if b := fx.BalanceOf(oldAcct); b.Sign() != 0 {
		t.Fatalf("old Tron address keeps %s", b)
	}
	if b := fx.BalanceOf(newAcct); b.Int64() != 300_000_000 {
		t.Fatalf("new Tron address holds %s", b)
	}
	// The old address's TRX moved too, creating the new address's account
	// (it needs one to sign on Tron); the old keeps none.
	oldTRX, newTRX := fx.Inspect(oldAcct), fx.Inspect(newAcct)
	if !newTRX.Exists || newTRX.TRX < 990_000_000 || oldTRX.TRX != 0 {
		t.Fatalf("TRX: old keeps %d sun, new holds %d (account %v)", oldTRX.TRX, newTRX.TRX, newTRX.Exists)
	}
	t.Logf("TRX moved to the new Tron address: %d sun of the old's 1,000 TRX (the rest burnt as fees)", newTRX.TRX)
	// With its account and TRX, the new key pays out on Tron.
	tp := &tron.Payout{Send: &tron.Sender{Grid: grid, Signer: &kmssign.Signer{KMS: kc, KeyID: rot.NewKey}, Store: st.Withdrawals}, Token: fx.Token,
		FeeInAsset: func(int64) sg.Amount { return 0 }}
	payee := acct("rotation payee " + randHex(4))
	tronOut := sg.Transfer{ID: "rot-test-tron-" + randHex(4), ToAddress: payee.Tron(), Amount: 25_000_000}
	if _, err := tp.Sign(ctx, tronOut); err != nil {
		t.Fatal(err)
	}
	if err := tp.Broadcast(ctx, tronOut); err != nil {
		t.Fatalf("the new key's first Tron payout was refused: %v", err)
	}
	fx.Mine(1 + tronfix.SolidifyDepth)
	if rc, err := tp.Receipt(ctx, tronOut); err != nil || !rc.Confirmed || fx.BalanceOf(payee).Int64() != 25_000_000 {
		t.Fatalf("the new key's Tron payout: %+v %v, payee holds %s", rc, err, fx.BalanceOf(payee))
	}
	oldETH, _ := ec.BalanceAt(ctx, oldAddr, nil)
	newETH, _ := ec.BalanceAt(ctx, newAddr, nil)
	if newETH.Cmp(big.NewInt(1e18)) < 0 || oldETH.Cmp(big.NewInt(1e16)) > 0 {
		t.Fatalf("ETH: old keeps %s wei, new holds %s", oldETH, newETH)
	}
	t.Logf("ETH left at the old address: %s wei (the fee cap's margin over the price paid)", oldETH)

	// The new key is in use; the old one verifies but may not sign.
	hk, _ := st.HotKeys.HotKey(ctx)
	if hk.Generation != 1 || hk.KeyID != rot.NewKey || len(hk.Retired) != 1 || hk.Retired[0] != oldSigner.KeyID {
		t.Fatalf("hot key record: %+v", hk)
	}
	env := func(k string) string {
		if k == "TABLE_NAME" {
			return st.Table()
		}
		return os.Getenv(k)
	}
	active, err := hotkeyfn.KMSSigner(ctx, env)
	if err != nil || active.KeyID != rot.NewKey {
		t.Fatalf("functions would sign with %v (%v); want the new key", active, err)
	}
	for k, want := range map[string]map[string]string{oldSigner.KeyID: {chainfn.HotTag: "retired", chainfn.HotVerifyTag: "test"},
		rot.NewKey: {chainfn.HotTag: "test", chainfn.HotVerifyTag: "test"}} {
		tags, err := kc.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, tg := range tags.Tags {
			got[aws.ToString(tg.TagKey)] = aws.ToString(tg.TagValue)
		}
		for tk, tv := range want {
			if got[tk] != tv {
				t.Fatalf("key %s tags %v; want %v (the IAM rule signs only with %s=<stack>)", k, got, want, chainfn.HotTag)
			}
		}
	}
	if _, err := oldSigner.PublicKey(ctx); err != nil {
		t.Fatalf("the old key no longer gives its public key: %v", err)
	}
	first, _ := w.Store.Transfer(ctx, ten, inFlight)
	if sender := txSender(t, ec, first.TxHash); sender != oldAddr {
		t.Fatalf("the old payout was sent by %s", sender.Hex())
	}

	// Lifted, the freeze lets the queued payout go, signed by the new key.
	if _, err := svc.VoteUnfreeze(ctx, admin("ops-1"), f.ID, "rotated"); err != nil {
		t.Fatal(err)
	}
	if f, err = svc.VoteUnfreeze(ctx, admin("ops-2"), f.ID, "checked"); err != nil || !f.Lifted {
		t.Fatalf("unfreeze: %+v %v", f, err)
	}
	requeued := false
	sq := sqs.NewFromConfig(cfg)
	for deadline := time.Now().Add(20 * time.Second); !requeued && time.Now().Before(deadline); {
		out, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &q.URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			var msg ledger.Message
			if err := json.Unmarshal([]byte(*m.Body), &msg); err != nil {
				t.Fatalf("message %s: %v", *m.Body, err)
			}
			requeued = requeued || msg.ID == queued
			if _, err := sq.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &q.URL, ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !requeued {
		t.Fatal("the queued payout was not queued again")
	}
	w.Payouts[sg.Ethereum] = payoutWith(active)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		got, _, err := w.Advance(ctx, ten, queued)
		if err == nil && got.State == sg.StatePosted {
			if sender := txSender(t, ec, got.TxHash); sender != newAddr {
				t.Fatalf("the payout after the rotation was sent by %s; want the new key's %s", sender.Hex(), newAddr.Hex())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queued payout stuck in %s (%v)", got.State, err)
		}
	}
	var j []sg.JournalEntry
	if j, err = st.Custody.Journal(ctx, sg.PlatformTenant, 20, 0); err != nil || !strings.Contains(journalText(j), "hot_key.rotated "+rot.ID) {
		t.Fatalf("platform journal: %s %v", journalText(j), err)
	}
}

func journalText(js []sg.JournalEntry) string {
	var b strings.Builder
	for _, j := range js {
		b.WriteString(j.Action + " " + j.Subject + "\n")
	}
	return b.String()
}

func txSender(t *testing.T, ec interface {
	TransactionByHash(ctx context.Context, h common.Hash) (*types.Transaction, bool, error)
}, hash string) common.Address {
	t.Helper()
	tx, _, err := ec.TransactionByHash(context.Background(), common.HexToHash(hash))
	if err != nil {
		t.Fatalf("transaction %s: %v", hash, err)
	}
	from, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
	if err != nil {
		t.Fatal(err)
	}
	return from
}

func waitMined(t *testing.T, ec *ethclient.Client, tx *types.Transaction) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if r, err := bind.WaitMined(ctx, ec, tx); err != nil || r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction %s: %+v %v", tx.Hash().Hex(), r, err)
	}
}

// sendETH pays value from the faucet to to on the local chain.
func sendETH(t *testing.T, ec *ethclient.Client, info devstack.ChainInfo, to common.Address, value *big.Int) {
	t.Helper()
	ctx := context.Background()
	key, _ := crypto.HexToECDSA(info.FaucetKey)
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := ec.PendingNonceAt(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	tip, _ := ec.SuggestGasTipCap(ctx)
	head, _ := ec.HeaderByNumber(ctx, nil)
	cap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(big.NewInt(info.ChainID)),
		&types.DynamicFeeTx{ChainID: big.NewInt(info.ChainID), Nonce: nonce, GasTipCap: tip, GasFeeCap: cap, Gas: 21_000, To: &to, Value: value})
	if err != nil {
		t.Fatal(err)
	}
	if err := ec.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	waitMined(t, ec, tx)
}

// The rotation routes are for platform admins only; before any rotation
// there is none to show.
func TestRotationRoutesNeedPlatformAdmin(t *testing.T) {
	e := stack(t)
	ten := tenant()
	merchant := e.tokenAs(t, ten, "merchant")
	if r := e.do(t, "POST", "/v1/platform/hot-key-rotations", merchant, nil, nil); r.status != 403 {
		t.Fatalf("a merchant asked for a rotation: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/v1/platform/hot-key-rotations/current", merchant, nil, nil); r.status != 403 {
		t.Fatalf("a merchant read the rotation: %d %s", r.status, r.body)
	}
	admin := e.tokenAs(t, ten, "ops", "platform:admin")
	if r := e.do(t, "GET", "/v1/platform/hot-key-rotations/current", admin, nil, nil); r.status != 404 {
		t.Fatalf("the stack's hot key was never rotated: %d %s", r.status, r.body)
	}
}
