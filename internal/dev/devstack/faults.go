package devstack

// ---- ops: a failing provider for the failover pool ----

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
)

// FaultProxy stands in front of a chain's node as a second provider that
// can be made to fail: it passes every call through until told "down"
// (POST /_fault with body "down"), then answers 503 to every call until
// told "up". The local stack lists it first in ETH_RPC_URL and
// TRON_GRID_URL, so the functions' failover pools (shared/chain/failover)
// use it while it is up and fail over to the node itself while it is down.
// Toxiproxy cannot be installed on this machine; this is the stand-in.
type FaultProxy struct {
	URL  string
	down atomic.Bool
}

// startFaultProxy serves a FaultProxy for target on addr.
func startFaultProxy(ctx context.Context, addr, target string) (*FaultProxy, error) {
	t, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	fp := &FaultProxy{}
	rp := httputil.NewSingleHostReverseProxy(t)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_fault", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 16))
		switch strings.TrimSpace(string(b)) {
		case "down":
			fp.down.Store(true)
		case "up":
			fp.down.Store(false)
		default:
			http.Error(w, `say "down" or "up"`, http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if fp.down.Load() {
			http.Error(w, "provider down (fault injected)", http.StatusServiceUnavailable)
			return
		}
		rp.ServeHTTP(w, r)
	})
	u, err := Serve(ctx, addr, mux)
	if err != nil {
		return nil, err
	}
	fp.URL = strings.TrimRight(u, "/")
	return fp, nil
}

// startFaultProxies puts a FaultProxy before each chain's node (base+620
// for Ethereum, +621 for Tron) and lists it as the first provider; their
// control URLs are in stack.env (STABLEGATE_FAULT_ETHEREUM,
// STABLEGATE_FAULT_TRON). Open breakers retry after RpcBreakerCooldown (3 s
// here), so a test sees one open and close in seconds.
func (s *Stack) startFaultProxies(ctx context.Context, res *Resolver) error {
	for _, c := range []struct {
		param, env string
		off        int
	}{{"EthRpcUrl", "STABLEGATE_FAULT_ETHEREUM", 620}, {"TronGridUrl", "STABLEGATE_FAULT_TRON", 621}} {
		target := res.Params[c.param]
		if target == "" {
			continue
		}
		fp, err := startFaultProxy(ctx, fmt.Sprintf("127.0.0.1:%d", s.Opts.port(c.off)), target)
		if err != nil {
			return fmt.Errorf("devstack: fault proxy for %s: %w", c.param, err)
		}
		res.Params[c.param] = fp.URL + "," + target
		s.Env[c.env] = fp.URL + "/_fault"
	}
	res.Params["RpcBreakerCooldown"] = "3s"
	return nil
}
