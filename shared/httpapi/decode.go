package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// MaxBody is the largest request body an operation accepts by default.
const MaxBody = 64 << 10

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}()

// Decode reads req's JSON body into dst: it must be application/json, at most
// max bytes, one JSON object with no unknown fields and no trailing data, and
// pass dst's `validate` tags. Refusals name the offending field.
func Decode(req Request, dst any, max int) error {
	if ct, ok := Header(req, "content-type"); ok {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return sg.ErrUnsupportedMediaType.WithParam("Content-Type")
		}
	} else {
		return sg.ErrUnsupportedMediaType.WithParam("Content-Type")
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			return sg.ErrInvalidJSON
		}
	}
	if len(body) > max {
		return sg.ErrBodyTooLarge.WithMessage("request body is larger than %d bytes", max)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return sg.ErrInvalidJSON.WithMessage("request body has data after the JSON object")
	}
	return Validate(dst)
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return sg.ErrInvalidJSON.WithMessage("request body must be a JSON object")
		}
		return sg.ErrValidation.WithParam(field).WithMessage("%s must be of type %s", field, jsonType(typeErr.Type))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return sg.ErrInvalidJSON
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return sg.ErrUnknownField.WithParam(field).WithMessage("unknown field %q", field)
	}
	return sg.ErrInvalidJSON
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Bool:
		return "boolean"
	}
	return "number"
}

// Validate runs the `validate` tags of v and names the first failing field.
func Validate(v any) error {
	err := validate.Struct(v)
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
