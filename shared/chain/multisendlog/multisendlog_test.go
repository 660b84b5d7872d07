package multisendlog

import (
	"testing"

	"golang.org/x/crypto/sha3"
)

// The topics written out are the hashes of the contract's event
// signatures.
func TestTopicsAreTheEventSignatureHashes(t *testing.T) {
	for sig, got := range map[string][32]byte{
		"Failed(uint256,address,uint256)":                FailedTopic,
		"Batch(address,bytes32,uint256,uint256,uint256)": BatchTopic,
	} {
		h := sha3.NewLegacyKeccak256()
		h.Write([]byte(sig))
		if want := h.Sum(nil); string(got[:]) != string(want) {
			t.Errorf("topic of %s = %x, want %x", sig, got, want)
		}
	}
}
