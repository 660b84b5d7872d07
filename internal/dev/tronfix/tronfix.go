// Package tronfix is a TronGrid stand-in for tests and the local stack: an
// in-memory chain of blocks and one TRC20 token behind the HTTP endpoints
// Stablegate uses, answering in the shapes TronGrid documents
// (developers.tron.network, "HTTP API" and "TronGrid v1 events"). No Tron
// node runs on our machines, so this is what our Tron code is tested
// against; it checks what a node would check of a broadcast (the id is the
// SHA-256 of raw_data, the signature recovers to the owner, the reference
// block is on the chain, the expiration is ahead and within a day, the
// sender's account exists and can pay),
// applies the transaction in the next block, and can be told to rate-limit.
//
// Accounts are modelled as far as a sweep needs (resources.go): an account
// exists once created (receiving TRC20 tokens does not create one), holds
// TRX, stakes TRX for energy (Stake 2.0), delegates that energy and takes it
// back, sends TRX (creating the receiving account for a fee), and has 600
// bytes of free bandwidth a day. A transaction uses its
// owner's energy and bandwidth first and burns TRX for the rest, up to its
// fee limit; short of that it fails OUT_OF_ENERGY and changes nothing.
package tronfix

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	"github.com/stablegate/stablegate/shared/chain/tron"
)

// Resource prices and costs the fixture charges (mainnet's, late 2024):
// 210 sun per energy, 1,000 sun per byte of bandwidth; a TRC20 transfer
// uses 14,650 energy to an existing holder and 29,650 to a new one.
const (
	EnergyPrice     = 210
	BandwidthPrice  = 1000
	EnergyExisting  = 14_650
	EnergyNewHolder = 29_650
	// The fixture's figures for the calls a sweep makes: approve, and
	// transferFrom (a transfer plus the allowance read and written).
	EnergyApprove      = 22_000
	EnergyTransferFrom = 1_000 // on top of the transfer's
	// CreateAccountFee is what AccountCreate burns (1 TRX, plus 0.1 TRX of
	// bandwidth).
	CreateAccountFee  = 1_100_000
	SolidifyDepth     = 19
	blockIntervalMsec = 3000
	// maxExpirationMsec: a node refuses a transaction expiring more than a
	// day after its head block (java-tron's MAXIMUM_TIME_UNTIL_EXPIRATION).
	maxExpirationMsec = 24 * 3600 * 1000
)

type block struct {
	num  uint64
	id   [32]byte
	time int64
}

type event struct {
	tron.TransferEvent
}

type txInfo struct {
	block  uint64
	fee    int64
	result string
	energy int64
	net    int64
	// logs: the events of a Multisend call (multisend.go).
	logs []tron.Log
}

// Server is the fixture chain.
type Server struct {
	mu       sync.Mutex
	Token    address.Account
	blocks   []block
	balances map[address.Account]*big.Int
	allow    map[[2]address.Account]*big.Int
	accounts map[address.Account]*account
	delegs   map[[2]address.Account]int64
	events   []event
	infos    map[string]txInfo
	pending  []pendingTx
	// RateLimitEvery makes every Nth request answer 429 (0: never).
	RateLimitEvery int
	requests       int
	// Requests counts the requests served, Limited the 429s.
	Requests, Limited int
	URL               string
	srv               *http.Server
	recovered         int64 // block time resources were last recovered at
	// blockTxs: the signed transactions each block took (tronweb.go shows
	// them in blocks).
	blockTxs map[uint64][]pendingTx
	// ---- tronms: Tron batch payouts ---- the Multisend the chain runs
	// (multisend.go), its owner, and the recipients the token refuses.
	multisend, msOwner address.Account
	refused            map[address.Account]bool
	// ---- holdings: balances a page per call ---- the Multicall
	// (multicall.go), the constant-call energy limit, and the holders
	// whose balanceOf the token reverts.
	multicall     address.Account
	constantLimit int64
	failBalance   map[address.Account]bool
}

type pendingTx struct {
	id  string
	raw []byte
	tx  tron.Tx
	// external transfers (Transfer) are someone else's and pay nothing here
	external bool
}

// New makes a chain whose head is block 1000, with the token at token.
func New(token address.Account) *Server {
	s := &Server{Token: token, balances: map[address.Account]*big.Int{}, infos: map[string]txInfo{},
		allow: map[[2]address.Account]*big.Int{}, accounts: map[address.Account]*account{}, delegs: map[[2]address.Account]int64{},
		blockTxs: map[uint64][]pendingTx{}}
	start := time.Now().UnixMilli() - 1000*blockIntervalMsec
	for n := uint64(0); n <= 1000; n++ {
		s.blocks = append(s.blocks, s.makeBlock(n, start+int64(n)*blockIntervalMsec))
	}
	return s
}

func (s *Server) makeBlock(n uint64, t int64) block {
	var id [32]byte
	h := sha256.Sum256([]byte(fmt.Sprintf("fixture block %d %d", n, t)))
	copy(id[:], h[:])
	binary.BigEndian.PutUint64(id[:8], n)
	return block{num: n, id: id, time: t}
}

// Start serves on 127.0.0.1 at a free port (or addr) until Close.
func (s *Server) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.URL = "http://" + l.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(l) }() // http.ErrServerClosed once closed
	return nil
}

// Close stops the server.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

func (s *Server) head() block { return s.blocks[len(s.blocks)-1] }

// Head is the head block's number.
func (s *Server) Head() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.head().num
}

// Mint credits holder with amount (no event: setup only).
func (s *Server) Mint(holder address.Account, amount int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balance(holder).Add(s.balance(holder), big.NewInt(amount))
}

// BalanceOf is holder's token balance.
func (s *Server) BalanceOf(holder address.Account) *big.Int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return new(big.Int).Set(s.balance(holder))
}

func (s *Server) balance(a address.Account) *big.Int {
	if b, ok := s.balances[a]; ok {
		return b
	}
	b := new(big.Int)
	s.balances[a] = b
	return b
}

// Transfer moves tokens as someone else's transaction would, in the next
// block, and returns that transaction's id.
func (s *Server) Transfer(from, to address.Account, amount int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("%064x", sha256.Sum256([]byte(fmt.Sprintf("external %d %d %x", len(s.events), s.head().num, to))))
	s.pending = append(s.pending, pendingTx{id: id, external: true,
		tx: tron.Call(from, s.Token, erc20.Transfer(to, big.NewInt(amount)), tron.Header{})})
	return id
}

// Mine adds n blocks; the first takes the transactions waiting.
func (s *Server) Mine(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		h := s.head()
		b := s.makeBlock(h.num+1, h.time+blockIntervalMsec)
		s.blocks = append(s.blocks, b)
		for _, p := range s.pending {
			s.apply(b, p)
		}
		s.pending = nil
	}
}

func (s *Server) apply(b block, p pendingTx) {
	info := txInfo{block: b.num, result: "SUCCESS"}
	if p.external {
		info.result = s.call(b, p, &info)
		s.infos[p.id] = info
		return
	}
	owner := s.accounts[p.tx.Owner]
	if owner == nil {
		info.result = "FAILED"
		s.infos[p.id] = info
		return
	}
	s.recover(b.time)
	// Bandwidth: the free 600 bytes a day if they cover the transaction,
	// else TRX for every byte.
	netBytes := int64(len(p.raw) + 65 + 64)
	creates := p.tx.Type == tron.TypeAccountCreate || (p.tx.Type == tron.TypeTransfer && s.accounts[p.tx.Account] == nil)
	if creates {
		info.net = CreateAccountFee
	} else if owner.freeNetUsed+netBytes <= FreeNetPerDay {
		owner.freeNetUsed += netBytes
	} else {
		info.net = netBytes * BandwidthPrice
	}
	owner.trx -= min(info.net, owner.trx)
	switch p.tx.Type {
	case tron.TypeAccountCreate:
		if s.accounts[p.tx.Account] != nil {
			info.result = "FAILED"
			break
		}
		s.accounts[p.tx.Account] = &account{}
	case tron.TypeTransfer:
		if owner.trx < p.tx.Balance {
			info.result = "FAILED"
			break
		}
		owner.trx -= p.tx.Balance
		s.ensure(p.tx.Account).trx += p.tx.Balance
	case tron.TypeDelegateResource:
		to := s.accounts[p.tx.Account]
		if to == nil || owner.stakedEnergy-owner.delegatedOut < p.tx.Balance {
			info.result = "FAILED"
			break
		}
		owner.delegatedOut += p.tx.Balance
		to.received += p.tx.Balance
		s.delegs[[2]address.Account{p.tx.Owner, p.tx.Account}] += p.tx.Balance
	case tron.TypeUnDelegateResource:
		k := [2]address.Account{p.tx.Owner, p.tx.Account}
		to := s.accounts[p.tx.Account]
		if s.delegs[k] < p.tx.Balance || to == nil {
			info.result = "FAILED"
			break
		}
		// The energy the receiver used of what it is giving back goes back
		// with it, as a node does.
		if total := to.received + to.stakedEnergy - to.delegatedOut; total > 0 {
			moved := to.energyUsed * p.tx.Balance / total
			to.energyUsed -= moved
			owner.energyUsed += moved
		}
		s.delegs[k] -= p.tx.Balance
		if s.delegs[k] == 0 {
			delete(s.delegs, k)
		}
		owner.delegatedOut -= p.tx.Balance
		to.received -= p.tx.Balance
	case tron.TypeTriggerSmartContract:
		info.result = s.call(b, p, &info)
	}
	info.fee = info.energy + info.net
	s.infos[p.id] = info
	s.blockTxs[b.num] = append(s.blockTxs[b.num], p)
}

// call runs a token call: its energy from the owner's, then TRX up to the
// fee limit; short of that it fails OUT_OF_ENERGY and changes nothing.
func (s *Server) call(b block, p pendingTx, info *txInfo) string {
	data := p.tx.Data
	if !p.external && p.tx.Contract == s.multisend && s.multisend != (address.Account{}) {
		return s.pay(b, p, info)
	}
	if p.tx.Contract != s.Token {
		return "REVERT"
	}
	word := func(i int) []byte { return data[4+32*i : 4+32*(i+1)] }
	acct := func(i int) (a address.Account) { copy(a[:], word(i)[12:]); return a }
	var energy int64
	var apply func() bool
	var from, to address.Account
	var amount *big.Int
	switch sel := erc20.Selector(data); {
	case sel == "transfer" && len(data) == 68:
		from, to, amount = p.tx.Owner, acct(0), new(big.Int).SetBytes(word(1))
		energy = s.transferEnergy(to)
		apply = func() bool { return s.move(from, to, amount) }
	case sel == "transferFrom" && len(data) == 100:
		from, to, amount = acct(0), acct(1), new(big.Int).SetBytes(word(2))
		energy = s.transferEnergy(to) + EnergyTransferFrom
		apply = func() bool {
			a := s.allowance(from, p.tx.Owner)
			if a.Cmp(amount) < 0 || s.balance(from).Cmp(amount) < 0 {
				return false
			}
			if a.Cmp(erc20.Unlimited) != 0 { // Tether's token never draws an unlimited allowance down
				a.Sub(a, amount)
			}
			return s.move(from, to, amount)
		}
	case sel == "approve" && len(data) == 68:
		spender, v := acct(0), new(big.Int).SetBytes(word(1))
		energy = EnergyApprove
		apply = func() bool {
			a := s.allowance(p.tx.Owner, spender)
			if v.Sign() != 0 && a.Sign() != 0 { // Tether's guard: set to 0 before changing
				return false
			}
			a.Set(v)
			return true
		}
	default:
		return "REVERT"
	}
	if !p.external {
		if st := s.chargeCall(p, info, energy, false); st != "SUCCESS" {
			return st
		}
	} else {
		info.energy = energy * EnergyPrice
	}
	if !apply() {
		return "REVERT"
	}
	if to != (address.Account{}) {
		e := event{}
		e.TxID, e.Block, e.Timestamp, e.Index, e.Name = p.id, b.num, b.time, 0, "Transfer"
		e.Result.From, e.Result.To, e.Result.Value = "0x"+hex.EncodeToString(from[:]), "0x"+hex.EncodeToString(to[:]), amount.String()
		s.events = append(s.events, e)
	}
	return "SUCCESS"
}

func (s *Server) transferEnergy(to address.Account) int64 {
	if s.balance(to).Sign() == 0 {
		return EnergyNewHolder
	}
	return EnergyExisting
}

func (s *Server) move(from, to address.Account, amount *big.Int) bool {
	if s.balance(from).Cmp(amount) < 0 || s.refused[to] {
		return false
	}
	s.balance(from).Sub(s.balance(from), amount)
	s.balance(to).Add(s.balance(to), amount)
	return true
}

func (s *Server) allowance(owner, spender address.Account) *big.Int {
	k := [2]address.Account{owner, spender}
	if a, ok := s.allow[k]; ok {
		return a
	}
	a := new(big.Int)
	s.allow[k] = a
	return a
}

// Reorg drops the newest n blocks and the transfers in them (their
// transactions are gone, not re-included), then mines n empty ones.
func (s *Server) Reorg(n int) {
	s.mu.Lock()
	fork := s.head().num - uint64(n)
	s.blocks = s.blocks[:len(s.blocks)-n]
	for b := range s.blockTxs {
		if b > fork {
			delete(s.blockTxs, b)
		}
	}
	var kept []event
	for _, e := range s.events {
		if e.Block <= fork {
			kept = append(kept, e)
			continue
		}
		var from, to address.Account
		fb, _ := hex.DecodeString(strings.TrimPrefix(e.Result.From, "0x"))
		tb, _ := hex.DecodeString(strings.TrimPrefix(e.Result.To, "0x"))
		copy(from[:], fb)
		copy(to[:], tb)
		v, _ := new(big.Int).SetString(e.Result.Value, 10)
		s.balance(to).Sub(s.balance(to), v)
		s.balance(from).Add(s.balance(from), v)
		delete(s.infos, e.TxID)
	}
	s.events = kept
	s.mu.Unlock()
	s.Mine(n)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.Requests++
	if s.RateLimitEvery > 0 && s.requests%s.RateLimitEvery == 0 {
		s.Limited++
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"Error":"request rate exceeded the allowed_rps(15), and the query server is suspended for 0s"}`))
		return
	}
	var in map[string]any
	if r.Method == http.MethodPost {
		// An empty body (getnowblock posts none) or a malformed one reads as no fields.
		_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in)
	}
	// TronWeb reads some calls with GET and query parameters (getcontract,
	// and everything in its int64_as_string mode).
	if q := r.URL.Query(); len(q) > 0 {
		if in == nil {
			in = map[string]any{}
		}
		for k := range q {
			if _, set := in[k]; !set {
				in[k] = q.Get(k)
			}
		}
	}
	var out any
	switch {
	case r.URL.Path == "/wallet/getnowblock":
		out = s.fullBlock(s.head(), true)
	case r.URL.Path == "/wallet/getblock":
		out = s.getBlock(in)
	case r.URL.Path == "/wallet/getblockbynum":
		out = s.blockByNum(in["num"])
	case r.URL.Path == "/wallet/getblockbyid":
		out = s.blockByID(fmt.Sprint(in["value"]), true)
	case r.URL.Path == "/wallet/getblockbylimitnext":
		out = s.limitNext(in)
	case r.URL.Path == "/wallet/triggersmartcontract":
		out = s.trigger(in)
	case r.URL.Path == "/wallet/getcontract":
		out = s.getContract(in)
	case r.URL.Path == "/wallet/gettransactionbyid":
		out = s.txByID(fmt.Sprint(in["value"]))
	case r.URL.Path == "/walletsolidity/getnowblock":
		out = blockJSON(s.blocks[len(s.blocks)-1-SolidifyDepth])
	case strings.HasPrefix(r.URL.Path, "/v1/contracts/") && strings.HasSuffix(r.URL.Path, "/events"):
		out = s.eventsPage(r)
	case strings.HasPrefix(r.URL.Path, "/v1/accounts/"):
		out = s.account(strings.TrimPrefix(r.URL.Path, "/v1/accounts/"))
	case r.URL.Path == "/wallet/broadcasttransaction":
		out = s.broadcast(in)
	case r.URL.Path == "/wallet/gettransactioninfobyid":
		out = s.info(fmt.Sprint(in["value"]))
	case r.URL.Path == "/walletsolidity/gettransactioninfobyid":
		out = s.solidInfo(fmt.Sprint(in["value"]))
	case r.URL.Path == "/walletsolidity/gettransactionbyid":
		out = s.solidTx(fmt.Sprint(in["value"]))
	case r.URL.Path == "/wallet/getaccountresource":
		out = s.resources(fmt.Sprint(in["address"]))
	case r.URL.Path == "/wallet/getaccount":
		out = s.getAccount(fmt.Sprint(in["address"]))
	case r.URL.Path == "/wallet/getcandelegatedmaxsize":
		out = s.canDelegate(fmt.Sprint(in["owner_address"]))
	case r.URL.Path == "/wallet/getchainparameters":
		out = map[string]any{"chainParameter": []map[string]any{{"key": "getEnergyFee", "value": EnergyPrice}, {"key": "getTransactionFee", "value": BandwidthPrice}}}
	case r.URL.Path == "/wallet/triggerconstantcontract":
		out = s.estimate(in)
	case r.URL.Path == DevTransferPath:
		out = s.devTransfer(in)
	case r.URL.Path == DevRefusePath:
		out = s.devRefuse(in)
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// DevTransferPath is the stand-in's own route (no TronGrid has it) that
// makes a TRC20 transfer from any sender, as someone else's transaction
// would: POST {"from": base58, "to": base58, "amount": base units}. The
// sender is first given the amount (the tokens come from outside the
// platform), so tests can make deposits from addresses whose keys nobody
// here holds (a sanctioned sender's, say). It answers {"txid": ...}; the
// transfer is in the next block.
const DevTransferPath = "/dev/transfer"

func (s *Server) devTransfer(in map[string]any) map[string]any {
	from, err1 := address.Parse("tron", fmt.Sprint(in["from"]))
	to, err2 := address.Parse("tron", fmt.Sprint(in["to"]))
	amount, ok := in["amount"].(float64)
	if err1 != nil || err2 != nil || !ok || amount <= 0 || amount != float64(int64(amount)) {
		return refusal("OTHER_ERROR", "want from and to (base58) and a positive whole amount")
	}
	s.balance(from).Add(s.balance(from), big.NewInt(int64(amount)))
	id := fmt.Sprintf("%064x", sha256.Sum256([]byte(fmt.Sprintf("dev external %d %d %x %x", len(s.events)+len(s.pending), s.head().num, from, to))))
	s.pending = append(s.pending, pendingTx{id: id, external: true,
		tx: tron.Call(from, s.Token, erc20.Transfer(to, big.NewInt(int64(amount))), tron.Header{})})
	return map[string]any{"result": true, "txid": id}
}

func blockJSON(b block) map[string]any {
	return map[string]any{"blockID": hex.EncodeToString(b.id[:]),
		"block_header": map[string]any{"raw_data": map[string]any{"number": b.num, "timestamp": b.time}}}
}

func (s *Server) eventsPage(r *http.Request) map[string]any {
	q := r.URL.Query()
	minTS, _ := strconv.ParseInt(q.Get("min_block_timestamp"), 10, 64)
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 200 {
		limit = 20
	}
	start, _ := strconv.Atoi(q.Get("fingerprint"))
	var all []tron.TransferEvent
	for _, e := range s.events {
		if e.Timestamp >= minTS {
			all = append(all, e.TransferEvent)
		}
	}
	if start > len(all) {
		start = len(all)
	}
	page := all[start:min(start+limit, len(all))]
	meta := map[string]any{"at": time.Now().UnixMilli(), "page_size": len(page)}
	if start+limit < len(all) {
		meta["fingerprint"] = strconv.Itoa(start + limit)
	}
	if page == nil {
		page = []tron.TransferEvent{}
	}
	return map[string]any{"data": page, "success": true, "meta": meta}
}

func (s *Server) account(addr string) map[string]any {
	a, err := address.Parse("tron", addr)
	if err != nil {
		return map[string]any{"success": false, "error": "invalid address"}
	}
	b, ok := s.balances[a]
	if !ok {
		return map[string]any{"data": []any{}, "success": true}
	}
	return map[string]any{"success": true, "data": []any{map[string]any{"address": addr,
		"trc20": []map[string]string{{s.Token.Tron(): b.String()}}}}}
}

func refusal(code, msg string) map[string]any {
	return map[string]any{"code": code, "message": hex.EncodeToString([]byte(msg))}
}

func (s *Server) broadcast(in map[string]any) map[string]any {
	id, _ := in["txID"].(string)
	raw, err := hex.DecodeString(fmt.Sprint(in["raw_data_hex"]))
	sigs, _ := in["signature"].([]any)
	if err != nil || len(sigs) != 1 {
		return refusal("OTHER_ERROR", "malformed transaction")
	}
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != id {
		return refusal("SIGERROR", "txID is not the hash of raw_data")
	}
	if !rawDataMatches(in, raw) {
		return refusal("SIGERROR", "raw_data does not match raw_data_hex")
	}
	if _, ok := s.infos[id]; ok {
		return refusal("DUP_TRANSACTION_ERROR", "dup transaction")
	}
	for _, p := range s.pending {
		if p.id == id {
			return refusal("DUP_TRANSACTION_ERROR", "dup transaction")
		}
	}
	tx, err := tron.Parse(raw)
	runs := tx.Contract == s.Token || (tx.Contract == s.multisend && s.multisend != (address.Account{}))
	if err != nil || (tx.Type == tron.TypeTriggerSmartContract && !runs) {
		return refusal("CONTRACT_VALIDATE_ERROR", "not a transaction the fixture runs")
	}
	sig, _ := hex.DecodeString(fmt.Sprint(sigs[0]))
	if len(sig) != 65 {
		return refusal("SIGERROR", "signature length")
	}
	pub, _, err := ecdsa.RecoverCompact(append([]byte{sig[64]}, sig[:64]...), sum[:])
	if err != nil {
		return refusal("SIGERROR", "signature does not recover")
	}
	if signer, _ := address.FromPublicKey(pub.SerializeUncompressed()); signer != tx.Owner {
		return refusal("SIGERROR", "signature is not the owner's")
	}
	if h := s.head(); tx.Expiration <= h.time {
		return refusal("TRANSACTION_EXPIRATION_ERROR", "transaction expired")
	} else if tx.Expiration > h.time+maxExpirationMsec {
		return refusal("TRANSACTION_EXPIRATION_ERROR", "transaction expiration time is longer than 24 hours")
	}
	ok := false
	for i := len(s.blocks) - 1; i >= 0 && i >= len(s.blocks)-65536; i-- {
		b := s.blocks[i]
		if b.id[6] == tx.RefBlockBytes[0] && b.id[7] == tx.RefBlockBytes[1] && string(b.id[8:16]) == string(tx.RefBlockHash[:]) {
			ok = true
			break
		}
	}
	if !ok {
		return refusal("TAPOS_ERROR", "reference block not on the chain")
	}
	if refused := s.validate(tx, int64(len(raw)+65+64)); refused != nil {
		return refused
	}
	s.pending = append(s.pending, pendingTx{id: id, raw: raw, tx: tx})
	return map[string]any{"result": true, "txid": id}
}

func (s *Server) info(id string) map[string]any {
	i, ok := s.infos[id]
	if !ok {
		return map[string]any{}
	}
	out := map[string]any{"id": id, "blockNumber": i.block, "fee": i.fee, "blockTimeStamp": s.blocks[i.block].time,
		"receipt": map[string]any{"result": i.result, "energy_fee": i.energy, "net_fee": i.net}}
	if len(i.logs) > 0 { // as a node writes them: the contract's 20 bytes, topics and data in hex
		var logs []map[string]any
		for _, l := range i.logs {
			topics := make([]string, len(l.Topics))
			for k, t := range l.Topics {
				topics[k] = hex.EncodeToString(t[:])
			}
			logs = append(logs, map[string]any{"address": hex.EncodeToString(l.Address[:]), "topics": topics, "data": hex.EncodeToString(l.Data)})
		}
		out["log"] = logs
	}
	return out
}

func (s *Server) estimate(in map[string]any) map[string]any {
	if s.isMulticall(in) {
		return s.aggregate3(in)
	}
	param, _ := hex.DecodeString(fmt.Sprint(in["parameter"]))
	word := func(i int) []byte {
		if len(param) < 32*(i+1) {
			return make([]byte, 32)
		}
		return param[32*i : 32*(i+1)]
	}
	acct := func(i int) (a address.Account) { copy(a[:], word(i)[12:]); return a }
	ok := map[string]any{"result": true}
	switch fmt.Sprint(in["function_selector"]) {
	case "transfer(address,uint256)":
		return map[string]any{"result": ok, "energy_used": s.transferEnergy(acct(0))}
	case "transferFrom(address,address,uint256)":
		return map[string]any{"result": ok, "energy_used": s.transferEnergy(acct(1)) + EnergyTransferFrom}
	case "approve(address,uint256)":
		return map[string]any{"result": ok, "energy_used": EnergyApprove}
	case "balanceOf(address)":
		return map[string]any{"result": ok, "energy_used": 0, "constant_result": []string{hex.EncodeToString(s.balance(acct(0)).FillBytes(make([]byte, 32)))}}
	case "decimals()":
		return constantWord(big.NewInt(6))
	case "name()":
		return constantString("Tether USD")
	case "symbol()":
		return constantString("USDT")
	case "totalSupply()":
		total := new(big.Int)
		for _, b := range s.balances {
			total.Add(total, b)
		}
		return constantWord(total)
	case "allowance(address,address)":
		return map[string]any{"result": ok, "energy_used": 0, "constant_result": []string{hex.EncodeToString(s.allowance(acct(0), acct(1)).FillBytes(make([]byte, 32)))}}
	}
	return map[string]any{"result": map[string]any{"result": false, "message": hex.EncodeToString([]byte("unknown function"))}}
}
