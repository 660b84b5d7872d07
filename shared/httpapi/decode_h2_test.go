package httpapi

import (
	"errors"
	"testing"

	"github.com/stablegate/stablegate/shared/httpapi/bodyrules"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type ruleBody struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
}

type moneyBody struct {
	WalletID string `json:"wallet_id"`
	Amount   string `json:"amount"`
	Webhook  *struct {
		URL string `json:"url"`
	} `json:"approval_webhook"`
	Rules    []ruleBody        `json:"rules"`
	Metadata map[string]string `json:"metadata"`
}

func jsonRequest(body string) Request {
	return Request{Headers: map[string]string{"content-type": "application/json"}, Body: body}
}

// A member named twice in one object, at any depth and in any letter case,
// is refused with duplicate_field naming it, where the last used to win.
func TestFinding14_DuplicateKeysAreRefused(t *testing.T) {
	for _, c := range []struct{ name, body, param string }{
		{"top level", `{"wallet_id":"wal_a","amount":"1","amount":"1000"}`, "amount"},
		{"other letter case", `{"wallet_id":"wal_a","amount":"1","AMOUNT":"1000"}`, "AMOUNT"},
		{"Kelvin sign folds to k", `{"wallet_id":"wal_a","metadata":{"k":"1","\u212a":"2"}}`, "metadata.\u212a"},
		{"nested object", `{"approval_webhook":{"url":"https://a.example","url":"https://b.example"}}`, "approval_webhook.url"},
		{"object in an array", `{"rules":[{"name":"a"},{"name":"b","amount":"1","amount":"2"}]}`, "rules[1].amount"},
		{"map member", `{"metadata":{"ref":"a","ref":"b"}}`, "metadata.ref"},
		{"unknown field twice", `{"wallet_id":"wal_a","x":1,"x":2}`, "x"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var dst moneyBody
			err := Decode(jsonRequest(c.body), &dst, MaxBody)
			var e *sg.Error
			if !errors.As(err, &e) || e.Code != "duplicate_field" || e.Param != c.param {
				t.Fatalf("Decode(%s) = %v; want duplicate_field naming %q", c.body, err, c.param)
			}
		})
	}
	for _, c := range []struct{ name, body string }{
		{"same name in sibling objects", `{"rules":[{"name":"a","amount":"1"},{"name":"b","amount":"2"}]}`},
		{"same name at different depths", `{"amount":"1","approval_webhook":{"url":"https://a.example"},"metadata":{"amount":"x"}}`},
	} {
		t.Run("accepts "+c.name, func(t *testing.T) {
			var dst moneyBody
			if err := Decode(jsonRequest(c.body), &dst, MaxBody); err != nil {
				t.Fatalf("Decode(%s) = %v", c.body, err)
			}
		})
	}
	t.Run("malformed JSON is still invalid_json", func(t *testing.T) {
		var dst moneyBody
		err := Decode(jsonRequest(`{"amount":"1","amount":`), &dst, MaxBody)
		if !errors.Is(err, sg.ErrInvalidJSON) {
			t.Fatalf("got %v", err)
		}
	})
}

// A function started without the body rules (not through bodyfn.Start)
// refuses every body as our fault: none passes with its rules unchecked.
func TestDecodeWithoutBodyRulesRefusesEveryBody(t *testing.T) {
	UseBodyRules(nil)
	defer UseBodyRules(bodyrules.Check)
	var dst struct {
		Name string `json:"name" validate:"required"`
	}
	for _, body := range []string{`{"name":"a"}`, `{}`} {
		err := Decode(jsonRequest(body), &dst, MaxBody)
		if sg.KindOf(err) != sg.KindInternal {
			t.Errorf("Decode(%s) with no rules = %v; want an internal error", body, err)
		}
	}
	UseBodyRules(bodyrules.Check)
	dst.Name = ""
	if err := Decode(jsonRequest(`{}`), &dst, MaxBody); !errors.Is(err, sg.ErrValidation) {
		t.Errorf("Decode({}) with the rules = %v; want validation_failed", err)
	}
}
