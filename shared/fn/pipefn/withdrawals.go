package pipefn

import (
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/stablegate/stablegate/shared/api/refundends"
	"github.com/stablegate/stablegate/shared/awsenv"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/dynamo"
	"github.com/stablegate/stablegate/shared/fn/acquirefn/acquiretable"
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/ledger"
	"github.com/stablegate/stablegate/shared/obs"
	"github.com/stablegate/stablegate/shared/queue"
	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// WithdrawalsService builds the withdrawal pipeline from TABLE_NAME,
// with freezes but no policy step (payoutfn.Withdrawals adds the one
// policy; a pipeline without a policy refuses to approve anything), the
// tier limits' settlement of every payout that ends (whichever function
// ends it: the worker, the tracker, a cancel, an approver, the expiry),
// WITHDRAWALS_QUEUE_URL and the fee quotes WITHDRAWAL_FEE_ETHEREUM and
// WITHDRAWAL_FEE_TRON (decimal USDT).
func WithdrawalsService(env Env) (*ledger.Withdrawals, *dynamo.Store, error) {
	if err := core.Required(env, "WITHDRAWALS_QUEUE_URL", "WITHDRAWAL_FEE_ETHEREUM", "WITHDRAWAL_FEE_TRON"); err != nil {
		return nil, nil, err
	}
	st, err := core.Store(env)
	if err != nil {
		return nil, nil, err
	}
	fees, _, err := acquiretable.WithdrawalFees(env)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := awsenv.Config(awsenv.Getenv(env))
	if err != nil {
		return nil, nil, err
	}
	ep := awsenv.Endpoint(awsenv.Getenv(env), "SQS")
	q := sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = ep })
	stl, err := SettlementService(env, st)
	if err != nil {
		return nil, nil, err
	}
	return &ledger.Withdrawals{
		Service: core.Ledger(st), Mover: st.Ledger, Queue: &queue.FIFO{Client: q, URL: env("WITHDRAWALS_QUEUE_URL")},
		Freezes: st.Custody, Fee: func(c sg.Chain) sg.Amount { return fees[c] }, Quotes: st.Withdrawals,
		Destinations: st.Watch, Waits: st.Withdrawals, Tokens: tokens(env),
		// The tier limits, then the settlement a payout pays (if any), or
		// the refund a payout ended unpaid gives back.
		Settler: settlement.PayoutSettler{Svc: stl,
			Refunds: refundends.RefundEnds{Invoices: acquiretable.InvoiceStore(st), Transfers: st.Ledger, Svc: stl, Log: obs.NewLogger(os.Stdout, "settlement")},
			Next:    compliance.LimitPolicy{Limits: &compliance.Limits{Store: st.Customers, Counters: st.Customers, Now: time.Now}, Wallets: st.Wallets}},
	}, st, nil
}

// tokens are the deployment's token contracts named in the environment
// (USDT_CONTRACT_<CHAIN>; the mainnet ones are always refused).
func tokens(env Env) map[sg.Chain][]string {
	out := map[sg.Chain][]string{}
	for _, c := range sg.Chains {
		if a := env("USDT_CONTRACT_" + strings.ToUpper(string(c))); a != "" {
			out[c] = []string{a}
		}
	}
	return out
}
