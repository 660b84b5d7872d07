package tron

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/stablegate/stablegate/shared/address"
	"github.com/stablegate/stablegate/shared/chain/erc20"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sweeping Tron deposits (infra/chains.md, "Sweeping (Tron)"). A Tron
// deposit address is a BIP-32 key kept offline, and TVM forwarders cannot
// be run here, so each address signs one transaction in its life, offline:
// approve(hot, unlimited) on the USDT contract (a grant, carried across the
// air gap by package airgap). The sweeper carries a signed grant out
// for each address: it creates the account if it does not exist (tokens
// received do not create one), lends it the energy the approve needs from
// the hot account's staked TRX, broadcasts the approve, and takes the
// energy back, so the address never holds TRX and nothing is left there.
// From then on the hot key alone sweeps the address: one
// transferFrom(address, hot, balance) per address, paid from the hot
// account's energy or TRX, moving everything the address holds.

// GrantStore is the storage a grant and a sweep use (the dynamo adapter
// implements it).
type GrantStore interface {
	TxStore
	SweepMarks(ctx context.Context, scope string, limit int32) ([]sg.SweepMark, error)
	OpenSweep(ctx context.Context, scope string) (sg.Sweep, bool, error)
	StartSweep(ctx context.Context, scope string, sw sg.Sweep) error
	EndSweepEach(ctx context.Context, scope string, sw sg.Sweep, swept func(sg.SweepMark) bool) error
	ClearMarks(ctx context.Context, scope string, marks []sg.SweepMark) error
	OpenTronGrant(ctx context.Context, scope string) (string, bool, error)
	TronGrant(ctx context.Context, id string, byKey bool) (sg.GrantRecord, error)
	MoveTronGrant(ctx context.Context, r sg.GrantRecord, from, to string, signed []byte, outcome map[string]string, j sg.JournalEntry) error
	PutGranted(ctx context.Context, scope, addr, spender, grant string) error
	Granted(ctx context.Context, scope string) (map[string]string, error)
}

// SweepScope is the scope of the Tron token's sweep marks and grants.
func SweepScope(token address.Account) string { return "tron#" + token.Tron() }

// Grant outcomes per address.
const (
	GrantApproved = "approved"
	GrantFailed   = "failed"
)

// Sweeper carries out signed grants and sweeps granted addresses.
type Sweeper struct {
	Send  *Sender
	Token address.Account
	Store GrantStore
	// Batch bounds the addresses of one sweep (0: 50).
	Batch int
	// Signed opens a signed grant file (airgap.SignedApproves;
	// given by the caller so this package links no bundle code): the
	// addresses in order and each one's signed approve.
	Signed func(file []byte) (addrs []string, txs [][]byte, err error)
}

// SweepResult says what one run did.
type SweepResult struct {
	Grant        string `json:"grant,omitempty"`
	GrantPending int    `json:"grant_pending,omitempty"`
	GrantDone    bool   `json:"grant_done,omitempty"`
	Started      string `json:"started,omitempty"`
	Sent         int    `json:"sent,omitempty"`
	Ended        string `json:"ended,omitempty"`
	Swept        int    `json:"swept,omitempty"`
	Waiting      int    `json:"waiting,omitempty"`
}

func (s *Sweeper) scope() string { return SweepScope(s.Token) }

// Run advances the grant being carried out, then follows the sweep in
// flight to its end or starts the next one.
func (s *Sweeper) Run(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	hot, err := s.Send.Signer.Address(ctx)
	if err != nil {
		return res, err
	}
	if err := s.grant(ctx, hot, &res); err != nil {
		return res, err
	}
	return res, s.sweep(ctx, hot, &res)
}

// followOrSend follows key's transaction, or signs and sends it when none
// is kept yet (the first time, or after a crash before the send).
func (s *Sweeper) followOrSend(ctx context.Context, key string, build Build) (Status, error) {
	st, err := s.Send.Follow(ctx, key, build)
	if errors.Is(err, sg.ErrNotFound) {
		_, err = s.Send.Send(ctx, key, build)
		return Status{}, err
	}
	return st, err
}

func (s *Sweeper) grant(ctx context.Context, hot address.Account, res *SweepResult) error {
	id, signed, err := s.Store.OpenTronGrant(ctx, s.scope())
	if err != nil || !signed {
		return err
	}
	r, err := s.Store.TronGrant(ctx, id, false)
	if err != nil {
		return err
	}
	addrs, txs, err := s.Signed(r.Signed)
	if err != nil {
		return sg.Internal("tron.Grant", err)
	}
	res.Grant = id
	outcome := map[string]string{}
	for i, a := range addrs {
		o, err := s.grantStep(ctx, id, hot, a, txs[i])
		if err != nil {
			return err
		}
		if o == "" {
			res.GrantPending++
			continue
		}
		outcome[a] = o
	}
	if res.GrantPending > 0 {
		return nil
	}
	for a, o := range outcome {
		if o == GrantApproved {
			if err := s.Store.PutGranted(ctx, s.scope(), a, hot.Tron(), id); err != nil {
				return err
			}
		}
	}
	approved := 0
	for _, o := range outcome {
		if o == GrantApproved {
			approved++
		}
	}
	j := sg.JournalEntry{At: time.Now().UTC(), Actor: "sweeper", Action: "tron_grant.done", Subject: id,
		Detail: fmt.Sprintf("%d of %d addresses approved %s", approved, len(outcome), hot.Tron())}
	err = s.Store.MoveTronGrant(ctx, r, sg.GrantSigned, sg.GrantDone, nil, outcome, j)
	if errors.Is(err, sg.ErrStateChanged) {
		err = nil // another run ended it
	}
	res.GrantDone = err == nil
	return err
}

// grantStep takes one address of a grant as far as it can go now and
// returns its outcome once everything it lent is back ("" before). Each
// step is derived from the chain and the kept transactions, so a run that
// stops part way is taken up by the next.
func (s *Sweeper) grantStep(ctx context.Context, grant string, hot address.Account, addr string, approve []byte) (string, error) {
	acct, err := address.Parse(sg.Tron, addr)
	if err != nil {
		return "", sg.Internal("tron.Grant", err)
	}
	key := "trongrant#" + grant + "#" + addr
	info, err := s.Send.Grid.Account(ctx, addr)
	if err != nil {
		return "", sg.Unavailable("tron.Grant", err)
	}
	// 1. The account, created by the hot key if it does not exist.
	if !info.Exists {
		st, err := s.followOrSend(ctx, key+"#create", func(ctx context.Context, h Header) (Tx, error) {
			return CreateAccount(hot, acct, h), nil
		})
		if err != nil || !st.Found || (st.Success && !st.Solid) {
			return "", err
		}
		if !st.Success {
			return GrantFailed, nil
		}
		// Solid and successful, yet the account is not seen: a node
		// behind; look again next run.
		return "", nil
	}
	// 2. The approve's energy, lent by the hot account.
	st, err := s.followOrSend(ctx, key+"#delegate", func(ctx context.Context, h Header) (Tx, error) {
		return s.delegation(ctx, hot, acct, h)
	})
	if err != nil || !st.Found || (st.Success && !st.Solid) {
		return "", err
	}
	if !st.Success {
		return GrantFailed, nil // nothing was lent
	}
	// 3. The approve, signed offline.
	outcome := ""
	ast, err := s.Send.Follow(ctx, key+"#approve", nil)
	if errors.Is(err, sg.ErrNotFound) {
		var tx SignedTx
		if err := json.Unmarshal(approve, &tx); err != nil {
			return "", sg.Internal("tron.Grant", err)
		}
		if err := s.Send.Keep(ctx, key+"#approve", approve, tx.TxID); err != nil {
			return "", err
		}
		return "", s.Send.Broadcast(ctx, key+"#approve")
	}
	switch {
	case err != nil:
		return "", err
	case ast.Expired, ast.Found && !ast.Success:
		outcome = GrantFailed
	case ast.Found && ast.Solid:
		outcome = GrantApproved
	default:
		return "", nil
	}
	// 4. The energy, taken back.
	rst, err := s.followOrSend(ctx, key+"#reclaim", func(ctx context.Context, h Header) (Tx, error) {
		lent, err := s.lent(ctx, key+"#delegate")
		if err != nil {
			return Tx{}, err
		}
		return DelegateEnergy(hot, acct, lent, true, h), nil
	})
	if err != nil || !rst.Found || !rst.Solid {
		return "", err
	}
	return outcome, nil
}

// delegation lends acct the energy its approve needs (with a fifth more
// for safety), in whole TRX of the hot account's stake.
func (s *Sweeper) delegation(ctx context.Context, hot, acct address.Account, h Header) (Tx, error) {
	energy, _, err := s.Send.Grid.Constant(ctx, acct.Tron(), s.Token.Tron(), "approve(address,uint256)", erc20.Approve(hot, erc20.Unlimited))
	if err != nil {
		return Tx{}, sg.Unavailable("tron.Grant", err)
	}
	res, err := s.Send.Grid.AccountResources(ctx, hot.Tron())
	if err != nil {
		return Tx{}, sg.Unavailable("tron.Grant", err)
	}
	sun, ok := res.StakeForEnergy(energy + energy/5)
	if !ok {
		return Tx{}, sg.Unavailable("tron.Grant", errors.New("the node gives no energy totals"))
	}
	if can, err := s.Send.Grid.CanDelegateEnergy(ctx, hot.Tron()); err != nil {
		return Tx{}, sg.Unavailable("tron.Grant", err)
	} else if can < sun {
		return Tx{}, ErrNotEnoughStake
	}
	return DelegateEnergy(hot, acct, sun, false, h), nil
}

// ErrNotEnoughStake: the hot account has too little TRX staked for energy
// to lend an address what its approve needs.
var ErrNotEnoughStake = &sg.Error{Kind: sg.KindUnavailable, Code: "tron_stake_too_small",
	Message: "the hot account has too little TRX staked for energy to lend a deposit address its approve; stake more (FreezeBalanceV2, ENERGY)"}

// lent is the sun a kept delegation lent.
func (s *Sweeper) lent(ctx context.Context, key string) (int64, error) {
	kept, err := s.Store.SignedTx(ctx, key)
	if err != nil {
		return 0, err
	}
	var tx SignedTx
	if err := json.Unmarshal(kept.Raw, &tx); err != nil {
		return 0, sg.Internal("tron.Grant", err)
	}
	raw, _ := hex.DecodeString(tx.RawDataHex)
	parsed, err := Parse(raw)
	if err != nil || parsed.Type != TypeDelegateResource {
		return 0, sg.Internal("tron.Grant", errors.New("the kept delegation does not parse"))
	}
	return parsed.Balance, nil
}

func (s *Sweeper) sweepKey(sweep, addr string) string { return "tronsweep#" + sweep + "#" + addr }

// pull is the transferFrom of everything addr holds to the hot address,
// read when it is signed.
func (s *Sweeper) pull(hot, addr address.Account) Build {
	return func(ctx context.Context, h Header) (Tx, error) {
		bal, err := s.balance(ctx, addr)
		if err != nil {
			return Tx{}, err
		}
		if bal.Sign() == 0 {
			return Tx{}, errNothingToSweep
		}
		return Call(hot, s.Token, erc20.TransferFrom(addr, hot, bal), h), nil
	}
}

var errNothingToSweep = errors.New("tron: nothing to sweep")

func (s *Sweeper) balance(ctx context.Context, a address.Account) (*big.Int, error) {
	_, out, err := s.Send.Grid.Constant(ctx, a.Tron(), s.Token.Tron(), "balanceOf(address)", erc20.BalanceOf(a))
	if err != nil || len(out) < 32 {
		return nil, sg.Unavailable("tron.Sweep", errors.Join(errors.New("balanceOf"), err))
	}
	return new(big.Int).SetBytes(out[:32]), nil
}

func (s *Sweeper) sweep(ctx context.Context, hot address.Account, res *SweepResult) error {
	open, ok, err := s.Store.OpenSweep(ctx, s.scope())
	if err != nil {
		return err
	}
	if ok {
		return s.follow(ctx, hot, open, res)
	}
	batch := s.Batch
	if batch == 0 {
		batch = 50
	}
	ready, waiting, err := marksByGrant(ctx, s.Store, s.Token, hot)
	if err != nil {
		return err
	}
	res.Waiting = len(waiting) // not granted to this hot key yet: the next grant lists them
	var take, empty []sg.SweepMark
	for _, m := range ready {
		if len(take) == batch {
			break
		}
		a, err := address.Parse(sg.Tron, m.Address)
		if err != nil {
			return sg.Internal("tron.Sweep", err)
		}
		bal, err := s.balance(ctx, a)
		if err != nil {
			return err
		}
		if bal.Sign() == 0 {
			empty = append(empty, m)
			continue
		}
		take = append(take, m)
	}
	if len(empty) > 0 {
		// Marked, yet holding nothing (swept with an earlier deposit).
		if err := s.Store.ClearMarks(ctx, s.scope(), empty); err != nil {
			return err
		}
	}
	if len(take) == 0 {
		return nil
	}
	sw := sg.Sweep{ID: sg.NewID("tsw", time.Now()), Marks: take}
	if err := s.Store.StartSweep(ctx, s.scope(), sw); err != nil {
		if errors.Is(err, sg.ErrStateChanged) {
			return nil // another run started one
		}
		return err
	}
	res.Started = sw.ID
	for _, m := range take {
		a, _ := address.Parse(sg.Tron, m.Address)
		if _, err := s.Send.Send(ctx, s.sweepKey(sw.ID, m.Address), s.pull(hot, a)); err != nil {
			return err
		}
		res.Sent++
	}
	return nil
}

// follow waits for every transfer of the open sweep to be solid or failed,
// then ends it: the marks of addresses swept go (unless a deposit came
// since), the others stay for the next sweep.
func (s *Sweeper) follow(ctx context.Context, hot address.Account, open sg.Sweep, res *SweepResult) error {
	swept := map[string]bool{}
	pending := 0
	for _, m := range open.Marks {
		a, err := address.Parse(sg.Tron, m.Address)
		if err != nil {
			return sg.Internal("tron.Sweep", err)
		}
		st, err := s.followOrSend(ctx, s.sweepKey(open.ID, m.Address), s.pull(hot, a))
		switch {
		case errors.Is(err, errNothingToSweep):
			continue // emptied meanwhile: nothing was sent
		case err != nil:
			return err
		case !st.Found, st.Success && !st.Solid:
			pending++
		case st.Success:
			swept[m.Address] = true
		}
	}
	if pending > 0 {
		return nil
	}
	if err := s.Store.EndSweepEach(ctx, s.scope(), open, func(m sg.SweepMark) bool { return swept[m.Address] }); err != nil {
		return err
	}
	res.Ended, res.Swept = open.ID, len(swept)
	return nil
}

// marksByGrant splits the addresses waiting to be swept into those granted
// to hot and those not (the hot address itself, never a deposit address,
// is in neither).
func marksByGrant(ctx context.Context, st GrantStore, token, hot address.Account) (ready, waiting []sg.SweepMark, err error) {
	marks, err := st.SweepMarks(ctx, SweepScope(token), 1000)
	if err != nil || len(marks) == 0 {
		return nil, nil, err
	}
	granted, err := st.Granted(ctx, SweepScope(token))
	if err != nil {
		return nil, nil, err
	}
	for _, m := range marks {
		switch {
		case granted[m.Address] == hot.Tron():
			ready = append(ready, m)
		case m.Address != hot.Tron():
			waiting = append(waiting, m)
		}
	}
	return ready, waiting, nil
}

// GrantCandidates lists up to limit marked addresses not granted to hot,
// for the next grant.
func GrantCandidates(ctx context.Context, st GrantStore, token, hot address.Account, limit int) ([]sg.SweepMark, error) {
	_, waiting, err := marksByGrant(ctx, st, token, hot)
	return waiting[:min(limit, len(waiting))], err
}
