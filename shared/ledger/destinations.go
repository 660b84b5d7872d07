package ledger

import (
	"context"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Destinations knows the deployment's own addresses (sg.OwnAddresses).
type Destinations = sg.OwnAddresses

// lostForever are addresses where tokens sent are lost on every network:
// the zero address and the common burn address, per chain, and the
// mainnet USDT contracts (a deployment's own token is added from its
// network; see Withdrawals.Tokens).
var lostForever = map[sg.Chain][]string{
	sg.Ethereum: {"0x0000000000000000000000000000000000000000", "0x000000000000000000000000000000000000dead", sg.EthereumMainnet.Token},
	sg.Tron:     {"T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb", sg.TronMainnet.Token},
}

// denied reports whether tokens sent to to on chain c are lost.
func denied(c sg.Chain, to string, tokens []string) bool {
	dst, err := address.Parse(c, to)
	if err != nil {
		return false
	}
	for _, list := range [][]string{lostForever[c], tokens} {
		for _, a := range list {
			if d, err := address.Parse(c, a); err == nil && d == dst {
				return true
			}
		}
	}
	return false
}

// checkDestination refuses a payout's destination that loses the tokens
// or is one of the deployment's own addresses.
func (w *Withdrawals) checkDestination(ctx context.Context, c sg.Chain, to string) error {
	if denied(c, to, w.Tokens[c]) {
		return sg.ErrDestinationDenied
	}
	if w.Destinations == nil {
		return nil
	}
	own, err := w.Destinations.OwnAddress(ctx, c, to)
	if err != nil {
		return err
	}
	if own {
		return sg.ErrOwnAddress
	}
	return nil
}
