// Command coldsign is Stablegate's tool for the offline (air-gapped)
// machine. It links no AWS or network code. It backs up a cold seed with
// SLIP-39 shares and recovers it, tells the cold addresses, signs cold
// payout bundles (Ethereum, or TRC20 on Tron) brought over as a JSON file
// or as QR images, and signs
// Tron sweep grants with the deposit seed (each deposit address approves
// the hot address once, so the deposit keys stay offline).
//
//	coldsign split -threshold 2 -group 2of3 -group 3of5 < master.hex
//	coldsign recover < shares.txt
//	coldsign address [-chain tron] -seed master.hex | -shares shares.txt
//	coldsign sign -chain-id 1 -token 0xdAC1... -seed master.hex -out signed.json -qr-out dir bundle.json | part*.png
//	coldsign sign -chain tron -token TR7N... -shares shares.txt -out signed.json -qr-out dir bundle.json | part*.png
//	coldsign grant -token TR7N... -spender THot... -mnemonic deposit-words.txt -out signed.json grant.json | part*.png
//
// The master secret is read as hex (16 or 32 bytes, the BIP-32 seed of the
// cold wallet); the passphrase, if any, from the file -passphrase names.
// Shares are printed one per line, a blank line between groups; recover
// reads shares one per line.
package main

import (
	"bufio"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stablegate/stablegate/shared/slip39"
)

type groups []slip39.Group

func (g *groups) String() string { return fmt.Sprint(*g) }

func (g *groups) Set(s string) error {
	var t, n int
	if _, err := fmt.Sscanf(s, "%dof%d", &t, &n); err != nil {
		return fmt.Errorf("a group is THRESHOLDofCOUNT, like 2of3: %w", err)
	}
	*g = append(*g, slip39.Group{Threshold: t, Count: n})
	return nil
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "split":
		err = split(os.Args[2:], os.Stdin, os.Stdout)
	case "recover":
		err = recoverSeed(os.Args[2:], os.Stdin, os.Stdout)
	case "address":
		err = coldAddress(os.Args[2:], os.Stdout)
	case "sign":
		err = sign(os.Args[2:], os.Stdin, os.Stderr)
	case "grant":
		err = grant(os.Args[2:], os.Stdin, os.Stderr)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "coldsign:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: coldsign split -threshold N -group TofN [-group TofN ...] [-passphrase FILE] < master.hex
       coldsign recover [-passphrase FILE] < shares.txt
       coldsign address [-chain ethereum|tron] (-seed FILE | -shares FILE [-passphrase FILE])
       coldsign sign -chain-id ID -token ADDRESS (-seed FILE | -shares FILE [-passphrase FILE]) [-yes] -out FILE [-qr-out DIR] BUNDLE.json | PART.png...
       coldsign sign -chain tron -token TRON_USDT (-seed FILE | -shares FILE [-passphrase FILE]) [-yes] -out FILE [-qr-out DIR] BUNDLE.json | PART.png...
       coldsign grant -token TRON_USDT -spender HOT_ADDRESS (-mnemonic FILE | -seed FILE | -shares FILE) [-passphrase FILE] [-yes] -out FILE [-qr-out DIR] GRANT.json | PART.png...`)
	os.Exit(2)
}

func passphrase(file string) ([]byte, error) {
	if file == "" {
		return nil, nil
	}
	b, err := os.ReadFile(file)
	return []byte(strings.TrimRight(string(b), "\r\n")), err
}

func split(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("split", flag.ExitOnError)
	threshold := fs.Int("threshold", 1, "how many groups recover the seed")
	var gs groups
	fs.Var(&gs, "group", "a group as THRESHOLDofCOUNT (repeat for each group)")
	passFile := fs.String("passphrase", "", "file holding the passphrase (none if empty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(gs) == 0 {
		return errors.New("give at least one -group")
	}
	raw, err := io.ReadAll(io.LimitReader(in, 1024))
	if err != nil {
		return err
	}
	master, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		return errors.New("the master secret must be hex on standard input")
	}
	pass, err := passphrase(*passFile)
	if err != nil {
		return err
	}
	shares, err := slip39.Split(master, pass, *threshold, gs, slip39.Options{})
	if err != nil {
		return err
	}
	// The shares are the only copy of the seed: a failed write (a full
	// disk under `> shares.txt`) must fail the command, not exit 0.
	var b strings.Builder
	for i, g := range shares {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, s := range g {
			b.WriteString(s + "\n")
		}
	}
	_, err = io.WriteString(out, b.String())
	return err
}

func recoverSeed(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("recover", flag.ExitOnError)
	passFile := fs.String("passphrase", "", "file holding the passphrase (none if empty)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var shares []string
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			shares = append(shares, line)
		}
	}
	pass, err := passphrase(*passFile)
	if err != nil {
		return err
	}
	master, err := slip39.Combine(shares, pass)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, hex.EncodeToString(master))
	return err
}
