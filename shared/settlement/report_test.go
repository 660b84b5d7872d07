package settlement_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stablegate/stablegate/shared/settlement"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// The report carries every line, the totals and the rates used; its totals
// equal the sum of its lines; the CSV defuses formula cells and keeps
// negative amounts as numbers.
func TestReport(t *testing.T) {
	f := newFixture(t)
	f.config(t, daily(sg.Ethereum, 17))
	f.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: pct("1.5")})
	inv := f.invoice("100", pay{sg.Ethereum, "100"})
	inv.Fiat = &sg.FiatPrice{Currency: "EUR", Amount: "92.00", Rate: "0.92"}
	f.addPaid(t, inv)
	f.addPaid(t, f.invoice("10", pay{sg.Ethereum, "10"}))
	evil := "=HYPERLINK(\"http://x\",\"y\")"
	if _, err := f.svc.AddRefund(ctx, f.tn, settlement.Reversal{ID: evil, Chain: sg.Ethereum, Amount: usdt("2.5")}); err != nil {
		t.Fatal(err)
	}
	s := f.open(t, sg.Ethereum)

	t.Run("json has every line, the totals and the rates", func(t *testing.T) {
		body, typ, err := f.svc.Report(ctx, f.tn, s.ID, settlement.FormatJSON)
		if err != nil || typ != "application/json" {
			t.Fatalf("Report: %s, %v", typ, err)
		}
		var v settlement.ReportView
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Lines) != 3 || len(v.Rates) != 1 || v.Rates[0] != (settlement.RateView{Currency: "EUR", Rate: "0.92", Lines: 1}) {
			t.Fatalf("lines %d rates %+v", len(v.Lines), v.Rates)
		}
		var net, fees sg.Amount
		for _, l := range v.Lines {
			net += usdt(strings.TrimPrefix(l.Net, "-")) * sign(l.Net)
			fees += usdt(l.Fee)
		}
		if v.Totals.Net != net.String() || v.Totals.Fees != fees.String() || v.Totals.Net != "105.850000" || v.Totals.Refunds != "-2.500000" {
			t.Fatalf("totals %+v; lines sum to net %s fees %s", v.Totals, net, fees)
		}
	})
	t.Run("csv defuses formulas and keeps amounts numeric", func(t *testing.T) {
		body, typ, err := f.svc.Report(ctx, f.tn, s.ID, settlement.FormatCSV)
		if err != nil || !strings.HasPrefix(typ, "text/csv") {
			t.Fatalf("Report: %s, %v", typ, err)
		}
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(rows[0]) != fmt.Sprint(settlement.CSVHeader) {
			t.Fatalf("header %v", rows[0])
		}
		refund := rows[3]
		if refund[3] != "'"+evil || refund[8] != "-2.500000" {
			t.Fatalf("refund row %q", refund)
		}
		if last := rows[len(rows)-1]; last[0] != "rate" || last[11] != "EUR" || last[12] != "0.92" {
			t.Fatalf("rate row %q", last)
		}
		if rows[len(rows)-2][2] != "net" || rows[len(rows)-2][8] != "105.850000" {
			t.Fatalf("net row %q", rows[len(rows)-2])
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		if _, _, err := f.svc.Report(ctx, f.tn, s.ID, "xlsx"); !errors.Is(err, sg.ErrReportFormat) {
			t.Fatalf("xlsx: %v", err)
		}
	})
}

func sign(s string) sg.Amount {
	if strings.HasPrefix(s, "-") {
		return -1
	}
	return 1
}

// Property: whatever the sequence of invoices (on either chain, over- and
// under-paid), refunds and chargebacks, across closes, every settlement's
// totals equal the sum of its lines to the base unit, each line has
// net = gross - fee and a fee no more than shown, and the liabilities equal
// the unpaid settlements' nets.
func TestTotalsEqualSumOfLines(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 16))
			f := newFixture(t)
			f.svc.Fees.Network = netFees{sg.Ethereum: usdt("0.7"), sg.Tron: usdt("1.1")}
			tronCfg := daily(sg.Tron, 17)
			tronCfg.Destination = sg.SettlementDestination{Chain: sg.Ethereum, Address: ethAddr}
			f.config(t, tronCfg)
			f.config(t, sg.SettlementConfig{Chain: sg.Ethereum, Mode: sg.SettleScheduled, Schedule: sg.ScheduleThreshold, Threshold: usdt("500")})
			f.schedule(t, sg.Ethereum, sg.FeeSchedule{Percent: sg.FeeRate(r.IntN(50_000)), Fixed: sg.Amount(r.IntN(500_000)),
				Min: usdt("0.2"), Max: usdt("9"), NetworkFee: sg.NetworkPassThrough})
			f.schedule(t, sg.Tron, sg.FeeSchedule{Percent: sg.FeeRate(r.IntN(50_000)), NetworkFee: sg.NetworkAbsorb})
			for i := range 60 {
				c := sg.Chains[r.IntN(2)]
				switch r.IntN(5) {
				case 0:
					if _, err := f.svc.AddRefund(ctx, f.tn, settlement.Reversal{ID: fmt.Sprint("tr_r", i), Chain: c, Amount: sg.Amount(1 + r.IntN(20_000_000))}); err != nil {
						t.Fatal(err)
					}
				case 1:
					f.tick(time.Duration(r.IntN(20)) * time.Hour)
					if _, err := f.svc.CloseDue(ctx, f.now); err != nil {
						t.Fatal(err)
					}
				default:
					amount := sg.Amount(1 + r.IntN(200_000_000))
					paid := amount + sg.Amount(r.IntN(3_000_000))
					inv := f.invoice(amount.String(), pay{c, paid.String()})
					if r.IntN(4) == 0 {
						f.tick(time.Minute)
						f.schedule(t, c, sg.FeeSchedule{Percent: sg.FeeRate(r.IntN(80_000)), NetworkFee: sg.NetworkPassThrough})
					}
					f.addPaid(t, inv)
				}
			}
			all, _, err := f.svc.List(ctx, f.tn, sg.Page{})
			if err != nil {
				t.Fatal(err)
			}
			owed := map[sg.Chain]sg.Amount{}
			for _, s := range all {
				ls := f.lines(t, s.ID)
				if got := sg.TotalsOf(ls); got != s.Totals || len(ls) != s.LineCount {
					t.Fatalf("%s: totals %+v over %d lines; the lines sum to %+v over %d", s.ID, s.Totals, s.LineCount, got, len(ls))
				}
				for _, l := range ls {
					if l.Net != l.Gross-l.Fee || (l.Kind == sg.LineInvoice && l.Fee > l.FeeShown) {
						t.Fatalf("%s: line %+v", s.ID, l)
					}
				}
				if s.Status != sg.SettlementPaid {
					owed[s.Chain] += s.Totals.Net
				}
			}
			liab, _ := f.svc.Liabilities(ctx)
			for _, c := range sg.Chains {
				if liab[c] != owed[c] {
					t.Fatalf("liabilities %v; unpaid settlements owe %v", liab, owed)
				}
			}
		})
	}
}

// Rebalance covers each shortfall from the largest surplus first, then
// from the short chain's cold wallet.
func TestRebalance(t *testing.T) {
	E, T := sg.Ethereum, sg.Tron
	cases := []struct {
		name        string
		liabilities map[sg.Chain]sg.Amount
		liquidity   map[sg.Chain]sg.Amount
		want        []settlement.Instruction
	}{
		{"nothing short, nothing to do", map[sg.Chain]sg.Amount{E: 100}, map[sg.Chain]sg.Amount{E: 100, T: 5}, nil},
		{"short on ethereum, tron has enough", map[sg.Chain]sg.Amount{E: 100, T: 10}, map[sg.Chain]sg.Amount{E: 40, T: 200},
			[]settlement.Instruction{{From: T, To: E, Amount: 60, Source: settlement.SourceHot}}},
		{"tron's surplus is not enough: the rest from cold", map[sg.Chain]sg.Amount{E: 100}, map[sg.Chain]sg.Amount{E: 10, T: 30},
			[]settlement.Instruction{{From: T, To: E, Amount: 30, Source: settlement.SourceHot}, {From: E, To: E, Amount: 60, Source: settlement.SourceCold}}},
		{"no liquidity anywhere", map[sg.Chain]sg.Amount{T: 7}, nil,
			[]settlement.Instruction{{From: T, To: T, Amount: 7, Source: settlement.SourceCold}}},
		{"negative liabilities owe nothing", map[sg.Chain]sg.Amount{E: -50}, map[sg.Chain]sg.Amount{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := settlement.Rebalance(c.liabilities, c.liquidity)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("Rebalance = %v; want %v", got, c.want)
			}
		})
	}
}

// Fee schedule and config bodies: read strictly, named refusals, and what
// is read survives a round trip.
func TestDecodeBodies(t *testing.T) {
	cases := []struct {
		name string
		body string
		err  error
	}{
		{"percent as a string", `{"chain":"tron","percent":"2.9","fixed":"0.30","network_fee":"absorb"}`, nil},
		{"percent in basis points", `{"chain":"tron","percent_bps":290,"network_fee":"pass_through"}`, nil},
		{"both forms", `{"chain":"tron","percent":"2.9","percent_bps":290,"network_fee":"absorb"}`, sg.ErrFeeRateInvalid},
		{"five decimals of a percent", `{"chain":"tron","percent":"2.00001","network_fee":"absorb"}`, sg.ErrFeeRateInvalid},
		{"over 100 percent", `{"chain":"tron","percent":"100.0001","network_fee":"absorb"}`, sg.ErrFeeRateInvalid},
		{"a float for a percent", `{"chain":"tron","percent":2.9,"network_fee":"absorb"}`, sg.ErrInvalidJSON},
		{"min above max", `{"chain":"tron","min":"5","max":"1","network_fee":"absorb"}`, sg.ErrFeeBoundsInverted},
		{"unknown field", `{"chain":"tron","network_fee":"absorb","surcharge":"1"}`, sg.ErrUnknownField},
		{"unknown network mode", `{"chain":"tron","network_fee":"maybe"}`, sg.ErrValidation},
		{"seven decimals", `{"chain":"tron","fixed":"0.0000001","network_fee":"absorb"}`, sg.ErrAmountPrecision},
		{"trailing data", `{"chain":"tron","network_fee":"absorb"} {}`, sg.ErrInvalidJSON},
	}
	for _, c := range cases {
		t.Run("fee schedule/"+c.name, func(t *testing.T) {
			f, err := settlement.DecodeFeeSchedule("t1", []byte(c.body))
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v; want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Percent != sg.FeeRateBPS(290) && f.Percent != 0 {
				t.Fatalf("percent %d", f.Percent)
			}
		})
	}
	cfgs := []struct {
		name string
		body string
		err  error
	}{
		{"daily", `{"chain":"tron","mode":"scheduled","schedule":"daily","cutoff_hour":17,"destination":{"chain":"ethereum","address":"` + ethAddr + `"},"min_payout":"10"}`, nil},
		{"threshold", `{"chain":"tron","mode":"scheduled","schedule":"threshold","threshold":"500","destination":{"chain":"tron","address":"` + tronAddr + `"}}`, nil},
		{"instant", `{"chain":"ethereum","mode":"instant","destination":{"chain":"ethereum","address":"` + ethAddr + `"}}`, nil},
		{"cut-off hour 24", `{"chain":"tron","mode":"scheduled","schedule":"daily","cutoff_hour":24,"destination":{"chain":"tron","address":"x"}}`, sg.ErrValidation},
		{"threshold without amount", `{"chain":"tron","mode":"scheduled","schedule":"threshold","destination":{"chain":"tron","address":"x"}}`, sg.ErrValidation},
		{"instant with a schedule", `{"chain":"tron","mode":"instant","schedule":"daily","destination":{"chain":"tron","address":"x"}}`, sg.ErrValidation},
		{"no destination", `{"chain":"tron","mode":"instant"}`, sg.ErrValidation},
	}
	for _, c := range cfgs {
		t.Run("config/"+c.name, func(t *testing.T) {
			cfg, err := settlement.DecodeConfig("t1", []byte(c.body))
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v; want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(settlement.EncodeConfig(cfg))
			back, err := settlement.DecodeConfig("t1", b)
			if err != nil || back != cfg {
				t.Fatalf("round trip: %+v, %v; want %+v", back, err, cfg)
			}
		})
	}
}

// FuzzParsePercent: a percent string is refused by name or read exactly:
// printed back it reads to the same rate.
func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"2.9", "0", "100", "0.0001", "100.0001", "1e2", "-1", "01", "2.", ".5", "2.90000", " 1", "99.9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := sg.ParsePercent(s)
		if err != nil {
			if !errors.Is(err, sg.ErrFeeRateInvalid) {
				t.Fatalf("%q: unnamed refusal %v", s, err)
			}
			return
		}
		if r < 0 || r > sg.MaxFeeRate {
			t.Fatalf("%q read as %d", s, r)
		}
		back, err := sg.ParsePercent(r.Percent())
		if err != nil || back != r {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, r, r.Percent(), back, err)
		}
	})
}

// FuzzDecodeFeeSchedule: any body is a named refusal or a valid schedule
// that survives a round trip, and its fee on any amount is within bounds.
func FuzzDecodeFeeSchedule(f *testing.F) {
	f.Add([]byte(`{"chain":"tron","percent":"2.9","fixed":"0.30","min":"0.5","max":"10","network_fee":"absorb"}`), int64(1_000_000))
	f.Add([]byte(`{"chain":"ethereum","percent_bps":1,"network_fee":"pass_through","version":3}`), int64(5000))
	f.Add([]byte(`{"chain":"tron","percent":2.9}`), int64(0))
	f.Fuzz(func(t *testing.T, body []byte, amount int64) {
		s, err := settlement.DecodeFeeSchedule("t1", body)
		if err != nil {
			if sg.KindOf(err) != sg.KindInvalid {
				t.Fatalf("unnamed refusal %v", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded an invalid schedule: %v", err)
		}
		b, _ := json.Marshal(settlement.EncodeFeeSchedule(s))
		back, err := settlement.DecodeFeeSchedule("t1", b)
		if err != nil || back != s {
			t.Fatalf("round trip %s: %+v, %v; want %+v", b, back, err, s)
		}
		if amount < 0 {
			amount = -(amount + 1)
		}
		fee := s.FeeOn(sg.Amount(amount))
		var sum sg.Amount
		for _, l := range fee.Lines {
			sum += l.Amount
		}
		if fee.Amount != sum || fee.Amount < 0 || fee.Amount > sg.Amount(amount) || (s.Max > 0 && fee.Amount > s.Max) {
			t.Fatalf("fee %s on %d: lines %+v", fee.Amount, amount, fee.Lines)
		}
	})
}

// FuzzDecodeConfig: any body is a named refusal or a valid config that
// survives a round trip.
func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte(`{"chain":"tron","mode":"scheduled","schedule":"daily","cutoff_hour":17,"destination":{"chain":"ethereum","address":"0xabc"},"min_payout":"10"}`))
	f.Add([]byte(`{"chain":"tron","mode":"scheduled","schedule":"threshold","threshold":"500","destination":{"chain":"tron","address":"T"}}`))
	f.Add([]byte(`{"chain":"ethereum","mode":"instant","destination":{"chain":"ethereum","address":"x"},"extra":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := settlement.DecodeConfig("t1", body)
		if err != nil {
			if sg.KindOf(err) != sg.KindInvalid {
				t.Fatalf("unnamed refusal %v", err)
			}
			return
		}
		b, _ := json.Marshal(settlement.EncodeConfig(c))
		back, err := settlement.DecodeConfig("t1", b)
		if err != nil || back != c {
			t.Fatalf("round trip %s: %+v, %v; want %+v", b, back, err, c)
		}
	})
}
