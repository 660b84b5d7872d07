package complianceapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// OpRelease is the idempotency operation of a deposit's release.
const OpRelease = "deposits.release"

// ReleaseLease is how long a release holds its Idempotency-Key while it runs.
const ReleaseLease = 2 * time.Minute

// DepositReleaser releases a quarantined deposit to its wallet
// (ledger.Releaser).
type DepositReleaser interface {
	Release(ctx context.Context, tenant, id, by, note string) (sg.Transfer, error)
}

// Release serves POST /v1/deposits/{transfer_id}/release.
type Release struct {
	Cases     *compliance.Cases
	Transfers sg.TransferReader
	Releaser  DepositReleaser
	Idem      sg.IdempotencyClaims
	Now       func() time.Time
}

// ReleaseRequest is the body of a release: the case that cleared the
// deposit and the officer's note.
type ReleaseRequest struct {
	CaseID string `json:"case_id" validate:"required,max=64"`
	Note   string `json:"note" validate:"required,max=500"`
}

// Deposit is POST /v1/deposits/{transfer_id}/release (Idempotency-Key):
// a quarantined deposit goes to its wallet's available balance when the
// officer names its case and the case was decided closed_no_action. The
// release is an event on the deposit naming the officer, the case and
// the note, so the audit chain keeps who released what on which decision;
// the deposit's address is marked for the sweeper. A deposit released
// already answers as it stands.
func (h Release) Deposit(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body ReleaseRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	if strings.TrimSpace(p.Subject) == "" {
		return httpapi.Response{}, sg.ErrUnauthenticated.WithMessage("the token names no subject, so no officer")
	}
	id, err := custTransferID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !sg.ValidID("case", body.CaseID) {
		return httpapi.Response{}, sg.ErrNotFound.WithMessage("no such case").WithParam("case_id")
	}
	note := strings.TrimSpace(body.Note)
	return httpapi.Once(ctx, h.Idem, p.TenantID, OpRelease, key, httpapi.RequestHash(OpRelease, []string{id, body.CaseID, note}), ReleaseLease, h.Now,
		func() (int, any, error) {
			c, err := h.Cases.Get(ctx, p.TenantID, body.CaseID)
			if err != nil {
				return 0, nil, err
			}
			t, err := h.Transfers.Transfer(ctx, p.TenantID, id)
			if err != nil {
				return 0, nil, err
			}
			if err := compliance.CheckRelease(c, t); err != nil {
				return 0, nil, err
			}
			t, err = h.Releaser.Release(ctx, p.TenantID, id, p.Subject, "case "+c.ID+": "+note)
			return http.StatusOK, api.ViewTransfer(t), err
		})
}
