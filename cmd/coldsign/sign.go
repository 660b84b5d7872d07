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

	"github.com/tyler-smith/go-bip39"

	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/airgap/qrread"
	"github.com/stablegate/stablegate/shared/coldbundle"
	"github.com/stablegate/stablegate/shared/slip39"
)

// keySource is where a seed comes from: a hex master secret, SLIP-39
// shares, or (for the deposit seed) a BIP-39 mnemonic, with their
// passphrase.
type keySource struct{ seed, shares, mnemonic, pass *string }

func keyFlags(fs *flag.FlagSet) keySource {
	return keySource{
		seed:     fs.String("seed", "", "file holding the seed (master secret) as hex"),
		shares:   fs.String("shares", "", "file holding SLIP-39 shares, one per line (instead of -seed)"),
		mnemonic: fs.String("mnemonic", "", "file holding a BIP-39 mnemonic (instead of -seed)"),
		pass:     fs.String("passphrase", "", "file holding the shares' or mnemonic's passphrase (none if empty)"),
	}
}

// coldKey restores the cold key. Nothing of it is ever printed.
func (k keySource) coldKey() ([]byte, string, error) {
	master, err := k.master()
	if err != nil {
		return nil, "", err
	}
	return coldbundle.ColdKey(master)
}

// master restores the seed (the BIP-32 seed its keys derive from).
func (k keySource) master() ([]byte, error) {
	var master []byte
	given := 0
	for _, f := range []string{*k.seed, *k.shares, *k.mnemonic} {
		if f != "" {
			given++
		}
	}
	switch {
	case given > 1:
		return nil, errors.New("give one of -seed, -shares or -mnemonic")
	case *k.mnemonic != "":
		raw, err := os.ReadFile(*k.mnemonic)
		if err != nil {
			return nil, err
		}
		words := strings.Join(strings.Fields(string(raw)), " ")
		if !bip39.IsMnemonicValid(words) {
			return nil, errors.New("the mnemonic file does not hold a valid BIP-39 mnemonic")
		}
		pass, err := passphrase(*k.pass)
		if err != nil {
			return nil, err
		}
		return bip39.NewSeed(words, string(pass)), nil
	case *k.seed != "":
		raw, err := os.ReadFile(*k.seed)
		if err != nil {
			return nil, err
		}
		if master, err = hex.DecodeString(strings.TrimSpace(string(raw))); err != nil {
			return nil, errors.New("the seed file must hold hex")
		}
	case *k.shares != "":
		raw, err := os.ReadFile(*k.shares)
		if err != nil {
			return nil, err
		}
		var shares []string
		for _, l := range strings.Split(string(raw), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				shares = append(shares, l)
			}
		}
		pass, err := passphrase(*k.pass)
		if err != nil {
			return nil, err
		}
		if master, err = slip39.Combine(shares, pass); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("give -seed or -shares")
	}
	return master, nil
}

func coldAddress(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("address", flag.ExitOnError)
	chain := fs.String("chain", "ethereum", "whose cold address: ethereum (m/44'/60'/0'/0/0) or tron (m/44'/195'/0'/0/0)")
	ks := keyFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var addr string
	switch *chain {
	case "ethereum":
		_, a, err := ks.coldKey()
		if err != nil {
			return err
		}
		addr = a
	case "tron":
		seed, err := ks.master()
		if err != nil {
			return err
		}
		if _, addr, err = airgap.TronColdKey(seed); err != nil {
			return err
		}
	default:
		return errors.New("-chain is ethereum or tron")
	}
	_, err := fmt.Fprintln(out, addr)
	return err
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
	return qrread.ReadQRFiles(pngs)
}

// sign shows the bundle's summary, refuses what the bundle package
// refuses, asks for "yes" (unless -yes), and writes the signed bundle as a
// file and, with -qr-out, as QR images. -chain says which chain's bundles
// this signer signs (a bundle of another chain is refused).
func sign(args []string, in io.Reader, tty io.Writer) error {
	fs := flag.NewFlagSet("sign", flag.ExitOnError)
	chain := fs.String("chain", "ethereum", "the chain this signer signs for: ethereum or tron")
	chainID := fs.Uint64("chain-id", 0, "Ethereum: the chain id this signer signs for (1 for mainnet)")
	token := fs.String("token", "", "the token contract this signer pays from (Tron: base58, TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t on mainnet)")
	yes := fs.Bool("yes", false, "sign without asking (for scripted tests only)")
	outFile := fs.String("out", "", "where to write the signed bundle (JSON)")
	qrDir := fs.String("qr-out", "", "directory for the signed bundle's QR images")
	ks := keyFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" || *outFile == "" {
		return errors.New("-token and -out are required")
	}
	if *chain != "ethereum" && *chain != "tron" {
		return errors.New("-chain is ethereum or tron")
	}
	if *chain == "ethereum" && *chainID == 0 {
		return errors.New("-chain-id is required for ethereum")
	}
	raw, err := readBundle(fs.Args())
	if err != nil {
		return err
	}
	if f := airgap.FormatOf(raw); (f == airgap.FormatTronCold) != (*chain == "tron") {
		return fmt.Errorf("refused: %w", airgap.Refuse(airgap.ErrWrongChain, "format", "the file is a %q; this signer was told -chain %s", f, *chain))
	}
	if *chain == "tron" {
		return signTron(raw, *token, ks, *yes, *outFile, *qrDir, in, tty)
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
	if err := confirm(*yes, in, tty); err != nil {
		return err
	}
	s, err := coldbundle.Sign(b, key, *chainID, *token, time.Now())
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	return writeSigned(coldbundle.Marshal(s), *outFile, *qrDir, tty)
}

// signTron signs a Tron cold bundle with the Tron cold key under the cold
// seed: it shows the destination, amount, token, sender and fee cap, and
// refuses a bundle that is not whole (its txid not its fields'), for
// another token than the one given, from another address than the seed's,
// or expired.
func signTron(raw []byte, token string, ks keySource, yes bool, outFile, qrDir string, in io.Reader, tty io.Writer) error {
	b, err := airgap.ParseTronCold(raw)
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	fmt.Fprint(tty, b.Describe())
	if err := b.Check(token, time.Now()); err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	seed, err := ks.master()
	if err != nil {
		return err
	}
	if _, addr, err := airgap.TronColdKey(seed); err != nil {
		return err
	} else if addr != b.From {
		return fmt.Errorf("refused: %w", airgap.Refuse(airgap.ErrWrongKey, "from", "the bundle pays from %s; this seed's Tron cold address is %s", b.From, addr))
	}
	if err := confirm(yes, in, tty); err != nil {
		return err
	}
	s, err := airgap.SignTronCold(b, seed, token, time.Now())
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	return writeSigned(airgap.Marshal(s), outFile, qrDir, tty)
}

// grant signs a Tron sweep grant with the deposit seed: it shows every
// address and the spender, refuses what the bundle package refuses (a
// token or spender other than the ones given, an address not the seed's
// own at its index, an expired grant), asks for "yes" (unless -yes), and
// writes the signed grant as a file and, with -qr-out, as QR images.
func grant(args []string, in io.Reader, tty io.Writer) error {
	fs := flag.NewFlagSet("grant", flag.ExitOnError)
	token := fs.String("token", "", "the USDT contract on Tron (base58)")
	spender := fs.String("spender", "", "the hot address the deposit addresses may be swept to (base58)")
	yes := fs.Bool("yes", false, "sign without asking (for scripted tests only)")
	outFile := fs.String("out", "", "where to write the signed grant (JSON)")
	qrDir := fs.String("qr-out", "", "directory for the signed grant's QR images")
	ks := keyFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" || *spender == "" || *outFile == "" {
		return errors.New("-token, -spender and -out are required")
	}
	raw, err := readBundle(fs.Args())
	if err != nil {
		return err
	}
	g, err := airgap.ParseTronGrant(raw)
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	fmt.Fprint(tty, g.Summary())
	if err := g.Check(*token, *spender, time.Now()); err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	seed, err := ks.master()
	if err != nil {
		return err
	}
	if err := confirm(*yes, in, tty); err != nil {
		return err
	}
	s, err := airgap.SignTronGrant(g, seed, *token, *spender, time.Now())
	if err != nil {
		return fmt.Errorf("refused: %w", err)
	}
	return writeSigned(coldbundle.Marshal(s), *outFile, *qrDir, tty)
}

// writeSigned writes a signed file and, with qrDir, its QR images.
func writeSigned(file []byte, outFile, qrDir string, tty io.Writer) error {
	if err := os.WriteFile(outFile, file, 0o644); err != nil {
		return err
	}
	if qrDir != "" {
		codes, err := airgap.QRCodes(file)
		if err != nil {
			return err
		}
		for i, c := range codes {
			if err := os.WriteFile(filepath.Join(qrDir, fmt.Sprintf("signed-%d-of-%d.png", i+1, len(codes))), c, 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(tty, "Signed. Carry %s (or its QR images) back to the online system.\n", outFile)
	return nil
}

// confirm asks for "yes" before signing (unless yes was given).
func confirm(yes bool, in io.Reader, tty io.Writer) error {
	if yes {
		return nil
	}
	fmt.Fprint(tty, "Type yes to sign: ")
	line, _ := bufio.NewReader(in).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return errors.New("not signed")
	}
	return nil
}
