package ethereum

import (
	"context"
	"net/http"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// Dial connects to a node's HTTP JSON-RPC at url through hc (the chain's
// failover pool's client, hotkeyfn.ChainHTTP, spreads the calls over several
// providers).
func Dial(ctx context.Context, url string, hc *http.Client) (*ethclient.Client, error) {
	rc, err := rpc.DialOptions(ctx, url, rpc.WithHTTPClient(hc))
	if err != nil {
		return nil, err
	}
	return ethclient.NewClient(rc), nil
}

// DialWebSocket connects to a node's WebSocket JSON-RPC (ws:// or
// wss://), which pushes logs (eth_subscribe). Dialling opens the
// connection (one HTTP upgrade) and sends no request.
func DialWebSocket(ctx context.Context, url string) (*ethclient.Client, error) {
	rc, err := rpc.DialWebsocket(ctx, url, "")
	if err != nil {
		return nil, err
	}
	return ethclient.NewClient(rc), nil
}
