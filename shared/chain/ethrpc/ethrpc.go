// Package ethrpc is a minimal Ethereum JSON-RPC client over net/http, for
// functions that read the chain without linking go-ethereum (quotes,
// reconciliation).
package ethrpc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Client calls one endpoint.
type Client struct {
	URL  string
	HTTP *http.Client
}

// Call runs method with params and decodes the result into out.
func (c *Client) Call(ctx context.Context, method string, params []any, out any) error {
	var r answer
	if err := c.post(ctx, "ethrpc."+method, map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, &r); err != nil {
		return err
	}
	if r.Error != nil {
		return sg.Unavailable("ethrpc."+method, fmt.Errorf("%s", r.Error.Message))
	}
	return json.Unmarshal(r.Result, out)
}

// answer is one JSON-RPC answer.
type answer struct {
	ID     int             `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// post sends payload as one JSON-RPC request and decodes the answer into
// into (a transport or decoding fault is op's ErrUnavailable).
func (c *Client) post(ctx context.Context, op string, payload, into any) error {
	body, _ := json.Marshal(payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return sg.Unavailable(op, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return sg.Unavailable(op, fmt.Errorf("HTTP %d: %w", resp.StatusCode, err))
	}
	return nil
}

// Big reads a hex quantity ("0x1a").
func Big(s string) (*big.Int, error) {
	v, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
	if !ok {
		return nil, fmt.Errorf("ethrpc: %q is not a hex quantity", s)
	}
	return v, nil
}

// Req is one call of a batch.
type Req struct {
	Method string
	Params []any
}

// Batch sends the calls in one HTTP request (a JSON-RPC batch) and decodes
// result i into outs[i]. Any call's error fails the batch. A node answers
// a batch's calls in any order; they are matched by id.
func (c *Client) Batch(ctx context.Context, calls []Req, outs []any) error {
	type msg struct {
		JSONRPC string `json:"jsonrpc"`
		ID      int    `json:"id"`
		Method  string `json:"method"`
		Params  []any  `json:"params"`
	}
	if len(calls) == 0 {
		return nil
	}
	batch := make([]msg, len(calls))
	for i, r := range calls {
		batch[i] = msg{"2.0", i, r.Method, r.Params}
	}
	var rs []answer
	if err := c.post(ctx, "ethrpc.batch", batch, &rs); err != nil {
		return err
	}
	seen := make([]bool, len(calls))
	for _, r := range rs {
		if r.ID < 0 || r.ID >= len(calls) || seen[r.ID] {
			return sg.Unavailable("ethrpc.batch", fmt.Errorf("answer with id %d", r.ID))
		}
		seen[r.ID] = true
		if r.Error != nil {
			return sg.Unavailable("ethrpc."+calls[r.ID].Method, fmt.Errorf("%s", r.Error.Message))
		}
		if err := json.Unmarshal(r.Result, outs[r.ID]); err != nil {
			return sg.Unavailable("ethrpc."+calls[r.ID].Method, err)
		}
	}
	if len(rs) != len(calls) {
		return sg.Unavailable("ethrpc.batch", fmt.Errorf("%d answers to %d calls", len(rs), len(calls)))
	}
	return nil
}
