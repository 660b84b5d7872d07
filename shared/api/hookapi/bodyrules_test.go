package hookapi_test

import (
	"github.com/stablegate/stablegate/shared/httpapi"
	"github.com/stablegate/stablegate/shared/httpapi/bodyrules"
)

// The bodies are checked as in a function whose route takes one
// (bodyfn.Start installs these rules at init).
func init() { httpapi.UseBodyRules(bodyrules.Check) }
