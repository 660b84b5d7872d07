// Package trontx builds, identifies and signs the Tron transactions
// Stablegate makes, without a Tron node or library: the raw_data is
// protobuf written by hand (only the fields those transactions use), its id
// is the SHA-256 of raw_data, and its signature is 65 bytes r || s || v over
// the id with v = 27 + recovery id. Tests (in package tron) check all three
// byte for byte against vectors made by tronweb, since no Tron node runs on
// our machines. It links no network or AWS code, so the offline signer
// uses it; package tron re-exports it.
package trontx

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
)

// Protobuf names and numbers of the fields written (java-tron's
// core/Tron.proto, core/contract/smart_contract.proto, account_contract.proto
// and balance_contract.proto).
const (
	TypeAccountCreate        = 0
	TypeTransfer             = 1
	TypeTriggerSmartContract = 31
	TypeDelegateResource     = 57
	TypeUnDelegateResource   = 58

	triggerSmartContractType = TypeTriggerSmartContract
	transferSelector         = "\xa9\x05\x9c\xbb" // transfer(address,uint256)
	resourceEnergy           = 1
)

var typeURLs = map[int]string{
	TypeAccountCreate:        "type.googleapis.com/protocol.AccountCreateContract",
	TypeTransfer:             "type.googleapis.com/protocol.TransferContract",
	TypeTriggerSmartContract: "type.googleapis.com/protocol.TriggerSmartContract",
	TypeDelegateResource:     "type.googleapis.com/protocol.DelegateResourceContract",
	TypeUnDelegateResource:   "type.googleapis.com/protocol.UnDelegateResourceContract",
}

// Header is what every transaction's raw_data holds besides its contract:
// the reference block (bytes 6..8 of its number and 8..16 of its hash),
// expiration and timestamp in milliseconds since the epoch, and the fee
// limit in sun (smart contract calls only; 0 is omitted).
type Header struct {
	RefBlockBytes [2]byte
	RefBlockHash  [8]byte
	Expiration    int64
	Timestamp     int64
	FeeLimit      int64
}

// Tx is one transaction of the kinds Stablegate signs, a single contract
// each: a smart contract call (Contract, Data), an account created
// (Account), TRX sent to Account (Balance: sun), or energy delegated to or
// taken back from Account (Balance: the staked sun behind it).
type Tx struct {
	Header
	Type     int
	Owner    address.Account
	Contract address.Account
	Data     []byte
	Account  address.Account
	Balance  int64
}

// Call is a smart contract call by owner.
func Call(owner, contract address.Account, data []byte, h Header) Tx {
	return Tx{Header: h, Type: TypeTriggerSmartContract, Owner: owner, Contract: contract, Data: data}
}

// CreateAccount is owner activating account (it pays the fee; the account
// starts with no TRX).
func CreateAccount(owner, account address.Account, h Header) Tx {
	h.FeeLimit = 0
	return Tx{Header: h, Type: TypeAccountCreate, Owner: owner, Account: account}
}

// SendTRX is owner sending sun TRX to account (creating it if it does not
// exist, for a fee).
func SendTRX(owner, account address.Account, sun int64, h Header) Tx {
	h.FeeLimit = 0
	return Tx{Header: h, Type: TypeTransfer, Owner: owner, Account: account, Balance: sun}
}

// DelegateEnergy lends receiver the energy of sun staked by owner (Stake
// 2.0, no lock); undo takes it back.
func DelegateEnergy(owner, receiver address.Account, sun int64, undo bool, h Header) Tx {
	h.FeeLimit = 0
	t := Tx{Header: h, Type: TypeDelegateResource, Owner: owner, Account: receiver, Balance: sun}
	if undo {
		t.Type = TypeUnDelegateResource
	}
	return t
}

// RawData is the transaction's raw_data, serialised as protobuf.
func (t Tx) RawData() ([]byte, error) {
	var param pb
	param.bytes(1, tronAddr(t.Owner))
	switch t.Type {
	case TypeTriggerSmartContract:
		if len(t.Data) < 4 {
			return nil, errors.New("tron: a call needs a selector")
		}
		param.bytes(2, tronAddr(t.Contract))
		param.bytes(4, t.Data)
	case TypeAccountCreate:
		param.bytes(2, tronAddr(t.Account))
	case TypeTransfer:
		if t.Balance <= 0 {
			return nil, errors.New("tron: a TRX amount must be positive")
		}
		param.bytes(2, tronAddr(t.Account))
		param.varint(3, uint64(t.Balance))
	case TypeDelegateResource, TypeUnDelegateResource:
		if t.Balance <= 0 {
			return nil, errors.New("tron: delegated balance must be positive")
		}
		param.varint(2, resourceEnergy)
		param.varint(3, uint64(t.Balance))
		param.bytes(4, tronAddr(t.Account))
	default:
		return nil, errors.New("tron: unsupported contract type")
	}
	var any pb
	any.bytes(1, []byte(typeURLs[t.Type]))
	any.bytes(2, param)
	var contract pb
	contract.varint(1, uint64(t.Type))
	contract.bytes(2, any)
	var raw pb
	raw.bytes(1, t.RefBlockBytes[:])
	raw.bytes(4, t.RefBlockHash[:])
	raw.varint(8, uint64(t.Expiration))
	raw.bytes(11, contract)
	raw.varint(14, uint64(t.Timestamp))
	raw.varint(18, uint64(t.FeeLimit))
	return raw, nil
}

// TRC20Transfer is one token transfer as a TriggerSmartContract call.
type TRC20Transfer struct {
	Owner    address.Account // the sender (the signing key's account)
	Contract address.Account // the TRC20 token
	To       address.Account
	Amount   *big.Int // token base units
	// Reference block: bytes 6..8 of its number and bytes 8..16 of its hash.
	RefBlockBytes [2]byte
	RefBlockHash  [8]byte
	// Expiration, Timestamp: milliseconds since the epoch. FeeLimit: in sun.
	Expiration, Timestamp, FeeLimit int64
}

func tronAddr(a address.Account) []byte { return append([]byte{address.TronPrefix}, a[:]...) }

// Header is the transfer's header fields.
func (t TRC20Transfer) Header() Header {
	return Header{RefBlockBytes: t.RefBlockBytes, RefBlockHash: t.RefBlockHash, Expiration: t.Expiration, Timestamp: t.Timestamp, FeeLimit: t.FeeLimit}
}

// RawData is the transaction's raw_data, serialised as protobuf.
func (t TRC20Transfer) RawData() ([]byte, error) {
	if t.Amount == nil || t.Amount.Sign() <= 0 || t.Amount.BitLen() > 256 {
		return nil, errors.New("tron: amount must be positive and fit 256 bits")
	}
	return Call(t.Owner, t.Contract, erc20.Transfer(t.To, t.Amount), t.Header()).RawData()
}

// TxID is the transaction id: SHA-256 of raw_data.
func TxID(raw []byte) [32]byte { return sha256.Sum256(raw) }

// Sign signs a transaction id with a private key (offline signer and tests;
// hot keys sign through KMS with the same layout). Deterministic (RFC 6979)
// and low-S, as tronweb signs.
func Sign(priv *secp256k1.PrivateKey, txID [32]byte) [65]byte {
	c := ecdsa.SignCompact(priv, txID[:], false) // header || r || s, header = 27 + v
	var sig [65]byte
	copy(sig[:64], c[1:])
	sig[64] = c[0]
	return sig
}

// SignatureFromRecoverable turns a KMS signer's r || s || v (v = 0 or 1)
// into Tron's r || s || (27 + v).
func SignatureFromRecoverable(rsv [65]byte) [65]byte {
	rsv[64] += 27
	return rsv
}

// pb is a protobuf message being written.
type pb []byte

func (m *pb) tag(field int, wire byte) { m.uvarint(uint64(field)<<3 | uint64(wire)) }

func (m *pb) uvarint(v uint64) {
	for v >= 0x80 {
		*m = append(*m, byte(v)|0x80)
		v >>= 7
	}
	*m = append(*m, byte(v))
}

func (m *pb) varint(field int, v uint64) {
	if v == 0 {
		return // proto3 omits defaults
	}
	m.tag(field, 0)
	m.uvarint(v)
}

func (m *pb) bytes(field int, b []byte) {
	m.tag(field, 2)
	m.uvarint(uint64(len(b)))
	*m = append(*m, b...)
}

// SignedTx is a signed transaction as broadcasttransaction takes it.
type SignedTx struct {
	TxID       string   `json:"txID"`
	RawDataHex string   `json:"raw_data_hex"`
	Signature  []string `json:"signature"`
}

// Encode is a signed transaction as broadcasttransaction takes it, and its id.
func Encode(raw []byte, sig [65]byte) ([]byte, string, error) {
	id := TxID(raw)
	body, err := json.Marshal(SignedTx{TxID: hex.EncodeToString(id[:]), RawDataHex: hex.EncodeToString(raw), Signature: []string{hex.EncodeToString(sig[:])}})
	return body, hex.EncodeToString(id[:]), err
}
