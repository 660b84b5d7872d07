// Command history-projector is one Lambda function of Stablegate (see template.yaml).
package main

import (
	"github.com/stablegate/stablegate/shared/fn/core"
	"github.com/stablegate/stablegate/shared/fn/notifyfn/publishfn"
)

func main() { core.Start("history-projector", publishfn.HistoryProjector) }
