// Command sendusdt plays your customer's wallet on the local chain: it sends
// test USDT to an address (a wallet's Ethereum deposit address) from the
// local stack's throwaway faucet key and waits until the transfer is mined.
// The chain's details come from the running stack (CHAIN_INFO, by default
// .dev/dev/chain.json, written by make dev):
//
//	go run ./portal/samples/go/sendusdt 0xDepositAddress 25
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/portal/samples/go/localwallet"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sendusdt 0xADDRESS AMOUNT (whole USDT)")
		os.Exit(2)
	}
	whole, err := strconv.ParseInt(os.Args[2], 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sendusdt: amount:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tx, block, err := localwallet.SendUSDT(ctx, os.Args[1], whole)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sendusdt:", err)
		os.Exit(1)
	}
	fmt.Printf("sent %d USDT to %s on the local chain: tx %s, block %d\n", whole, os.Args[1], tx, block)
}
