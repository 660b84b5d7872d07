package core

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Network reads chain c's network from the environment: NETWORK_<CHAIN>
// (mainnet or dev; mainnet when unset) with the endpoint (ETH_RPC_URL,
// TRON_GRID_URL), token (USDT_CONTRACT_<CHAIN>) and confirmations
// (CONFIRMATIONS_<CHAIN>) over the preset. ok is false when no endpoint is
// configured: the chain is then not served.
func Network(env Env, c sg.Chain) (net sg.Network, ok bool, err error) {
	up := strings.ToUpper(string(c))
	var conf uint64
	if v := env("CONFIRMATIONS_" + up); v != "" {
		if conf, err = strconv.ParseUint(v, 10, 32); err != nil || conf == 0 {
			return net, false, fmt.Errorf("fn: CONFIRMATIONS_%s must be a positive integer", up)
		}
	}
	name := env("NETWORK_" + up)
	if name == "" {
		name = "mainnet"
	}
	rpc := env("ETH_RPC_URL")
	if c == sg.Tron {
		rpc = env("TRON_GRID_URL")
	}
	net, known := sg.NetworkFor(c, name, env("USDT_CONTRACT_"+up), rpc, conf)
	if !known {
		return net, false, fmt.Errorf("fn: NETWORK_%s %q is not mainnet or dev", up, name)
	}
	if rpc == "" {
		return net, false, nil
	}
	if _, err := address.Parse(c, net.Token); err != nil {
		return net, false, errors.New("fn: USDT_CONTRACT_" + up + " is not an address of the chain")
	}
	return net, true, nil
}
