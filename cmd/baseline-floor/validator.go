//go:build floor_validator

package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/go-playground/validator/v10"
)

// floorRequest is a request body with the kind of rules our routes check.
type floorRequest struct {
	Amount   string `json:"amount" validate:"required,numeric"`
	Currency string `json:"currency" validate:"required,oneof=USDT"`
	Memo     string `json:"memo" validate:"max=140"`
}

func init() {
	works = append(works, func(_ context.Context, req events.APIGatewayV2HTTPRequest) string {
		var body floorRequest
		if req.Body != "" {
			if err := json.Unmarshal([]byte(req.Body), &body); err != nil {
				return outcome("validator", err)
			}
		}
		// Built on first use, as shared/httpapi builds it.
		return outcome("validator", validator.New(validator.WithRequiredStructEnabled()).Struct(body))
	})
}
