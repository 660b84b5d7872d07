package hotkeyfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/fn/core"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Served is a configured chain with its token and the hot wallet's address.
type Served struct {
	Net   sg.Network
	Token address.Account
	Hot   address.Account
}

// ServedChains lists the chains with an endpoint configured; the hot
// address is read from KMS once, and only if a chain is served.
func ServedChains(ctx context.Context, env Env) ([]Served, error) {
	var out []Served
	var hot address.Account
	for _, c := range sg.Chains {
		net, ok, err := core.Network(env, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if hot == (address.Account{}) {
			signer, err := KMSSigner(ctx, env)
			if err != nil {
				return nil, err
			}
			if hot, err = signer.Address(ctx); err != nil {
				return nil, err
			}
		}
		token, _ := address.Parse(c, net.Token)
		out = append(out, Served{Net: net, Token: token, Hot: hot})
	}
	return out, nil
}
