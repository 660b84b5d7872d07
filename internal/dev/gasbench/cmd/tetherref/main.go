// Command tetherref measures a Tether token's code as the faithful test
// token is measured, and compares the two: the storage accesses of
// transfer and transferFrom in order, and their gas.
//
//	go run ./internal/dev/gasbench/cmd/tetherref -code tether-runtime.hex
//
// The runtime code is eth_getCode of 0xdAC17F958D2ee523a2206206994597C13D831ec7
// on mainnet, or Tether's published source built by solc 0.4.18 with the
// optimizer off (npm solc@0.4.18: solc.compile({sources}, 0), its
// runtimeBytecode). Neither is kept in this repository.
package main

import (
	"encoding/hex"
	"flag"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/internal/dev/gasbench"
)

func main() {
	path := flag.String("code", "", "file holding Tether's runtime code in hex")
	flag.Parse()
	if err := run(*path); err != nil {
		fmt.Fprintln(os.Stderr, "tetherref:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tether, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(string(b)), "0x"))
	if err != nil {
		return err
	}
	ours, err := gasbench.FaithfulRuntime()
	if err != nil {
		return err
	}
	holder, to, spender := common.HexToAddress("0x1111111111111111111111111111111111111111"), common.HexToAddress("0xb0b1"), common.HexToAddress("0xfac7")
	fmt.Printf("| %-14s | %-22s | %-22s |\n", "", "Tether's code", "TetherUSDT (faithful)")
	fmt.Printf("|%s|%s|%s|\n", strings.Repeat("-", 16), strings.Repeat("-", 24), strings.Repeat("-", 24))
	var rows [2]gasbench.TransferCost
	var from [2]uint64
	var acc [2][]gasbench.Access
	for i, code := range [][]byte{tether, ours} {
		if rows[i], err = gasbench.MeasureTransfer(code); err != nil {
			return err
		}
		if acc[i], from[i], err = gasbench.TransferFromAccesses(code, holder, spender, to, big.NewInt(1_000_000)); err != nil {
			return err
		}
	}
	fmt.Printf("| %-14s | %22d | %22d |\n", "transfer fresh", rows[0].Fresh, rows[1].Fresh)
	fmt.Printf("| %-14s | %22d | %22d |\n", "existing", rows[0].Existing, rows[1].Existing)
	fmt.Printf("| %-14s | %22d | %22d |\n", "transferFrom *", from[0], from[1])
	fmt.Println("\n* execution only, by an approved spender (a sweep's call)")
	if fmt.Sprint(acc[0]) != fmt.Sprint(acc[1]) {
		return fmt.Errorf("storage accesses differ:\n Tether's %v\n ours     %v", acc[0], acc[1])
	}
	fmt.Printf("storage accesses and events, in order, the same: %v\n", acc[0])
	return nil
}
