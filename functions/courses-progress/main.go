// Command courses-progress is the Lambda function behind one API route (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/coursefn/progressfn"
	"github.com/stablegate/stablegate/shared/fn/httpfn"
)

func main() { httpfn.Start("courses-progress", progressfn.CoursesProgress) }
