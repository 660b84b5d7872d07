package qrread_test

import (
	"testing"

	"github.com/stablegate/stablegate/shared/airgap"
	"github.com/stablegate/stablegate/shared/airgap/qrread"
)

// Every frame of many files of a bundle's size renders to a code the
// reader finds and reads back exactly.
func TestQRCodesAlwaysRead(t *testing.T) {
	for i := 0; i < 60; i++ {
		file := make([]byte, 700+i*13)
		for j := range file {
			file[j] = byte(' ' + (i*31+j*7)%90)
		}
		codes, err := airgap.QRCodes(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := qrread.ReadQRFiles(codes)
		if err != nil || string(got) != string(file) {
			t.Fatalf("file %d (%d bytes, %d codes): %v", i, len(file), len(codes), err)
		}
	}
}
