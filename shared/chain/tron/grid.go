package tron

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Grid is a client of a TronGrid-compatible HTTP API (TronGrid itself, or a
// java-tron node's HTTP API with its event service): blocks, TRC20 events,
// broadcast, transaction info, account resources and chain parameters.
// Rate-limit answers (HTTP 429, or 503) are retried with backoff, honouring
// Retry-After, a bounded number of times.
type Grid struct {
	URL    string
	APIKey string // sent as TRON-PRO-API-KEY when set
	HTTP   *http.Client
	// Retries bounds the retries of a rate-limited call (0: 5).
	Retries int
	Sleep   func(time.Duration)
	// Calls and Limited count requests and rate-limit answers.
	Calls, Limited int
}

// ErrRateLimited is returned when the API still refuses after the retries.
var ErrRateLimited = errors.New("tron: rate limited")

// ErrConstantRefused: the node answered a constant call with result false
// (the call reverted, or went over the node's energy or time limit for
// constant calls); its message follows.
var ErrConstantRefused = errors.New("tron: triggerconstantcontract refused")

func (g *Grid) do(ctx context.Context, method, path string, in, out any) error {
	retries, sleep := g.Retries, g.Sleep
	if retries == 0 {
		retries = 5
	}
	if sleep == nil {
		sleep = time.Sleep
	}
	hc := g.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	wait := 250 * time.Millisecond
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(g.URL, "/")+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if g.APIKey != "" {
			req.Header.Set("TRON-PRO-API-KEY", g.APIKey)
		}
		g.Calls++
		resp, err := hc.Do(req)
		if err != nil {
			return fmt.Errorf("tron: %s %s: %w", method, path, err)
		}
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("tron: %s %s: %w", method, path, err)
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			g.Limited++
			if attempt >= retries {
				return fmt.Errorf("%w: %s %s after %d attempts", ErrRateLimited, method, path, attempt+1)
			}
			d := wait
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
				d = time.Duration(s) * time.Second
			}
			sleep(d)
			wait = min(wait*2, 8*time.Second)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("tron: %s %s: HTTP %d: %.200s", method, path, resp.StatusCode, raw)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("tron: %s %s: %w", method, path, err)
		}
		return nil
	}
}

// Block is a block's number, id and time.
type Block struct {
	ID        string // blockID, 32 bytes hex: the number in its first 8 bytes
	Number    uint64
	Timestamp int64 // milliseconds
}

type blockJSON struct {
	BlockID     string `json:"blockID"`
	BlockHeader struct {
		RawData struct {
			Number    uint64 `json:"number"`
			Timestamp int64  `json:"timestamp"`
		} `json:"raw_data"`
	} `json:"block_header"`
}

func (b blockJSON) block() Block {
	return Block{ID: b.BlockID, Number: b.BlockHeader.RawData.Number, Timestamp: b.BlockHeader.RawData.Timestamp}
}

// NowBlock is the head block (solid: the latest solidified one).
func (g *Grid) NowBlock(ctx context.Context, solid bool) (Block, error) {
	path := "/wallet/getnowblock"
	if solid {
		path = "/walletsolidity/getnowblock"
	}
	var b blockJSON
	if err := g.do(ctx, http.MethodPost, path, struct{}{}, &b); err != nil {
		return Block{}, err
	}
	if b.BlockID == "" {
		return Block{}, errors.New("tron: getnowblock answered no block")
	}
	return b.block(), nil
}

// RefBlock is the reference a transaction names: bytes 6..8 of the block
// number and bytes 8..16 of its id.
func (b Block) RefBlock() (rb [2]byte, rh [8]byte, err error) {
	id, err := hex.DecodeString(b.ID)
	if err != nil || len(id) != 32 {
		return rb, rh, fmt.Errorf("tron: block id %q", b.ID)
	}
	copy(rb[:], id[6:8])
	copy(rh[:], id[8:16])
	return rb, rh, nil
}

// TransferEvent is a TRC20 Transfer event as the events API returns it.
type TransferEvent struct {
	TxID      string `json:"transaction_id"`
	Block     uint64 `json:"block_number"`
	Timestamp int64  `json:"block_timestamp"`
	Index     uint   `json:"event_index"`
	Name      string `json:"event_name"`
	Result    struct {
		From  string `json:"from"`
		To    string `json:"to"`
		Value string `json:"value"`
	} `json:"result"`
}

// Events returns the contract's Transfer events from minTimestamp (ms) on,
// oldest first, one page; fingerprint continues a previous page ("" when
// it was the last).
func (g *Grid) Events(ctx context.Context, contract string, minTimestamp int64, fingerprint string, limit int) ([]TransferEvent, string, error) {
	q := url.Values{"event_name": {"Transfer"}, "order_by": {"block_timestamp,asc"}, "limit": {strconv.Itoa(limit)},
		"min_block_timestamp": {strconv.FormatInt(minTimestamp, 10)}}
	if fingerprint != "" {
		q.Set("fingerprint", fingerprint)
	}
	var out struct {
		Data    []TransferEvent `json:"data"`
		Success bool            `json:"success"`
		Error   string          `json:"error"`
		Meta    struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"meta"`
	}
	if err := g.do(ctx, http.MethodGet, "/v1/contracts/"+url.PathEscape(contract)+"/events?"+q.Encode(), nil, &out); err != nil {
		return nil, "", err
	}
	if !out.Success {
		return nil, "", fmt.Errorf("tron: events: %s", out.Error)
	}
	return out.Data, out.Meta.Fingerprint, nil
}

// TRC20Balance is what addr (base58) holds of the token contract, from the
// accounts API (0 for an account the chain has never seen).
func (g *Grid) TRC20Balance(ctx context.Context, addr, contract string) (*big.Int, error) {
	var out struct {
		Data []struct {
			TRC20 []map[string]string `json:"trc20"`
		} `json:"data"`
		Success bool `json:"success"`
	}
	if err := g.do(ctx, http.MethodGet, "/v1/accounts/"+url.PathEscape(addr), nil, &out); err != nil {
		return nil, err
	}
	bal := new(big.Int)
	for _, d := range out.Data {
		for _, m := range d.TRC20 {
			if v, ok := m[contract]; ok {
				if _, ok := bal.SetString(v, 10); !ok {
					return nil, fmt.Errorf("tron: balance %q of %s", v, addr)
				}
			}
		}
	}
	return bal, nil
}

// Broadcast sends a signed transaction. One the node already has is a
// success (the same bytes were sent before).
func (g *Grid) Broadcast(ctx context.Context, tx SignedTx) error {
	var out struct {
		Result  bool   `json:"result"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := g.do(ctx, http.MethodPost, "/wallet/broadcasttransaction", tx, &out); err != nil {
		return err
	}
	if out.Result || out.Code == "DUP_TRANSACTION_ERROR" {
		return nil
	}
	msg, err := hex.DecodeString(out.Message)
	if err != nil {
		msg = []byte(out.Message)
	}
	return &BroadcastError{Code: out.Code, Message: string(msg)}
}

// BroadcastError is a node's refusal of a transaction.
type BroadcastError struct{ Code, Message string }

func (e *BroadcastError) Error() string {
	return "tron: broadcast refused: " + e.Code + ": " + e.Message
}

// Expired reports whether the refusal is for a lapsed expiration or
// reference block (the transaction can never be included; sign anew).
func (e *BroadcastError) Expired() bool {
	return e.Code == "TRANSACTION_EXPIRATION_ERROR" || e.Code == "TAPOS_ERROR"
}

// TxInfo is what the chain says of a transaction: found once it is in a block.
type TxInfo struct {
	Found     bool
	Block     uint64
	Fee       int64 // sun, all resources burnt
	Result    string
	EnergyFee int64
	NetFee    int64
	// Logs are the events the transaction's contracts emitted.
	Logs []Log
}

// Log is one event of a transaction: the emitting contract's 20 bytes (a
// node writes them without the 0x41 prefix), its topics and its data.
type Log struct {
	Address [20]byte
	Topics  [][32]byte
	Data    []byte
}

type logJSON struct {
	Address string   `json:"address"`
	Topics  []string `json:"topics"`
	Data    string   `json:"data"`
}

func (l logJSON) log() (Log, error) {
	var out Log
	a, err := hex.DecodeString(strings.TrimPrefix(l.Address, "0x"))
	if len(a) == 21 && a[0] == 0x41 {
		a = a[1:]
	}
	if err != nil || len(a) != 20 {
		return out, fmt.Errorf("tron: log address %q", l.Address)
	}
	copy(out.Address[:], a)
	for _, t := range l.Topics {
		b, err := hex.DecodeString(strings.TrimPrefix(t, "0x"))
		if err != nil || len(b) > 32 {
			return out, fmt.Errorf("tron: log topic %q", t)
		}
		var w [32]byte
		copy(w[32-len(b):], b)
		out.Topics = append(out.Topics, w)
	}
	if out.Data, err = hex.DecodeString(strings.TrimPrefix(l.Data, "0x")); err != nil {
		return out, fmt.Errorf("tron: log data: %w", err)
	}
	return out, nil
}

// TxInfo reads gettransactioninfobyid (an empty object for an unknown id).
func (g *Grid) TxInfo(ctx context.Context, txID string) (TxInfo, error) {
	var out struct {
		ID          string `json:"id"`
		BlockNumber uint64 `json:"blockNumber"`
		Fee         int64  `json:"fee"`
		Receipt     struct {
			Result    string `json:"result"`
			EnergyFee int64  `json:"energy_fee"`
			NetFee    int64  `json:"net_fee"`
		} `json:"receipt"`
		Log []logJSON `json:"log"`
	}
	if err := g.do(ctx, http.MethodPost, "/wallet/gettransactioninfobyid", map[string]string{"value": txID}, &out); err != nil {
		return TxInfo{}, err
	}
	if out.ID == "" {
		return TxInfo{}, nil
	}
	info := TxInfo{Found: true, Block: out.BlockNumber, Fee: out.Fee, Result: out.Receipt.Result,
		EnergyFee: out.Receipt.EnergyFee, NetFee: out.Receipt.NetFee}
	for _, l := range out.Log {
		lg, err := l.log()
		if err != nil {
			return TxInfo{}, err
		}
		info.Logs = append(info.Logs, lg)
	}
	return info, nil
}

// Resources are an account's free and staked bandwidth and energy left,
// and the network's energy per TRX staked (TotalEnergyLimit over
// TotalEnergyWeight, the TRX staked for energy network-wide).
type Resources struct {
	FreeNet, Net, Energy                int64
	TotalEnergyLimit, TotalEnergyWeight int64
}

// StakeForEnergy is the sun of staked TRX that gives energy units now.
func (r Resources) StakeForEnergy(energy int64) (int64, bool) {
	if r.TotalEnergyLimit <= 0 || r.TotalEnergyWeight <= 0 {
		return 0, false
	}
	trx := (energy*r.TotalEnergyWeight + r.TotalEnergyLimit - 1) / r.TotalEnergyLimit
	return max(trx, 1) * 1_000_000, true
}

// AccountResources reads getaccountresource for a base58 address.
func (g *Grid) AccountResources(ctx context.Context, addr string) (Resources, error) {
	var out struct {
		FreeNetLimit int64 `json:"freeNetLimit"`
		FreeNetUsed  int64 `json:"freeNetUsed"`
		NetLimit     int64 `json:"NetLimit"`
		NetUsed      int64 `json:"NetUsed"`
		EnergyLimit  int64 `json:"EnergyLimit"`
		EnergyUsed   int64 `json:"EnergyUsed"`
		TotalLimit   int64 `json:"TotalEnergyLimit"`
		TotalWeight  int64 `json:"TotalEnergyWeight"`
	}
	if err := g.do(ctx, http.MethodPost, "/wallet/getaccountresource", map[string]any{"address": addr, "visible": true}, &out); err != nil {
		return Resources{}, err
	}
	return Resources{FreeNet: max(out.FreeNetLimit-out.FreeNetUsed, 0), Net: max(out.NetLimit-out.NetUsed, 0),
		Energy: max(out.EnergyLimit-out.EnergyUsed, 0), TotalEnergyLimit: out.TotalLimit, TotalEnergyWeight: out.TotalWeight}, nil
}

// Prices are the chain's resource prices, in sun.
type Prices struct {
	Energy    int64 // per unit of energy (getEnergyFee)
	Bandwidth int64 // per byte (getTransactionFee)
}

// Prices reads getchainparameters.
func (g *Grid) Prices(ctx context.Context) (Prices, error) {
	var out struct {
		ChainParameter []struct {
			Key   string `json:"key"`
			Value int64  `json:"value"`
		} `json:"chainParameter"`
	}
	if err := g.do(ctx, http.MethodPost, "/wallet/getchainparameters", struct{}{}, &out); err != nil {
		return Prices{}, err
	}
	var p Prices
	for _, kv := range out.ChainParameter {
		switch kv.Key {
		case "getEnergyFee":
			p.Energy = kv.Value
		case "getTransactionFee":
			p.Bandwidth = kv.Value
		}
	}
	if p.Energy == 0 || p.Bandwidth == 0 {
		return p, errors.New("tron: getchainparameters lacks getEnergyFee or getTransactionFee")
	}
	return p, nil
}

// EstimateEnergy runs transfer(to, amount) from owner as a constant call
// (triggerconstantcontract) and returns the energy it used.
func (g *Grid) EstimateEnergy(ctx context.Context, owner, contract string, calldata []byte) (int64, error) {
	energy, _, err := g.Constant(ctx, owner, contract, "transfer(address,uint256)", calldata)
	return energy, err
}

// Constant runs a contract call as a constant call (triggerconstantcontract):
// the energy it would use and what it returns. signature names the
// function of calldata, e.g. "approve(address,uint256)".
func (g *Grid) Constant(ctx context.Context, owner, contract, signature string, calldata []byte) (int64, []byte, error) {
	var out struct {
		EnergyUsed int64 `json:"energy_used"`
		Result     struct {
			Result  bool   `json:"result"`
			Message string `json:"message"`
		} `json:"result"`
		ConstantResult []string `json:"constant_result"`
	}
	in := map[string]any{"owner_address": owner, "contract_address": contract, "function_selector": signature,
		"parameter": hex.EncodeToString(calldata[4:]), "visible": true}
	if err := g.do(ctx, http.MethodPost, "/wallet/triggerconstantcontract", in, &out); err != nil {
		return 0, nil, err
	}
	if !out.Result.Result {
		msg, err := hex.DecodeString(out.Result.Message)
		if err != nil {
			msg = []byte(out.Result.Message)
		}
		return 0, nil, fmt.Errorf("%w: %s", ErrConstantRefused, msg)
	}
	var ret []byte
	if len(out.ConstantResult) > 0 {
		var err error
		if ret, err = hex.DecodeString(out.ConstantResult[0]); err != nil {
			return 0, nil, fmt.Errorf("tron: constant_result %q", out.ConstantResult[0])
		}
	}
	return out.EnergyUsed, ret, nil
}

// Account is what getaccount says of an account: whether it exists (a
// Tron account exists once created; tokens received do not create one),
// its TRX, and the TRX it has staked for energy and could delegate.
type Account struct {
	Exists bool
	TRX    int64 // sun
}

// Account reads getaccount for a base58 address.
func (g *Grid) Account(ctx context.Context, addr string) (Account, error) {
	var out struct {
		Address string `json:"address"`
		Balance int64  `json:"balance"`
	}
	if err := g.do(ctx, http.MethodPost, "/wallet/getaccount", map[string]any{"address": addr, "visible": true}, &out); err != nil {
		return Account{}, err
	}
	return Account{Exists: out.Address != "", TRX: out.Balance}, nil
}

// CanDelegateEnergy is the most sun of staked TRX addr can delegate as
// energy now (getcandelegatedmaxsize, type 1).
func (g *Grid) CanDelegateEnergy(ctx context.Context, addr string) (int64, error) {
	var out struct {
		MaxSize int64 `json:"max_size"`
	}
	err := g.do(ctx, http.MethodPost, "/wallet/getcandelegatedmaxsize", map[string]any{"owner_address": addr, "type": 1, "visible": true}, &out)
	return out.MaxSize, err
}
