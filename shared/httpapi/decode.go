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
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// MaxBody is the largest request body an operation accepts by default.
const MaxBody = 64 << 10

// bodyRules checks a decoded body's `validate` tags (UseBodyRules).
var bodyRules atomic.Pointer[func(any) error]

// UseBodyRules installs check as the rules Decode applies to every decoded
// body (package bodyrules, over validator/v10). The functions whose routes
// take a body install it once at init (bodyfn.Start); the read routes do
// not, so they link no validator: its package init alone is about a sixth
// of a bare function's cold start (issue 18). Until one is installed,
// Decode refuses every body rather than pass one unchecked; nil uninstalls.
func UseBodyRules(check func(any) error) {
	if check == nil {
		bodyRules.Store(nil)
		return
	}
	bodyRules.Store(&check)
}

// Decode reads req's JSON body into dst: it must be application/json, at most
// max bytes, one JSON object with no unknown fields, no field given twice
// and no trailing data, and pass dst's `validate` tags. Refusals name the
// offending field.
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
	if name, ok := duplicateField(body); ok {
		return sg.ErrDuplicateField.WithParam(name).WithMessage("field %q appears more than once", name)
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
	return checkBody(dst)
}

// checkBody applies the installed rules to a decoded body; with none
// installed the request fails as our fault (a function wired without
// them), and no body passes unchecked.
func checkBody(dst any) error {
	check := bodyRules.Load()
	if check == nil {
		return sg.Internal("httpapi.Decode", errors.New("no body rules installed: start the function through bodyfn.Start"))
	}
	return (*check)(dst)
}

// duplicateField returns the path of the first member named twice in one
// object of body ("amount", "approval_webhook.url", "rules[1].name"), with
// names compared as encoding/json matches them to struct fields: without
// regard to case, so {"amount":"1","AMOUNT":"1000"} is a duplicate too.
// A body that is not well-formed JSON has none; decoding reports it.
func duplicateField(body []byte) (string, bool) {
	if !json.Valid(body) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	name, _ := dupValue(dec, "", 0)
	return name, name != ""
}

// maxDepth bounds the nesting duplicateField walks (decoding refuses
// deeper bodies anyway: encoding/json stops at 10,000).
const maxDepth = 10000

// dupValue reads one value; it returns the path of a duplicate, or an error
// when the JSON is malformed.
func dupValue(dec *json.Decoder, path string, depth int) (string, error) {
	if depth > maxDepth {
		return "", errors.New("httpapi: too deep")
	}
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return "", nil
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return "", err
			}
			key, _ := kt.(string)
			p := key
			if path != "" {
				p = path + "." + key
			}
			folded := foldName(key)
			if seen[folded] {
				return p, nil
			}
			seen[folded] = true
			if dup, err := dupValue(dec, p, depth+1); dup != "" || err != nil {
				return dup, err
			}
		}
	case '[':
		for i := 0; dec.More(); i++ {
			if dup, err := dupValue(dec, fmt.Sprintf("%s[%d]", path, i), depth+1); dup != "" || err != nil {
				return dup, err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return "", err
}

// foldName folds a member name as encoding/json does when it matches names
// to fields (bytes.EqualFold): ASCII letters to upper case, other runes to
// the smallest rune of their case folding set (so "k" and the Kelvin sign
// meet).
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
		} else {
			for {
				r2 := unicode.SimpleFold(r)
				if r2 <= r {
					r = r2
					break
				}
				r = r2
			}
		}
		b.WriteRune(r)
	}
	return b.String()
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
