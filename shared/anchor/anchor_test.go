package anchor_test

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/shared/anchor"
	"github.com/stablegate/stablegate/shared/audit"
	"github.com/stablegate/stablegate/shared/memstore"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

var ctx = context.Background()

const h64 = "4f9ce4cb2096b2f7b10dd6dff0feac7396c244efd25d0075d0e4f01fb4c8bda3"

// The audit service anchors its head on an in-process chain: a 0-value
// transaction from the anchor key to itself whose calldata names the
// scope, seq and hash; read back from the chain, it is the anchor kept in
// the log, and an export of the log holds to it.
func TestEthereumAnchorOnASimulatedChain(t *testing.T) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	sim := simulated.NewBackend(types.GenesisAlloc{from: {Balance: new(big.Int).Mul(big.NewInt(10), big.NewInt(params.Ether))}})
	t.Cleanup(func() { _ = sim.Close() })
	ec := sim.Client()

	s := audit.New(memstore.NewAudit(), anchor.Ethereum{Sender: &anchor.EthSender{Client: ec, From: from, Sign: anchor.Key(key)}})
	for _, action := range []string{"wallet.created", "withdrawal.requested", "withdrawal.approved"} {
		if _, err := s.Append(ctx, "t-eth", "user:u1", action, "wd_1", nil); err != nil {
			t.Fatal(err)
		}
	}
	a, ok, err := s.AnchorNow(ctx, "t-eth")
	if err != nil || !ok || a.Seq != 3 || !strings.HasPrefix(a.Where, anchor.WhereEthereum+"0x") {
		t.Fatalf("AnchorNow = %+v, %v, %v", a, ok, err)
	}
	sim.Commit()

	tx, pending, err := ec.TransactionByHash(ctx, common.HexToHash(strings.TrimPrefix(a.Where, anchor.WhereEthereum)))
	if err != nil || pending {
		t.Fatalf("the anchor transaction: pending %v, %v", pending, err)
	}
	if tx.To() == nil || *tx.To() != from || tx.Value().Sign() != 0 || string(tx.Data()) != "stablegate-audit:t-eth:3:"+a.Hash {
		t.Fatalf("transaction to %v value %v data %q", tx.To(), tx.Value(), tx.Data())
	}
	got, err := anchor.FromChain(ctx, ec, a.Where, from)
	if err != nil || got.Scope != "t-eth" || got.Seq != 3 || got.Hash != a.Hash {
		t.Fatalf("FromChain = %+v, %v", got, err)
	}
	if _, err := anchor.FromChain(ctx, ec, a.Where, common.Address{1}); err == nil {
		t.Fatal("an anchor sent by another address was taken")
	}
	rep, err := s.Verify(ctx, "t-eth")
	if err != nil || !rep.OK || rep.Anchors != 1 || rep.Records != 4 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	// A second anchor goes out at the next nonce.
	if _, err := s.Append(ctx, "t-eth", "user:u1", "wallet.frozen", "wal_1", nil); err != nil {
		t.Fatal(err)
	}
	a2, ok, err := s.AnchorNow(ctx, "t-eth")
	if err != nil || !ok || a2.Seq != 5 {
		t.Fatalf("second AnchorNow = %+v, %v, %v", a2, ok, err)
	}
	sim.Commit()
	if got, err := anchor.FromChain(ctx, ec, a2.Where, from); err != nil || got.Seq != 5 || got.Hash != a2.Hash {
		t.Fatalf("second FromChain = %+v, %v", got, err)
	}
}

func TestLogAnchorsInTheLogOnly(t *testing.T) {
	s := audit.New(memstore.NewAudit(), anchor.Log{})
	if _, err := s.Append(ctx, sg.AuditPlatformScope, "system:deploy", "platform.deployed", "", nil); err != nil {
		t.Fatal(err)
	}
	a, ok, err := s.AnchorNow(ctx, sg.AuditPlatformScope)
	if err != nil || !ok || a.Where != "log" || a.Seq != 1 {
		t.Fatalf("AnchorNow = %+v, %v, %v", a, ok, err)
	}
}

func TestCalldata(t *testing.T) {
	for _, c := range []struct {
		name, data string
		ok         bool
		scope      string
		seq        int64
	}{
		{"a tenant's anchor", "stablegate-audit:t-1:42:" + h64, true, "t-1", 42},
		{"a scope with colons", "stablegate-audit:a:b:7:" + h64, true, "a:b", 7},
		{"the platform's", string(anchor.Calldata(sg.AuditPlatformScope, 1, h64)), true, sg.AuditPlatformScope, 1},
		{"another prefix", "stablegate-audix:t-1:42:" + h64, false, "", 0},
		{"seq zero", "stablegate-audit:t-1:0:" + h64, false, "", 0},
		{"a seq with a leading zero", "stablegate-audit:t-1:042:" + h64, false, "", 0},
		{"a short hash", "stablegate-audit:t-1:42:" + h64[1:], false, "", 0},
		{"an upper-case hash", "stablegate-audit:t-1:42:" + strings.ToUpper(h64), false, "", 0},
		{"no scope", "stablegate-audit::42:" + h64, false, "", 0},
		{"no seq", "stablegate-audit:t-1:" + h64, false, "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			scope, seq, hash, err := anchor.ParseCalldata([]byte(c.data))
			if (err == nil) != c.ok || scope != c.scope || seq != c.seq || (c.ok && hash != h64) {
				t.Fatalf("ParseCalldata = %q %d %q %v", scope, seq, hash, err)
			}
		})
	}
}

// FuzzParseCalldata: calldata read from the chain never panics the parser,
// and what it accepts is exactly what Calldata writes.
func FuzzParseCalldata(f *testing.F) {
	for _, s := range []string{"stablegate-audit:t-1:42:" + h64, "stablegate-audit:a:b:7:" + h64, "stablegate-audit:", "stablegate-audit:::", "", "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		scope, seq, hash, err := anchor.ParseCalldata(b)
		if err != nil {
			return
		}
		if string(anchor.Calldata(scope, seq, hash)) != string(b) {
			t.Fatalf("accepted %q, which writes back as %q", b, anchor.Calldata(scope, seq, hash))
		}
	})
}
