package tests

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"sync"
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
	inner := c.sim.Client()
	c.chainID, _ = inner.ChainID(ctx)
	c.ec = &nonceClient{Client: inner, signer: types.LatestSignerForChainID(c.chainID), next: map[common.Address]uint64{}}
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

// nonceClient is the simulated chain's client with the pending nonces of
// what it sent: the simulated pool counts a sent transaction in its
// pending nonce only once it has promoted it, which it does in the
// background, so two transactions sent back to back from one account could
// be given the same nonce ("replacement transaction underpriced").
type nonceClient struct {
	simulated.Client
	signer types.Signer
	mu     sync.Mutex
	next   map[common.Address]uint64
}

// PendingNonceAt is the pool's pending nonce, or past the last transaction
// sent through this client if that is later.
func (c *nonceClient) PendingNonceAt(ctx context.Context, a common.Address) (uint64, error) {
	n, err := c.Client.PendingNonceAt(ctx, a)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(n, c.next[a]), nil
}

// SendTransaction sends tx and notes its sender's next nonce.
func (c *nonceClient) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := c.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	from, err := types.Sender(c.signer, tx)
	if err != nil {
		return nil // sent; the pool's own count serves
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next[from] = max(c.next[from], tx.Nonce()+1)
	return nil
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
