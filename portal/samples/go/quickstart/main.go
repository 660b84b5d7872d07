// Command quickstart is the portal's Go sample: it creates a wallet with an
// Idempotency-Key, replays the request, reads the wallet's balances, quotes
// a payout's fee and shows how a refusal reads; then money in and out: a
// deposit on the local chain (localwallet plays the customer's wallet), and
// a payout with a fee quote followed until it is posted. The API calls use
// only the standard library. Run it against a running stack (make dev):
//
//	API=http://127.0.0.1:8080 TOKEN=$(make -s token) go run ./portal/samples/go/quickstart
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/stablegate/stablegate/portal/samples/go/localwallet"
)

// apiError is the one error shape of the API.
type apiError struct {
	Error struct {
		Code, Message, Param string
		RequestID            string `json:"request_id"`
	} `json:"error"`
}

type client struct {
	api, token string
	http       *http.Client
}

// do sends a request and decodes a 2xx answer into out; any other answer
// comes back as the API's error.
func (c *client) do(method, path, idemKey string, body, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.api+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		var e apiError
		if err := json.Unmarshal(raw, &e); err != nil {
			return resp.Header, fmt.Errorf("%d: %s", resp.StatusCode, raw)
		}
		return resp.Header, fmt.Errorf("%d %s: %s (field %q, request %s)", resp.StatusCode, e.Error.Code, e.Error.Message, e.Error.Param, e.Error.RequestID)
	}
	return resp.Header, json.Unmarshal(raw, out)
}

func main() {
	c := &client{api: os.Getenv("API"), token: os.Getenv("TOKEN"), http: &http.Client{Timeout: 30 * time.Second}}
	if c.api == "" || c.token == "" {
		fmt.Fprintln(os.Stderr, "set API and TOKEN (see the quickstart)")
		os.Exit(2)
	}
	b := make([]byte, 8)
	rand.Read(b)
	key := "quickstart-go-" + hex.EncodeToString(b)

	var wallet struct {
		ID        string `json:"id"`
		Addresses []struct{ Chain, Address, Scheme string }
	}
	body := map[string]any{"customer_ref": "cust_1042", "label": "Alice"}
	if _, err := c.do("POST", "/v1/wallets", key, body, &wallet); err != nil {
		fail(err)
	}
	fmt.Println("created", wallet.ID)
	for _, a := range wallet.Addresses {
		fmt.Printf("  %s deposit address %s (%s)\n", a.Chain, a.Address, a.Scheme)
	}

	var again struct{ ID string }
	h, err := c.do("POST", "/v1/wallets", key, body, &again)
	if err != nil || again.ID != wallet.ID || h.Get("Idempotent-Replayed") != "true" {
		fail(fmt.Errorf("the replay was not the first answer: %v", err))
	}
	fmt.Println("replayed the first answer")

	var balances struct {
		Balances []struct{ Chain, Available, Pending, Held string }
	}
	if _, err := c.do("GET", "/v1/wallets/"+wallet.ID+"/balances", "", nil, &balances); err != nil {
		fail(err)
	}
	for _, bal := range balances.Balances {
		fmt.Printf("  %s: %s available, %s pending, %s held\n", bal.Chain, bal.Available, bal.Pending, bal.Held)
	}

	var quote struct {
		ID, Fee   string
		ExpiresAt string `json:"expires_at"`
	}
	if _, err := c.do("GET", "/v1/fee-quotes?chain=tron&to_address=TCnNtov8t3cC1yR17rFFUF3SoQC8BdarGe&amount=10", "", nil, &quote); err != nil {
		fail(err)
	}
	fmt.Printf("a 10 USDT payout on Tron costs at most %s USDT in fees (quote %s, until %s)\n", quote.Fee, quote.ID, quote.ExpiresAt)

	_, err = c.do("POST", "/v1/wallets", key+"-2", map[string]any{"customer_ref": "c", "colour": "blue"}, &struct{}{})
	fmt.Println("refused:", err)
	if err == nil {
		os.Exit(1)
	}

	// Money in: 25 USDT to the wallet's Ethereum deposit address.
	var depo string
	for _, a := range wallet.Addresses {
		if a.Chain == "ethereum" {
			depo = a.Address
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tx, block, err := localwallet.SendUSDT(ctx, depo, 25)
	if err != nil {
		fail(err)
	}
	fmt.Printf("sent 25 USDT to %s: tx %s, block %d\n", depo, tx, block)
	// Pending on sight, available after two confirmations.
	available := c.waitFor(func() (string, bool) {
		if _, err := c.do("GET", "/v1/wallets/"+wallet.ID+"/balances", "", nil, &balances); err != nil {
			return err.Error(), false
		}
		for _, bal := range balances.Balances {
			if bal.Chain == "ethereum" {
				return bal.Available, bal.Available == "25.000000"
			}
		}
		return "", false
	})
	fmt.Printf("deposit credited: %s USDT available on ethereum\n", available)

	// Money out: quote the fee for 10 USDT to an outside address, pay with the quote.
	const to = "0x8ba1f109551bD432803012645Ac136ddd64DBA72"
	if _, err := c.do("GET", "/v1/fee-quotes?chain=ethereum&to_address="+to+"&amount=10", "", nil, &quote); err != nil {
		fail(err)
	}
	var payout struct{ ID, State, Fee string }
	req := map[string]any{"wallet_id": wallet.ID, "chain": "ethereum", "asset": "USDT", "to_address": to, "amount": "10", "quote_id": quote.ID}
	if _, err := c.do("POST", "/v1/withdrawals", key+"-payout", req, &payout); err != nil {
		fail(err)
	}
	fmt.Printf("payout %s requested (fee held at most %s USDT)\n", payout.ID, quote.Fee)
	// pending, approved, signed, broadcast, confirmed, posted (or failed)
	state := c.waitFor(func() (string, bool) {
		if _, err := c.do("GET", "/v1/transfers/"+payout.ID, "", nil, &payout); err != nil {
			return err.Error(), false
		}
		return payout.State, payout.State == "posted" || payout.State == "failed" || payout.State == "cancelled"
	})
	fmt.Printf("payout %s is %s (fee charged %s USDT)\n", payout.ID, state, payout.Fee)
	if state != "posted" {
		os.Exit(1)
	}
}

// waitFor polls check twice a second for up to two minutes and returns what
// it last saw.
func (c *client) waitFor(check func() (string, bool)) string {
	var seen string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		var done bool
		if seen, done = check(); done {
			return seen
		}
	}
	return seen
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "quickstart:", err)
	os.Exit(1)
}
