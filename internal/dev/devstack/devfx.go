package devstack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// DevFxPath serves the local stack's moving rate feed: the market
// channel's dev source (the template's MarketFxUrl points the publisher
// at it). {"rates":{"EUR":"0.9204",...}} around DevFxRates, each rate
// moving by up to 0.5% in steps every few seconds, so a subscriber sees
// market.updated pushes; a real deployment points MarketFxUrl at its
// rate provider instead. Integer arithmetic only.
const DevFxPath = "/dev-fx"

func devFxHandler(now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A triangle wave of period 40 steps of 5 s: k in -10..10.
		step := now().Unix() / 5
		k := step%40 - 20
		if k < 0 {
			k = -k
		}
		k -= 10
		out := map[string]string{}
		for _, item := range strings.Split(DevFxRates, ",") {
			cur, rate, _ := strings.Cut(item, "=")
			base, err := sg.ParseAmount(rate, 6) // micro-units of fiat per USDT
			if err != nil {
				continue
			}
			moved := int64(base) + int64(base)*k/2000 // up to ±0.5%
			out[cur] = sg.Amount(moved).Format(6)
		}
		w.Header().Set("content-type", "application/json")
		if err := json.NewEncoder(w).Encode(map[string]any{"rates": out, "at": now().UTC().Format(time.RFC3339)}); err != nil {
			fmt.Println("dev-fx:", err)
		}
	})
}
