package tronfix

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/tron"
)

// ---- tronms: Tron batch payouts ----

type msWorld struct {
	fx         *Server
	owner      *secp256k1.PrivateKey
	ownerAcct  address.Account
	ms         address.Account
	stranger   *secp256k1.PrivateKey
	strangerAt address.Account
}

func newMSWorld(t *testing.T) *msWorld {
	t.Helper()
	token, _ := address.Parse("tron", "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm")
	w := &msWorld{fx: New(token)}
	if err := w.fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.fx.Close() })
	w.owner, _ = secp256k1.GeneratePrivateKey()
	w.ownerAcct, _ = address.FromPublicKey(w.owner.PubKey().SerializeUncompressed())
	w.stranger, _ = secp256k1.GeneratePrivateKey()
	w.strangerAt, _ = address.FromPublicKey(w.stranger.PubKey().SerializeUncompressed())
	for _, a := range []address.Account{w.ownerAcct, w.strangerAt} {
		w.fx.Mint(a, 100_000_000)
		w.fx.FundTRX(a, 10_000_000_000)
	}
	w.ms = w.fx.DeployMultisend(w.ownerAcct)
	return w
}

// call signs and broadcasts a contract call of key's account, mines it and
// returns its result.
func (w *msWorld) call(t *testing.T, key *secp256k1.PrivateKey, contract address.Account, data []byte) string {
	t.Helper()
	from, _ := address.FromPublicKey(key.PubKey().SerializeUncompressed())
	w.fx.mu.Lock()
	h := w.fx.head()
	w.fx.mu.Unlock()
	hdr := tron.Header{Expiration: h.time + 60_000, Timestamp: h.time, FeeLimit: 1_000_000_000}
	copy(hdr.RefBlockBytes[:], h.id[6:8])
	copy(hdr.RefBlockHash[:], h.id[8:16])
	raw, err := tron.Call(from, contract, data, hdr).RawData()
	if err != nil {
		t.Fatal(err)
	}
	body, id, err := tron.Encode(raw, tron.Sign(key, tron.TxID(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	if out := post(t, w.fx.URL+"/wallet/broadcasttransaction", in); out["result"] != true {
		t.Fatalf("broadcast refused: %v", out)
	}
	w.fx.Mine(1)
	info := post(t, w.fx.URL+"/wallet/gettransactioninfobyid", map[string]any{"value": id})
	rcpt, _ := info["receipt"].(map[string]any)
	return rcpt["result"].(string)
}

func (w *msWorld) balances(as ...address.Account) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = w.fx.BalanceOf(a).Int64()
	}
	return out
}

// The stand-in's Multisend refuses what the contract refuses, moving
// nothing: a batch paid from what the contract holds (pull 0) by anyone
// but its owner, and a pull that is not the items' total; and the token
// refuses a single transfer to a recipient it refuses.
func TestStandInMultisendRefusesAsTheContract(t *testing.T) {
	w := newMSWorld(t)
	a, b := address.Account{1}, address.Account{2}
	batch := []tron.MultisendPayout{{To: a, Amount: 1_000_000}, {To: b, Amount: 2_000_000}}
	// The contract holds 3 USDT sent by its owner; the stranger approved it.
	if r := w.call(t, w.owner, w.fx.Token, erc20.Transfer(w.ms, big.NewInt(3_000_000))); r != "SUCCESS" {
		t.Fatalf("funding transfer: %s", r)
	}
	if r := w.call(t, w.stranger, w.fx.Token, erc20.Approve(w.ms, erc20.Unlimited)); r != "SUCCESS" {
		t.Fatalf("approve: %s", r)
	}
	before := w.balances(w.ms, w.strangerAt, a, b)
	fromContract, _ := tron.PackMultisend(w.fx.Token, false, batch)
	pulled, _ := tron.PackMultisend(w.fx.Token, true, batch)
	wrongTotal := append([]byte(nil), pulled...)
	wrongTotal[4+63]++ // pull one base unit more than the items' total
	for name, data := range map[string][]byte{"a stranger's batch from the contract's tokens": fromContract, "a pull that is not the total": wrongTotal} {
		trx := w.fx.Inspect(w.strangerAt).TRX
		if r := w.call(t, w.stranger, w.ms, data); r != "REVERT" {
			t.Fatalf("%s: %s; want REVERT", name, r)
		}
		if got := w.balances(w.ms, w.strangerAt, a, b); got[0] != before[0] || got[1] != before[1] || got[2] != 0 || got[3] != 0 {
			t.Fatalf("%s moved tokens: %v -> %v", name, before, got)
		}
		if w.fx.Inspect(w.strangerAt).TRX >= trx {
			t.Fatalf("%s burnt no TRX", name)
		}
	}
	// The stranger's own pulled batch pays from its own tokens.
	if r := w.call(t, w.stranger, w.ms, pulled); r != "SUCCESS" {
		t.Fatalf("pulled batch: %s", r)
	}
	if got := w.balances(w.ms, w.strangerAt, a, b); got[0] != before[0] || got[1] != before[1]-3_000_000 || got[2] != 1_000_000 || got[3] != 2_000_000 {
		t.Fatalf("after the pulled batch: %v", got)
	}
	w.fx.RefuseRecipient(a, true)
	if r := w.call(t, w.owner, w.fx.Token, erc20.Transfer(a, big.NewInt(1))); r != "REVERT" {
		t.Fatalf("a transfer to a refused recipient: %s", r)
	}
	if got := w.fx.BalanceOf(a).Int64(); got != 1_000_000 {
		t.Fatalf("refused recipient holds %d", got)
	}
}
