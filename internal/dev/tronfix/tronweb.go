package tronfix

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"golang.org/x/crypto/sha3"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/tron"
)

// The calls stock TronWeb (6.x) makes to read blocks and to send a TRC20
// transfer through contract().at(token) and transfer(to, amount).send():
// getcontract for the token's ABI, getblock for the reference block,
// triggersmartcontract for the unsigned transaction (TronWeb rebuilds its
// raw_data from what it asked for and refuses it unless the bytes and the
// txID match), then broadcasttransaction with raw_data, raw_data_hex and
// the signature. A node answers these; the shapes here follow
// developers.tron.network's HTTP API pages and what TronWeb reads of them.
// No Tron node runs on our machines: this is a stand-in, not java-tron.

// nodeAddr reads an address as a node takes one: base58 (visible) or hex
// with the 41 prefix.
func nodeAddr(v any) (address.Account, bool) {
	str, _ := v.(string)
	if a, err := address.Parse("tron", str); err == nil {
		return a, true
	}
	b, err := hex.DecodeString(strings.TrimPrefix(str, "0x"))
	if err != nil || len(b) != 21 || b[0] != address.TronPrefix {
		return address.Account{}, false
	}
	var a address.Account
	copy(a[:], b[1:])
	return a, true
}

func hexAddr(a address.Account) string { return "41" + hex.EncodeToString(a[:]) }

// num reads a JSON number, or a number in a string (GET query values).
func num(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), x == float64(int64(x))
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// blockAt finds a block by number.
func (s *Server) blockAt(n uint64) (block, bool) {
	first := s.blocks[0].num
	if n < first || n-first >= uint64(len(s.blocks)) {
		return block{}, false
	}
	return s.blocks[n-first], true
}

// fullBlock is a block as getblock/getnowblock/getblockbynum answer it: the
// header (number, time, parent), and with detail its transactions.
func (s *Server) fullBlock(b block, detail bool) map[string]any {
	raw := map[string]any{"number": b.num, "timestamp": b.time, "version": 30,
		"witness_address": "41" + strings.Repeat("0", 40), "txTrieRoot": strings.Repeat("0", 64)}
	if p, ok := s.blockAt(b.num - 1); ok && b.num > 0 {
		raw["parentHash"] = hex.EncodeToString(p.id[:])
	}
	out := map[string]any{"blockID": hex.EncodeToString(b.id[:]), "block_header": map[string]any{"raw_data": raw}}
	if txs := s.blockTxs[b.num]; detail && len(txs) > 0 {
		list := make([]map[string]any, 0, len(txs))
		for _, p := range txs {
			tj := txJSON(p.tx, p.raw, p.id)
			tj["ret"] = []map[string]string{{"contractRet": s.infos[p.id].result}}
			list = append(list, tj)
		}
		out["transactions"] = list
	}
	return out
}

// getBlock answers wallet/getblock: {"id_or_num": number or hash, "detail"}
// (no id: the head).
func (s *Server) getBlock(in map[string]any) map[string]any {
	detail := in["detail"] == true || in["detail"] == "true"
	idOrNum, _ := in["id_or_num"].(string)
	switch {
	case idOrNum == "":
		return s.fullBlock(s.head(), detail)
	case len(idOrNum) == 64:
		return s.blockByID(idOrNum, detail)
	}
	n, err := strconv.ParseUint(idOrNum, 10, 64)
	if err != nil {
		return map[string]any{"Error": "invalid id_or_num"}
	}
	b, ok := s.blockAt(n)
	if !ok {
		return map[string]any{}
	}
	return s.fullBlock(b, detail)
}

func (s *Server) blockByNum(v any) map[string]any {
	n, ok := num(v)
	if !ok || n < 0 {
		return map[string]any{"Error": "invalid num"}
	}
	b, found := s.blockAt(uint64(n))
	if !found {
		return map[string]any{}
	}
	return s.fullBlock(b, true)
}

func (s *Server) blockByID(id string, detail bool) map[string]any {
	want, err := hex.DecodeString(id)
	if err != nil || len(want) != 32 {
		return map[string]any{"Error": "invalid block id"}
	}
	n := new(big.Int).SetBytes(want[:8]).Uint64()
	if b, ok := s.blockAt(n); ok && bytes.Equal(b.id[:], want) {
		return s.fullBlock(b, detail)
	}
	return map[string]any{}
}

// limitNext answers getblockbylimitnext: blocks [startNum, endNum), at most 100.
func (s *Server) limitNext(in map[string]any) map[string]any {
	from, ok1 := num(in["startNum"])
	to, ok2 := num(in["endNum"])
	if !ok1 || !ok2 || from < 0 || to <= from || to-from > 100 {
		return map[string]any{"Error": "invalid startNum or endNum"}
	}
	var list []map[string]any
	for n := from; n < to; n++ {
		if b, ok := s.blockAt(uint64(n)); ok {
			list = append(list, s.fullBlock(b, true))
		}
	}
	return map[string]any{"block": list}
}

// txJSON is a transaction as a node shows it (visible=false: hex addresses).
func txJSON(tx tron.Tx, raw []byte, id string) map[string]any {
	var contract map[string]any
	switch tx.Type {
	case tron.TypeTriggerSmartContract:
		contract = map[string]any{"type": "TriggerSmartContract", "parameter": map[string]any{
			"type_url": "type.googleapis.com/protocol.TriggerSmartContract",
			"value":    map[string]any{"data": hex.EncodeToString(tx.Data), "owner_address": hexAddr(tx.Owner), "contract_address": hexAddr(tx.Contract)}}}
	case tron.TypeTransfer:
		contract = map[string]any{"type": "TransferContract", "parameter": map[string]any{
			"type_url": "type.googleapis.com/protocol.TransferContract",
			"value":    map[string]any{"amount": tx.Balance, "owner_address": hexAddr(tx.Owner), "to_address": hexAddr(tx.Account)}}}
	default:
		contract = map[string]any{"type": kind(tx)}
	}
	rd := map[string]any{"contract": []any{contract}, "ref_block_bytes": hex.EncodeToString(tx.RefBlockBytes[:]),
		"ref_block_hash": hex.EncodeToString(tx.RefBlockHash[:]), "expiration": tx.Expiration, "timestamp": tx.Timestamp}
	if tx.FeeLimit != 0 {
		rd["fee_limit"] = tx.FeeLimit
	}
	return map[string]any{"visible": false, "txID": id, "raw_data": rd, "raw_data_hex": hex.EncodeToString(raw)}
}

// callData is a trigger's call data: "data", or the selector of
// "function_selector" followed by "parameter".
func callData(in map[string]any) ([]byte, bool) {
	if d, ok := in["data"].(string); ok && d != "" {
		b, err := hex.DecodeString(strings.TrimPrefix(d, "0x"))
		return b, err == nil && len(b) >= 4
	}
	sel, _ := in["function_selector"].(string)
	if sel == "" {
		return nil, false
	}
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(strings.ReplaceAll(sel, " ", "")))
	param, err := hex.DecodeString(strings.TrimPrefix(fmt.Sprint(orEmpty(in["parameter"])), "0x"))
	if err != nil {
		return nil, false
	}
	return append(h.Sum(nil)[:4], param...), true
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func callRefused(code, msg string) map[string]any {
	return map[string]any{"result": map[string]any{"code": code, "message": hex.EncodeToString([]byte(msg))}}
}

// trigger answers triggersmartcontract: the unsigned call transaction on
// the head block (expiring 60 s after it, as a node's default), with the
// energy it would use.
func (s *Server) trigger(in map[string]any) map[string]any {
	owner, ok1 := nodeAddr(in["owner_address"])
	contract, ok2 := nodeAddr(in["contract_address"])
	data, ok3 := callData(in)
	if !ok1 || !ok2 || !ok3 {
		return callRefused("OTHER_ERROR", "want owner_address, contract_address and function_selector with parameter (or data)")
	}
	if cv, _ := num(in["call_value"]); cv != 0 {
		return callRefused("CONTRACT_VALIDATE_ERROR", "the stand-in's token is not payable")
	}
	if contract != s.Token {
		return callRefused("CONTRACT_VALIDATE_ERROR", "No contract or not a smart contract")
	}
	feeLimit, _ := num(in["fee_limit"])
	h := s.head()
	var hdr tron.Header
	copy(hdr.RefBlockBytes[:], h.id[6:8])
	copy(hdr.RefBlockHash[:], h.id[8:16])
	hdr.Expiration, hdr.Timestamp, hdr.FeeLimit = h.time+60_000, h.time, feeLimit
	tx := tron.Call(owner, contract, data, hdr)
	raw, err := tx.RawData()
	if err != nil {
		return callRefused("OTHER_ERROR", err.Error())
	}
	sum := sha256.Sum256(raw)
	return map[string]any{"result": map[string]any{"result": true}, "energy_used": s.energyOfCall(tx),
		"transaction": txJSON(tx, raw, hex.EncodeToString(sum[:]))}
}

func (s *Server) energyOfCall(tx tron.Tx) int64 {
	if len(tx.Data) == 68 && bytes.Equal(tx.Data[:4], []byte{0xa9, 0x05, 0x9c, 0xbb}) {
		var to address.Account
		copy(to[:], tx.Data[4+12:4+32])
		return s.transferEnergy(to)
	}
	return 0
}

// rawDataMatches checks a broadcast's raw_data (the JSON a node reads)
// against its raw_data_hex: the transaction is rebuilt from the JSON and
// must serialise to the same bytes. Only the kinds the stand-in runs are
// read; a body without raw_data (our own sender posts the bytes only)
// passes.
func rawDataMatches(in map[string]any, raw []byte) bool {
	rd, ok := in["raw_data"].(map[string]any)
	if !ok {
		return true
	}
	var hdr tron.Header
	rbb, err1 := hex.DecodeString(fmt.Sprint(rd["ref_block_bytes"]))
	rbh, err2 := hex.DecodeString(fmt.Sprint(rd["ref_block_hash"]))
	if err1 != nil || err2 != nil || len(rbb) != 2 || len(rbh) != 8 {
		return false
	}
	copy(hdr.RefBlockBytes[:], rbb)
	copy(hdr.RefBlockHash[:], rbh)
	hdr.Expiration, _ = num(rd["expiration"])
	hdr.Timestamp, _ = num(rd["timestamp"])
	hdr.FeeLimit, _ = num(rd["fee_limit"])
	cs, _ := rd["contract"].([]any)
	if len(cs) != 1 {
		return false
	}
	c, _ := cs[0].(map[string]any)
	param, _ := c["parameter"].(map[string]any)
	v, _ := param["value"].(map[string]any)
	owner, ok := nodeAddr(v["owner_address"])
	if !ok {
		return false
	}
	var tx tron.Tx
	switch c["type"] {
	case "TriggerSmartContract":
		contract, ok := nodeAddr(v["contract_address"])
		data, err := hex.DecodeString(fmt.Sprint(v["data"]))
		if !ok || err != nil {
			return false
		}
		if cv, _ := num(v["call_value"]); cv != 0 {
			return false
		}
		tx = tron.Call(owner, contract, data, hdr)
	case "TransferContract":
		to, ok := nodeAddr(v["to_address"])
		amount, ok2 := num(v["amount"])
		if !ok || !ok2 {
			return false
		}
		tx = tron.SendTRX(owner, to, amount, hdr)
		tx.FeeLimit = hdr.FeeLimit
	default:
		return false
	}
	built, err := tx.RawData()
	return err == nil && bytes.Equal(built, raw)
}

// getContract answers getcontract for the token: its ABI (a TRC20's), so
// TronWeb's contract().at(token) can load it; {} for any other address.
func (s *Server) getContract(in map[string]any) map[string]any {
	a, ok := nodeAddr(in["value"])
	if !ok || a != s.Token {
		return map[string]any{}
	}
	fn := func(name, mut string, in, out []string) map[string]any {
		e := map[string]any{"name": name, "type": "Function", "stateMutability": mut}
		var ins, outs []map[string]string
		for i := 0; i+1 < len(in); i += 2 {
			ins = append(ins, map[string]string{"name": in[i], "type": in[i+1]})
		}
		for _, t := range out {
			outs = append(outs, map[string]string{"type": t})
		}
		if ins != nil {
			e["inputs"] = ins
		}
		if outs != nil {
			e["outputs"] = outs
		}
		return e
	}
	entrys := []map[string]any{
		fn("name", "View", nil, []string{"string"}),
		fn("symbol", "View", nil, []string{"string"}),
		fn("decimals", "View", nil, []string{"uint8"}),
		fn("totalSupply", "View", nil, []string{"uint256"}),
		fn("balanceOf", "View", []string{"who", "address"}, []string{"uint256"}),
		fn("allowance", "View", []string{"_owner", "address", "_spender", "address"}, []string{"uint256"}),
		fn("transfer", "Nonpayable", []string{"_to", "address", "_value", "uint256"}, []string{"bool"}),
		fn("transferFrom", "Nonpayable", []string{"_from", "address", "_to", "address", "_value", "uint256"}, []string{"bool"}),
		fn("approve", "Nonpayable", []string{"_spender", "address", "_value", "uint256"}, []string{"bool"}),
		{"name": "Transfer", "type": "Event", "inputs": []map[string]any{{"indexed": true, "name": "from", "type": "address"},
			{"indexed": true, "name": "to", "type": "address"}, {"name": "value", "type": "uint256"}}},
	}
	return map[string]any{"contract_address": hexAddr(s.Token), "origin_address": hexAddr(s.Token), "name": "TetherToken",
		"bytecode": "", "consume_user_resource_percent": 100, "abi": map[string]any{"entrys": entrys}}
}

// constantWord is a view function's answer as constant_result: one ABI word.
func constantWord(v *big.Int) map[string]any {
	return map[string]any{"result": map[string]any{"result": true}, "energy_used": 0,
		"constant_result": []string{hex.EncodeToString(v.FillBytes(make([]byte, 32)))}}
}

// constantString is a view function's string answer, ABI-encoded.
func constantString(v string) map[string]any {
	word := func(n int) []byte { return big.NewInt(int64(n)).FillBytes(make([]byte, 32)) }
	out := append(word(32), word(len(v))...)
	padded := make([]byte, (len(v)+31)/32*32)
	copy(padded, v)
	out = append(out, padded...)
	return map[string]any{"result": map[string]any{"result": true}, "energy_used": 0, "constant_result": []string{hex.EncodeToString(out)}}
}

// txByID answers gettransactionbyid for a transaction a block took.
func (s *Server) txByID(id string) map[string]any {
	info, ok := s.infos[id]
	if !ok {
		return map[string]any{}
	}
	for _, p := range s.blockTxs[info.block] {
		if p.id == id {
			tj := txJSON(p.tx, p.raw, p.id)
			tj["ret"] = []map[string]string{{"contractRet": info.result}}
			return tj
		}
	}
	return map[string]any{}
}

// solid reports whether a block is solidified (SolidifyDepth under the head).
func (s *Server) solid(n uint64) bool { return n+SolidifyDepth <= s.head().num }

// solidInfo answers walletsolidity/gettransactioninfobyid: {} until the
// transaction's block is solidified (TronWeb's getTransactionInfo).
func (s *Server) solidInfo(id string) map[string]any {
	if i, ok := s.infos[id]; !ok || !s.solid(i.block) {
		return map[string]any{}
	}
	return s.info(id)
}

func (s *Server) solidTx(id string) map[string]any {
	if i, ok := s.infos[id]; !ok || !s.solid(i.block) {
		return map[string]any{}
	}
	return s.txByID(id)
}
