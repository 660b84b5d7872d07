package ethereum_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/stablegate/stablegate/internal/dev/gasbench"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
)

// FactoryImplementation, which functions use instead of the abigen binding,
// reads the same implementation address as the binding on a chain where the
// factory is deployed, and names an address without code as such.
func TestFactoryImplementationReadsTheFactory(t *testing.T) {
	w, err := gasbench.NewWorld()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Sim.Close() })
	ctx := context.Background()
	ec := w.Sim.Client()
	factory := common.Address(w.Fw.Factory)

	want, err := w.Factory.Implementation(nil) // the binding
	if err != nil {
		t.Fatal(err)
	}
	got, err := chaineth.FactoryImplementation(ctx, ec, factory)
	if err != nil {
		t.Fatal(err)
	}
	if got != want || got == (common.Address{}) {
		t.Errorf("FactoryImplementation = %s, the binding reads %s", got.Hex(), want.Hex())
	}

	if _, err := chaineth.FactoryImplementation(ctx, ec, common.HexToAddress("0x000000000000000000000000000000000000dEaD")); !errors.Is(err, chaineth.ErrNoFactoryCode) {
		t.Errorf("an address without code: err = %v, want ErrNoFactoryCode", err)
	}
}
