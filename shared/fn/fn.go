// Package fn wires each Lambda function: configuration from the environment,
// clients built once at init, the handler wrapped with logging and metrics.
// functions/<name>/main.go calls Start with its builder; the local gateway
// calls the same builders from Registry, so the same code runs in both.
package fn

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/stablegate/stablegate/shared/httpapi"
)

// Env reads one configuration variable (os.Getenv on Lambda; the template's
// resolved Environment in the local gateway).
type Env func(string) string

// Builder makes a function's handler from its environment.
type Builder func(ctx context.Context, env Env) (httpapi.Handler, error)

// Registry maps each folder under functions/ to its builder. A test checks it
// against functions/, template.yaml and the Makefile.
var Registry = map[string]Builder{
	"wallets-create":   WalletsCreate,
	"wallets-get":      WalletsGet,
	"wallets-list":     WalletsList,
	"wallets-balances": WalletsBalances,
}

// Start builds the handler once, at init, and hands it to the Lambda runtime.
func Start(name string, b Builder) {
	h, err := b(context.Background(), os.Getenv)
	if err != nil {
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("init failed", "function", name, "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h)
}

// Build returns the wrapped handler of a registered function.
func Build(ctx context.Context, name string, env Env) (httpapi.Handler, error) {
	b, ok := Registry[name]
	if !ok {
		return nil, fmt.Errorf("fn: no function %q", name)
	}
	return b(ctx, env)
}

func awsConfig(ctx context.Context) (aws.Config, error) {
	// Endpoints come from AWS_ENDPOINT_URL_* when set (local stack,
	// LocalStack); otherwise the SDK reaches AWS.
	return config.LoadDefaultConfig(ctx)
}

func required(env Env, names ...string) error {
	for _, n := range names {
		if env(n) == "" {
			return fmt.Errorf("fn: environment variable %s is not set", n)
		}
	}
	return nil
}
