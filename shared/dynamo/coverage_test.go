package dynamo

import (
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Which freeze covers which wallet: a lifted freeze covers nothing, a
// platform freeze every wallet, then a tenant freeze, then a wallet's own;
// a wallet no freeze covers is absent.
func TestFreezeCoverage(t *testing.T) {
	frz := func(id string, scope sg.FreezeScope, wallet string, lifted bool) item {
		return freezeItem(sg.Freeze{ID: id, Scope: scope, TenantID: "t", WalletID: wallet, Lifted: lifted})
	}
	ids := []string{"wal_a", "wal_b"}
	cases := []struct {
		name  string
		items []item
		want  map[string]string
	}{
		{"nothing", nil, map[string]string{}},
		{"a wallet's own", []item{frz("w", sg.FreezeWallet, "wal_a", false)}, map[string]string{"wal_a": "w"}},
		{"a lifted one covers nothing", []item{frz("w", sg.FreezeWallet, "wal_a", true), frz("t", sg.FreezeTenant, "", true)}, map[string]string{}},
		{"the tenant's covers every wallet", []item{frz("w", sg.FreezeWallet, "wal_a", false), frz("t", sg.FreezeTenant, "", false)},
			map[string]string{"wal_a": "t", "wal_b": "t"}},
		{"the platform's first", []item{frz("t", sg.FreezeTenant, "", false), frz("p", sg.FreezePlatform, "", false)},
			map[string]string{"wal_a": "p", "wal_b": "p"}},
		{"another wallet's covers none of these", []item{frz("w", sg.FreezeWallet, "wal_c", false)}, map[string]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := coverage(ids, c.items)
			if len(got) != len(c.want) {
				t.Fatalf("got %v; want %v", got, c.want)
			}
			for id, f := range got {
				if c.want[id] != f.ID {
					t.Fatalf("%s covered by %q; want %q", id, f.ID, c.want[id])
				}
			}
		})
	}
}
