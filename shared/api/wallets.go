// Package api holds the HTTP handlers of the public API: decode and validate
// the request, call a service, render the response in the shapes of
// infra/openapi.yaml.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
	"github.com/stablegate/stablegate/shared/wallet"
)

// Wallets serves the wallet operations.
type Wallets struct {
	Svc *wallet.Service
	// Customers, if set, holds a wallet made for a customer id (customer_ref
	// cus_...) to an existing customer of the tenant: the wallet's payments
	// count against that customer's tier.
	Customers interface {
		Customer(ctx context.Context, tenant, id string) (sg.Customer, error)
	}
}

// CreateWalletRequest is the body of POST /v1/wallets.
type CreateWalletRequest struct {
	CustomerRef string            `json:"customer_ref" validate:"required,min=1,max=128,printascii"`
	Label       string            `json:"label,omitempty" validate:"max=128"`
	Metadata    map[string]string `json:"metadata,omitempty" validate:"max=20,dive,keys,min=1,max=40,printascii,endkeys,max=500"`
	HighVolume  bool              `json:"high_volume,omitempty"`
}

// WalletView is the Wallet schema.
type WalletView struct {
	ID          string            `json:"id"`
	Object      string            `json:"object"`
	CustomerRef string            `json:"customer_ref"`
	Label       string            `json:"label,omitempty"`
	Metadata    map[string]string `json:"metadata"`
	Addresses   []AddressView     `json:"addresses"`
	HighVolume  bool              `json:"high_volume"`
	Frozen      bool              `json:"frozen"`
	CreatedAt   string            `json:"created_at"`
}

// AddressView is the DepositAddress schema.
type AddressView struct {
	Chain          sg.Chain `json:"chain"`
	Asset          sg.Asset `json:"asset"`
	Address        string   `json:"address"`
	Scheme         string   `json:"scheme"`
	DerivationPath string   `json:"derivation_path"`
}

// BalanceView is the Balance schema: amounts as decimal strings.
type BalanceView struct {
	Chain     sg.Chain `json:"chain"`
	Asset     sg.Asset `json:"asset"`
	Available string   `json:"available"`
	Pending   string   `json:"pending"`
	Held      string   `json:"held"`
}

// List is the shape of every list (WalletList, TransferList in the spec):
// one page of items and the cursor of the next page, null at the end.
type List[V any] struct {
	Object     string  `json:"object"`
	Data       []V     `json:"data"`
	HasMore    bool    `json:"has_more"`
	NextCursor *string `json:"next_cursor"`
}

func listOf[T, V any](items []T, next string, view func(T) V) List[V] {
	out := List[V]{Object: "list", Data: make([]V, 0, len(items)), HasMore: next != ""}
	for _, it := range items {
		out.Data = append(out.Data, view(it))
	}
	if next != "" {
		out.NextCursor = &next
	}
	return out
}

// WalletBalances is the WalletBalances schema.
type WalletBalances struct {
	Object   string        `json:"object"`
	WalletID string        `json:"wallet_id"`
	Balances []BalanceView `json:"balances"`
}

func viewWallet(w sg.Wallet) WalletView {
	v := WalletView{ID: w.ID, Object: "wallet", CustomerRef: w.CustomerRef, Label: w.Label, Metadata: w.Metadata,
		CreatedAt: w.CreatedAt.UTC().Format(time.RFC3339Nano), Addresses: []AddressView{}, HighVolume: w.HighVolume, Frozen: w.Frozen}
	if v.Metadata == nil {
		v.Metadata = map[string]string{}
	}
	for _, a := range w.Addresses {
		v.Addresses = append(v.Addresses, AddressView{a.Chain, a.Asset, a.Address, a.Scheme, a.Path})
	}
	return v
}

// Create is POST /v1/wallets.
func (h Wallets) Create(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	var body CreateWalletRequest
	p, key, err := httpapi.CreateRequest(req, &body)
	if err != nil {
		return httpapi.Response{}, err
	}
	if h.Customers != nil && sg.ValidID(sg.CustomerIDPrefix, body.CustomerRef) {
		if _, err := h.Customers.Customer(ctx, p.TenantID, body.CustomerRef); errors.Is(err, sg.ErrNotFound) {
			return httpapi.Response{}, sg.ErrValidation.WithParam("customer_ref").WithMessage("customer_ref names a customer id (cus_...) that is not one of your customers")
		} else if err != nil {
			return httpapi.Response{}, err
		}
	}
	idem := wallet.Idem{Key: key, Hash: httpapi.RequestHash(wallet.OpCreate, body)}
	in := wallet.CreateInput{CustomerRef: body.CustomerRef, Label: body.Label, Metadata: body.Metadata, HighVolume: body.HighVolume,
		CreatedBy: p.Subject}
	r, err := h.Svc.Create(ctx, p.TenantID, idem, in, func(w sg.Wallet) (int, []byte, error) {
		b, err := json.Marshal(viewWallet(w))
		return http.StatusCreated, b, err
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	if r.Replayed {
		return httpapi.Replay(sg.Idempotency{Status: r.Status, Response: r.Body}), nil
	}
	return httpapi.Raw(r.Status, r.Body), nil
}

// Get is GET /v1/wallets/{wallet_id}.
func (h Wallets) Get(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	w, err := h.Svc.Get(ctx, p.TenantID, req.PathParameters["wallet_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, viewWallet(w)), nil
}

// List is GET /v1/wallets?limit=&cursor=.
func (h Wallets) List(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, page, err := ListRequest(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	ws, next, err := h.Svc.List(ctx, p.TenantID, page)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, listOf(ws, next, viewWallet)), nil
}

// Balances is GET /v1/wallets/{wallet_id}/balances.
func (h Wallets) Balances(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	w, bs, err := h.Svc.BalancesOf(ctx, p.TenantID, req.PathParameters["wallet_id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	out := WalletBalances{Object: "wallet_balances", WalletID: w.ID, Balances: make([]BalanceView, 0, len(bs))}
	for _, b := range bs {
		out.Balances = append(out.Balances, BalanceView{b.Chain, b.Asset, b.Available.String(), b.Pending.String(), b.Held.String()})
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Page limits.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// ListRequest reads what a list route needs: the principal and the page
// (PageOf).
func ListRequest(req httpapi.Request) (httpapi.Principal, sg.Page, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return p, sg.Page{}, err
	}
	page, err := PageOf(req)
	return p, page, err
}

// PageOf reads ?limit= and ?cursor=.
func PageOf(req httpapi.Request) (sg.Page, error) {
	page := sg.Page{Limit: DefaultLimit, Cursor: req.QueryStringParameters["cursor"]}
	if s, ok := req.QueryStringParameters["limit"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return page, sg.ErrValidation.WithParam("limit").WithMessage("limit must be an integer from 1 to %d", MaxLimit)
		}
		page.Limit = n
	}
	if len(page.Cursor) > 512 {
		return page, sg.ErrInvalidCursor
	}
	return page, nil
}
