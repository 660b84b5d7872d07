package complianceapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Sanctions serves the platform's sanctions list in use (read-only; the
// scheduled refresh loads new versions).
type Sanctions struct {
	Store sg.SanctionsStore
}

// SanctionsView is the list in use: its source, version, the date it
// was published and when it was loaded, and how many addresses it holds
// on each chain.
type SanctionsView struct {
	Object   string         `json:"object"`
	Source   string         `json:"source"`
	Version  string         `json:"version"`
	Date     string         `json:"date"`
	LoadedAt string         `json:"loaded_at"`
	Count    int            `json:"count"`
	Counts   map[string]int `json:"counts"`
}

// ViewSanctions shows a list.
func ViewSanctions(l sg.SanctionsList) SanctionsView {
	date, _, _ := strings.Cut(l.Version, ".")
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		date = ""
	}
	v := SanctionsView{Object: "sanctions_list", Source: l.Source, Version: l.Version, Date: date,
		LoadedAt: viewTime(l.LoadedAt), Count: l.Count, Counts: map[string]int{}}
	for c, n := range l.Counts {
		v.Counts[string(c)] = n
	}
	return v
}

// Get is GET /v1/compliance/sanctions: the list in use, or 503
// sanctions_list_unavailable while none is loaded.
func (h Sanctions) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	if _, err := httpapi.PrincipalOf(req); err != nil {
		return httpapi.Response{}, err
	}
	l, ok, err := h.Store.CurrentSanctions(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !ok {
		return httpapi.Response{}, sg.ErrSanctionsListMissing
	}
	return httpapi.JSON(http.StatusOK, ViewSanctions(l)), nil
}
