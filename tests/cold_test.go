package tests

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/internal/dev/testusdt"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap/qrread"
	"github.com/stablegate/stablegate/shared/api/coldapi"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/coldbundle"
	"github.com/stablegate/stablegate/shared/dynamo"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type coldJSON struct {
	ID      string          `json:"id"`
	State   string          `json:"state"`
	TxHash  *string         `json:"tx_hash"`
	QRParts int             `json:"qr_parts"`
	Bundle  json.RawMessage `json:"bundle"`
}

// buildColdsign builds the offline signer as a user would.
func buildColdsign(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "coldsign")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/coldsign").CombinedOutput(); err != nil {
		t.Fatalf("build coldsign: %v\n%s", err, out)
	}
	return bin
}

func chainInfo(t *testing.T) devstack.ChainInfo {
	t.Helper()
	stack(t)
	raw, err := os.ReadFile(os.Getenv("STABLEGATE_CHAIN_INFO"))
	if err != nil {
		t.Fatal(err)
	}
	var info devstack.ChainInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	return info
}

func ethPayee() string {
	var a address.Account
	rand.Read(a[:])
	return a.EIP55()
}

// coldPath is where the platform's cold payouts are served.
const coldPath = "/v1/platform/cold-payouts"

func (e *env) waitCold(t *testing.T, tok, id, state string) coldJSON {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var c coldJSON
		e.do(t, "GET", coldPath+"/"+id, tok, nil, nil).json(t, &c)
		if c.State == state {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("cold payout %s stuck in %s; want %s", id, c.State, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A cold payout end to end on the local chain: prepared online, carried to
// the offline signer as QR images, signed there, carried back as QR images
// (decoded here, as the online side's camera would), imported, broadcast
// and confirmed, with the tokens at the payee. The signer refuses a
// tampered amount and a wrong chain id; the API refuses a tampered signed
// file, a signature by another key, and the same bundle imported twice.
func TestColdPayoutAcrossTheAirGap(t *testing.T) {
	e := stack(t)
	info := chainInfo(t)
	ten := tenant()
	tok := e.tokenAs(t, ten, "treasurer", "platform:admin")
	coldsign := buildColdsign(t)
	dir := t.TempDir()
	payee := ethPayee()

	// Destinations where the tokens are lost are refused before anything
	// is held.
	for _, lost := range []string{info.Token, "0x0000000000000000000000000000000000000000", "0x000000000000000000000000000000000000dEaD"} {
		if r := e.do(t, "POST", coldPath, tok, idem(), []byte(`{"chain":"ethereum","to_address":"`+lost+`","amount":"1","purpose":"x"}`)); r.status != 422 || r.errCode() != "destination_denied" {
			t.Fatalf("a cold payout to %s: %d %s", lost, r.status, r.body)
		}
	}
	// A bundle prepared and withdrawn frees the chain's one open bundle.
	{
		r := e.do(t, "POST", coldPath, tok, idem(), []byte(`{"chain":"ethereum","to_address":"`+payee+`","amount":"7","purpose":"mistake"}`))
		var x coldJSON
		r.json(t, &x)
		if c := e.do(t, "POST", coldPath+"/"+x.ID+"/cancel", tok, nil, nil); r.status != 201 || c.status != 200 || !strings.Contains(string(c.body), `"state":"cancelled"`) {
			t.Fatalf("prepare and cancel: %d %d %s", r.status, c.status, c.body)
		}
	}
	h := idem()
	r := e.do(t, "POST", coldPath, tok, h, []byte(`{"chain":"ethereum","to_address":"`+payee+`","amount":"1234.5","purpose":"supplier invoice 88"}`))
	if r.status != 201 {
		t.Fatalf("prepare: %d %s", r.status, r.body)
	}
	var c coldJSON
	r.json(t, &c)
	if again := e.do(t, "POST", coldPath, tok, h, []byte(`{"chain":"ethereum","to_address":"`+payee+`","amount":"1234.5","purpose":"supplier invoice 88"}`)); again.status != 201 || string(again.body) != string(r.body) {
		t.Fatalf("replay of prepare: %d %s", again.status, again.body)
	}
	if second := e.do(t, "POST", coldPath, tok, idem(), []byte(`{"chain":"ethereum","to_address":"`+payee+`","amount":"1","purpose":"x"}`)); second.status != 409 || second.errCode() != "cold_bundle_open" {
		t.Fatalf("a second open bundle: %d %s", second.status, second.body)
	}
	if c.State != "prepared" || c.QRParts < 2 {
		t.Fatalf("prepared: %s", r.body)
	}
	b, err := coldbundle.Parse(c.Bundle)
	if err != nil || b.From != info.Cold || b.Summary.Amount != "1234.500000" || b.Summary.To != payee || b.ChainID != uint64(info.ChainID) {
		t.Fatalf("bundle: %+v %v", b, err)
	}

	// Online -> offline: the QR images.
	var parts []string
	for i := 1; i <= c.QRParts; i++ {
		q := e.do(t, "GET", fmt.Sprintf(coldPath+"/%s/qr/%d", c.ID, i), tok, nil, nil)
		if q.status != 200 || q.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr %d: %d %s", i, q.status, q.header)
		}
		p := filepath.Join(dir, fmt.Sprintf("bundle-%d.png", i))
		if err := os.WriteFile(p, q.body, 0o600); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	if q := e.do(t, "GET", fmt.Sprintf(coldPath+"/%s/qr/%d", c.ID, c.QRParts+1), tok, nil, nil); q.status != 404 {
		t.Fatalf("qr past the last part: %d", q.status)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(coldsign, args...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	seed := os.Getenv("STABLEGATE_COLD_SEED")
	common := []string{"sign", "-token", info.Token, "-seed", seed, "-yes"}
	chainID := fmt.Sprint(info.ChainID)

	// The signer's refusals: a wrong chain id, and a summary raised over
	// what the calldata pays.
	if _, err := run(append(common, "-chain-id", "1", "-out", filepath.Join(dir, "x.json"))...); err == nil {
		t.Fatal("coldsign ran without a bundle")
	} else if out, err := run(append(append(common, "-chain-id", "1", "-out", filepath.Join(dir, "x.json")), parts...)...); err == nil || !strings.Contains(out, "bundle_wrong_chain") {
		t.Fatalf("wrong chain id: %v\n%s", err, out)
	}
	tb := b
	tb.Summary.Amount = "12345.000000"
	if err := os.WriteFile(filepath.Join(dir, "tampered.json"), coldbundle.Marshal(tb), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run(append(common, "-chain-id", chainID, "-out", filepath.Join(dir, "x.json"), filepath.Join(dir, "tampered.json"))...); err == nil || !strings.Contains(out, "bundle_summary_mismatch") {
		t.Fatalf("tampered amount: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused bundle left a signed file")
	}

	// Signed offline, from the QR images, scanned in reverse order.
	sort.Sort(sort.Reverse(sort.StringSlice(parts)))
	qrOut := filepath.Join(dir, "signed-qr")
	if err := os.Mkdir(qrOut, 0o700); err != nil {
		t.Fatal(err)
	}
	signedPath := filepath.Join(dir, "signed.json")
	out, err := run(append(append(common, "-chain-id", chainID, "-out", signedPath, "-qr-out", qrOut), parts...)...)
	if err != nil || !strings.Contains(out, "1234.500000 USDT") || !strings.Contains(out, payee) {
		t.Fatalf("sign: %v\n%s", err, out)
	}
	if strings.Contains(out, strings.TrimSpace(mustRead(t, seed))) {
		t.Fatal("coldsign printed the seed")
	}
	// Offline -> online: the signed QR images, decoded.
	imgs, _ := filepath.Glob(filepath.Join(qrOut, "*.png"))
	var pngs [][]byte
	for _, p := range imgs {
		pngs = append(pngs, []byte(mustRead(t, p)))
	}
	signed, err := qrread.ReadQRFiles(pngs)
	if err != nil || string(signed) != mustRead(t, signedPath) {
		t.Fatalf("signed QR images: %v", err)
	}

	// The API's refusals: a signed file whose amount was edited after
	// signing, and the bundle signed by another key.
	importTo := func(id string, body []byte) reply {
		return e.do(t, "POST", coldPath+"/"+id+"/signature", tok, nil, body)
	}
	post := func(body []byte) reply { return importTo(c.ID, body) }
	edited := strings.Replace(string(signed), `"amount": "1234.500000"`, `"amount": "234.500000"`, 1)
	if r := post([]byte(edited)); r.status != 400 || r.errCode() != "bundle_summary_mismatch" {
		t.Fatalf("edited signed file: %d %s", r.status, r.body)
	}
	otherKey, _ := crypto.GenerateKey()
	digest := b.ComputeDigest()
	sig, _ := crypto.Sign(digest[:], otherKey)
	forged := coldbundle.Marshal(coldbundle.Signed{Format: coldbundle.FormatSigned, Bundle: b, Signature: "0x" + hex.EncodeToString(sig)})
	if r := post(forged); r.status != 422 || r.errCode() != "bundle_signature_invalid" {
		t.Fatalf("another key's signature: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", coldPath+"/"+c.ID+"/signature", e.tokenAs(t, tenant(), "x", "cold:read", "cold:write"), nil, signed); r.status != 403 {
		t.Fatalf("a tenant's import: %d %s", r.status, r.body)
	}

	// The genuine one: broadcast and followed to its confirmations.
	if r := post(signed); r.status != 200 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	if r := post(signed); r.status != 409 || r.errCode() != "cold_bundle_used" {
		t.Fatalf("replayed bundle: %d %s", r.status, r.body)
	}
	done := e.waitCold(t, tok, c.ID, "confirmed")
	ec, err := ethclient.Dial(info.RPC)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := ec.TransactionReceipt(context.Background(), commonHash(*done.TxHash))
	if err != nil || rc.Status != 1 {
		t.Fatalf("receipt: %+v %v", rc, err)
	}
	usdt, _ := testusdt.NewTestUSDT(commonAddr(info.Token), ec)
	if bal, err := usdt.BalanceOf(nil, commonAddr(payee)); err != nil || bal.Int64() != 1_234_500_000 {
		t.Fatalf("payee holds %v (%v)", bal, err)
	}
	// The lock is released: the next bundle can be prepared.
	if r := e.do(t, "POST", coldPath, tok, idem(), []byte(`{"chain":"ethereum","to_address":"`+info.Hot+`","amount":"1","purpose":"refill"}`)); r.status != 201 {
		t.Fatalf("next bundle: %d %s", r.status, r.body)
	} else {
		// Signed and imported at once (in-process, as coldsign does), it
		// refills the hot wallet and enters the books as float.
		var next coldJSON
		r.json(t, &next)
		nb, _ := coldbundle.Parse(next.Bundle)
		key, _, _ := coldbundle.ColdKey(mustHexBytes(t, mustRead(t, seed)))
		s, err := coldbundle.Sign(nb, key, uint64(info.ChainID), info.Token, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		_, st := ledgerOn(t, rawDB(t))
		before, _ := st.Ledger.AccountBalance(context.Background(), sg.SystemAccount(sg.SysFloat, sg.Ethereum, sg.USDT), 0)
		if r := importTo(next.ID, coldbundle.Marshal(s)); r.status != 200 {
			t.Fatalf("import of the refill: %d %s", r.status, r.body)
		}
		e.waitCold(t, tok, next.ID, "confirmed")
		after, _ := st.Ledger.AccountBalance(context.Background(), sg.SystemAccount(sg.SysFloat, sg.Ethereum, sg.USDT), 0)
		if after.Available-before.Available != -1_000_000 {
			t.Fatalf("float moved by %d; want -1 USDT", after.Available-before.Available)
		}
	}
}

// A bundle that comes back after its expiry is refused and stays unsigned
// (on a table of its own, with the clock moved on).
func TestColdBundleExpires(t *testing.T) {
	info := chainInfo(t)
	_, st := simLedgerOn(t, rawDB(t))
	ec, err := ethclient.Dial(info.RPC)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	now := func() time.Time { return clock }
	c := &chaineth.Cold{Node: ec, Store: st.Cold, Follow: &chaineth.HotWallet{Node: ec, Store: st.Withdrawals, NoReplace: true, Confirmations: 2},
		ChainID: big.NewInt(info.ChainID), Token: commonAddr(info.Token), Address: commonAddr(info.Cold), TTL: time.Hour, Now: now}
	svc := &coldapi.Service{Store: st.Cold, Chains: map[sg.Chain]coldapi.Chain{sg.Ethereum: c}, Now: now}
	to, _ := address.Parse(sg.Ethereum, ethPayee())
	ctx := context.Background()
	r, _, err := svc.Prepare(ctx, "treasurer", "k-"+randHex(4), "h", sg.Ethereum, to, 5_000_000, "late")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := coldbundle.Parse(r.Bundle)
	key, _, _ := coldbundle.ColdKey(mustHexBytes(t, mustRead(t, os.Getenv("STABLEGATE_COLD_SEED"))))
	s, err := coldbundle.Sign(b, key, uint64(info.ChainID), info.Token, clock)
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(61 * time.Minute)
	st.Base.Now = now
	if _, err := svc.Import(ctx, "treasurer", r.ID, coldbundle.Marshal(s)); !errors.Is(err, sg.ErrColdBundleExpired) {
		t.Fatalf("late import: %v", err)
	}
	if now, _ := svc.Get(ctx, r.ID); now.State != "prepared" {
		t.Fatalf("expired bundle is %s", now.State)
	}
	// Its lock lapsed with it: a new bundle can be prepared.
	next, _, err := svc.Prepare(ctx, "treasurer", "k-"+randHex(4), "h", sg.Ethereum, to, 5_000_000, "next")
	if err != nil {
		t.Fatalf("prepare after an expired bundle: %v", err)
	}
	if _, err := svc.Cancel(ctx, "treasurer", next.ID); err != nil {
		t.Fatal(err)
	}
}

// Finding 4: cold payouts were a resource of the whole deployment behind a
// tenant scope: any tenant with cold:write prepared payouts from the
// deployment's cold address, and its open bundle held the chain's one lock,
// so every other tenant got cold_bundle_open for a bundle it could neither
// see nor cancel. Now they are the platform's: only platform admins
// prepare, read, cancel and import them, whatever tenant their token names,
// and a tenant token (even with cold:read and cold:write) reaches none of it.
func TestFinding4_ColdPayoutsArePlatformOnly(t *testing.T) {
	e := stack(t)
	payee := ethPayee()
	body := []byte(`{"chain":"ethereum","to_address":"` + payee + `","amount":"5","purpose":"treasury move"}`)
	merchant := e.tokenAs(t, tenant(), "merchant", "cold:read", "cold:write")
	// A tenant cannot prepare: not on the platform's route, and the old
	// tenant route is gone.
	if r := e.do(t, "POST", coldPath, merchant, idem(), body); r.status != 403 {
		t.Fatalf("a tenant prepared a cold payout: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/v1/cold-payouts", merchant, idem(), body); r.status != 404 {
		t.Fatalf("the tenant route still answers: %d %s", r.status, r.body)
	}
	// An unsigned bundle a tenant prepared before the change holds the
	// chain's lock, as the old routes left it; no one can see or cancel it.
	ctx := context.Background()
	_, st := ledgerOn(t, rawDB(t))
	legacyTenant, now := tenant(), time.Now().UTC().Truncate(time.Microsecond)
	legacy := dynamo.ColdRecord{ID: sg.NewKeyedID("cb", now, legacyTenant, coldapi.OpPrepare, "k-"+randHex(8)), Tenant: legacyTenant,
		Chain: "ethereum", State: dynamo.ColdPrepared, Bundle: []byte(`{}`), RequestHash: "h", RequestedBy: "merchant",
		CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour).Truncate(time.Second), Amount: 5_000_000, To: payee}
	if err := st.Cold.PutColdBundle(ctx, legacy, sg.JournalEntry{At: now, Actor: "merchant", Action: "test.legacy_bundle", Subject: legacy.ID}); err != nil {
		t.Fatalf("a tenant's bundle holding the lock: %v", err)
	}
	// A platform admin prepares; the tenant's stale bundle no longer holds
	// the platform back (it is cancelled); the bundle and the chain's lock
	// are the platform's.
	admin := e.tokenAs(t, tenant(), "treasurer", "platform:admin")
	r := e.do(t, "POST", coldPath, admin, idem(), body)
	if r.status != 201 {
		t.Fatalf("prepare: %d %s", r.status, r.body)
	}
	var c coldJSON
	r.json(t, &c)
	t.Cleanup(func() { e.do(t, "POST", coldPath+"/"+c.ID+"/cancel", admin, nil, nil) })
	if was, err := st.Cold.ColdBundle(ctx, legacyTenant, legacy.ID, false); err != nil || was.State != dynamo.ColdCancelled {
		t.Fatalf("the tenant's stale bundle: %+v %v", was, err)
	}
	if lockTenant, lockID, _, err := st.Cold.ColdLock(ctx, "ethereum"); err != nil || lockTenant != sg.PlatformTenant || lockID != c.ID {
		t.Fatalf("the lock is %s's %s (%v); want the platform's %s", lockTenant, lockID, err, c.ID)
	}
	// The tenant can neither see nor cancel nor sign it...
	for _, q := range []struct{ method, path string }{
		{"GET", coldPath + "/" + c.ID}, {"GET", coldPath + "/" + c.ID + "/qr/1"},
		{"POST", coldPath + "/" + c.ID + "/cancel"}, {"POST", coldPath + "/" + c.ID + "/signature"},
	} {
		var b []byte
		if q.method == "POST" {
			b = []byte(`{}`)
		}
		if r := e.do(t, q.method, q.path, merchant, nil, b); r.status != 403 {
			t.Fatalf("a tenant's %s %s: %d %s", q.method, q.path, r.status, r.body)
		}
	}
	// ...nor is it blocked by it: it has no cold payout to be blocked in.
	// Another platform admin (whatever tenant its token names) sees the
	// platform's bundle, is the one the lock holds back, and can free it.
	other := e.tokenAs(t, tenant(), "second-officer", "platform:admin")
	if r := e.do(t, "GET", coldPath+"/"+c.ID, other, nil, nil); r.status != 200 || !strings.Contains(string(r.body), payee) {
		t.Fatalf("another platform admin reads the bundle: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", coldPath, other, idem(), body); r.status != 409 || r.errCode() != "cold_bundle_open" {
		t.Fatalf("a second bundle while one is open: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", coldPath+"/"+c.ID+"/cancel", other, nil, nil); r.status != 200 || !strings.Contains(string(r.body), `"state":"cancelled"`) {
		t.Fatalf("another platform admin cancels: %d %s", r.status, r.body)
	}
	// The platform's journal has both decisions.
	var j struct {
		Data []struct{ Actor, Action, Subject string } `json:"data"`
	}
	e.do(t, "GET", "/v1/journal?scope=platform&limit=200", e.tokenAs(t, tenant(), "auditor", "policies:read", "platform:admin"), nil, nil).json(t, &j)
	seen := map[string]string{}
	for _, x := range j.Data {
		if x.Subject == c.ID {
			seen[x.Action] = x.Actor
		}
	}
	if seen["cold_payout.prepared"] != "treasurer" || seen["cold_payout.cancelled"] != "second-officer" {
		t.Fatalf("platform journal for %s: %v", c.ID, seen)
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustHexBytes(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func commonAddr(s string) common.Address { return common.HexToAddress(s) }
func commonHash(s string) common.Hash    { return common.HexToHash(s) }
