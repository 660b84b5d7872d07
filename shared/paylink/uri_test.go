package paylink

import (
	"errors"
	"strings"
	"testing"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Addresses of the tests: mainnet USDT on both chains, the HD test vector's
// first accounts (mnemonic "abandon" x11 + "about") as payees, and a
// made-up token of a local chain.
const (
	ethUSDT  = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
	ethPayee = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
	trxUSDT  = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
	trxPayee = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"
	// localChainID is geth --dev's chain id, the local stack's chain.
	localChainID = 1337
)

// devToken is a contract address of a local chain (any 20 bytes will do).
var devToken = address.Account{0x5f, 0xbd, 0xb2, 0x31, 0x56, 0x78, 0xaf, 0xec, 0xb3, 0x67, 0xf0, 0x32, 0xd9, 0x3f, 0x64, 0x2f, 0x64, 0x18, 0x0a, 0xa3}

func amt(t *testing.T, s string) sg.Amount {
	t.Helper()
	a, err := sg.ParseAmount(s, 6)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return a
}

// requests are canonical requests of both chains, on mainnet and on the
// local stack: Parse(Build(r)) must give each back.
func requests(t *testing.T) map[string]Request {
	return map[string]Request{
		"ethereum mainnet": {Chain: sg.Ethereum, ChainID: 1, Token: ethUSDT, To: ethPayee, Amount: amt(t, "12.5")},
		"ethereum local chain": {Chain: sg.Ethereum, ChainID: localChainID, Token: devToken.EIP55(), To: ethPayee,
			Amount: amt(t, "0.000001")},
		"ethereum without chain id": {Chain: sg.Ethereum, Token: ethUSDT, To: ethPayee, Amount: amt(t, "1000000")},
		"ethereum largest amount":   {Chain: sg.Ethereum, ChainID: 1, Token: ethUSDT, To: ethPayee, Amount: sg.Amount(1<<63 - 1)},
		"tron mainnet":              {Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: amt(t, "250000")},
		"tron local token":          {Chain: sg.Tron, Token: devToken.Tron(), To: trxPayee, Amount: amt(t, "0.01")},
		"tron with label and message": {Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: amt(t, "99.99"),
			Label: "Café Zürich & Co", Message: "Order #42: 2 × flat white + tip = 100%"},
		"tron in chinese": {Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: amt(t, "88"),
			Label: "咖啡店", Message: "订单 42"},
	}
}

func TestBuildWritesWhatWalletsRead(t *testing.T) {
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"ethereum mainnet USDT per EIP-681, amount in base units",
			Request{Chain: sg.Ethereum, ChainID: 1, Token: ethUSDT, To: ethPayee, Amount: amt(t, "1.5")},
			"ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=1500000"},
		{"ethereum addresses given in lower case come out checksummed",
			Request{Chain: sg.Ethereum, ChainID: 1, Token: strings.ToLower(ethUSDT), To: strings.ToLower(ethPayee), Amount: 1},
			"ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=1"},
		{"ethereum local chain carries its chain id",
			Request{Chain: sg.Ethereum, ChainID: localChainID, Token: devToken.EIP55(), To: ethPayee, Amount: amt(t, "2")},
			"ethereum:" + devToken.EIP55() + "@1337/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=2000000"},
		{"ethereum without chain id leaves the network to the wallet",
			Request{Chain: sg.Ethereum, Token: ethUSDT, To: ethPayee, Amount: 7},
			"ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7/transfer?address=0x9858EfFD232B4033E47d90003D41EC34EcaEda94&uint256=7"},
		{"tron mainnet USDT with the amount in whole USDT, six decimals",
			Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: amt(t, "12.5")},
			"tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH?token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=12.500000"},
		{"tron amount above 100000 keeps its decimal point",
			Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: amt(t, "200000")},
			"tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH?token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=200000.000000"},
		{"tron label and message percent-encoded, a space as %20",
			Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: 1, Label: "Shop A+B", Message: "café 1/2 & more"},
			"tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH?token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=0.000001&label=Shop%20A%2BB&message=caf%C3%A9%201%2F2%20%26%20more"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Build(c.req)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got != c.want {
				t.Errorf("Build =\n %s\nwant\n %s", got, c.want)
			}
		})
	}
}

func TestNewRequestTakesTheNetwork(t *testing.T) {
	dev, _ := sg.NetworkFor(sg.Ethereum, "dev", devToken.EIP55(), "", 0)
	dev.ChainID = localChainID
	cases := []struct {
		name string
		n    sg.Network
		to   string
		want Request
	}{
		{"ethereum mainnet", sg.EthereumMainnet, ethPayee,
			Request{Chain: sg.Ethereum, ChainID: 1, Token: ethUSDT, To: ethPayee, Amount: 5}},
		{"ethereum local chain", dev, ethPayee,
			Request{Chain: sg.Ethereum, ChainID: localChainID, Token: devToken.EIP55(), To: ethPayee, Amount: 5}},
		{"tron mainnet has no chain id", sg.TronMainnet, trxPayee,
			Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: 5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := NewRequest(c.n, c.to, 5); got != c.want {
				t.Errorf("NewRequest = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestBuildRefusesABadRequest(t *testing.T) {
	eth := Request{Chain: sg.Ethereum, ChainID: 1, Token: ethUSDT, To: ethPayee, Amount: 1}
	trx := Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: 1}
	with := func(r Request, f func(*Request)) Request { f(&r); return r }
	cases := []struct {
		name  string
		req   Request
		want  *sg.Error
		param string
	}{
		{"unknown chain", with(eth, func(r *Request) { r.Chain = "bitcoin" }), sg.ErrUnsupportedChain, "chain"},
		{"no token", with(eth, func(r *Request) { r.Token = "" }), ErrRequestInvalid, "token"},
		{"a Tron token on Ethereum", with(eth, func(r *Request) { r.Token = trxUSDT }), ErrRequestInvalid, "token"},
		{"an Ethereum payee on Tron", with(trx, func(r *Request) { r.To = ethPayee }), ErrRequestInvalid, "to"},
		{"a payee with a wrong checksum", with(eth, func(r *Request) { r.To = "0x9858efFD232B4033E47d90003D41EC34EcaEda94" }), ErrRequestInvalid, "to"},
		{"a Tron payee with a wrong checksum", with(trx, func(r *Request) { r.To = "TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdJ" }), ErrRequestInvalid, "to"},
		{"zero amount", with(eth, func(r *Request) { r.Amount = 0 }), ErrRequestInvalid, "amount"},
		{"negative amount", with(trx, func(r *Request) { r.Amount = -1 }), ErrRequestInvalid, "amount"},
		{"a label on Ethereum", with(eth, func(r *Request) { r.Label = "shop" }), ErrRequestInvalid, "label"},
		{"a message on Ethereum", with(eth, func(r *Request) { r.Message = "order" }), ErrRequestInvalid, "message"},
		{"a chain id on Tron", with(trx, func(r *Request) { r.ChainID = 1 }), ErrRequestInvalid, "chain_id"},
		{"a label too long", with(trx, func(r *Request) { r.Label = strings.Repeat("x", MaxTextLength+1) }), ErrRequestInvalid, "label"},
		{"a message with a line break", with(trx, func(r *Request) { r.Message = "a\nb" }), ErrRequestInvalid, "message"},
		{"a label that is not UTF-8", with(trx, func(r *Request) { r.Label = "\xff" }), ErrRequestInvalid, "label"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(c.req)
			var e *sg.Error
			if !errors.As(err, &e) || !errors.Is(err, c.want) || e.Param != c.param {
				t.Fatalf("Build = %v, want %s on %s", err, c.want.Code, c.param)
			}
		})
	}
}

func TestParseReadsTheVariantsInUse(t *testing.T) {
	eth := Request{Chain: sg.Ethereum, ChainID: 1, Token: ethUSDT, To: ethPayee, Amount: 1500000}
	ethNoChain := eth
	ethNoChain.ChainID = 0
	trx := Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: 12500000}
	lowerUSDT, lowerPayee := strings.ToLower(ethUSDT), strings.ToLower(ethPayee)
	cases := []struct {
		name string
		uri  string
		want Request
	}{
		{"EIP-681 as Build writes it",
			"ethereum:" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=1500000", eth},
		// The recipient checksummed as ethers.utils.getAddress prints it.
		{"EIP-681 example of the standard (no chain id, lower case)",
			"ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7/transfer?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1",
			Request{Chain: sg.Ethereum, Token: "0x89205A3A3b2A69De6Dbf7f01ED13B2108B2c43e7", To: "0x8e23Ee67d1332aD560396262C48ffbB01F93D052", Amount: 1}},
		{"scheme in capitals", "ETHEREUM:" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=1500000", eth},
		{"pay- prefix", "ethereum:pay-" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=1500000", eth},
		{"addresses in lower case", "ethereum:" + lowerUSDT + "@1/transfer?address=" + lowerPayee + "&uint256=1500000", eth},
		{"addresses in upper case", "ethereum:0x" + strings.ToUpper(lowerUSDT[2:]) + "@1/transfer?address=0x" + strings.ToUpper(lowerPayee[2:]) + "&uint256=1500000", eth},
		{"no chain id", "ethereum:" + ethUSDT + "/transfer?address=" + ethPayee + "&uint256=1500000", ethNoChain},
		{"uint256 in scientific notation", "ethereum:" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=1.5e6", eth},
		{"uint256 with a capital exponent", "ethereum:" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=15E5", eth},
		{"uint256 with trailing zeros past the point", "ethereum:" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=1500000.000", eth},
		{"uint256 with a fraction the exponent covers", "ethereum:" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=.15e7", eth},
		{"parameters in another order, gas and zero value", "ethereum:" + ethUSDT + "@1/transfer?uint256=1500000&gas=65000&gasPrice=1e9&value=0&address=" + ethPayee, eth},
		{"surrounding white space (a scanner's line end)", " ethereum:" + ethUSDT + "@1/transfer?address=" + ethPayee + "&uint256=1500000\n", eth},

		{"tron as Build writes it", "tron:" + trxPayee + "?token=" + trxUSDT + "&amount=12.500000", trx},
		{"tron amount with fewer decimals", "tron:" + trxPayee + "?token=" + trxUSDT + "&amount=12.5", trx},
		{"tron amount with zeros past six decimals", "tron:" + trxPayee + "?amount=12.50000000&token=" + trxUSDT, trx},
		{"tron contract= key", "tron:" + trxPayee + "?contract=" + trxUSDT + "&amount=12.5", trx},
		{"tron contractAddress= key", "tron:" + trxPayee + "?contractAddress=" + trxUSDT + "&amount=12.5", trx},
		{"tron token and contract naming the same contract", "tron:" + trxPayee + "?token=" + trxUSDT + "&contract=" + trxUSDT + "&amount=12.5", trx},
		{"tron scheme in capitals with //", "TRON://" + trxPayee + "?token=" + trxUSDT + "&amount=12.5", trx},
		{"tron unknown keys ignored", "tron:" + trxPayee + "?token=" + trxUSDT + "&amount=12.5&memo=x&network=mainnet", trx},
		{"tron label with lower-case escapes", "tron:" + trxPayee + "?token=" + trxUSDT + "&amount=12.5&label=caf%c3%a9",
			Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: 12500000, Label: "café"}},
		{"tron label with + for a space", "tron:" + trxPayee + "?token=" + trxUSDT + "&amount=12.5&label=Coffee+Shop&message=Order%2042",
			Request{Chain: sg.Tron, Token: trxUSDT, To: trxPayee, Amount: 12500000, Label: "Coffee Shop", Message: "Order 42"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.uri)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != c.want {
				t.Errorf("Parse =\n %+v\nwant\n %+v", got, c.want)
			}
			// What Parse reads, Build writes back to a URI that reads the same.
			u, err := Build(got)
			if err != nil {
				t.Fatalf("Build(Parse): %v", err)
			}
			if again, err := Parse(u); err != nil || again != got {
				t.Errorf("Parse(Build(Parse)) = %+v, %v", again, err)
			}
		})
	}
}

func TestParseRefusesWhatIsNotATokenPayment(t *testing.T) {
	base := "ethereum:" + ethUSDT + "@1/transfer?address=" + ethPayee
	tron := "tron:" + trxPayee + "?token=" + trxUSDT
	cases := []struct {
		name string
		uri  string
		want *sg.Error
	}{
		{"empty", "", ErrURIUnsupported},
		{"a bare address", ethPayee, ErrURIUnsupported},
		{"bitcoin", "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=1", ErrURIUnsupported},
		{"an ENS name", "ethereum:usdt.eth@1/transfer?address=" + ethPayee + "&uint256=1", ErrURIUnsupported},
		{"a native ether payment", "ethereum:" + ethPayee + "@1?value=1e18", ErrURIUnsupported},
		{"another function", "ethereum:" + ethUSDT + "@1/approve?address=" + ethPayee + "&uint256=1", ErrURIUnsupported},
		{"another function with a long name", "ethereum:" + ethUSDT + "@1/" + strings.Repeat("f", 100) + "?address=" + ethPayee + "&uint256=1", ErrURIUnsupported},
		{"ether sent along", base + "&uint256=1&value=1", ErrURIUnsupported},
		{"no amount", base, ErrURIUnsupported},
		{"no recipient", "ethereum:" + ethUSDT + "@1/transfer?uint256=1", ErrURIInvalid},
		{"the recipient twice", base + "&address=" + ethPayee + "&uint256=1", ErrURIInvalid},
		{"the amount twice", base + "&uint256=1&uint256=1000", ErrURIInvalid},
		{"a token with a wrong checksum", "ethereum:0xdac17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=" + ethPayee + "&uint256=1", ErrURIInvalid},
		{"a recipient with a wrong checksum", "ethereum:" + ethUSDT + "@1/transfer?address=0x9858efFD232B4033E47d90003D41EC34EcaEda94&uint256=1", ErrURIInvalid},
		{"a short address", "ethereum:0xdAC17F958D2ee523a2206206994597C13D831e@1/transfer?address=" + ethPayee + "&uint256=1", ErrURIInvalid},
		{"a fraction of a base unit", base + "&uint256=1.5", ErrURIInvalid},
		{"a fraction the exponent does not cover", base + "&uint256=1.25e1", ErrURIInvalid},
		{"a negative amount", base + "&uint256=-1", ErrURIInvalid},
		{"a signed amount", base + "&uint256=+1", ErrURIInvalid},
		{"zero", base + "&uint256=0", ErrURIInvalid},
		{"an amount beyond 63 bits", base + "&uint256=9223372036854775808", ErrURIInvalid},
		{"an exponent beyond 63 bits", base + "&uint256=1e19", ErrURIInvalid},
		{"a huge exponent", base + "&uint256=1e999", ErrURIInvalid},
		{"hex amount", base + "&uint256=0x10", ErrURIInvalid},
		{"chain id 0", "ethereum:" + ethUSDT + "@0/transfer?address=" + ethPayee + "&uint256=1", ErrURIInvalid},
		{"chain id not a number", "ethereum:" + ethUSDT + "@main/transfer?address=" + ethPayee + "&uint256=1", ErrURIInvalid},
		{"a parameter without =", base + "&uint256", ErrURIInvalid},
		{"a broken escape", base + "&uint256=1&gas=%zz", ErrURIInvalid},
		{"too long", base + "&uint256=1&gas=" + strings.Repeat("1", MaxURILength), ErrURIInvalid},

		{"tron without a token (TRX)", "tron:" + trxPayee + "?amount=1", ErrURIUnsupported},
		{"tron without an amount", tron, ErrURIUnsupported},
		{"tron two different tokens", tron + "&contract=" + trxPayee + "&amount=1", ErrURIInvalid},
		{"tron seven decimals", tron + "&amount=1.0000001", ErrURIInvalid},
		{"tron amount zero", tron + "&amount=0", ErrURIInvalid},
		{"tron amount in exponent form", tron + "&amount=1e6", ErrURIInvalid},
		{"tron amount with a comma", tron + "&amount=1,5", ErrURIInvalid},
		{"tron an Ethereum payee", "tron:" + ethPayee + "?token=" + trxUSDT + "&amount=1", ErrURIInvalid},
		{"tron a bad checksum", "tron:TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdJ?token=" + trxUSDT + "&amount=1", ErrURIInvalid},
		{"tron a token that is no address", "tron:" + trxPayee + "?token=USDT&amount=1", ErrURIInvalid},
		{"tron the amount twice", tron + "&amount=1&amount=1000", ErrURIInvalid},
		{"tron a label too long", tron + "&amount=1&label=" + strings.Repeat("x", MaxTextLength+1), ErrURIInvalid},
		{"tron a label with a control character", tron + "&amount=1&label=a%0Ab", ErrURIInvalid},
		{"tron a label that is not UTF-8", tron + "&amount=1&label=%FF", ErrURIInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse(c.uri)
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse = %+v, %v; want %s", r, err, c.want.Code)
			}
			var e *sg.Error
			if !errors.As(err, &e) || e.Param != "uri" {
				t.Errorf("error %v does not name the uri", err)
			}
		})
	}
}

func TestParseOfBuildIsTheRequest(t *testing.T) {
	for name, r := range requests(t) {
		t.Run(name, func(t *testing.T) {
			u, err := Build(r)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got, err := Parse(u)
			if err != nil {
				t.Fatalf("Parse(%s): %v", u, err)
			}
			if got != r {
				t.Errorf("Parse(Build(r)) =\n %+v\nwant\n %+v", got, r)
			}
		})
	}
}
