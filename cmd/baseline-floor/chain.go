//go:build floor_chain

package main

import (
	"context"
	"fmt"
	"math/big"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
)

func init() {
	kc := kms.NewFromConfig(awsConfig(), func(o *kms.Options) { o.BaseEndpoint = endpoint("KMS") })
	url := os.Getenv("ETH_RPC_URL")
	if url == "" {
		url = "http://127.0.0.1:8545"
	}
	// Over HTTP, dialling sends nothing: the first call connects.
	ec, err := ethclient.DialContext(context.Background(), url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline-floor: dial:", err)
		os.Exit(1)
	}
	works = append(works, func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) string {
		_, kerr := kc.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(1)})
		said := outcome("kms", kerr)
		id, err := ec.ChainID(ctx)
		if err != nil {
			return said + "; " + outcome("ethclient", err)
		}
		key, err := crypto.GenerateKey()
		if err != nil {
			return said + "; " + outcome("crypto", err)
		}
		signer := types.LatestSignerForChainID(id)
		to := common.HexToAddress("0x000000000000000000000000000000000000f100")
		tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{ChainID: id, Gas: 21000, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(2), To: &to, Value: big.NewInt(1)})
		if err != nil {
			return said + "; " + outcome("types", err)
		}
		from, err := types.Sender(signer, tx)
		if err != nil || from != crypto.PubkeyToAddress(key.PublicKey) {
			return said + "; signer: the sender does not recover"
		}
		return said + "; ethereum: signed " + tx.Hash().Hex()
	})
}
