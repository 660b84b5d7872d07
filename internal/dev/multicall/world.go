package multicall

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/stablegate/stablegate/internal/dev/gasbench"
	"github.com/stablegate/stablegate/internal/dev/gasbench/benchtoken"
)

// World is a simulated chain (mainnet-like rules) for reading holdings:
// the Tether-faithful token, a Multicall, and Odd, a token whose balanceOf
// answers a holder's last two bytes and reverts for a holder whose last
// byte is 0xee. URL serves its JSON-RPC over HTTP on 127.0.0.1, counting
// HTTP requests and the calls in them (a batch's calls each count, as a
// provider counts them).
type World struct {
	Sim                   *simulated.Backend
	URL                   string
	Token, Multicall, Odd common.Address
	Requests, Calls       atomic.Int64
	key                   *ecdsa.PrivateKey
	nonce                 uint64
	chainID               *big.Int
	srv                   *http.Server
	tether                *benchtoken.TetherUSDT
	rpc                   *rpc.Client
}

// OddAt is where Odd's code sits.
var OddAt = common.HexToAddress("0x0dd0000000000000000000000000000000000dd0")

// oddCode is Odd's runtime code: the holder word (calldata 4..36); if its
// low byte is 0xee, revert; else return its low two bytes as a word.
//
//	00 PUSH1 4  CALLDATALOAD  DUP1  PUSH1 0xff AND  PUSH1 0xee EQ  PUSH1 0x19 JUMPI
//	0d PUSH2 0xffff AND  PUSH1 0 MSTORE  PUSH1 32 PUSH1 0 RETURN
//	19 JUMPDEST PUSH1 0 DUP1 REVERT
var oddCode = common.FromHex("0x6004358060ff1660ee1460195761ffff1660005260206000f35b600080fd")

// NewWorld starts the chain, deploys the token and the Multicall, and
// serves the chain's JSON-RPC.
func NewWorld() (*World, error) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	sim := simulated.NewBackend(types.GenesisAlloc{
		from:  {Balance: new(big.Int).Mul(big.NewInt(1000), big.NewInt(params.Ether))},
		OddAt: {Code: oddCode, Balance: new(big.Int)},
	}, gasbench.MainnetLike)
	w := &World{Sim: sim, Odd: OddAt, key: key}
	fail := func(err error) (*World, error) {
		_ = sim.Close()
		return nil, err
	}
	// The simulated client embeds an *ethclient.Client whose field name
	// hides its Client method: reach the raw RPC client through the field.
	ec, ok := reflect.ValueOf(sim.Client()).FieldByName("Client").Interface().(*ethclient.Client)
	if !ok {
		return fail(errors.New("multicall world: the simulated client has no ethclient inside"))
	}
	w.rpc = ec.Client()
	var err error
	if w.chainID, err = sim.Client().ChainID(context.Background()); err != nil {
		return fail(err)
	}
	var deploys [2]*types.Transaction
	if w.Token, deploys[0], w.tether, err = benchtoken.DeployTetherUSDT(w.opts(), sim.Client(), big.NewInt(0)); err != nil {
		return fail(err)
	}
	if w.Multicall, deploys[1], _, err = DeployMulticall(w.opts(), sim.Client()); err != nil {
		return fail(err)
	}
	if err := w.mined(deploys[:]...); err != nil {
		return fail(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	w.URL = "http://" + l.Addr().String()
	w.srv = &http.Server{Handler: http.HandlerFunc(w.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = w.srv.Serve(l) }() // http.ErrServerClosed once closed
	return w, nil
}

// Close stops the server and the chain.
func (w *World) Close() {
	_ = w.srv.Close()
	_ = w.Sim.Close()
}

// opts signs the next transaction (nonces counted here: the pool's
// pending nonce can lag the transactions just sent).
func (w *World) opts() *bind.TransactOpts {
	o, _ := bind.NewKeyedTransactorWithChainID(w.key, w.chainID)
	o.Nonce = new(big.Int).SetUint64(w.nonce)
	w.nonce++
	return o
}

// Mint gives each holder its amount of the token, in blocks of up to 500
// transactions, and returns the head block after them.
func (w *World) Mint(holders []common.Address, amounts []*big.Int) (uint64, error) {
	for len(holders) > 0 {
		n := min(500, len(holders))
		txs := make([]*types.Transaction, n)
		for i := range n {
			o := w.opts()
			o.GasLimit = 100_000 // no estimate: a mint's gas does not depend on the order mints land in
			tx, err := w.tether.Mint(o, holders[i], amounts[i])
			if err != nil {
				return 0, err
			}
			txs[i] = tx
		}
		if err := w.mined(txs...); err != nil {
			return 0, err
		}
		holders, amounts = holders[n:], amounts[n:]
	}
	return w.Sim.Client().BlockNumber(context.Background())
}

// mined commits blocks until every tx is in one (the simulated chain's
// builder can seal a block before the pool hands it every transaction).
func (w *World) mined(txs ...*types.Transaction) error {
	ec := w.Sim.Client()
	left := txs
	for range 50 {
		w.Sim.Commit()
		var still []*types.Transaction
		for _, tx := range left {
			r, err := ec.TransactionReceipt(context.Background(), tx.Hash())
			for try := 0; err != nil && strings.Contains(err.Error(), "indexing is in progress") && try < 500; try++ {
				time.Sleep(10 * time.Millisecond)
				r, err = ec.TransactionReceipt(context.Background(), tx.Hash())
			}
			switch {
			case errors.Is(err, ethereum.NotFound):
				still = append(still, tx)
			case err != nil:
				return err
			case r.Status != types.ReceiptStatusSuccessful:
				return fmt.Errorf("multicall world: transaction %s reverted", tx.Hash().Hex())
			}
		}
		if left = still; len(left) == 0 {
			return nil
		}
	}
	return fmt.Errorf("multicall world: %d transactions not mined in 50 blocks", len(left))
}

type rpcMsg struct {
	ID     json.RawMessage   `json:"id"`
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

type rpcAnswer struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      json.RawMessage  `json:"id"`
	Result  *json.RawMessage `json:"result,omitempty"`
	Error   *rpcError        `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// serve passes a JSON-RPC request (one call or a batch) to the chain.
func (w *World) serve(rw http.ResponseWriter, r *http.Request) {
	w.Requests.Add(1)
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, 16<<20))
	if err != nil {
		http.Error(rw, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	rc := w.rpc
	call := func(m rpcMsg) rpcAnswer {
		w.Calls.Add(1)
		args := make([]any, len(m.Params))
		for i, p := range m.Params {
			args[i] = p
		}
		var res json.RawMessage
		if err := rc.CallContext(r.Context(), &res, m.Method, args...); err != nil {
			return rpcAnswer{JSONRPC: "2.0", ID: m.ID, Error: &rpcError{Code: -32000, Message: err.Error()}}
		}
		return rpcAnswer{JSONRPC: "2.0", ID: m.ID, Result: &res}
	}
	rw.Header().Set("Content-Type", "application/json")
	if t := strings.TrimSpace(string(body)); strings.HasPrefix(t, "[") {
		var ms []rpcMsg
		if err := json.Unmarshal(body, &ms); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		out := make([]rpcAnswer, len(ms))
		for i, m := range ms {
			out[i] = call(m)
		}
		_ = json.NewEncoder(rw).Encode(out)
		return
	}
	var m rpcMsg
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	_ = json.NewEncoder(rw).Encode(call(m))
}
