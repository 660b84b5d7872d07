package complianceapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/stablegate/stablegate/shared/api"
	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Blocklist serves the tenant's own blocklist: payouts to a blocked
// address are refused (destination_blocked) and deposits from it
// quarantined, on every path that screens.
type Blocklist struct {
	Screening *compliance.Screening
}

// BlockRequest is the body of POST /v1/compliance/blocklist.
type BlockRequest struct {
	Chain   string `json:"chain" validate:"required,oneof=ethereum tron"`
	Address string `json:"address" validate:"required,max=64"`
	Reason  string `json:"reason" validate:"required,max=500"`
}

// BlockView is a blocklist entry.
type BlockView struct {
	Object  string `json:"object"`
	Chain   string `json:"chain"`
	Address string `json:"address"`
	Reason  string `json:"reason"`
	AddedBy string `json:"added_by"`
	AddedAt string `json:"added_at"`
}

// ViewBlock shows a blocklist entry.
func ViewBlock(e sg.BlockEntry) BlockView {
	return BlockView{Object: "blocklist_entry", Chain: string(e.Chain), Address: e.Address, Reason: e.Reason, AddedBy: e.AddedBy,
		AddedAt: viewTime(e.AddedAt)}
}

// List is GET /v1/compliance/blocklist: every entry, by chain and address.
func (h Blocklist) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	es, err := h.Screening.Blocklist(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := api.List[BlockView]{Object: "list", Data: make([]BlockView, 0, len(es))}
	for _, e := range es {
		out.Data = append(out.Data, ViewBlock(e))
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Add is POST /v1/compliance/blocklist: 201 with the new entry, or 200
// with the entry as it stands (its first reason kept) when the address was
// blocked already, in whatever letter case.
func (h Blocklist) Add(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := caseOfficer(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	var body BlockRequest
	if err := httpapi.Decode(req, &body, httpapi.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	if strings.TrimSpace(body.Reason) == "" {
		return httpapi.Response{}, sg.ErrValidation.WithParam("reason").WithMessage("a reason is required")
	}
	c := sg.Chain(body.Chain)
	e, created, err := h.Screening.Block(ctx, p.TenantID, c, body.Address, body.Reason, p.Subject)
	if err != nil {
		return httpapi.Response{}, err
	}
	if created {
		return httpapi.JSON(http.StatusCreated, ViewBlock(e)), nil
	}
	es, err := h.Screening.Blocklist(ctx, p.TenantID)
	if err != nil {
		return httpapi.Response{}, err
	}
	for _, x := range es {
		if x.Chain == e.Chain && x.Address == e.Address {
			e = x
			break
		}
	}
	resp := httpapi.JSON(http.StatusOK, ViewBlock(e))
	resp.Headers["idempotent-replayed"] = "true"
	return resp, nil
}

// Remove is DELETE /v1/compliance/blocklist/{chain}/{address}.
func (h Blocklist) Remove(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	c := sg.Chain(req.PathParameters["chain"])
	addr := req.PathParameters["address"]
	if !c.Valid() {
		return httpapi.Response{}, sg.ErrNotFound.WithMessage("no such blocklist entry")
	}
	if err := h.Screening.Unblock(ctx, p.TenantID, c, addr); err != nil {
		if sg.KindOf(err) == sg.KindNotFound {
			return httpapi.Response{}, sg.ErrNotFound.WithMessage("no such blocklist entry")
		}
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, BlockRemovedView{Object: "blocklist_entry", Chain: string(c), Address: sg.ScreenKey(c, addr), Deleted: true}), nil
}

// BlockRemovedView answers a removal.
type BlockRemovedView struct {
	Object  string `json:"object"`
	Chain   string `json:"chain"`
	Address string `json:"address"`
	Deleted bool   `json:"deleted"`
}
