// Command courses-attempt is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/coursefn"
	"github.com/stablegate/stablegate/shared/fn/httpfn/bodyfn"
)

func main() { bodyfn.Start("courses-attempt", coursefn.CoursesAttempt) }
