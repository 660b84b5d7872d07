// Package anchorfn wires the scheduled audit-anchor function: it anchors
// the head of every audit chain with records since its last anchor, on
// Ethereum (the calldata of a 0-value transaction the anchor key sends to
// itself) and in the log itself (audit.AnchorNow's audit.anchored record),
// so a truncation after an anchor is found by the verifier. It is apart
// from auditfn so only this function links go-ethereum.
package anchorfn

import (
	"context"
	"fmt"

	"github.com/stablegate/stablegate/shared/anchor"
	"github.com/stablegate/stablegate/shared/audit"
	chaineth "github.com/stablegate/stablegate/shared/chain/ethereum"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/hotkeyfn"
	"github.com/stablegate/stablegate/shared/fn/kmsfn"
	"github.com/stablegate/stablegate/shared/kmssign"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Anchorer is where the job publishes heads, from the environment: with
// ETH_RPC_URL set, Ethereum (NETWORK_ETHEREUM's chain, checked against the
// node's chain id), signed by AUDIT_ANCHOR_KEY_ID (a KMS secp256k1 key of
// its own, never the hot key: it takes its account's pending nonce);
// without, the log only (anchor.Log: a truncation is then found by anyone
// who cannot also rewrite the anchors). It returns the anchor address too
// (zero for the log).
func Anchorer(ctx context.Context, env core.Env) (sg.Anchorer, string, error) {
	net, ok, err := core.Network(env, sg.Ethereum)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return anchor.Log{}, "", nil
	}
	keyID := env("AUDIT_ANCHOR_KEY_ID")
	if keyID == "" {
		return nil, "", fmt.Errorf("anchorfn: ETH_RPC_URL is set but AUDIT_ANCHOR_KEY_ID is not")
	}
	kc, err := kmsfn.Client(env)
	if err != nil {
		return nil, "", err
	}
	signer := &kmssign.Signer{KMS: kc, KeyID: keyID}
	from, err := chaineth.From(ctx, signer)
	if err != nil {
		return nil, "", fmt.Errorf("anchorfn: the anchor key: %w", err)
	}
	rpc := net.RPC[0]
	u, hc, err := hotkeyfn.ChainHTTP(env, net)
	if err != nil {
		return nil, "", err
	}
	node, err := chaineth.Dial(ctx, u, hc)
	if err != nil {
		return nil, "", err
	}
	chainID, err := node.ChainID(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("anchorfn: chain id from %s: %w", rpc, err)
	}
	if net.ChainID != 0 && chainID.Int64() != net.ChainID {
		return nil, "", fmt.Errorf("anchorfn: %s answers chain id %s, not %s's %d", rpc, chainID, net.Name, net.ChainID)
	}
	return anchor.Ethereum{Sender: &anchor.EthSender{Client: node, From: from, Sign: anchor.KMS(signer)}}, from.Hex(), nil
}

// AuditAnchor builds the scheduled job: audit.Service.AnchorAll over the
// scope index. Its result is the run (audit.AnchorRun). The anchor key's
// public key and the node's chain id are read at the first invocation,
// not at init (issue 18: a cold start makes no network call); a failure is
// not kept, the next invocation reads again.
func AuditAnchor(ctx context.Context, env core.Env) (core.Job, error) {
	st, err := core.Store(env)
	if err != nil {
		return nil, err
	}
	service := core.FirstUse(func(ctx context.Context) (*audit.Service, error) {
		an, _, err := Anchorer(ctx, env)
		if err != nil {
			return nil, err
		}
		return audit.New(st.Audit, an), nil
	})
	return func(ctx context.Context) (any, error) {
		s, err := service(ctx)
		if err != nil {
			return nil, err
		}
		return s.AnchorAll(ctx, st.Audit)
	}, nil
}
