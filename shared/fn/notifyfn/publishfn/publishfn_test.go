package publishfn

import (
	"testing"
	"time"
)

func TestParseScheduleReadsWaitsAndRefusesTheRest(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []time.Duration
		ok   bool
	}{
		{"seconds", "1s,2s, 3s", []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, true},
		{"minutes and hours", "1m,5m,1h", []time.Duration{time.Minute, 5 * time.Minute, time.Hour}, true},
		{"a bare number", "1,2", nil, false},
		{"a zero wait", "0s", nil, false},
		{"a negative wait", "-1s", nil, false},
		{"more than a day", "25h", nil, false},
		{"empty", "", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseSchedule(c.in)
			if (err == nil) != c.ok {
				t.Fatalf("ParseSchedule(%q) = %v, %v", c.in, got, err)
			}
			for i := range c.want {
				if got[i] != c.want[i] {
					t.Fatalf("wait %d = %s; want %s", i, got[i], c.want[i])
				}
			}
		})
	}
}
