package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// floorPackages are the packages a function links each library by; a
// floor links those of its class and none of another's.
var floorPackages = map[string][]string{
	"store": {"github.com/aws/aws-lambda-go/lambda", "github.com/aws/aws-sdk-go-v2/service/dynamodb"},
	"http":  {"github.com/go-playground/validator/v10"},
	"chain": {"github.com/ethereum/go-ethereum/ethclient", "github.com/ethereum/go-ethereum/core/types", "github.com/ethereum/go-ethereum/crypto"},
	"kms":   {"github.com/aws/aws-sdk-go-v2/service/kms"},
	"sqs":   {"github.com/aws/aws-sdk-go-v2/service/sqs"},
}

// classLibraries are the libraries of a floor's class: store's, its
// base's (a chain floor signs with KMS) and its clients'.
func classLibraries(class string) []string {
	libs := []string{"store"}
	if strings.Contains(class, "http") {
		libs = append(libs, "http")
	}
	if strings.HasPrefix(class, "chain") {
		libs = append(libs, "chain", "kms")
	}
	if strings.Contains(class, "+kms") {
		libs = append(libs, "kms")
	}
	if strings.Contains(class, "+sqs") {
		libs = append(libs, "sqs")
	}
	return libs
}

// Each floor builds as the bench builds it (linux/arm64, LAMBDA_FLAGS and
// its tags), the bench's own reading of its modules puts it in its class,
// and it links its class's libraries, no other class's and no code of
// ours: a floor cannot drift into measuring less, or more, than it says.
func TestFloorsLinkTheirClassAlone(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	flags, err := lambdaFlags(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range floors {
		t.Run(f.class, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "bootstrap")
			if err := goBuild(root, floorPackage, bin, "linux", "arm64", f.tags...); err != nil {
				t.Fatal(err)
			}
			mods, err := linkedModules(bin)
			if err != nil {
				t.Fatal(err)
			}
			if got := floorClass(mods); got != f.class {
				t.Errorf("the bench reads the %s floor as class %q", f.class, got)
			}

			cmd := exec.Command("go", append(append([]string{"list", "-deps"}, withTags(flags, f.tags)...), floorPackage)...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps: %v", err)
			}
			deps := strings.Fields(string(out))
			for lib, pkgs := range floorPackages {
				want := slices.Contains(classLibraries(f.class), lib)
				for _, p := range pkgs {
					if got := slices.Contains(deps, p); got != want {
						t.Errorf("the %s floor links %s: %v, want %v", f.class, p, got, want)
					}
				}
			}
			self := "github.com/stablegate/stablegate/" + strings.TrimPrefix(floorPackage, "./")
			for _, d := range deps {
				if strings.HasPrefix(d, "github.com/stablegate/stablegate/") && d != self {
					t.Errorf("the %s floor links our package %s: a floor holds libraries only", f.class, d)
				}
			}
		})
	}
}

// A binary with none of the class libraries has the bare function as its
// floor.
func TestFloorClassOfABareBinary(t *testing.T) {
	if got := floorClass(map[string]bool{"github.com/aws/aws-lambda-go": true}); got != "bare" {
		t.Errorf("class %q, want bare", got)
	}
}

// A function's floor is what it must link: a job or a read route that
// links validator (which only checking request bodies needs) is measured
// against the store floor, so the validator's init shows as ours to cut,
// not the libraries'.
func TestFunctionClassIsWhatAFunctionMustLink(t *testing.T) {
	job := map[string]bool{dynamoModule: true, validatorModule: true}
	chain := map[string]bool{dynamoModule: true, validatorModule: true, gethModule: true}
	sealer := map[string]bool{dynamoModule: true, validatorModule: true, kmsModule: true}
	queuer := map[string]bool{dynamoModule: true, kmsModule: true, sqsModule: true}
	chainQueuer := map[string]bool{dynamoModule: true, gethModule: true, kmsModule: true, sqsModule: true}
	for _, c := range []struct {
		mods   map[string]bool
		bodies bool
		want   string
	}{
		{job, false, "store"},
		{job, true, "http"},
		{chain, false, "chain"},
		{chain, true, "chain-http"},
		{sealer, true, "http+kms"},
		{sealer, false, "store+kms"},
		{queuer, true, "http+kms+sqs"},
		{chainQueuer, false, "chain+sqs"}, // a chain floor has KMS already
		{map[string]bool{}, false, "bare"},
	} {
		if got := functionClass(c.mods, c.bodies); got != c.want {
			t.Errorf("functionClass(%v, takes bodies %v) = %q, want %q", c.mods, c.bodies, got, c.want)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"transfers-create": true, "wallets-get": false, "ws-connect": false, "reconcile": false, "withdrawals-worker": false} {
		if got, err := takesBodies(root, name); err != nil || got != want {
			t.Errorf("takesBodies(%s) = %v, %v; want %v", name, got, err, want)
		}
	}
}
