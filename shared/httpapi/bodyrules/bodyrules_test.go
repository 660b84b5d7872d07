package bodyrules

import (
	"errors"
	"testing"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

type row struct {
	Name string `json:"name" validate:"required,max=4"`
}

type body struct {
	Currency string            `json:"currency" validate:"oneof=USDT"`
	Rows     []row             `json:"rows" validate:"max=2,dive"`
	Metadata map[string]string `json:"metadata" validate:"max=1"`
}

// A refusal names the first failing field by its JSON path and says in
// words which rule it broke.
func TestCheckNamesTheFieldByItsJSONPath(t *testing.T) {
	for _, c := range []struct {
		b            body
		param, words string
	}{
		{body{Currency: "EUR"}, "currency", "currency must be one of: USDT"},
		{body{Currency: "USDT", Rows: []row{{Name: "a"}, {}}}, "rows[1].name", "rows[1].name is required"},
		{body{Currency: "USDT", Rows: []row{{Name: "abcde"}}}, "rows[0].name", "rows[0].name must be at most 4 characters"},
		{body{Currency: "USDT", Rows: make([]row, 3)}, "rows", "rows must have at most 2 entries"},
		{body{Currency: "USDT", Metadata: map[string]string{"a": "1", "b": "2"}}, "metadata", "metadata must have at most 1 entries"},
	} {
		err := Check(&c.b)
		var e *sg.Error
		if !errors.Is(err, sg.ErrValidation) || !errors.As(err, &e) || e.Param != c.param || e.Message != c.words {
			t.Errorf("Check(%+v) = %#v; want validation_failed on %q: %q", c.b, err, c.param, c.words)
		}
	}
	if err := Check(&body{Currency: "USDT", Rows: []row{{Name: "ab"}}}); err != nil {
		t.Errorf("a valid body: %v", err)
	}
}
