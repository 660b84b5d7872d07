package tests

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/stablegate/stablegate/internal/dev/devstack"
	"github.com/stablegate/stablegate/internal/dev/testusdt"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/kmssign"
)

// hotChain is a simulated Ethereum chain with the test token deployed and a
// hot wallet whose key lives in the KMS emulator, funded with ETH and tokens.
type hotChain struct {
	sim       *simulated.Backend
	ec        simulated.Client
	chainID   *big.Int
	auth      *bind.TransactOpts // the token's deployer and owner
	token     *testusdt.TestUSDT
	tokenAddr common.Address
	hot       *kmssign.Signer
	hotAddr   common.Address
}

func newHotChain(t *testing.T, tokens int64) *hotChain {
	t.Helper()
	stack(t)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kc := kms.NewFromConfig(cfg)
	c := &hotChain{hot: newKMSKey(t, kc)}
	if c.hotAddr, err = chaineth.From(ctx, c.hot); err != nil {
		t.Fatal(err)
	}
	deployer, _ := crypto.GenerateKey()
	eth := new(big.Int).Mul(big.NewInt(100), big.NewInt(params.Ether))
	c.sim = simulated.NewBackend(types.GenesisAlloc{crypto.PubkeyToAddress(deployer.PublicKey): {Balance: eth}, c.hotAddr: {Balance: eth}})
	t.Cleanup(func() { _ = c.sim.Close() })
	c.ec = c.sim.Client()
	c.chainID, _ = c.ec.ChainID(ctx)
	c.auth, _ = bind.NewKeyedTransactorWithChainID(deployer, c.chainID)
	if c.tokenAddr, _, c.token, err = testusdt.DeployTestUSDT(c.auth, c.ec); err != nil {
		t.Fatal(err)
	}
	c.sim.Commit()
	if _, err := c.token.Mint(c.auth, c.hotAddr, big.NewInt(tokens)); err != nil {
		t.Fatal(err)
	}
	c.sim.Commit()
	return c
}

// localChain is the local stack's geth --dev: its details, a client, the
// faucet's transactor (the test token's owner) and the token.
func localChain(t *testing.T) (devstack.ChainInfo, *ethclient.Client, *bind.TransactOpts, *testusdt.TestUSDT) {
	t.Helper()
	stack(t)
	raw, err := os.ReadFile(os.Getenv("STABLEGATE_CHAIN_INFO"))
	if err != nil {
		t.Fatalf("the local chain is not up (make test starts it): %v", err)
	}
	var info devstack.ChainInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatalf("%s: %v", os.Getenv("STABLEGATE_CHAIN_INFO"), err)
	}
	ec, err := ethclient.DialContext(context.Background(), info.RPC)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := crypto.HexToECDSA(info.FaucetKey)
	auth, _ := bind.NewKeyedTransactorWithChainID(key, big.NewInt(info.ChainID))
	token, _ := testusdt.NewTestUSDT(common.HexToAddress(info.Token), ec)
	return info, ec, auth, token
}

// newKMSKey makes a secp256k1 signing key of the test's own in local-kms.
func newKMSKey(t testing.TB, kc *kms.Client) *kmssign.Signer {
	t.Helper()
	key, err := kc.CreateKey(context.Background(), &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecEccSecgP256k1, KeyUsage: kmstypes.KeyUsageTypeSignVerify})
	if err != nil {
		t.Fatal(err)
	}
	return &kmssign.Signer{KMS: kc, KeyID: *key.KeyMetadata.KeyId}
}
