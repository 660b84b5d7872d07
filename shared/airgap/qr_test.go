package airgap

import (
	"strings"
	"testing"
)

func FuzzJoin(f *testing.F) {
	f.Add(strings.Join(Frames([]byte(strings.Repeat("stablegate ", 80))), "\n"))
	f.Fuzz(func(t *testing.T, s string) {
		frames := strings.Split(s, "\n")
		file, err := Join(frames)
		if err != nil {
			return
		}
		again, err := Join(Frames(file))
		if err != nil || string(again) != string(file) {
			t.Fatal("joined frames do not round trip")
		}
	})
}
