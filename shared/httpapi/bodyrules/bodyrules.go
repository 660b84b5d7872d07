// Package bodyrules checks a decoded request body's `validate` tags with
// validator/v10 and names the first failing field. It is apart from
// package httpapi so that only the functions whose routes take a body link
// the validator: bodyfn.Start installs Check (httpapi.UseBodyRules), and
// the read routes, which decode no body, start without it (issue 18).
package bodyrules

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// validate is built on first use, not at package init: building it (the
// library's baked-in rules) would cost every cold start of a body route
// more, before its first request needs it.
var validate = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
})

// Check runs the `validate` tags of v and names the first failing field
// by its JSON path: validation_failed with that path as the param.
func Check(v any) error {
	err := validate().Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) || len(ves) == 0 {
		return sg.ErrValidation
	}
	fe := ves[0]
	ns := fe.Namespace()
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		ns = ns[i+1:]
	}
	return sg.ErrValidation.WithParam(ns).WithMessage("%s %s", ns, rule(fe))
}

// rule says in words which rule a field broke.
func rule(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max":
		if fe.Kind() == reflect.Map || fe.Kind() == reflect.Slice {
			return fmt.Sprintf("must have at most %s entries", fe.Param())
		}
		return fmt.Sprintf("must be at most %s characters", fe.Param())
	case "min":
		return fmt.Sprintf("must be at least %s characters", fe.Param())
	case "printascii":
		return "must be printable ASCII"
	case "oneof":
		return "must be one of: " + fe.Param()
	}
	return "is invalid (" + fe.Tag() + ")"
}
