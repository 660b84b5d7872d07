package storetest

import (
	"errors"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// walletOwnerCases: the settlement wallet moves to the customer the
// settlement config names (issue 15), and every read sees it.
var walletOwnerCases = []Case{
	{"Wallets/a wallet moved to a customer reads as that customer's, by its tenant only", func(t *testing.T, st Store) {
		ten := tenant()
		w := newWallet(t, st, ten, false)
		if sg.LimitSubject(w) != w.ID {
			t.Fatalf("a new wallet's limit subject %q; want the wallet", sg.LimitSubject(w))
		}
		cus := sg.NewID(sg.CustomerIDPrefix, time.Now())
		got, err := st.SetWalletCustomer(ctx, ten, w.ID, cus)
		must(t, "SetWalletCustomer", err)
		if got.ID != w.ID || sg.WalletCustomerID(got) != cus {
			t.Fatalf("moved wallet %+v; want customer %s", got, cus)
		}
		read, err := st.Wallet(ctx, ten, w.ID)
		must(t, "Wallet", err)
		byID, err := st.WalletsByID(ctx, ten, w.ID)
		must(t, "WalletsByID", err)
		for name, x := range map[string]sg.Wallet{"Wallet": read, "WalletsByID": byID[w.ID]} {
			if sg.LimitSubject(x) != cus || x.Index != w.Index || len(x.Addresses) != 1 {
				t.Fatalf("%s after the move: %+v; want customer %s", name, x, cus)
			}
		}
		other := sg.NewID(sg.CustomerIDPrefix, time.Now().Add(time.Millisecond))
		if got, err = st.SetWalletCustomer(ctx, ten, w.ID, other); err != nil || sg.WalletCustomerID(got) != other {
			t.Fatalf("moved again: %+v, %v", got, err)
		}
		_, err = st.SetWalletCustomer(ctx, tenant(), w.ID, cus)
		wantErr(t, "SetWalletCustomer(another tenant)", err, sg.ErrNotFound)
		_, err = st.SetWalletCustomer(ctx, ten, sg.NewID("wal", time.Now()), cus)
		wantErr(t, "SetWalletCustomer(no such wallet)", err, sg.ErrNotFound)
		if _, err = st.SetWalletCustomer(ctx, ten, w.ID, "merchant"); !errors.Is(err, sg.ErrSettlementCustomerNotFound) {
			t.Fatalf("SetWalletCustomer(no customer id): %v", err)
		}
		if read, _ = st.Wallet(ctx, ten, w.ID); sg.WalletCustomerID(read) != other {
			t.Fatalf("refused moves changed the wallet: %+v", read)
		}
	}},
}
