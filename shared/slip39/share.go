package slip39

import (
	_ "embed"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/stablegate/stablegate/shared/lazy"
)

//go:embed wordlist.txt
var wordlistText string

// wordlist is the embedded list, split and indexed at first use (not at
// package init). A list that is not 1024 distinct words panics there: the
// package cannot work with it (TestWordlistParses shows it is whole).
var wordlist = &lazy.Value[wordTable]{New: func() wordTable {
	t := wordTable{words: strings.Fields(wordlistText)}
	t.index = make(map[string]int, len(t.words))
	for i, w := range t.words {
		t.index[w] = i
	}
	if len(t.words) != 1<<radixBits || len(t.index) != len(t.words) {
		panic(fmt.Sprintf("slip39: the embedded wordlist has %d words, %d distinct; want %d", len(t.words), len(t.index), 1<<radixBits))
	}
	return t
}}

type wordTable struct {
	words []string
	index map[string]int
}

// Layout of a share mnemonic, in 10-bit words.
const (
	radixBits       = 10
	idBits          = 15
	checksumWords   = 3
	metadataWords   = 2 + 2 + checksumWords // id/ext/exponent, group and member parameters, checksum
	minStrengthBits = 128
	minWords        = metadataWords + (minStrengthBits+radixBits-1)/radixBits
	customOrig      = "shamir"
	customExt       = "shamir_extendable"
)

// Share is one SLIP-39 share, decoded.
type Share struct {
	ID                uint16 // 15 bits: the same in every share of a secret
	Extendable        bool
	IterationExponent byte
	GroupIndex        byte
	GroupThreshold    byte
	GroupCount        byte
	MemberIndex       byte
	MemberThreshold   byte
	Value             []byte
}

// Errors of parsing and combining shares: named rejections. They never
// hold a word or a byte of a share.
var (
	ErrUnknownWord    = errors.New("slip39: a word is not in the SLIP-39 word list")
	ErrLength         = errors.New("slip39: the mnemonic has an invalid number of words")
	ErrChecksum       = errors.New("slip39: the mnemonic's checksum does not match (a word is wrong or missing)")
	ErrPadding        = errors.New("slip39: the mnemonic's padding is not zero")
	ErrParameters     = errors.New("slip39: the share's group or member parameters are invalid")
	ErrMixedSet       = errors.New("slip39: the shares belong to different secrets or sharings")
	ErrDuplicate      = errors.New("slip39: two shares have the same index")
	ErrTooFewGroups   = errors.New("slip39: not enough groups to recover the secret")
	ErrTooFewShares   = errors.New("slip39: not enough shares in a group to recover it")
	ErrTooManyShares  = errors.New("slip39: more shares than the threshold in a group, or more groups than the group threshold")
	ErrDigest         = errors.New("slip39: the shares do not recover a consistent secret (digest mismatch)")
	ErrSecretLength   = errors.New("slip39: the secret must be at least 16 bytes and of even length")
	ErrSharingSetting = errors.New("slip39: invalid group or member threshold")
)

func (s Share) custom() string {
	if s.Extendable {
		return customExt
	}
	return customOrig
}

// Mnemonic encodes the share as words.
func (s Share) Mnemonic() string {
	ext := 0
	if s.Extendable {
		ext = 1
	}
	idExp := int(s.ID)<<5 | ext<<4 | int(s.IterationExponent)
	params := int(s.GroupIndex)<<16 | int(s.GroupThreshold-1)<<12 | int(s.GroupCount-1)<<8 | int(s.MemberIndex)<<4 | int(s.MemberThreshold-1)
	data := []int{idExp >> 10, idExp & 1023, params >> 10, params & 1023}
	n := (len(s.Value)*8 + radixBits - 1) / radixBits
	v := new(big.Int).SetBytes(s.Value)
	value := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		value[i] = int(new(big.Int).And(v, big.NewInt(1023)).Int64())
		v.Rsh(v, radixBits)
	}
	data = append(data, value...)
	data = append(data, checksum(s.custom(), data)...)
	out, words := make([]string, len(data)), wordlist.Get().words
	for i, w := range data {
		out[i] = words[w]
	}
	return strings.Join(out, " ")
}

// Parse decodes one share mnemonic and checks its checksum and padding.
func Parse(mnemonic string) (Share, error) {
	fields := strings.Fields(strings.ToLower(mnemonic))
	if len(fields) < minWords {
		return Share{}, ErrLength
	}
	ws, index := make([]int, len(fields)), wordlist.Get().index
	for i, f := range fields {
		w, ok := index[f]
		if !ok {
			return Share{}, ErrUnknownWord
		}
		ws[i] = w
	}
	padding := (radixBits * (len(ws) - metadataWords)) % 16
	if padding > 8 {
		return Share{}, ErrLength
	}
	idExp := ws[0]<<10 | ws[1]
	s := Share{ID: uint16(idExp >> 5), Extendable: idExp>>4&1 == 1, IterationExponent: byte(idExp & 15)}
	if !checksumOK(s.custom(), ws) {
		return Share{}, ErrChecksum
	}
	params := ws[2]<<10 | ws[3]
	s.GroupIndex = byte(params >> 16)
	s.GroupThreshold = byte(params>>12&15) + 1
	s.GroupCount = byte(params>>8&15) + 1
	s.MemberIndex = byte(params >> 4 & 15)
	s.MemberThreshold = byte(params&15) + 1
	if s.GroupCount < s.GroupThreshold {
		return Share{}, ErrParameters
	}
	v := new(big.Int)
	for _, w := range ws[4 : len(ws)-checksumWords] {
		v.Lsh(v, radixBits).Or(v, big.NewInt(int64(w)))
	}
	n := (radixBits*(len(ws)-metadataWords) - padding) / 8
	if v.BitLen() > n*8 {
		return Share{}, ErrPadding
	}
	if n < minStrengthBits/8 || n%2 != 0 {
		return Share{}, ErrSecretLength
	}
	s.Value = v.FillBytes(make([]byte, n))
	return s, nil
}

func (s Share) String() string {
	return fmt.Sprintf("slip39 share id %d group %d/%d member %d (threshold %d)", s.ID, s.GroupIndex, s.GroupCount, s.MemberIndex, s.MemberThreshold)
}
