package tronfix

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
)

func post(t *testing.T, url string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return out
}

// The calls TronWeb makes for a TRC20 transfer, in its order and shapes:
// the unsigned transaction from triggersmartcontract serialises to its
// raw_data_hex and txID; a broadcast whose raw_data says something else
// than its raw_data_hex, or whose signature is not the owner's, is
// refused; the honest one is taken into the next block and shown there.
func TestTronWebTransferCalls(t *testing.T) {
	token, _ := address.Parse("tron", "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm")
	fx := New(token)
	if err := fx.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fx.Close() })
	key, _ := secp256k1.GeneratePrivateKey()
	owner, _ := address.FromPublicKey(key.PubKey().SerializeUncompressed())
	fx.Mint(owner, 5_000_000)
	fx.FundTRX(owner, 100_000_000)
	to, _ := address.Parse("tron", "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH")

	if c := post(t, fx.URL+"/wallet/getcontract", map[string]any{"value": hexAddr(token)}); c["contract_address"] != hexAddr(token) {
		t.Fatalf("getcontract: %v", c)
	}
	param := hex.EncodeToString(append(make([]byte, 12), to[:]...)) + hex.EncodeToString(big.NewInt(1_250_000).FillBytes(make([]byte, 32)))
	trig := post(t, fx.URL+"/wallet/triggersmartcontract", map[string]any{"owner_address": hexAddr(owner), "contract_address": hexAddr(token),
		"function_selector": "transfer(address,uint256)", "parameter": param, "fee_limit": 100_000_000, "call_value": 0})
	txm, _ := trig["transaction"].(map[string]any)
	if txm == nil {
		t.Fatalf("triggersmartcontract: %v", trig)
	}
	raw, _ := hex.DecodeString(txm["raw_data_hex"].(string))
	id := tron.TxID(raw)
	if hex.EncodeToString(id[:]) != txm["txID"] {
		t.Fatal("txID is not the SHA-256 of raw_data_hex")
	}
	parsed, err := tron.ParseRawData(raw)
	if err != nil || parsed.To != to || parsed.Amount.Int64() != 1_250_000 || parsed.FeeLimit != 100_000_000 {
		t.Fatalf("raw_data_hex reads %+v, %v", parsed, err)
	}
	if !rawDataMatches(txm, raw) {
		t.Fatal("the answer's raw_data does not match its own raw_data_hex")
	}
	sig := tron.Sign(key, id)
	signed := func(m map[string]any, sig [65]byte) map[string]any {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		c["signature"] = []string{hex.EncodeToString(sig[:])}
		return c
	}
	t.Run("raw_data that says another amount is refused", func(t *testing.T) {
		var forged map[string]any
		b, _ := json.Marshal(txm)
		_ = json.Unmarshal(b, &forged)
		v := forged["raw_data"].(map[string]any)["contract"].([]any)[0].(map[string]any)["parameter"].(map[string]any)["value"].(map[string]any)
		v["data"] = strings.Replace(v["data"].(string), "1312d0", "9312d0", 1)
		if out := post(t, fx.URL+"/wallet/broadcasttransaction", signed(forged, sig)); out["code"] != "SIGERROR" {
			t.Fatalf("forged raw_data: %v", out)
		}
	})
	t.Run("another key's signature is refused", func(t *testing.T) {
		other, _ := secp256k1.GeneratePrivateKey()
		if out := post(t, fx.URL+"/wallet/broadcasttransaction", signed(txm, tron.Sign(other, id))); out["code"] != "SIGERROR" {
			t.Fatalf("other key: %v", out)
		}
	})
	if out := post(t, fx.URL+"/wallet/broadcasttransaction", signed(txm, sig)); out["result"] != true {
		t.Fatalf("broadcast: %v", out)
	}
	fx.Mine(1)
	blk := post(t, fx.URL+"/wallet/getblockbynum", map[string]any{"num": fx.Head()})
	txs, _ := blk["transactions"].([]any)
	if len(txs) != 1 || txs[0].(map[string]any)["txID"] != txm["txID"] {
		t.Fatalf("block %d: %v", fx.Head(), blk)
	}
	if got := fx.BalanceOf(to).Int64(); got != 1_250_000 {
		t.Fatalf("recipient holds %d", got)
	}
	if info := post(t, fx.URL+"/walletsolidity/gettransactioninfobyid", map[string]any{"value": txm["txID"]}); len(info) != 0 {
		t.Fatalf("solidity node shows an unsolidified transaction: %v", info)
	}
	fx.Mine(SolidifyDepth)
	if info := post(t, fx.URL+"/walletsolidity/gettransactioninfobyid", map[string]any{"value": txm["txID"]}); info["id"] != txm["txID"] {
		t.Fatalf("solidified info: %v", info)
	}
}
