package kmssign

import (
	"context"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"math/big"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/ethereum/go-ethereum/crypto"
)

// fakeKMS answers as KMS does for an ECC_SECG_P256K1 key: a DER (r, s) with
// s high or low at random (KMS does not normalise it), and the key's SPKI.
// With canned set it answers those signatures in turn, to time the signer's
// own work alone.
type fakeKMS struct {
	key    *secp256k1.PrivateKey
	canned [][]byte
	next   int
}

func (f *fakeKMS) Sign(_ context.Context, in *kms.SignInput, _ ...func(*kms.Options)) (*kms.SignOutput, error) {
	if f.canned != nil {
		der := f.canned[f.next%len(f.canned)]
		f.next++
		return &kms.SignOutput{Signature: der}, nil
	}
	return &kms.SignOutput{Signature: derSign(f.key, in.Message)}, nil
}

func (f *fakeKMS) GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	var k spki
	k.Algorithm.Algorithm, k.Algorithm.Parameters = oidECPublicKey, oidSecp256k1
	pub := f.key.PubKey().SerializeUncompressed()
	k.PublicKey = asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}
	der, err := asn1.Marshal(k)
	return &kms.GetPublicKeyOutput{PublicKey: der, KeySpec: kmstypes.KeySpecEccSecgP256k1}, err
}

// derSign signs digest with key and gives DER (r, s), s flipped to the high
// half for about half the digests.
func derSign(key *secp256k1.PrivateKey, digest []byte) []byte {
	sig := ecdsa.Sign(key, digest)
	r, s := sig.R(), sig.S()
	rb, sb := r.Bytes(), s.Bytes()
	sv := new(big.Int).SetBytes(sb[:])
	if digest[0]&1 == 1 {
		sv.Sub(curveN, sv)
	}
	der, _ := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(rb[:]), sv})
	return der
}

func newKey(t testing.TB) *secp256k1.PrivateKey {
	k, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Every signature comes back low-S with the v that recovers the key's own
// address, checked by go-ethereum's recovery (what a node does with it),
// over many keys and digests, high and low s from KMS alike.
func TestSignDigestRecoversToTheKey(t *testing.T) {
	ctx := context.Background()
	vs := map[byte]int{}
	for i := 0; i < 40; i++ {
		key := newKey(t)
		s := &Signer{KMS: &fakeKMS{key: key}, KeyID: "k"}
		want, err := s.Address(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 10; j++ {
			var d [32]byte
			rand.Read(d[:])
			sig, err := s.SignDigest(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			if new(big.Int).SetBytes(sig[32:64]).Cmp(halfN) > 0 {
				t.Fatalf("s is in the high half")
			}
			pub, err := crypto.SigToPub(d[:], sig[:])
			if err != nil {
				t.Fatalf("go-ethereum cannot recover the signature: %v", err)
			}
			if got := crypto.PubkeyToAddress(*pub); got != [20]byte(want) {
				t.Fatalf("v=%d recovers %s; want the key's %x", sig[64], got, want)
			}
			vs[sig[64]]++
		}
	}
	if vs[0] == 0 || vs[1] == 0 {
		t.Fatalf("recovery ids seen %v: both 0 and 1 should occur over 400 signatures", vs)
	}
}

// A signature that is not the key's (KMS answering for another key, or a
// corrupted answer) is refused, never returned with a guessed v.
func TestSignDigestRefusesAnotherKeysSignature(t *testing.T) {
	ctx := context.Background()
	mine, other := newKey(t), newKey(t)
	f := &fakeKMS{key: mine}
	s := &Signer{KMS: f, KeyID: "k"}
	if _, err := s.PublicKey(ctx); err != nil {
		t.Fatal(err)
	}
	f.key = other // the public key was read once; KMS now signs with another
	var d [32]byte
	rand.Read(d[:])
	if _, err := s.SignDigest(ctx, d); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("a signature by another key: err = %v; want ErrBadSignature", err)
	}
	f.key = mine
	f.canned = [][]byte{derSign(mine, make([]byte, 32))} // the key's, but of another digest
	if _, err := s.SignDigest(ctx, d); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("a signature of another digest: err = %v; want ErrBadSignature", err)
	}
}

// canned makes a signer whose KMS answers pre-made signatures of the
// digests returned, so a benchmark times only the signer's own work.
func canned(b *testing.B) (*Signer, [][32]byte) {
	key := newKey(b)
	f := &fakeKMS{key: key}
	digests := make([][32]byte, 256)
	for i := range digests {
		rand.Read(digests[i][:])
		f.canned = append(f.canned, derSign(key, digests[i][:]))
	}
	s := &Signer{KMS: f, KeyID: "k"}
	// The first signature reads the public key and builds its table (a
	// cold start's cost, once per key); the benchmarks time the rest.
	if _, err := s.SignDigest(context.Background(), digests[0]); err != nil {
		b.Fatal(err)
	}
	f.next = 0
	return s, digests
}

// BenchmarkSignDigestOverhead is the signer's work on top of KMS's Sign
// call (whose answer is canned here): DER parse, low-S, recovery id. The
// issue's goal is at most 0.1 ms a signature. It reports the process's
// CPU time a signature too (cpu-ns/op): on a machine other processes load,
// wall time counts the waits for a core, CPU time only the work.
func BenchmarkSignDigestOverhead(b *testing.B) {
	s, digests := canned(b)
	ctx := context.Background()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := s.SignDigest(ctx, digests[i%len(digests)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSignDigestOverheadByRecovery is the way this signer found v
// before: recover the public key for v = 0, then 1, until it is the key's.
func BenchmarkSignDigestOverheadByRecovery(b *testing.B) {
	s, digests := canned(b)
	ctx := context.Background()
	f := s.KMS.(*fakeKMS)
	pub, _ := s.PublicKey(ctx)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := digests[i%len(digests)]
		out, _ := f.Sign(ctx, &kms.SignInput{Message: d[:]})
		r, sv, err := parseDER(out.Signature)
		if err != nil {
			b.Fatal(err)
		}
		if sv.Cmp(halfN) > 0 {
			sv.Sub(curveN, sv)
		}
		var sig [65]byte
		r.FillBytes(sig[0:32])
		sv.FillBytes(sig[32:64])
		found := false
		for v := byte(0); v < 2 && !found; v++ {
			got, _, err := ecdsa.RecoverCompact(append([]byte{27 + v}, sig[:64]...), d[:])
			found = err == nil && got.IsEqual(pub)
		}
		if !found {
			b.Fatal("no recovery id")
		}
	}
}

// The public key's table multiplies as the library's general
// multiplication does, for random scalars and the edges (0, 1, n-1, a
// scalar of one byte at each position).
func TestQTableMultipliesAsTheLibrary(t *testing.T) {
	key := newKey(t)
	tab := newQTable(key.PubKey())
	var q secp256k1.JacobianPoint
	key.PubKey().AsJacobian(&q)
	var scalars []secp256k1.ModNScalar
	var u secp256k1.ModNScalar
	scalars = append(scalars, u) // 0
	u.SetInt(1)
	scalars = append(scalars, u)
	u.NegateVal(&u) // n-1
	scalars = append(scalars, u)
	for i := 0; i < 32; i++ {
		var b [32]byte
		b[i] = 0xff
		u.SetBytes(&b)
		scalars = append(scalars, u)
	}
	for i := 0; i < 50; i++ {
		var b [32]byte
		rand.Read(b[:])
		u.SetBytes(&b)
		scalars = append(scalars, u)
	}
	for i := range scalars {
		var want, got secp256k1.JacobianPoint
		secp256k1.ScalarMultNonConst(&scalars[i], &q, &want)
		tab.mulAdd(&scalars[i], &got)
		want.ToAffine()
		got.ToAffine()
		if !want.X.Equals(&got.X) || !want.Y.Equals(&got.Y) {
			t.Fatalf("scalar %d: the table's product differs from the library's", i)
		}
	}
}

// flakyKMS fails its first GetPublicKey calls, as KMS does while throttled
// or unreachable, then answers as fakeKMS.
type flakyKMS struct {
	*fakeKMS
	failures, calls int
}

func (f *flakyKMS) GetPublicKey(ctx context.Context, in *kms.GetPublicKeyInput, o ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error) {
	f.calls++
	if f.calls <= f.failures {
		return nil, syscall.ECONNRESET
	}
	return f.fakeKMS.GetPublicKey(ctx, in, o...)
}

// A public key KMS failed to give is asked for again at the next call (the
// next invocation of a warm function), never remembered as the answer;
// once given, it is not asked again.
func TestPublicKeyFailureIsRetriedNotKept(t *testing.T) {
	ctx := context.Background()
	key := newKey(t)
	f := &flakyKMS{fakeKMS: &fakeKMS{key: key}, failures: 1}
	s := &Signer{KMS: f, KeyID: "alias/hot"}
	if _, err := s.Address(ctx); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("first call: %v, want KMS's error", err)
	}
	a, err := s.Address(ctx)
	if err != nil {
		t.Fatalf("second call kept the first failure: %v", err)
	}
	if want := crypto.PubkeyToAddress(*key.PubKey().ToECDSA()); a.EIP55() != want.Hex() {
		t.Fatalf("address %s, want %s", a.EIP55(), want.Hex())
	}
	digest := [32]byte{1}
	if _, err := s.SignDigest(ctx, digest); err != nil {
		t.Fatal(err)
	}
	if f.calls != 2 {
		t.Fatalf("GetPublicKey asked %d times, want 2 (one failure, one answer kept)", f.calls)
	}
}
