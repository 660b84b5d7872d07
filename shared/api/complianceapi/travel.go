package complianceapi

import (
	"context"
	"encoding/base64"
	"mime"
	"net/http"

	"github.com/stablegate/stablegate/shared/compliance"
	"github.com/stablegate/stablegate/shared/httpapi"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// Travel serves the travel-rule routes: data from a sending VASP attached
// to a deposit, and a transfer's data exported in the IVMS 101 shape.
// The data is stored sealed; it never appears in a log line or an error
// (refusals name the failing field's path, never its value).
type Travel struct {
	Svc *compliance.Travel
}

// TravelRecordView answers an attachment: the record, without the data.
type TravelRecordView struct {
	Object           string             `json:"object"`
	TransferID       string             `json:"transfer_id"`
	Direction        sg.TravelDirection `json:"direction"`
	Status           sg.TravelStatus    `json:"status"`
	CounterpartyVASP string             `json:"counterparty_vasp,omitempty"`
	Amount           string             `json:"amount,omitempty"`
	Chain            sg.Chain           `json:"chain,omitempty"`
	At               string             `json:"at"`
	// OwnAddress: a payout to the customer's own address (a merchant's
	// settlement); originator and beneficiary are that customer.
	OwnAddress bool `json:"own_address,omitempty"`
}

// ViewTravelRecord renders r in the spec's shape.
func ViewTravelRecord(r sg.TravelRecord) TravelRecordView {
	v := TravelRecordView{Object: "travel_rule_record", TransferID: r.TransferID, Direction: r.Direction, Status: r.Status,
		CounterpartyVASP: r.CounterpartyVASP, Chain: r.Chain, At: viewTime(r.At), OwnAddress: r.OwnAddress}
	if r.Amount > 0 {
		v.Amount = r.Amount.String()
	}
	return v
}

// custTransferID reads the path's transfer id; a malformed one is not_found.
func custTransferID(req httpapi.Request) (string, error) {
	id := req.PathParameters["transfer_id"]
	if id == "" || len(id) > 64 {
		return "", sg.ErrNotFound
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", sg.ErrNotFound
		}
	}
	return id, nil
}

// AttachIncoming is POST /v1/deposits/{transfer_id}/travel-rule: the body
// is the sending VASP's IVMS 101 document (2023 edition, or 2020 read and
// renamed), checked (the beneficiary's account, if named, must be the
// deposit's address) and stored sealed, once per deposit. The same data
// again answers the first record; other data is travel_rule_data_exists.
func (h Travel) AttachIncoming(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := custTransferID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	ct, _ := httpapi.Header(req, "content-type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return httpapi.Response{}, sg.ErrUnsupportedMediaType.WithParam("Content-Type")
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return httpapi.Response{}, sg.ErrInvalidJSON
		}
	}
	if len(body) > compliance.MaxTravelPayload {
		return httpapi.Response{}, sg.ErrBodyTooLarge.WithMessage("request body is larger than %d bytes", compliance.MaxTravelPayload)
	}
	doc, err := compliance.DecodeTravelPayload(body)
	if err != nil {
		return httpapi.Response{}, err
	}
	r, err := h.Svc.AttachIncoming(ctx, p.TenantID, id, doc)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, ViewTravelRecord(r)), nil
}

// Export is GET /v1/transfers/{transfer_id}/travel-rule: the transfer's
// travel-rule data as an IVMS 101 document (a payout's, else its
// deposit's); ?edition=2020 gives the first edition's shape.
func (h Travel) Export(ctx context.Context, req httpapi.Request) (httpapi.Response, error) {
	p, err := httpapi.PrincipalOf(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	id, err := custTransferID(req)
	if err != nil {
		return httpapi.Response{}, err
	}
	edition := req.QueryStringParameters["edition"]
	if edition != "" && edition != "2023" && edition != "2020" {
		return httpapi.Response{}, sg.ErrValidation.WithParam("edition").WithMessage("edition must be 2023 or 2020")
	}
	doc, err := h.Svc.Export(ctx, p.TenantID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	if edition == "2020" {
		if doc, err = compliance.ExportIVMS2020(doc); err != nil {
			return httpapi.Response{}, err
		}
	}
	return httpapi.Raw(http.StatusOK, doc), nil
}
