package reconfn

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// smallPages hands the twin's address list on in pages of 3, as DynamoDB
// pages a large list.
type smallPages struct{ *memstore.Store }

func (p smallPages) AddressPages(ctx context.Context, c sg.Chain, after string, page func([]sg.AddressOwner) error) (string, error) {
	return p.Store.AddressPages(ctx, c, after, func(list []sg.AddressOwner) error {
		for len(list) > 0 {
			n := min(3, len(list))
			if err := page(list[:n]); err != nil {
				return err
			}
			list = list[n:]
		}
		return nil
	})
}

func TestHoldingsReadAPageAtATime(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	var want sg.Amount
	bal := func(a address.Account) sg.Amount { return sg.Amount(a.EIP55()[41]) } // any figure the address fixes
	for i := range 10 {
		addr := fmt.Sprintf("0x%040x", 0x1000+i)
		w := sg.Wallet{ID: sg.NewID("wal", time.Now()), TenantID: "t1", Index: uint32(i + 1), CreatedAt: time.Now(),
			Addresses: []sg.DepositAddress{{Chain: sg.Ethereum, Asset: sg.USDT, Address: addr}}}
		if err := st.CreateWallet(ctx, w, sg.Idempotency{TenantID: "t1", Operation: "wallets.create", Key: fmt.Sprint(i), RequestHash: "h", Status: 201}); err != nil {
			t.Fatal(err)
		}
		a, _ := address.Parse(sg.Ethereum, addr)
		want += bal(a)
	}
	hot, _ := address.Parse(sg.Ethereum, "0x00000000000000000000000000000000000000ff")
	want += bal(hot)
	largest, calls := 0, 0
	h := chainHoldings{st: smallPages{st}, chain: sg.Ethereum, hot: hot,
		total: func(_ context.Context, addrs []address.Account, _ *uint64) (sg.Amount, error) {
			calls++
			largest = max(largest, len(addrs))
			var s sg.Amount
			for _, a := range addrs {
				s += bal(a)
			}
			return s, nil
		}}
	got, err := h.Holdings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("holdings %s; want %s (every address and the hot wallet)", got, want)
	}
	if largest > 3 || calls != 5 {
		t.Fatalf("read %d times, at most %d addresses at once; want each page of 3 (and the hot wallet) read as it came", calls, largest)
	}
}
