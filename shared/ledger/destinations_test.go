package ledger

import (
	"context"
	"errors"
	"testing"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type ownSet map[string]bool

func (o ownSet) OwnAddress(_ context.Context, c sg.Chain, a string) (bool, error) {
	return o[string(c)+":"+a], nil
}

// Finding 7: payouts to addresses where tokens are lost are refused, in
// any spelling; finding 6: payouts to the deployment's own addresses too.
func TestFinding7_DestinationsWhereTokensAreLost(t *testing.T) {
	if z := (address.Account{}).Tron(); z != lostForever[sg.Tron][0] {
		t.Fatalf("Tron's zero address is %s, the list says %s", z, lostForever[sg.Tron][0])
	}
	devToken := "0x5FbDB2315678afecb367f032d93F642f64180aa3"
	w := &Withdrawals{Tokens: map[sg.Chain][]string{sg.Ethereum: {devToken}},
		Destinations: ownSet{"ethereum:0x1111111111111111111111111111111111111111": true}}
	cases := []struct {
		name  string
		chain sg.Chain
		to    string
		want  error
	}{
		{"Ethereum zero address", sg.Ethereum, "0x0000000000000000000000000000000000000000", sg.ErrDestinationDenied},
		{"Ethereum burn address, checksummed", sg.Ethereum, "0x000000000000000000000000000000000000dEaD", sg.ErrDestinationDenied},
		{"mainnet USDT contract, lower case", sg.Ethereum, "0xdac17f958d2ee523a2206206994597c13d831ec7", sg.ErrDestinationDenied},
		{"the deployment's own token", sg.Ethereum, devToken, sg.ErrDestinationDenied},
		{"Tron zero address", sg.Tron, "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb", sg.ErrDestinationDenied},
		{"TRC20 USDT contract", sg.Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", sg.ErrDestinationDenied},
		{"an own address", sg.Ethereum, "0x1111111111111111111111111111111111111111", sg.ErrOwnAddress},
		{"an outside address", sg.Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", nil},
		{"an outside Tron address", sg.Tron, "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := w.checkDestination(context.Background(), c.chain, c.to)
			if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("checkDestination(%s) = %v; want %v", c.to, err, c.want)
			}
		})
	}
}
