package tron

import "github.com/stablegate/stablegate/shared/chain/tron/trontx"

// The transactions themselves are package trontx (it links no network or
// AWS code, for the offline signer); they are named here too.
type (
	Tx            = trontx.Tx
	Header        = trontx.Header
	TRC20Transfer = trontx.TRC20Transfer
	SignedTx      = trontx.SignedTx
)

const (
	TypeAccountCreate        = trontx.TypeAccountCreate
	TypeTransfer             = trontx.TypeTransfer
	TypeTriggerSmartContract = trontx.TypeTriggerSmartContract
	TypeDelegateResource     = trontx.TypeDelegateResource
	TypeUnDelegateResource   = trontx.TypeUnDelegateResource
)

var (
	Call                     = trontx.Call
	CreateAccount            = trontx.CreateAccount
	SendTRX                  = trontx.SendTRX
	DelegateEnergy           = trontx.DelegateEnergy
	Parse                    = trontx.Parse
	ParseRawData             = trontx.ParseRawData
	TxID                     = trontx.TxID
	Sign                     = trontx.Sign
	SignatureFromRecoverable = trontx.SignatureFromRecoverable
	Encode                   = trontx.Encode
	ErrNotTRC20Transfer      = trontx.ErrNotTRC20Transfer
	ErrUnsupportedTx         = trontx.ErrUnsupportedTx
)
