package tron_test

import (
	"context"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// memKMS answers as KMS does for an ECC_SECG_P256K1 key, and counts signatures.
type memKMS struct {
	key   *secp256k1.PrivateKey
	signs *int
}

func (f memKMS) Sign(_ context.Context, in *kms.SignInput, _ ...func(*kms.Options)) (*kms.SignOutput, error) {
	*f.signs++
	sig := secpecdsa.Sign(f.key, in.Message)
	r, s := sig.R(), sig.S()
	rb, sb := r.Bytes(), s.Bytes()
	der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(rb[:]), new(big.Int).SetBytes(sb[:])})
	return &kms.SignOutput{Signature: der}, err
}

func (f memKMS) GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	var k struct {
		Algorithm struct{ Algorithm, Parameters asn1.ObjectIdentifier }
		PublicKey asn1.BitString
	}
	k.Algorithm.Algorithm, k.Algorithm.Parameters = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}, asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	pub := f.key.PubKey().SerializeUncompressed()
	k.PublicKey = asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}
	der, err := asn1.Marshal(k)
	return &kms.GetPublicKeyOutput{PublicKey: der, KeySpec: kmstypes.KeySpecEccSecgP256k1}, err
}

func seeded(seed string) address.Account {
	var a address.Account
	h := sha256.Sum256([]byte(seed))
	copy(a[:], h[:20])
	return a
}

// batchWorld is the Tron stand-in with a Multisend owned by a KMS hot key
// holding USDT and TRX, and the hot key's batch sender over in-memory
// signed-transaction records.
type batchWorld struct {
	fx    *tronfix.Server
	hot   address.Account
	ms    address.Account
	send  *tron.Sender
	bp    *tron.BatchPayout
	signs int
}

func newBatchWorld(t *testing.T) *batchWorld {
	t.Helper()
	w := &batchWorld{fx: tronfix.New(seeded("token"))}
	if err := w.fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.fx.Close() })
	key, _ := secp256k1.GeneratePrivateKey()
	signer := &kmssign.Signer{KMS: memKMS{key: key, signs: &w.signs}, KeyID: "alias/hot"}
	var err error
	if w.hot, err = signer.Address(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.fx.FundTRX(w.hot, 100_000_000_000) // 100,000 TRX for the fees it burns
	w.fx.Mint(w.hot, 1_000_000_000)      // 1,000 USDT
	w.ms = w.fx.DeployMultisend(w.hot)
	w.send = &tron.Sender{Grid: &tron.Grid{URL: w.fx.URL, Sleep: func(time.Duration) {}}, Signer: signer, Store: memstore.New()}
	w.bp = &tron.BatchPayout{Send: w.send, Token: w.fx.Token, Multisend: w.ms,
		FeeInAsset: func(sun int64) sg.Amount { return sg.Amount(sun * 250_000 / 1_000_000) }} // 0.25 USDT per TRX
	return w
}

// members are n rows to fresh recipients of 1, 2, ... USDT.
func members(n int, tag string) ([]sg.BatchRow, []address.Account) {
	var rows []sg.BatchRow
	var to []address.Account
	for i := 0; i < n; i++ {
		a := seeded(fmt.Sprintf("recipient %s %d", tag, i))
		to = append(to, a)
		rows = append(rows, sg.BatchRow{Index: i, Chain: sg.Tron, ToAddress: a.Tron(), Amount: sg.Amount(1_000_000 * (i + 1)), TransferID: fmt.Sprintf("tr_%d", i)})
	}
	return rows, to
}

// sign signs the batch leg, mining (and solidifying) the one approval of the
// Multisend the first batch waits for.
func (w *batchWorld) sign(t *testing.T, b sg.BatchLeg, rows []sg.BatchRow) string {
	t.Helper()
	for i := 0; ; i++ {
		hash, err := w.bp.SignBatch(context.Background(), b, rows)
		if err == nil {
			return hash
		}
		if e := sg.PayoutWait(err); e == nil || e.Code != sg.ErrBatchAssembling.Code || i > 3 {
			t.Fatalf("SignBatch: %v", err)
		}
		w.fx.Mine(tronfix.SolidifyDepth + 1)
	}
}

// outcome follows the batch until its block is solidified.
func (w *batchWorld) outcome(t *testing.T, b sg.BatchLeg, rows []sg.BatchRow) sg.BatchOutcome {
	t.Helper()
	for i := 0; i <= tronfix.SolidifyDepth+2; i++ {
		o, err := w.bp.BatchOutcome(context.Background(), b, rows)
		if err != nil {
			t.Fatalf("BatchOutcome: %v", err)
		}
		if o.Confirmed || o.Failed {
			return o
		}
		w.fx.Mine(1)
	}
	t.Fatal("the batch was never solidified")
	return sg.BatchOutcome{}
}

// A batch of five with a recipient the token refuses is paid in one Tron
// transaction through the Multisend after one approval: the four others
// are paid, the refused one is reported unpaid and its amount never left
// the hot account; a retried sign signs nothing new and a second broadcast
// changes nothing; the members' fee shares add up to the TRX the one
// transaction burnt, which is what the stand-in charges for five transfers,
// the pull, the refund of the refused amount and the contract's own work.
func TestTronBatchPaysAllButTheRefusedRecipient(t *testing.T) {
	w := newBatchWorld(t)
	ctx := context.Background()
	rows, to := members(5, "a")
	const refused = 2
	w.fx.RefuseRecipient(to[refused], true)
	b := sg.BatchLeg{Job: "pb_one", Chain: sg.Tron}
	hotBefore := w.fx.BalanceOf(w.hot).Int64()
	trxBefore := w.fx.Inspect(w.hot).TRX

	hash := w.sign(t, b, rows)
	approvals := w.signs
	if approvals != 2 { // the approval, the batch
		t.Fatalf("%d signatures; want the approval's and the batch's", approvals)
	}
	if again := w.sign(t, b, rows); again != hash || w.signs != approvals {
		t.Fatalf("a second sign gave %s (%d signatures); want the kept %s", again, w.signs, hash)
	}
	trxAfterApproval := w.fx.Inspect(w.hot).TRX
	for i := 0; i < 2; i++ {
		if err := w.bp.BroadcastBatch(ctx, b); err != nil {
			t.Fatalf("broadcast %d: %v", i, err)
		}
	}
	if n := w.fx.Pending(); n != 1 {
		t.Fatalf("%d transactions wait; want the batch once", n)
	}
	o := w.outcome(t, b, rows)
	if !o.Confirmed || o.TxHash != hash || len(o.Paid) != 5 {
		t.Fatalf("outcome %+v", o)
	}
	var paid int64
	for i, r := range rows {
		got := w.fx.BalanceOf(to[i]).Int64()
		if o.Paid[i] != (i != refused) || (i == refused && got != 0) || (i != refused && got != int64(r.Amount)) {
			t.Fatalf("row %d: paid %v, recipient holds %d of %d", i, o.Paid[i], got, r.Amount)
		}
		if i != refused {
			paid += int64(r.Amount)
		}
	}
	if spent := hotBefore - w.fx.BalanceOf(w.hot).Int64(); spent != paid {
		t.Fatalf("the hot account spent %d USDT units; want %d (the refused amount back)", spent, paid)
	}
	if left := w.fx.BalanceOf(w.ms).Sign(); left != 0 {
		t.Fatal("the Multisend kept tokens")
	}
	burnt := trxAfterApproval - w.fx.Inspect(w.hot).TRX
	if o.FeeWei.Int64() != burnt {
		t.Fatalf("outcome fee %s sun; the hot account burnt %d", o.FeeWei, burnt)
	}
	// Five transfers to new holders (the refused one costs its attempt),
	// the pull into the contract (a new holder), the refund to the hot
	// account (an existing one), the contract's own work; then bandwidth.
	energy := int64(tronfix.EnergyMultisendBase + 5*tronfix.EnergyMultisendItem + 6*tronfix.EnergyNewHolder + tronfix.EnergyTransferFrom + tronfix.EnergyExisting)
	if net := burnt - energy*tronfix.EnergyPrice; net <= 0 || net > 1_000*tronfix.BandwidthPrice {
		t.Fatalf("burnt %d sun: %d beyond the energy of %d, want only the bandwidth of one transaction", burnt, net, energy)
	}
	var shares sg.Amount
	for _, f := range o.Fees {
		shares += f
	}
	if want := w.bp.FeeInAsset(burnt); shares < want-5 || shares > want {
		t.Fatalf("fee shares add to %d; the fee is %d", shares, want)
	}
	t.Logf("batch of 5 (one refused) on the stand-in: %d sun burnt, %d per recipient (%d before the approval)", burnt, burnt/5, trxBefore-trxAfterApproval)
}

// A batch transaction signed but never taken (the process stopped before
// it was sent) expires; following it signs it anew on a fresh reference
// block and sends that, which is taken: the members are paid once, by the
// new version.
func TestTronBatchSignedAnewAfterExpiry(t *testing.T) {
	w := newBatchWorld(t)
	w.send.Expiry = 30 * time.Second // ten blocks of the stand-in
	rows, to := members(3, "b")
	b := sg.BatchLeg{Job: "pb_expired", Chain: sg.Tron}
	first := w.sign(t, b, rows)
	w.fx.Mine(12) // its expiration passes untaken
	o := w.outcome(t, b, rows)
	if !o.Confirmed || o.TxHash == first {
		t.Fatalf("outcome %+v; want the new version (not %s) confirmed", o, first)
	}
	for i, r := range rows {
		if got := w.fx.BalanceOf(to[i]).Int64(); got != int64(r.Amount) || !o.Paid[i] {
			t.Fatalf("row %d: recipient holds %d of %d", i, got, r.Amount)
		}
	}
}

// A batch the hot account's USDT cannot cover is not signed: it waits with
// hot_wallet_short and nothing goes to the chain.
func TestTronBatchWaitsWhenTheHotAccountIsShort(t *testing.T) {
	w := newBatchWorld(t)
	rows, _ := members(2, "c")
	rows[1].Amount = 2_000_000_000 // more than the 1,000 USDT held
	_, err := w.bp.SignBatch(context.Background(), sg.BatchLeg{Job: "pb_short", Chain: sg.Tron}, rows)
	if e := sg.PayoutWait(err); e == nil || e.Code != sg.ErrHotWalletShort.Code {
		t.Fatalf("got %v; want hot_wallet_short", err)
	}
	if w.signs != 0 || w.fx.Pending() != 0 {
		t.Fatalf("%d signatures, %d transactions sent", w.signs, w.fx.Pending())
	}
}

// A batch whose transaction runs out of energy (a fee limit too small)
// moves no token: every member fails and the hot account keeps its USDT.
func TestTronBatchOutOfEnergyPaysNobody(t *testing.T) {
	w := newBatchWorld(t)
	w.bp.FeeLimitPerPayout = 1_000_000 // 1 TRX a payout: far short
	rows, to := members(3, "d")
	b := sg.BatchLeg{Job: "pb_oe", Chain: sg.Tron}
	before := w.fx.BalanceOf(w.hot).Int64()
	w.sign(t, b, rows)
	if err := w.bp.BroadcastBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	o := w.outcome(t, b, rows)
	if !o.Failed {
		t.Fatalf("outcome %+v; want failed", o)
	}
	for i := range rows {
		if w.fx.BalanceOf(to[i]).Sign() != 0 {
			t.Fatalf("recipient %d was paid", i)
		}
	}
	if after := w.fx.BalanceOf(w.hot).Int64(); after != before {
		t.Fatalf("hot account %d -> %d", before, after)
	}
}
