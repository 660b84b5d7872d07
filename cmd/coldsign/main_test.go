package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// The shares and the recovered seed go to standard output, often redirected
// to a file: a write that fails must fail the command, or the operator is
// told nothing while the only copy of the seed is lost.
func TestSecretOutputWriteFailureFails(t *testing.T) {
	master := strings.Repeat("ab", 16) + "\n"
	var shares bytes.Buffer
	if err := split([]string{"-threshold", "1", "-group", "2of3"}, strings.NewReader(master), &shares); err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(shares.String())) / 20; n != 3 {
		t.Fatalf("split wrote %q; want 3 shares of 20 words", shares.String())
	}
	if err := split([]string{"-threshold", "1", "-group", "2of3"}, strings.NewReader(master), fullDisk{}); err == nil {
		t.Fatal("split succeeded although the shares could not be written")
	}
	two := strings.Join(strings.Split(strings.TrimSpace(shares.String()), "\n")[:2], "\n")
	var seed bytes.Buffer
	if err := recoverSeed(nil, strings.NewReader(two), &seed); err != nil || seed.String() != master {
		t.Fatalf("recover: %q %v; want %q", seed.String(), err, master)
	}
	if err := recoverSeed(nil, strings.NewReader(two), fullDisk{}); err == nil {
		t.Fatal("recover succeeded although the seed could not be written")
	}
}
