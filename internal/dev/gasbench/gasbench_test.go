package gasbench

import (
	"testing"

	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
)

// What a sweep costs per deposit on mainnet's rules, on the Tether-faithful
// token (what mainnet USDT charges), in batches of 200 (the
// sweeper's default): the first sweep of an address deploys its forwarder,
// later ones are one transferFrom each. With the token's layout the sweep
// lists the three slots per forwarder in its access list; that it costs
// less than without is what shows the layout is right (a wrong slot costs
// 1,900 gas for nothing). Gas is deterministic for the same code and chain
// rules: this is a behaviour, not a timing. The goal is 11,000 in
// steady state; on the faithful token (Tether's own three cold slots, its
// computation and the refund cap of a fifth) a deposit costs 11,285, of
// which 11,124 is the marginal cost of one more item: the goal is not met,
// and this holds the figure where it is (11,300) so that it cannot grow.
// ---- sweep: why 11,000 is out of reach (measured, issue 18) ----
// One more item costs 13,885 gas gross, 11,108 net once the refund cap (a
// fifth of the gas used) is taken. Swept with a token that has no code, the
// factory's own share (loop, CREATE2 address, the call, 12 calldata bytes)
// is 463 gross; the token's is the other 13,422 (10,738 net): three cold
// slots, the balance write, the event and Tether's checks. Per transaction
// 33,800 net more (169 a deposit at 200). A factory costing nothing would
// land at 10,907; 11,000 at 200 a batch leaves it 116 gross an item, less
// than the warm CALL (100) and the item's calldata (about 120) together.
// At 1,000 a batch (14M gas: a transaction may use 16.7M) it would need 285
// gross, 178 under today's, with the same token and rules.
func TestSweepGasPerDeposit(t *testing.T) {
	w, err := NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	plain, err := w.MeasureSweep(200, nil)
	if err != nil {
		t.Fatal(err)
	}
	layout := chaineth.TokenLayouts["tether"]
	listed, err := w.MeasureSweep(200, &layout)
	if err != nil {
		t.Fatal(err)
	}
	if listed.Steady > 11_300 {
		t.Fatalf("steady-state sweep with its access list costs %d gas per deposit; it was 11,285 (the goal is 11,000)", listed.Steady)
	}
	if listed.Steady >= plain.Steady || listed.First >= plain.First {
		t.Fatalf("the access list did not save gas (first %d vs %d, steady %d vs %d): the layout is wrong", listed.First, plain.First, listed.Steady, plain.Steady)
	}
	if plain.First <= plain.Steady || plain.First > 80_000 {
		t.Fatalf("first sweep %d gas per deposit: it should deploy the forwarder (steady %d) and stay under 80,000", plain.First, plain.Steady)
	}
	t.Logf("sweep of 200 per deposit: first %d / steady %d without an access list, %d / %d with it", plain.First, plain.Steady, listed.First, listed.Steady)
}
