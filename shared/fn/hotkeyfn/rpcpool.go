package hotkeyfn

import (
	"errors"
	"net/http"
	"time"

	"github.com/stablegate/stablegate/shared/chain/failover"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ChainHTTP is the address and HTTP client a chain client is given: the
// first of net's providers (ETH_RPC_URL and TRON_GRID_URL take a
// comma-separated list), with every call spread over them by the process's
// failover pool (circuit breakers, per-attempt timeouts, health-ordered
// failover; see shared/chain/failover). RPC_TIMEOUT bounds one attempt
// (default 10s) and RPC_BREAKER_COOLDOWN is how long an open breaker waits
// before its trial call (default 30s), both Go durations.
func ChainHTTP(env Env, net sg.Network) (string, *http.Client, error) {
	var s failover.Settings
	for name, d := range map[string]*time.Duration{"RPC_TIMEOUT": &s.Timeout, "RPC_BREAKER_COOLDOWN": &s.Cooldown} {
		if v := env(name); v != "" {
			x, err := time.ParseDuration(v)
			if err != nil || x <= 0 {
				return "", nil, errors.New("hotkeyfn: " + name + " must be a positive Go duration")
			}
			*d = x
		}
	}
	p, err := failover.For(string(net.Chain), net.RPC, s)
	if err != nil {
		return "", nil, err
	}
	// The client's own bound covers every attempt of one call.
	c := p.Client()
	c.Timeout = time.Duration(len(net.RPC)+1) * max(s.Timeout, 10*time.Second)
	return p.URL(), c, nil
}
