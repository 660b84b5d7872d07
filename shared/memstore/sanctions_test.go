package memstore_test

import (
	"context"
	"testing"

	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/storetest"
)

// The twin passes the screening store's contract.
func TestSanctionsContract(t *testing.T) {
	storetest.Sanctions(t, func(*testing.T) sg.ScreeningStore { return memstore.NewSanctions() })
}

// Before any list is published nothing is listed and no version is named,
// so screening can tell "clear" from "not screened".
func TestSanctionsNoListNamesNoVersion(t *testing.T) {
	st := memstore.NewSanctions()
	if err := st.PutSanctionEntries(context.Background(), "v1", []sg.SanctionEntry{{Chain: sg.Ethereum, Address: "0xab"}}); err != nil {
		t.Fatal(err)
	}
	listed, v, err := st.Listed(context.Background(), sg.Ethereum, "0xab")
	if err != nil || listed || v != "" {
		t.Fatalf("Listed = %v, %q, %v; want false, \"\", nil", listed, v, err)
	}
	if _, ok, err := st.CurrentSanctions(context.Background()); err != nil || ok {
		t.Fatalf("CurrentSanctions = %v, %v", ok, err)
	}
}
