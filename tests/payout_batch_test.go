package tests

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/internal/dev/gasbench/benchtoken"
	"github.com/stablegate/stablegate/shared/address"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// A batch with a recipient the token refuses (a Tether-like token with a
// recipient blacklist, on a simulated chain; the hot key in the KMS
// emulator; the records in DynamoDB Local) pays every other recipient in
// one Multisend transaction, after one approval of the contract: the
// refused row fails with recipient_refused_by_token and its hold is voided,
// the hot wallet keeps the refused amount, and the books equal the chain.
func TestPayoutBatchRefusedRecipientOnChain(t *testing.T) {
	ctx := context.Background()
	c := newHotChain(t, 0)
	supply := big.NewInt(1_000_000_000_000)
	tokenAt, _, token, err := benchtoken.DeployTetherUSDT(c.auth, c.ec, supply)
	if err != nil {
		t.Fatal(err)
	}
	msAt, _, _, err := multisendbind.DeployMultisend(c.auth, c.ec, c.hotAddr)
	if err != nil {
		t.Fatal(err)
	}
	c.sim.Commit()
	if _, err := token.Transfer(c.auth, c.hotAddr, big.NewInt(500_000_000)); err != nil {
		t.Fatal(err)
	}
	if _, err := token.SetRecipientBlocking(c.auth, true); err != nil {
		t.Fatal(err)
	}
	c.sim.Commit()

	q := testQueue(t)
	l, st := simLedgerOn(t, rawDB(t))
	w := pipeline(t, rawDB(t), q, nil)
	usdtPerEth := big.NewInt(3_000_000_000)
	sender := &chaineth.BatchPayout{Hot: &chaineth.HotWallet{Node: c.ec, Signer: c.hot, ChainID: c.chainID, Store: st.Withdrawals, Confirmations: 2},
		Token: tokenAt, Multisend: msAt, FeeInAsset: func(wei *big.Int) sg.Amount {
			return sg.Amount(new(big.Int).Div(new(big.Int).Mul(wei, usdtPerEth), big.NewInt(params.Ether)).Int64())
		}}
	bs := &ledger.Batches{W: w, Store: st.Batches, Claims: st.Withdrawals, Senders: map[sg.Chain]sg.BatchSender{sg.Ethereum: sender}}
	w.Payouts[sg.Ethereum] = &ledger.BatchRouter{Batches: bs, Sender: sender}

	ten := tenant()
	wallet := seedWallets(t, st, l, ten, 1, false, "")[0]
	fund(t, l, ten, wallet, sg.Ethereum, "100")
	in := ledger.BatchIn{Wallet: wallet, Asset: sg.USDT, RequestedBy: "alice"}
	var to []common.Address
	for i := 0; i < 5; i++ {
		k, _ := crypto.GenerateKey()
		a := crypto.PubkeyToAddress(k.PublicKey)
		to = append(to, a)
		in.Payouts = append(in.Payouts, ledger.BatchPayoutIn{Chain: sg.Ethereum, ToAddress: a.Hex(), Amount: sg.Amount(1_000_000 * (i + 1)), Hash: fmt.Sprint(i)})
	}
	const refused = 2
	if _, err := token.SetRecipientBlocked(c.auth, to[refused], true); err != nil {
		t.Fatal(err)
	}
	c.sim.Commit()
	hotBefore, _ := token.BalanceOf(nil, c.hotAddr)

	b, _, err := bs.Create(ctx, ten, "batch-"+randHex(6), "h", in)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if i == 30 {
			t.Fatalf("batch stuck in %s", b.State)
		}
		b, err = bs.Run(ctx, ten, b.ID)
		if err == nil && b.State == sg.BatchDone {
			break
		}
		if err != nil && !errors.Is(err, ledger.ErrBatchWaiting) && !errors.Is(err, ledger.ErrCannotSendYet) {
			t.Fatalf("Run: %v", err)
		}
		c.sim.Commit() // the approval, then the batch, mined and confirmed
	}
	if len(b.Legs) != 1 || len(b.Legs[0].Members) != 5 || b.Legs[0].TxHash == "" {
		t.Fatalf("batch %+v; want one transaction of 5 members", b)
	}
	txHash := b.Legs[0].TxHash
	var paid, charged sg.Amount
	for i, r := range b.Rows {
		tr, err := st.Ledger.Transfer(ctx, ten, r.TransferID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := token.BalanceOf(nil, to[i])
		if i == refused {
			if tr.State != sg.StateFailed || !strings.Contains(tr.Events[len(tr.Events)-1].Note, sg.ErrRecipientRefused.Code) || got.Sign() != 0 {
				t.Fatalf("refused row: %s %+v, recipient holds %s", tr.State, tr.Events, got)
			}
			continue
		}
		if tr.State != sg.StatePosted || tr.TxHash != txHash || got.Int64() != int64(r.Amount) || tr.NetworkFee <= 0 {
			t.Fatalf("row %d: %s tx %s fee %d, recipient holds %s of %d", i, tr.State, tr.TxHash, tr.NetworkFee, got, r.Amount)
		}
		paid += r.Amount
		charged += tr.ChargedFee()
	}
	hotAfter, _ := token.BalanceOf(nil, c.hotAddr)
	if spent := new(big.Int).Sub(hotBefore, hotAfter); spent.Int64() != int64(paid) {
		t.Fatalf("the hot wallet spent %s; want %d (the refused amount back in the same transaction)", spent, paid)
	}
	if ms, _ := token.BalanceOf(nil, msAt); ms.Sign() != 0 {
		t.Fatalf("the Multisend keeps %s", ms)
	}
	bal, _ := st.Ledger.AccountBalance(ctx, sg.WalletAccount(ten, wallet, sg.Ethereum, sg.USDT), 1)
	if bal.Held != 0 || bal.Available != 100_000_000-paid-charged {
		t.Fatalf("wallet %+v; want %d available, nothing held", bal, 100_000_000-paid-charged)
	}
	rcpt, _ := c.ec.TransactionReceipt(ctx, common.HexToHash(txHash))
	t.Logf("batch of 5 (one refused): gas %d, %d per recipient", rcpt.GasUsed, rcpt.GasUsed/5)
}

type payoutBatchJSON struct {
	ID           string
	State        string
	TxHash       string `json:"tx_hash"`
	Transactions []struct {
		Chain, State string
		TxHash       string `json:"tx_hash"`
		Payouts      int
		Paid         int
	}
	Payouts []struct {
		Status     string
		TxHash     string `json:"tx_hash"`
		InBatch    bool   `json:"in_batch_transaction"`
		NetworkFee string `json:"network_fee"`
		Error      *struct{ Code string }
	}
}

// On the local stack a batch is created through the API, its valid rows
// paid by the worker in one Multisend transaction per chain on the local
// chains (a malformed row named and holding nothing): the Ethereum rows by
// one Ethereum transaction and, where the stack runs the Tron stand-in
// with its Multisend, the Tron rows of the same batch by one Tron
// transaction; each row posted with its fee share, each chain's
// transaction listed with its state, and the books reconcile afterwards.
func TestPayoutBatchOnLocalStack(t *testing.T) {
	e := stack(t)
	_, _, _, token := localChain(t)
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	usdtTron, terr := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	withTron := grid.URL != "" && terr == nil && os.Getenv("STABLEGATE_MULTISEND_TRON") != ""
	ten := tenant()
	tok := e.token(t, ten)
	l, _ := ledgerOn(t, rawDB(t))
	a := e.newWallet(t, tok, false)
	fund(t, l, ten, a.ID, sg.Ethereum, "50")
	var to []common.Address
	rows := []string{}
	for i := 0; i < 3; i++ {
		k, _ := crypto.GenerateKey()
		to = append(to, crypto.PubkeyToAddress(k.PublicKey))
		rows = append(rows, fmt.Sprintf(`{"chain":"ethereum","to_address":%q,"amount":"%d"}`, to[i].Hex(), i+1))
	}
	rows = append(rows, `{"chain":"ethereum","to_address":"0x1234","amount":"1"}`)
	var toTron []address.Account
	if withTron {
		fund(t, l, ten, a.ID, sg.Tron, "50")
		for i := 0; i < 2; i++ {
			toTron = append(toTron, acct("mixed batch recipient "+randHex(8)))
			rows = append(rows, fmt.Sprintf(`{"chain":"tron","to_address":%q,"amount":"%d"}`, toTron[i].Tron(), i+4))
		}
	}
	valid := []int{0, 1, 2}
	if withTron {
		valid = append(valid, 4, 5)
	}
	body := fmt.Sprintf(`{"wallet_id":%q,"asset":"USDT","payouts":[%s]}`, a.ID, strings.Join(rows, ","))
	r := e.do(t, "POST", "/v1/payout-batches", tok, idem(), []byte(body))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var b payoutBatchJSON
	r.json(t, &b)
	if len(b.Payouts) != len(rows) || b.Payouts[3].Error == nil || b.Payouts[3].Error.Code != "invalid_address" {
		t.Fatalf("created %s", r.body)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		r = e.do(t, "GET", "/v1/payout-batches/"+b.ID, tok, nil, nil)
		r.json(t, &b)
		posted := 0
		for _, i := range valid {
			if b.Payouts[i].Status == "posted" {
				posted++
			}
		}
		if posted == len(valid) && b.State == "done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch not paid: %s", r.body)
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, i := range valid {
		p, first := b.Payouts[i], b.Payouts[0]
		if i >= 4 {
			first = b.Payouts[4]
		}
		if !p.InBatch || p.TxHash == "" || p.TxHash != first.TxHash || p.NetworkFee == "" {
			t.Fatalf("row %d not paid by its chain's one batch transaction: %s", i, r.body)
		}
		if i < 3 {
			if got, _ := token.BalanceOf(nil, to[i]); got.Int64() != int64(i+1)*1_000_000 {
				t.Fatalf("recipient %d holds %s", i, got)
			}
		} else if got := tronBalance(t, grid, usdtTron, toTron[i-4]); got != int64(i)*1_000_000 {
			t.Fatalf("Tron recipient %d holds %d", i, got)
		}
	}
	want := []string{"ethereum:3"}
	if withTron {
		want = append(want, "tron:2")
		if b.TxHash != "" || b.Payouts[4].TxHash == b.Payouts[0].TxHash {
			t.Fatalf("a batch of two chains names one transaction: %s", r.body)
		}
	}
	var got []string
	for _, tx := range b.Transactions {
		if tx.State != "done" || tx.Paid != tx.Payouts || tx.TxHash == "" {
			t.Fatalf("transaction %+v not done: %s", tx, r.body)
		}
		got = append(got, fmt.Sprintf("%s:%d", tx.Chain, tx.Paid))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("transactions %v; want %v: %s", got, want, r.body)
	}
	rr := e.do(t, "GET", "/v1/reconciliation", tok, nil, nil)
	var rep reconJSON
	rr.json(t, &rep)
	if rr.status != 200 || !rep.OK {
		t.Fatalf("books after the batch: %d %s", rr.status, rr.body)
	}
	t.Logf("batch %s paid by %d transactions: %v", b.ID, len(b.Transactions), got)
}
