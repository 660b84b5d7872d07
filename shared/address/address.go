// Package address parses, validates and formats chain addresses without any
// chain library: EIP-55 checksummed hex on Ethereum and base58check with the
// 0x41 prefix on Tron. Both chains use the same 20-byte account id, the last
// 20 bytes of Keccak-256 of the uncompressed public key.
package address

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"golang.org/x/crypto/sha3"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// TronPrefix is the version byte of Tron mainnet addresses.
const TronPrefix = 0x41

// Errors returned by Parse. They are named rejections: the API reports them as
// invalid_address with the offending field.
var (
	// ErrInvalid: the text is not an address of the chain.
	ErrInvalid = &sg.Error{Kind: sg.KindInvalid, Code: "invalid_address", Message: "not a valid address for this chain"}
	// ErrChecksum: the address is well formed but its checksum is wrong.
	ErrChecksum = &sg.Error{Kind: sg.KindInvalid, Code: "invalid_address_checksum", Message: "address checksum does not match"}
)

// Account is the 20-byte account id shared by Ethereum and Tron.
type Account [20]byte

// FromPublicKey returns the account id of an uncompressed secp256k1 public
// key (65 bytes, 0x04 || X || Y).
func FromPublicKey(uncompressed []byte) (Account, error) {
	var a Account
	if len(uncompressed) != 65 || uncompressed[0] != 4 {
		return a, errors.New("address: public key must be 65 bytes uncompressed")
	}
	h := keccak256(uncompressed[1:])
	copy(a[:], h[12:])
	return a, nil
}

func keccak256(b []byte) []byte {
	k := sha3.NewLegacyKeccak256()
	k.Write(b)
	return k.Sum(nil)
}

// Format prints the account as an address of the chain.
func (a Account) Format(c sg.Chain) string {
	if c == sg.Tron {
		return a.Tron()
	}
	return a.EIP55()
}

// EIP55 prints the account as a mixed-case checksummed Ethereum address.
func (a Account) EIP55() string {
	lower := hex.EncodeToString(a[:])
	h := keccak256([]byte(lower))
	out := []byte(lower)
	for i, c := range out {
		if c >= 'a' && c <= 'f' && (h[i/2]>>(4*(1-uint(i%2))))&0x0f >= 8 {
			out[i] = c - 32
		}
	}
	return "0x" + string(out)
}

// Tron prints the account as a base58check Tron address (starts with T).
func (a Account) Tron() string {
	payload := append([]byte{TronPrefix}, a[:]...)
	return Base58CheckEncode(payload)
}

// Parse reads an address of chain c. On Ethereum an all-lower or all-upper
// hex address is accepted as unchecksummed; a mixed-case one must match its
// EIP-55 checksum.
func Parse(c sg.Chain, s string) (Account, error) {
	switch c {
	case sg.Ethereum:
		return parseEthereum(s)
	case sg.Tron:
		return parseTron(s)
	}
	return Account{}, ErrInvalid
}

func parseEthereum(s string) (Account, error) {
	var a Account
	if len(s) != 42 || (s[:2] != "0x" && s[:2] != "0X") {
		return a, ErrInvalid
	}
	body := s[2:]
	if _, err := hex.Decode(a[:], []byte(body)); err != nil {
		return a, ErrInvalid
	}
	if body == strings.ToLower(body) || body == strings.ToUpper(body) {
		return a, nil
	}
	if a.EIP55()[2:] != body {
		return a, ErrChecksum
	}
	return a, nil
}

func parseTron(s string) (Account, error) {
	var a Account
	if len(s) != 34 || s[0] != 'T' {
		return a, ErrInvalid
	}
	payload, err := Base58CheckDecode(s)
	if errors.Is(err, errBadChecksum) {
		return a, ErrChecksum
	}
	if err != nil || len(payload) != 21 || payload[0] != TronPrefix {
		return a, ErrInvalid
	}
	copy(a[:], payload[1:])
	return a, nil
}

const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var decodeMap = func() (m [256]int8) {
	for i := range m {
		m[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		m[alphabet[i]] = int8(i)
	}
	return m
}()

var errBadChecksum = errors.New("address: base58check checksum mismatch")

// Base58Encode encodes b in Bitcoin's base58 alphabet.
func Base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// Repeated division of a big-endian base-256 number by 58.
	buf := make([]byte, 0, len(b)*138/100+1)
	num := append([]byte(nil), b[zeros:]...)
	for len(num) > 0 {
		var rem int
		out := num[:0]
		for _, d := range num {
			acc := rem*256 + int(d)
			q := acc / 58
			rem = acc % 58
			if len(out) > 0 || q > 0 {
				out = append(out, byte(q))
			}
		}
		buf = append(buf, alphabet[rem])
		num = out
	}
	for i := 0; i < zeros; i++ {
		buf = append(buf, '1')
	}
	for i, j := 0, len(buf)-1; i < j; i, j = i+1, j-1 {
		buf[i], buf[j] = buf[j], buf[i]
	}
	return string(buf)
}

// Base58Decode decodes a base58 string.
func Base58Decode(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	var num []byte // big-endian base 256
	for i := zeros; i < len(s); i++ {
		d := decodeMap[s[i]]
		if d < 0 {
			return nil, errors.New("address: invalid base58 character")
		}
		carry := int(d)
		for j := len(num) - 1; j >= 0; j-- {
			carry += int(num[j]) * 58
			num[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			num = append([]byte{byte(carry)}, num...)
			carry >>= 8
		}
	}
	return append(make([]byte, zeros), num...), nil
}

// Base58CheckEncode appends the first 4 bytes of double SHA-256 and encodes.
func Base58CheckEncode(payload []byte) string {
	sum := doubleSHA256(payload)
	return Base58Encode(append(append([]byte(nil), payload...), sum[:4]...))
}

// Base58CheckDecode decodes and verifies the 4-byte checksum.
func Base58CheckDecode(s string) ([]byte, error) {
	b, err := Base58Decode(s)
	if err != nil {
		return nil, err
	}
	if len(b) < 5 {
		return nil, errors.New("address: base58check too short")
	}
	payload, check := b[:len(b)-4], b[len(b)-4:]
	sum := doubleSHA256(payload)
	if string(sum[:4]) != string(check) {
		return nil, errBadChecksum
	}
	return payload, nil
}

func doubleSHA256(b []byte) [32]byte {
	h := sha256.Sum256(b)
	return sha256.Sum256(h[:])
}
