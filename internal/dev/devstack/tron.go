package devstack

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/stablegate/stablegate/internal/dev/tronfix"
	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/kmssign"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// devTronToken is the local Tron stand-in's USDT contract (a made-up
// account: the fixture holds balances itself).
var devTronToken = func() address.Account {
	a, err := address.Parse("tron", "TLWeB9NQebYAMzH1hh4LeSYLJv2rKLqqFm")
	if err != nil {
		panic(err)
	}
	return a
}()

// startTron serves the TronGrid fixture on base+600 as the local stack's
// Tron: no Tron node runs here, so Tron deposits and payouts go through it
// (internal/dev/tronfix). It mines four blocks a second and funds the hot
// key's Tron address and the platform's Tron cold address with test USDT
// and TRX.
func (s *Stack) startTron(ctx context.Context, res *Resolver, kc *kms.Client) error {
	fx := tronfix.New(devTronToken)
	if err := fx.Start(fmt.Sprintf("127.0.0.1:%d", s.Opts.port(600))); err != nil {
		return fmt.Errorf("devstack: tron fixture: %w", err)
	}
	s.tron = fx
	hot, err := (&kmssign.Signer{KMS: kc, KeyID: res.Refs["HotSigningKeyAlias"]}).Address(ctx)
	if err != nil {
		return err
	}
	fx.Mint(hot, 10_000_000_000_000)
	// TRX for the fees the hot key burns and to activate deposit addresses,
	// and TRX staked for energy it lends them while they approve the sweep
	// (infra/chains.md, "Sweeping (Tron)").
	fx.FundTRX(hot, 1_000_000_000_000)
	fx.StakeEnergy(hot, 200_000_000_000)
	// The dev faucet key (chain.json's faucet_key) holds test USDT on Tron too,
	// so tools and tests can make real deposits.
	faucet, err := address.FromPublicKey(crypto.FromECDSAPub(&devFaucetKey().PublicKey))
	if err != nil {
		return err
	}
	fx.Mint(faucet, 10_000_000_000_000)
	fx.FundTRX(faucet, 1_000_000_000_000)
	// The platform's Tron cold wallet (the dev cold seed's m/44'/195'/0'/0/0,
	// as chain.go's Ethereum one is its m/44'/60'/0'/0/0) holds test USDT and
	// the TRX its transfers burn. Its tokens are not in the books: only what
	// it pays to the hot wallet enters them, as float.
	_, coldAddr, err := airgap.TronColdKey(devColdSeed())
	if err != nil {
		return err
	}
	cold, err := address.Parse(sg.Tron, coldAddr)
	if err != nil {
		return err
	}
	fx.Mint(cold, 10_000_000_000_000)
	fx.FundTRX(cold, 10_000_000_000)
	// The stand-in keeps its chain in memory: each start is a new chain
	// whose hot wallet float is recorded anew (balances a persisted ledger
	// holds from an earlier start are not on it).
	if _, err := s.books.RecordFloat(ctx, sg.Tron, 10_000_000_000_000, fmt.Sprintf("dev-tron-float-%d", time.Now().UnixNano())); err != nil {
		return fmt.Errorf("devstack: record the Tron hot wallet's float: %w", err)
	}
	go func() {
		t := time.NewTicker(250 * time.Millisecond) // 4 blocks a second: solid in about 5 s
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fx.Mine(1)
			}
		}
	}()
	res.Params["TronNetwork"] = "dev"
	res.Params["TronGridUrl"] = fx.URL
	res.Params["UsdtContractTron"] = devTronToken.Tron()
	res.Params["ColdAddressTron"] = coldAddr
	// ---- tronms: Tron batch payouts ---- the stand-in runs a Multisend
	// owned by the hot key; batches' Tron rows are paid through it.
	ms := fx.DeployMultisend(hot)
	res.Params["MultisendTron"] = ms.Tron()
	s.Env["STABLEGATE_MULTISEND_TRON"] = ms.Tron()
	// ---- holdings: balances read a page per call ---- the stand-in runs
	// a Multicall; reconciliation reads the deposit addresses through it.
	res.Params["MulticallTron"] = fx.DeployMulticall().Tron()
	s.Env["STABLEGATE_TRON_COLD"] = coldAddr
	s.Env["STABLEGATE_TRON_GRID"] = fx.URL
	s.Env["STABLEGATE_USDT_TRON"] = devTronToken.Tron()
	return nil
}
