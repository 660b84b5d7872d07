package main

import (
	"bufio"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/coldbundle"
	"github.com/stablegate/stablegate/shared/slip39"
)

// keySource is where the cold seed comes from: a hex master secret, or
// SLIP-39 shares (and their passphrase).
type keySource struct{ seed, shares, pass *string }

func keyFlags(fs *flag.FlagSet) keySource {
	return keySource{
		seed:   fs.String("seed", "", "file holding the cold seed (master secret) as hex"),
		shares: fs.String("shares", "", "file holding SLIP-39 shares, one per line (instead of -seed)"),
		pass:   fs.String("passphrase", "", "file holding the shares' passphrase (none if empty)"),
	}
}

// coldKey restores the cold key. Nothing of it is ever printed.
func (k keySource) coldKey() ([]byte, string, error) {
	var master []byte
	switch {
	case *k.seed != "" && *k.shares != "":
		return nil, "", errors.New("give -seed or -shares, not both")
	case *k.seed != "":
		raw, err := os.ReadFile(*k.seed)
		if err != nil {
			return nil, "", err
		}
		if master, err = hex.DecodeString(strings.TrimSpace(string(raw))); err != nil {
			return nil, "", errors.New("the seed file must hold hex")
		}
	case *k.shares != "":
		raw, err := os.ReadFile(*k.shares)
		if err != nil {
			return nil, "", err
		}
		var shares []string
		for _, l := range strings.Split(string(raw), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				shares = append(shares, l)
			}
		}
		pass, err := passphrase(*k.pass)
		if err != nil {
			return nil, "", err
		}
		if master, err = slip39.Combine(shares, pass); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", errors.New("give -seed or -shares")
	}
	return coldbundle.ColdKey(master)
}

func coldAddress(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("address", flag.ExitOnError)
	ks := keyFlags(fs)
	fs.Parse(args)
	_, addr, err := ks.coldKey()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, addr)
	return nil
}

// readBundle reads a bundle from a JSON file, or from QR images (PNG)
// scanned in any order.
func readBundle(files []string) ([]byte, error) {
	if len(files) == 0 {
		return nil, errors.New("name the bundle file or its QR images")
	}
	if len(files) == 1 && strings.HasSuffix(files[0], ".json") {
		return os.ReadFile(files[0])
	}
	var pngs [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pngs = append(pngs, b)
	}
	return coldbundle.ReadQRFiles(pngs)
}

// sign shows the bundle's summary, refuses what the bundle package
// refuses, asks for "yes" (unless -yes), and writes the signed bundle as a
// file and, with -qr-out, as QR images.
func sign(args []string, in io.Reader, tty io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ExitOnError)
	chainID := fs.Uint64("chain-id", 0, "the chain id this signer signs for (1 for Ethereum mainnet)")
	token := fs.String("token", "", "the token contract this signer pays from")
	yes := fs.Bool("yes", false, "sign without asking (for scripted tests only)")
	outFile := fs.String("out", "", "where to write the signed bundle (JSON)")
	qrDir := fs.String("qr-out", "", "directory for the signed bundle's QR images")
	ks := keyFlags(fs)
	fs.Parse(args)
	if *chainID == 0 || *token == "" || *outFile == "" {
		return errors.New("-chain-id, -token and -out are required")
	}
	raw, err := readBundle(fs.Args())
	if err != nil {
		return err
	}
	b, err := coldbundle.Parse(raw)
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	fmt.Fprintf(tty, "Cold payout %s\n  pay      %s %s\n  to       %s\n  purpose  %s\n  from     %s (nonce %d) on chain %d\n  fee cap  %s wei per gas, %d gas\n  expires  %s\n",
		b.ID, b.Summary.Amount, b.Summary.Asset, b.Summary.To, b.Summary.Purpose, b.From, b.Nonce, b.ChainID, b.MaxFeePerGas, b.Gas, b.ExpiresAt.Format(time.RFC3339))
	if err := b.Check(*chainID, *token, time.Now()); err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	key, _, err := ks.coldKey()
	if err != nil {
		return err
	}
	if !*yes {
		fmt.Fprint(tty, "Type yes to sign: ")
		line, _ := bufio.NewReader(in).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			return errors.New("not signed")
		}
	}
	s, err := coldbundle.Sign(b, key, *chainID, *token, time.Now())
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	file := coldbundle.Marshal(s)
	if err := os.WriteFile(*outFile, file, 0o644); err != nil {
		return err
	}
	if *qrDir != "" {
		codes, err := coldbundle.QRCodes(file)
		if err != nil {
			return err
		}
		for i, c := range codes {
			if err := os.WriteFile(filepath.Join(*qrDir, fmt.Sprintf("signed-%d-of-%d.png", i+1, len(codes))), c, 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(tty, "Signed. Carry %s (or its QR images) back to the online system.\n", *outFile)
	return nil
}
