package tests

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/airgap/qrread"
	"github.com/stablegate/stablegate/shared/api/coldapi"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Finding 4, the custody work it finishes: most USDT lives on Tron, and
// cold payouts crossed the air gap on Ethereum only. End to end on the
// local stack's Tron: a platform admin prepares a TRC20 payout from the
// Tron cold address (its header fixed in the bundle), carries it to the
// offline signer as QR images, signs it there with the cold seed (coldsign
// sign -chain tron, which shows the destination, amount and token), carries
// it back as QR images, imports it; it is broadcast and followed until its
// block is solidified, with the tokens at the payee. The signer refuses
// another token, another seed, an Ethereum signer's settings, a changed
// amount and an expired bundle; the API refuses a changed signed file,
// another key's signature, a tenant's token and a second import. A payout
// to the hot address then refills it and enters the books as Tron float.
func TestFinding4_TronColdPayoutEndToEnd(t *testing.T) {
	e := stack(t)
	ctx := context.Background()
	grid := &tron.Grid{URL: os.Getenv("STABLEGATE_TRON_GRID")}
	token, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_USDT_TRON"))
	if err != nil {
		t.Fatal(err)
	}
	cold, err := address.Parse(sg.Tron, os.Getenv("STABLEGATE_TRON_COLD"))
	if err != nil {
		t.Fatalf("STABLEGATE_TRON_COLD: %v", err)
	}
	admin := e.tokenAs(t, tenant(), "treasurer", "platform:admin")
	payee := tronPayee()
	prepare := func(h map[string]string, to, amount, purpose string) reply {
		return e.do(t, "POST", coldPath, admin, h, []byte(`{"chain":"tron","to_address":"`+to+`","amount":"`+amount+`","purpose":"`+purpose+`"}`))
	}

	// Refusals before anything is held: a non-Tron address, more USDT
	// than the cold address holds, a destination where tokens are lost,
	// the cold address itself.
	if r := prepare(idem(), ethPayee(), "1", "x"); r.status != 400 || r.errCode() != "invalid_address" {
		t.Fatalf("an Ethereum address on Tron: %d %s", r.status, r.body)
	}
	if r := prepare(idem(), payee, "900000000", "x"); r.status != 422 || r.errCode() != "cold_cannot_pay" {
		t.Fatalf("more than the cold address holds: %d %s", r.status, r.body)
	}
	for _, lost := range []string{token.Tron(), "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb"} {
		if r := prepare(idem(), lost, "1", "x"); r.status != 422 || r.errCode() != "destination_denied" {
			t.Fatalf("a payout to %s, where tokens are lost: %d %s", lost, r.status, r.body)
		}
	}
	if r := prepare(idem(), cold.Tron(), "1", "x"); r.status != 400 || r.errCode() != "invalid_address" {
		t.Fatalf("the cold address paying itself: %d %s", r.status, r.body)
	}
	// A bundle prepared and withdrawn frees the chain's one open bundle.
	{
		r := prepare(idem(), payee, "7", "mistake")
		var x coldJSON
		r.json(t, &x)
		if c := e.do(t, "POST", coldPath+"/"+x.ID+"/cancel", admin, nil, nil); r.status != 201 || c.status != 200 || !strings.Contains(string(c.body), `"state":"cancelled"`) {
			t.Fatalf("prepare and cancel: %d %d %s", r.status, c.status, c.body)
		}
	}
	h := idem()
	r := prepare(h, payee, "1234.5", "exchange top-up 12")
	if r.status != 201 {
		t.Fatalf("prepare: %d %s", r.status, r.body)
	}
	var c coldJSON
	r.json(t, &c)
	t.Cleanup(func() { e.do(t, "POST", coldPath+"/"+c.ID+"/cancel", admin, nil, nil) })
	if again := prepare(h, payee, "1234.5", "exchange top-up 12"); again.status != 201 || string(again.body) != string(r.body) {
		t.Fatalf("replay of prepare: %d %s", again.status, again.body)
	}
	if second := prepare(idem(), payee, "1", "x"); second.status != 409 || second.errCode() != "cold_bundle_open" {
		t.Fatalf("a second open bundle: %d %s", second.status, second.body)
	}
	b, err := airgap.ParseTronCold(c.Bundle)
	if err != nil || c.State != "prepared" || c.QRParts < 2 || b.From != cold.Tron() || b.Token != token.Tron() ||
		b.Summary.Amount != "1234.500000" || b.Summary.To != payee || b.FeeLimit <= 0 {
		t.Fatalf("bundle: %+v %v\n%s", b, err, r.body)
	}

	// Online -> offline: the QR images.
	dir := t.TempDir()
	var parts []string
	for i := 1; i <= c.QRParts; i++ {
		q := e.do(t, "GET", fmt.Sprintf(coldPath+"/%s/qr/%d", c.ID, i), admin, nil, nil)
		if q.status != 200 || q.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr %d: %d", i, q.status)
		}
		p := filepath.Join(dir, fmt.Sprintf("bundle-%d.png", i))
		if err := os.WriteFile(p, q.body, 0o600); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	coldsign := buildColdsign(t)
	run := func(args ...string) (string, error) {
		out, err := exec.Command(coldsign, args...).CombinedOutput()
		return string(out), err
	}
	seed := os.Getenv("STABLEGATE_COLD_SEED")
	if out, err := run("address", "-chain", "tron", "-seed", seed); err != nil || strings.TrimSpace(out) != cold.Tron() {
		t.Fatalf("coldsign address -chain tron: %v %q, want %s", err, out, cold.Tron())
	}
	signer := []string{"sign", "-chain", "tron", "-token", token.Tron(), "-seed", seed, "-yes"}
	x := filepath.Join(dir, "x.json")

	// The signer's refusals: another token, another seed, the Ethereum
	// signer's settings, an amount raised over what the transaction pays,
	// an expired bundle.
	if out, err := run(append([]string{"sign", "-chain", "tron", "-token", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "-seed", seed, "-yes", "-out", x}, parts...)...); err == nil || !strings.Contains(out, "bundle_wrong_contract") {
		t.Fatalf("another token: %v\n%s", err, out)
	}
	otherSeed := filepath.Join(dir, "other-seed.hex")
	if err := os.WriteFile(otherSeed, []byte(randHex(32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run(append([]string{"sign", "-chain", "tron", "-token", token.Tron(), "-seed", otherSeed, "-yes", "-out", x}, parts...)...); err == nil || !strings.Contains(out, "bundle_wrong_key") {
		t.Fatalf("another seed: %v\n%s", err, out)
	}
	if out, err := run(append([]string{"sign", "-chain-id", "1", "-token", os.Getenv("STABLEGATE_USDT_ETHEREUM"), "-seed", seed, "-yes", "-out", x}, parts...)...); err == nil || !strings.Contains(out, "bundle_wrong_chain") {
		t.Fatalf("an Ethereum signer given a Tron bundle: %v\n%s", err, out)
	}
	for name, f := range map[string]struct {
		change func(*airgap.TronCold)
		want   string
	}{
		"raised amount": {func(b *airgap.TronCold) { b.Summary.Amount = "12345.000000" }, "bundle_digest_mismatch"},
		"expired":       {func(b *airgap.TronCold) { b.ExpiresAt = time.Now().Add(-time.Minute).UTC().Truncate(time.Second) }, "bundle_expired"},
	} {
		tb := b
		f.change(&tb)
		p := filepath.Join(dir, "changed.json")
		if err := os.WriteFile(p, airgap.Marshal(tb), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := run(append(signer, "-out", x, p)...); err == nil || !strings.Contains(out, f.want) {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	if _, err := os.Stat(x); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused bundle left a signed file")
	}

	// Signed offline from the QR images, scanned in reverse order: the
	// operator is shown the destination, the amount and the token.
	sort.Sort(sort.Reverse(sort.StringSlice(parts)))
	qrOut := filepath.Join(dir, "signed-qr")
	if err := os.Mkdir(qrOut, 0o700); err != nil {
		t.Fatal(err)
	}
	signedPath := filepath.Join(dir, "signed.json")
	out, err := run(append(append(signer, "-out", signedPath, "-qr-out", qrOut), parts...)...)
	if err != nil || !strings.Contains(out, "1234.500000 USDT") || !strings.Contains(out, payee) || !strings.Contains(out, token.Tron()) {
		t.Fatalf("sign: %v\n%s", err, out)
	}
	if strings.Contains(out, strings.TrimSpace(mustRead(t, seed))) {
		t.Fatal("coldsign printed the seed")
	}
	imgs, _ := filepath.Glob(filepath.Join(qrOut, "*.png"))
	var pngs [][]byte
	for _, p := range imgs {
		pngs = append(pngs, []byte(mustRead(t, p)))
	}
	signed, err := qrread.ReadQRFiles(pngs)
	if err != nil || string(signed) != mustRead(t, signedPath) {
		t.Fatalf("signed QR images: %v", err)
	}

	// The API's refusals.
	importTo := func(tok, id string, body []byte) reply {
		return e.do(t, "POST", coldPath+"/"+id+"/signature", tok, nil, body)
	}
	post := func(tok string, body []byte) reply { return importTo(tok, c.ID, body) }
	edited := strings.Replace(string(signed), `"amount": "1234.500000"`, `"amount": "234.500000"`, 1)
	if r := post(admin, []byte(edited)); r.status != 400 || r.errCode() != "bundle_digest_mismatch" {
		t.Fatalf("edited signed file: %d %s", r.status, r.body)
	}
	var s airgap.TronColdSigned
	if err := json.Unmarshal(signed, &s); err != nil {
		t.Fatal(err)
	}
	fk, _ := secp256k1.GeneratePrivateKey()
	id, _ := hex.DecodeString(b.TxID)
	var id32 [32]byte
	copy(id32[:], id)
	sig := tron.Sign(fk, id32)
	forged := s
	forged.Signature = hex.EncodeToString(sig[:])
	if r := post(admin, airgap.Marshal(forged)); r.status != 422 || r.errCode() != "bundle_signature_invalid" {
		t.Fatalf("another key's signature: %d %s", r.status, r.body)
	}
	if r := post(e.tokenAs(t, tenant(), "x", "cold:read", "cold:write"), signed); r.status != 403 {
		t.Fatalf("a tenant's import: %d %s", r.status, r.body)
	}
	before := tronBalance(t, grid, token, cold)

	// The genuine one: broadcast and followed until its block is solidified.
	if r := post(admin, signed); r.status != 200 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	if r := post(admin, signed); r.status != 409 || r.errCode() != "cold_bundle_used" {
		t.Fatalf("replayed bundle: %d %s", r.status, r.body)
	}
	done := e.waitCold(t, admin, c.ID, "confirmed")
	if done.TxHash == nil || *done.TxHash != b.TxID {
		t.Fatalf("tx_hash %v, want %s", done.TxHash, b.TxID)
	}
	info, err := grid.TxInfo(ctx, b.TxID)
	if err != nil || !info.Found || info.Result != "SUCCESS" {
		t.Fatalf("on chain: %+v %v", info, err)
	}
	payeeAcct, _ := address.Parse(sg.Tron, payee)
	if got := tronBalance(t, grid, token, payeeAcct); got != 1_234_500_000 {
		t.Fatalf("payee holds %d", got)
	}
	if got := tronBalance(t, grid, token, cold); got != before-1_234_500_000 {
		t.Fatalf("the cold address holds %d, was %d", got, before)
	}

	// The lock is released: the next bundle, to the hot address, signed and
	// imported at once (in-process, as coldsign does), refills the hot
	// wallet and enters the books as Tron float.
	r = prepare(idem(), tronHotAddress(t), "1", "refill")
	if r.status != 201 {
		t.Fatalf("next bundle: %d %s", r.status, r.body)
	}
	var next coldJSON
	r.json(t, &next)
	nb, _ := airgap.ParseTronCold(next.Bundle)
	ns, err := airgap.SignTronCold(nb, mustHexBytes(t, mustRead(t, seed)), token.Tron(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, st := ledgerOn(t, rawDB(t))
	floatAcct := sg.SystemAccount(sg.SysFloat, sg.Tron, sg.USDT)
	fb, _ := st.Ledger.AccountBalance(ctx, floatAcct, 0)
	if r := importTo(admin, next.ID, airgap.Marshal(ns)); r.status != 200 {
		t.Fatalf("import of the refill: %d %s", r.status, r.body)
	}
	e.waitCold(t, admin, next.ID, "confirmed")
	fa, _ := st.Ledger.AccountBalance(ctx, floatAcct, 0)
	if fa.Available-fb.Available != -1_000_000 {
		t.Fatalf("Tron float moved by %d; want -1 USDT", fa.Available-fb.Available)
	}
}

// tronHotAddress is the local stack's hot key's Tron address (the
// template's KMS key, as the functions sign with it).
func tronHotAddress(t *testing.T) string {
	t.Helper()
	info := chainInfo(t)
	var a address.Account
	copy(a[:], commonAddr(info.Hot).Bytes())
	return a.Tron()
}

// A Tron cold bundle is held to its expiry twice, on its own stand-in mined
// block by block and a table of its own: one whose signature comes back
// after expires_at is refused and stays unsigned (its lock lapses with
// it); one imported in time whose transaction the chain no longer takes
// (its expiration passed before it was sent) ends failed, and frees the
// lock. A cold account that cannot pay is refused before anything is held.
func TestTronColdBundleExpires(t *testing.T) {
	_, st := simLedgerOn(t, rawDB(t))
	token := acct("token " + randHex(4))
	fx := tronfix.New(token)
	if err := fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fx.Close() })
	grid := &tron.Grid{URL: fx.URL, Sleep: func(time.Duration) {}}
	seed := []byte("tron cold seed " + randHex(8))
	_, coldAddr, err := airgap.TronColdKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	cold, _ := address.Parse(sg.Tron, coldAddr)
	fx.Mint(cold, 1_000_000_000)
	fx.FundTRX(cold, 100_000_000)
	clock := time.Now()
	now := func() time.Time { return clock }
	st.Base.Now = now
	tc := &tron.Cold{Grid: grid, Store: st.Cold, Send: &tron.Sender{Grid: grid, Store: st.Withdrawals, Now: now}, Token: token, Address: cold, TTL: time.Minute, Now: now}
	svc := &coldapi.Service{Store: st.Cold, Chains: map[sg.Chain]coldapi.Chain{sg.Tron: tc}, Now: now}
	ctx := context.Background()
	to := acct("payee " + randHex(4))
	prepareSigned := func() (dynamo.ColdRecord, []byte) {
		t.Helper()
		r, _, err := svc.Prepare(ctx, "treasurer", "k-"+randHex(4), "h", sg.Tron, to, 5_000_000, "late")
		if err != nil {
			t.Fatal(err)
		}
		b, err := airgap.ParseTronCold(r.Bundle)
		if err != nil {
			t.Fatal(err)
		}
		s, err := airgap.SignTronCold(b, seed, token.Tron(), clock)
		if err != nil {
			t.Fatal(err)
		}
		return r, airgap.Marshal(s)
	}

	// Back after expires_at: refused, still prepared, the lock lapsed.
	r, file := prepareSigned()
	clock = clock.Add(61 * time.Second)
	if _, err := svc.Import(ctx, "treasurer", r.ID, file); !errors.Is(err, sg.ErrColdBundleExpired) {
		t.Fatalf("late import: %v", err)
	}
	if now, _ := svc.Get(ctx, r.ID); now.State != dynamo.ColdPrepared {
		t.Fatalf("expired bundle is %s", now.State)
	}

	// In time, but the chain passed the transaction's expiration first
	// (a minute after the bundle's): taken by nobody, it ends failed.
	r, file = prepareSigned()
	fx.Mine(45) // 135 s of chain time
	got, err := svc.Import(ctx, "treasurer", r.ID, file)
	if err != nil || got.State != dynamo.ColdFailed {
		t.Fatalf("import of a transaction the chain no longer takes: %+v %v", got, err)
	}
	if fx.BalanceOf(to).Sign() != 0 {
		t.Fatal("an expired transaction paid out")
	}
	tracked, err := st.Watch.Tracked(ctx, sg.Tron)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tracked {
		if p.ID == r.ID {
			t.Fatal("an ended cold payout is still tracked (a hot key rotation would wait for it)")
		}
	}

	// The lock is free again; an account that cannot pay is refused.
	if _, _, err := svc.Prepare(ctx, "treasurer", "k-"+randHex(4), "h", sg.Tron, to, 2_000_000_000, "too much"); !errors.Is(err, sg.ErrColdCannotPay) {
		t.Fatalf("more than the cold address holds: %v", err)
	}
	tc.Address = acct("no account " + randHex(4))
	if _, _, err := svc.Prepare(ctx, "treasurer", "k-"+randHex(4), "h", sg.Tron, to, 1, "no account"); !errors.Is(err, sg.ErrColdCannotPay) {
		t.Fatalf("a cold address with no account: %v", err)
	}
	poor := acct("no trx " + randHex(4))
	fx.Mint(poor, 1_000_000_000)
	fx.FundTRX(poor, 1)
	tc.Address = poor
	if _, _, err := svc.Prepare(ctx, "treasurer", "k-"+randHex(4), "h", sg.Tron, to, 1, "no fee"); !errors.Is(err, sg.ErrColdCannotPay) {
		t.Fatalf("a cold address that cannot pay the fee: %v", err)
	}
}
