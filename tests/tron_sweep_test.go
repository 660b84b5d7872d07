package tests

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/api/grantapi"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/coldbundle"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/hd"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type grantJSON struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Spender   string `json:"spender"`
	QRParts   int    `json:"qr_parts"`
	Addresses []struct {
		Index   uint32 `json:"index"`
		Address string `json:"address"`
		Outcome string `json:"outcome"`
	} `json:"addresses"`
	Bundle json.RawMessage `json:"bundle"`
}

// runJob runs one of the local stack's scheduled functions once, with the
// environment the stack gives it.
func runJob(t *testing.T, name string) any {
	t.Helper()
	job, err := devstack.ScheduledJobs[name](context.Background(), functionGetenv(t, name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := job(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// broadcastSigned builds a transaction on the head block, signs it with
// key and broadcasts it; it returns the id and the node's answer.
func broadcastSigned(t *testing.T, grid *tron.Grid, key *secp256k1.PrivateKey, build func(h tron.Header) tron.Tx) (string, error) {
	t.Helper()
	head, err := grid.NowBlock(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	rb, rh, _ := head.RefBlock()
	raw, err := build(tron.Header{RefBlockBytes: rb, RefBlockHash: rh, Expiration: head.Timestamp + 60_000,
		Timestamp: time.Now().UnixNano() / 1000, FeeLimit: 50_000_000}).RawData()
	if err != nil {
		t.Fatal(err)
	}
	body, id, _ := tron.Encode(raw, tron.Sign(key, tron.TxID(raw)))
	var st tron.SignedTx
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	return id, grid.Broadcast(context.Background(), st)
}

// sendTronUSDT sends test USDT from the local stack's faucet key to a Tron
// address by a signed TRC20 transfer, as a customer would.
func sendTronUSDT(t *testing.T, grid *tron.Grid, token, to address.Account, amount int64) {
	t.Helper()
	info, _, _, _ := localChain(t)
	kb, _ := hex.DecodeString(info.FaucetKey)
	priv := secp256k1.PrivKeyFromBytes(kb)
	from, _ := address.FromPublicKey(priv.PubKey().SerializeUncompressed())
	if _, err := broadcastSigned(t, grid, priv, func(h tron.Header) tron.Tx {
		return tron.Call(from, token, erc20.Transfer(to, big.NewInt(amount)), h)
	}); err != nil {
		t.Fatal(err)
	}
}

func tronBalance(t *testing.T, grid *tron.Grid, token, holder address.Account) int64 {
	t.Helper()
	_, out, err := grid.Constant(context.Background(), holder.Tron(), token.Tron(), "balanceOf(address)", erc20.BalanceOf(holder))
	if err != nil || len(out) != 32 {
		t.Fatalf("balanceOf %s: %v", holder.Tron(), err)
	}
	return new(big.Int).SetBytes(out).Int64()
}

// End to end on the local stack: USDT deposited to a wallet's Tron address
// waits (its key is offline); a platform admin prepares a grant, carries
// it to the offline signer as QR images, signs it with the deposit seed
// (coldsign grant) and brings it back; the sweeper creates the account,
// lends it energy, sends its approve and takes the energy back; the
// deposit is swept into the hot address by the hot key, leaving no TRX,
// no token and no energy at the address; a later deposit is swept with no
// new grant. The signer refuses another spender and another seed; the API
// refuses a changed file, another key's signature, and a second import.
func TestTronSweepWithOfflineGrant(t *testing.T) {
	e := stack(t)
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	token, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ten := tenant()
	w := e.newWallet(t, e.token(t, ten), false)
	var depo address.Account
	for _, a := range w.Addresses {
		if a.Chain == "tron" {
			depo, _ = address.Parse(sg.Tron, a.Address)
		}
	}
	sendTronUSDT(t, grid, token, depo, 40_000_000)
	admin := e.tokenAs(t, ten, "ops-admin", "platform:admin")

	// The deposit is confirmed and marked for the sweeper, which leaves it
	// where it is: there is no grant yet.
	_, st := ledgerOn(t, rawDB(t))
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		marks, err := st.Sweeps.SweepMarks(ctx, tron.SweepScope(token), 1000)
		if err != nil {
			t.Fatal(err)
		}
		marked := false
		for _, m := range marks {
			marked = marked || m.Address == depo.Tron()
		}
		if marked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the confirmed deposit was never marked for the sweeper")
		}
	}
	runJob(t, "sweeps-tron")
	var g grantJSON
	h := idem()
	r := e.do(t, "POST", "/v1/platform/tron-grants", admin, h, []byte(`{"limit":50}`))
	if r.status != 201 {
		t.Fatalf("prepare: %d %s", r.status, r.body)
	}
	r.json(t, &g)
	if again := e.do(t, "POST", "/v1/platform/tron-grants", admin, h, []byte(`{"limit":50}`)); again.status != 201 || string(again.body) != string(r.body) {
		t.Fatalf("replay of prepare: %d %s", again.status, again.body)
	}
	if other := e.do(t, "POST", "/v1/platform/tron-grants", admin, idem(), nil); other.status != 409 || other.errCode() != "grant_open" {
		t.Fatalf("a second open grant: %d %s", other.status, other.body)
	}
	listed := false
	for _, a := range g.Addresses {
		listed = listed || a.Address == depo.Tron()
	}
	if !listed {
		t.Fatalf("the grant does not list the deposit address %s: %s", depo.Tron(), r.body)
	}
	if tronBalance(t, grid, token, depo) != 40_000_000 {
		t.Fatal("the deposit moved before any grant")
	}
	if g.State != "prepared" || g.QRParts < 1 {
		t.Fatalf("prepared: %+v", g)
	}

	// Online -> offline: the QR images, signed there with the deposit seed.
	dir := t.TempDir()
	var parts []string
	for i := 1; i <= g.QRParts; i++ {
		q := e.do(t, "GET", fmt.Sprintf("/v1/platform/tron-grants/%s/qr/%d", g.ID, i), admin, nil, nil)
		if q.status != 200 || q.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr %d: %d", i, q.status)
		}
		p := filepath.Join(dir, fmt.Sprintf("grant-%d.png", i))
		if err := os.WriteFile(p, q.body, 0o600); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	words := filepath.Join(dir, "deposit-words.txt")
	if err := os.WriteFile(words, []byte(devstack.DevMnemonic+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	coldsign := buildColdsign(t)
	run := func(args ...string) (string, error) {
		out, err := exec.Command(coldsign, args...).CombinedOutput()
		return string(out), err
	}
	bundle, _ := airgap.ParseTronGrant(g.Bundle)
	hot := bundle.Spender
	signed := filepath.Join(dir, "signed.json")
	if out, err := run(append([]string{"grant", "-token", token.Tron(), "-spender", depo.Tron(), "-mnemonic", words, "-yes", "-out", signed}, parts...)...); err == nil || !strings.Contains(out, "bundle_wrong_spender") {
		t.Fatalf("a grant to another spender was signed: %v %s", err, out)
	}
	other := filepath.Join(dir, "other-words.txt")
	if err := os.WriteFile(other, []byte("legal winner thank year wave sausage worth useful legal winner thank yellow\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run(append([]string{"grant", "-token", token.Tron(), "-spender", hot, "-mnemonic", other, "-yes", "-out", signed}, parts...)...); err == nil || !strings.Contains(out, "bundle_wrong_key") {
		t.Fatalf("another seed signed the grant: %v %s", err, out)
	}
	if out, err := run(append([]string{"grant", "-token", token.Tron(), "-spender", hot, "-mnemonic", words, "-yes", "-out", signed, "-qr-out", dir}, parts...)...); err != nil {
		t.Fatalf("coldsign grant: %v\n%s", err, out)
	} else if !strings.Contains(out, depo.Tron()) {
		t.Fatalf("the signer did not show the address it signs for:\n%s", out)
	}
	file, _ := os.ReadFile(signed)

	// The API refuses a changed grant and another key's signature.
	var s airgap.TronGrantSigned
	if err := json.Unmarshal(file, &s); err != nil {
		t.Fatalf("%s: %v", signed, err)
	}
	changed := s
	changed.Grant.FeeLimit++
	if r := e.do(t, "POST", "/v1/platform/tron-grants/"+g.ID+"/signature", admin, nil, coldbundle.Marshal(changed)); r.status != 422 || r.errCode() != "bundle_signature_invalid" {
		t.Fatalf("a changed grant: %d %s", r.status, r.body)
	}
	forged := s
	forged.Signatures = append([]string{}, s.Signatures...)
	fk, _ := secp256k1.GeneratePrivateKey()
	raw0, _ := s.Grant.Approve(0)
	sig := tron.Sign(fk, tron.TxID(raw0))
	forged.Signatures[0] = hex.EncodeToString(sig[:])
	if r := e.do(t, "POST", "/v1/platform/tron-grants/"+g.ID+"/signature", admin, nil, coldbundle.Marshal(forged)); r.status != 422 || r.errCode() != "bundle_signature_invalid" {
		t.Fatalf("another key's signature: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/platform/tron-grants/"+g.ID+"/signature", admin, nil, file); r.status != 200 || !strings.Contains(string(r.body), `"state":"signed"`) {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/platform/tron-grants/"+g.ID+"/signature", admin, nil, file); r.status != 409 || r.errCode() != "grant_not_open" {
		t.Fatalf("a second import: %d %s", r.status, r.body)
	}
	if acct, _ := grid.Account(ctx, depo.Tron()); acct.Exists {
		t.Fatal("the deposit account existed before the grant was carried out (tokens do not create accounts)")
	}

	// The sweeper carries the grant out, then sweeps with the hot key.
	hotAcct, _ := address.Parse(sg.Tron, hot)
	before := tronBalance(t, grid, token, hotAcct)
	sweptOut := func(what string) {
		for deadline := time.Now().Add(120 * time.Second); tronBalance(t, grid, token, depo) != 0; time.Sleep(time.Second) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the deposit address still holds %d", what, tronBalance(t, grid, token, depo))
			}
			runJob(t, "sweeps-tron")
		}
	}
	sweptOut("first sweep")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(time.Second) {
		r := e.do(t, "GET", "/v1/platform/tron-grants/"+g.ID, admin, nil, nil)
		r.json(t, &g)
		if g.State == "done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the grant did not end: %s", r.body)
		}
		runJob(t, "sweeps-tron")
	}
	for _, a := range g.Addresses {
		if a.Address == depo.Tron() && a.Outcome != "approved" {
			t.Fatalf("outcome of %s: %q", a.Address, a.Outcome)
		}
	}
	if got := tronBalance(t, grid, token, hotAcct); got < before+40_000_000 {
		t.Fatalf("the hot address holds %d, was %d: the deposit did not arrive", got, before)
	}
	// Nothing left at the address: no TRX, no energy lent.
	acct, err := grid.Account(ctx, depo.Tron())
	if err != nil || !acct.Exists || acct.TRX != 0 {
		t.Fatalf("the deposit account after the sweep: %+v %v", acct, err)
	}
	res, err := grid.AccountResources(ctx, depo.Tron())
	if err != nil || res.Energy != 0 {
		t.Fatalf("energy left lent to the deposit address: %+v %v", res, err)
	}

	// The platform's journal has the grant's three decisions; a tenant's
	// reader without platform:admin cannot read it.
	auditor := e.tokenAs(t, ten, "auditor", "policies:read", "platform:admin")
	jr := e.do(t, "GET", "/v1/journal?scope=platform&limit=200", auditor, nil, nil)
	for _, action := range []string{"tron_grant.prepared", "tron_grant.signed", "tron_grant.done"} {
		if jr.status != 200 || !strings.Contains(string(jr.body), `"action":"`+action+`","subject":"`+g.ID+`"`) {
			t.Fatalf("the platform journal lacks %s of %s: %d %s", action, g.ID, jr.status, jr.body)
		}
	}
	if r := e.do(t, "GET", "/v1/journal?scope=platform", e.tokenAs(t, ten, "reader", "policies:read"), nil, nil); r.status != 403 || r.errCode() != "forbidden" {
		t.Fatalf("the platform journal without platform:admin: %d %s", r.status, r.body)
	}

	// A later deposit to the same address is swept by the hot key alone.
	sendTronUSDT(t, grid, token, depo, 5_500_000)
	for deadline := time.Now().Add(60 * time.Second); tronBalance(t, grid, token, depo) == 0; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second deposit never arrived")
		}
	}
	sweptOut("second sweep")
	if r := e.do(t, "POST", "/v1/platform/tron-grants", admin, idem(), nil); r.status == 201 {
		var again grantJSON
		r.json(t, &again)
		for _, a := range again.Addresses {
			if a.Address == depo.Tron() {
				t.Fatalf("a granted address was listed again: %s", r.body)
			}
		}
	}
	t.Logf("Tron sweep: grant %s of %d address(es), the deposit address left with 0 TRX, 0 USDT and no energy", g.ID, len(g.Addresses))
}

// On the Tron stand-in, as on the chain: an account that exists but holds
// no TRX and no energy cannot pay for its approve (OUT_OF_ENERGY, the
// allowance unchanged); with energy lent by another account it can, and
// burns nothing.
func TestTronApproveNeedsEnergy(t *testing.T) {
	fx := tronfix.New(acct("energy token " + randHex(4)))
	if err := fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fx.Close() })
	grid := &tron.Grid{URL: fx.URL, Sleep: func(time.Duration) {}}
	ctx := context.Background()
	lender, _ := secp256k1.GeneratePrivateKey()
	owner, _ := secp256k1.GeneratePrivateKey()
	lenderAcct, _ := address.FromPublicKey(lender.PubKey().SerializeUncompressed())
	ownerAcct, _ := address.FromPublicKey(owner.PubKey().SerializeUncompressed())
	spender := acct("spender " + randHex(4))
	fx.FundTRX(lenderAcct, 100_000_000_000)
	fx.StakeEnergy(lenderAcct, 10_000_000_000)

	send := func(k *secp256k1.PrivateKey, build func(h tron.Header) tron.Tx) string {
		t.Helper()
		id, err := broadcastSigned(t, grid, k, build)
		if err != nil {
			t.Fatal(err)
		}
		fx.Mine(1)
		return id
	}
	approve := func(h tron.Header) tron.Tx {
		return tron.Call(ownerAcct, fx.Token, erc20.Approve(spender, erc20.Unlimited), h)
	}

	// Not created yet: refused outright.
	if _, err := broadcastSigned(t, grid, owner, approve); err == nil || !strings.Contains(err.Error(), "no OwnerAccount") {
		t.Fatalf("an approve from an account that does not exist: %v", err)
	}
	send(lender, func(h tron.Header) tron.Tx { return tron.CreateAccount(lenderAcct, ownerAcct, h) })
	id := send(owner, approve)
	if info, _ := grid.TxInfo(ctx, id); info.Result != "OUT_OF_ENERGY" || fx.Allowance(ownerAcct, spender) != "0" {
		t.Fatalf("an approve with no energy and no TRX: %+v, allowance %s", info, fx.Allowance(ownerAcct, spender))
	}
	// Another account (the first spent its day's free bandwidth): created,
	// lent energy, it approves and burns nothing.
	owner, _ = secp256k1.GeneratePrivateKey()
	ownerAcct, _ = address.FromPublicKey(owner.PubKey().SerializeUncompressed())
	send(lender, func(h tron.Header) tron.Tx { return tron.CreateAccount(lenderAcct, ownerAcct, h) })
	send(lender, func(h tron.Header) tron.Tx {
		return tron.DelegateEnergy(lenderAcct, ownerAcct, 3_000_000_000, false, h)
	})
	id = send(owner, approve)
	if info, _ := grid.TxInfo(ctx, id); info.Result != "SUCCESS" || info.Fee != 0 || fx.Allowance(ownerAcct, spender) != erc20.Unlimited.String() {
		t.Fatalf("an approve on lent energy: %+v, allowance %s", info, fx.Allowance(ownerAcct, spender))
	}
	send(lender, func(h tron.Header) tron.Tx { return tron.DelegateEnergy(lenderAcct, ownerAcct, 3_000_000_000, true, h) })
	if a := fx.Inspect(ownerAcct); a.TRX != 0 || a.Received != 0 || fx.Inspect(lenderAcct).Delegated != 0 {
		t.Fatalf("after the energy came back: owner %+v, lender %+v", a, fx.Inspect(lenderAcct))
	}
}

// The sweeper on its own Tron stand-in, block by block: runs repeated
// before a block is mined send nothing twice; a grant whose approves
// expire before they are sent ends "failed" with the energy taken back and
// its addresses listed again; a second grant carries them, and the sweep
// moves every token to the hot address, leaving nothing at the addresses.
func TestTronGrantRetriesExpiryAndSweep(t *testing.T) {
	w := newTronWorld(t, 0)
	ctx := context.Background()
	w.fx.FundTRX(w.hotAcct, 100_000_000_000)
	w.fx.StakeEnergy(w.hotAcct, 50_000_000_000)
	seed := make([]byte, 32)
	copy(seed, randHex(16))
	master, err := hd.NewMaster(seed)
	if err != nil {
		t.Fatal(err)
	}
	scope := tron.SweepScope(w.fx.Token)
	var depos []address.Account
	for _, i := range []uint32{5, 9} {
		k, _ := master.Derive(airgap.TronDepositPath(i))
		a, _ := address.FromPublicKey(secp256k1.PrivKeyFromBytes(k.PrivateKeyBytes()).PubKey().SerializeUncompressed())
		depos = append(depos, a)
		w.fx.Mint(a, 7_000_000*int64(i))
		if err := w.st.Sweeps.MarkForSweep(ctx, scope, a.Tron(), i, "dep-"+randHex(4)); err != nil {
			t.Fatal(err)
		}
	}
	send := &tron.Sender{Grid: w.grid, Signer: w.hot, Store: w.st.Withdrawals}
	sw := &tron.Sweeper{Send: send, Token: w.fx.Token, Store: dynamo.TronSweeps{Sweeps: w.st.Sweeps, Grants: w.st.Grants, Withdrawals: w.st.Withdrawals}, Signed: airgap.SignedApproves}
	grants := &grantapi.Grants{Store: dynamo.TronSweeps{Sweeps: w.st.Sweeps, Grants: w.st.Grants, Withdrawals: w.st.Withdrawals}, Grid: w.grid, Token: w.fx.Token, TTL: time.Minute, Now: time.Now,
		Hot: func(ctx context.Context) (address.Account, error) { return w.hot.Address(ctx) }}
	run := func() tron.SweepResult {
		t.Helper()
		r, err := sw.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	grant := func() dynamo.GrantRecord {
		t.Helper()
		r, _, err := grants.Prepare(ctx, "ops", idem()["Idempotency-Key"], "h", 50)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := airgap.ParseTronGrant(r.Bundle)
		if len(b.Items) != len(depos) {
			t.Fatalf("the grant lists %d addresses, want %d", len(b.Items), len(depos))
		}
		signed, err := airgap.SignTronGrant(b, seed, w.fx.Token.Tron(), w.hotAcct.Tron(), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := grants.Import(ctx, "ops", r.ID, coldbundle.Marshal(signed)); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := run(); r.Waiting != 2 || r.Started != "" {
		t.Fatalf("before any grant: %+v", r)
	}

	// Grant one: the accounts are created, once however often the job runs.
	first := grant()
	for i := 0; i < 3; i++ {
		run()
	}
	if n := w.fx.Pending(); n != 2 {
		t.Fatalf("three runs before a block sent %d transactions, want the 2 account creations", n)
	}
	w.fx.Mine(1 + tronfix.SolidifyDepth)
	run() // energy lent
	w.fx.Mine(1 + tronfix.SolidifyDepth)
	// The approves (valid a minute past the grant's minute) are now past
	// their expiration: 42 blocks of 3 s went by.
	for i := 0; i < 3; i++ {
		run()
		w.fx.Mine(1 + tronfix.SolidifyDepth)
	}
	r, _ := w.st.Grants.TronGrant(ctx, first.ID, false)
	if r.State != dynamo.GrantDone || r.Outcome[depos[0].Tron()] != tron.GrantFailed || r.Outcome[depos[1].Tron()] != tron.GrantFailed {
		t.Fatalf("the expired grant: %s %v", r.State, r.Outcome)
	}
	if hot := w.fx.Inspect(w.hotAcct); hot.Delegated != 0 {
		t.Fatalf("energy still lent after the expired grant: %+v", hot)
	}

	// Grant two carries them; the sweep follows.
	second := grant()
	for i := 0; i < 8 && w.fx.BalanceOf(depos[0]).Sign()+w.fx.BalanceOf(depos[1]).Sign() > 0; i++ {
		run()
		w.fx.Mine(1 + tronfix.SolidifyDepth)
	}
	run() // ends the sweep
	r, _ = w.st.Grants.TronGrant(ctx, second.ID, false)
	if r.State != dynamo.GrantDone || r.Outcome[depos[0].Tron()] != tron.GrantApproved || r.Outcome[depos[1].Tron()] != tron.GrantApproved {
		t.Fatalf("the second grant: %s %v", r.State, r.Outcome)
	}
	if got := w.fx.BalanceOf(w.hotAcct).Int64(); got != 7_000_000*(5+9) {
		t.Fatalf("the hot address holds %d, want %d", got, 7_000_000*(5+9))
	}
	for _, d := range depos {
		if a := w.fx.Inspect(d); w.fx.BalanceOf(d).Sign() != 0 || a.TRX != 0 || a.Received != 0 {
			t.Fatalf("left at %s: %s USDT, %+v", d.Tron(), w.fx.BalanceOf(d), a)
		}
	}
	if marks, _ := w.st.Sweeps.SweepMarks(ctx, scope, 10); len(marks) != 0 {
		t.Fatalf("marks left after the sweep: %+v", marks)
	}
	if hot := w.fx.Inspect(w.hotAcct); hot.Delegated != 0 {
		t.Fatalf("energy still lent after the sweep: %+v", hot)
	}
	// A new deposit to a granted address needs no grant.
	if err := w.st.Sweeps.MarkForSweep(ctx, scope, depos[0].Tron(), 5, "dep-"+randHex(4)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := grants.Prepare(ctx, "ops", idem()["Idempotency-Key"], "h", 50); !errors.Is(err, grantapi.ErrNothingToGrant) {
		t.Fatalf("a grant with every address granted: %v", err)
	}
}
