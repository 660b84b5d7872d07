package compliance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stablegate/stablegate/shared/lazy"
	sg "github.com/stablegate/stablegate/shared/stablegate"
)

// TravelParam is the root every travel-rule field path starts from: the
// travel_rule object of a request.
const TravelParam = "travel_rule"

// MaxTravelPayload bounds an IVMS 101 document's size in bytes.
const MaxTravelPayload = 64 << 10

// DecodeTravelPayload reads an IVMS 101 (2023) document from outside: one
// JSON object, no member the standard does not define (a misspelt field is
// refused, never dropped), at most MaxTravelPayload bytes. It does not
// validate (Validate does); errors are ErrTravelRuleDataInvalid naming the
// path where the document went wrong as far as JSON decoding tells.
func DecodeTravelPayload(raw []byte) (*sg.TravelPayload, error) {
	if len(raw) > MaxTravelPayload {
		return nil, sg.ErrTravelRuleDataInvalid.WithMessage("travel-rule data is larger than %d bytes", MaxTravelPayload)
	}
	if err := scanTravelJSON(raw); err != nil {
		return nil, err
	}
	var m map[string]any
	gen := json.NewDecoder(bytes.NewReader(raw))
	gen.UseNumber()
	if err := gen.Decode(&m); err != nil {
		return nil, decodeError(err)
	}
	if _, err := gen.Token(); !errors.Is(err, io.EOF) {
		return nil, sg.ErrTravelRuleDataInvalid.WithMessage("travel-rule data must be one JSON object")
	}
	if is2020(m) {
		return decode2020(m)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p sg.TravelPayload
	if err := dec.Decode(&p); err != nil {
		return nil, decodeError(err)
	}
	return &p, nil
}

// scanTravelJSON refuses what encoding/json would let through and a
// JavaScript reader would not take the same way: a member name in another
// letter case than the standard's (json matches names without regard to
// case), a name given twice in one object, and null for any value (the
// standard has none: an absent field is left out).
func scanTravelJSON(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var walk func(depth int) error
	walk = func(depth int) error {
		if depth > 32 {
			return sg.ErrTravelRuleDataInvalid.WithMessage("travel-rule data is nested too deep")
		}
		tok, err := dec.Token()
		if err != nil {
			return sg.ErrTravelRuleDataInvalid.WithMessage("travel-rule data is not a well-formed JSON object")
		}
		switch tok {
		case nil:
			return sg.ErrTravelRuleDataInvalid.WithMessage("null is not a value in IVMS 101: leave the field out")
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return sg.ErrTravelRuleDataInvalid.WithMessage("travel-rule data is not a well-formed JSON object")
				}
				name, _ := k.(string)
				if !ivmsNames.Get()[name] {
					return sg.ErrTravelRuleDataInvalid.WithMessage("IVMS 101 defines no field %q", name).WithParam(TravelParam)
				}
				if seen[name] {
					return sg.ErrTravelRuleDataInvalid.WithMessage("field %q is given twice", name).WithParam(TravelParam)
				}
				seen[name] = true
				if err := walk(depth + 1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if err := walk(depth + 1); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		if err != nil {
			return sg.ErrTravelRuleDataInvalid.WithMessage("travel-rule data is not a well-formed JSON object")
		}
		return nil
	}
	return walk(0)
}

// ivmsNames are the member names of IVMS 101 (2023), as the standard
// spells them (the json tags of sg.TravelPayload and the types in it).
var ivmsNames = &lazy.Value[map[string]bool]{New: func() map[string]bool {
	names := map[string]bool{}
	var add func(t reflect.Type)
	seen := map[reflect.Type]bool{}
	add = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			names[name] = true
			add(f.Type)
		}
	}
	add(reflect.TypeFor[sg.TravelPayload]())
	delete(names, "-")
	// The 2020 edition's names (travel_ivms2020.go renames them).
	for _, n := range []string{"originatorPersons", "beneficiaryPersons", "customerNumber"} {
		names[n] = true
	}
	return names
}}

func decodeError(err error) *sg.Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p := TravelParam
		if te.Field != "" {
			p += "." + te.Field
		}
		return sg.ErrTravelRuleDataInvalid.WithMessage("a field has the wrong JSON type").WithParam(p)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return sg.ErrTravelRuleDataInvalid.WithMessage("IVMS 101 defines no field %s", f).WithParam(TravelParam)
	}
	return sg.ErrTravelRuleDataInvalid.WithMessage("travel-rule data is not a well-formed JSON object")
}

// Text limits of the standard (Max16Text ... Max100Text).
const (
	max16, max35, max50, max70, max100 = 16, 35, 50, 70, 100
)

var (
	leiPattern = &lazy.Regexp{Expr: `^[0-9A-Z]{18}[0-9]{2}$`}
	raPattern  = &lazy.Regexp{Expr: `^RA[0-9]{6}$`}
)

// TravelValidator checks IVMS 101 (2023) documents: every field the
// standard requires, its code lists and country codes, text lengths, dates
// (YYYY-MM-DD, a birth date in the past), array bounds, and its
// constraints: C1 and C4 (a person is identifiable by an address, a
// customer id, a national id or, for a natural person, a birth date), C2
// (birth in the past), C5 and C6 (a legal name, type LEGL), C8 (address
// lines or a street with a building), C9 (a legal person's national id:
// no country of issue, a registration authority except for an LEI), C10
// (registration authority RA + 6 digits), C11 (an LEI's form) and C12
// (transfer path numbered from 0). It is at least as strict as the ivms101
// npm package (whose checks these follow; the cross-check test holds them
// together) and stricter where the standard is: a person is exactly one of
// natural or legal, an LEI's ISO 17442 check digits hold, empty text is
// refused, the payload version is 101.2023.
type TravelValidator struct {
	// Now is the clock birth dates are compared with (nil: time.Now).
	Now func() time.Time
}

// Validate checks p and returns nil or ErrTravelRuleDataInvalid whose
// Param is the path of the first failing field
// (travel_rule.originator.originatorPerson[0].naturalPerson.name). The
// message names the rule, never the value.
func (v TravelValidator) Validate(p *sg.TravelPayload) error {
	if p == nil {
		return sg.ErrTravelRuleDataRequired
	}
	c := &checker{now: time.Now}
	if v.Now != nil {
		c.now = v.Now
	}
	c.payload(p)
	if c.err == nil {
		return nil
	}
	if p.Edition == IVMSVersion2020 {
		return as2020(c.err)
	}
	return c.err
}

// ValidateTravel checks p with the system clock (TravelValidator.Validate).
func ValidateTravel(p *sg.TravelPayload) error { return TravelValidator{}.Validate(p) }

type checker struct {
	now func() time.Time
	err *sg.Error
}

func (c *checker) fail(path, format string, args ...any) {
	if c.err == nil {
		c.err = sg.ErrTravelRuleDataInvalid.WithMessage(format, args...).WithParam(TravelParam + "." + path)
	}
}

func idx(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func (c *checker) text(path, s string, maxLen int, required bool) {
	switch {
	case s == "" && required:
		c.fail(path, "this field is required")
	case !utf8.ValidString(s):
		c.fail(path, "text must be UTF-8")
	case utf8.RuneCountInString(s) > maxLen:
		c.fail(path, "text is longer than %d characters", maxLen)
	case s != "" && strings.TrimSpace(s) == "":
		c.fail(path, "text is blank")
	}
}

func (c *checker) code(path, s string, codes []string) {
	if !slices.Contains(codes, s) {
		c.fail(path, "must be one of %s", strings.Join(codes, ", "))
	}
}

func (c *checker) country(path, s string, required bool) {
	if s == "" && !required {
		return
	}
	if !ivmsCountries.Get()[s] {
		c.fail(path, "must be an ISO 3166-1 alpha-2 country code")
	}
}

func (c *checker) count(path string, n, lo, hi int) bool {
	switch {
	case n < lo:
		c.fail(path, "needs at least %d entries", lo)
	case n > hi:
		c.fail(path, "holds at most %d entries", hi)
	default:
		return true
	}
	return false
}

func (c *checker) payload(p *sg.TravelPayload) {
	if c.count("originator.originatorPerson", len(p.Originator.OriginatorPerson), 1, 10) {
		for i := range p.Originator.OriginatorPerson {
			c.person(idx("originator.originatorPerson", i), &p.Originator.OriginatorPerson[i])
		}
	}
	c.accounts("originator.accountNumber", p.Originator.AccountNumber)
	if c.count("beneficiary.beneficiaryPerson", len(p.Beneficiary.BeneficiaryPerson), 1, 10) {
		for i := range p.Beneficiary.BeneficiaryPerson {
			c.person(idx("beneficiary.beneficiaryPerson", i), &p.Beneficiary.BeneficiaryPerson[i])
		}
	}
	c.accounts("beneficiary.accountNumber", p.Beneficiary.AccountNumber)
	if p.OriginatingVASP != nil {
		c.person("originatingVASP", p.OriginatingVASP)
	}
	if p.BeneficiaryVASP != nil {
		c.person("beneficiaryVASP", p.BeneficiaryVASP)
	}
	if tp := p.TransferPath; tp != nil && c.count("transferPath.transferPath", len(tp.TransferPath), 0, 5) {
		seen := make([]bool, len(tp.TransferPath))
		for i, h := range tp.TransferPath {
			path := idx("transferPath.transferPath", i)
			c.person(path+".intermediaryVASP", &tp.TransferPath[i].IntermediaryVASP)
			if h.Sequence < 0 || h.Sequence >= len(seen) || seen[h.Sequence] {
				c.fail(path+".sequence", "sequences number the path from 0 with no gap or repeat")
			} else {
				seen[h.Sequence] = true
			}
		}
	}
	m := p.PayloadMetadata
	if m == nil {
		c.fail("payloadMetadata.payloadVersion", "this field is required (%s)", sg.IVMSVersion2023)
		return
	}
	if c.count("payloadMetadata.transliterationMethod", len(m.TransliterationMethod), 0, 5) {
		for i, t := range m.TransliterationMethod {
			c.code(idx("payloadMetadata.transliterationMethod", i), t, sg.IVMSTransliterations)
		}
	}
	if m.PayloadVersion != sg.IVMSVersion2023 {
		c.fail("payloadMetadata.payloadVersion", "must be %s", sg.IVMSVersion2023)
	}
}

func (c *checker) accounts(path string, l []string) {
	if c.count(path, len(l), 0, 20) {
		for i, a := range l {
			c.text(idx(path, i), a, max100, true)
		}
	}
}

func (c *checker) person(path string, p *sg.IVMSPerson) {
	switch {
	case p.NaturalPerson != nil && p.LegalPerson != nil:
		c.fail(path, "a person is either a naturalPerson or a legalPerson, not both")
	case p.NaturalPerson != nil:
		c.natural(path+".naturalPerson", p.NaturalPerson)
	case p.LegalPerson != nil:
		c.legal(path+".legalPerson", p.LegalPerson)
	default:
		c.fail(path, "a person needs a naturalPerson or a legalPerson")
	}
}

func (c *checker) natural(path string, n *sg.IVMSNaturalPerson) {
	np := path + ".name.nameIdentifier"
	if c.count(np, len(n.Name.NameIdentifier), 1, 5) {
		legal := false
		for i, id := range n.Name.NameIdentifier {
			ip := idx(np, i)
			c.text(ip+".primaryIdentifier", id.PrimaryIdentifier, max100, true)
			c.text(ip+".secondaryIdentifier", id.SecondaryIdentifier, max100, false)
			c.code(ip+".naturalPersonNameIdentifierType", id.NaturalPersonNameIdentifierType, sg.IVMSNaturalNameTypes)
			legal = legal || id.NaturalPersonNameIdentifierType == "LEGL"
		}
		if !legal { // C6
			c.fail(path+".name", "a natural person needs a name of type LEGL")
		}
	}
	for _, l := range []struct {
		path string
		ids  []sg.IVMSLocalNameID
	}{{path + ".name.localNameIdentifier", n.Name.LocalNameIdentifier}, {path + ".name.phoneticNameIdentifier", n.Name.PhoneticNameIdentifier}} {
		if c.count(l.path, len(l.ids), 0, 5) {
			for i, id := range l.ids {
				ip := idx(l.path, i)
				c.text(ip+".primaryIdentifier", id.PrimaryIdentifier, max100, true)
				c.text(ip+".secondaryIdentifier", id.SecondaryIdentifier, max100, false)
				c.code(ip+".nameIdentifierType", id.NameIdentifierType, sg.IVMSNaturalNameTypes)
			}
		}
	}
	c.addresses(path+".geographicAddress", n.GeographicAddress)
	if id := n.NationalIdentification; id != nil {
		ip := path + ".nationalIdentification"
		c.text(ip+".nationalIdentifier", id.NationalIdentifier, max35, true)
		c.code(ip+".nationalIdentifierType", id.NationalIdentifierType, sg.IVMSNaturalIDTypes)
		c.country(ip+".countryOfIssue", id.CountryOfIssue, false)
		if id.RegistrationAuthority != "" && !raPattern.MatchString(id.RegistrationAuthority) { // C10
			c.fail(ip+".registrationAuthority", "a registration authority is RA and 6 digits")
		}
	}
	c.text(path+".customerIdentification", n.CustomerIdentification, max50, false)
	if b := n.DateAndPlaceOfBirth; b != nil {
		bp := path + ".dateAndPlaceOfBirth"
		if d, err := time.Parse(time.DateOnly, b.DateOfBirth); err != nil {
			c.fail(bp+".dateOfBirth", "a date is YYYY-MM-DD")
		} else if !d.Before(c.now().UTC().Truncate(24 * time.Hour)) { // C2
			c.fail(bp+".dateOfBirth", "a date of birth is in the past")
		}
		c.text(bp+".placeOfBirth", b.PlaceOfBirth, max70, true)
	}
	c.country(path+".countryOfResidence", n.CountryOfResidence, false)
	// C1: identifiable beyond the name.
	if len(n.GeographicAddress) == 0 && n.CustomerIdentification == "" && n.NationalIdentification == nil && n.DateAndPlaceOfBirth == nil {
		c.fail(path, "a natural person needs a geographicAddress, customerIdentification, nationalIdentification or dateAndPlaceOfBirth")
	}
}

func (c *checker) legal(path string, l *sg.IVMSLegalPerson) {
	for _, n := range []struct {
		path     string
		ids      []sg.IVMSLegalNameID
		min, max int
	}{{path + ".name.nameIdentifier", l.Name.NameIdentifier, 1, 3}, {path + ".name.localNameIdentifier", l.Name.LocalNameIdentifier, 0, 3},
		{path + ".name.phoneticNameIdentifier", l.Name.PhoneticNameIdentifier, 0, 3}} {
		if c.count(n.path, len(n.ids), n.min, n.max) {
			for i, id := range n.ids {
				ip := idx(n.path, i)
				c.text(ip+".legalPersonName", id.LegalPersonName, max100, true)
				c.code(ip+".legalPersonNameIdentifierType", id.LegalPersonNameIdentifierType, sg.IVMSLegalNameTypes)
			}
		}
	}
	if !slices.ContainsFunc(l.Name.NameIdentifier, func(id sg.IVMSLegalNameID) bool { return id.LegalPersonNameIdentifierType == "LEGL" }) { // C5
		c.fail(path+".name", "a legal person needs a name of type LEGL")
	}
	c.addresses(path+".geographicAddress", l.GeographicAddress)
	c.text(path+".customerIdentification", l.CustomerIdentification, max50, false)
	if id := l.NationalIdentification; id != nil {
		ip := path + ".nationalIdentification"
		c.text(ip+".nationalIdentifier", id.NationalIdentifier, max35, true)
		c.code(ip+".nationalIdentifierType", id.NationalIdentifierType, sg.IVMSLegalIDTypes)
		switch {
		case id.CountryOfIssue != "": // C9
			c.fail(ip+".countryOfIssue", "a legal person's national identification has no countryOfIssue")
		case id.NationalIdentifierType == "LEIX" && id.RegistrationAuthority != "": // C9
			c.fail(ip+".registrationAuthority", "an LEI has no registrationAuthority")
		case id.NationalIdentifierType != "LEIX" && !raPattern.MatchString(id.RegistrationAuthority): // C9, C10
			c.fail(ip+".registrationAuthority", "a registration authority (RA and 6 digits) is required except for an LEI")
		case id.NationalIdentifierType == "LEIX" && !ValidLEI(id.NationalIdentifier): // C11
			c.fail(ip+".nationalIdentifier", "an LEI is 20 characters with valid ISO 17442 check digits")
		}
	}
	c.country(path+".countryOfRegistration", l.CountryOfRegistration, false)
	// C4: identifiable beyond the name (an address of type GEOG counts).
	geog := slices.ContainsFunc(l.GeographicAddress, func(a sg.IVMSAddress) bool { return a.AddressType == "GEOG" })
	if !geog && l.CustomerIdentification == "" && l.NationalIdentification == nil {
		c.fail(path, "a legal person needs a GEOG geographicAddress, customerIdentification or nationalIdentification")
	}
}

func (c *checker) addresses(path string, as []sg.IVMSAddress) {
	if !c.count(path, len(as), 0, 5) {
		return
	}
	for i, a := range as {
		p := idx(path, i)
		c.code(p+".addressType", a.AddressType, sg.IVMSAddressTypes)
		for _, f := range []struct {
			name string
			v    string
			max  int
		}{{"department", a.Department, max50}, {"subDepartment", a.SubDepartment, max70}, {"streetName", a.StreetName, max70},
			{"buildingNumber", a.BuildingNumber, max16}, {"buildingName", a.BuildingName, max35}, {"floor", a.Floor, max70},
			{"postBox", a.PostBox, max16}, {"room", a.Room, max70}, {"postcode", a.Postcode, max16},
			{"townLocationName", a.TownLocationName, max35}, {"districtName", a.DistrictName, max35}, {"countrySubDivision", a.CountrySubDivision, max35}} {
			c.text(p+"."+f.name, f.v, f.max, false)
		}
		c.text(p+".townName", a.TownName, max35, true)
		c.country(p+".country", a.Country, true)
		if c.count(p+".addressLine", len(a.AddressLine), 0, 7) {
			for j, l := range a.AddressLine {
				c.text(idx(p+".addressLine", j), l, max70, true)
			}
		}
		if len(a.AddressLine) == 0 && (a.StreetName == "" || a.BuildingName == "" && a.BuildingNumber == "") { // C8
			c.fail(p, "an address needs addressLine, or a streetName with a buildingName or buildingNumber")
		}
	}
}

// ValidLEI reports whether s is an ISO 17442 Legal Entity Identifier: 18
// upper-case letters or digits and two check digits that make the whole,
// letters read as 10 to 35, equal 1 modulo 97 (ISO 7064 MOD 97-10).
func ValidLEI(s string) bool {
	if !leiPattern.MatchString(s) {
		return false
	}
	rem := 0
	for _, r := range s {
		if r >= 'A' {
			v := int(r-'A') + 10
			rem = (rem*100 + v) % 97
		} else {
			rem = (rem*10 + int(r-'0')) % 97
		}
	}
	return rem == 1
}
