package ledger

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

func randomAccount() address.Account {
	var a address.Account
	rand.Read(a[:])
	return a
}

// The watcher's address book finds each deposit address by its 20 bytes
// and its wallet by the address as the sink names it (lower-case hex on
// Ethereum, base58 on Tron), loaded in pages, the newest owner of an
// address winning; an address never added has none.
func TestOwnersFindWalletsByAddress(t *testing.T) {
	for _, c := range []sg.Chain{sg.Ethereum, sg.Tron} {
		t.Run(string(c), func(t *testing.T) {
			o := &Owners{Chain: c}
			want := map[address.Account]sg.AddressOwner{}
			for page := 0; page < 3; page++ {
				var list []sg.AddressOwner
				for i := 0; i < 50; i++ {
					a := randomAccount()
					wallet := sg.NewID("wal", time.Now()) // held as 16 bytes
					if i%10 == 0 {
						wallet = "wallet-of-another-shape-" + string(rune('a'+i/10)) // held as it is
					}
					w := sg.AddressOwner{Tenant: "ten_" + string(rune('a'+i%3)), Wallet: wallet, Index: uint32(page*50 + i), Address: a.Format(c)}
					want[a] = w
					list = append(list, w)
				}
				if err := o.Add(list); err != nil {
					t.Fatal(err)
				}
			}
			if o.Len() != len(want) {
				t.Fatalf("Len = %d; want %d", o.Len(), len(want))
			}
			for a, w := range want {
				name := a.Format(c)
				if c == sg.Ethereum {
					name = strings.ToLower(name)
				}
				got, ok := o.Owner(name)
				if !o.Watched(a) || !ok || got != w {
					t.Fatalf("%s: %+v, %v; want %+v", name, got, ok, w)
				}
			}
			stranger := randomAccount()
			if _, ok := o.Owner(stranger.Format(c)); ok || o.Watched(stranger) {
				t.Fatal("an address never added has an owner")
			}
			if _, ok := o.Owner("not an address"); ok {
				t.Fatal("an unreadable address has an owner")
			}
		})
	}
}

// BenchmarkOwnersMemory reports the bytes an address the book holds at a
// hundred thousand addresses (its own count of its slices).
func BenchmarkOwnersMemory(b *testing.B) {
	o := &Owners{Chain: sg.Ethereum}
	list := make([]sg.AddressOwner, 100_000)
	for i := range list {
		list[i] = sg.AddressOwner{Tenant: "ten_x", Wallet: sg.NewID("wal", time.Now()), Index: uint32(i), Address: randomAccount().Format(sg.Ethereum)}
	}
	if err := o.Add(list); err != nil {
		b.Fatal(err)
	}
	probe := randomAccount()
	o.Len() // merges the load
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o.Watched(probe)
	}
	b.ReportMetric(float64(o.Bytes())/float64(o.Len()), "bytes/address")
}
