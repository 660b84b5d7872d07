package stablegate

import "time"

// HistoryFilter narrows a wallet's history.
type HistoryFilter struct {
	Type  TransferType
	State TransferState
	Chain Chain
	From  time.Time // inclusive; zero: no bound
	To    time.Time // exclusive; zero: no bound
}
