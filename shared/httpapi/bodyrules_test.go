package httpapi

import (
	"github.com/stablegate/stablegate/shared/httpapi/bodyrules"
)

// The bodies are checked as in a function whose route takes one
// (bodyfn.Start installs these rules at init).
func init() { UseBodyRules(bodyrules.Check) }
