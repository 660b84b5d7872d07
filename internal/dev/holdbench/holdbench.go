// Package holdbench measures what reconciliation's holdings read costs in
// requests: the same holders read the old way and through a multicall, on
// the simulated Ethereum chain (mainnet's rules, the Tether-faithful token)
// and on the Tron stand-in (no Tron node runs here: its answers and energy
// are the stand-in's). It counts HTTP requests and, on Ethereum, the calls
// in them (a provider counts each call of a JSON-RPC batch).
package holdbench

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/internal/dev/multicall"
	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/ethrpc"
	"github.com/stablegate/stablegate/shared/chain/holdings"
	"github.com/stablegate/stablegate/shared/chain/tron"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Row is one read of every holder.
type Row struct {
	Chain, Reader   string
	Requests, Calls int64
	Total           sg.Amount
	Took            time.Duration
}

// holders makes n distinct addresses; one in a hundred is given
// (i+1) USDT by fund.
func holders(n int) []address.Account {
	out := make([]address.Account, n)
	for i := range out {
		out[i][0], out[i][16], out[i][17], out[i][18], out[i][19] = 0x5b, byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
	}
	return out
}

// Measure reads n holders on both chains, each the old way and through
// the multicall, and checks the readers agree on the total.
func Measure(ctx context.Context, n int) ([]Row, error) {
	hs := holders(n)
	var rows []Row
	w, err := multicall.NewWorld()
	if err != nil {
		return nil, err
	}
	defer w.Close()
	var to []common.Address
	var amounts []*big.Int
	for i := 0; i < n; i += 100 {
		to = append(to, common.Address(hs[i]))
		amounts = append(amounts, big.NewInt(int64(i+1)*1_000_000))
	}
	if _, err := w.Mint(to, amounts); err != nil {
		return nil, err
	}
	for _, r := range []struct {
		name string
		read holdings.Ethereum
	}{
		{fmt.Sprintf("before: JSON-RPC batches of %d eth_call", holdings.BatchSize), holdings.Ethereum{}},
		{fmt.Sprintf("after: aggregate3, %d holders an eth_call", holdings.EthereumPage), holdings.Ethereum{Multicall: address.Account(w.Multicall)}},
	} {
		rd := r.read
		rd.RPC, rd.Token = &ethrpc.Client{URL: w.URL}, address.Account(w.Token)
		req0, calls0, start := w.Requests.Load(), w.Calls.Load(), time.Now()
		total, err := rd.Total(ctx, hs, nil)
		if err != nil {
			return nil, err
		}
		rows = append(rows, Row{Chain: "ethereum", Reader: r.name, Requests: w.Requests.Load() - req0, Calls: w.Calls.Load() - calls0, Total: total, Took: time.Since(start)})
	}
	tok, err := address.Parse(sg.Tron, "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm")
	if err != nil {
		return nil, err
	}
	fx := tronfix.New(tok)
	if err := fx.Start(""); err != nil {
		return nil, err
	}
	defer func() { _ = fx.Close() }()
	mc := fx.DeployMulticall()
	for i := 0; i < n; i += 100 {
		fx.Mint(hs[i], int64(i+1)*1_000_000)
	}
	for _, r := range []struct {
		name string
		read holdings.Tron
	}{
		{"before: accounts API, an address a request", holdings.Tron{}},
		{fmt.Sprintf("after: aggregate3, %d holders a constant call", holdings.TronPage), holdings.Tron{Multicall: mc}},
	} {
		rd := r.read
		rd.Grid, rd.Token = &tron.Grid{URL: fx.URL}, tok
		start := time.Now()
		total, err := rd.Total(ctx, hs, nil)
		if err != nil {
			return nil, err
		}
		rows = append(rows, Row{Chain: "tron", Reader: r.name, Requests: int64(rd.Grid.Calls), Calls: int64(rd.Grid.Calls), Total: total, Took: time.Since(start)})
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Total != rows[0].Total {
			return rows, fmt.Errorf("holdbench: %s %s read %s; %s %s read %s", rows[i].Chain, rows[i].Reader, rows[i].Total, rows[0].Chain, rows[0].Reader, rows[0].Total)
		}
	}
	return rows, nil
}

// Print writes the rows as a table, per 100,000 holders.
func Print(out io.Writer, n int, rows []Row) {
	fmt.Fprintf(out, "\nOn-chain holdings read (reconciliation): %d holders, one in 100 holding USDT; requests and calls per 100,000 holders.\n"+
		"Ethereum: the simulated chain on mainnet's rules, the Tether-faithful token; Tron: the stand-in (no Tron node runs here).\n\n", n)
	fmt.Fprintf(out, "| %-8s | %-47s | %16s | %18s | %9s |\n", "chain", "reader", "HTTP requests", "calls (billed)", "took")
	fmt.Fprintf(out, "|%s|%s|%s|%s|%s|\n", dashes(10), dashes(49), dashes(18), dashes(20), dashes(11))
	per := func(v int64) string { return fmt.Sprintf("%d", v*100_000/int64(n)) }
	for _, r := range rows {
		fmt.Fprintf(out, "| %-8s | %-47s | %16s | %18s | %8.1fs |\n", r.Chain, r.Reader, per(r.Requests), per(r.Calls), r.Took.Seconds())
	}
	fmt.Fprintf(out, "All four readers summed the same total (%s USDT).\n", rows[0].Total)
}

func dashes(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '-'
	}
	return string(b)
}
