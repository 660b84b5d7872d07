package devstack

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/stablegate/stablegate/internal/dev/gasbench/benchtoken"
	"github.com/stablegate/stablegate/internal/dev/multicall"
	"github.com/stablegate/stablegate/internal/dev/testusdt"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/chain/ethereum/forwarder"
	"github.com/stablegate/stablegate/shared/chain/ethereum/multisendbind"
	"github.com/stablegate/stablegate/shared/coldbundle"
	"github.com/stablegate/stablegate/shared/kmssign"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// ChainInfo describes the local chain's setup for tools and tests. The
// faucet key is a throwaway dev key; nothing of it exists outside this machine.
type ChainInfo struct {
	RPC       string `json:"rpc"`
	ChainID   int64  `json:"chain_id"`
	Token     string `json:"token"`
	FaucetKey string `json:"faucet_key"`
	Hot       string `json:"hot"`
	Cold      string `json:"cold"`
	// Factory deploys the deposit forwarders; Implementation is their code.
	Factory        string `json:"forwarder_factory"`
	Implementation string `json:"forwarder_implementation"`
	// ---- compliance: audit ----
	// Anchor is the audit anchor key's address (the template's
	// AuditAnchorKey): anchors on the local chain are sent from it.
	Anchor string `json:"anchor,omitempty"`
	// ---- batch: payout batches ----
	// Multisend pays payout batches (owned by the hot key).
	Multisend string `json:"multisend,omitempty"`
	// ---- holdings: balances read a page per call ----
	// Multicall answers aggregate3 (infra/contracts/Multicall.sol): the
	// local chain's stand-in for mainnet's Multicall3.
	Multicall string `json:"multicall,omitempty"`
}

// devFaucetKey is the local chain's throwaway faucet key, the same on every
// machine so a fresh local chain gets the same contract addresses (and so
// the same forwarder deposit addresses): keccak256("stablegate dev faucet").
// It is public; it never holds anything outside a local chain.
func devFaucetKey() *ecdsa.PrivateKey {
	k, _ := crypto.ToECDSA(crypto.Keccak256([]byte("stablegate dev faucet")))
	return k
}

// devColdSeed is the local stack's cold seed (the SLIP-39 master secret
// coldsign restores): keccak256("stablegate dev cold seed"). It is public;
// it never holds anything outside a local chain.
func devColdSeed() []byte { return crypto.Keccak256([]byte("stablegate dev cold seed")) }

// bootstrapChain readies geth --dev for Stablegate: a faucet key funded by
// the dev account, the test USDT token deployed (or found again), and the
// hot wallet (the template's KMS key) funded with ETH and tokens.
func (s *Stack) bootstrapChain(ctx context.Context, res *Resolver, kc *kms.Client) error {
	url := s.Env["STABLEGATE_ETH_RPC"]
	rc, err := rpc.DialContext(ctx, url)
	if err != nil {
		return err
	}
	ec := ethclient.NewClient(rc)
	chainID, err := ec.ChainID(ctx)
	if err != nil {
		return err
	}
	infoPath := filepath.Join(s.Opts.State, "chain.json")
	var info ChainInfo
	if raw, err := os.ReadFile(infoPath); err == nil {
		if err := json.Unmarshal(raw, &info); err != nil {
			info = ChainInfo{} // unreadable: deploy afresh, as on a new chain
		}
	}
	faucet := devFaucetKey()
	faucetAddr := crypto.PubkeyToAddress(faucet.PublicKey)
	var accounts []common.Address
	if err := rc.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		return fmt.Errorf("devstack: geth has no dev account: %v", err)
	}
	send := func(from, to common.Address, value *big.Int) error {
		var h common.Hash
		if err := rc.CallContext(ctx, &h, "eth_sendTransaction", map[string]any{
			"from": from, "to": to, "value": (*hexutil.Big)(value)}); err != nil {
			return err
		}
		return s.waitReceipt(ctx, ec, h)
	}
	ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	if bal, _ := ec.BalanceAt(ctx, faucetAddr, nil); bal.Cmp(ether) < 0 {
		if err := send(accounts[0], faucetAddr, new(big.Int).Mul(big.NewInt(1000), ether)); err != nil {
			return fmt.Errorf("devstack: fund the faucet: %w", err)
		}
	}
	auth, err := bind.NewKeyedTransactorWithChainID(faucet, chainID)
	if err != nil {
		return err
	}
	alias := res.Refs["HotSigningKeyAlias"]
	hot, err := chaineth.From(ctx, &kmssign.Signer{KMS: kc, KeyID: alias})
	if err != nil {
		return fmt.Errorf("devstack: hot key %s: %w", alias, err)
	}
	// The forwarder factory is the faucet's first deployment on a fresh
	// chain, so its address (and every forwarder's) is the same each time.
	factory := common.HexToAddress(info.Factory)
	if code, _ := ec.CodeAt(ctx, factory, nil); info.Factory == "" || len(code) == 0 {
		addr, tx, _, err := forwarder.DeployForwarderFactory(auth, ec, hot, hot)
		if err != nil {
			return fmt.Errorf("devstack: deploy the forwarder factory: %w", err)
		}
		if err := s.waitReceipt(ctx, ec, tx.Hash()); err != nil {
			return err
		}
		factory = addr
	}
	ff, _ := forwarder.NewForwarderFactory(factory, ec)
	impl, err := ff.Implementation(nil)
	if err != nil {
		return fmt.Errorf("devstack: forwarder implementation: %w", err)
	}
	if owner, _ := ff.Owner(nil); owner != hot {
		return fmt.Errorf("devstack: the forwarder factory %s belongs to %s, not the hot key %s", factory.Hex(), owner.Hex(), hot.Hex())
	}
	token := common.HexToAddress(info.Token)
	if code, _ := ec.CodeAt(ctx, token, nil); info.Token == "" || len(code) == 0 {
		// The Tether-faithful token (TetherUSDT): the local chain's USDT
		// models mainnet's, its storage reads, checks and gas (its ABI has
		// TestUSDT's functions too, so testusdt's binding drives it).
		addr, tx, _, err := benchtoken.DeployTetherUSDT(auth, ec, big.NewInt(0))
		if err != nil {
			return fmt.Errorf("devstack: deploy the test token: %w", err)
		}
		if err := s.waitReceipt(ctx, ec, tx.Hash()); err != nil {
			return err
		}
		token = addr
	}
	// ---- batch: payout batches ----
	multisendAt := common.HexToAddress(info.Multisend)
	if code, _ := ec.CodeAt(ctx, multisendAt, nil); info.Multisend == "" || len(code) == 0 {
		addr, tx, _, err := multisendbind.DeployMultisend(auth, ec, hot)
		if err != nil {
			return fmt.Errorf("devstack: deploy the multisend: %w", err)
		}
		if err := s.waitReceipt(ctx, ec, tx.Hash()); err != nil {
			return err
		}
		multisendAt = addr
	}
	// ---- holdings: balances read a page per call ----
	multicallAt := common.HexToAddress(info.Multicall)
	if code, _ := ec.CodeAt(ctx, multicallAt, nil); info.Multicall == "" || len(code) == 0 {
		addr, tx, _, err := multicall.DeployMulticall(auth, ec)
		if err != nil {
			return fmt.Errorf("devstack: deploy the multicall: %w", err)
		}
		if err := s.waitReceipt(ctx, ec, tx.Hash()); err != nil {
			return err
		}
		multicallAt = addr
	}
	t, _ := testusdt.NewTestUSDT(token, ec)
	if bal, _ := ec.BalanceAt(ctx, hot, nil); bal.Cmp(ether) < 0 {
		if err := send(accounts[0], hot, new(big.Int).Mul(big.NewInt(100), ether)); err != nil {
			return fmt.Errorf("devstack: fund the hot wallet: %w", err)
		}
	}
	_, coldHex, err := coldbundle.ColdKey(devColdSeed())
	if err != nil {
		return err
	}
	cold := common.HexToAddress(coldHex)
	if bal, _ := ec.BalanceAt(ctx, cold, nil); bal.Cmp(ether) < 0 {
		if err := send(accounts[0], cold, new(big.Int).Mul(big.NewInt(10), ether)); err != nil {
			return fmt.Errorf("devstack: fund the cold wallet: %w", err)
		}
	}
	// The cold wallet's tokens are not in the books: only what it pays to
	// the hot wallet enters them, as float.
	for _, to := range []common.Address{faucetAddr, hot, cold} {
		if bal, _ := t.BalanceOf(nil, to); bal.Cmp(big.NewInt(1_000_000_000_000)) < 0 {
			tx, err := t.Mint(auth, to, big.NewInt(10_000_000_000_000)) // 10 million USDT
			if err != nil {
				return fmt.Errorf("devstack: mint: %w", err)
			}
			if err := s.waitReceipt(ctx, ec, tx.Hash()); err != nil {
				return err
			}
			// The hot wallet's tokens are the platform's own: its float,
			// recorded so reconciliation expects them on chain.
			if to == hot {
				if _, err := s.books.RecordFloat(ctx, sg.Ethereum, 10_000_000_000_000, "dev-mint-"+tx.Hash().Hex()); err != nil {
					return fmt.Errorf("devstack: record the hot wallet's float: %w", err)
				}
			}
		}
	}
	// ---- compliance: audit ----
	// The audit anchor key pays its anchors' gas: fund it like the hot wallet.
	var anchorAddr common.Address
	if alias := res.Refs["AuditAnchorKeyAlias"]; alias != "" {
		if anchorAddr, err = chaineth.From(ctx, &kmssign.Signer{KMS: kc, KeyID: alias}); err != nil {
			return fmt.Errorf("devstack: audit anchor key %s: %w", alias, err)
		}
		if bal, _ := ec.BalanceAt(ctx, anchorAddr, nil); bal.Cmp(ether) < 0 {
			if err := send(accounts[0], anchorAddr, new(big.Int).Mul(big.NewInt(10), ether)); err != nil {
				return fmt.Errorf("devstack: fund the audit anchor key: %w", err)
			}
		}
	}
	info = ChainInfo{RPC: url, ChainID: chainID.Int64(), Token: token.Hex(), FaucetKey: hex.EncodeToString(crypto.FromECDSA(faucet)), Hot: hot.Hex(), Cold: cold.Hex(),
		Factory: factory.Hex(), Implementation: impl.Hex()}
	if anchorAddr != (common.Address{}) {
		info.Anchor = anchorAddr.Hex()
	}
	info.Multisend = multisendAt.Hex() // ---- batch: payout batches ----
	info.Multicall = multicallAt.Hex() // ---- holdings ----
	raw, _ := json.MarshalIndent(info, "", "  ")
	if err := os.WriteFile(infoPath, raw, 0o600); err != nil {
		return err
	}
	res.Params["EthereumNetwork"] = "dev"
	res.Params["EthRpcUrl"] = url
	res.Params["UsdtContractEthereum"] = token.Hex()
	res.Params["ConfirmationsEthereum"] = "2"
	res.Params["ForwarderFactoryEthereum"] = factory.Hex()
	res.Params["ForwarderImplEthereum"] = impl.Hex()
	res.Params["TokenLayoutEthereum"] = tokenLayout(ctx, ec, token)
	res.Params["ColdAddressEthereum"] = cold.Hex()
	res.Params["MultisendEthereum"] = multisendAt.Hex() // ---- batch: payout batches ----
	res.Params["MulticallEthereum"] = multicallAt.Hex() // ---- holdings ----
	seedFile := filepath.Join(s.Opts.State, "cold-seed.hex")
	if err := os.WriteFile(seedFile, []byte(hex.EncodeToString(devColdSeed())+"\n"), 0o600); err != nil {
		return err
	}
	s.Env["STABLEGATE_COLD_SEED"] = seedFile
	s.Env["STABLEGATE_USDT_ETHEREUM"] = token.Hex()
	s.Env["STABLEGATE_CHAIN_INFO"] = infoPath
	return nil
}

func (s *Stack) waitReceipt(ctx context.Context, ec *ethclient.Client, h common.Hash) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := ec.TransactionReceipt(ctx, h); err == nil {
			if r.Status != 1 {
				return fmt.Errorf("devstack: transaction %s failed", h.Hex())
			}
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("devstack: transaction %s not mined in 30 s", h.Hex())
}

// tokenLayout names the storage layout of the token at addr: Tether's for
// the faithful token, TestUSDT's for a token deployed by an older stack
// (kept state). The faithful token answers maximumFee(); TestUSDT has none.
func tokenLayout(ctx context.Context, ec *ethclient.Client, addr common.Address) string {
	t, err := benchtoken.NewTetherUSDTCaller(addr, ec)
	if err != nil {
		return "testusdt"
	}
	if _, err := t.MaximumFee(&bind.CallOpts{Context: ctx}); err != nil {
		return "testusdt"
	}
	return "tether"
}
