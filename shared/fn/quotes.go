package fn

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/quote"
	"github.com/stablegate/stablegate/shared/chain/tron"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/kmssign"
	"github.com/stablegate/stablegate/shared/ledger"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// FeeQuotesGet builds GET /v1/fee-quotes: a quoter per configured chain,
// pricing transfers from the hot key's address (read from KMS once, at
// init) at ETH_PRICE_USDT and TRX_PRICE_USDT.
func FeeQuotesGet(ctx context.Context, env Env) (httpapi.Handler, error) {
	st, err := Store(env)
	if err != nil {
		return nil, err
	}
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "KMS")
	signer := &kmssign.Signer{KMS: kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = ep }), KeyID: env("HOT_SIGNER_KEY_ID")}
	quoters := map[sg.Chain]sg.FeeQuoter{}
	hc := &http.Client{Timeout: 10 * time.Second}
	var hot address.Account
	for _, c := range sg.Chains {
		net, ok, err := Network(env, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if hot == (address.Account{}) {
			if hot, err = signer.Address(ctx); err != nil {
				return nil, err
			}
		}
		token, _ := address.Parse(c, net.Token)
		priceVar := map[sg.Chain]string{sg.Ethereum: "ETH_PRICE_USDT", sg.Tron: "TRX_PRICE_USDT"}[c]
		price, err := sg.ParseAmount(env(priceVar), sg.USDTDecimals)
		if err != nil {
			return nil, errors.New("fn: " + priceVar + " must be a decimal amount")
		}
		if c == sg.Ethereum {
			quoters[c] = &quote.Ethereum{RPC: &ethrpc.Client{URL: net.RPC[0], HTTP: hc}, From: hot, Token: token, Price: price}
		} else {
			quoters[c] = &quote.Tron{Grid: &tron.Grid{URL: net.RPC[0], APIKey: env("TRON_API_KEY"), HTTP: hc}, From: hot, Token: token, Price: price}
		}
	}
	q := &ledger.Quotes{Store: st, Quoters: quoters, Now: time.Now}
	return httpapi.Wrap("fee-quotes-get", api.Quotes{Q: q}.Get), nil
}
