// Command courses-attempt is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/coursefn"
)

func main() { core.Start("courses-attempt", coursefn.CoursesAttempt) }
