// Command journal-list is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/custodyfn"
)

func main() { core.Start("journal-list", custodyfn.JournalList) }
