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

// Every frame of many files of a bundle's size renders to a code the
// reader finds and reads back exactly.
func TestQRCodesAlwaysRead(t *testing.T) {
	for i := 0; i < 60; i++ {
		file := make([]byte, 700+i*13)
		for j := range file {
			file[j] = byte(' ' + (i*31+j*7)%90)
		}
		codes, err := QRCodes(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadQRFiles(codes)
		if err != nil || string(got) != string(file) {
			t.Fatalf("file %d (%d bytes, %d codes): %v", i, len(file), len(codes), err)
		}
	}
}
