package storetest

import (
	"strings"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sanctions holds a screening store (sg.ScreeningStore: the sanctions list
// by version and the tenants' blocklists) to its contract: one named
// subtest per rule, each on a store open returns. The same names pass on
// the in-memory twin and on DynamoDB Local. The list is the platform's,
// so the cases may share one: each publishes versions of its own and
// never assumes no list is published.
func Sanctions(t *testing.T, open func(t *testing.T) sg.ScreeningStore) {
	for _, c := range sanctionCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

type sanctionCase struct {
	name string
	run  func(t *testing.T, st sg.ScreeningStore)
}

// tronLike is a random string of a Tron address's form (the store keeps
// keys as given: validation is the service's).
func tronLike() string { return "T" + strings.ToUpper(randHex(8)) + randHex(8) + "xYz" }

func sanctionsList(count int) sg.SanctionsList {
	return sg.SanctionsList{Source: sg.SanctionsOFAC, Version: now().Format("2006-01-02") + "." + randHex(8), LoadedAt: now(), Count: count}
}

func wantListed(t *testing.T, st sg.ScreeningStore, c sg.Chain, addr string, listed bool, version string) {
	t.Helper()
	got, v, err := st.Listed(ctx, c, addr)
	must(t, "Listed", err)
	if got != listed || v != version {
		t.Fatalf("Listed(%s, %s) = %v, %q; want %v, %q", c, addr, got, v, listed, version)
	}
}

func publish(t *testing.T, st sg.ScreeningStore, entries ...sg.SanctionEntry) sg.SanctionsList {
	t.Helper()
	l := sanctionsList(len(entries))
	must(t, "PutSanctionEntries", st.PutSanctionEntries(ctx, l.Version, entries))
	must(t, "PublishSanctions", st.PublishSanctions(ctx, l))
	return l
}

var sanctionCases = []sanctionCase{
	{"Sanctions/entries count only once their version is published; the list in use answers with its version", func(t *testing.T, st sg.ScreeningStore) {
		eth, trx := ethAddress(), tronLike()
		before := publish(t, st, sg.SanctionEntry{Chain: sg.Ethereum, Address: ethAddress()})
		l := sanctionsList(2)
		l.Counts = map[sg.Chain]int{sg.Ethereum: 1, sg.Tron: 1}
		must(t, "PutSanctionEntries", st.PutSanctionEntries(ctx, l.Version,
			[]sg.SanctionEntry{{Chain: sg.Ethereum, Address: eth}, {Chain: sg.Tron, Address: trx}}))
		wantListed(t, st, sg.Ethereum, eth, false, before.Version)
		wantListed(t, st, sg.Tron, trx, false, before.Version)
		must(t, "PublishSanctions", st.PublishSanctions(ctx, l))
		wantListed(t, st, sg.Ethereum, eth, true, l.Version)
		wantListed(t, st, sg.Tron, trx, true, l.Version)
		wantListed(t, st, sg.Ethereum, ethAddress(), false, l.Version)
		cur, ok, err := st.CurrentSanctions(ctx)
		must(t, "CurrentSanctions", err)
		if !ok || cur.Version != l.Version || cur.Source != l.Source || cur.Count != 2 || !cur.LoadedAt.Equal(l.LoadedAt) ||
			cur.Counts[sg.Ethereum] != 1 || cur.Counts[sg.Tron] != 1 {
			t.Fatalf("current %+v, %v; published %+v", cur, ok, l)
		}
	}},
	{"Sanctions/a new version replaces the old one whole; publishing the old one again brings it back", func(t *testing.T, st sg.ScreeningStore) {
		a, b, c := ethAddress(), ethAddress(), tronLike()
		v1 := publish(t, st, sg.SanctionEntry{Chain: sg.Ethereum, Address: a}, sg.SanctionEntry{Chain: sg.Ethereum, Address: b})
		v2 := publish(t, st, sg.SanctionEntry{Chain: sg.Ethereum, Address: b}, sg.SanctionEntry{Chain: sg.Tron, Address: c})
		wantListed(t, st, sg.Ethereum, a, false, v2.Version)
		wantListed(t, st, sg.Ethereum, b, true, v2.Version)
		wantListed(t, st, sg.Tron, c, true, v2.Version)
		must(t, "PublishSanctions", st.PublishSanctions(ctx, v1))
		wantListed(t, st, sg.Ethereum, a, true, v1.Version)
		wantListed(t, st, sg.Tron, c, false, v1.Version)
	}},
	{"Sanctions/Ethereum keys ignore case, Tron keys keep it, and chains are apart", func(t *testing.T, st sg.ScreeningStore) {
		eth, trx := "0x"+strings.ToUpper(randHex(20)), tronLike()
		l := publish(t, st, sg.SanctionEntry{Chain: sg.Ethereum, Address: eth}, sg.SanctionEntry{Chain: sg.Tron, Address: trx})
		wantListed(t, st, sg.Ethereum, strings.ToLower(eth), true, l.Version)
		wantListed(t, st, sg.Ethereum, "0x"+strings.ToUpper(eth[2:12])+strings.ToLower(eth[12:]), true, l.Version)
		wantListed(t, st, sg.Tron, strings.ToLower(trx), false, l.Version)
		wantListed(t, st, sg.Tron, strings.ToLower(eth), false, l.Version)
		wantListed(t, st, sg.Ethereum, trx, false, l.Version)
	}},
	{"Sanctions/a list of 1,200 addresses loads whole, and writing it again changes nothing", func(t *testing.T, st sg.ScreeningStore) {
		var es []sg.SanctionEntry
		for i := range 1200 {
			c, a := sg.Ethereum, ethAddress()
			if i%3 == 0 {
				c, a = sg.Tron, tronLike()
			}
			es = append(es, sg.SanctionEntry{Chain: c, Address: a})
		}
		l := sanctionsList(len(es))
		must(t, "PutSanctionEntries", st.PutSanctionEntries(ctx, l.Version, es))
		must(t, "PutSanctionEntries again", st.PutSanctionEntries(ctx, l.Version, es))
		must(t, "PublishSanctions", st.PublishSanctions(ctx, l))
		for _, i := range []int{0, 1, 2, 599, 1000, 1199} {
			wantListed(t, st, es[i].Chain, es[i].Address, true, l.Version)
		}
	}},
	{"Blocklist/an address is blocked once per tenant, checked, listed in order and removed", func(t *testing.T, st sg.ScreeningStore) {
		tn, other := tenant(), tenant()
		a, b := "0x"+strings.ToUpper(randHex(20)), tronLike()
		e := sg.BlockEntry{Tenant: tn, Chain: sg.Ethereum, Address: a, Reason: "fraud report", AddedBy: "alice", AddedAt: now()}
		created, err := st.AddBlock(ctx, e)
		must(t, "AddBlock", err)
		if !created {
			t.Fatal("the first entry was not created")
		}
		again := e
		again.Reason, again.AddedBy = "other", "bob"
		if created, err := st.AddBlock(ctx, again); err != nil || created {
			t.Fatalf("AddBlock again = %v, %v; want false, nil", created, err)
		}
		_, err = st.AddBlock(ctx, sg.BlockEntry{Tenant: tn, Chain: sg.Tron, Address: b, AddedBy: "alice", AddedAt: now()})
		must(t, "AddBlock tron", err)
		for _, c := range []struct {
			tenant string
			chain  sg.Chain
			addr   string
			want   bool
		}{
			{tn, sg.Ethereum, strings.ToLower(a), true},
			{tn, sg.Tron, b, true},
			{tn, sg.Tron, strings.ToLower(b), false},
			{tn, sg.Tron, strings.ToLower(a), false},
			{other, sg.Ethereum, a, false},
		} {
			got, err := st.Blocked(ctx, c.tenant, c.chain, c.addr)
			must(t, "Blocked", err)
			if got != c.want {
				t.Fatalf("Blocked(%s, %s, %s) = %v; want %v", c.tenant, c.chain, c.addr, got, c.want)
			}
		}
		list, err := st.Blocks(ctx, tn)
		must(t, "Blocks", err)
		if len(list) != 2 || list[0].Chain != sg.Ethereum || list[0].Address != strings.ToLower(a) || list[0].Reason != "fraud report" ||
			list[0].AddedBy != "alice" || !list[0].AddedAt.Equal(e.AddedAt) || list[0].Tenant != tn || list[1].Address != b {
			t.Fatalf("Blocks = %+v", list)
		}
		if l, err := st.Blocks(ctx, other); err != nil || len(l) != 0 {
			t.Fatalf("another tenant's Blocks = %+v, %v", l, err)
		}
		wantErr(t, "RemoveBlock by another tenant", st.RemoveBlock(ctx, other, sg.Ethereum, a), sg.ErrNotFound)
		must(t, "RemoveBlock", st.RemoveBlock(ctx, tn, sg.Ethereum, strings.ToLower(a)))
		wantErr(t, "RemoveBlock again", st.RemoveBlock(ctx, tn, sg.Ethereum, a), sg.ErrNotFound)
		if got, err := st.Blocked(ctx, tn, sg.Ethereum, a); err != nil || got {
			t.Fatalf("Blocked after removal = %v, %v", got, err)
		}
	}},
}
