// Package bodyfn starts the functions whose routes take a request body
// (POST, PUT, PATCH, DELETE): as httpfn.Start, with the body rules of
// package bodyrules installed first, so httpapi.Decode checks every body's
// `validate` tags. The read routes start through httpfn.Start and link no
// validator (issue 18); a test in tests/ holds each main to the start its
// route's method needs.
package bodyfn

import (
	"context"

	"github.com/stablegate/stablegate/shared/fn/httpfn"
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/httpapi/bodyrules"
)

// Start installs the body rules and starts the function as httpfn.Start.
func Start[H any](name string, b func(context.Context, httpfn.Env) (H, error)) {
	httpapi.UseBodyRules(bodyrules.Check)
	httpfn.Start(name, b)
}
