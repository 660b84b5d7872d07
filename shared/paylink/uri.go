package paylink

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Decimals is the number of decimals of the token a request names (USDT:
// 6 on both chains). A Tron URI prints its amount with these decimals.
const Decimals = sg.USDTDecimals

// MaxURILength is the longest URI Parse reads: more than a QR code holds.
const MaxURILength = 4096

// MaxTextLength is the longest label or message, in bytes, a Tron request
// carries (they make the QR code denser; a wallet shows only a line).
const MaxTextLength = 140

// Named rejections. Each is an *sg.Error: the API reports its code, message
// and param.
var (
	// ErrRequestInvalid: a field of a payment request is missing or out of
	// range (Param names it: chain, chain_id, token, to, amount, label,
	// message).
	ErrRequestInvalid = &sg.Error{Kind: sg.KindInvalid, Code: "payment_request_invalid", Message: "the payment request has a missing or invalid field"}
	// ErrURIInvalid: the text is not a well-formed payment URI.
	ErrURIInvalid = &sg.Error{Kind: sg.KindInvalid, Code: "payment_uri_invalid", Message: "not a valid payment URI", Param: "uri"}
	// ErrURIUnsupported: a well-formed URI asks for something other than a
	// token payment of a set amount (another scheme, a native coin, another
	// contract function, an ENS name, ether sent along).
	ErrURIUnsupported = &sg.Error{Kind: sg.KindInvalid, Code: "payment_uri_unsupported", Message: "the URI is not a token payment request this service reads", Param: "uri"}
)

// Request is one payment request: pay Amount of the token at contract Token
// on Chain to the address To.
type Request struct {
	Chain sg.Chain
	// ChainID is the EIP-155 chain id on Ethereum (1 on mainnet); 0 leaves
	// the network to the payer's wallet (Parse of a URI without one). It is
	// 0 on Tron.
	ChainID uint64
	// Token is the token's contract address, To the recipient's; Build and
	// Parse give both in the chain's canonical form (EIP-55 on Ethereum,
	// base58check on Tron).
	Token, To string
	// Amount is in base units of the token (USDT: 6 decimals); above zero.
	Amount sg.Amount
	// Label and Message are shown by the payer's wallet (BIP-21's label and
	// message). Tron only: EIP-681 has no such keys.
	Label, Message string
}

// NewRequest is the request to pay amount to address to on network n, in
// n's token.
func NewRequest(n sg.Network, to string, amount sg.Amount) Request {
	r := Request{Chain: n.Chain, Token: n.Token, To: to, Amount: amount}
	if n.Chain == sg.Ethereum && n.ChainID > 0 {
		r.ChainID = uint64(n.ChainID)
	}
	return r
}

// Build writes r as the URI its chain's wallets read (see the package
// doc). Addresses may come in any accepted form; the URI carries their
// canonical form.
func Build(r Request) (string, error) {
	c, err := r.canonical()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	switch c.Chain {
	case sg.Ethereum:
		b.WriteString("ethereum:")
		b.WriteString(c.Token)
		if c.ChainID != 0 {
			b.WriteString("@")
			b.WriteString(strconv.FormatUint(c.ChainID, 10))
		}
		b.WriteString("/transfer?address=")
		b.WriteString(c.To)
		b.WriteString("&uint256=")
		b.WriteString(strconv.FormatInt(int64(c.Amount), 10))
	case sg.Tron:
		b.WriteString("tron:")
		b.WriteString(c.To)
		b.WriteString("?token=")
		b.WriteString(c.Token)
		b.WriteString("&amount=")
		b.WriteString(c.Amount.Format(Decimals))
		if c.Label != "" {
			b.WriteString("&label=")
			b.WriteString(escape(c.Label))
		}
		if c.Message != "" {
			b.WriteString("&message=")
			b.WriteString(escape(c.Message))
		}
	}
	return b.String(), nil
}

// canonical checks r and returns it with its addresses in canonical form.
// Build and Parse both end here, so whatever Parse accepts Build writes.
func (r Request) canonical() (Request, error) {
	bad := func(param, format string, args ...any) (Request, error) {
		return Request{}, ErrRequestInvalid.WithParam(param).WithMessage(format, args...)
	}
	if !r.Chain.Valid() {
		return Request{}, sg.ErrUnsupportedChain
	}
	tok, err := address.Parse(r.Chain, r.Token)
	if err != nil {
		return bad("token", "token must be the token's %s contract address", r.Chain)
	}
	to, err := address.Parse(r.Chain, r.To)
	if err != nil {
		return bad("to", "to must be a %s address", r.Chain)
	}
	r.Token, r.To = tok.Format(r.Chain), to.Format(r.Chain)
	if r.Amount <= 0 {
		return bad("amount", "amount must be above zero")
	}
	switch r.Chain {
	case sg.Ethereum:
		if r.Label != "" {
			return bad("label", "an Ethereum payment URI (EIP-681) carries no label")
		}
		if r.Message != "" {
			return bad("message", "an Ethereum payment URI (EIP-681) carries no message")
		}
	case sg.Tron:
		if r.ChainID != 0 {
			return bad("chain_id", "a Tron payment URI carries no chain id")
		}
		if !validText(r.Label) {
			return bad("label", "label must be UTF-8 text of at most %d bytes without control characters", MaxTextLength)
		}
		if !validText(r.Message) {
			return bad("message", "message must be UTF-8 text of at most %d bytes without control characters", MaxTextLength)
		}
	}
	return r, nil
}

func validText(s string) bool {
	if len(s) > MaxTextLength || !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if c < 0x20 || (c >= 0x7f && c < 0xa0) {
			return false
		}
	}
	return true
}

// escape percent-encodes everything but RFC 3986's unreserved characters
// (a space is %20: BIP-21 readers do not all take "+" for one).
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// Parse reads a payment URI of either chain (see the package doc for the
// forms read). The request it returns has canonical addresses, and Build
// writes it back as an equivalent URI.
func Parse(uri string) (Request, error) {
	s := strings.TrimSpace(uri)
	if len(s) > MaxURILength {
		return Request{}, invalid("the URI is longer than %d bytes", MaxURILength)
	}
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Request{}, unsupported("the text has no URI scheme")
	}
	var (
		r   Request
		err error
	)
	switch strings.ToLower(scheme) {
	case "ethereum":
		r, err = parseEthereum(rest)
	case "tron":
		r, err = parseTron(rest)
	default:
		return Request{}, unsupported("the URI scheme is neither ethereum: nor tron:")
	}
	if err != nil {
		return Request{}, err
	}
	c, err := r.canonical()
	if err != nil {
		var e *sg.Error
		if errors.As(err, &e) {
			// A field Build would refuse: report it against the URI.
			return Request{}, ErrURIInvalid.WithMessage("%s", e.Message)
		}
		return Request{}, err
	}
	return c, nil
}

func invalid(format string, args ...any) error {
	return ErrURIInvalid.WithMessage(format, args...)
}

func unsupported(format string, args ...any) error {
	return ErrURIUnsupported.WithMessage(format, args...)
}

// query splits a query into unescaped values, refusing a key given twice
// or a pair without "=".
func query(q string) (map[string]string, error) {
	m := map[string]string{}
	if q == "" {
		return m, nil
	}
	for _, p := range strings.Split(q, "&") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, invalid("query parameter %q is not key=value", truncate(p))
		}
		if _, dup := m[k]; dup {
			return nil, invalid("query parameter %q is given twice", truncate(k))
		}
		u, err := unescape(v)
		if err != nil {
			return nil, invalid("query parameter %q is not percent-encoded text", truncate(k))
		}
		m[k] = u
	}
	return m, nil
}

// unescape decodes %XX escapes and takes "+" for a space (form encoding,
// as URLSearchParams writes it); the result must be UTF-8.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", errBadEscape
			}
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	if !utf8.ValidString(b.String()) {
		return "", errBadEscape
	}
	return b.String(), nil
}

var errBadEscape = errors.New("paylink: bad percent-encoding")

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// truncate keeps an echoed piece of input short in an error message.
func truncate(s string) string {
	if len(s) > 32 {
		s = s[:32] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

func parseEthereum(rest string) (Request, error) {
	r := Request{Chain: sg.Ethereum}
	rest = strings.TrimPrefix(rest, "pay-")
	path, q, _ := strings.Cut(rest, "?")
	target, function, hasFunction := strings.Cut(path, "/")
	target, chain, hasChain := strings.Cut(target, "@")
	if !strings.HasPrefix(target, "0x") && !strings.HasPrefix(target, "0X") {
		return r, unsupported("the target is not a hex address (ENS names are not resolved)")
	}
	if _, err := address.Parse(sg.Ethereum, target); err != nil {
		return r, invalid("the token contract is not a valid Ethereum address")
	}
	r.Token = target
	if hasChain {
		id, err := parseChainID(chain)
		if err != nil {
			return r, err
		}
		r.ChainID = id
	}
	if !hasFunction {
		return r, unsupported("the URI asks for a native ether payment, not a token transfer")
	}
	if function != "transfer" {
		return r, unsupported("the URI calls %q, not transfer", truncate(function))
	}
	params, err := query(q)
	if err != nil {
		return r, err
	}
	if v, ok := params["value"]; ok {
		n, err := parseNumber(v)
		if err != nil || n != 0 {
			return r, unsupported("the URI sends ether along with the token transfer")
		}
	}
	to, ok := params["address"]
	if !ok {
		return r, invalid("the URI has no recipient (address)")
	}
	if _, err := address.Parse(sg.Ethereum, to); err != nil {
		return r, invalid("the recipient is not a valid Ethereum address")
	}
	r.To = to
	amt, ok := params["uint256"]
	if !ok {
		return r, unsupported("the URI has no amount (uint256)")
	}
	n, err := parseNumber(amt)
	if err != nil {
		return r, err
	}
	r.Amount = n
	return r, nil
}

func parseChainID(s string) (uint64, error) {
	if s == "" || len(s) > 20 || !allDigits(s) {
		return 0, invalid("the chain id is not a decimal number")
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, invalid("the chain id is out of range")
	}
	return id, nil
}

// parseNumber reads an EIP-681 number that is a whole count of base units:
// digits, an optional fraction and an optional exponent (2.5e6), whose
// value must be an integer that fits an Amount.
func parseNumber(s string) (sg.Amount, error) {
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, hasDot := strings.Cut(mant, ".")
	if whole == "" && frac == "" || hasDot && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, invalid("the amount is not a number")
	}
	shift := 0
	if hasExp {
		if exp == "" || len(exp) > 3 || !allDigits(exp) {
			return 0, invalid("the amount's exponent is not a small decimal number")
		}
		shift, _ = strconv.Atoi(exp)
	}
	digits := whole + frac
	shift -= len(frac)
	if shift < 0 {
		cut := len(digits) + shift
		if strings.Trim(digits[cut:], "0") != "" {
			return 0, invalid("the amount is not a whole number of base units")
		}
		digits = digits[:cut]
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return 0, nil
	}
	if len(digits)+max(shift, 0) > 19 {
		return 0, invalid("the amount is too large")
	}
	digits += strings.Repeat("0", max(shift, 0))
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, invalid("the amount is too large")
	}
	return sg.Amount(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tronTokenKeys are the keys the TRC20 contract is found under.
var tronTokenKeys = []string{"token", "contract", "contractAddress"}

func parseTron(rest string) (Request, error) {
	r := Request{Chain: sg.Tron}
	rest = strings.TrimPrefix(rest, "//")
	to, q, _ := strings.Cut(rest, "?")
	if _, err := address.Parse(sg.Tron, to); err != nil {
		return r, invalid("the recipient is not a valid Tron address")
	}
	r.To = to
	params, err := query(q)
	if err != nil {
		return r, err
	}
	for _, k := range tronTokenKeys {
		v, ok := params[k]
		if !ok {
			continue
		}
		if r.Token != "" && v != r.Token {
			return r, invalid("the URI names two different token contracts")
		}
		r.Token = v
	}
	if r.Token == "" {
		return r, unsupported("the URI names no TRC20 token (a TRX payment)")
	}
	if _, err := address.Parse(sg.Tron, r.Token); err != nil {
		return r, invalid("the token contract is not a valid Tron address")
	}
	amt, ok := params["amount"]
	if !ok {
		return r, unsupported("the URI has no amount")
	}
	n, err := parseDecimal(amt)
	if err != nil {
		return r, err
	}
	r.Amount = n
	r.Label, r.Message = params["label"], params["message"]
	return r, nil
}

// parseDecimal reads an amount in whole tokens ("12.5"), allowing zeros
// past the token's decimals ("12.5000000").
func parseDecimal(s string) (sg.Amount, error) {
	if whole, frac, ok := strings.Cut(s, "."); ok && len(frac) > Decimals {
		if strings.Trim(frac[Decimals:], "0") != "" {
			return 0, invalid("the amount has more than %d decimals", Decimals)
		}
		s = whole + "." + frac[:Decimals]
	}
	n, err := sg.ParseAmount(s, Decimals)
	if err != nil {
		return 0, invalid("the amount is not a decimal number of at most %d decimals that fits", Decimals)
	}
	return n, nil
}
