// Command courses-progress is the Lambda function behind one API route (see template.yaml).
package main

import "github.com/stablegate/stablegate/shared/fn"

func main() { fn.Start("courses-progress", fn.CoursesProgress) }
