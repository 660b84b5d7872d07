package ethereum

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// ---- settle: multisend after a hot-key rotation ----

// The one approval of the Multisend is a hot-wallet job of each hot
// address: after a rotation the new address's approval is its own job, not
// the old address's kept (and mined) transaction answered again, which
// would leave the new address with no allowance and its batches reverting.
func TestMultisendApprovalIsPerHotAddress(t *testing.T) {
	p := &BatchPayout{Multisend: common.HexToAddress("0x00000000000000000000000000000000000000a1"),
		Token: common.HexToAddress("0x00000000000000000000000000000000000000b2")}
	old, rotated := common.HexToAddress("0x00000000000000000000000000000000000000c3"), common.HexToAddress("0x00000000000000000000000000000000000000d4")
	if p.approveJob(old) == p.approveJob(rotated) {
		t.Fatalf("the old and the rotated hot address share the approval job %q", p.approveJob(old))
	}
	if first, again := p.approveJob(old), p.approveJob(old); first != again {
		t.Fatal("one address's approval job changes between calls (a retry would approve again)")
	}
}
