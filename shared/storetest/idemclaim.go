package storetest

import (
	"context"
	"testing"
	"time"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// IdemClaims are claimed idempotency records (api.IdemStore): a request
// doing its work in many writes claims its key first and completes it.
type IdemClaims interface {
	ClaimIdempotency(ctx context.Context, tenant, op, key, reqHash string, lease time.Duration) (sg.Idempotency, bool, error)
	CompleteIdempotency(ctx context.Context, r sg.Idempotency) error
	ReleaseIdempotency(ctx context.Context, tenant, op, key, reqHash string) error
}

var idemClaimCases = []Case{
	{"IdempotencyClaim/one holder; another hash is a reuse, the same one still in progress; completed once", func(t *testing.T, st Store) {
		tn, op, k := tenant(), "batch.create", "k-"+randHex(6)
		_, claimed, err := st.ClaimIdempotency(ctx, tn, op, k, "h1", time.Hour)
		if err != nil || !claimed {
			t.Fatalf("first claim = %v, %v; want held", claimed, err)
		}
		rec, claimed, err := st.ClaimIdempotency(ctx, tn, op, k, "h1", time.Hour)
		if err != nil || claimed || rec.Status != 0 || rec.RequestHash != "h1" {
			t.Fatalf("the same request again = %+v, %v, %v; want the claim in progress", rec, claimed, err)
		}
		rec, claimed, err = st.ClaimIdempotency(ctx, tn, op, k, "h2", time.Hour)
		if err != nil || claimed || rec.RequestHash != "h1" {
			t.Fatalf("another request under the key = %+v, %v, %v; want the first's record", rec, claimed, err)
		}
		if _, claimed, _ := st.ClaimIdempotency(ctx, tenant(), op, k, "h2", time.Hour); !claimed {
			t.Fatal("the key is another tenant's too")
		}
		done := sg.Idempotency{TenantID: tn, Operation: op, Key: k, RequestHash: "h2", Status: 201, Response: []byte(`{"ok":true}`)}
		wantErr(t, "completing another request's claim", st.CompleteIdempotency(ctx, done), sg.ErrIdempotencyInProgress)
		done.RequestHash = "h1"
		must(t, "CompleteIdempotency", st.CompleteIdempotency(ctx, done))
		wantErr(t, "completing twice", st.CompleteIdempotency(ctx, done), sg.ErrIdempotencyInProgress)
		got, err := st.Idempotency(ctx, tn, op, k)
		must(t, "Idempotency", err)
		if got.Status != 201 || string(got.Response) != `{"ok":true}` || got.RequestHash != "h1" {
			t.Fatalf("the record = %+v; want the answer", got)
		}
		must(t, "releasing a completed record", st.ReleaseIdempotency(ctx, tn, op, k, "h1"))
		rec, claimed, err = st.ClaimIdempotency(ctx, tn, op, k, "h1", time.Hour)
		if err != nil || claimed || rec.Status != 201 {
			t.Fatalf("a claim of a completed key = %+v, %v, %v; want its answer", rec, claimed, err)
		}
		wantErr(t, "completing an unclaimed key", st.CompleteIdempotency(ctx, sg.Idempotency{TenantID: tn, Operation: op, Key: "none", RequestHash: "h1", Status: 201}), sg.ErrIdempotencyInProgress)
	}},
	{"IdempotencyClaim/a lapsed claim is taken over by the same request only; a release frees the key", func(t *testing.T, st Store) {
		tn, op, k := tenant(), "batch.create", "k-"+randHex(6)
		_, claimed, err := st.ClaimIdempotency(ctx, tn, op, k, "h1", 50*time.Millisecond)
		if err != nil || !claimed {
			t.Fatalf("first claim = %v, %v", claimed, err)
		}
		eventually(t, "the same request takes over a lapsed claim", func() bool {
			_, claimed, err := st.ClaimIdempotency(ctx, tn, op, k, "h1", time.Hour)
			must(t, "ClaimIdempotency", err)
			return claimed
		})
		if _, claimed, _ := st.ClaimIdempotency(ctx, tn, op, k, "h1", time.Hour); claimed {
			t.Fatal("a claim under a fresh lease was taken over")
		}
		if _, claimed, _ := st.ClaimIdempotency(ctx, tn, op, k, "h2", time.Hour); claimed {
			t.Fatal("another request took over the claim")
		}
		must(t, "releasing another request's claim", st.ReleaseIdempotency(ctx, tn, op, k, "h2"))
		if rec, _, _ := st.ClaimIdempotency(ctx, tn, op, k, "h2", time.Hour); rec.RequestHash != "h1" {
			t.Fatalf("after another's release the record is %+v; want h1's claim kept", rec)
		}
		must(t, "ReleaseIdempotency", st.ReleaseIdempotency(ctx, tn, op, k, "h1"))
		_, err = st.Idempotency(ctx, tn, op, k)
		wantErr(t, "Idempotency after a release", err, sg.ErrNotFound)
		if _, claimed, _ := st.ClaimIdempotency(ctx, tn, op, k, "h2", time.Hour); !claimed {
			t.Fatal("a released key could not be claimed")
		}
	}},
}
